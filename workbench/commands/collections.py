"""`workbench collections`: build shopping collections (topics and feeds) and list them."""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

from workbench.commands.common import home_option, int_at_least, positive_int, workspace_from

JUDGE_MODULE = "engine.attributes.judge"
DEFAULT_JUDGE, NO_JUDGE = "default", "none"


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number in 0..1, got {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a number in 0..1, got {value}")
    return value


def register(sub: argparse._SubParsersAction) -> None:
    from engine.collections.records import CollectionSettings

    d = CollectionSettings()
    parser = sub.add_parser("collections", help="shopping collections: topics from item attributes, and their feeds",
                            description="Topics (a category plus one to three other attributes) proposed from "
                            "co-occurring item attributes and weighted by search demand, each with a feed of "
                            "products built by SQL on DuckDB. Stored under WORKSPACE/collections/.")
    commands = parser.add_subparsers(dest="collections_command", metavar="SUBCOMMAND", required=True)

    build = commands.add_parser("build", parents=[home_option()], help="propose topics and build their feeds",
                                description="Read item attributes (tagged_attributes, else attributes) from the "
                                "items table and demand from a search log; write topics.parquet, feeds.parquet "
                                "and manifest.json under WORKSPACE/collections/.")
    build.add_argument("--search-log", type=Path, default=None,
                       help="folder with searches.parquet (a `query` column); default: the sample's, if present")
    build.add_argument("--min-support", type=positive_int, default=d.min_support,
                       help=f"items that must carry a topic's whole attribute tuple (default {d.min_support})")
    build.add_argument("--max-attributes", type=int, choices=(1, 2, 3), default=d.max_attributes,
                       help=f"other attributes besides the category in a topic (default {d.max_attributes})")
    build.add_argument("--min-confidence", type=_share, default=d.min_confidence,
                       help=f"ignore item attributes below this confidence (default {d.min_confidence})")
    build.add_argument("--head-share", type=_share, default=d.head_share,
                       help=f"share of demand mass held by the head topics (default {d.head_share})")
    build.add_argument("--min-overlap", type=positive_int, default=d.min_overlap,
                       help="other attributes of a topic a feed item must share, at most all (default "
                       f"{d.min_overlap}); the category always must")
    build.add_argument("--feed-size", type=positive_int, default=d.feed_size,
                       help=f"products kept per topic (default {d.feed_size})")
    build.add_argument("--judge", default=DEFAULT_JUDGE,
                       help=f"topic judge of {JUDGE_MODULE} ('{DEFAULT_JUDGE}': its default judge when the module "
                       f"exists; '{NO_JUDGE}': no judging)")
    build.add_argument("--min-judge-score", type=_share, default=d.min_judge_score,
                       help=f"drop topics the judge scores below this (default {d.min_judge_score})")
    build.add_argument("--json", action="store_true", help="print the build report as JSON")
    build.set_defaults(run=run_build)

    show = commands.add_parser("list", parents=[home_option()], help="list the built collections",
                               description="The built collections, most demanded first. --json prints one object "
                               'a line: {"topic_id", "title", "attributes", "items"} with the feed in rank order.')
    show.add_argument("--json", action="store_true", help="one JSON object a line (the contract)")
    show.add_argument("--limit", type=int_at_least(0), default=None, help="show at most N collections")
    show.add_argument("--tier", choices=("head", "tail"), default=None, help="only head or only tail topics")
    show.set_defaults(run=run_list)


def judge_available() -> bool:
    """Whether the attribute pipeline's topic judge module is installed."""
    return importlib.util.find_spec(JUDGE_MODULE) is not None


def _judge(name: str):
    """(callable, name) for --judge, or (None, None); says on stderr when no judge module exists."""
    if name == NO_JUDGE:
        return None, None
    if not judge_available():
        if name != DEFAULT_JUDGE:
            raise ValueError(f"--judge {name!r} needs {JUDGE_MODULE}, which this install lacks; "
                             f"pass --judge {NO_JUDGE}")
        print(f"note: {JUDGE_MODULE} is not installed; topics are not judge-filtered", file=sys.stderr)
        return None, None
    from importlib import import_module

    get_judge = import_module(JUDGE_MODULE).get_judge
    judge = get_judge() if name == DEFAULT_JUDGE else get_judge(name)
    return judge.score, getattr(judge, "name", name)


def run_build(args: argparse.Namespace) -> int:
    from engine.collections.build import build_collections
    from engine.collections.records import CollectionSettings

    workspace = workspace_from(args)
    settings = CollectionSettings(min_support=args.min_support, max_attributes=args.max_attributes,
                                  min_confidence=args.min_confidence, head_share=args.head_share,
                                  min_overlap=args.min_overlap, feed_size=args.feed_size,
                                  min_judge_score=args.min_judge_score)
    search_log = args.search_log
    if search_log is None and (workspace.sample_dir / "search_log").is_dir():
        search_log = workspace.sample_dir / "search_log"
    judge, judge_name = _judge(args.judge)
    report = build_collections(workspace, settings, search_log, judge, judge_name)
    print(json.dumps(report.to_dict()) if args.json else report.summary())
    return 0


def run_list(args: argparse.Namespace) -> int:
    from engine.collections.storage import load_collections

    collections = load_collections(workspace_from(args))
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
