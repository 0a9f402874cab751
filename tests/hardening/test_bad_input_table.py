"""docs/bad_inputs.md, written by conftest.py from the rows the bad-input tests record, is there and sound."""

from __future__ import annotations

import re

from tests.hardening.conftest import TABLE, render_table

OUTCOME = re.compile(r"^(exit \d|that line: |refused: |opened with a warning, )")


def table_rows() -> list[list[str]]:
    lines = [line for line in TABLE.read_text(encoding="utf-8").splitlines() if re.match(r"^\| \d+ \|", line)]
    return [[cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]] for line in lines]


def test_the_table_lists_at_least_60_inputs_none_a_traceback():
    rows = table_rows()
    assert len(rows) >= 60
    assert [int(r[0]) for r in rows] == list(range(1, len(rows) + 1))
    assert len({(r[1], r[2]) for r in rows}) == len(rows)  # each input once
    for number, entry, given, outcome in rows:
        assert entry and given and OUTCOME.match(outcome), outcome
        assert "Traceback" not in outcome and "Error:" not in outcome.split(": ", 1)[0]
    entries = {r[1].split(" (")[0] for r in rows}
    assert {"search --text", "search --queries", "search --image", "Explore upload", "eval trec --qrels",
            "eval trec --run", "eval import-qrels", "eval report", "ingest --metadata"} <= entries


def test_the_table_renders_as_written():
    rows = table_rows()
    rendered = render_table([(e.replace("\\|", "|"), g.replace("\\|", "|"), o.replace("\\|", "|"))
                             for _, e, g, o in rows])
    assert rendered == TABLE.read_text(encoding="utf-8")
