"""Time bringing another system's results in: importing a run file, and the http adapter's overhead per query.

    python benchmarks/bench_external_runs.py --queries 1000 --depth 1000 --http-queries 300

1. Import: a TREC run of --queries x --depth lines (1,000,000 by default) into a fresh judgment store through
   `workbench.run_import.import_run` (parse, id checks against a catalog of ids, ordering, one transaction).
   The baseline, measured in the same run on the same file, is the bare TREC reader `eval.read_run`.
2. HTTP: a local endpoint (stdlib http.server on 127.0.0.1, in a thread) answering each query with a ranked
   list of --k ids. Per query: the endpoint's own time (inside its handler), a bare urllib GET + json.loads of
   the same URL (the floor any client pays), and `engine.pipeline.search` with an http config (templates,
   rate limiter, retries wrapper, reply paths, catalog check, Result records). Overhead = adapter - bare GET.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # runnable from a checkout without installing


def write_run(path: Path, queries: int, depth: int, seed: int) -> list[str]:
    """A TREC run file of queries x depth lines over a catalog of 2 x depth ids; returns the catalog ids."""
    rng = np.random.default_rng(seed)
    catalog = [f"item{n:07d}" for n in range(2 * depth)]
    with path.open("w", encoding="utf-8") as out:
        for q in range(queries):
            picks = rng.choice(len(catalog), size=depth, replace=False)
            scores = np.sort(rng.random(depth))[::-1]
            out.write("".join(f"set:q{q:05d} Q0 {catalog[i]} {r} {s:.6f} bench\n"
                              for r, (i, s) in enumerate(zip(picks, scores), start=1)))
    return catalog


def bench_import(queries: int, depth: int, seed: int) -> dict:
    from eval import read_run
    from labels import QueryRecord, open_store
    from workbench.run_import import import_run

    with tempfile.TemporaryDirectory() as tmp:
        run_file = Path(tmp) / "big.run"
        started = time.perf_counter()
        catalog = write_run(run_file, queries, depth, seed)
        written = time.perf_counter() - started
        started = time.perf_counter()
        frame = read_run(run_file)
        read_s = time.perf_counter() - started
        with open_store(Path(tmp) / "judgments.duckdb") as store:
            store.add_query_set("set")
            store.add_queries([QueryRecord(f"q{q:05d}", "set", "text", f"query {q}") for q in range(queries)])
            started = time.perf_counter()
            report = import_run(store, run_file, "external", catalog_ids=set(catalog))
            import_s = time.perf_counter() - started
            started = time.perf_counter()
            again = import_run(store, run_file, "external", catalog_ids=set(catalog))  # a re-import replaces
            reimport_s = time.perf_counter() - started
            stored = len(store.run_results_frame(["external"]))
    assert report.results == len(frame) == stored == queries * depth and again.runs == queries
    return {"lines": len(frame), "file_mb": run_file_size_mb(queries, depth), "write_s": written,
            "read_run_s": read_s, "import_s": import_s, "reimport_s": reimport_s}


def run_file_size_mb(queries: int, depth: int) -> float:
    return queries * depth * len("set:q00000 Q0 item0000000 1000 0.123456 bench\n") / 2**20


class Endpoint:
    """A local search endpoint: each query's ranked ids precomputed, its own handling time recorded."""

    def __init__(self, catalog: list[str], k: int, seed: int):
        self.catalog, self.k, self.rng = catalog, k, np.random.default_rng(seed)
        self.handler_ms: list[float] = []
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                started = time.perf_counter()
                text = self.path.split("q=", 1)[-1].split("&", 1)[0]
                offset = sum(map(ord, text)) % (len(endpoint.catalog) - endpoint.k)
                hits = [{"id": endpoint.catalog[offset + n], "score": float(endpoint.k - n)}
                        for n in range(endpoint.k)]
                payload = json.dumps({"hits": hits}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                endpoint.handler_ms.append((time.perf_counter() - started) * 1000)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def bench_http(n_queries: int, k: int, seed: int) -> dict:
    from engine.external import HttpConfig
    from engine.pipeline.search import search
    from engine.query.lexicon import lexicon_for
    from engine.records import Query
    from engine.vocabulary import EMPTY

    catalog = [f"item{n:07d}" for n in range(5000)]
    endpoint = Endpoint(catalog, k, seed)
    config = HttpConfig.from_dict({"kind": "http", "name": "bench", "http": {
        "url": f"{endpoint.base}/search?q={{text}}&k={{k}}&item={{item}}", "results": "hits", "id": "id",
        "score": "score", "timeout_s": 10}})
    context = SimpleNamespace(items={i: {"image_path": "", "attributes": {}} for i in catalog}, vocabulary=EMPTY,
                              lexicon=lexicon_for(EMPTY), workspace=SimpleNamespace(root=Path(".")))
    texts = [f"query number {n}" for n in range(n_queries)]
    bare, adapter = [], []
    try:
        for warm in texts[:20]:  # connections, imports and caches settle first
            search(context, Query(text=warm), config, k)
        endpoint.handler_ms.clear()
        for text in texts:  # interleaved, so drift affects both alike
            url = f"{endpoint.base}/search?q={urllib.parse.quote(text)}&k={k}&item="
            started = time.perf_counter()
            with urllib.request.urlopen(url, timeout=10) as reply:
                json.loads(reply.read())
            bare.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            response = search(context, Query(text=text), config, k)
            adapter.append((time.perf_counter() - started) * 1000)
            assert len(response.results) == k
    finally:
        endpoint.stop()
    handler = endpoint.handler_ms
    return {"queries": n_queries, "k": k,
            "endpoint_ms_p50": statistics.median(handler), "bare_get_ms_p50": statistics.median(bare),
            "adapter_ms_p50": statistics.median(adapter), "adapter_ms_p95": float(np.percentile(adapter, 95)),
            "overhead_ms_p50": statistics.median(a - b for a, b in zip(adapter, bare))}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--queries", type=int, default=1000, help="queries in the run file (default 1000)")
    parser.add_argument("--depth", type=int, default=1000, help="results per query in the run file (default 1000)")
    parser.add_argument("--http-queries", type=int, default=300, help="queries sent to the endpoint (default 300)")
    parser.add_argument("--k", type=int, default=100, help="results per endpoint reply (default 100)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    imported = bench_import(args.queries, args.depth, args.seed)
    http = bench_http(args.http_queries, args.k, args.seed)
    if args.json:
        print(json.dumps({"import": imported, "http": http}))
        return 0
    lines = imported["lines"]
    print(f"import of a {args.queries:,} x {args.depth:,} TREC run ({lines:,} lines, ~{imported['file_mb']:.0f} MiB)")
    print(f"  eval.read_run (baseline)   {imported['read_run_s']:7.2f} s   {lines / imported['read_run_s']:>12,.0f} lines/s")
    print(f"  import_run (parse..commit) {imported['import_s']:7.2f} s   {lines / imported['import_s']:>12,.0f} lines/s"
          f"   x{imported['import_s'] / imported['read_run_s']:.2f} of the reader")
    print(f"  re-import (replace)        {imported['reimport_s']:7.2f} s")
    print(f"http adapter, {http['queries']} queries, k = {http['k']} (per query, median)")
    print(f"  endpoint's own handling    {http['endpoint_ms_p50']:7.3f} ms")
    print(f"  bare urllib GET + json     {http['bare_get_ms_p50']:7.3f} ms   (baseline)")
    print(f"  adapter (search)           {http['adapter_ms_p50']:7.3f} ms   p95 {http['adapter_ms_p95']:.3f} ms"
          f"   x{http['adapter_ms_p50'] / http['bare_get_ms_p50']:.2f} of the bare GET")
    print(f"  adapter overhead           {http['overhead_ms_p50']:7.3f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
