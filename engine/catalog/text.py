"""Clean the text a user gives: one Unicode form, no invisible characters that break display or matching."""

from __future__ import annotations

import re
import unicodedata

from engine.catalog.problems import RowError

MAX_ITEM_ID_CHARS = 200

# C0 and C1 controls except \t and \n (\r\n is folded to \n first), DEL, bidi embeddings/overrides
# (U+202A-U+202E) and isolates (U+2066-U+2069), which can make shown text lie about what it says,
# zero-width space / word joiner, and a BOM left inside a field. ZWJ and ZWNJ (U+200C, U+200D) stay:
# emoji sequences and several scripts need them.
_UNWANTED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b\u2060\ufeff]")


def clean_text(value: str) -> str:
    """NFC-normalised text without control, bidi-override or zero-width characters; emoji, CJK, accents kept."""
    value = value.replace("\r\n", "\n")
    return _UNWANTED.sub("", unicodedata.normalize("NFC", value))


def clean_optional_text(value: str | None) -> str | None:
    """clean_text, stripped; None when nothing is left."""
    if value is None:
        return None
    value = clean_text(value).strip()
    return value or None


def clean_item_id(value: str) -> str:
    """A usable item id, or a RowError that says why not."""
    item_id = clean_text(value).strip()
    if not item_id:
        raise RowError("item_id", "item_id is empty", "give every row a non-empty item_id")
    if len(item_id) > MAX_ITEM_ID_CHARS:
        raise RowError(
            "item_id",
            f"item_id {item_id[:40]!r}… has {len(item_id)} characters, more than {MAX_ITEM_ID_CHARS}",
            f"shorten the id to at most {MAX_ITEM_ID_CHARS} characters",
        )
    if "\n" in item_id or "\t" in item_id:
        # Ids are written to line- and tab-separated files (TREC runs, qrels), where these split a record.
        raise RowError("item_id", f"item_id {item_id!r} contains a tab or line break",
                       "remove tabs and line breaks from the id")
    return item_id
