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
    assert full["items"] == ["i01", "i02", "i10"]  # every attribute required (the default): 4-point ties by id
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


def test_a_workspace_without_a_search_log_builds_and_lists_topics_weighted_by_supply(tmp_path, capsys):
    from engine.collections import recorded_vocabulary
    from tests.collections.fixtures import home_vocabulary

    workspace = make_workspace(tmp_path / "home", home=True)  # another domain, no sample/ and no log
    assert run(["collections", "build", "--home", str(workspace.root), "--min-support", "2", "--judge", "none"]) == 0
    summary = capsys.readouterr().out
    assert "by supply" in summary and "--search-log" in summary
    assert run(["collections", "build", "--home", str(workspace.root), "--min-support", "2", "--judge", "none",
                "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["weighting"], report["product_type"], report["searches"]) == ("supply", "item", 0)
    assert report["vocabulary_hash"] == home_vocabulary().hash and report["head"] >= 1
    assert recorded_vocabulary(workspace) == {"collections": home_vocabulary().hash}
    assert run(["collections", "list", "--home", str(workspace.root), "--json"]) == 0
    captured = capsys.readouterr()
    lines = [json.loads(line) for line in captured.out.splitlines()]
    assert "weighted by supply" in captured.err
    supports = {(4, "kitchen mug"), (4, "bedroom vase")}  # h1-h4 and h5-h8: the two largest topics come first
    assert {(4, x["title"]) for x in lines[:2]} == supports
    assert next(x for x in lines if x["title"] == "teal mug") == {
        "topic_id": next(x["topic_id"] for x in lines if x["title"] == "teal mug"), "title": "teal mug",
        "attributes": {"item": "mug", "color": "teal"}, "items": ["h1", "h2", "h3"]}


def test_a_changed_vocabulary_reports_the_collections_stale(tmp_path, capsys):
    from dataclasses import replace

    from engine.vocabulary import save_workspace_vocabulary
    from tests.collections.fixtures import home_vocabulary

    workspace = make_workspace(tmp_path / "home", home=True)
    assert run(["collections", "build", "--home", str(workspace.root), "--min-support", "2", "--judge", "none"]) == 0
    capsys.readouterr()
    changed = replace(home_vocabulary(), families=home_vocabulary().families[:3])  # room dropped
    save_workspace_vocabulary(workspace.root, changed)
    assert run(["collections", "list", "--home", str(workspace.root)]) == 0
    err = capsys.readouterr().err
    assert "collections was made with vocabulary" in err and "workbench collections build" in err


def test_a_workspace_without_a_vocabulary_is_told_how_to_make_one(tmp_path, capsys):
    workspace = make_workspace(tmp_path / "ws", vocabulary=False)
    assert run(["collections", "build", "--home", str(workspace.root), "--judge", "none"]) == 2
    assert "workbench attributes run" in capsys.readouterr().out
