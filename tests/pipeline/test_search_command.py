"""`workbench search` on the indexed small sample: one query, many queries, and bad input."""

import json

import pytest

from workbench.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def home(search_context):
    return str(search_context.workspace.root)


def test_many_queries_in_one_process_and_a_bad_line_does_not_stop_the_run(home, search_context, tmp_path, capsys):
    item = sorted(i for i, r in search_context.items.items() if r["kind"] == "product")[0]
    lines = [json.dumps({"item": item, "text": "in red"}),
             "{not json",
             json.dumps({"text": ""}),
             json.dumps({"item": item, "crop": [0, 0, 0, 0]}),
             json.dumps({"item": item, "colour": "red"}),
             "",
             json.dumps({"text": "floral dress"})]
    queries = tmp_path / "q.jsonl"
    queries.write_text("\n".join(lines) + "\n")
    code, out, err = run(capsys, "search", "--home", home, "--queries", str(queries), "--config", "no_early_fusion",
                         "--k", "3")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 3 and "4 queries failed" in err
    assert "workbench search: 6 queries in " in err and "queries/s)" in err  # the throughput of the run
    assert [r.get("line") for r in rows] == [None, 2, 3, 4, 5, None]
    assert rows[0]["query"]["understood"]["target_attributes"]["color"] == "red" and len(rows[0]["results"]) == 3
    assert "empty query" in rows[2]["error"] and "zero area" in rows[3]["error"] and "colour" in rows[4]["error"]
    assert rows[5]["query"]["mode"] == "text"


def test_one_query_prints_the_json_contract_or_a_table(home, search_context, capsys):
    item = sorted(search_context.items)[1]
    code, out, _ = run(capsys, "search", "--home", home, "--item", item, "--text", "with stripes", "--config",
                       "no_early_fusion", "--k", "4", "--json")
    data = json.loads(out)
    assert code == 0 and data["config"]["name"] == "no_early_fusion" and len(data["results"]) == 4
    code, out, _ = run(capsys, "search", "--home", home, "--text", "red dress", "--config", "baseline", "--k", "2")
    assert code == 0 and "mode text" in out and "timings (ms)" in out and len(out.splitlines()) == 6


def test_bad_flags_exit_2_with_the_fix(home, capsys):
    code, _, err = run(capsys, "search", "--home", home, "--text", "red", "--config", "nope")
    assert code == 2 and "unknown config 'nope'; known:" in err and "baseline" in err
    code, _, err = run(capsys, "search", "--home", home)
    assert code == 2 and "empty query" in err
    with pytest.raises(SystemExit) as info:
        main(["search", "--home", home, "--item", "x", "--crop", "1,2,3"])
    assert info.value.code == 2 and "X0,Y0,X1,Y1" in capsys.readouterr().err
    code, _, err = run(capsys, "search", "--home", home, "--queries", "/no/such.jsonl")
    assert code == 2 and "not found" in err


def test_the_default_is_full_standins_and_full_says_what_to_train(home, capsys):
    code, out, err = run(capsys, "search", "--home", home, "--text", "red dress", "--k", "2", "--json")
    assert code == 0 and json.loads(out)["config"]["name"] == "full_standins" and not err
    code, out, err = run(capsys, "search", "--home", home, "--text", "red dress", "--config", "full")
    assert code == 2 and not out
    assert "workbench train searchsage --home" in err and "workbench train relevance --home" in err
