"""`workbench search`: every text and image reaches the models through one checked, cleaned path.

The pipeline is not under test here: SearchContext.open and the search call are replaced by a fake that
records the queries it is given, so each case runs in milliseconds and shows what would reach the models."""

from __future__ import annotations

import json
import unicodedata

import pytest

from engine.query.clean import DEFAULT_MAX_CHARS
from tests.hardening.helpers import cli, png_header_claiming, small_png, tree_fingerprint


class FakeResponse:
    def __init__(self, query):
        self.query = query

    def to_dict(self):
        return {"query": {"text": self.query.text, "item": self.query.item_id, "image": self.query.image_path,
                          "crop": list(self.query.crop) if self.query.crop else None}, "results": []}


class FakeContext:
    """Stands in for a SearchContext: the pipeline is faked too, so only what the command itself asks of it."""

    def vocabulary_warnings(self):
        return []


@pytest.fixture
def searched(monkeypatch, tmp_path):
    """The queries that reached the (fake) pipeline, in order."""
    from engine.pipeline import context as context_module
    from workbench.commands import search as search_command

    seen = []
    monkeypatch.setattr(context_module.SearchContext, "open", classmethod(lambda cls, workspace: FakeContext()))

    def fake_search(context, query, config, k):
        seen.append(query)
        return FakeResponse(query)

    monkeypatch.setattr(search_command, "_search", fake_search)
    (tmp_path / "ws").mkdir()
    return seen


def search(capsys, tmp_path, *argv):
    return cli(capsys, "search", "--home", tmp_path / "ws", "--config", "baseline", *argv)


def assert_model_safe(text: str) -> None:
    """What may reach a text encoder: NFC, no controls/format/surrogates, single spaces, within the limit."""
    assert len(text) <= DEFAULT_MAX_CHARS and text == " ".join(text.split())
    assert not any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in text)
    assert text == unicodedata.normalize("NFC", text)


# ---- one query: --text -------------------------------------------------------------------------------

TEXT_ERRORS = [
    ("invalid UTF-8 byte 0xe9 (the shell passes it as a surrogate escape)", "caf\udce9 dress",
     "byte 0xe9, which is not valid UTF-8"),
    ("an unpaired surrogate \\ud800", "red \ud800 dress", "unpaired surrogate"),
    ("control characters only", "\x01\x02\x1b\x7f", "empty query"),
    ("bidi and zero-width characters only", "\u202e\u200b\u2066\ufeff", "empty query"),
    ("whitespace only", " \t\n ", "empty query"),
]


@pytest.mark.parametrize(("what", "text", "expected"), TEXT_ERRORS, ids=[c[0] for c in TEXT_ERRORS])
def test_bad_text_is_a_clear_error_before_anything_loads(what, text, expected, searched, tmp_path, capsys,
                                                          bad_input):
    code, out, err = search(capsys, tmp_path, "--text", text)
    assert code == 2 and not out and expected in err and not searched
    bad_input("search --text", what, f"exit {code}: {err.strip()}")


def test_text_over_the_limit_is_searched_cut_with_a_notice(searched, tmp_path, capsys, bad_input):
    code, out, err = search(capsys, tmp_path, "--text", "red dress " * 1000, "--json")
    data = json.loads(out)
    assert code == 0 and len(searched[0].text) <= DEFAULT_MAX_CHARS
    assert data["notices"] and "only the first 500 were searched" in data["notices"][0]
    assert "notice: --text: the text has 9,999 characters" in err
    bad_input("search --text", "10,000 characters", f"exit 0, searched the first 500; {err.strip()}")


@pytest.mark.parametrize(("what", "text", "cleaned"), [
    ("a NUL and an escape sequence inside words", "red\x00dress \x1b[31mnow", "reddress [31mnow"),
    ("decomposed accents and zero-width spaces", "cafe\u0301\u200b dress", "caf\u00e9 dress"),
])
def test_text_reaches_the_models_cleaned(what, text, cleaned, searched, tmp_path, capsys, bad_input):
    code, out, _ = search(capsys, tmp_path, "--text", text, "--json")
    assert code == 0 and searched[0].text == cleaned and json.loads(out)["query"]["text"] == cleaned
    assert_model_safe(searched[0].text)
    bad_input("search --text", what, f"exit 0, searched as {cleaned!r}")


FLAG_ERRORS = [
    ("--crop a,b,c,d", ["--item", "x", "--crop", "a,b,c,d"], "crop must be four numbers"),
    ("--crop 1,2,3", ["--item", "x", "--crop", "1,2,3"], "four finite numbers"),
    ("--crop nan,0,1,1", ["--item", "x", "--crop", "nan,0,1,1"], "four finite numbers"),
    ("--crop without a reference image", ["--text", "red", "--crop", "0,0,5,5"], "a crop needs a reference"),
    ("--item and --image together", ["--item", "x", "--image", "y.png"], "not both"),
    ("--k 0", ["--text", "red", "--k", "0"], "--k"),
]


@pytest.mark.parametrize(("what", "argv", "expected"), FLAG_ERRORS, ids=[c[0] for c in FLAG_ERRORS])
def test_bad_flags_are_clear_errors(what, argv, expected, searched, tmp_path, capsys, bad_input):
    code, out, err = search(capsys, tmp_path, *argv)
    assert code == 2 and not out and expected in err and not searched
    bad_input("search flags", what, f"exit {code}: {err.strip().splitlines()[-1]}")


# ---- one query: --image, with the ingest's limits ----------------------------------------------------

def _image_case(tmp_path, kind):
    path = tmp_path / f"{kind}.png"
    if kind == "bomb":
        path.write_bytes(png_header_claiming(10_000, 10_000))
    elif kind == "text":
        path.write_text("not an image")
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "truncated":
        path.write_bytes(small_png(size=(64, 64))[:60])
    elif kind == "folder":
        path.mkdir()
    return path


IMAGE_ERRORS = [
    ("a PNG of 10000x10000 = 100,000,000 pixels", "bomb", "more than the limit of 40,000,000"),
    ("a text file named .png", "text", "not an image Pillow can read"),
    ("an empty file", "empty", "is empty (0 bytes)"),
    ("a truncated PNG", "truncated", "corrupt or truncated"),
    ("a folder", "folder", "not a regular file"),
    ("a path that does not exist", "missing", "does not exist"),
]


@pytest.mark.parametrize(("what", "kind", "expected"), IMAGE_ERRORS, ids=[c[1] for c in IMAGE_ERRORS])
def test_search_image_has_the_ingest_limits(what, kind, expected, searched, tmp_path, capsys, bad_input):
    path = _image_case(tmp_path, kind)
    code, out, err = search(capsys, tmp_path, "--image", path)
    assert code == 2 and not out and expected in err and not searched
    bad_input("search --image", what, f"exit {code}: {err.strip()}")


def test_the_pipeline_opens_query_images_with_the_same_limits(tmp_path):
    """SearchContext.reference_image (the Explore page's and the batch runs' path) refuses the bomb too."""
    from engine.catalog.images import QueryImageError
    from engine.pipeline.context import SearchContext
    from engine.workspace import Workspace

    path = _image_case(tmp_path, "bomb")
    context = SearchContext(Workspace(tmp_path), table=None, clip=None, text_encoder=None)
    with pytest.raises(QueryImageError, match="more than the limit of 40,000,000"):
        context.reference_image(None, str(path))
    fine = tmp_path / "fine.png"
    fine.write_bytes(small_png())
    assert context.reference_image(None, str(fine)).size == (4, 4)


@pytest.mark.parametrize(("what", "data", "name", "expected"), [
    ("a PNG of 10000x10000 pixels", png_header_claiming(10_000, 10_000), "big.png", "more than the limit"),
    ("text bytes named .jpg", b"hello", "notes.jpg", "not an image Pillow can read"),
    ("a truncated header", small_png()[:20], "cut.png", "corrupt or truncated"),
], ids=["bomb", "text", "truncated"])
def test_explore_upload_has_the_ingest_limits(what, data, name, expected, tmp_path, bad_input):
    from engine.workspace import Workspace
    from workbench.search_state import save_upload

    with pytest.raises(ValueError, match=expected) as info:
        save_upload(Workspace(tmp_path), data, name)
    assert not (tmp_path / "uploads").exists() or not any((tmp_path / "uploads").iterdir())
    bad_input("Explore upload", what, f"refused: {info.value}")


# ---- many queries: --queries FILE --------------------------------------------------------------------

GOOD = b'{"text": "red dress"}'
DEEP_ARRAYS = b'{"text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
DEEP_OBJECTS = b'{"text": ' + b'{"a": ' * 100_000 + b"1" + b"}" * 100_000 + b"}"

BAD_LINES = [
    ('crop "a,b,c,d"', b'{"item": "x", "crop": "a,b,c,d"}', "crop must be four numbers"),
    ("text nested 100,000 arrays deep", DEEP_ARRAYS, "nested too deeply"),
    ("text nested 100,000 objects deep", DEEP_OBJECTS, "nested too deeply"),
    ("invalid UTF-8 byte 0xe9 in the text", b'{"text": "caf\xe9"}', "byte 14 (0xe9) is not valid UTF-8"),
    ("a lone surrogate escape \\ud800", b'{"text": "red \\ud800"}', "unpaired surrogate"),
    ("text a number", b'{"text": 5}', "text must be a string, got int"),
    ("text a list", b'{"text": ["red"]}', "text must be a string, got list"),
    ("text an object", b'{"text": {"a": 1}}', "text must be a string, got dict"),
    ("text NaN", b'{"text": NaN}', "text must be a string, got float"),
    ("item a number", b'{"item": 7}', "item must be a string, got int"),
    ("image true", b'{"image": true}', "image must be a string, got bool"),
    ("crop of three numbers", b'{"item": "x", "crop": [0, 0, 1]}', "crop must be [x0, y0, x1, y1]"),
    ("crop holding a boolean", b'{"item": "x", "crop": [true, 0, 1, 1]}', "crop must be [x0, y0, x1, y1]"),
    ("crop 1e999 (infinite)", b'{"item": "x", "crop": [1e999, 0, 1, 1]}', "four finite numbers"),
    ("crop with an integer of 400 digits", b'{"item": "x", "crop": [' + b"9" * 400 + b', 0, 1, 1]}',
     "four finite numbers"),
    ('crop "1e999,0,1,1"', b'{"item": "x", "crop": "1e999,0,1,1"}', "four finite numbers"),
    ("crop an object", b'{"item": "x", "crop": {"x": 1}}', "crop must be [x0, y0, x1, y1]"),
    ("a JSON array", b"[]", "expected a JSON object"),
    ("a JSON string", b'"red dress"', "expected a JSON object"),
    ("JSON null", b"null", "expected a JSON object"),
    ("a JSON number", b"42", "expected a JSON object"),
    ("broken JSON", b"{not json", "not JSON"),
    ("an object followed by garbage", b'{"text": "red"} x', "not JSON (Extra data"),
    ("a raw NUL byte inside the text", b'{"text": "red\x00"}', "not JSON (Invalid control character"),
    ("an unknown key", b'{"colour": "red"}', "unknown keys ['colour']"),
    ("a repeated key whose last value is a number", b'{"text": "red", "text": 5}', "text must be a string"),
    ("control characters only", b'{"text": "\\u0001\\u0002\\u001b"}', "empty query"),
    ("empty text", b'{"text": ""}', "empty query"),
    ("an empty object", b"{}", "empty query"),
    ("a crop without a reference", b'{"text": "red", "crop": [0, 0, 5, 5]}', "a crop needs a reference"),
    ("item and image together", b'{"item": "x", "image": "y.png"}', "not both"),
    ("an image that does not exist", b'{"image": "/no/such/file.png"}', "does not exist"),
]


@pytest.mark.parametrize(("what", "line", "expected"), BAD_LINES, ids=[c[0] for c in BAD_LINES])
def test_a_bad_line_is_an_error_object_naming_it_and_the_run_goes_on(what, line, expected, searched, tmp_path,
                                                                      capsys, bad_input):
    queries = tmp_path / "queries.jsonl"
    queries.write_bytes(GOOD + b"\n" + line + b"\n" + b'{"text": "blue shirt"}\n')
    code, out, err = search(capsys, tmp_path, "--queries", queries)
    rows = [json.loads(row) for row in out.splitlines()]
    assert code == 3 and "1 queries failed" in err
    assert [r.get("line") for r in rows] == [None, 2, None]
    assert rows[1]["error"].startswith(f"{queries} line 2: ") and expected in rows[1]["error"], rows[1]["error"]
    assert [q.text for q in searched] == ["red dress", "blue shirt"]
    bad_input("search --queries (a line)", what, f"that line: {rows[1]['error']}; the other lines searched, exit 3")


@pytest.mark.parametrize(("what", "line", "searched_text"), [
    ("10,000 characters of text", b'{"text": "' + b"red dress " * 1000 + b'"}', None),
    ("a UTF-8 BOM before the object", b'\xef\xbb\xbf{"text": "red dress"}', "red dress"),
    ("CRLF line ends", b'{"text": "red dress"}\r', "red dress"),
    ("bidi overrides around the text", '{"text": "\u202ered dress\u202c"}'.encode(), "red dress"),
], ids=["long", "bom", "crlf", "bidi"])
def test_odd_but_valid_lines_are_searched_cleaned(what, line, searched_text, searched, tmp_path, capsys, bad_input):
    queries = tmp_path / "queries.jsonl"
    queries.write_bytes(line + b"\n")
    code, out, err = search(capsys, tmp_path, "--queries", queries)
    row = json.loads(out)
    assert code == 0 and len(searched) == 1
    assert_model_safe(searched[0].text)
    if searched_text is None:
        assert len(searched[0].text) <= DEFAULT_MAX_CHARS and "only the first 500" in row["notices"][0]
        outcome = f"searched the first 500 characters, with a notice in its result: {row['notices'][0]}"
    else:
        assert searched[0].text == searched_text
        outcome = f"searched as {searched_text!r}"
    bad_input("search --queries (a line)", what, f"exit 0, {outcome}")


@pytest.mark.parametrize(("what", "content", "expected"), [
    ("an empty file", b"", "holds no queries (empty)"),
    ("only blank lines", b"\n  \n\t\n", "holds no queries (only blank lines)"),
    ("a folder instead of a file", None, "is a folder"),
    ("a path that does not exist", "missing", "not found"),
])
def test_an_unusable_queries_file_is_a_clear_error(what, content, expected, searched, tmp_path, capsys, bad_input):
    queries = tmp_path / "queries.jsonl"
    if content is None:
        queries.mkdir()
    elif isinstance(content, bytes):
        queries.write_bytes(content)
    code, out, err = search(capsys, tmp_path, "--queries", queries)
    assert code == 2 and not out and expected in err and str(queries) in err and not searched
    bad_input("search --queries (the file)", what, f"exit {code}: {err.strip()}")


def test_search_saves_nothing(searched, tmp_path, capsys):
    before = tree_fingerprint(tmp_path / "ws")
    queries = tmp_path / "queries.jsonl"
    queries.write_bytes(b"\n".join(line for _, line, _ in BAD_LINES))
    search(capsys, tmp_path, "--queries", queries)
    assert tree_fingerprint(tmp_path / "ws") == before


def test_a_line_over_the_limit_is_an_error_for_that_line_and_never_read_whole(searched, tmp_path, capsys,
                                                                               bad_input):
    from workbench.commands.search import MAX_QUERY_LINE_BYTES

    queries = tmp_path / "queries.jsonl"
    huge = b'{"text": "' + b"red " * (MAX_QUERY_LINE_BYTES // 2) + b'"}'
    queries.write_bytes(GOOD + b"\n" + huge + b"\n" + b'{"text": "blue shirt"}\n')
    code, out, err = search(capsys, tmp_path, "--queries", queries)
    rows = [json.loads(row) for row in out.splitlines()]
    assert code == 3 and [r.get("line") for r in rows] == [None, 2, None]
    assert rows[1]["error"] == (f"{queries} line 2: longer than {MAX_QUERY_LINE_BYTES:,} bytes; a query line is one "
                                'small JSON object, e.g. {"text": "red dress"}')
    assert [q.text for q in searched] == ["red dress", "blue shirt"]
    bad_input("search --queries (a line)", "a line of 2 MiB", f"that line: {rows[1]['error']}; the other lines "
              "searched, exit 3")


def test_a_batch_of_100000_lines_streams_in_bounded_memory(monkeypatch, tmp_path, bad_input):
    """Every line is searched and its result written before the next line is read: the reader's peak memory
    stays far below the file's size (the old reader held the whole file and a list of its lines)."""
    import contextlib
    import tracemalloc

    from engine.pipeline import context as context_module
    from workbench.cli import main
    from workbench.commands import search as search_command

    count = {"searched": 0}

    def counting_search(context, query, config, k):
        count["searched"] += 1
        return FakeResponse(query)

    monkeypatch.setattr(context_module.SearchContext, "open", classmethod(lambda cls, workspace: FakeContext()))
    monkeypatch.setattr(search_command, "_search", counting_search)
    (tmp_path / "ws").mkdir()
    queries = tmp_path / "queries.jsonl"
    queries.write_bytes(b"".join(b'{"text": "red dress number %d"}\n' % i for i in range(100_000)))
    size = queries.stat().st_size
    out = tmp_path / "results.jsonl"
    tracemalloc.start()
    try:
        with open(out, "w") as sink, contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            code = main(["search", "--home", str(tmp_path / "ws"), "--config", "baseline", "--queries", str(queries)])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    with open(out, "rb") as results:
        lines = sum(1 for _ in results)
    assert code == 0 and count["searched"] == 100_000 and lines == 100_001  # the results and the queries/s line
    assert peak < size / 4, (peak, size)
    bad_input("search --queries (the file)", "100,000 lines (3.4 MB)",
              f"exit 0: all 100,000 searched and written one at a time; peak traced memory {peak / 1e6:.1f} MB")
