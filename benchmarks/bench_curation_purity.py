"""Curation against a generated catalog's truth, in any domain: values per family, their purity, wrong merges.

    python benchmarks/bench_curation_purity.py --catalog /tmp/s1500
    python benchmarks/bench_curation_purity.py --catalog /tmp/home600 --family-map "product type=category" --merge-contained

Curates the catalog's `vlm_attributes.jsonl` as `workbench attributes curate` does (items' titles,
descriptions and tags as texts, MiniLM for clustering), then, per learned family: how many values it keeps
against the number of true values its items carry, and the purity of the curated attributes (over every
curated (item, family, value), the share whose value's items mostly carry the same true value: a value that
mixes two true values lowers it), and the merges across true values (a raw form on five or more items whose
items mostly carry another true value than the value it was merged into: red merged into orange). `--family-map LEARNED=TRUTH` names a truth column for a learned family whose
name differs (the home sample's VLM calls its product type "product type", the truth column is "category").
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # runnable from a checkout without installing


def main(argv=None) -> int:
    import pyarrow.parquet as pq

    from engine.attributes.curate import CurationSettings, curate, curated_attributes
    from engine.attributes.extract import read_raw
    from engine.models.text_encoder import load_text_encoder

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalog", type=Path, required=True, help="a generated catalog folder")
    parser.add_argument("--family-map", default="", help="LEARNED=TRUTH,... for families named otherwise")
    parser.add_argument("--merge-contained", action="store_true", help="turn on the contained-value stage")
    parser.add_argument("--no-cooccurrence", action="store_true", help="turn off the co-occurrence stage")
    parser.add_argument("--no-profile", action="store_true", help="turn off the text-profile stage (synonyms)")
    args = parser.parse_args(argv)
    fmap = dict(pair.split("=", 1) for pair in args.family_map.split(",") if pair)
    rows = pq.read_table(args.catalog / "items.parquet").to_pylist()
    truth = {r["item_id"]: r for r in rows}
    texts = {r["item_id"]: " ".join([r["title"] or "", r["description"] or "", *(r["tags"] or [])]) for r in rows}
    raw = list(read_raw(args.catalog / "vlm_attributes.jsonl"))
    d = CurationSettings()
    settings = CurationSettings(contained=args.merge_contained,
                                cooccurrence_share=0.0 if args.no_cooccurrence else d.cooccurrence_share,
                                profile_similarity=0.0 if args.no_profile else d.profile_similarity)
    vocab = curate(raw, load_text_encoder().encode, settings, texts=texts)
    carried: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    for a in curated_attributes(raw, vocab):
        true = truth.get(a.item_id, {}).get(fmap.get(a.family, a.family))
        if isinstance(true, str):
            carried[a.family][a.value][true] += 1
    print(f"| family | values kept | true values | purity |\n|---|---:|---:|---:|")
    totals = [0, 0, 0, 0]
    for family, values in carried.items():
        n = sum(sum(c.values()) for c in values.values())
        pure = sum(max(c.values()) for c in values.values())
        true_values = len({t for c in values.values() for t in c})
        print(f"| {family} | {len(vocab.families.get(family, []))} | {true_values} | {pure / n:.3f} |")
        totals = [totals[0] + len(vocab.families.get(family, [])), totals[1] + true_values, totals[2] + pure,
                  totals[3] + n]
    print(f"| all | {totals[0]} | {totals[1]} | {totals[2] / max(1, totals[3]):.3f} |")
    merged = {(f, v): [] for f, vs in vocab.families.items() for v in vs}
    for (_, form), target in vocab.mapping.items():
        if target in merged and form and form != target[1]:
            merged[target].append(form)
    # a merge across true values: a raw form (on >= 5 items) whose items mostly carry another true value than
    # the items of the value it was merged into
    from engine.attributes.curate_keys import normalise_key, normalise_value

    form_items: dict = defaultdict(Counter)
    for a in raw:
        target = vocab.mapping.get((normalise_key(a.key), normalise_value(a.value)))
        true = truth.get(a.item_id, {}).get(fmap.get(target[0], target[0])) if target else None
        if isinstance(true, str):
            form_items[(target, normalise_value(a.value))][true] += 1
    wrong = [f"{t[0]}/{form} ({c.most_common(1)[0][0]}) -> {t[1]} ({carried[t[0]][t[1]].most_common(1)[0][0]})"
             for (t, form), c in form_items.items() if sum(c.values()) >= 5
             and c.most_common(1)[0][0] != carried[t[0]][t[1]].most_common(1)[0][0]]
    print(f"merges across true values (raw forms on >= 5 items): {len(wrong)}" + (": " + "; ".join(wrong) if wrong else ""))
    print("merged forms: " + "; ".join(f"{f}/{v} <- {', '.join(sorted(set(m)))}" for (f, v), m in merged.items() if m))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
