"""Topics: attribute tuples (a product type plus one to three others) that enough items share, weighted by
demand, or by supply when there is no search log.

Proposal counts, for every item, every tuple of its product type (the vocabulary's product-type family) and
1..max_attributes of its other attributes (one value per family), and keeps tuples carried whole by at least
min_support items. Demand comes from the search log (demand.py); the head is the smallest set of heaviest
topics holding head_share of the weight mass, everything else (all zero-demand topics included) is the
tail. A user's catalog usually comes without a log: topics are then weighted by supply (their support, the
items carrying them), so that the head is what the catalog has most of.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from itertools import combinations, product

from engine.attributes.records import ItemAttribute
from engine.collections.demand import QueryTargets, demand_table
from engine.collections.errors import CollectionsError
from engine.collections.records import Attributes, CollectionSettings, Topic, topic_id_of
from engine.collections.titles import topic_title
from engine.collections.vocabulary_roles import product_type_of
from engine.vocabulary import Vocabulary

Judge = Callable[[Mapping[str, str], str], float]  # (attributes, title) -> score in 0..1, higher is better


def item_families(attributes: Sequence[ItemAttribute], min_confidence: float = 0.0) -> dict[str, dict[str, set[str]]]:
    """item_id -> family -> values, keeping attributes with confidence >= min_confidence."""
    out: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for a in attributes:
        if not isinstance(a, ItemAttribute):
            raise CollectionsError(f"item attributes must be ItemAttribute records, got {type(a).__name__} {a!r:.80}")
        if a.confidence >= min_confidence:
            out[a.item_id][a.family].add(a.value)
    return out


def count_supports(attributes: Sequence[ItemAttribute], product_type: str, max_attributes: int = 3,
                   min_confidence: float = 0.0) -> Counter:
    """Attributes tuple (sorted (family, value) pairs) -> number of items carrying all of it."""
    counts: Counter = Counter()
    for families in item_families(attributes, min_confidence).values():
        nouns = sorted(families.get(product_type, ()))
        if not nouns:
            continue  # an item without a product type belongs to no topic
        others = sorted(f for f in families if f != product_type)
        for size in range(1, max_attributes + 1):
            for chosen in combinations(others, size):
                for values in product(*(sorted(families[f]) for f in chosen)):
                    pairs = tuple(zip(chosen, values))
                    for noun in nouns:
                        counts[tuple(sorted(((product_type, noun), *pairs)))] += 1
    return counts


def label_tiers(demands: Mapping[str, int], head_share: float) -> dict[str, str]:
    """topic_id -> "head" | "tail": head is the shortest heaviest prefix (ties by id) reaching head_share of the weight.

    The weight is demand, or support when topics are weighted by supply.
    """
    total = sum(demands.values())
    tiers, before = {}, 0
    for topic_id, demand in sorted(demands.items(), key=lambda kv: (-kv[1], kv[0])):
        tiers[topic_id] = "head" if demand > 0 and before < head_share * total else "tail"
        before += demand
    return tiers


def _judged(judge: Judge, attributes: Attributes, title: str) -> float:
    score = judge(dict(attributes), title)
    if isinstance(score, bool) or not isinstance(score, (int, float)) or not 0.0 <= float(score) <= 1.0:
        raise CollectionsError(f"the topic judge scored {title!r} as {score!r}; a judge must return a number in 0..1")
    return float(score)


def weighting_of(targets: QueryTargets | None) -> str:
    """"demand" when there is a search log (even one no query of which names a topic), else "supply"."""
    return "supply" if targets is None else "demand"


def propose_topics(attributes: Sequence[ItemAttribute], vocab: Vocabulary,
                   settings: CollectionSettings = CollectionSettings(), targets: QueryTargets | None = None,
                   judge: Judge | None = None) -> list[Topic]:
    """Topics with support >= min_support (and judge score >= min_judge_score with a judge), heaviest first.

    `targets` None means no search log: tiers and order come from support (weighted by supply).
    """
    noun = product_type_of(vocab)
    supports = count_supports(attributes, noun, settings.max_attributes, settings.min_confidence)
    demands = demand_table(targets or Counter(), noun, settings.max_attributes)
    by_supply = weighting_of(targets) == "supply"
    kept = []
    for attrs, support in supports.items():
        if support < settings.min_support:
            continue
        title = topic_title(dict(attrs), vocab)
        score = _judged(judge, attrs, title) if judge is not None else None
        if score is not None and score < settings.min_judge_score:
            continue
        demand, exact = demands.get(frozenset(attrs), (0, 0))
        kept.append((topic_id_of(attrs), title, attrs, support, demand, exact, score))
    tiers = label_tiers({k[0]: k[3] if by_supply else k[4] for k in kept}, settings.head_share)
    topics = [Topic(tid, title, attrs, support, demand, exact, tiers[tid], score)
              for tid, title, attrs, support, demand, exact, score in kept]
    return sorted(topics, key=lambda t: (-t.demand, -t.support, t.topic_id))
