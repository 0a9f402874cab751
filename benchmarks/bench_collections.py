"""Time topic generation and feed SQL on an indexed workspace, and grade the feeds against ground truth.

    python benchmarks/bench_collections.py --home /tmp/ws3000 --catalog /tmp/s3000 --out /tmp/ws_coll

The workspace is read only: its LanceDB folder is copied to --out, where the collections are written.
Reports topics (head/tail), mean feed size, the SQL feed time beside the brute-force Python oracle in the
same run (and checks they agree), SQL time on the catalog replicated to --scale items, and feed precision:
the share of feed items (all of a feed, and its top 10) whose true attributes (the catalog's items.parquet)
match every attribute of the topic. Two attribute sources are graded: the index's `attributes` column
(ground truth, so precision only measures partial matches padding short feeds) and the raw VLM output of
vlm_attributes.jsonl read through the query lexicon (a noisy, uncurated extraction).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # runnable from a checkout without installing

from engine.attributes.records import ItemAttribute  # noqa: E402
from engine.collections import (CollectionSettings, build_collections, build_feeds_sql, feeds_oracle,  # noqa: E402
                                item_attributes, propose_topics, query_targets, read_search_queries)
from engine.workspace import Workspace  # noqa: E402


def timed(fn, *args, repeat: int = 1, **kwargs):
    """(result of the last call, median seconds over `repeat` calls)."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn(*args, **kwargs)
        times.append(time.perf_counter() - start)
    return result, statistics.median(times)


def truth_table(catalog: Path) -> dict[str, dict[str, str]]:
    import pyarrow.parquet as pq

    families = ("category", "color", "pattern", "material", "style", "season", "occasion")
    rows = pq.read_table(catalog / "items.parquet", columns=["item_id", *families]).to_pylist()
    return {r["item_id"]: {f: r[f] for f in families if r[f] is not None} for r in rows}


def vlm_attributes(catalog: Path) -> list[ItemAttribute]:
    """Raw VLM key-value output, each value read through the query lexicon (values it does not know dropped)."""
    from engine.query.lexicon import default_lexicon

    lexicon, out = default_lexicon(), []
    for line in (catalog / "vlm_attributes.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        for pair in row.get("attributes", []):
            entry = lexicon.lookup(str(pair.get("value", "")))
            if entry is not None and entry.kind == "value":
                out.append(ItemAttribute(row["item_id"], entry.family, entry.value, 1.0))
    return out


def precision(topics, feeds, truth, depth: int | None = None) -> tuple[float, dict[str, float]]:
    """Macro mean over topics of the share of (top-depth) feed items truly matching the whole topic; and per family."""
    by_topic = defaultdict(list)
    for f in feeds:
        by_topic[f.topic_id].append(f.item_id)
    whole, family_hits = [], defaultdict(list)
    for t in topics:
        items = by_topic.get(t.topic_id, [])[:depth]
        if not items:
            continue
        whole.append(sum(all(truth.get(i, {}).get(k) == v for k, v in t.attributes) for i in items) / len(items))
        for k, v in t.attributes:
            family_hits[k].append(sum(truth.get(i, {}).get(k) == v for i in items) / len(items))
    per_family = {k: round(statistics.mean(v), 3) for k, v in sorted(family_hits.items())}
    return (statistics.mean(whole) if whole else 0.0), per_family


def replicate(attributes: list[ItemAttribute], n_items: int) -> list[ItemAttribute]:
    """The attributes copied under new item ids until about n_items items."""
    items = len({a.item_id for a in attributes})
    copies = max(1, round(n_items / items))
    return [ItemAttribute(f"{a.item_id}~{c}", a.family, a.value, a.confidence) for c in range(copies) for a in attributes]


def grade(name, attributes, targets, settings, truth, lines):
    topics, topic_s = timed(propose_topics, attributes, settings, targets)
    feeds, sql_s = timed(build_feeds_sql, topics, attributes, settings, repeat=3)
    oracle, oracle_s = timed(feeds_oracle, topics, attributes, settings)
    same = [(f.topic_id, f.rank, f.item_id) for f in feeds] == [(f.topic_id, f.rank, f.item_id) for f in oracle]
    strict = CollectionSettings(**{**settings.__dict__, "min_overlap": settings.max_attributes})
    strict_feeds = build_feeds_sql(topics, attributes, strict)
    head = sum(t.tier == "head" for t in topics)
    p_all, _ = precision(topics, feeds, truth)
    p10, per_family = precision(topics, feeds, truth, 10)
    p_strict, _ = precision(topics, strict_feeds, truth)
    fed = len({f.topic_id for f in feeds})
    result = {"source": name, "topics": len(topics), "head": head, "tail": len(topics) - head,
              "mean_feed": round(len(feeds) / max(fed, 1), 1), "topic_s": round(topic_s, 3),
              "feed_sql_s": round(sql_s, 3), "feed_oracle_s": round(oracle_s, 3), "sql_equals_oracle": same,
              "precision": round(p_all, 3), "precision@10": round(p10, 3), "precision_strict": round(p_strict, 3),
              "mean_feed_strict": round(len(strict_feeds) / max(len({f.topic_id for f in strict_feeds}), 1), 1),
              "precision@10_per_family": per_family}
    print(json.dumps(result))
    lines.append(f"| {name} | {len(topics)} ({head}/{len(topics) - head}) | {result['mean_feed']} | {topic_s:.2f} s | "
                 f"{sql_s:.2f} s | {oracle_s:.2f} s ({'same' if same else 'DIFFERENT'}) | {p_all:.3f} | {p10:.3f} | "
                 f"{p_strict:.3f} |")
    return topics, result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=Path("/tmp/ws3000"))
    parser.add_argument("--catalog", type=Path, default=Path("/tmp/s3000"))
    parser.add_argument("--out", type=Path, default=Path("/tmp/ws_coll"))
    parser.add_argument("--summary", type=Path, default=Path("/tmp/collections_bench.md"))
    parser.add_argument("--scale", type=int, default=100_000, help="items to replicate the catalog to for SQL timing")
    parser.add_argument("--min-support", type=int, default=CollectionSettings().min_support)
    args = parser.parse_args(argv)

    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    shutil.copytree(args.home / "lancedb", args.out / "lancedb")
    workspace = Workspace(args.out)
    settings = CollectionSettings(min_support=args.min_support)

    report = build_collections(workspace, settings, args.catalog / "search_log")
    print(report.summary())
    loaded, read_s = timed(item_attributes, workspace)
    targets, demand_s = timed(lambda: query_targets(read_search_queries(args.catalog / "search_log")))
    truth = truth_table(args.catalog)
    lines = ["| attributes | topics (head/tail) | mean feed | topics time | feed SQL | Python oracle | "
             "precision | P@10 | precision, all attrs required |", "|---|---|---|---|---|---|---|---|---|"]
    topics, truth_result = grade("index `attributes` (truth)", loaded.attributes, targets, settings, truth, lines)
    vlm_topics, vlm_result = grade("raw VLM via lexicon", vlm_attributes(args.catalog), targets, settings, truth, lines)

    big = replicate(loaded.attributes, args.scale)
    n_big = len({a.item_id for a in big})
    big_feeds, big_s = timed(build_feeds_sql, topics, big, settings)
    print(json.dumps({"scale_items": n_big, "topics": len(topics), "feed_sql_s": round(big_s, 3),
                      "feed_rows": len(big_feeds)}))

    summary = [
        f"# Collections benchmark ({loaded.items} items, {args.home}; min_support {settings.min_support}, "
        f"feed size {settings.feed_size}, min_overlap {settings.min_overlap})",
        f"Read attributes {read_s:.2f} s; parse demand of {sum(targets.values())} searches naming a category: {demand_s:.2f} s.",
        *lines,
        f"Feed SQL at {n_big:,} items (catalog replicated), {len(topics)} topics: {big_s:.2f} s, {len(big_feeds):,} rows.",
        f"P@10 per family (VLM source): {vlm_result['precision@10_per_family']}",
    ]
    args.summary.write_text("\n".join(summary) + "\n", encoding="utf-8")
    print("\n".join(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
