"""A catalog of another domain, end to end: home goods with families the fashion sample never had.

    python benchmarks/bench_domain.py --n 3000 --out /tmp/bench_home
    python benchmarks/bench_domain.py --n 600 --out /tmp/bench_home --source columns --json

From an empty workspace, through the commands a user runs (each timed): `generate-sample --domain home`
(not counted), `ingest` of the catalog's CSV, `index`, then the vocabulary and attributes from the user's
own data: `attributes run --input vlm_attributes.jsonl` (source "vlm": families learned from the VLM's
keys) or `vocabulary from-columns` (source "columns": the CSV's attribute columns). Then, graded from the
generator's ground truth:

- pivot understanding: the share of pivot queries whose target family and value the workspace lexicon reads
  right. The phrasings are the home generator's own words (its synonyms and spellings, not the learned
  vocabulary's), in two template sets: `seen` (the forms the vocabulary's pivots use) and `held_out`
  (phrasings no stage of the project writes), so that tuning to one's own templates shows;
- pivot success@5: the share of pivot queries whose top 5 hold an item with the asked-for value in the
  reference's product type, per config, against the text-only `baseline` in the same run;
- collections Precision@10: `collections build`, each feed's top 10 graded by whether the item truly has
  every attribute of its topic.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import random
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # runnable from a checkout without installing

FAMILIES = ("color", "material", "room", "style")  # the home truth's families a pivot may change
PRODUCT = "category"  # the home truth's product-type column
SEEN = {"color": ("in {v}",), "material": ("in {v}",), "room": ("in {v}",), "style": ("in {v}",)}
HELD_OUT = {
    "color": ("make it {v}", "the same but {v}", "{v} instead", "could it be {v}"),
    "material": ("make it {v}", "made of {v}", "in {v} instead", "a {v} one"),
    "room": ("for the {v}", "for my {v}", "something for the {v}", "{v} version"),
    "style": ("more {v}", "{v} style", "make it {v}", "a {v} take on this"),
}
CONFIGS = ("baseline", "no_early_fusion")


def cli(argv: list[str]) -> tuple[int, str, float]:
    """Run one `workbench` command in this process; its exit code, output and seconds."""
    from workbench.cli import main

    out = io.StringIO()
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(out):
        code = main(argv)
    return code, out.getvalue(), time.perf_counter() - t0


def must(argv: list[str], seconds: dict, label: str) -> str:
    code, out, took = cli(argv)
    seconds[label] = round(took, 1)
    print(f"[{label}] {took:.1f}s", file=sys.stderr, flush=True)
    if code != 0:
        raise SystemExit(f"`workbench {' '.join(argv)}` exited {code}:\n{out}")
    return out


def pivot_queries(truth: dict[str, dict], n_refs: int, seed: int) -> list[dict]:
    """(reference, family, target value, phrasing, template set) for random references and families."""
    from sample_data.home.vocabulary import load_home_vocabulary

    words = load_home_vocabulary()
    rng = random.Random(seed)
    refs = rng.sample(sorted(truth), min(n_refs, len(truth)))
    out = []
    for ref in refs:
        for family in FAMILIES:
            values = [v for v in words.families[family].names if v != truth[ref][family]]
            target = rng.choice(values)
            form = rng.choice(words.forms(family, target))
            for kind, templates in (("seen", SEEN), ("held_out", HELD_OUT)):
                out.append({"item": ref, "family": family, "target": target, "kind": kind,
                            "text": rng.choice(templates[family]).format(v=form)})
    return out


def run(args) -> dict:
    import pyarrow.parquet as pq

    from engine.pipeline.config import load_config
    from engine.pipeline.context import SearchContext
    from engine.pipeline.search import search
    from engine.query.parse import parse_query_text
    from engine.records import Query
    from engine.workspace import Workspace

    out = Path(args.out)
    if out.exists():
        shutil.rmtree(out)
    catalog, home = out / "catalog", out / "ws"
    seconds: dict[str, float] = {}
    must(["generate-sample", "--domain", "home", "--n", str(args.n), "--seed", str(args.seed), "--out", str(catalog)],
         seconds, "generate")
    must(["ingest", "--home", str(home), "--images", str(catalog), "--metadata", str(catalog / "items.csv")],
         seconds, "ingest")
    must(["index", "--home", str(home)], seconds, "index")
    if args.source == "vlm":
        must(["attributes", "run", "--home", str(home), "--input", str(catalog / "vlm_attributes.jsonl")],
             seconds, "attributes")
    else:
        must(["vocabulary", "from-columns", "--home", str(home), "--columns", ",".join(FAMILIES),
              "--product-type", PRODUCT], seconds, "vocabulary")
        must(["index", "--home", str(home)], seconds, "reindex")  # the attribute columns under the new vocabulary
    seconds["empty_to_searchable"] = round(sum(v for k, v in seconds.items() if k != "generate"), 1)

    truth = {r["item_id"]: r for r in pq.read_table(catalog / "items.parquet").to_pylist()}
    workspace = Workspace(home)
    context = SearchContext.open(workspace)
    vocab = context.vocabulary

    # The learned families are named after the user's keys ("product type" for the truth's "category"): map
    # each truth family to the learned family whose surface forms cover most of its true values.
    fmap = {}
    for family in (*FAMILIES, PRODUCT):
        values = {r[family] for r in truth.values() if r[family]}
        scores = {f.name: sum(vocab.canonical(f.name, v) is not None for v in values) for f in vocab.families}
        if scores and max(scores.values()) > 0:
            fmap[family] = max(scores, key=scores.get)

    def learned(family: str, value: str) -> tuple[str, str] | None:
        """The workspace vocabulary's (family, value) for a truth value, by the family map and the value's forms."""
        name = fmap.get(family)
        canonical = vocab.canonical(name, value) if name and value else None
        return (name, canonical) if canonical else None

    truth_family = {v: k for k, v in fmap.items()}

    queries = pivot_queries(truth, args.refs, args.seed)
    understood = {"seen": [], "held_out": []}
    for q in queries:
        want = learned(q["family"], q["target"])
        parsed = parse_query_text(q["text"], context.lexicon)
        understood[q["kind"]].append(want is not None and parsed.targets.get(want[0]) == want[1])

    success = {name: {"seen": [], "held_out": []} for name in CONFIGS}
    latency = {name: [] for name in CONFIGS}
    for name in CONFIGS:
        config = load_config(name, workspace)
        for q in queries:
            t0 = time.perf_counter()
            response = search(context, Query(text=q["text"], item_id=q["item"]), config, k=5)
            latency[name].append(time.perf_counter() - t0)
            ref = truth[q["item"]]
            hit = any(truth[r.item_id][q["family"]] == q["target"] and truth[r.item_id][PRODUCT] == ref[PRODUCT]
                      for r in response.results[:5] if r.item_id in truth)
            success[name][q["kind"]].append(hit)

    must(["collections", "build", "--home", str(home)], seconds, "collections")
    _, listing, _ = cli(["collections", "list", "--home", str(home), "--json"])
    precisions, families = [], {}
    for line in listing.splitlines():
        topic = json.loads(line)
        items = topic["items"][:10]
        if not items:
            continue
        good = [all(f in truth_family and learned(truth_family[f], truth[i].get(truth_family[f]) or "") == (f, v)
                    for f, v in topic["attributes"].items())
                for i in items if i in truth]
        precisions.append(sum(good) / len(items))
        for f in topic["attributes"]:
            families.setdefault(f, []).append(precisions[-1])

    def share(xs):
        return round(sum(xs) / len(xs), 3) if xs else None

    report = {
        "items": args.n, "source": args.source, "vocabulary": {f.name: len(f.values) for f in vocab.families},
        "product_type": vocab.product_type, "family_map": fmap, "seconds": seconds, "queries": len(queries),
        "understood": {k: share(v) for k, v in understood.items()},
        "success@5": {name: {k: share(v) for k, v in s.items()} for name, s in success.items()},
        "p50_ms": {name: round(1000 * sorted(v)[len(v) // 2], 1) for name, v in latency.items()},
        "collections": {"topics": len(precisions), "precision@10": share(precisions),
                        "per_family": {f: share(v) for f, v in sorted(families.items())}},
    }
    for name in CONFIGS[1:]:
        report[f"{name}_over_baseline@5"] = {
            k: (round(share(success[name][k]) / share(success["baseline"][k]), 2)
                if share(success["baseline"][k]) else None) for k in ("seen", "held_out")}
    return report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=3000, help="catalog items (default 3000)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--refs", type=int, default=40, help="reference products for pivot queries (default 40)")
    parser.add_argument("--source", choices=("vlm", "columns"), default="vlm",
                        help="where the vocabulary comes from: the VLM key/value file, or the CSV's columns")
    parser.add_argument("--out", required=True, help="a scratch folder (deleted and remade)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    report = run(args)
    if args.json:
        print(json.dumps(report))
    else:
        print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
