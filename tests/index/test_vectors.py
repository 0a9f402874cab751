"""VectorSearcher: exact and ANN paths over a real indexed table agree with brute force."""

import shutil

import numpy as np
import pytest

from engine.index.build import build_index
from engine.index.store import open_items_table
from engine.index.vectors import VectorSearcher
from engine.workspace import Workspace
from tests.fakes import FakeClip, FakeText


@pytest.fixture
def workspace(ingested_workspace, tmp_path):
    root = tmp_path / "ws"
    shutil.copytree(ingested_workspace.root, root)
    return Workspace(root)


def brute(table, column, query, k):
    rows = table.to_arrow().select(["item_id", column]).to_pylist()
    scored = sorted(((float(np.dot(r[column], query)), r["item_id"]) for r in rows if r[column] is not None),
                    key=lambda x: (-x[0], x[1]))
    return [i for _, i in scored[:k]]


def test_exact_search_equals_brute_force(workspace):
    build_index(workspace, FakeClip(), FakeText())
    table = open_items_table(workspace)
    searcher = VectorSearcher(table, "text_vec")
    assert searcher.plan.kind == "exact" and len(searcher.ids) == table.count_rows()
    query = np.array(table.to_arrow().column("text_vec")[3].as_py(), np.float32)
    hits = searcher.search(query, 5)
    assert [h.item_id for h in hits] == brute(table, "text_vec", query, 5)
    assert hits[0].score == pytest.approx(1.0, abs=1e-5)


def test_ann_search_finds_the_item_itself_and_scores_as_dot(workspace):
    build_index(workspace, FakeClip(), FakeText(), exact_limit=10)
    table = open_items_table(workspace)
    searcher = VectorSearcher(table, "text_vec")
    assert searcher.plan.kind == "IVF_HNSW_SQ"
    row = table.to_arrow().select(["item_id", "text_vec"]).to_pylist()[7]
    hits = searcher.search(np.array(row["text_vec"], np.float32), 3)
    assert hits[0].item_id == row["item_id"] and hits[0].score == pytest.approx(1.0, abs=1e-4)


def test_wrong_dimension_and_missing_column_are_named(workspace):
    build_index(workspace, FakeClip(), FakeText())
    table = open_items_table(workspace)
    with pytest.raises(ValueError, match="query vector has 3 dimensions, column text_vec has 6"):
        VectorSearcher(table, "text_vec").search(np.ones(3), 1)
    with pytest.raises(ValueError, match="no column 'nope'"):
        VectorSearcher(table, "nope")


@pytest.mark.parametrize("exact_limit", [10_000, 10])
def test_one_items_vector_by_id_on_both_paths(workspace, exact_limit):
    build_index(workspace, FakeClip(), FakeText(), exact_limit=exact_limit)
    table = open_items_table(workspace)
    row = table.to_arrow().select(["item_id", "text_vec"]).to_pylist()[5]
    searcher = VectorSearcher(table, "text_vec")
    np.testing.assert_allclose(searcher.vector(row["item_id"]), row["text_vec"], atol=1e-7)
    assert searcher.vector("no-such-item") is None
    assert searcher.vector("x' OR '1'='1") is None  # quoted, never read as SQL
