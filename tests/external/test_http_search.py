"""The http adapter against a real local search service (no mock of the client): GET and POST, a slow reply,
a 500 then success, a malformed reply, an unknown id, an endpoint that is down, headers and the rate limit."""

from __future__ import annotations

import json
import math
import socket
import time

import pytest

from engine.external import EndpointUnreachable, HttpConfigError, QueryFailed
from engine.external.catalog_context import catalog_context
from engine.pipeline.config import load_config
from engine.pipeline.search import search
from engine.records import Query
from labels import QueryRecord, open_store
from tests.external.conftest import write_config
from tests.external.search_server import GHOST, rank_items
from workbench.batch_runs import record_runs


@pytest.fixture(scope="module")
def context(http_workspace):
    return catalog_context(http_workspace)


def config(workspace, name, base, route="/search", **http):
    settings = {"url": f"{base}{route}?q={{text}}&k={{k}}&item={{item}}", "results": "hits", "id": "id",
                "score": "score", "timeout_s": 5, "retries": 2, "backoff_s": 0.01, **http}
    lines = ['kind = "http"', "[http]"] + [f"{k} = {_toml(v)}" for k, v in settings.items()]
    return load_config(write_config(workspace, name, "\n".join(lines) + "\n"), workspace)


def _toml(value) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {json.dumps(v)}" for k, v in value.items()) + " }"
    return json.dumps(value)


def test_get_returns_the_services_ranking_as_results_without_a_breakdown(http_workspace, fresh, context):
    prod = config(http_workspace, "get", fresh.base)
    response = search(context, Query(text="red striped dress"), prod, 5)
    assert [r.item_id for r in response.results] == [i for i, _ in rank_items(fresh.items, "red striped dress", 5)]
    assert [r.rank for r in response.results] == [1, 2, 3, 4, 5]
    assert all(math.isnan(r.breakdown.image_sim) and r.sources[0].cg == "http" for r in response.results)
    assert fresh.requests[-1]["args"] == {"q": "red striped dress", "k": "5"}
    data = response.to_dict()
    assert data["config"] == {"name": "get", "hash": prod.content_hash()}
    assert data["results"][0]["breakdown"] == dict.fromkeys(
        ["image_sim", "text_sim", "engagement", "relevance", "attribute_boost", "cg_boost"])
    assert data["query"]["mode"] == "text" and set(data["timings_ms"]) == {"request", "total"}


def test_post_sends_a_json_body_with_escaped_placeholders(http_workspace, fresh, context):
    es = config(http_workspace, "es", fresh.base, route="/es/_search", url=f"{fresh.base}/es/_search",
                method="POST", body='{"query": {"match": {"title": "{text}"}}, "size": {k}}',
                results="hits.hits", id="_id", score="_score")
    text = 'blue "denim" jacket\\'
    response = search(context, Query(text=text), es, 4)
    sent = fresh.requests[-1]
    assert sent["method"] == "POST" and json.loads(sent["body"]) == {"query": {"match": {"title": text}}, "size": 4}
    assert [r.item_id for r in response.results] == [i for i, _ in rank_items(fresh.items, text, 4)]
    assert [r.score for r in response.results] == [s for _, s in rank_items(fresh.items, text, 4)]


def test_the_reference_item_travels_and_is_never_a_result(http_workspace, fresh, context):
    item = sorted(context.items)[0]
    prod = config(http_workspace, "get", fresh.base)
    response = search(context, Query(text=fresh.items[item], item_id=item), prod, 3)
    assert fresh.requests[-1]["args"]["item"] == item and item not in [r.item_id for r in response.results]


def test_a_slow_reply_times_out_after_the_retries(http_workspace, fresh, context):
    slow = config(http_workspace, "slow", fresh.base, route="/slow", timeout_s=0.2, retries=1)
    with pytest.raises(QueryFailed, match=r"/slow: no reply within timeout_s = 0.2 s on all 2 tries"):
        search(context, Query(text="dress"), slow, 3)
    assert len(fresh.requests) == 2


def test_a_500_then_success_is_retried(http_workspace, fresh, context):
    flaky = config(http_workspace, "flaky", fresh.base, route="/flaky")
    response = search(context, Query(text="green coat"), flaky, 3)
    assert len(response.results) == 3 and len(fresh.requests) == 2
    assert [r["path"] for r in fresh.requests] == ["/flaky", "/flaky"]


@pytest.mark.parametrize("route, message", [
    ("/malformed", r"/malformed replied with something that is not JSON .*'<html>oops</html>'"),
    ("/noresults", r"no results at \[http\] results = 'hits': 'hits' of 'hits' is not in the dict \(its keys: "
                   r"total, data\)"),
    ("/always500", r"/always500: HTTP 503 Service Unavailable on all 3 tries"),
])
def test_bad_replies_fail_the_query_with_a_message_naming_the_endpoint(http_workspace, fresh, context, route, message):
    with pytest.raises(QueryFailed, match=message):
        search(context, Query(text="dress"), config(http_workspace, "bad", fresh.base, route=route), 3)


def test_an_unknown_id_is_left_out_and_named_and_the_others_keep_their_ranks(http_workspace, fresh, context):
    response = search(context, Query(text="red dress"), config(http_workspace, "unk", fresh.base, route="/unknown"), 4)
    assert [r.rank for r in response.results] == [1, 3, 4] and GHOST not in [r.item_id for r in response.results]
    assert response.notices == (f"1 of the ids {fresh.base}/unknown returned are not in the catalog and were left "
                                f"out (their ranks stay empty): {GHOST!r}",)


def test_headers_come_from_the_environment_and_their_values_are_never_stored(http_workspace, fresh, context,
                                                                              monkeypatch, tmp_path):
    secret = "tok-8c1f0e"
    monkeypatch.setenv("SEARCH_TOKEN", secret)
    prod = config(http_workspace, "auth", fresh.base, headers={"Authorization": "Bearer ${SEARCH_TOKEN}"})
    with open_store(tmp_path / "j.duckdb") as store:
        store.add_query_set("qs")
        store.add_queries([QueryRecord("q1", "qs", "text", "red dress")])
        report = record_runs(context, store, store.queries("qs"), [prod], k=3)
        stored = [c.config_json for c in store.configs()]
    assert fresh.requests[-1]["headers"]["Authorization"] == f"Bearer {secret}"
    assert report.runs == 1 and "${SEARCH_TOKEN}" in stored[0] and secret not in stored[0]
    monkeypatch.delenv("SEARCH_TOKEN")
    with pytest.raises(HttpConfigError, match=r"names the environment variable \$\{SEARCH_TOKEN\}, which is not set"):
        search(context, Query(text="dress"), prod, 3)


def test_the_rate_limit_spaces_the_requests(http_workspace, fresh, context):
    limited = config(http_workspace, "limited", fresh.base, rate_per_s=40)
    started = time.monotonic()
    for _ in range(5):
        search(context, Query(text="dress"), limited, 2)
    assert time.monotonic() - started >= 4 / 40  # 5 requests at 40 a second: at least 4 intervals


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed when the block ends: nothing listens there


def test_a_batch_reports_per_query_errors_and_stops_at_an_endpoint_that_is_down(http_workspace, fresh, context,
                                                                                tmp_path):
    queries = [QueryRecord(f"q{n}", "qs", "text", text) for n, text in
               enumerate(["red dress", "boom", "blue jeans"], start=1)]
    down = f"http://127.0.0.1:{_closed_port()}"
    with open_store(tmp_path / "j.duckdb") as store:
        store.add_query_set("qs")
        store.add_queries(queries)
        report = record_runs(context, store, store.queries("qs"), [config(http_workspace, "prod", fresh.base)], k=3)
        assert report.runs == 2 and [(c, q) for c, q, _ in report.failed] == [("prod", "q2")]
        assert "HTTP 503 Service Unavailable on all 3 tries" in report.failed[0][2]
        with pytest.raises(EndpointUnreachable, match=rf"config 'down': nothing answers at {down}/search .*start "
                                                      r"the search service.*stopped after recording 0 runs"):
            record_runs(context, store, store.queries("qs"), [config(http_workspace, "down", down)], k=3)
        assert {c.name for c in store.configs()} == {"prod"}  # no empty run of "down" was recorded
        assert len(store.run_results_frame(["prod"])) == 6


def test_image_placeholders_carry_the_reference_image(http_workspace, fresh, context):
    import base64

    item = sorted(context.items)[3]
    image = config(http_workspace, "image", fresh.base, url=f"{fresh.base}/search?q={{text}}&k={{k}}",
                   method="POST", body='{"image": "{image_b64}", "path": "{image_path}", "crop": "{crop}"}')
    search(context, Query(text="", item_id=item, crop=(1, 2, 30.5, 40)), image, 3)
    sent = json.loads(fresh.requests[-1]["body"])
    path = http_workspace.root / context.items[item]["image_path"]
    assert sent == {"image": base64.b64encode(path.read_bytes()).decode(), "path": str(path.resolve()),
                    "crop": "1,2,30.5,40"}
