"""Another system's run file as a config: parse it whole, check its ids against the store and the catalog, then
replace the config's earlier runs in one transaction (labels owns the write)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

ORDERS = ("score", "rank")  # trec_eval's order (score desc, ties by id desc), or the file's rank column
EXAMPLES = 5


class UnknownIdsError(ValueError):
    """A run file names queries or items the workspace does not know (and --skip-unknown was not given)."""


@dataclass
class ImportReport:
    """What `import_run` read, stored and left out (with counts and examples), for the command to print."""

    config: str
    fmt: str
    lines: int = 0
    runs: int = 0
    results: int = 0
    unknown_queries: list[str] = field(default_factory=list)
    unknown_items: list[tuple[str, str]] = field(default_factory=list)  # (query_id, item_id)
    other_set: list[str] = field(default_factory=list)  # queries of another query set than --query-set
    prefixed: int = 0  # query ids written QUERYSET:QUERYID
    reordered: int = 0  # queries whose file ranks disagree with the order used
    withdrawn: list[str] = field(default_factory=list)
    items_checked: bool = True

    def lines_out(self) -> list[str]:
        out = [f"imported {self.runs} runs ({self.results} results) of {self.lines} {self.fmt} lines as config "
               f"{self.config}"]
        if self.unknown_queries:
            out.append(f"left out {len(self.unknown_queries)} query ids the store does not know: "
                       + examples(self.unknown_queries))
        if self.unknown_items:
            out.append(f"left out {len(self.unknown_items)} results whose item id is not in the catalog (their "
                       f"ranks stay empty): " + examples([f"{q}/{i}" for q, i in self.unknown_items]))
        if self.other_set:
            out.append(f"left out {len(self.other_set)} queries of other query sets: " + examples(self.other_set))
        if self.prefixed:
            out.append(f"read {self.prefixed} query ids written QUERYSET:QUERYID")
        if self.reordered:
            out.append(f"note: in {self.reordered} queries the file's ranks disagree with the scores; ordered by "
                       "score as trec_eval does (--order rank keeps the file's ranks)")
        if self.withdrawn:
            out.append(f"withdrew the earlier results of {len(self.withdrawn)} queries this file no longer has: "
                       + examples(self.withdrawn))
        if not self.items_checked:
            out.append("warning: the workspace has no index, so item ids were not checked against the catalog")
        return out


def examples(ids, n: int = EXAMPLES) -> str:
    ids = list(ids)
    return ", ".join(repr(i[:60]) for i in ids[:n]) + (", ..." if len(ids) > n else "")


def file_digest(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(2**20), b""):
            digest.update(block)
    return digest.hexdigest()


def run_config_record(name: str, fmt: str, digest: str, order: str):
    """How an imported run is stored as a config: its hash covers the file's bytes and the order used."""
    from labels import ConfigRecord

    content = {"kind": "run_file", "format": fmt, "sha256": digest, "order": order}
    config_hash = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()[:16]
    return ConfigRecord(name, config_hash, json.dumps({"name": name, **content}, sort_keys=True))


def resolve_query_ids(ids: pd.Series, known: dict[str, str], query_set: str | None, report: ImportReport) -> pd.Series:
    """The store's query id of each file id (QUERYSET:QUERYID accepted); NaN where unknown or out of the set."""
    unique = pd.unique(ids)
    mapping: dict[str, object] = {}
    for raw in unique:
        target = raw if raw in known else None
        if target is None and ":" in raw:
            prefix, rest = raw.split(":", 1)
            if known.get(rest) == prefix:
                target = rest
                report.prefixed += 1
        if target is None:
            report.unknown_queries.append(raw)
        elif query_set is not None and known[target] != query_set:
            report.other_set.append(raw)
            target = None
        mapping[raw] = target if target is not None else np.nan
    return ids.map(mapping)


def ordered_ranks(run: pd.DataFrame, order: str) -> tuple[pd.DataFrame, int]:
    """The run with `rank` = 1..n per query in the order used; and how many queries the file ranked otherwise."""
    from eval import trec_order

    if order not in ORDERS:
        raise ValueError(f"unknown --order {order!r}; use one of {', '.join(ORDERS)}")
    by_score = trec_order(run.rename(columns={"item_id": "doc_id"})).rename(columns={"doc_id": "item_id"})
    by_score = by_score.rename(columns={"rank": "score_rank"})
    merged = run.rename(columns={"rank": "file_rank"}).merge(by_score[["query_id", "item_id", "score_rank"]],
                                                              on=["query_id", "item_id"])
    file_order = merged.sort_values(["query_id", "file_rank", "score_rank"], kind="stable")
    file_order = file_order.assign(position=file_order.groupby("query_id").cumcount() + 1)
    disagree = file_order.loc[file_order["position"] != file_order["score_rank"], "query_id"].nunique()
    rank = file_order["score_rank"] if order == "score" else file_order["position"]
    return file_order.assign(rank=rank.astype(np.int64))[["query_id", "item_id", "rank", "score"]], int(disagree)


def import_run(store, path: str | Path, config_name: str, *, catalog_ids: set[str] | None,
               query_set: str | None = None, fmt: str | None = None, order: str = "score",
               skip_unknown: bool = False, index_version: str = "none") -> ImportReport:
    """Read the whole file, resolve its ids, then store it as `config_name`'s latest runs (nothing is stored
    when the file does not parse, or names unknown ids without `skip_unknown`)."""
    from eval.run_files import read_run_file

    raw, fmt = read_run_file(path, fmt)  # the whole file parses before anything is written
    report = ImportReport(config=config_name, fmt=fmt, lines=len(raw), items_checked=catalog_ids is not None)
    sets = [query_set] if query_set is not None else [s.name for s in store.query_sets()]
    if query_set is not None and query_set not in {s.name for s in store.query_sets()}:
        store.queries(query_set)  # the store's error lists the known query sets
    known = {q.query_id: q.query_set for s in store.query_sets() for q in store.queries(s.name)}
    run = raw.rename(columns={"doc_id": "item_id"})
    run = run.assign(query_id=resolve_query_ids(run["query_id"], known, query_set, report))
    run = run[run["query_id"].notna()]
    run, report.reordered = ordered_ranks(run, order)
    if catalog_ids is not None:
        unknown = ~run["item_id"].isin(catalog_ids)
        report.unknown_items = list(zip(run.loc[unknown, "query_id"], run.loc[unknown, "item_id"]))
        run = run[~unknown]
    if (report.unknown_queries or report.unknown_items) and not skip_unknown:
        found = []
        if report.unknown_queries:
            found.append(f"{len(report.unknown_queries)} query ids the store does not know "
                         f"({examples(report.unknown_queries)})")
        if report.unknown_items:
            found.append(f"{len(report.unknown_items)} results whose item id is not in the catalog "
                         f"({examples([f'{q}/{i}' for q, i in report.unknown_items])})")
        raise UnknownIdsError(
            f"{path}: " + "; ".join(found) + ". Nothing was imported: fix the ids (query ids as `workbench eval "
            "export-queries` writes them, item ids of this workspace's catalog), or pass --skip-unknown to import "
            "the rest")
    if run.empty:
        scope = f"query set {query_set!r}" if query_set else "the store"
        raise ValueError(f"{path}: no result names a query of {scope}; nothing to import. Query ids in the file: "
                         f"{examples(pd.unique(raw['query_id']))}")
    record = run_config_record(config_name, fmt, file_digest(path), order)
    touched = sorted({known[q] for q in pd.unique(run["query_id"])})
    report.runs, report.withdrawn = store.replace_config_runs(
        record, run, query_sets=[s for s in sets if s in touched] if query_set is None else sets,
        model_version=f"external:run_file:{fmt}", index_version=index_version)
    report.results = len(run)
    return report
