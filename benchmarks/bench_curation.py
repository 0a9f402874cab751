"""Measure vocabulary curation on a sample catalog: distinct values per stage, surface forms per canonical
value, and the precision of curated attributes against the catalog's ground truth.

    python benchmarks/bench_curation.py --catalog /tmp/s3000 [--threshold 0.2] [--min-support N] [--no-texts] [--no-profile]

Curates as `workbench attributes run` does, with the items' titles, descriptions and tags as texts.

Precision per family: the share of curated (item, family, value) attributes of product items whose value
names the item's true value. A canonical surface form counts as naming the true value when it is one of
that value's synonyms in the sample vocabulary (sample_data/vocabulary.toml) — an evaluation-only table
the curation itself never reads.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # runnable from a checkout without installing

import pandas as pd  # noqa: E402

from engine.attributes.curate import CurationSettings, curate, curated_attributes, surface_forms  # noqa: E402
from engine.attributes.curate_keys import normalise_key, normalise_value  # noqa: E402
from engine.attributes.extract import get_extractor  # noqa: E402
from engine.models.text_encoder import load_text_encoder  # noqa: E402
from sample_data.vocabulary import load_vocabulary  # noqa: E402


def true_value_of() -> dict[tuple[str, str], str]:
    """(family, surface form) -> the sample vocabulary's value it names."""
    vocab = load_vocabulary()
    return {(f.name, s.lower()): v.name for f in vocab.families.values() for v in f.values for s in (v.name, *v.synonyms)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalog", type=Path, required=True, help="sample folder with items.parquet, vlm_attributes.jsonl")
    parser.add_argument("--threshold", type=float, default=CurationSettings().threshold)
    parser.add_argument("--min-support", type=int, default=None)
    parser.add_argument("--no-texts", action="store_true",
                        help="curate without the items' texts (no text, profile or text-spelling stages)")
    parser.add_argument("--no-profile", action="store_true", help="turn off the text-profile stage (synonyms)")
    args = parser.parse_args(argv)
    extractor = get_extractor("jsonl", path=args.catalog / "vlm_attributes.jsonl")
    raw = list(extractor.extract())
    import pyarrow.parquet as pq

    rows = pq.read_table(args.catalog / "items.parquet", columns=["item_id", "title", "description", "tags"]).to_pylist()
    texts = None if args.no_texts else {  # as `workbench attributes run` passes them: title, description, tags
        r["item_id"]: " ".join([r["title"] or "", r["description"] or "", *(r["tags"] or [])]) for r in rows}
    settings = CurationSettings(args.min_support, threshold=args.threshold,
                                profile_similarity=0.0 if args.no_profile else CurationSettings().profile_similarity)
    vocabulary = curate(raw, load_text_encoder().encode, settings, texts=texts)
    curated = curated_attributes(raw, vocabulary)
    print(f"raw: {extractor.report.items} items, {extractor.report.pairs} pairs, "
          f"{len({(a.key, a.value) for a in raw})} distinct (key, value), {extractor.report.malformed} malformed")
    stages = list(vocabulary.stages)
    print("distinct values per family after each stage (threshold %.2f):" % args.threshold)
    print(f"{'family':<9} " + " ".join(f"{s:>10}" for s in stages) + "  truth  forms/canonical  raw precision  curated precision  n")
    truth_table = pd.read_parquet(args.catalog / "items.parquet")
    truth_table = truth_table[truth_table["kind"] == "product"].set_index("item_id")
    names = true_value_of()
    forms = surface_forms(vocabulary)
    key_family = {k: f for f, keys in vocabulary.keys.get("families", {}).items() for k in keys}  # learned from the keys

    def family_of(key: str) -> str | None:
        return key_family.get(normalise_key(key))

    print("learned families: " + "; ".join(f"{f} <- {', '.join(k)}" for f, k in vocabulary.keys["families"].items()))
    for family in load_vocabulary().family_names:
        counts = [vocabulary.stages[s].get(f"after.{family}", "-") for s in stages]
        per_canonical = [len(v) for (f, _), v in forms.items() if f == family]
        graded = [(a, truth_table.at[a.item_id, family]) for a in curated
                  if a.family == family and a.item_id in truth_table.index]
        right = sum(1 for a, truth in graded if names.get((family, a.value)) == truth)
        raw_graded = {(a.item_id, normalise_value(a.value)) for a in raw
                      if family_of(a.key) == family and a.item_id in truth_table.index}
        raw_right = sum(1 for item, value in raw_graded if names.get((family, value)) == truth_table.at[item, family])
        print(f"{family:<9} " + " ".join(f"{c:>10}" for c in counts)
              + f"  {truth_table[family].nunique():>5}  {sum(per_canonical) / max(1, len(per_canonical)):>15.2f}"
              f"  {raw_right / max(1, len(raw_graded)):>13.3f}  {right / max(1, len(graded)):>17.3f}  {len(graded)}")
    routes = Counter(vocabulary.mapping.values())
    print(f"raw (key, value) routes per canonical value: mean {sum(routes.values()) / len(routes):.2f}, "
          f"max {max(routes.values())} ({max(routes, key=routes.get)[0]}/{max(routes, key=routes.get)[1]})")
    merged = Counter(len(v) for v in forms.values())
    print("surface forms per canonical value: " + ", ".join(f"{k} forms: {n}" for k, n in sorted(merged.items())))
    print("largest merges: " + "; ".join(f"{f}/{c} <- {', '.join(v)}" for (f, c), v in
                                          sorted(forms.items(), key=lambda kv: -len(kv[1]))[:5]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
