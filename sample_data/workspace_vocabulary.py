"""The fashion sample's workspace vocabulary: its ground-truth vocabulary plus the query-side forms and aspects.

`workbench generate-sample` writes it beside the catalog and `workbench demo` into the workspace, as one
instance of a workspace vocabulary among others (engine/vocabulary).
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from engine.vocabulary import AttributeFamily, AttributeValue, Vocabulary, phrase_key
from sample_data.vocabulary import load_vocabulary

QUERY_FORMS_PATH = Path(__file__).with_name("query_forms.toml")
FILE_NAME = "vocabulary.toml"  # the name it has beside a generated catalog and in a workspace
# Adjectives before the noun, as people write them; then style, season and occasion words.
WORD_ORDER = ("color", "pattern", "material", "category", "style", "season", "occasion")
VISIBLE = ("category", "color", "pattern", "material")  # drawn into the rendered photos
PIVOTS = {"category": "as a {}", "season": "for {}", "occasion": "for {}", "style": "in {} style"}


@lru_cache(maxsize=1)
def fashion_vocabulary() -> Vocabulary:
    """The sample's families in word order, each value with its synonyms and query forms (drops applied)."""
    sample = load_vocabulary()
    with QUERY_FORMS_PATH.open("rb") as fh:
        extra = tomllib.load(fh)
    drop = {phrase_key(p) for p in extra.get("drop", [])}
    families = []
    for name in WORD_ORDER:
        values = []
        for value in sample.family(name).values:
            seen = {phrase_key(value.name)}
            forms = []
            for form in (*value.synonyms, *extra.get("forms", {}).get(name, {}).get(value.name, ())):
                if phrase_key(form) not in seen and phrase_key(form) not in drop:
                    seen.add(phrase_key(form))
                    forms.append(form)
            values.append(AttributeValue(value.name, tuple(forms)))
        families.append(AttributeFamily(name, tuple(values), aspects=tuple(extra.get("aspects", {}).get(name, ())),
                                        visible=name in VISIBLE, pivot=PIVOTS.get(name, "in {}")))
    return Vocabulary(tuple(families), product_type="category", source="sample:fashion")
