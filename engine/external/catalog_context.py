"""A SearchContext without models, for batches that only call external systems (no encoder is loaded)."""

from __future__ import annotations

import json


def catalog_context(workspace):
    """The workspace's items and vocabulary in a SearchContext whose clip and text encoder are None."""
    from engine.index.build_marker import check_build_finished
    from engine.index.store import open_items_table, read_columns
    from engine.pipeline.context import SearchContext
    from engine.vocabulary import load_workspace_vocabulary

    check_build_finished(workspace)
    table = open_items_table(workspace)
    columns = [c for c in ("item_id", "image_path", "kind", "attributes") if c in table.schema.names]
    rows = read_columns(table, columns).to_pylist()  # a catalog ingested but not yet tagged has no attributes
    items = {r["item_id"]: dict(r, attributes=json.loads(r["attributes"]) if r.get("attributes") else {})
             for r in rows}
    return SearchContext(workspace, table, None, None, items, load_workspace_vocabulary(workspace.root))
