"""Run files from other systems: TREC (`qid Q0 docid rank score tag`) or JSONL (`{"query_id", "item_id", "rank",
"score"}` a line), read the one way eval.trec reads files (BOM, CRLF, encodings, control characters)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from eval.trec import RANK_RANGE, TrecFormatError, _lines, read_run

RUN_FORMATS = ("trec", "jsonl")
JSONL_KEYS = ("query_id", "item_id", "rank", "score")


def run_format(path: str | Path) -> str:
    """"jsonl" for a .jsonl/.json file or one whose first non-blank character is "{", else "trec"."""
    path = Path(path)
    if path.suffix.lower() in (".jsonl", ".json", ".ndjson"):
        return "jsonl"
    if path.is_file():
        with path.open("rb") as handle:
            head = handle.read(4096).removeprefix(b"\xef\xbb\xbf").lstrip()
        if head.startswith(b"{"):
            return "jsonl"
    return "trec"


def read_run_jsonl(path: str | Path) -> pd.DataFrame:
    """A JSONL run as query_id, doc_id, rank, score, tag (tag ""), the frame `read_run` gives."""
    rows = []
    seen: dict[tuple[str, str], int] = {}
    for number, _, line in _lines(path, "JSONL run"):
        where = f"{path}:{number}"
        try:
            data = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as error:
            raise TrecFormatError(f"{where}: not JSON ({getattr(error, 'msg', error)}); write one object a line, "
                                  f'e.g. {{"query_id": "q1", "item_id": "i9", "rank": 1, "score": 0.5}}') from None
        if not isinstance(data, dict):
            raise TrecFormatError(f"{where}: expected a JSON object, got {type(data).__name__}: {line[:120]!r}")
        missing = [k for k in JSONL_KEYS if k not in data]
        if missing:
            raise TrecFormatError(f"{where}: missing {', '.join(missing)}; every line needs "
                                  f"{', '.join(JSONL_KEYS)}: {line[:120]!r}")
        qid, docid = data["query_id"], data["item_id"]
        for key, value in (("query_id", qid), ("item_id", docid)):
            if isinstance(value, bool) or not isinstance(value, (str, int)) or str(value).strip() == "":
                raise TrecFormatError(f"{where}: {key} must be a non-empty string, got {value!r}")
        qid, docid = str(qid), str(docid)
        rank, score = data["rank"], data["score"]
        if isinstance(rank, bool) or not isinstance(rank, int) or not RANK_RANGE[0] <= rank <= RANK_RANGE[1]:
            raise TrecFormatError(f"{where}: rank must be a whole number, got {rank!r}: {line[:120]!r}")
        if isinstance(score, bool) or not isinstance(score, (int, float)) or not math.isfinite(score):
            raise TrecFormatError(f"{where}: score must be a finite number, got {score!r}: {line[:120]!r}")
        if (qid, docid) in seen:
            raise TrecFormatError(f"{where}: item {docid!r} is retrieved twice for query {qid!r} (first on line "
                                  f"{seen[qid, docid]}); trec_eval refuses duplicate documents, keep one")
        seen[qid, docid] = number
        rows.append((qid, docid, rank, float(score), ""))
    return pd.DataFrame(rows, columns=["query_id", "doc_id", "rank", "score", "tag"]).astype(
        {"rank": np.int64, "score": np.float64})


def read_run_file(path: str | Path, fmt: str | None = None) -> tuple[pd.DataFrame, str]:
    """(frame, format) of a TREC or JSONL run file; `fmt` None guesses it (see run_format)."""
    fmt = fmt or run_format(path)
    if fmt not in RUN_FORMATS:
        raise ValueError(f"unknown run file format {fmt!r}; known: {', '.join(RUN_FORMATS)}")
    return (read_run(path) if fmt == "trec" else read_run_jsonl(path)), fmt
