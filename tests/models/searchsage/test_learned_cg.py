"""The `learned` CG over a tiny LanceDB items table: brute force agrees, the cache hits, refusals are clear."""

import numpy as np
import pyarrow as pa
import pytest

from engine.generators.registry import get_generator
from engine.index.columns import derived_fields
from engine.index.store import ITEMS_SCHEMA, ITEMS_TABLE, connect
from engine.models.searchsage.checkpoint import CatalogMismatchError
from engine.models.searchsage.item_column import LEARNED_VEC
from engine.models.searchsage.items import encode_queries
from engine.models.searchsage.loader import SearchSageMissingError, query_cache_for, searchsage_for
from engine.models.searchsage.workspace_train import train_workspace
from engine.pipeline.context import SearchContext
from engine.records import Query, UnderstoodQuery
from engine.workspace import Workspace
from tests.fakes import FakeClip
from tests.models.searchsage.synthetic_log import WordText, catalog, log, write_log
from tests.models.searchsage.test_train_and_checkpoint import TINY


def _workspace(root) -> Workspace:
    """A workspace whose items table holds the synthetic catalog with 8-d image and 16-d text vectors."""
    workspace = Workspace(root).create()
    rng = np.random.default_rng(0)
    fields = {f.name: f for f in list(ITEMS_SCHEMA) + derived_fields(8, 16)}
    rows = []
    for r in catalog():
        image = rng.standard_normal(8)
        rows.append({**r, "image_path": f"catalog/{r['item_id']}.jpg", "image_sha256": "0" * 64, "image_width": 8,
                     "image_height": 8, "kind": "product", "image_vec": (image / np.linalg.norm(image)).tolist(),
                     "text_vec": WordText().encode([r["title"]])[0].tolist(), "engagement": 1.0})
    schema = pa.schema(list(fields.values()))
    table = pa.Table.from_pylist([{n: row.get(n) for n in schema.names} for row in rows], schema=schema)
    connect(workspace).create_table(ITEMS_TABLE, data=table)
    return workspace


def _open(workspace):
    return SearchContext.open(workspace, FakeClip(8), WordText())


def _run(context, text, k=5):
    g = get_generator("learned")
    q = UnderstoodQuery(Query(text=text), "text", {}, {}, {}, text)
    return g.run(context, q, g.check_params({}), k)


@pytest.fixture(scope="module")
def trained_workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("learned")
    workspace = _workspace(root / "ws")
    missing = _open(workspace)
    with pytest.raises(SearchSageMissingError, match=r"workbench train searchsage --home .*ws"):
        _run(missing, "red dress")
    write_log(root / "log", log(400))
    report = train_workspace(workspace, root / "log", TINY, WordText())
    return workspace, report


def test_learned_cg_is_the_query_tower_against_learned_vec(trained_workspace):
    workspace, report = trained_workspace
    assert report.checkpoint.is_file() and 0 <= report.metrics["baseline_recall@10"] <= 1
    context = _open(workspace)
    hits = _run(context, "red dress")
    model, _ = searchsage_for(context)
    query = encode_queries(model.query, WordText().encode(["red dress"]))[0]
    rows = context.table.to_arrow().select(["item_id", LEARNED_VEC]).to_pylist()
    brute = sorted((-float(np.dot(r[LEARNED_VEC], query)), r["item_id"]) for r in rows)[:5]
    assert [i for i, _ in hits] == [i for _, i in brute]
    assert [s for _, s in hits] == pytest.approx([-s for s, _ in brute], abs=1e-5)
    assert hits[0][0] == "p00"  # "red dress" is item 0 of the synthetic catalog
    _run(context, "red dress")
    assert query_cache_for(context).hits == 1
    assert _run(context, "   ") == []


def test_a_workspace_whose_catalog_changed_is_refused(trained_workspace, tmp_path):
    import shutil

    workspace, _ = trained_workspace
    copy = Workspace(tmp_path / "ws")
    shutil.copytree(workspace.root, copy.root)
    table = connect(copy).open_table(ITEMS_TABLE)
    table.delete("item_id = 'p29'")
    with pytest.raises(CatalogMismatchError, match="trained on another catalog"):
        _run(_open(copy), "red dress")


def test_the_cli_trains_writes_and_reports(tmp_path, monkeypatch, capsys):
    import json

    import engine.models.text_encoder
    from workbench.cli import main

    workspace = _workspace(tmp_path / "ws")
    assert main(["train", "searchsage", "--home", str(workspace.root)]) == 2
    assert "pass --search-log DIR" in capsys.readouterr().err
    write_log(tmp_path / "log", log(400))
    monkeypatch.setattr(engine.models.text_encoder, "load_text_encoder", lambda **_: WordText())
    assert main(["train", "searchsage", "--home", str(workspace.root), "--search-log", str(tmp_path / "log"),
                 "--epochs", "1", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["checkpoint"] == str(workspace.models_dir / "searchsage.safetensors")
    assert set(report["metrics"]) >= {"recall@10", "baseline_recall@10"} and report["pairs"]["held_out"] > 0
    assert len(_run(_open(workspace), "blue boots")) == 5


def test_learned_vectors_rewritten_from_the_checkpoint_equal_those_written_at_training(trained_workspace, tmp_path):
    """What the demo does with its committed checkpoint: the same item tower over the same features."""
    import shutil

    from engine.models.searchsage.workspace_train import write_learned_from_checkpoint

    workspace, report = trained_workspace
    copy = Workspace(tmp_path / "ws")
    shutil.copytree(workspace.root, copy.root)
    trained = {r["item_id"]: r[LEARNED_VEC] for r in _open(copy).table.to_arrow().select(["item_id", LEARNED_VEC])
               .to_pylist()}
    connect(copy).open_table(ITEMS_TABLE).drop_columns([LEARNED_VEC])
    with pytest.raises(SearchSageMissingError):
        _run(_open(copy), "red dress")
    checkpoint = copy.models_dir / report.checkpoint.name
    assert write_learned_from_checkpoint(copy, checkpoint, workspace.root.parent / "log") \
        == len(trained)
    rewritten = _open(copy).table.to_arrow().select(["item_id", LEARNED_VEC]).to_pylist()
    for row in rewritten:
        np.testing.assert_allclose(row[LEARNED_VEC], trained[row["item_id"]], atol=1e-6)
    assert [i for i, _ in _run(_open(copy), "red dress")] == [i for i, _ in _run(_open(workspace), "red dress")]
