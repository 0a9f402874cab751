"""`workbench collections`: build shopping collections (topics and feeds) and list them, over the workspace's
vocabulary; a workspace without a search log weighs topics by supply."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from workbench.commands.common import home_option, int_at_least, positive_int, unit_interval, workspace_from

DEFAULT_JUDGE, NO_JUDGE = "default", "none"


def register(sub: argparse._SubParsersAction) -> None:
    from engine.collections.records import CollectionSettings

    d = CollectionSettings()
    parser = sub.add_parser("collections", help="shopping collections: topics from item attributes, and their feeds",
                            description="Topics (a product type plus one to three other attributes, in the "
                            "families of WORKSPACE/vocabulary.toml) proposed from co-occurring item attributes and "
                            "weighted by search demand, or by supply (the items carrying them) when there is no "
                            "search log, each with a feed of products built by SQL. Stored under "
                            "WORKSPACE/collections/.")
    commands = parser.add_subparsers(dest="collections_command", metavar="SUBCOMMAND", required=True)

    build = commands.add_parser("build", parents=[home_option()], help="propose topics and build their feeds",
                                description="Read item attributes (tagged_attributes, else attributes) from the "
                                "items table and demand from a search log if there is one (else topics are weighted "
                                "by supply); write topics.parquet, feeds.parquet and manifest.json (with the "
                                "vocabulary's hash) under WORKSPACE/collections/.")
    build.add_argument("--search-log", type=Path, default=None,
                       help="folder with searches.parquet (a `query` column); default: the sample's, if present; "
                            "without one, topics are weighted by supply")
    build.add_argument("--min-support", type=positive_int, default=d.min_support,
                       help=f"items that must carry a topic's whole attribute tuple (default {d.min_support})")
    build.add_argument("--max-attributes", type=int, choices=(1, 2, 3), default=d.max_attributes,
                       help=f"other attributes besides the product type in a topic (default {d.max_attributes})")
    build.add_argument("--min-confidence", type=unit_interval, default=d.min_confidence,
                       help=f"ignore item attributes below this confidence (default {d.min_confidence})")
    build.add_argument("--head-share", type=unit_interval, default=d.head_share,
                       help=f"share of demand mass held by the head topics (default {d.head_share})")
    build.add_argument("--min-overlap", type=positive_int, default=d.min_overlap,
                       help="other attributes of a topic a feed item must share, at most all (default "
                       f"{d.min_overlap}); the product type always must")
    build.add_argument("--feed-size", type=positive_int, default=d.feed_size,
                       help=f"products kept per topic (default {d.feed_size})")
    build.add_argument("--judge", default=DEFAULT_JUDGE,
                       help=f"topic judge ('{DEFAULT_JUDGE}': offline, co-occurrence and title heuristics; "
                       f"'transformers': a local LLM; '{NO_JUDGE}': no judging)")
    build.add_argument("--min-judge-score", type=unit_interval, default=d.min_judge_score,
                       help=f"drop topics the judge scores below this (default {d.min_judge_score})")
    build.add_argument("--json", action="store_true", help="print the build report as JSON")
    build.set_defaults(run=run_build)

    show = commands.add_parser("list", parents=[home_option()], help="list the built collections",
                               description="The built collections, most demanded (or, without a search log, most "
                               "supplied) first. --json prints one object "
                               'a line: {"topic_id", "title", "attributes", "items"} with the feed in rank order.')
    show.add_argument("--json", action="store_true", help="one JSON object a line (the contract)")
    show.add_argument("--limit", type=int_at_least(0), default=None, help="show at most N collections")
    show.add_argument("--tier", choices=("head", "tail"), default=None, help="only head or only tail topics")
    show.set_defaults(run=run_list)


def _judge(name: str, workspace):
    """(callable, name) for --judge, or (None, None) for --judge none. The offline judge's co-occurrence
    statistics come from the same item attributes the topics are proposed from."""
    if name == NO_JUDGE:
        return None, None
    from engine.attributes.judge import JUDGES, get_judge
    from engine.collections.sources import item_attributes

    if name not in JUDGES:
        raise ValueError(f"unknown --judge {name!r}; known judges are {', '.join(JUDGES)} and {NO_JUDGE}")
    judge = get_judge(name, attributes=item_attributes(workspace).attributes)
    return (lambda attributes, title: judge.score(attributes, title).overall), getattr(judge, "name", name)


def run_build(args: argparse.Namespace) -> int:
    from engine.collections.build import build_collections
    from engine.collections.records import CollectionSettings
    from engine.vocabulary import load_workspace_vocabulary

    workspace = workspace_from(args)
    vocab = load_workspace_vocabulary(workspace.root)
    settings = CollectionSettings(min_support=args.min_support, max_attributes=args.max_attributes,
                                  min_confidence=args.min_confidence, head_share=args.head_share,
                                  min_overlap=args.min_overlap, feed_size=args.feed_size,
                                  min_judge_score=args.min_judge_score)
    search_log = args.search_log
    if search_log is None and (workspace.sample_dir / "search_log").is_dir():
        search_log = workspace.sample_dir / "search_log"
    judge, judge_name = _judge(args.judge, workspace)
    report = build_collections(workspace, vocab, settings, search_log, judge, judge_name)
    print(json.dumps(report.to_dict()) if args.json else report.summary())
    return 0


def _notes(workspace) -> list[str]:
    """What a reader of the list should know: supply weighting, and a vocabulary changed since the build."""
    from engine.collections.storage import load_manifest, recorded_vocabulary
    from engine.vocabulary import load_workspace_vocabulary, stale_stages

    notes = []
    if load_manifest(workspace).get("weighting") == "supply":
        notes.append("topics weighted by supply (built without a search log): ordered by the items carrying them")
    vocab = load_workspace_vocabulary(workspace.root)
    if not vocab.is_empty():
        notes += [s.message(vocab.hash) for s in stale_stages(vocab, recorded_vocabulary(workspace))]
    return notes


def run_list(args: argparse.Namespace) -> int:
    from engine.collections.storage import load_collections

    workspace = workspace_from(args)
    collections = load_collections(workspace)
    for note in _notes(workspace):
        print(f"note: {note}", file=sys.stderr)
    if args.tier:
        collections = [c for c in collections if c.topic.tier == args.tier]
    if args.limit is not None:
        collections = collections[: args.limit]
    if args.json:
        for c in collections:
            print(json.dumps(c.to_dict()))
        return 0
    width = max([len(c.topic.title) for c in collections] + [5])
    print(f"{'title':<{width}}  tier  demand  support  items  topic_id")
    for c in collections:
        t = c.topic
        print(f"{t.title:<{width}}  {t.tier:<4}  {t.demand:>6}  {t.support:>7}  {len(c.items):>5}  {t.topic_id}")
    return 0
