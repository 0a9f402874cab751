"""Weights fitted from judgments: the pure kernel against the real reranker, CV hygiene, a planted truth, the CLI."""

from __future__ import annotations

import numpy as np
import pytest

from engine.records import Candidate, Query, Source, UnderstoodQuery
from engine.rerank import CgBoostConfig, RerankConfig, rerank
from engine.rerank.weight_kernel import CandidateTerms, KernelWeights, kernel_order, terms_from_results
from eval.tuning import (
    MIN_JUDGED_PAIRS,
    QueryPool,
    Scoring,
    TuningInputError,
    check_pools,
    coordinate_ascent,
    cross_validate,
    fold_assignment,
    ndcg_per_query,
    tune,
)

CGS = ("text", "late_fusion", "lexical")
TARGETS = {"color": "red", "pattern": "striped"}
FEATURES = ("image_sim", "text_sim", "engagement", "relevance")


def _candidates(seed: int, n: int = 40) -> list[Candidate]:
    """Seeded candidates: 0..3 CG sources, some target matches with confidences, and two exact feature ties."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        cgs = [cg for cg in CGS if rng.random() < 0.5]
        sources = [Source(cg, {}, int(rng.integers(1, 50)), float(rng.random())) for cg in cgs]
        attributes = {f: v for f, v in TARGETS.items() if rng.random() < 0.4}
        confidence = {f: round(float(rng.random()), 3) for f in attributes}
        if rng.random() < 0.3:
            attributes["color"] = "blue"
        features = {name: round(float(rng.random()), 2) for name in FEATURES}
        out.append(Candidate(f"item-{i:02d}", sources, attributes, confidence, {}, features))
    for twin in (1, 2):  # equal scores: the tie breaks by item_id in both
        out[twin] = Candidate(f"twin-{twin}", list(out[0].sources), dict(out[0].attributes),
                              dict(out[0].attribute_confidence), {}, dict(out[0].features))
    return out


SETTINGS = [  # (w1, w2, w3, w4, w5, strength, fill, aggregate, top_n)
    (1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 8, "sum", 50),
    (0.0, 2.0, 0.25, 0.0, 2.0, 1.0, 4, "product", 10),
    (1.5, 0.0, 0.0, 1.0, 0.0, 0.0, 0, "mean", 5),
    (0.25, 0.75, 2.0, 1.5, 1.0, 0.75, 3, "sum", 1),
]


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("setting", SETTINGS)
def test_kernel_orders_like_the_real_reranker(seed, setting):
    *weights, aggregate, top_n = setting
    candidates = _candidates(seed)
    understood = UnderstoodQuery(Query("in red striped"), "pivot", dict(TARGETS), {}, {}, "red striped")
    # the terms are read once, from a run with the default weights, as `workbench tune` reads them
    terms = terms_from_results(rerank(candidates, understood, RerankConfig()), TARGETS)
    kw = KernelWeights(*weights[:6], fill_positions=weights[6])
    config = RerankConfig(weights=kw.composite(), aggregate=aggregate, fill_positions=kw.fill_positions,
                          cg_boost=CgBoostConfig(top_n=top_n, strength=kw.strength))
    expected = [r.item_id for r in rerank(candidates, understood, config)]
    assert kernel_order(terms, kw, aggregate=aggregate, cg_boost=config.cg_boost) == expected
    assert expected.index("twin-1") < expected.index("twin-2")


def test_kernel_without_targets_never_fills():
    candidates = _candidates(5)
    understood = UnderstoodQuery(Query("dress"), "text", {}, {}, {}, "dress")
    terms = terms_from_results(rerank(candidates, understood, RerankConfig()), {})
    assert not any(t.fills for t in terms)
    assert kernel_order(terms, KernelWeights()) == [r.item_id for r in rerank(candidates, understood, RerankConfig())]


# ---- a planted truth: the grade is the engagement term, the other terms are noise --------------------------------

def _planted_pools(n_queries: int = 12, n_items: int = 30, seed: int = 7) -> list[QueryPool]:
    rng = np.random.default_rng(seed)
    pools = []
    for q in range(n_queries):
        terms, grades = [], {}
        for i in range(n_items):
            engagement = float(rng.random())
            terms.append(CandidateTerms(f"q{q}-i{i}", float(rng.random()), float(rng.random()), engagement,
                                        float(rng.random()), (), (), False))
            grades[f"q{q}-i{i}"] = float(round(4 * engagement))
        pools.append(QueryPool(f"q{q:02d}", tuple(terms), grades))
    return pools


OWN = KernelWeights(w1=1.0, w2=1.0, w3=0.0, w4=0.5, w5=0.5, strength=0.5, fill_positions=8)


def test_the_fit_finds_the_term_that_is_the_truth():
    pools = _planted_pools()
    fitted = coordinate_ascent(pools, OWN, Scoring())
    assert (fitted.w1, fitted.w2, fitted.w4) == (0.0, 0.0, 0.0) and fitted.w3 > 0
    # ranking by engagement alone orders every query ideally (grades are a monotone function of it)
    assert ndcg_per_query(pools, fitted, Scoring()) == pytest.approx(np.ones(len(pools)))
    assert ndcg_per_query(pools, OWN, Scoring()).mean() < 0.9


def test_tune_reports_a_held_out_gain_whose_ci_excludes_zero():
    result = tune(_planted_pools(), OWN, Scoring(), folds=4, seed=0, resamples=2000)
    assert result.gain.n_queries == 12 and result.gain.ci_low > 0
    assert result.gain.mean_delta == pytest.approx(float((result.cv.tuned - result.cv.own).mean()))
    assert result.unjudged_top == 0 and result.shown_top == 12 * 10  # every planted item is judged


def test_unjudged_candidates_gain_zero_or_are_dropped_when_condensed():
    def terms(item, text_sim):
        return CandidateTerms(item, 0.0, text_sim, 0.0, 0.0, (), (), False)

    pool = QueryPool("q", (terms("u", 0.9), terms("a", 0.5), terms("b", 0.1)), {"a": 2.0, "b": 0.0})
    text_only = KernelWeights(0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0)
    # zero: u (unjudged) takes rank 1 and gains 0, a gains 2 at rank 2; the ideal puts a first
    assert ndcg_per_query([pool], text_only, Scoring())[0] == pytest.approx((2 / np.log2(3)) / 2)
    assert ndcg_per_query([pool], text_only, Scoring(unjudged="condensed"))[0] == pytest.approx(1.0)
    with pytest.raises(TuningInputError, match="unjudged = 'skip'; expected one of zero, condensed"):
        Scoring(unjudged="skip")


# ---- cross-validation never fits on a test fold's queries ---------------------------------------------------------

def test_each_fold_is_fitted_without_its_own_queries():
    pools = _planted_pools(n_queries=11, n_items=12)
    seen: list[set[str]] = []

    def spy_fit(train):
        seen.append({p.query_id for p in train})
        return OWN

    cv = cross_validate(pools, OWN, Scoring(), folds=4, seed=3, fit=spy_fit)
    every = {p.query_id for p in pools}
    assert len(seen) == len(cv.folds) == 4
    for train, fold in zip(seen, cv.folds):
        assert train.isdisjoint(fold.test) and train | set(fold.test) == every
    assert sorted(cv.query_ids) == sorted(every)  # each query is held out exactly once
    np.testing.assert_array_equal(cv.tuned, cv.own)  # the spy fits the own weights back


def test_folds_are_disjoint_cover_every_query_and_follow_the_seed():
    ids = [f"q{i}" for i in range(10)]
    folds = fold_assignment(ids, 3, seed=1)
    assert sorted(q for f in folds for q in f) == ids and [len(f) for f in folds] == [4, 3, 3]
    assert fold_assignment(list(reversed(ids)), 3, seed=1) == folds
    assert fold_assignment(ids, 3, seed=2) != folds


# ---- bad input ------------------------------------------------------------------------------------------------

def test_too_few_judged_pairs_names_the_count_and_the_minimum():
    pools = [QueryPool(f"q{i}", (), {"a": 1.0, "b": 0.0}) for i in range(5)]
    with pytest.raises(TuningInputError, match=f"has 10 judged .* the minimum is {MIN_JUDGED_PAIRS}"):
        check_pools(pools, folds=2)


def test_fewer_judged_queries_than_folds_says_how_to_fix_it():
    pools = [QueryPool(f"q{i}", (), {f"i{j}": 1.0 for j in range(10)}) for i in range(3)]
    with pytest.raises(TuningInputError, match="3 judged queries, fewer than --folds 5.*at most 3"):
        check_pools(pools, folds=5)


# ---- the written config loads ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["full", "full_standins", "no_fill", "baseline"])
def test_a_tuned_config_file_loads_back_with_the_fitted_weights(tmp_path, name):
    from engine.pipeline.config import load_config
    from eval.tuned_config import config_toml, with_weights

    config = load_config(name)
    fitted = KernelWeights(0.25, 2.0, 0.0, 1.5, 1.0, 0.75, 4)
    tuned = with_weights(config, fitted, f"{name}-tuned", 'fitted "here"')
    path = tmp_path / f"{name}-tuned.toml"
    path.write_text(config_toml(tuned, "a header\nof two lines"), encoding="utf-8")
    loaded = load_config(path)
    assert loaded == tuned and loaded.content_hash() == tuned.content_hash()
    assert KernelWeights.of_config(loaded.rerank) == fitted


# ---- on the indexed sample workspace, with simulated raters' judgments ---------------------------------------------

@pytest.fixture(scope="module")
def judged_home(tmp_path_factory, search_context, sample_catalog):
    """A copy of the indexed sample workspace whose store holds the demo's small judged query set."""
    import shutil

    from engine.workspace import Workspace
    from labels import open_store
    from workbench.demo_population import DemoSettings, populate

    home = tmp_path_factory.mktemp("tune") / "ws"
    shutil.copytree(search_context.workspace.root, home, ignore=shutil.ignore_patterns("judgments.duckdb*"))
    with open_store(home / "judgments.duckdb") as store:
        settings = DemoSettings(pivots_and_descriptors=6, crops=0, k=5, overlap=1)
        populate(Workspace(home), search_context, store, settings, catalog=sample_catalog, log=lambda _: None)
    return home


@pytest.fixture
def shared_models(monkeypatch, search_context):
    """SearchContext.open reuses the session's loaded models (the CLI would load the same ones again)."""
    from engine.pipeline.context import SearchContext

    opened = SearchContext.open
    monkeypatch.setattr(SearchContext, "open", lambda workspace, *a, **k: opened(
        workspace, search_context.clip, search_context.text_encoder))


def test_terms_from_one_run_reorder_like_a_search_with_other_weights(judged_home, search_context):
    from engine.pipeline.config import load_config
    from engine.pipeline.search import search
    from eval.tuned_config import with_weights
    from labels import open_store
    from workbench.batch_runs import query_of
    from workbench.commands.tune import query_terms
    from workbench.demo_population import QUERY_SET

    config = load_config("full_standins")
    with open_store(judged_home / "judgments.duckdb", read_only=True) as store:
        records = store.queries(QUERY_SET)[:3]
    own = KernelWeights.of_config(config.rerank)
    for record in records:
        terms, _ = query_terms(search_context, record, config, 10)
        others = (KernelWeights(0.0, 1.0, 2.0, 0.25, 2.0, 1.0, 4), KernelWeights(2.0, 0.5, 0.0, 1.5, 0.0, 0.0, 0))
        for weights in (own, *others):
            rerun = search(search_context, query_of(record), with_weights(config, weights, "other", ""), k=10)
            assert kernel_order(terms, weights, aggregate=config.rerank.aggregate, cg_boost=config.rerank.cg_boost,
                                limit=10) == [r.item_id for r in rerun.results]


def test_cli_tune_writes_a_config_the_loader_reads(judged_home, shared_models, capsys):
    from engine.pipeline.config import PipelineConfig, load_config
    from engine.workspace import Workspace
    from workbench.cli import main
    from workbench.demo_population import QUERY_SET

    assert main(["tune", "--home", str(judged_home), "--config", "full_standins", "--query-set", QUERY_SET,
                 "--folds", "3"]) == 0
    out = capsys.readouterr().out
    assert "gain, 95% bootstrap CI over queries" in out and "3-fold CV over 6 judged queries" in out
    assert f"workbench eval run --configs full_standins,full_standins-tuned --query-set {QUERY_SET}" in out
    assert "unjudged" in out
    written = judged_home / "configs" / "full_standins-tuned.toml"
    tuned = load_config("full_standins-tuned", Workspace(judged_home))
    assert isinstance(tuned, PipelineConfig) and str(written) in out
    assert tuned.calls() == load_config("full_standins").calls()

    other = judged_home / "elsewhere" / "condensed.toml"
    assert main(["tune", "--home", str(judged_home), "--config", "full_standins", "--query-set", QUERY_SET,
                 "--folds", "2", "--unjudged", "condensed", "--out", str(other)]) == 0
    out = capsys.readouterr().out
    assert "(condensed: unjudged dropped)" in out and "full_standins,condensed" in out
    assert load_config(other).name == "condensed"


@pytest.mark.parametrize("argv, message", [
    (["--config", "no-such-config", "--query-set", "sample-benchmark"], "unknown config 'no-such-config'; known:"),
    (["--config", "rrf", "--query-set", "sample-benchmark"], "does not use the composite reranker"),
    (["--config", "full_standins", "--query-set", "nope"], "unknown query set 'nope'"),
    (["--config", "full_standins", "--query-set", "sample-benchmark", "--folds", "9"],
     "6 judged queries, fewer than --folds 9"),
])
def test_cli_bad_input_names_the_input_and_the_fix(judged_home, argv, message, capsys):
    from workbench.cli import main

    assert main(["tune", "--home", str(judged_home), *argv]) == 2
    assert message in capsys.readouterr().err


def test_cli_refuses_a_query_set_without_judgments(judged_home, capsys):
    from labels import open_store
    from workbench.cli import main

    with open_store(judged_home / "judgments.duckdb") as store:
        store.add_query_set("unjudged", exist_ok=True)
    assert main(["tune", "--home", str(judged_home), "--config", "full_standins", "--query-set", "unjudged"]) == 2
    assert "has no graded judgments" in capsys.readouterr().err
