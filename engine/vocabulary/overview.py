"""What `workbench vocabulary show` and the Admin page display: families, values with item counts, stale stages."""

from __future__ import annotations

from engine.vocabulary.counts import workspace_value_counts
from engine.vocabulary.stale import stale_stages
from engine.vocabulary.workspace_file import HOW_TO_GET_ONE, load_workspace_vocabulary, vocabulary_path


def recorded_hashes(workspace) -> dict[str, str | None]:
    """stage -> the vocabulary hash it recorded, for the stages this workspace has made: the index's attributes
    column, the tagger, the collections and the workspace's own early-fusion model."""
    from engine.attributes.tagger_checkpoint import recorded_vocabulary_hash
    from engine.collections.storage import recorded_vocabulary as collections_vocabulary
    from engine.index.build import index_vocabulary_hash
    from engine.index.store import open_items_table
    from engine.models.fusion.loader import recorded_vocabulary as fusion_vocabulary

    recorded = {}
    try:
        table = open_items_table(workspace, create=False)
    except (FileNotFoundError, ValueError):
        table = None
    if table is not None and "attributes" in table.schema.names:
        recorded["index"] = index_vocabulary_hash(table)
    exists, tagger = recorded_vocabulary_hash(workspace)
    if exists:
        recorded["tagger"] = tagger
    recorded.update(collections_vocabulary(workspace))
    recorded.update(fusion_vocabulary(workspace))
    return recorded


def vocabulary_overview(workspace) -> dict:
    """The workspace vocabulary as plain data: hash, source, product type, families with values and item counts
    (per source: "catalog" from the metadata's columns, "tagged" from the tagger), and the stale stages."""
    vocab = load_workspace_vocabulary(workspace.root)
    if vocab.is_empty():
        return {"path": str(vocabulary_path(workspace.root)), "hash": None, "families": [], "message": HOW_TO_GET_ONE,
                "stale": []}
    counts = workspace_value_counts(workspace, vocab)
    sources = counts.sources if counts else ()
    families = [{"name": f.name, "visible": f.visible, "pivot": f.pivot, "aspects": list(f.aspects),
                 "product_type": f.name == vocab.product_type,
                 "values": [{"name": v.name, "forms": list(v.forms),
                             "items": {s: counts.of(f.name, v.name, s) for s in sources}} for v in f.values]}
                for f in vocab.families]
    stale = [{"stage": s.stage, "recorded": s.recorded_hash, "command": s.command, "message": s.message(vocab.hash)}
             for s in stale_stages(vocab, recorded_hashes(workspace))]
    return {"path": str(vocabulary_path(workspace.root)), "hash": vocab.hash, "source": vocab.source,
            "product_type": vocab.product_type, "item_count_sources": list(sources),
            "items": counts.items if counts else 0, "families": families, "stale": stale}
