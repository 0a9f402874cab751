"""The search benchmark's query set: pivots, descriptors and object-level crops over held-out sample items.

References are the items the sample open_clip model did not train on (engine.models.training.pairs'
held-out split, 10% by a hash of the item id), so the benchmark does not reward memorised images.
Pivots change one visual family (mostly color and pattern) to a value that gives at least one perfect
answer in the catalog; descriptors name one visual family of the reference; crops take an object's box
in a held-out scene, graded against the attributes of the product in that box. Texts come from varied
templates filled with the query lexicon's surface forms (the fashion workspace vocabulary: synonyms + query_forms.toml).
Two template sets: the tuning set (`templates="tuning"`, what the benchmark has always drawn) and a held-out set
(`templates="held_out"`) of other phrasings, never to be tuned against. A held-out query set has the same
references, families and targets as the tuning set of the same seed, only its texts are rephrased, so the two are
compared query by query: a gain that holds only on the tuning phrasings is tuning to them.
Everything is drawn from one seed, so the same catalog and seed give the same queries.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from engine.query.lexicon import lexicon_for, lexicon_phrases
from engine.records import Query
from sample_data.relevance import PIVOT_KEPT, descriptor_grade, load_sample_truth, pivot_grade

KINDS = ("pivot", "descriptor", "crop")  # the report's rows (plus "all")
INTENTS = ("pivot", "descriptor")  # which grade applies; a crop query is one of them
HOLDOUT_FRACTION = 0.1  # the sample model's split (ClipTrainSettings.holdout_fraction)
PIVOT_FAMILY_WEIGHTS = {"color": 3, "pattern": 2, "material": 1}  # "mostly color and pattern"
DESCRIPTOR_FAMILY_WEIGHTS = {"color": 1, "pattern": 1, "material": 1}

PIVOT_TEMPLATES: dict[str, tuple[str, ...]] = {
    "color": ("in {v}", "make it {v}", "{v} instead", "same but in {v}", "can i get this in {v}",
              "{v} please", "i want it {v}", "but {v}"),
    "pattern": ("with {v}", "make it {v}", "{v} instead", "same but {v}", "in a {v} print", "{v} version",
                "but {v}"),
    "material": ("in {v}", "made of {v}", "{v} instead", "same but in {v}", "make it {v}", "but in {v}"),
}
DESCRIPTOR_TEMPLATES = ("the {a}", "same {a}", "similar {a}", "{a} like this", "love this {a}", "matching {a}",
                        "more with this {a}", "show me this {a}", "keep the {a}")

# Held out: do not tune query understanding or weights against these (see the module docstring).
HELD_OUT_PIVOT_TEMPLATES: dict[str, tuple[str, ...]] = {
    "color": ("do you have this in {v}", "looking for a {v} one", "this one but {v} please", "any {v} ones",
              "could it be {v}", "{v} would be better", "prefer it in {v}"),
    "pattern": ("do you have a {v} one", "looking for {v}", "this but {v} please", "any {v} ones",
                "would love it {v}", "{v} would be better"),
    "material": ("do you have this in {v}", "looking for one in {v}", "is there a {v} one", "would love it in {v}",
                 "prefer {v}", "{v} would be better"),
}
HELD_OUT_DESCRIPTOR_TEMPLATES = ("find the same {a}", "what else has this {a}", "i like the {a} here",
                                 "{a} just like the photo", "want that {a}", "things with this {a}",
                                 "anything with a {a} like this")
TEMPLATE_SETS = ("tuning", "held_out")


class QuerySetError(ValueError):
    """A catalog or setting from which the requested query set cannot be drawn."""


@dataclass(frozen=True)
class BenchQuery:
    """One benchmark query and what grading it needs."""

    query_id: str  # "pivot-000", "descriptor-000", "crop-000"
    kind: str  # one of KINDS: the report's row
    intent: str  # one of INTENTS: which grade applies
    query: Query  # what goes through the pipeline
    reference_id: str  # the product graded against: the reference item, or the product in the crop's box
    family: str  # the family the text changes (pivot) or names (descriptor)
    target: str | None  # the pivot's new value; None for a descriptor

    def grade(self, truth: Mapping[str, Mapping[str, str]], item_id: str) -> int:
        """The 0..4 grade of one catalog item (sample_data.relevance: pivot_grade or descriptor_grade)."""
        item = truth.get(item_id, {})
        reference = truth[self.reference_id]
        if self.intent == "pivot":
            return pivot_grade(reference, self.family, self.target, item)
        return descriptor_grade(reference, self.family, item)

    def excluded(self) -> str | None:
        """The item the pipeline never returns for this query (the reference item or the scene itself)."""
        return self.query.item_id


def _phrases():
    from sample_data.workspace_vocabulary import fashion_vocabulary

    return lexicon_phrases(lexicon_for(fashion_vocabulary()))


def pivot_text(family: str, value: str, rng: random.Random, templates: str = "tuning") -> str:
    forms, _ = _phrases()
    chosen = (PIVOT_TEMPLATES if templates == "tuning" else HELD_OUT_PIVOT_TEMPLATES)[family]
    return rng.choice(chosen).format(v=rng.choice(forms.get((family, value), (value,))))


def descriptor_text(family: str, rng: random.Random, templates: str = "tuning") -> str:
    _, aspects = _phrases()
    chosen = DESCRIPTOR_TEMPLATES if templates == "tuning" else HELD_OUT_DESCRIPTOR_TEMPLATES
    return rng.choice(chosen).format(a=rng.choice(aspects.get(family, (family,))))


def rephrased(queries: list[BenchQuery], seed: int, templates: str) -> list[BenchQuery]:
    """The same queries with texts drawn from another template set (own random stream: the draws stay paired)."""
    from dataclasses import replace

    rng = random.Random(f"{templates}-{seed}")
    out = []
    for q in queries:
        text = (pivot_text(q.family, q.target, rng, templates) if q.intent == "pivot"
                else descriptor_text(q.family, rng, templates))
        out.append(replace(q, query=replace(q.query, text=text)))
    return out


def _family_order(weights: Mapping[str, float], rng: random.Random) -> list[str]:
    """The families in a weighted random order (without replacement)."""
    left = dict(weights)
    order = []
    while left:
        names = sorted(left)
        pick = rng.choices(names, [left[n] for n in names])[0]
        order.append(pick)
        del left[pick]
    return order


class _Catalog:
    """The products' visual attributes, indexed for "does a perfect pivot answer exist"."""

    def __init__(self, truth: Mapping[str, Mapping[str, str]]):
        self.truth = truth
        self.products = sorted(i for i, a in truth.items() if a.get("category"))
        self.count: dict[tuple, int] = defaultdict(int)
        self.values: dict[tuple[str, str], set[str]] = defaultdict(set)  # (category, family) -> values
        for i in self.products:
            self.count[self.key(truth[i])] += 1
            for f in PIVOT_KEPT:
                if truth[i].get(f):
                    self.values[(truth[i]["category"], f)].add(truth[i][f])

    @staticmethod
    def key(attributes: Mapping[str, str], family: str | None = None, value: str | None = None) -> tuple:
        return tuple(value if f == family else attributes.get(f) for f in ("category", *PIVOT_KEPT))

    def perfect_targets(self, reference: Mapping[str, str], family: str) -> list[str]:
        """Values of `family` other than the reference's for which some product has a grade of 4."""
        values = self.values.get((reference.get("category"), family), set())
        return sorted(v for v in values if v != reference.get(family) and self.count[self.key(reference, family, v)] > 0)


def held_out_ids(catalog_dir: Path, holdout_fraction: float = HOLDOUT_FRACTION) -> set[str]:
    """Items outside the sample model's training split, by the function that made the split."""
    from engine.models.training.pairs import load_pairs
    from sample_data.workspace_vocabulary import fashion_vocabulary

    pairs = load_pairs(Path(catalog_dir), fashion_vocabulary(), holdout_fraction=holdout_fraction)
    return {p.item_id for p in pairs if p.held_out}


def scene_boxes(catalog_dir: Path) -> list[tuple[str, tuple[int, int, int, int], str]]:
    """(scene id, box x0,y0,x1,y1, product id) for every object of every scene, in catalog order."""
    import pyarrow.parquet as pq

    table = pq.read_table(Path(catalog_dir) / "items.parquet", columns=["item_id", "kind", "objects"])
    boxes = []
    for row in table.to_pylist():
        if row.get("kind") == "scene":
            for o in row.get("objects") or []:
                boxes.append((row["item_id"], (int(o["x0"]), int(o["y0"]), int(o["x1"]), int(o["y1"])), o["item_id"]))
    return boxes


def _pivot(reference_id: str, reference: Mapping[str, str], catalog: _Catalog, rng: random.Random):
    """(family, target) with a perfect answer, families tried in weighted random order; None if there is none."""
    for family in _family_order(PIVOT_FAMILY_WEIGHTS, rng):
        targets = catalog.perfect_targets(reference, family)
        if targets:
            return family, rng.choice(targets)
    return None


def build_query_set(catalog_dir: str | Path, *, n: int = 300, n_crops: int = 48, seed: int = 0,
                    holdout_fraction: float = HOLDOUT_FRACTION, templates: str = "tuning") -> list[BenchQuery]:
    """n queries (half pivots, half descriptors; pivots get the odd one) plus n_crops crop queries.

    templates: "tuning" or "held_out" (the same queries, rephrased with the held-out templates)."""
    catalog_dir = Path(catalog_dir)
    if n < 2 or n_crops < 0:
        raise QuerySetError(f"n = {n}, n_crops = {n_crops}; expected n >= 2 and n_crops >= 0")
    if templates not in TEMPLATE_SETS:
        raise QuerySetError(f"unknown template set {templates!r}; expected one of {', '.join(TEMPLATE_SETS)}")
    truth = load_sample_truth(catalog_dir / "items.parquet")
    catalog = _Catalog(truth)
    held = held_out_ids(catalog_dir, holdout_fraction)
    references = [i for i in catalog.products if i in held]
    if not references:
        raise QuerySetError(f"{catalog_dir} has no held-out products at holdout_fraction {holdout_fraction}")
    rng = random.Random(seed)
    n_pivots, n_descriptors = n - n // 2, n // 2
    queries: list[BenchQuery] = []

    def add(kind, intent, query, reference_id, family, target):
        number = sum(1 for q in queries if q.kind == kind)
        queries.append(BenchQuery(f"{kind}-{number:03d}", kind, intent, query, reference_id, family, target))

    # Pivots: each held-out reference once, in shuffled order, then again (another draw) until n_pivots.
    order = references[:]
    rng.shuffle(order)
    used: set[tuple[str, str]] = set()
    for _round in range(len(PIVOT_KEPT)):
        for reference_id in order:
            if sum(1 for q in queries if q.kind == "pivot") >= n_pivots:
                break
            picked = _pivot(reference_id, truth[reference_id], catalog, rng)
            if picked is None or (reference_id, picked[0]) in used:
                continue
            used.add((reference_id, picked[0]))
            add("pivot", "pivot", Query(text=pivot_text(*picked, rng), item_id=reference_id), reference_id, *picked)
    if sum(1 for q in queries if q.kind == "pivot") < n_pivots:
        raise QuerySetError(f"only {len(used)} pivots with a perfect answer among {len(references)} held-out "
                            f"products; ask for a smaller --n than {n}")

    # Descriptors: each reference with one family, again in shuffled order.
    order = references[:]
    rng.shuffle(order)
    seen: set[tuple[str, str]] = set()
    for reference_id in order * len(PIVOT_KEPT):
        if sum(1 for q in queries if q.kind == "descriptor") >= n_descriptors:
            break
        family = next((f for f in _family_order(DESCRIPTOR_FAMILY_WEIGHTS, rng)
                       if (reference_id, f) not in seen and truth[reference_id].get(f)), None)
        if family is None:
            continue
        seen.add((reference_id, family))
        add("descriptor", "descriptor", Query(text=descriptor_text(family, rng), item_id=reference_id),
            reference_id, family, None)
    if sum(1 for q in queries if q.kind == "descriptor") < n_descriptors:
        raise QuerySetError(f"cannot draw {n_descriptors} descriptors from {len(references)} held-out products")

    # Crops: boxes of held-out scenes whose product is known; alternately a pivot and a descriptor.
    boxes = [b for b in scene_boxes(catalog_dir) if b[0] in held and b[2] in catalog.truth
             and catalog.truth[b[2]].get("category")]
    rng.shuffle(boxes)
    if len(boxes) < n_crops:
        raise QuerySetError(f"only {len(boxes)} object boxes in held-out scenes of {catalog_dir}; "
                            f"ask for n_crops <= {len(boxes)}")
    for scene_id, box, product_id in boxes[:n_crops]:
        reference = truth[product_id]
        wants_pivot = sum(1 for q in queries if q.kind == "crop") % 2 == 0
        picked = _pivot(product_id, reference, catalog, rng) if wants_pivot else None
        if picked is not None:
            text, intent, family, target = pivot_text(*picked, rng), "pivot", *picked
        else:
            family = rng.choice([f for f in sorted(DESCRIPTOR_FAMILY_WEIGHTS) if reference.get(f)])
            text, intent, target = descriptor_text(family, rng), "descriptor", None
        add("crop", intent, Query(text=text, item_id=scene_id, crop=tuple(float(c) for c in box)), product_id,
            family, target)
    return queries if templates == "tuning" else rephrased(queries, seed, templates)
