"""`workbench index`: enrich, embed and index the catalog in the LanceDB items table, incrementally."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import numpy as np
import pyarrow as pa

from engine.index.columns import (
    CLIP_TEXT_VEC,
    ENRICHED_TEXT,
    IMAGE_VEC,
    INDEX_KEY,
    LOAD_SPEC_KEY,
    MODEL_KEY,
    TEXT_VEC,
    check_model,
    derived_fields,
)
from engine.index.build_marker import clear_build_marker, mark_build_started, mark_rows_written
from engine.index.engagement import NO_ENGAGEMENT, Engagement, load_engagement
from engine.index.enriched_text import enriched_text
from engine.index.store import open_items_table, read_columns
from engine.index.vector_index import EXACT_LIMIT, VectorIndexPlan, choose_vector_index, index_config
from engine.vocabulary import Vocabulary, load_workspace_vocabulary
from engine.workspace import Workspace

VOCABULARY_KEY = "vocabulary_hash"  # field metadata of the attributes column: the vocabulary it was read with
READ_COLUMNS = ("item_id", "image_path", "title", "description", "tags", "board_titles", "extra")
COMPARED_COLUMNS = (ENRICHED_TEXT, "image_problem", "attributes", "attributes_source", "impressions", "clicks",
                    "long_clicks", "saves", "engagement", "engaged_queries")


@dataclass
class IndexReport:
    items: int = 0
    embedded_images: int = 0
    embedded_texts: int = 0
    unchanged: int = 0
    image_problems: list[tuple[str, str]] = field(default_factory=list)  # (item_id, why)
    plans: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        lines = [f"{self.items} items: {self.embedded_images} images and {self.embedded_texts} texts embedded, "
                 f"{self.unchanged} unchanged"]
        lines += [f"  {col}: {plan}" for col, plan in self.plans.items()]
        if self.image_problems:
            lines.append(f"{len(self.image_problems)} images could not be embedded (the items keep their text):")
            lines += [f"  {item}: {why}" for item, why in self.image_problems[:20]]
        lines.append("time: " + ", ".join(f"{k} {v:.1f}s" for k, v in self.seconds.items()))
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {"items": self.items, "embedded_images": self.embedded_images, "embedded_texts": self.embedded_texts,
                "unchanged": self.unchanged, "image_problems": self.image_problems, "plans": self.plans,
                "seconds": self.seconds}


def build_index(workspace: Workspace, clip, text_encoder, *, search_log: Path | None = None, rebuild: bool = False,
                exact_limit: int = EXACT_LIMIT, progress: bool = False, load_specs: dict | None = None,
                vocabulary: Vocabulary | None = None, embedder=None) -> IndexReport:
    """Embed rows whose vectors are missing (all rows with rebuild=True), then refresh the FTS and vector indexes.

    `load_specs` ({"clip": {...}, "text": {...}}) records how to load the models again, for search. The
    `attributes` column holds the catalog's own values of the vocabulary's families (the workspace's
    vocabulary unless given), as their canonical values. `embedder` (same call as `embed_in_process`, e.g.
    engine/index/ray_embed.py's RayEmbedder) embeds elsewhere; by default `clip` and `text_encoder` embed here.
    """
    if vocabulary is None:
        vocabulary = load_workspace_vocabulary(workspace.root)
    report = IndexReport()
    t0 = time.perf_counter()
    table = open_items_table(workspace)
    if not rebuild:
        for column, model in ((IMAGE_VEC, clip.identity), (CLIP_TEXT_VEC, clip.identity),
                              (TEXT_VEC, text_encoder.identity)):
            check_model(table.schema, column, model)
    _ensure_columns(table, clip.identity.dim, text_encoder.identity.dim, rebuild)
    engagement = load_engagement(search_log) if search_log else {}
    current = read_columns(table, [*READ_COLUMNS, *COMPARED_COLUMNS]).to_pylist()
    vec_present = _present(table, IMAGE_VEC), _present(table, TEXT_VEC)
    report.items = len(current)
    report.seconds["read"] = time.perf_counter() - t0

    rows_text, rows_image = [], []
    updates: dict[str, dict] = {}
    for row in current:
        item = row["item_id"]
        eng = engagement.get(item, NO_ENGAGEMENT)
        extra = json.loads(row["extra"]) if row["extra"] else {}
        text = enriched_text(row["title"], row["description"], row["tags"], row["board_titles"], eng.queries,
                             extra.get("caption"))
        update = {"item_id": item, ENRICHED_TEXT: text, **_engagement_columns(eng), **_attribute_columns(extra, vocabulary)}
        needs_text = rebuild or text != row[ENRICHED_TEXT] or item not in vec_present[1]
        needs_image = rebuild or (item not in vec_present[0] and not row["image_problem"])
        if needs_text:
            rows_text.append(item)
        if needs_image:
            rows_image.append(row)
        if needs_text or needs_image or any(update[k] != _comparable(row[k]) for k in update if k != "item_id"):
            updates[item] = update
    report.unchanged = report.items - len(updates)

    embed = embedder or partial(embed_in_process, clip, text_encoder)
    embedded = embed(workspace.root, {i: updates[i][ENRICHED_TEXT] for i in rows_text}, rows_image,
                     progress=progress, seconds=report.seconds)
    for item in rows_text:
        updates[item][CLIP_TEXT_VEC] = embedded.clip_text[item]
        updates[item][TEXT_VEC] = embedded.text[item]
    for item, vec in embedded.images.items():
        updates[item][IMAGE_VEC] = vec
        updates[item]["image_problem"] = None
    for item, why in embedded.problems:
        updates[item]["image_problem"] = why
    report.embedded_texts = len(rows_text)
    report.embedded_images, report.image_problems = len(embedded.images), embedded.problems

    t3 = time.perf_counter()
    mark_build_started(workspace)  # until cleared below, a search knows the table may be half-written
    _write(table, list(updates.values()), clip.identity.dim, text_encoder.identity.dim)
    _record_models(table, clip.identity, text_encoder.identity, load_specs or {})
    _set_field_metadata(table, "attributes", {VOCABULARY_KEY.encode(): vocabulary.hash.encode()})
    report.seconds["write"] = time.perf_counter() - t3

    t4 = time.perf_counter()
    from lancedb.index import FTS

    table.create_index(ENRICHED_TEXT, config=FTS(), replace=True)
    mark_rows_written(workspace)  # interrupted from here on, rows and BM25 are whole and a search may open
    for column, dim in ((IMAGE_VEC, clip.identity.dim), (CLIP_TEXT_VEC, clip.identity.dim),
                        (TEXT_VEC, text_encoder.identity.dim)):
        plan = choose_vector_index(table.count_rows(f"{column} IS NOT NULL"), dim, exact_limit=exact_limit)
        apply_plan(table, column, plan)
        report.plans[column] = plan.describe()
        if plan.kind != "exact":
            index_item_ids(table)
    report.seconds["indexes"] = time.perf_counter() - t4
    clear_build_marker(workspace)
    report.seconds["total"] = time.perf_counter() - t0
    return report


@dataclass
class Embedded:
    """What an embedder returns: item -> vector per column, and the images that could not be read."""

    clip_text: dict[str, np.ndarray] = field(default_factory=dict)  # CLIP_TEXT_VEC of every text given
    text: dict[str, np.ndarray] = field(default_factory=dict)  # TEXT_VEC of every text given
    images: dict[str, np.ndarray] = field(default_factory=dict)  # IMAGE_VEC of every readable image
    problems: list[tuple[str, str]] = field(default_factory=list)  # (item_id, why) of the unreadable ones


def embed_in_process(clip, text_encoder, root: Path, texts: dict[str, str], image_rows: Sequence[dict], *,
                     progress: bool, seconds: dict[str, float]) -> Embedded:
    """The local runner: texts ({item: enriched text}) then images ({"item_id", "image_path"} rows), here."""
    t1 = time.perf_counter()
    out = Embedded()
    if texts:
        items, values = list(texts), list(texts.values())
        out.clip_text = dict(zip(items, clip.encode_texts(values, progress=progress)))
        out.text = dict(zip(items, text_encoder.encode(values, progress=progress)))
    seconds["embed_texts"] = time.perf_counter() - t1
    t2 = time.perf_counter()
    out.images, out.problems = embed_images(clip, root, image_rows, progress=progress)
    seconds["embed_images"] = time.perf_counter() - t2
    return out


def embed_images(clip, root: Path, rows: Sequence[dict], *, progress: bool, chunk: int = 256):
    """Embed the rows' images; an unreadable image is reported, not fatal. Returns ({item: vec}, problems).

    A `clip` wrapped by engine/index/image_vector_cache.CachedImages gives the vector of an image file whose
    bytes it has cached; only the others are decoded and embedded."""
    from PIL import Image
    from tqdm import tqdm

    vectors: dict[str, np.ndarray] = {}
    problems: list[tuple[str, str]] = []
    cached = getattr(clip, "cached_image_vector", None)
    bar = tqdm(total=len(rows), desc="embed images", unit="img", disable=not progress)
    for start in range(0, len(rows), chunk):
        images, items = [], []
        for row in rows[start:start + chunk]:
            path = Path(root) / (row["image_path"] or "")
            if cached is not None and row["image_path"] and (vec := cached(path)) is not None:
                vectors[row["item_id"]] = vec
                continue
            try:
                with Image.open(path) as im:
                    images.append(im.convert("RGB"))
                items.append(row["item_id"])
            except (OSError, ValueError, Image.DecompressionBombError) as exc:
                problems.append((row["item_id"], f"cannot read {path}: {exc}"))
        if images:
            for item, vec in zip(items, clip.encode_images(images)):
                vectors[item] = vec
        bar.update(len(rows[start:start + chunk]))
    bar.close()
    return vectors, problems


def _comparable(value):
    """Stored floats come back as float64 and lists as lists: compare like with like."""
    return round(value, 12) if isinstance(value, float) else value


def _present(table, column: str) -> set[str]:
    return set(read_columns(table, ["item_id"], where=f"{column} IS NOT NULL").column("item_id").to_pylist())


def _ensure_columns(table, clip_dim: int, text_dim: int, rebuild: bool) -> None:
    fields = derived_fields(clip_dim, text_dim)
    vector_names = {IMAGE_VEC, CLIP_TEXT_VEC, TEXT_VEC}
    if rebuild:  # a new model may have another dimension: drop the old vectors and their metadata
        stale = [f.name for f in fields if f.name in vector_names and f.name in table.schema.names]
        if stale:
            table.drop_columns(stale)
    missing = [f for f in fields if f.name not in table.schema.names]
    if missing:
        table.add_columns(missing)


def _engagement_columns(eng: Engagement) -> dict:
    return {"impressions": eng.impressions, "clicks": eng.clicks, "long_clicks": eng.long_clicks,
            "saves": eng.saves, "engagement": round(eng.rate, 12), "engaged_queries": list(eng.queries)}


def _attribute_columns(extra: dict, vocabulary: Vocabulary) -> dict:
    attrs = {}
    for family in vocabulary.family_names:
        raw = extra.get(family)
        if isinstance(raw, str) and raw.strip():
            attrs[family] = vocabulary.canonical(family, raw) or " ".join(raw.split())
    return {"attributes": json.dumps(attrs, sort_keys=True) if attrs else None,
            "attributes_source": "truth" if attrs else None}


def _write(table, updates: list[dict], clip_dim: int, text_dim: int) -> None:
    """merge_insert by item_id, writing only the columns each row changed (one write per set of columns)."""
    fields = {f.name: f for f in derived_fields(clip_dim, text_dim)}
    groups: dict[tuple[str, ...], list[dict]] = {}
    for u in updates:
        groups.setdefault(tuple(sorted(set(u) - {"item_id"})), []).append(u)
    for names, rows in groups.items():
        schema = pa.schema([pa.field("item_id", pa.string(), nullable=False), *(fields[n] for n in names)])
        table.merge_insert("item_id").when_matched_update_all().execute(pa.Table.from_pylist(rows, schema=schema))


def _record_models(table, clip_identity, text_identity, load_specs: dict) -> None:
    for column, identity, role in ((IMAGE_VEC, clip_identity, "clip"), (CLIP_TEXT_VEC, clip_identity, "clip"),
                                   (TEXT_VEC, text_identity, "text")):
        values = {MODEL_KEY: json.dumps(identity.to_dict(), sort_keys=True).encode()}
        if role in load_specs:
            values[LOAD_SPEC_KEY] = json.dumps(load_specs[role], sort_keys=True).encode()
        _set_field_metadata(table, column, values)


def index_item_ids(table) -> None:
    """A BTREE index on item_id: without the in-memory matrix of exact search, a search reads its candidates'
    stored vectors by id (VectorSearcher.vectors), which a full scan of a large table makes slow."""
    table.create_scalar_index("item_id", replace=True)


def apply_plan(table, column: str, plan: VectorIndexPlan) -> None:
    """Build (or drop) the column's vector index as the plan says and record the plan on the column."""
    if plan.kind == "exact":
        for idx in table.list_indices():
            if column in (idx.columns or []):
                table.drop_index(idx.name)
    else:
        table.create_index(column, config=index_config(plan), replace=True)
    _set_field_metadata(table, column, {INDEX_KEY: json.dumps(plan.__dict__, sort_keys=True).encode()})


def _set_field_metadata(table, column: str, values: dict[bytes, bytes]) -> None:
    table.update_field_metadata({"path": column, "metadata": {k.decode(): v.decode() for k, v in values.items()}})


def index_vocabulary_hash(table) -> str | None:
    """The hash of the vocabulary the index's attributes column was read with (None: not recorded)."""
    if "attributes" not in table.schema.names:
        return None
    meta = table.schema.field("attributes").metadata or {}
    value = meta.get(VOCABULARY_KEY.encode())
    return value.decode() if value else None


def refresh_attribute_column(workspace: Workspace, vocabulary: Vocabulary) -> int:
    """Re-read the catalog's own attribute values under a new vocabulary (no model, no embedding): the rows whose
    `attributes` change are written and the column records the vocabulary's hash. Returns the rows changed;
    0 without an index."""
    table = open_items_table(workspace)
    if "attributes" not in table.schema.names:
        return 0
    updates = []
    for row in read_columns(table, ["item_id", "extra", "attributes", "attributes_source"]).to_pylist():
        new = _attribute_columns(json.loads(row["extra"]) if row["extra"] else {}, vocabulary)
        if (new["attributes"], new["attributes_source"]) != (row["attributes"], row["attributes_source"]):
            updates.append({"item_id": row["item_id"], **new})
    if updates:
        schema = pa.schema([pa.field("item_id", pa.string(), nullable=False),
                            table.schema.field("attributes"), table.schema.field("attributes_source")])
        table.merge_insert("item_id").when_matched_update_all().execute(pa.Table.from_pylist(updates, schema=schema))
    _set_field_metadata(table, "attributes", {VOCABULARY_KEY.encode(): vocabulary.hash.encode()})
    return len(updates)
