"""What the tagger learns, read from the workspace's vocabulary: its families and values, its product type.

The curated positives (curated.jsonl) name curation's canonical values; the workspace vocabulary may
have been edited since (values merged, renamed, dropped), so each positive is mapped through the
vocabulary's surface forms. Positives whose family or value the vocabulary no longer has are counted
and left out. The tagger tags the vocabulary's families that have positives, in vocabulary order, and
always keeps its top value of the product-type family (every product has one).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from engine.attributes.records import ItemAttribute
from engine.attributes.tagger import TaggerSettings


@dataclass(frozen=True)
class TaggerVocabulary:
    families: dict[str, list[str]]  # family -> values with positives, in vocabulary order
    positives: list[ItemAttribute]  # mapped onto the vocabulary's canonical values, one per (item, family, value)
    always_top_families: tuple[str, ...]  # the product-type family when it is tagged
    vocabulary_hash: str  # the workspace vocabulary's hash (recorded in the checkpoint)
    left_out: dict[str, int] = field(default_factory=dict)  # "family" / "value" -> positives not in the vocabulary


def tagger_vocabulary(vocab, positives: Sequence[ItemAttribute]) -> TaggerVocabulary:
    """Map positives onto `vocab` (an engine.vocabulary.Vocabulary) and pick the families to tag."""
    mapped, seen, left_out = [], set(), {"family": 0, "value": 0}
    for p in positives:
        if p.family not in vocab:
            left_out["family"] += 1
            continue
        value = vocab.canonical(p.family, p.value)
        if value is None:
            left_out["value"] += 1
            continue
        if (p.item_id, p.family, value) not in seen:
            seen.add((p.item_id, p.family, value))
            mapped.append(ItemAttribute(p.item_id, p.family, value, p.confidence))
    present = {(p.family, p.value) for p in mapped}
    families = {f.name: [v for v in f.names if (f.name, v) in present] for f in vocab.families}
    families = {f: vs for f, vs in families.items() if vs}
    if not families:
        raise ValueError(f"none of the {len(positives)} curated positives names a family and value of the workspace "
                         f"vocabulary ({', '.join(vocab.family_names) or 'empty'}); rerun `workbench attributes run` "
                         "or check `workbench vocabulary show`")
    top = (vocab.product_type,) if vocab.product_type in families else ()
    return TaggerVocabulary(families, mapped, top, vocab.hash, {k: v for k, v in left_out.items() if v})


def settings_for(settings: TaggerSettings | None, tv: TaggerVocabulary) -> TaggerSettings:
    """The tagger settings with `always_top_families` set to the vocabulary's product type."""
    return replace(settings or TaggerSettings(), always_top_families=tv.always_top_families)
