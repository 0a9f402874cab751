"""Time topic generation and feed SQL on an indexed workspace, and grade the feeds against ground truth.

    python benchmarks/bench_collections.py --home /tmp/ws3000 --catalog /tmp/s3000 --out /tmp/ws_coll

The workspace is read only: its LanceDB folder is copied to --out, where the collections are written.
Reports topics (head/tail), mean feed size, the SQL feed time beside the brute-force Python oracle in the
same run (and checks they agree), SQL time on the catalog replicated to --scale items, and feed precision:
the share of feed items (all of a feed, and its top 10) whose true attributes (the catalog's items.parquet)
match every attribute of the topic. Two attribute sources are graded: the index's `attributes` column
(ground truth, so precision only measures partial matches padding short feeds) and the raw VLM output of
vlm_attributes.jsonl read through the query lexicon (a noisy, uncurated extraction); a third, the pipeline's
real output, is the tagger's `tagged_attributes` column (when the workspace has one).

The seed's baseline is graded beside them: collections built the old, query-driven way, one per distinct
attribute set that the search log's queries ask for (a category plus at least one other attribute, as
demand.py parses them), its feed the `text` CG's top 10 for the most frequent query of that set. One
table then shows each method's topic count and Precision@10 overall and per family, beside the seed's
0.84 -> 0.96 and its 4x topic count. `--sweep` adds rows for the tagger's attributes under other settings
(feed items must carry every attribute of the topic, each at least that confident). `--home100k` (an indexed 100,000-item workspace) also times the
baseline's feeds at that scale, beside the feed SQL on the replicated attributes.
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
from engine.vocabulary import Vocabulary, load_workspace_vocabulary, read_vocabulary_file  # noqa: E402
from engine.workspace import Workspace  # noqa: E402

VOCAB: Vocabulary | None = None  # the workspace's vocabulary, set by main()


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

    families = VOCAB.family_names
    rows = pq.read_table(catalog / "items.parquet", columns=["item_id", *families]).to_pylist()
    return {r["item_id"]: {f: r[f] for f in families if r[f] is not None} for r in rows}


def vlm_attributes(catalog: Path, scenes: set[str] = frozenset()) -> list[ItemAttribute]:
    """Raw VLM key-value output, each value read through the query lexicon (values it does not know dropped);
    `scenes` left out."""
    from engine.query.lexicon import lexicon_for

    lexicon, out = lexicon_for(VOCAB), []
    for line in (catalog / "vlm_attributes.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["item_id"] in scenes:
            continue
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


SEED_BASELINE_P10, SEED_PINLANDING_P10, SEED_TOPIC_RATIO = 0.84, 0.96, 4.0  # PinLanding: query-driven -> content-first


def scene_ids(workspace: Workspace) -> set[str]:
    """Items of kind "scene" (outfit photos): collections leave them out (engine/collections/sources.py)."""
    from engine.index.store import open_items_table, read_columns

    table = open_items_table(workspace)
    if "kind" not in table.schema.names:
        return set()
    return {r["item_id"] for r in read_columns(table, ["item_id", "kind"]).to_pylist() if r["kind"] == "scene"}


def column_attributes(workspace: Workspace, column: str) -> list[ItemAttribute]:
    """Product attributes of one column: `attributes` (truth, a JSON object) or `tagged_attributes` (the
    tagger's); scene photos left out, as the build does."""
    from engine.collections.sources import _rows_from_tagged, _rows_from_truth
    from engine.index.store import open_items_table, read_columns

    table = open_items_table(workspace)
    if column not in table.schema.names:
        return []
    parse = _rows_from_tagged if column == "tagged_attributes" else _rows_from_truth
    scenes = scene_ids(workspace)
    return [a for r in read_columns(table, ["item_id", column]).to_pylist() if r["item_id"] not in scenes
            for a in parse(r["item_id"], r[column])]


def baseline_queries(queries: list[str], max_attributes: int) -> dict[frozenset, tuple[str, int]]:
    """Query-driven topics: parsed target set -> (its most frequent query text, searches), for sets holding a
    category and 1..max_attributes other attributes (the sets demand.py gives demand to)."""
    from collections import Counter

    from engine.query.lexicon import lexicon_for
    from engine.query.parse import parse_query_text

    noun = VOCAB.product_type
    lexicon, best = lexicon_for(VOCAB), {}
    for text, n in Counter(str(q).strip().casefold() for q in queries).most_common():
        targets = frozenset(parse_query_text(text, lexicon).targets.items())
        others = sum(f != noun for f, _ in targets)
        if any(f == noun for f, _ in targets) and 1 <= others <= max_attributes:
            query, count = best.get(targets, (text, 0))
            best[targets] = (query, count + n)
    return best


def text_cg_feeds(context, topics, k: int = 10, chunk: int = 512, skip: set[str] = frozenset()):
    """Feeds of the query-driven baseline: the `text` CG's top k for each topic's query (items in `skip`, the
    scene photos, passed over as the content-first feeds leave them out).

    The queries' MiniLM vectors are computed in batches first and put in the context's vector cache
    (one query at a time costs about 100x more per query on a busy CPU); the CG then finds them there.
    """
    from types import SimpleNamespace

    from engine.generators.registry import get_generator
    from engine.query.lexicon import lexicon_for
    from engine.query.parse import parse_query_text
    from engine.query.understand import understood_query
    from engine.records import Query

    cg, lexicon, feeds = get_generator("text"), lexicon_for(VOCAB), []
    params = cg.check_params({})
    for start in range(0, len(topics), chunk):
        part = topics[start:start + chunk]
        understood = [understood_query(Query(text=t.title), parse_query_text(t.title, lexicon), {}) for t in part]
        texts = [u.enriched_text for u in understood]
        for text, vector in zip(texts, context.text_encoder.encode(texts)):
            context._remember(("text", "minilm", text), vector)  # what cached_text_vector stores
        for t, u in zip(part, understood):
            kept = [item for item, _ in cg.run(context, u, params, k + 3 * k * bool(skip)) if item not in skip][:k]
            feeds += [SimpleNamespace(topic_id=t.topic_id, rank=r, item_id=item) for r, item in enumerate(kept, 1)]
    return feeds


def grade_baseline(workspace: Workspace, queries: list[str], settings, truth, home100k: Path | None):
    """(topics, P@10, per-family P@10, seconds for all feeds at this size, seconds at 100k or None)."""
    from types import SimpleNamespace

    from engine.pipeline.context import SearchContext

    sets = baseline_queries(queries, settings.max_attributes)
    topics = [SimpleNamespace(topic_id=f"q{n}", title=q, attributes=tuple(sorted(s)))
              for n, (s, (q, _)) in enumerate(sorted(sets.items(), key=lambda kv: (-kv[1][1], kv[1][0])))]
    context = SearchContext.open(workspace)
    text_cg_feeds(SearchContext.open(workspace, context.clip, context.text_encoder), topics[:5])  # warm up
    feeds, seconds = timed(text_cg_feeds, context, topics, skip=scene_ids(workspace))
    p10, per_family = precision(topics, feeds, truth, 10)
    big_s = None
    if home100k is not None:
        big = SearchContext.open(Workspace(home100k), context.clip, context.text_encoder)
        text_cg_feeds(big, topics[:5])  # loads the 100k x 384 matrix
        big.cache.clear()  # the timed run embeds the queries again, like the 3,000-item one
        _, big_s = timed(text_cg_feeds, big, topics)
    return topics, p10, per_family, seconds, big_s


def seed_table(rows: list[dict], baseline_topics: int) -> list[str]:
    """Method | topics (x baseline) | P@10 | per family, beside the seed's figures."""
    families = sorted({f for r in rows for f in r["per_family"]})
    out = ["| method | topics | topics vs baseline | P@10 | " + " | ".join(families) + " |",
           "|---|---|---|---|" + "---|" * len(families)]
    for r in rows:
        out.append(f"| {r['method']} | {r['topics']} | {r['topics'] / max(baseline_topics, 1):.1f}x | "
                   f"{r['p10']:.3f} | " + " | ".join(f"{r['per_family'][f]:.3f}" if f in r["per_family"] else "-"
                                                    for f in families) + " |")
    out.append(f"| seed (PinLanding): query-driven baseline -> content-first | {SEED_TOPIC_RATIO:.0f}x topics | | "
               f"{SEED_BASELINE_P10} -> {SEED_PINLANDING_P10} | " + " | ".join("" for _ in families) + " |")
    return out


def replicate(attributes: list[ItemAttribute], n_items: int) -> list[ItemAttribute]:
    """The attributes copied under new item ids until about n_items items."""
    items = len({a.item_id for a in attributes})
    copies = max(1, round(n_items / items))
    return [ItemAttribute(f"{a.item_id}~{c}", a.family, a.value, a.confidence) for c in range(copies) for a in attributes]


def grade(name, attributes, targets, settings, truth, lines):
    topics, topic_s = timed(propose_topics, attributes, VOCAB, settings, targets)
    feeds, sql_s = timed(build_feeds_sql, topics, attributes, VOCAB.product_type, settings, repeat=3)
    oracle, oracle_s = timed(feeds_oracle, topics, attributes, VOCAB.product_type, settings)
    same = [(f.topic_id, f.rank, f.item_id) for f in feeds] == [(f.topic_id, f.rank, f.item_id) for f in oracle]
    strict = CollectionSettings(**{**settings.__dict__, "min_overlap": settings.max_attributes})
    strict_feeds = build_feeds_sql(topics, attributes, VOCAB.product_type, strict)
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
    parser.add_argument("--min-confidence", type=float, default=CollectionSettings().min_confidence,
                        help="item attributes below this confidence are ignored (topics' support and feeds)")
    parser.add_argument("--min-overlap", type=int, default=CollectionSettings().min_overlap,
                        help="attributes of a topic a feed item must share (max-attributes: all of them)")
    parser.add_argument("--sweep", default="",
                        help="MIN_SUPPORT:MIN_CONFIDENCE,... settings to grade the tagger's source with (all "
                             "attributes required), e.g. 10:0,3:0.85,2:0.9: topics against P@10 per family")
    parser.add_argument("--home100k", type=Path, default=None,
                        help="an indexed 100,000-item workspace (e.g. /tmp/ws100k) to time the baseline's feeds at scale")
    args = parser.parse_args(argv)

    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    shutil.copytree(args.home / "lancedb", args.out / "lancedb")
    workspace = Workspace(args.out)
    settings = CollectionSettings(min_support=args.min_support, min_confidence=args.min_confidence,
                                  min_overlap=args.min_overlap)
    global VOCAB
    VOCAB = load_workspace_vocabulary(args.home)
    if VOCAB.is_empty():
        VOCAB = read_vocabulary_file(args.catalog / "vocabulary.toml")

    report = build_collections(workspace, VOCAB, settings, args.catalog / "search_log")
    print(report.summary())
    loaded, read_s = timed(item_attributes, workspace)
    queries = read_search_queries(args.catalog / "search_log")
    targets, demand_s = timed(lambda: query_targets(queries, VOCAB))
    truth = truth_table(args.catalog)
    lines = ["| attributes | topics (head/tail) | mean feed | topics time | feed SQL | Python oracle | "
             "precision | P@10 | precision, all attrs required |", "|---|---|---|---|---|---|---|---|---|"]
    truth_attributes = column_attributes(workspace, "attributes")
    topics, truth_result = grade("index `attributes` (truth)", truth_attributes, targets, settings, truth, lines)
    vlm_topics, vlm_result = grade("raw VLM via lexicon", vlm_attributes(args.catalog, scene_ids(workspace)), targets, settings, truth, lines)
    results = [truth_result, vlm_result]
    tagged = column_attributes(workspace, "tagged_attributes")
    if tagged:
        results.append(grade("tagger `tagged_attributes`", tagged, targets, settings, truth, lines)[1])
    sweep = []
    for spec in filter(None, args.sweep.split(",")):
        support, confidence = spec.split(":")
        strict = CollectionSettings(min_support=int(support), min_confidence=float(confidence),
                                    min_overlap=settings.max_attributes)
        swept = propose_topics(tagged, VOCAB, strict, targets)
        swept_feeds = build_feeds_sql(swept, tagged, VOCAB.product_type, strict)
        p10, per_family = precision(swept, swept_feeds, truth, 10)
        sweep.append({"method": f"tagger, min_support {support}, min_confidence {confidence}, all attributes",
                      "topics": len(swept), "p10": p10, "per_family": per_family,
                      "mean_feed": round(len(swept_feeds) / max(len(swept), 1), 1)})
        print(json.dumps(sweep[-1]), flush=True)
    base_topics, base_p10, base_family, base_s, base_big_s = grade_baseline(workspace, queries, settings, truth,
                                                                            args.home100k)
    rows = [{"method": "baseline: `text` CG top 10 per search-log query set", "topics": len(base_topics),
             "p10": base_p10, "per_family": base_family}]
    rows += [{"method": f"topics + feed SQL, {r['source']}", "topics": r["topics"], "p10": r["precision@10"],
              "per_family": r["precision@10_per_family"]} for r in results]
    rows += sweep
    print(json.dumps({"baseline_topics": len(base_topics), "baseline_p10": round(base_p10, 3),
                      "baseline_p10_per_family": base_family, "baseline_feeds_s": round(base_s, 3),
                      "baseline_feeds_100k_s": None if base_big_s is None else round(base_big_s, 3)}))

    big = replicate(truth_attributes, args.scale)
    n_big = len({a.item_id for a in big})
    big_feeds, big_s = timed(build_feeds_sql, topics, big, VOCAB.product_type, settings)
    print(json.dumps({"scale_items": n_big, "topics": len(topics), "feed_sql_s": round(big_s, 3),
                      "feed_rows": len(big_feeds)}))

    summary = [
        f"# Collections benchmark ({loaded.items} items, {args.home}; min_support {settings.min_support}, "
        f"feed size {settings.feed_size}, min_overlap {settings.min_overlap})",
        f"Read attributes {read_s:.2f} s; parse demand of {sum(targets.values())} searches naming a category: {demand_s:.2f} s.",
        *lines,
        f"Feed SQL at {n_big:,} items (catalog replicated), {len(topics)} topics: {big_s:.2f} s, {len(big_feeds):,} rows.",
        f"P@10 per family (VLM source): {vlm_result['precision@10_per_family']}",
        "",
        "Precision@10 against the query-driven baseline (grading: the catalog's true attributes, items.parquet):",
        *seed_table(rows, len(base_topics)),
        f"Feed construction for all topics: baseline (`text` CG, {len(base_topics)} queries) {base_s:.2f} s at "
        f"{loaded.items:,} items" + (f", {base_big_s:.2f} s at 100,000 items ({args.home100k})" if base_big_s
                                      is not None else "") + f"; feed SQL ({len(topics)} topics) "
        f"{truth_result['feed_sql_s']:.2f} s at {loaded.items:,} items, {big_s:.2f} s at {n_big:,} items.",
    ]
    args.summary.write_text("\n".join(summary) + "\n", encoding="utf-8")
    print("\n".join(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
