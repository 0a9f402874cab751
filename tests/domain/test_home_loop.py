"""The whole loop on a catalog of another domain (home goods: families room, material, style the fashion
sample never had), from the user's own data, with no file of the project edited and no search log:
ingest (CSV) -> index -> attributes from the VLM's key/value output -> pivots and descriptors in that
domain's words -> collections -> a label stored -> `eval report`. Then the same catalog with the vocabulary
taken from its attribute columns instead."""

from __future__ import annotations

import contextlib
import io
import json

import pyarrow.parquet as pq
import pytest

from engine.workspace import Workspace

pytestmark = pytest.mark.slow
N, SEED = 120, 11


def cli(*argv: str) -> tuple[int, str]:
    from workbench.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main([str(a) for a in argv])
    return code, out.getvalue()


def ok(*argv) -> str:
    code, out = cli(*argv)
    assert code == 0, f"workbench {' '.join(map(str, argv))} exited {code}:\n{out}"
    return out


@pytest.fixture(scope="module")
def home_catalog(tmp_path_factory):
    out = tmp_path_factory.mktemp("home") / "catalog"
    ok("generate-sample", "--domain", "home", "--n", N, "--seed", SEED, "--out", out)
    return out


@pytest.fixture(scope="module")
def truth(home_catalog):
    return {r["item_id"]: r for r in pq.read_table(home_catalog / "items.parquet").to_pylist()}


@pytest.fixture(scope="module")
def home_workspace(tmp_path_factory, home_catalog):
    """ingest -> index -> attributes run from the VLM key/value file (the vocabulary learned from its keys)."""
    root = tmp_path_factory.mktemp("home_ws") / "ws"
    ok("ingest", "--home", root, "--images", home_catalog, "--metadata", home_catalog / "items.csv")
    ok("index", "--home", root)
    ok("attributes", "run", "--home", root, "--input", home_catalog / "vlm_attributes.jsonl")
    return Workspace(root)


def search_json(workspace, item, text, config="no_early_fusion") -> dict:
    return json.loads(ok("search", "--home", workspace.root, "--item", item, "--text", text, "--config", config,
                         "--k", 10, "--json"))


def test_the_vocabulary_is_learned_from_the_keys_including_a_family_fashion_never_had(home_workspace):
    from engine.vocabulary import load_workspace_vocabulary

    vocab = load_workspace_vocabulary(home_workspace.root)
    assert {"color", "material", "room", "style"} <= set(vocab.family_names)
    assert vocab.product_type is not None
    assert vocab.canonical("material", "wicker") == vocab.canonical("material", "rattan") is not None
    assert vocab.canonical("color", "terra cotta") == vocab.canonical("color", "terracotta") is not None
    assert "pattern" not in vocab and "occasion" not in vocab  # nothing of the fashion sample leaks in


@pytest.mark.parametrize(("text", "family", "value"), [
    ("make it marble", "material", "marble"),
    ("for the bedroom", "room", "bedroom"),
    ("in terracotta", "color", "terracotta"),
])
def test_a_pivot_in_the_domain_words_is_understood_and_answered(home_workspace, truth, text, family, value):
    from engine.vocabulary import load_workspace_vocabulary

    vocab = load_workspace_vocabulary(home_workspace.root)
    # a reference whose product type has items with the asked-for value: the answer exists in the catalog
    answers = {(r["category"]) for r in truth.values() if r[family] == value}
    ref = sorted(i for i, r in truth.items() if r[family] != value and r["category"] in answers)[0]
    out = search_json(home_workspace, ref, text)
    assert out["query"]["mode"] == "pivot"
    assert out["query"]["understood"]["target_attributes"][family] == vocab.canonical(family, value)
    assert len(out["results"]) == 10 and ref not in [r["item_id"] for r in out["results"]]
    kind = truth[ref]["category"]
    assert any(truth[r["item_id"]][family] == value and truth[r["item_id"]]["category"] == kind
               for r in out["results"]), f"no {value} {kind} in the top 10"


def test_a_descriptor_names_its_family(home_workspace, truth):
    ref = sorted(truth)[0]
    out = search_json(home_workspace, ref, "same material")
    assert out["query"]["mode"] == "descriptor"
    assert "material" in out["query"]["understood"]["target_attributes"]


def test_collections_build_without_a_search_log_and_list_home_topics(home_workspace):
    build = ok("collections", "build", "--home", home_workspace.root)
    assert "supply" in build  # no search log: topics weighed by supply, and the output says so
    if build.startswith("0 topics"):  # this world's tagger learns from 120 items: its confidences stay low
        assert "below --min-confidence 0.85" in build and "lower --min-confidence" in build
        build = ok("collections", "build", "--home", home_workspace.root, "--min-confidence", "0")
    assert not build.startswith("0 topics")
    topics = [json.loads(line) for line in ok("collections", "list", "--home", home_workspace.root, "--json")
              .splitlines()]
    assert topics and all(t["items"] for t in topics)
    assert not any(f in t["attributes"] for t in topics for f in ("pattern", "occasion", "season"))


def test_a_label_is_stored_and_eval_report_reads_it(home_workspace, truth):
    from labels import open_store
    from labels.records import QueryRecord
    from engine.pipeline.config import load_config
    from engine.pipeline.context import SearchContext
    from workbench.batch_runs import record_runs

    refs = sorted(truth)[:3]
    records = [QueryRecord(f"home:{i}", "home", "pivot", "for the bedroom", ref) for i, ref in enumerate(refs)]
    context = SearchContext.open(home_workspace)
    store = open_store(home_workspace.judgments_path)
    try:
        store.add_query_set("home", "pivots in the home domain")
        store.add_queries(records)
        record_runs(context, store, records, [load_config(n, home_workspace) for n in ("baseline", "no_early_fusion")],
                    k=5)
        store.build_task_pool("home", ["baseline", "no_early_fusion"], k=5, overlap=1)
        store.add_rater("ana", "Ana")
        labelled = 0
        while (task := store.assign_next("ana")) is not None:
            grade = 4 if truth[task.item_id]["room"] == "bedroom" else 0
            store.record_judgment(task.task_id, "ana", grade, seconds_spent=1.0)
            labelled += 1
        assert labelled >= 5
    finally:
        store.close()
    report = json.loads(ok("eval", "report", "--home", home_workspace.root, "--configs", "baseline,no_early_fusion",
                           "--query-set", "home", "--json"))
    assert report  # metrics exist for both configs
    assert "baseline" in json.dumps(report) and "no_early_fusion" in json.dumps(report)


def test_the_vocabulary_can_come_from_attribute_columns_instead(tmp_path, home_catalog, truth):
    from engine.vocabulary import load_workspace_vocabulary

    root = tmp_path / "ws"
    ok("ingest", "--home", root, "--images", home_catalog, "--metadata", home_catalog / "items.csv",
       "--attribute-columns", "color,material,room,style,category", "--product-type", "category")
    vocab = load_workspace_vocabulary(root)
    assert vocab.product_type == "category" and "room" in vocab
    ok("index", "--home", root)
    ref = sorted(i for i, r in truth.items() if r["material"] != "marble")[0]
    out = search_json(Workspace(root), ref, "make it marble")
    assert out["query"]["understood"]["target_attributes"]["material"] == "marble"
