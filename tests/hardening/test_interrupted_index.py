"""A `workbench index` killed (kill -9) inside its write step is detected when the index is opened for search,
and the error names the command that repairs it; running that command clears it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from engine.workspace import Workspace
from tests.fakes import FakeClip, FakeText
from tests.hardening.helpers import small_png

REPO = Path(__file__).resolve().parents[2]

# Build with fakes, and SIGKILL the process after the first of the write step's merge_inserts.
KILLED_BUILD = """
import os, signal, sys
sys.path.insert(0, {repo!r})
from engine.index import build
from engine.workspace import Workspace
from tests.fakes import FakeClip, FakeText

real = build._write
def first_group_then_kill(table, updates, clip_dim, text_dim):
    real(table, updates[:1], clip_dim, text_dim)
    os.kill(os.getpid(), signal.SIGKILL)
build._write = first_group_then_kill
from pathlib import Path
build.build_index(Workspace(Path({root!r})), FakeClip(), FakeText(), rebuild=True)
"""


@pytest.fixture
def indexed(tmp_path) -> Workspace:
    from engine.catalog import ingest_catalog
    from engine.index.build import build_index

    images = tmp_path / "images"
    images.mkdir()
    rows = []
    for n, color in enumerate(("red", "blue", "green", "white")):
        (images / f"{n}.png").write_bytes(small_png(color))
        rows.append(json.dumps({"item_id": f"i{n}", "image_path": f"{n}.png", "title": f"{color} dress"}))
    (tmp_path / "m.jsonl").write_text("\n".join(rows) + "\n")
    workspace = Workspace(tmp_path / "ws").create()
    ingest_catalog(workspace, images, tmp_path / "m.jsonl", progress=False)
    build_index(workspace, FakeClip(), FakeText())
    return workspace


def test_a_build_killed_while_writing_is_reported_on_open_with_the_repair(indexed, bad_input):
    from engine.index.build import build_index
    from engine.index.build_marker import InterruptedBuildError
    from engine.pipeline.context import SearchContext

    SearchContext.open(indexed, FakeClip(), FakeText())  # a finished build opens
    script = KILLED_BUILD.format(repo=str(REPO), root=str(indexed.root))
    killed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert killed.returncode == -9, killed.stderr[-2000:]
    with pytest.raises(InterruptedBuildError) as info:
        SearchContext.open(indexed, FakeClip(), FakeText())
    message = str(info.value)
    assert "did not finish writing" in message and f"workbench index --home {indexed.root}" in message
    build_index(indexed, FakeClip(), FakeText())  # the repair
    context = SearchContext.open(indexed, FakeClip(), FakeText())
    assert sorted(context.items) == ["i0", "i1", "i2", "i3"]
    bad_input("search (opening the index)", "an index whose `workbench index` was killed (kill -9) while writing",
              "refused: " + re.sub(r" \(started [^)]*\)", "", message.replace(str(indexed.root), "WS")))


def test_a_build_that_raises_while_writing_leaves_the_marker_and_a_finished_one_does_not(indexed, monkeypatch):
    from engine.index import build
    from engine.index.build_marker import InterruptedBuildError, check_build_finished, marker_path

    assert not marker_path(indexed).exists()

    def fail(*args):
        raise OSError("disk full")

    monkeypatch.setattr(build, "_write", fail)
    with pytest.raises(OSError):
        build.build_index(indexed, FakeClip(), FakeText(), rebuild=True)
    with pytest.raises(InterruptedBuildError, match="workbench index"):
        check_build_finished(indexed)


# Build with fakes past the row writes and BM25, planning an ANN index for every vector column (exact_limit 2),
# and SIGKILL the process inside the first vector index's build.
KILLED_WHILE_INDEXING = """
import os, signal, sys
sys.path.insert(0, {repo!r})
from engine.index import build
from engine.workspace import Workspace
from tests.fakes import FakeClip, FakeText

def killed_in_the_index_build(table, column, plan):
    os.kill(os.getpid(), signal.SIGKILL)
build.apply_plan = killed_in_the_index_build
from pathlib import Path
build.build_index(Workspace(Path({root!r})), FakeClip(), FakeText(), rebuild=True, exact_limit=2)
"""


def test_a_build_killed_while_building_vector_indexes_still_opens_and_searches_exactly(indexed, bad_input):
    from engine.index.build import build_index
    from engine.index.build_marker import marker_path
    from engine.index.columns import IMAGE_VEC
    from engine.pipeline.config import load_config
    from engine.pipeline.context import SearchContext
    from engine.pipeline.search import search
    from engine.records import Query

    before = search(SearchContext.open(indexed, FakeClip(), FakeText()), Query(text="red dress"),
                    load_config("baseline"), k=4)
    script = KILLED_WHILE_INDEXING.format(repo=str(REPO), root=str(indexed.root))
    killed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert killed.returncode == -9, killed.stderr[-2000:]
    assert marker_path(indexed).exists()
    context = SearchContext.open(indexed, FakeClip(), FakeText())  # opens: the rows and BM25 are whole
    assert context.searcher(IMAGE_VEC).plan.kind == "exact"  # the ANN plan was never recorded: searched exactly
    after = search(context, Query(text="red dress"), load_config("baseline"), k=4)
    assert [(r.item_id, r.score) for r in after.results] == [(r.item_id, r.score) for r in before.results]
    warning = context.vocabulary_warnings()[0]
    assert "stopped while building the vector indexes" in warning and f"workbench index --home {indexed.root}" in warning
    build_index(indexed, FakeClip(), FakeText())  # finishing the indexes clears the warning
    assert not marker_path(indexed).exists()
    assert SearchContext.open(indexed, FakeClip(), FakeText()).build_warning is None
    bad_input("search (opening the index)", "an index whose `workbench index` was killed (kill -9) while building "
              "the vector indexes", "opened with a warning, searched exactly: "
              + re.sub(r" \(started [^)]*\)", "", warning.replace(str(indexed.root), "WS")))
