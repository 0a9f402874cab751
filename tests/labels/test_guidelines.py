"""The rating guidelines live in labels/guidelines/*.md, are loaded by a migration and served from the store."""

from __future__ import annotations

from pathlib import Path

import pytest

import labels

GUIDELINES = Path(labels.__file__).with_name("guidelines")


@pytest.mark.parametrize("mode", ["graded", "binary"])
def test_guideline_is_the_markdown_file(store, mode):
    assert store.guideline(mode) == (GUIDELINES / f"{mode}.md").read_text(encoding="utf-8")


def test_graded_guideline_defines_every_level_and_the_worked_examples(store):
    text = store.guideline("graded")
    for level in ("| **4** | Excellent", "| **3** | Good", "| **2** | Fair", "| **1** | Bad", "| **0** | Irrelevant"):
        assert level in text
    for example in ("blue denim jacket", '"in black"', "the color palette of this", "Text-only query"):
        assert example in text


def test_binary_guideline_covers_queries_and_collections(store):
    text = store.guideline("binary")
    assert "Does this result match the query?" in text
    assert "does the product have every attribute named in the title?" in text


def test_unknown_mode(store):
    with pytest.raises(ValueError, match=r"unknown rating mode 'stars'; known modes are graded, binary"):
        store.guideline("stars")
