"""SearchSage: training time, held-out Recall@10 learned vs the MiniLM baseline, the enrichment ablation, and the
query-embedding cache's hit rate over the log's queries replayed in time order.

    python benchmarks/bench_searchsage.py --home /tmp/ws_copy --search-log /tmp/s3000/search_log

Writes into --home (the checkpoint and the learned_vec column): give it a copy of a workspace. The baseline,
measured in the same run on the same held-out pairs and corpus, is MiniLM's query vector against MiniLM's
vector of the item's text at the same enrichment level (engaged queries from the training window only).
The ablation retrains at each level (the seed's Table 4): each row adds to the one above.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # runnable from a checkout without installing


def cache_hit_rates(log, ttls, capacity: int) -> list[tuple[float, float]]:
    """(ttl, hit rate) of a QueryEmbeddingCache replaying the log's queries in time order, the log's clock as time."""
    from engine.models.searchsage.query_cache import QueryEmbeddingCache

    seconds = (log.searches["ts"] - log.searches["ts"].iloc[0]).dt.total_seconds().tolist()
    out = []
    for ttl in ttls:
        now = [0.0]
        cache = QueryEmbeddingCache(capacity=capacity, ttl_seconds=ttl, clock=lambda: now[0])
        for t, query in zip(seconds, log.searches["query"]):
            now[0] = t
            cache.get_or_compute(query, lambda: 1)
        out.append((ttl, cache.hit_rate))
    return out


def main(argv=None) -> int:
    from engine.index.store import open_items_table
    from engine.models.searchsage.data import load_search_log
    from engine.models.searchsage.train import SearchSageSettings
    from engine.models.searchsage.workspace_train import enrichment_ablation, prepare, train_workspace
    from engine.models.text_encoder import load_text_encoder
    from engine.workspace import Workspace

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--home", type=Path, required=True, help="a COPY of an indexed workspace (it is written to)")
    p.add_argument("--search-log", type=Path, required=True)
    p.add_argument("--epochs", type=int, default=SearchSageSettings().epochs)
    p.add_argument("--threads", type=int, default=SearchSageSettings().threads,
                   help="torch threads while training (1 is faster on a busy shared machine)")
    p.add_argument("--no-ablation", action="store_true", help="skip the two extra trainings of the ablation")
    p.add_argument("--cache-capacity", type=int, default=1024)
    args = p.parse_args(argv)

    workspace = Workspace(args.home.resolve())
    settings = replace(SearchSageSettings(), epochs=args.epochs, threads=args.threads)
    text = load_text_encoder()
    t0 = time.perf_counter()
    prepared = prepare(open_items_table(workspace), args.search_log, text, settings)
    prep_s = time.perf_counter() - t0
    report = train_workspace(workspace, args.search_log, settings, text, prepared=prepared)
    print(f"## SearchSage on {len(prepared.item_ids)} items, {report.pairs['query_item']} query-item / "
          f"{report.pairs['query_query']} query-query training pairs, {report.pairs['held_out']} held-out pairs, "
          f"corpus {report.metrics['corpus']}\n")
    print(f"prepare (read, split, MiniLM of {len(prepared.query_index)} queries): {prep_s:.1f}s; "
          f"training ({settings.epochs} epochs, {settings.threads} threads): {report.seconds:.1f}s; "
          f"train+measure+write: {report.total_seconds:.1f}s\n")
    base, learned = report.metrics["baseline_recall@10"], report.metrics["recall@10"]
    print("| model | Recall@10 | vs baseline |\n|---|---|---|")
    print(f"| MiniLM baseline (query vs item text) | {base:.3f} | 1.00x |")
    print(f"| SearchSage learned | {learned:.3f} | {learned / base:.2f}x |\n")

    if not args.no_ablation:
        print("| item text | baseline Recall@10 | learned Recall@10 | learned vs previous row | train s |")
        print("|---|---|---|---|---|")
        previous = None
        for row in enrichment_ablation(prepared, settings, text, done=report.measured):
            change = "" if previous is None else f"{row.learned_recall / previous - 1:+.0%}"
            print(f"| {row.level} | {row.baseline_recall:.3f} | {row.learned_recall:.3f} | {change} | "
                  f"{row.train_seconds:.0f} |")
            previous = row.learned_recall
        print()

    log = load_search_log(args.search_log)
    counts = log.searches["query"].value_counts()
    print(f"query cache replay: {len(log.searches)} searches, {len(counts)} distinct queries, top query "
          f"{counts.iloc[0]}x, capacity {args.cache_capacity}\n")
    print("| TTL | hit rate |\n|---|---|")
    for ttl, rate in cache_hit_rates(log, (60.0, 600.0, 3600.0, 86400.0), args.cache_capacity):
        print(f"| {ttl:.0f}s | {rate:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
