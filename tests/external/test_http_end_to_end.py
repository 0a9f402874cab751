"""An http config over a real local search service pools, labels, reports and compares like any config, through
the same commands (`eval run`, `eval report`, `search`)."""

from __future__ import annotations

import json

import pytest

from labels import QueryRecord, open_store
from tests.external.conftest import write_config
from tests.external.search_server import rank_items
from workbench.cli import main

TEXTS = ["red dress", "blue jeans", "black leather boots", "floral skirt", "white sneakers", "striped shirt"]


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def home(http_workspace, fresh, tmp_path):
    """The workspace with two http configs (GET and an OpenSearch-shaped POST) and a fresh store of text queries."""
    write_config(http_workspace, "prod", f'kind = "http"\ndescription = "production search"\n[http]\n'
                 f'url = "{fresh.base}/search?q={{text}}&k={{k}}&item={{item}}"\nresults = "hits"\nid = "id"\n'
                 'score = "score"\ntimeout_s = 5\nbackoff_s = 0.01\n')
    write_config(http_workspace, "prod_es", f'kind = "http"\n[http]\nurl = "{fresh.base}/es/_search"\n'
                 'method = "POST"\nbody = \'{"query": {"match": {"title": "{text}"}}, "size": {k}}\'\n'
                 'results = "hits.hits"\nid = "_id"\nscore = "_score"\n')
    store_path = http_workspace.judgments_path
    for leftover in store_path.parent.glob("judgments.duckdb*"):
        leftover.unlink()
    with open_store(store_path) as store:
        store.add_query_set("qs", "text queries")
        store.add_queries([QueryRecord(f"q{n}", "qs", "text", text) for n, text in enumerate(TEXTS, start=1)])
    return http_workspace


def test_eval_run_pools_labels_reports_and_compares_an_http_config(home, fresh, capsys):
    code, out, err = run(capsys, "eval", "run", "--home", str(home.root), "--configs", "prod,prod_es",
                         "--query-set", "qs", "--k", "5")
    assert code == 0, err
    assert out.startswith("recorded 12 runs")
    with open_store(home.judgments_path) as store:
        frame = store.run_results_frame(["prod"], "qs")
        assert {c.name for c in store.configs()} == {"prod", "prod_es"}
        for query_id, group in frame.groupby("query_id"):
            text = TEXTS[int(query_id[1:]) - 1]
            assert list(group["item_id"]) == [i for i, _ in rank_items(fresh.items, text, 5)]
        pool = store.build_task_pool("qs", ["prod", "prod_es"], k=3, overlap=1, seed=0)
        assert pool.n_queries == 6 and pool.n_tasks >= 18
        store.add_rater("r1", "R1")
        words = {q: set(TEXTS[int(q[1:]) - 1].split()) for q in frame["query_id"].unique()}
        while (task := store.assign_next("r1")) is not None:  # a rater who grades by shared title words
            title = set(fresh.items[task.item_id].lower().split())
            store.record_judgment(task.task_id, "r1", min(4, 2 * len(words[task.query_id] & title)), seconds_spent=1.0)
    code, out, err = run(capsys, "eval", "report", "--home", str(home.root), "--configs", "prod,prod_es", "--json",
                         "--measures", "P@3,nDCG@3", "--resamples", "200")
    assert code == 0, err
    data = json.loads(out)
    assert data["configs"] == ["prod", "prod_es"]
    comparison = next(c for c in data["comparisons"] if c["group"] == "all" and c["measure"] == "nDCG@3")
    # the two endpoints rank alike (one ranking function), so they tie
    assert comparison["mean_delta"] == pytest.approx(0.0) and comparison["judged_fraction"] == 1.0
    assert 0 <= comparison["p_value"] <= 1
    out_file = home.root / "prod.run"
    code, _, _ = run(capsys, "eval", "export-run", "--home", str(home.root), "--config", "prod", "--out", str(out_file))
    assert code == 0 and len(out_file.read_text().splitlines()) == 30


def test_search_calls_the_endpoint_and_prints_the_contract(home, fresh, capsys, tmp_path):
    code, out, err = run(capsys, "search", "--home", str(home.root), "--text", "red dress", "--config", "prod",
                         "--k", "3", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert [r["item_id"] for r in data["results"]] == [i for i, _ in rank_items(fresh.items, "red dress", 3)]
    assert data["results"][0]["breakdown"]["image_sim"] is None and data["results"][0]["sources"][0]["cg"] == "http"
    code, out, _ = run(capsys, "search", "--home", str(home.root), "--text", "red dress", "--config", "prod",
                       "--k", "2")
    assert code == 0 and "   n/a" in out.splitlines()[3]
    queries = tmp_path / "q.jsonl"
    queries.write_text('{"text": "blue jeans"}\n{"text": "boom"}\n{"text": "floral skirt"}\n')
    code, out, err = run(capsys, "search", "--home", str(home.root), "--queries", str(queries), "--config", "prod",
                         "--k", "2")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 3 and "HTTP 503" in rows[1]["error"] and len(rows[2]["results"]) == 2


def test_an_endpoint_that_is_down_is_one_error_and_no_run(home, capsys):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    write_config(home, "gone", f'kind = "http"\n[http]\nurl = "http://127.0.0.1:{port}/search?q={{text}}"\n')
    code, out, err = run(capsys, "eval", "run", "--home", str(home.root), "--configs", "gone", "--query-set", "qs")
    assert code == 2 and err.count("nothing answers at") == 1 and f"http://127.0.0.1:{port}/search" in err
    with open_store(home.judgments_path, read_only=True) as store:
        assert "gone" not in {c.name for c in store.configs()}
    code, _, err = run(capsys, "search", "--home", str(home.root), "--text", "dress", "--config", "gone")
    assert code == 2 and "nothing answers at" in err


def test_an_unset_header_variable_stops_before_any_request(home, fresh, capsys, monkeypatch):
    monkeypatch.delenv("PROD_TOKEN", raising=False)
    write_config(home, "secret", f'kind = "http"\n[http]\nurl = "{fresh.base}/search?q={{text}}"\n'
                 'headers = { Authorization = "Bearer ${PROD_TOKEN}" }\n')
    code, _, err = run(capsys, "eval", "run", "--home", str(home.root), "--configs", "secret", "--query-set", "qs")
    assert code == 2 and "${PROD_TOKEN}, which is not set" in err and not fresh.requests
