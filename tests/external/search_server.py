"""A real search service for the tests: stdlib http.server on 127.0.0.1 (a free port), in a thread, ranking the
items of a LanceDB table by the query words in their titles. Routes stand for the behaviours an adapter meets."""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

GHOST = "ghost-item-404"  # an id the catalog does not know (the /unknown route puts it at rank 2)


def tokens(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", (text or "").lower()))


def rank_items(items: dict[str, str], text: str, k: int, exclude: str = "") -> list[tuple[str, float]]:
    """(item id, score) of the k items whose titles share most words with the text; ties by id."""
    words = tokens(text)
    scored = sorted(((-len(words & tokens(title)), item) for item, title in items.items() if item != exclude))
    return [(item, float(-negative)) for negative, item in scored[:k]]


def items_of_table(workspace) -> dict[str, str]:
    """item_id -> title of the workspace's LanceDB items table."""
    from engine.index.store import open_items_table, read_columns

    rows = read_columns(open_items_table(workspace), ["item_id", "title"]).to_pylist()
    return {r["item_id"]: r["title"] or "" for r in rows}


@dataclass
class SearchServer:
    items: dict[str, str]
    slow_s: float = 0.5
    requests: list[dict] = field(default_factory=list)  # path, method, headers, body of every request
    failures_left: dict[str, int] = field(default_factory=dict)  # /flaky: 500s still to send per query text
    httpd: ThreadingHTTPServer | None = None

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> SearchServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                self._answer(None)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                self._answer(self.rfile.read(length).decode("utf-8"))

            def _reply(self, code: int, payload: bytes, content_type: str = "application/json"):
                self.send_response(code)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def _answer(self, body):
                parts = urlsplit(self.path)
                route, args = parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}
                server.requests.append({"path": route, "method": self.command, "headers": dict(self.headers),
                                        "body": body, "args": args})
                if route == "/es/_search":  # OpenSearch/Elasticsearch-shaped: POST body, hits.hits[]._id
                    data = json.loads(body)
                    ranked = rank_items(server.items, data["query"]["match"]["title"], int(data["size"]))
                    hits = [{"_id": i, "_score": s, "_source": {"title": server.items[i]}} for i, s in ranked]
                    reply = {"took": 1, "hits": {"total": len(hits), "hits": hits}}
                    return self._reply(200, json.dumps(reply).encode())
                text, k, item = args.get("q", ""), int(args.get("k", 10)), args.get("item", "")
                if route == "/slow":
                    time.sleep(server.slow_s)
                elif route == "/flaky":
                    left = server.failures_left.setdefault(text, 1)
                    if left:
                        server.failures_left[text] = left - 1
                        return self._reply(500, b'{"error": "try again"}')
                elif route == "/always500" or (route == "/search" and "boom" in text):
                    return self._reply(503, b'{"error": "overloaded"}')
                elif route == "/malformed":
                    return self._reply(200, b"<html>oops</html>", "text/html")
                elif route == "/noresults":
                    return self._reply(200, b'{"total": 0, "data": []}')
                ranked = rank_items(server.items, text, k, exclude=item)
                if route == "/unknown":
                    ranked.insert(1, (GHOST, 0.5))
                hits = [{"id": i, "score": s} for i, s in ranked[:k]]
                self._reply(200, json.dumps({"hits": hits, "echo": {"q": text, "item": item}}).encode())

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)  # port 0: a free port
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
