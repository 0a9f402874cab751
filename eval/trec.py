"""TREC interchange: read and write qrels and run files, and evaluate a run as trec_eval does."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from eval.measures import Measure, compute
from eval.ranking import rank_grades

TREC_MEASURES = ("P_5", "P_10", "P_20", "map", "recip_rank", "ndcg_cut_5", "ndcg_cut_10", "ndcg_cut_20")

# trec_eval measure name -> the registry's measure (level None: the -l level applies where it matters).
_TREC_NAMES = (
    (re.compile(r"^P_(\d+)$"), lambda k: Measure("P", k)),
    (re.compile(r"^recall_(\d+)$"), lambda k: Measure("R", k)),
    (re.compile(r"^ndcg_cut_(\d+)$"), lambda k: Measure("nDCG", k)),
    (re.compile(r"^map$"), lambda: Measure("map")),
    (re.compile(r"^recip_rank$"), lambda: Measure("recip_rank")),
)


class TrecFormatError(ValueError):
    """A qrels or run file line that does not read; the message names the file and line."""


def trec_measure(name: str) -> Measure:
    """trec_eval's name (`P_10`, `ndcg_cut_10`, `map`, `recip_rank`, `recall_100`) as a registry measure."""
    for pattern, make in _TREC_NAMES:
        match = pattern.match(name)
        if match:
            measure = make(*(int(g) for g in match.groups()))
            if measure.k is not None and measure.k < 1:
                break
            return measure
    raise ValueError(
        f"unknown trec_eval measure {name!r}; known: {', '.join(TREC_MEASURES)}, recall_k (P_k and ndcg_cut_k "
        "take any cutoff k >= 1)"
    )


# ---- reading and writing ----------------------------------------------------------------------------

GRADE_RANGE = (-(2**31), 2**31 - 1)  # trec_eval reads grades as C longs; past this a grade is a typo, not a grade
RANK_RANGE = (-(2**63), 2**63 - 1)  # stored as int64
_FIX_ENCODING = "re-save the file as UTF-8 (or ASCII)"


def _lines(path: str | Path, kind: str):
    """(line number, fields, line text) of each non-blank line of a TREC file, read the one way both files are read.

    UTF-8 with or without a BOM; LF, CRLF or CR line ends; an undecodable byte, a NUL or another control
    character is a TrecFormatError naming the file and line. An empty file is an error too.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file; give the path of a TREC {kind} file")
    data = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
    count = 0
    for number, raw in enumerate(data.splitlines(), start=1):
        where = f"{path}:{number}"
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise TrecFormatError(f"{where}: byte {error.start + 1} of the line (0x{raw[error.start]:02x}) is not "
                                  f"UTF-8; {_FIX_ENCODING}") from None
        bad = next((ch for ch in line if ch in _CONTROL), None)
        if bad is not None:
            raise TrecFormatError(f"{where}: the line holds the control character {bad!r}; remove it (ids and "
                                  f"numbers are plain text): {line[:120]!r}")
        fields = line.split()
        if fields:  # blank lines are skipped, as trec_eval does
            count += 1
            yield number, fields, line
    if not count:
        raise TrecFormatError(f"{path}: the {kind} file is {'empty' if not data else 'only blank lines'}; "
                              f"give a file of {_LAYOUT[kind]!r} lines")


_CONTROL = frozenset(chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F))
_LAYOUT = {"qrels": "qid 0 docid rel", "run": "qid Q0 docid rank score tag",
           "JSONL run": '{"query_id": "q1", "item_id": "i9", "rank": 1, "score": 0.5}'}


def _whole_number(text: str, what: str, bounds: tuple[int, int], where: str, line: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise TrecFormatError(f"{where}: {what} must be a whole number, got {text[:40]!r}: {line[:120]!r}") from None
    if not bounds[0] <= value <= bounds[1]:
        raise TrecFormatError(f"{where}: {what} {text[:40]} is out of range; expected a whole number from "
                              f"{bounds[0]} to {bounds[1]}: {line[:120]!r}")
    return value


def read_qrels(path: str | Path) -> pd.DataFrame:
    """A qrels file (`qid 0 docid rel`, whitespace-separated) as query_id, doc_id, relevance (int)."""
    rows = []
    seen: dict[tuple[str, str], int] = {}
    for number, fields, line in _lines(path, "qrels"):
        where = f"{path}:{number}"
        if len(fields) != 4:
            raise TrecFormatError(f"{where}: expected 4 fields 'qid 0 docid rel', got {len(fields)}: {line[:120]!r}")
        qid, _, docid, rel = fields
        relevance = _whole_number(rel, "relevance", GRADE_RANGE, where, line)
        if (qid, docid) in seen:
            raise TrecFormatError(
                f"{where}: document {docid!r} of query {qid!r} is judged again (first on line {seen[qid, docid]}); "
                "keep one line per query and document"
            )
        seen[qid, docid] = number
        rows.append((qid, docid, relevance))
    return pd.DataFrame(rows, columns=["query_id", "doc_id", "relevance"]).astype({"relevance": np.int64})


def read_run(path: str | Path) -> pd.DataFrame:
    """A run file (`qid Q0 docid rank score tag`) as query_id, doc_id, rank, score, tag."""
    rows = []
    seen: dict[tuple[str, str], int] = {}
    for number, fields, line in _lines(path, "run"):
        where = f"{path}:{number}"
        if len(fields) != 6:
            raise TrecFormatError(
                f"{where}: expected 6 fields 'qid Q0 docid rank score tag', got {len(fields)}: {line[:120]!r}"
            )
        qid, _, docid, rank, score, tag = fields
        try:
            value = float(score)
        except ValueError:
            raise TrecFormatError(f"{where}: score must be a number, got {score[:40]!r}: {line[:120]!r}") from None
        if not math.isfinite(value):
            raise TrecFormatError(f"{where}: score must be a finite number, got {score[:40]!r}: {line[:120]!r}")
        rank_value = _whole_number(rank, "rank", RANK_RANGE, where, line)
        if (qid, docid) in seen:
            raise TrecFormatError(
                f"{where}: document {docid!r} is retrieved twice for query {qid!r} (first on line "
                f"{seen[qid, docid]}); trec_eval refuses duplicate documents, keep one"
            )
        seen[qid, docid] = number
        rows.append((qid, docid, rank_value, value, tag))
    return pd.DataFrame(rows, columns=["query_id", "doc_id", "rank", "score", "tag"]).astype(
        {"rank": np.int64, "score": np.float64})


def _check_text_field(frame: pd.DataFrame, column: str, what: str) -> None:
    bad = frame[column].astype(str).str.contains(r"\s|^$", regex=True)
    if bad.any():
        raise ValueError(f"{what} {column} {frame[column][bad].iloc[0]!r} is empty or holds whitespace, "
                         "which a TREC file cannot carry; rename it")


def write_qrels(path: str | Path, qrels: pd.DataFrame) -> int:
    """Write query_id, doc_id, relevance as `qid 0 docid rel` lines; returns the number of lines."""
    for column in ("query_id", "doc_id"):
        _check_text_field(qrels, column, "qrels")
    rel = qrels["relevance"]
    if not np.all(np.asarray(rel, dtype=np.float64) == np.round(np.asarray(rel, dtype=np.float64))):
        raise ValueError("qrels relevance must be whole numbers; round or use the majority aggregation")
    lines = [f"{q} 0 {d} {int(r)}\n" for q, d, r in zip(qrels["query_id"], qrels["doc_id"], rel)]
    Path(path).write_text("".join(lines), encoding="utf-8")
    return len(lines)


def write_run(path: str | Path, run: pd.DataFrame, *, tag: str) -> int:
    """Write query_id, doc_id, rank, score as `qid Q0 docid rank score tag` lines, by query then rank."""
    for column in ("query_id", "doc_id"):
        _check_text_field(run, column, "run")
    if not tag or any(c.isspace() for c in tag):
        raise ValueError(f"run tag {tag!r} is empty or holds whitespace; give a single word")
    ordered = run.sort_values(["query_id", "rank"], kind="stable")
    lines = [f"{q} Q0 {d} {int(r)} {float(s)!r} {tag}\n"
             for q, d, r, s in zip(ordered["query_id"], ordered["doc_id"], ordered["rank"], ordered["score"])]
    Path(path).write_text("".join(lines), encoding="utf-8")
    return len(lines)


# ---- evaluation ---------------------------------------------------------------------------------------

def trec_order(run: pd.DataFrame) -> pd.DataFrame:
    """The run with `rank` replaced by trec_eval's order: score descending (compared as 32-bit floats,
    as trec_eval stores them), ties by document id descending; the file's rank column is ignored."""
    ordered = run.assign(_score32=run["score"].to_numpy(dtype=np.float32)).sort_values(
        ["query_id", "_score32", "doc_id"], ascending=[True, False, False], kind="stable")
    ranks = ordered.groupby("query_id", sort=False).cumcount().to_numpy() + 1
    return ordered.drop(columns="_score32").assign(rank=ranks)


@dataclass(frozen=True)
class TrecEvaluation:
    """Per-query values and their means, over the run's queries that have qrels (as trec_eval)."""

    measures: tuple[str, ...]  # trec_eval names, in the order asked
    per_query: pd.DataFrame  # index query_id (sorted as trec_eval does), one column per measure
    level: int

    @property
    def means(self) -> dict[str, float]:
        """trec_eval's `all` line: the arithmetic mean over evaluated queries, added in query order."""
        if self.per_query.empty:
            return {m: 0.0 for m in self.measures}
        return {m: float(np.cumsum(self.per_query[m].to_numpy())[-1] / len(self.per_query)) for m in self.measures}

    def rows(self, *, per_query: bool = False):
        """(measure, query, value) rows: per query (when asked) and then the `all` means."""
        if per_query:
            for query, values in self.per_query.iterrows():
                for measure in self.measures:
                    yield measure, str(query), float(values[measure])
        for measure, value in self.means.items():
            yield measure, "all", value


def evaluate_trec(qrels: pd.DataFrame, run: pd.DataFrame, *, level: int = 1,
                  measures: Sequence[str] = TREC_MEASURES) -> TrecEvaluation:
    """Reproduce trec_eval (`-l level`, measures named as trec_eval names them) on parsed frames.

    As trec_eval: documents ordered by score (ties by docid descending), unjudged documents are not
    relevant, queries of the run without qrels are skipped and queries of the qrels without a run are
    not counted; a query whose qrels hold nothing relevant counts with 0. ndcg_cut takes the raw grades
    as gains whatever the level; negative qrels grades are "judged, gain 0" for it and never relevant.
    """
    wanted = [(name, trec_measure(name)) for name in measures]
    if not wanted:
        raise ValueError("no measures asked; give at least one, e.g. P_10")
    for name, frame, columns in (("qrels", qrels, ("query_id", "doc_id", "relevance")),
                                 ("run", run, ("query_id", "doc_id", "score"))):
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise ValueError(f"{name} frame lacks the columns {missing}; it has {list(frame.columns)}")
    judged_queries = set(pd.unique(qrels["query_id"].astype(str)))
    run = run.assign(query_id=run["query_id"].astype(str), doc_id=run["doc_id"].astype(str))
    if qrels.empty or run.empty:
        raise ValueError(f"the {'qrels' if qrels.empty else 'run'} holds no lines; nothing to evaluate")
    shared = run["query_id"].isin(judged_queries)
    if not shared.any():
        run_ids = sorted(pd.unique(run["query_id"]))
        raise ValueError(
            f"no query id is in both files: the run has {len(run_ids)} ({_examples(run_ids)}), the qrels "
            f"{len(judged_queries)} ({_examples(sorted(judged_queries))}); check that both use the same query ids")
    run = run[shared]
    queries = sorted(run["query_id"].unique())
    ordered = trec_order(run).rename(columns={"doc_id": "item_id"})
    grades = qrels.assign(query_id=qrels["query_id"].astype(str)).rename(columns={"doc_id": "item_id"})
    # trec_eval: a negative grade is "in the pool but unjudged": never relevant, no gain, not in the ideal.
    grades = grades.assign(grade=np.where(grades["relevance"] >= 0, grades["relevance"], np.nan).astype(np.float64))
    batch = rank_grades(ordered, grades[["query_id", "item_id", "grade"]], query_ids=queries)
    values = {name: compute(measure, batch, float(level)) for name, measure in wanted}
    per_query = pd.DataFrame(values, index=pd.Index(queries, name="query_id"))
    return TrecEvaluation(measures=tuple(name for name, _ in wanted), per_query=per_query, level=int(level))


def _examples(ids, n: int = 3) -> str:
    shown = ", ".join(repr(i[:40]) for i in ids[:n])
    return shown + (", ..." if len(ids) > n else "")
