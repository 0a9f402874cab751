"""`workbench search`: one query (flags) or many (`--queries FILE.jsonl`) through a pipeline config."""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from workbench.commands.common import home_option, positive_int, workspace_from

QUERY_KEYS = {"image", "item", "crop", "text"}


def crop_box(text: str) -> tuple[float, float, float, float]:
    """An argparse type: X0,Y0,X1,Y1 in pixels of the reference image."""
    parts = [p.strip() for p in str(text).split(",")]
    try:
        values = tuple(float(p) for p in parts)
    except ValueError:
        raise argparse.ArgumentTypeError(f"crop must be four numbers X0,Y0,X1,Y1, got {text!r}") from None
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise argparse.ArgumentTypeError(f"crop must be four finite numbers X0,Y0,X1,Y1, got {text!r}")
    return values


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "search", parents=[home_option()], help="run queries through a pipeline config",
        description="Search the indexed workspace with a reference image (a catalog --item or an --image file, "
                    "optionally a --crop of it) and/or --text (a pivot such as 'in red' or a descriptor such as "
                    "'the color palette'). With --queries, run one JSON object a line (keys image, item, crop, "
                    "text) in one process and print one result object a line; a bad line prints "
                    '{"line": N, "error": ...} and the run goes on (exit status 3); an empty file is an error. '
                    "Text is cleaned (control and bidi characters dropped, NFC) and cut to 500 characters, with a "
                    'notice ("notices" in the JSON) when it was cut; images have the ingest\'s size and pixel limits.')
    p.add_argument("--item", default=None, help="reference catalog item id")
    p.add_argument("--image", default=None, help="reference image file (instead of --item)")
    p.add_argument("--crop", type=crop_box, default=None, help="X0,Y0,X1,Y1: search for this region of the reference")
    p.add_argument("--text", default="", help="query text: a pivot, a descriptor, or plain text")
    p.add_argument("--queries", type=Path, default=None, help="JSONL file of queries (then omit the flags above)")
    p.add_argument("--config", default=None,
                   help="config: a name in configs/ (baseline, full, full_standins, no_fill, rrf, ...) or "
                        "WORKSPACE/configs/ (pipeline or kind = \"http\" endpoint), or a path to a .toml file (default: full_standins, "
                        "which needs no trained model; `full` adds the learned CG, relevance and engagement)")
    p.add_argument("--k", type=positive_int, default=10, help="results per query (default 10)")
    p.add_argument("--json", action="store_true", help="print the JSON contract of ARCHITECTURE.md")
    p.set_defaults(run=run)


def query_from(data: dict, where: str):
    """A Query from a --queries line's object, with errors that name the line."""
    from engine.records import Query

    if not isinstance(data, dict):
        raise ValueError(f"{where}: expected a JSON object with keys {sorted(QUERY_KEYS)}, got {type(data).__name__}")
    unknown = sorted(set(data) - QUERY_KEYS)
    if unknown:
        raise ValueError(f"{where}: unknown keys {unknown!r:.200}; expected some of {sorted(QUERY_KEYS)}")
    text = data.get("text") or ""
    if not isinstance(text, str):
        raise ValueError(f"{where}: text must be a string, got {type(text).__name__}")
    for key in ("item", "image"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise ValueError(f"{where}: {key} must be a string, got {type(data[key]).__name__}")
    crop = data.get("crop")
    if crop is not None:
        if isinstance(crop, str):
            try:
                crop = crop_box(crop)
            except argparse.ArgumentTypeError as error:
                raise ValueError(f"{where}: {error}") from None
        elif not (isinstance(crop, list) and len(crop) == 4
                  and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in crop)
                  and all(_finite(v) for v in crop)):
            raise ValueError(f"{where}: crop must be [x0, y0, x1, y1] or \"x0,y0,x1,y1\" (four finite numbers), "
                             f"got {crop!r:.80}")
        crop = tuple(float(v) for v in crop)
    return Query(text=text, item_id=data.get("item"), image_path=data.get("image"), crop=crop)


def _finite(value) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:  # an int too large for a float
        return False


def prepared_query(query, where: str):
    """The one input path of a query: its text cleaned (engine.query.clean), then checked; (query, notices)."""
    from engine.query.clean import clean_query
    from engine.query.understand import check_query

    cleaned = clean_query(query, where)
    check_query(cleaned.query)
    if cleaned.query.image_path is not None:
        from engine.catalog.images import open_query_image

        open_query_image(cleaned.query.image_path)  # the ingest's image limits, before any model loads
    return cleaned.query, cleaned.notices


MAX_QUERY_LINE_BYTES = 1 << 20  # a --queries line longer than this is an error for that line, never read whole


class LineTooLong(ValueError):
    """A --queries line past MAX_QUERY_LINE_BYTES (the rest of it is skipped, not kept)."""


def read_query_lines(path: Path) -> Iterator[tuple[int, bytes | LineTooLong]]:
    """The non-blank lines of a --queries file as (line number, bytes), read one at a time, so a file of any
    number of lines runs in bounded memory. The file is checked before this returns: missing, a folder or
    holding no query is an error then, before any model loads. A line over MAX_QUERY_LINE_BYTES comes as a
    LineTooLong in place of its bytes."""
    try:
        handle = open(path, "rb")
    except FileNotFoundError:
        raise FileNotFoundError(f"queries file {path} not found") from None
    except IsADirectoryError:
        raise ValueError(f"queries path {path} is a folder; give a JSONL file of queries") from None
    lines = _lines(handle, path)
    first = next(lines, None)
    if first is None:
        empty = path.stat().st_size == 0
        raise ValueError(f"queries file {path} holds no queries ({'empty' if empty else 'only blank lines'}); "
                         'write one JSON object a line, e.g. {"text": "red dress"} or {"item": "ID", "text": "in red"}')
    return itertools.chain([first], lines)


def _lines(handle, path: Path) -> Iterator[tuple[int, bytes | LineTooLong]]:
    with handle:
        n = 0
        while True:
            line = handle.readline(MAX_QUERY_LINE_BYTES + 1)
            if not line:
                return
            if len(line) > MAX_QUERY_LINE_BYTES and not line.endswith(b"\n"):
                while (rest := handle.readline(MAX_QUERY_LINE_BYTES)) and not rest.endswith(b"\n"):
                    pass  # skip the rest of the line without keeping it
                n += 1
                yield n, LineTooLong(f"{path} line {n}: longer than {MAX_QUERY_LINE_BYTES:,} bytes; a query line "
                                     'is one small JSON object, e.g. {"text": "red dress"}')
                continue
            for part in line.splitlines() or [b""]:  # a lone CR ends a line too, as bytes.splitlines reads it
                n += 1
                if part.strip():
                    yield n, part


def parse_query_line(line: bytes, where: str):
    """A --queries line as (Query, notices): UTF-8, JSON, keys and types, text cleaned; else a ValueError naming `where`."""
    from engine.query.clean import decode_query_bytes

    text = decode_query_bytes(line, where)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"{where}: not JSON ({error.msg} at character {error.colno}); write one JSON object a line")
    except RecursionError:
        raise ValueError(f"{where}: the JSON is nested too deeply; write one flat object a line, "
                         'e.g. {"text": "red dress"}') from None
    return prepared_query(query_from(data, where), where)


def default_config(workspace):
    """The config used when none is named: engine.pipeline.config.DEFAULT_CONFIG (`full_standins`, which needs no
    trained model; the learned parts of `full` did not earn their place on the sample, docs/search_quality.md)."""
    from engine.pipeline.config import DEFAULT_CONFIG, load_config

    return load_config(DEFAULT_CONFIG, workspace)


def run(args: argparse.Namespace) -> int:
    from engine.pipeline.config import load_config
    from engine.pipeline.requirements import missing_models_message
    from engine.pipeline.context import SearchContext
    from engine.records import Query

    workspace = workspace_from(args)
    if args.queries is not None:
        if args.item or args.image or args.crop or args.text:
            raise ValueError("give either --queries FILE or the query flags (--item/--image/--crop/--text), not both")
        lines = read_query_lines(args.queries)
    else:
        # a bad or empty query fails at once, before configs and models load
        single, notices = prepared_query(Query(text=args.text, item_id=args.item, image_path=args.image,
                                               crop=args.crop), "--text")
    config = load_config(args.config, workspace) if args.config else default_config(workspace)
    if message := missing_models_message(config, workspace):
        raise FileNotFoundError(message)
    if config.kind == "http":  # the endpoint searches: only the catalog is read, no model loads
        from engine.external.catalog_context import catalog_context

        config.header_values()  # an unset ${VAR} stops here, before any query
        context = catalog_context(workspace)
    else:
        context = SearchContext.open(workspace)
        for warning in context.vocabulary_warnings():  # attributes unknown, or read with an older vocabulary
            print(f"note: {warning}", file=sys.stderr)
    from engine.external import EndpointUnreachable

    try:
        if args.queries is not None:
            return _run_many(context, config, args.queries, lines, args.k)
        response = _search(context, single, config, args.k)
    except EndpointUnreachable as error:  # every query would fail the same way: one error, then stop
        print(f"workbench search: error: {error}", file=sys.stderr)
        return 2
    notices = [*notices, *getattr(response, "notices", ())]
    for notice in notices:
        print(f"notice: {notice}", file=sys.stderr)
    if args.json:
        print(json.dumps(_with_notices(response.to_dict(), notices)))
    else:
        print(_table(response))
    return 0


def _with_notices(result: dict, notices) -> dict:
    """The response object, with a "notices" list when the input was changed (e.g. a text cut to the limit)."""
    return {**result, "notices": list(notices)} if notices else result


def _search(context, query, config, k):
    from engine.pipeline.search import search

    return search(context, query, config, k)


def _run_many(context, config, path: Path, lines: Iterable[tuple[int, bytes | LineTooLong]], k: int) -> int:
    """One result object a line; a bad line is {"line": N, "error": ...} and the run goes on with the next
    (an external endpoint that nothing answers at stops the run: EndpointUnreachable)."""
    import time

    from engine.external import EndpointUnreachable

    failed, count, start = 0, 0, time.perf_counter()
    for n, line in lines:
        where = f"{path} line {n}"
        count += 1
        try:
            if isinstance(line, LineTooLong):
                raise line
            query, notices = parse_query_line(line, where)
            response = _search(context, query, config, k)
            notices = [*notices, *getattr(response, "notices", ())]
            print(json.dumps(_with_notices(response.to_dict(), notices)), flush=True)
        except EndpointUnreachable:
            raise
        except (ValueError, OSError) as error:  # json errors are ValueErrors too
            failed += 1
            message = str(error) if str(error).startswith(where) else f"{where}: {error}"
            print(json.dumps({"line": n, "error": message}), flush=True)
    seconds = time.perf_counter() - start
    print(f"workbench search: {count} queries in {seconds:.2f} s ({count / max(seconds, 1e-9):.1f} "
          "queries/s)", file=sys.stderr)
    if failed:
        print(f"workbench search: {failed} queries failed; see the lines with \"error\"", file=sys.stderr)
    return 3 if failed else 0


def _table(response) -> str:
    d = response.to_dict()
    u = d["query"]["understood"]
    lines = [f"query: mode {d['query']['mode']}; targets {u['target_attributes']}; "
             f"enriched text {u['enriched_text']!r}" + (f"; surrogate {u['surrogate_item']}" if u["surrogate_item"] else ""),
             f"config: {d['config']['name']} ({d['config']['hash']}); {d['candidates']} candidates",
             f"{'rank':>4}  {'item':<12} {'score':>8}  {'image':>6} {'text':>6} {'eng':>5} {'rel':>5} {'attr':>5} "
             f"{'cg':>5}  attributes / sources"]
    def part(value, width: int, digits: int) -> str:
        return f"{'n/a':>{width}}" if value is None else f"{value:>{width}.{digits}f}"

    for r in d["results"]:
        b = r["breakdown"]
        attrs = " ".join(f"{v}" for v in r["attributes"].values())
        cgs = ",".join(dict.fromkeys(s["cg"] for s in r["sources"]))
        lines.append(f"{r['rank']:>4}  {r['item_id']:<12} {r['score']:>8.4f}  {part(b['image_sim'], 6, 3)} "
                     f"{part(b['text_sim'], 6, 3)} {part(b['engagement'], 5, 2)} {part(b['relevance'], 5, 2)} "
                     f"{part(b['attribute_boost'], 5, 2)} {part(b['cg_boost'], 5, 2)}"
                     f"  {attrs} [{cgs}]" + (" (filled)" if r["filled"] else ""))
    t = d["timings_ms"]
    lines.append("timings (ms): " + ", ".join(f"{s} {v:.1f}" for s, v in t.items()))
    return "\n".join(lines)
