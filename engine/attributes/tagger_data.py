"""What the tagger reads: item vectors and truth from the items table, positives as a label matrix."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.attributes.records import ItemAttribute
from engine.index.columns import IMAGE_VEC, TEXT_VEC, recorded_identity
from engine.index.store import read_columns


@dataclass
class ProductVectors:
    """Every item's product-tower input: [image_vec, text_vec] (a missing part is zeros), and its truth."""

    ids: list[str]
    vectors: np.ndarray  # (N, image_dim + text_dim) float32; row i is ids[i]
    models: dict[str, str]  # vector column -> key of the model that made it ("" when unrecorded)
    truth: list[dict[str, str]]  # the catalog's true family -> value (the `attributes` column), {} when unknown
    not_embedded: int = 0  # rows with neither vector (ingested, not indexed yet): left out

    def data_hash(self) -> str:
        digest = hashlib.sha256()
        for item in self.ids:
            digest.update(item.encode() + b"\0")
        digest.update(np.ascontiguousarray(self.vectors).tobytes())
        return digest.hexdigest()


def read_product_vectors(table) -> ProductVectors:
    """Read the items table's vectors; refuse a table that was never indexed."""
    names = table.schema.names
    missing = [c for c in (IMAGE_VEC, TEXT_VEC) if c not in names]
    if missing:
        raise ValueError(f"the items table has no {missing} columns: the catalog was not embedded yet; "
                         "run `workbench index` first")
    columns = ["item_id", IMAGE_VEC, TEXT_VEC] + (["attributes"] if "attributes" in names else [])
    data = read_columns(table, columns)
    ids = data.column("item_id").to_pylist()
    parts = []
    for column in (IMAGE_VEC, TEXT_VEC):
        dim = table.schema.field(column).type.list_size
        block = np.zeros((len(ids), dim), dtype=np.float32)
        values = data.column(column).to_pylist()
        for i, vec in enumerate(values):
            if vec is not None:
                block[i] = vec
        parts.append(block)
    present = np.zeros(len(ids), dtype=bool)
    for column in (IMAGE_VEC, TEXT_VEC):
        present |= np.array([v is not None for v in data.column(column).to_pylist()], dtype=bool)
    if not present.any():
        raise ValueError("no item in the items table has vectors yet; run `workbench index` first")
    truth = ([json.loads(a) if a else {} for a in data.column("attributes").to_pylist()]
             if "attributes" in columns else [{} for _ in ids])
    models = {}
    for column in (IMAGE_VEC, TEXT_VEC):
        identity = recorded_identity(table.schema, column)
        models[column] = identity.key() if identity else ""
    order = [i for i in np.argsort(ids, kind="stable") if present[i]]
    return ProductVectors([ids[i] for i in order], np.concatenate(parts, axis=1)[order],
                          models, [truth[i] for i in order], int((~present).sum()))


def label_matrix(ids: Sequence[str], attributes: Sequence[tuple[str, str]],
                 positives: Sequence[ItemAttribute]) -> tuple[np.ndarray, int]:
    """(items x attributes) 0/1 matrix of the positives, and how many positives name items not in `ids`.

    A positive whose family or value the vocabulary lacks is an error: positives and vocabulary must come
    from the same curation run.
    """
    row = {item: i for i, item in enumerate(ids)}
    col = {a: j for j, a in enumerate(attributes)}
    families = {f for f, _ in attributes}
    labels = np.zeros((len(ids), len(attributes)), dtype=np.uint8)
    unknown_items = 0
    for p in positives:
        if (p.family, p.value) not in col:
            if p.family not in families:
                raise ValueError(f"positive {p.item_id} {p.family}={p.value!r}: the attribute family {p.family!r} "
                                 f"is unknown to the vocabulary (families: {sorted(families)}); use the positives "
                                 "and the vocabulary of the same curation run")
            raise ValueError(f"positive {p.item_id} {p.family}={p.value!r}: {p.value!r} is not a canonical "
                             f"{p.family} value of the vocabulary; map raw values to canonical ones first")
        if p.item_id not in row:
            unknown_items += 1
            continue
        labels[row[p.item_id], col[(p.family, p.value)]] = 1
    return labels, unknown_items


def load_positives(path: Path) -> list[ItemAttribute]:
    """Read positives written one ItemAttribute dict a line ({"item_id","family","value","confidence"})."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"positives file {path} not found; make it with `workbench attributes run` or pass "
                                "--positives FILE.jsonl (one {\"item_id\", \"family\", \"value\"} object a line)")
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            out.append(ItemAttribute(str(d["item_id"]), str(d["family"]), str(d["value"]),
                                     float(d.get("confidence", 1.0))))
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise ValueError(f"{path} line {number} is not a positive ({error}); expected one JSON object a line "
                             "with item_id, family and value") from None
    if not out:
        raise ValueError(f"positives file {path} holds no positives; rerun curation or check the file")
    return out
