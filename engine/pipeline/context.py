"""Everything a search needs, loaded once: the items table, the models that made it, vector searchers."""

from __future__ import annotations

import json
import os
from collections import OrderedDict
from dataclasses import dataclass, field
from threading import Lock

import lancedb
import numpy as np

from engine.index.columns import CLIP_TEXT_VEC, IMAGE_VEC, LOAD_SPEC_KEY, TEXT_VEC
from engine.index.store import open_items_table, read_columns
from engine.index.vectors import VectorSearcher
from engine.models.encoders import ImageTextEncoder, SentenceEncoder
from engine.vocabulary import EMPTY, Vocabulary, load_workspace_vocabulary
from engine.workspace import Workspace


VECTOR_CACHE_SIZE = 1024  # query-side embeddings remembered per context (texts, uploaded images, crops)


class UnknownItemError(ValueError):
    """A query named an item id that is not in the catalog."""


@dataclass
class SearchContext:
    workspace: Workspace
    table: lancedb.table.Table  # the items table
    clip: ImageTextEncoder  # ClipEncoder, or a test fake
    text_encoder: SentenceEncoder  # TextEncoder, or a test fake
    items: dict[str, dict] = field(default_factory=dict)  # item_id -> image_path, attributes, engagement
    vocabulary: Vocabulary = EMPTY  # the workspace's attribute vocabulary (WORKSPACE/vocabulary.toml)
    _searchers: dict[str, VectorSearcher] = field(default_factory=dict)
    cache: dict = field(default_factory=dict)  # models loaded on first use by CGs and scorers (e.g. the fusion model)
    _vectors_lock: Lock = field(default_factory=Lock, repr=False)  # encodes run on two threads (text_vectors)
    build_warning: str | None = None  # the last `workbench index` stopped while building the indexes (build_marker)

    @classmethod
    def open(cls, workspace: Workspace, clip=None, text_encoder=None, vocabulary: Vocabulary | None = None
             ) -> SearchContext:
        """Open the index; load the models recorded on its columns and the workspace's vocabulary unless given."""
        from engine.index.columns import check_model

        from engine.index.build_marker import check_build_finished

        # a build killed while writing leaves a half-written table (refused); one killed while indexing, a warning
        build_warning = check_build_finished(workspace)
        table = open_items_table(workspace)
        if IMAGE_VEC not in table.schema.names:
            raise FileNotFoundError(f"the workspace {workspace.root} is not indexed yet; run `workbench index`")
        if clip is None:
            from engine.models.clip_encoder import ClipSpec, load_clip

            clip = load_clip(ClipSpec(**_load_spec(table, IMAGE_VEC)))
        if text_encoder is None:
            from engine.models.text_encoder import load_text_encoder

            text_encoder = load_text_encoder(**_load_spec(table, TEXT_VEC))
        for column, model in ((IMAGE_VEC, clip.identity), (CLIP_TEXT_VEC, clip.identity),
                              (TEXT_VEC, text_encoder.identity)):
            check_model(table.schema, column, model)
        rows = read_columns(table, ["item_id", "image_path", "kind", "attributes", "engagement"]).to_pylist()
        items = {r["item_id"]: dict(r, attributes=json.loads(r["attributes"]) if r["attributes"] else {})
                 for r in rows}
        if vocabulary is None:
            vocabulary = load_workspace_vocabulary(workspace.root)
        context = cls(workspace, table, clip, text_encoder, items, vocabulary)
        context.build_warning = build_warning
        return context

    def vocabulary_warnings(self) -> list[str]:
        """What a user should know about the index and vocabulary this search reads: an index build that stopped
        while building the indexes, no vocabulary yet, or stages made with another."""
        from engine.vocabulary import HOW_TO_GET_ONE, stale_stages
        from engine.vocabulary.overview import recorded_hashes

        first = [self.build_warning[0].upper() + self.build_warning[1:]] if self.build_warning else []
        if self.vocabulary.is_empty():
            return first + [HOW_TO_GET_ONE[0].upper() + HOW_TO_GET_ONE[1:]]
        return first + [s.message(self.vocabulary.hash)
                        for s in stale_stages(self.vocabulary, recorded_hashes(self.workspace))]

    @property
    def lexicon(self):
        """The query lexicon of the workspace's vocabulary (built once per vocabulary)."""
        from engine.query.lexicon import lexicon_for

        return lexicon_for(self.vocabulary)

    def cached_text_vector(self, model: str, text: str) -> np.ndarray:
        """The embedding of `text` by "clip" (open_clip text tower) or "minilm", remembered for the next caller:
        several CG calls, features and scorers of one query embed the same text."""
        if model not in ("clip", "minilm"):
            raise ValueError(f"unknown text model {model!r}; expected 'clip' or 'minilm'")
        key = ("text", model, text)
        vector = self._remembered(key)
        if vector is None:
            encode = self.clip.encode_texts if model == "clip" else self.text_encoder.encode
            vector = self._remember(key, np.asarray(encode([text])[0], np.float32))
        return vector

    def text_vectors(self, keys) -> None:
        """Encode every (model, text) of `keys` not remembered yet, each text alone (as cached_text_vector does),
        the clip texts and the MiniLM texts on two threads; later cached_text_vector calls find them."""
        from engine.pipeline.parallel import run_all

        missing = [key for key in dict.fromkeys(keys) if self._remembered(("text", *key)) is None]
        jobs = []
        for model in ("clip", "minilm"):
            texts = [text for m, text in missing if m == model]
            if texts:
                jobs.append(lambda model=model, texts=texts: [self.cached_text_vector(model, t) for t in texts])
        run_all(jobs)

    def _remembered(self, key):
        with self._vectors_lock:
            vectors = self.cache.setdefault("vectors", OrderedDict())
            if key in vectors:
                vectors.move_to_end(key)
                return vectors[key]
            return None

    def _remember(self, key, vector):
        with self._vectors_lock:
            vectors = self.cache.setdefault("vectors", OrderedDict())
            vectors[key] = vector
            while len(vectors) > VECTOR_CACHE_SIZE:
                vectors.popitem(last=False)
            return vector

    def searcher(self, column: str) -> VectorSearcher:
        if column not in self._searchers:
            self._searchers[column] = VectorSearcher(self.table, column)
        return self._searchers[column]

    def item(self, item_id: str) -> dict:
        try:
            return self.items[item_id]
        except KeyError:
            raise UnknownItemError(f"unknown item id {item_id!r}: it is not in this workspace's catalog "
                                   f"({len(self.items)} items); check the id or ingest the item") from None

    def reference_image(self, item_id: str | None, image_path: str | None):
        """The reference as a PIL image: a catalog item's image or an uploaded file."""
        from engine.catalog.images import open_query_image

        path = self.workspace.root / self.item(item_id)["image_path"] if item_id else image_path
        return open_query_image(path)  # the ingest's file-size and pixel limits; a QueryImageError names the file

    def reference_vector(self, understood) -> np.ndarray | None:
        """The open_clip vector of the query's reference: the surrogate item, the item, or the embedded image/crop."""
        query = understood.query
        if understood.surrogate_item:
            return self.item_vector(understood.surrogate_item)
        if query.item_id and query.crop is None:
            return self.item_vector(query.item_id)
        if query.item_id or query.image_path:
            return self.query_image_vector(query)
        return None

    def query_image_vector(self, query) -> np.ndarray:
        """The open_clip vector of the query's own image or crop (not a surrogate), embedded once and cached."""
        stamp = None
        if query.image_path:  # a file replaced at the same path must not hit the old embedding
            try:
                st = os.stat(query.image_path)
                stamp = (st.st_mtime_ns, st.st_size)
            except OSError:
                raise ValueError(f"cannot read the reference image {query.image_path}: no such file") from None
        key = ("image", query.item_id, query.image_path, stamp, tuple(query.crop) if query.crop is not None else None)
        vector = self._remembered(key)
        if vector is None:
            if query.item_id and query.crop is None:
                vector = self.item_vector(query.item_id)
                if vector is None:
                    raise ValueError(f"item {query.item_id!r} has no image embedding (its image could not be "
                                     "read at indexing); use another reference or fix the image and re-index")
                return vector
            image = self.reference_image(query.item_id, query.image_path)
            if query.crop is not None:
                image = image.crop(_crop_box(query.crop, *image.size))
            vector = self._remember(key, np.asarray(self.clip.encode_images([image])[0], np.float32))
        return vector

    def item_vector(self, item_id: str, column: str = IMAGE_VEC) -> np.ndarray | None:
        """The stored vector of a catalog item (None when its image could not be embedded)."""
        self.item(item_id)
        searcher = self.searcher(column)
        if searcher.plan.kind == "exact":  # a row of the loaded matrix
            return searcher.vector(item_id)
        key = ("item", column, item_id)  # an indexed column reads the table: once per query's CG calls
        vector = self._remembered(key)
        if vector is None:
            vector = searcher.vector(item_id)
            if vector is not None:
                self._remember(key, vector)
        return vector


def _crop_box(crop, width: int, height: int) -> tuple[int, int, int, int]:
    """A crop as integer pixel box, checked against the image size."""
    x0, y0, x1, y1 = crop
    if not (0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height):
        raise ValueError(f"crop {tuple(crop)} is outside the {width}x{height} image or has zero area; "
                         f"give X0,Y0,X1,Y1 with 0 <= X0 < X1 <= {width} and 0 <= Y0 < Y1 <= {height}")
    return int(x0), int(y0), int(round(x1)), int(round(y1))


def _load_spec(table, column: str) -> dict:
    meta = table.schema.field(column).metadata or {}
    return json.loads(meta[LOAD_SPEC_KEY]) if LOAD_SPEC_KEY in meta else {}
