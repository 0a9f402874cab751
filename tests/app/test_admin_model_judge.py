"""The Admin page's "Model as judge": pick a pool and a threshold, see what it saves and costs, apply it. The model
is not under test here: grading is replaced by hand-made grades, and applying writes through the real store."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

from labels import Rater
from workbench import model_judge, search_state

from .labeling_workspace import ROLES, store_of

PAGE = Path(__file__).parents[2] / "workbench" / "app_pages" / "admin.py"


def page_as(rater_id: str) -> AppTest:
    at = AppTest.from_file(str(PAGE), default_timeout=60)
    at.session_state["signed_in_rater"] = Rater(rater_id, rater_id.title(), ROLES[rater_id], False, datetime(2026, 1, 1))
    return at.run()


def hand_made_grades(store, pool_id: int) -> model_judge.PoolGrades:
    """Confidences 0.95, 0.85, ... down the pool's pairs; people's label known for the first two (4 and 0)."""
    pairs = store.pool_pairs(pool_id, model_judge.JUDGE)
    n = len(pairs)
    confidence = np.round(0.95 - 0.1 * np.arange(n), 2)
    human = [4, 0] + [None] * (n - 2)
    return model_judge.PoolGrades(pool_id, pairs, np.full(n, 4), confidence, human, 1.0, 0, 0, "f" * 64)


def test_without_a_model_the_section_says_how_to_train_one(workspace):
    at = page_as("ada")
    assert not at.exception
    assert any("workbench train relevance" in info.value for info in at.info)
    assert not [s for s in at.slider if s.key == "admin_judge_threshold"]


def test_an_admin_sees_the_saving_and_its_cost_then_applies_the_gate(workspace, monkeypatch):
    (workspace.models_dir).mkdir(parents=True, exist_ok=True)
    (workspace.models_dir / "relevance-student.safetensors").write_bytes(b"")  # has_model looks for the file
    monkeypatch.setattr(model_judge, "grade_pool", lambda ws, store, pool_id, context=None:
                        hand_made_grades(store, pool_id))
    monkeypatch.setattr(search_state, "search_context", lambda ws: None)
    at = page_as("ada")
    assert not at.exception and at.selectbox(key="admin_judge_pool").options == ["1"]
    at.button(key="admin_judge_grade").click().run()
    assert not at.exception and "the model graded" in at.success[0].value
    at.slider(key="admin_judge_threshold").set_value(0.9).run()
    metrics = {m.label: m.value for m in at.metric}
    # 0.95 only: one pair at overlap 1 is one judgment saved; measured on it: people 4, model 4
    assert metrics["Human judgments saved"] == "1" and metrics["Pairs the model judges"].startswith("1 of ")
    assert any("QWK undefined (one grade only), exact 1.000 on 1 pairs" in c.value for c in at.caption)
    at.slider(key="admin_judge_threshold").set_value(0.8).run()
    assert any("exact 0.500 on 2 pairs" in c.value for c in at.caption)
    at.button(key="admin_judge_apply").click().run()
    assert not at.exception and not at.error
    assert any("model:relevance judges 2 pairs (2 judgments written" in s.value for s in at.success)
    store = store_of(workspace)
    model = store.model_judgments_frame()
    assert len(model) == 2 and set(model["rater_id"]) == {"model:relevance"}
    assert store.judgments_frame().empty  # people's judgments: still none


def test_a_threshold_of_one_judges_nothing(workspace, monkeypatch):
    (workspace.models_dir).mkdir(parents=True, exist_ok=True)
    (workspace.models_dir / "relevance-student.safetensors").write_bytes(b"")
    monkeypatch.setattr(model_judge, "grade_pool", lambda ws, store, pool_id, context=None:
                        hand_made_grades(store, pool_id))
    monkeypatch.setattr(search_state, "search_context", lambda ws: None)
    at = page_as("ada")
    at.button(key="admin_judge_grade").click().run()
    at.slider(key="admin_judge_threshold").set_value(1.0).run()
    assert at.button(key="admin_judge_apply").disabled
    assert any("unmeasured: no pair is at or above the threshold" in c.value for c in at.caption)
