"""A content hash of a generated sample catalog: its items, its search log and the generator version.

Two samples with the same fingerprint have the same rows (titles, descriptions, attributes, object boxes)
and the same searches and impressions, so models trained on one are the models of the other. The images'
bytes are left out: JPEG encoders differ slightly between library builds, and nothing trained from the
sample reads pixels except through the image model, whose identity is checked on its own.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow.parquet as pq

from sample_data.generate import ITEMS_NAME, MANIFEST_NAME, SEARCH_LOG_DIR

LOG_TABLES = ("searches.parquet", "impressions.parquet")


def sample_fingerprint(sample_dir: Path) -> str:
    """sha256 over the manifest's generator version, n and seed, the items rows and the search log rows."""
    sample_dir = Path(sample_dir)
    manifest = json.loads((sample_dir / MANIFEST_NAME).read_text())
    digest = hashlib.sha256()
    digest.update(json.dumps([manifest["generator_version"], manifest["n"], manifest["seed"]]).encode())
    for path in (sample_dir / ITEMS_NAME, *(sample_dir / SEARCH_LOG_DIR / name for name in LOG_TABLES)):
        table = pq.read_table(path)
        digest.update(path.name.encode())
        for name in sorted(table.column_names):
            digest.update(name.encode())
            digest.update(json.dumps(table.column(name).to_pylist(), default=str, ensure_ascii=False).encode())
    return digest.hexdigest()
