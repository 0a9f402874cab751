"""The query-set template offered on the Admin page: one query of each type, in the lines `eval export-queries` writes."""

from __future__ import annotations

import json

from labels import QueryRecord
from workbench.commands.eval import query_line

TEMPLATE_FILE = "query_set_template.jsonl"
PLACEHOLDER_ITEM = "ITEM-ID"  # when the workspace has no catalog yet; replace it with one of your item ids


def template_records(item_id: str | None = None) -> list[QueryRecord]:
    """One query of each type (text, pivot, descriptor, image), the image ones referring to `item_id`."""
    item = item_id or PLACEHOLDER_ITEM
    return [
        QueryRecord("q-text-1", "template", "text", "red striped summer dress"),
        QueryRecord("q-pivot-1", "template", "pivot", "in black", item),
        QueryRecord("q-descriptor-1", "template", "descriptor", "the pattern of this", item, None, (0.1, 0.1, 0.9, 0.9)),
        QueryRecord("q-image-1", "template", "image", None, item),
    ]


def query_template(item_id: str | None = None) -> str:
    """The template as JSONL text ({"query_id", "text", "item", "crop", "mode"} a line), ready to download."""
    return "".join(json.dumps(query_line(record), ensure_ascii=False) + "\n" for record in template_records(item_id))


def example_item(workspace) -> str | None:
    """A catalog item id of the workspace for the template's image queries, or None before anything is ingested."""
    from workbench.search_state import image_paths

    try:
        ids = image_paths(workspace)
    except (FileNotFoundError, ValueError):
        return None
    return min(ids) if ids else None
