"""`workbench collections build` and `list` through their command functions, on a real tiny workspace."""

from __future__ import annotations

import argparse
import json

import pyarrow.parquet as pq
import pytest

from tests.collections.fixtures import make_workspace, write_search_log
from workbench.commands import collections as command


def run(argv: list[str]) -> int:
    """Parse and run like workbench.cli.main, with only the collections command registered."""
    parser = argparse.ArgumentParser(prog="workbench")
    command.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except (ValueError, FileNotFoundError) as error:
        print(f"error: {error}")
        return 2


@pytest.fixture()
def built(tmp_path, capsys):
    workspace = make_workspace(tmp_path / "ws")
    log = write_search_log(tmp_path / "log")
    assert run(["collections", "build", "--home", str(workspace.root), "--search-log", str(log),
                "--min-support", "3", "--feed-size", "4", "--judge", "none", "--json"]) == 0
    return workspace, json.loads(capsys.readouterr().out)


def test_build_writes_topics_feeds_and_a_manifest(built):
    workspace, report = built
    assert (report["topics"], report["head"], report["tail"], report["source"]) == (11, 1, 10, "attributes")
    folder = workspace.root / "collections"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["topics"] == 11 and manifest["feed_rows"] == report["feed_rows"]
    feeds = pq.read_table(folder / "feeds.parquet")
    assert feeds.column_names == ["topic_id", "rank", "item_id", "score"]
    assert feeds.num_rows == report["feed_rows"] and max(feeds.column("rank").to_pylist()) == 4


def test_list_json_follows_the_contract(built, capsys):
    workspace, _ = built
    assert run(["collections", "list", "--home", str(workspace.root), "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(lines) == 11 and all(set(x) == {"topic_id", "title", "attributes", "items"} for x in lines)
    assert lines[0] == {"topic_id": lines[0]["topic_id"], "title": "yellow dress",
                        "attributes": {"category": "dress", "color": "yellow"},
                        "items": ["i01", "i02", "i03", "i05"]}
    full = next(x for x in lines if x["title"] == "yellow summer party dress")
    assert full["attributes"] == {"category": "dress", "color": "yellow", "occasion": "party", "season": "summer"}
    assert full["items"] == ["i01", "i02", "i10", "i03"]  # rank order: 4, 4, 3.6, then 3-point ties by id
    assert run(["collections", "list", "--home", str(workspace.root), "--json", "--limit", "2"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2


def test_list_table_is_readable(built, capsys):
    workspace, _ = built
    assert run(["collections", "list", "--home", str(workspace.root), "--tier", "head"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["title", "tier", "demand", "support", "items", "topic_id"]
    assert len(out) == 2 and out[1].split()[:6] == ["yellow", "dress", "head", "5", "5", "4"]


def test_user_errors_name_the_command_to_run_first(tmp_path, capsys):
    assert run(["collections", "list", "--home", str(tmp_path / "none")]) == 2
    assert "workbench collections build" in capsys.readouterr().out
    assert run(["collections", "build", "--home", str(tmp_path / "none"), "--judge", "none"]) == 2
    assert "workbench ingest" in capsys.readouterr().out
    bare = make_workspace(tmp_path / "bare", None)
    assert run(["collections", "build", "--home", str(bare.root), "--judge", "none"]) == 2
    assert "workbench index" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        run(["collections", "build", "--min-support", "0"])


def test_the_topic_judge_filters_topics_and_is_named_in_the_report(tmp_path, capsys):
    workspace = make_workspace(tmp_path / "ws")
    base = ["collections", "build", "--home", str(workspace.root), "--min-support", "3", "--json"]
    assert run(base + ["--judge", "none"]) == 0
    unjudged = json.loads(capsys.readouterr().out)
    assert unjudged["judge"] is None
    assert run(base) == 0  # the offline judge by default, with the permissive default cut
    judged = json.loads(capsys.readouterr().out)
    assert judged["judge"] == "default" and 0 < judged["topics"] <= unjudged["topics"]
    assert run(base + ["--min-judge-score", "1.0"]) == 0  # no topic is perfect on every count
    strict = json.loads(capsys.readouterr().out)
    assert strict["topics"] < judged["topics"]
    assert run(base + ["--judge", "llm"]) == 2
    out = capsys.readouterr().out
    assert "unknown --judge 'llm'" in out and "none" in out
