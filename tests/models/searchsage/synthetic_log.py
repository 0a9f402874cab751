"""A tiny synthetic search log and catalog: item i is "<color> <category>", its query names it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from engine.models.searchsage.data import SearchLog
from tests.fakes import text_vector

COLORS = ("red", "blue", "green", "black", "white", "pink")
CATEGORIES = ("dress", "shirt", "pants", "boots", "bag")


def catalog() -> list[dict]:
    """30 items p00..p29, item 5*c + k is COLORS[c] CATEGORIES[k]."""
    return [{"item_id": f"p{5 * c + k:02d}", "title": f"{color} {cat}", "description": f"a {cat} in {color}",
             "tags": [color, cat], "board_titles": [f"{cat} ideas"], "extra": None}
            for c, color in enumerate(COLORS) for k, cat in enumerate(CATEGORIES)]


def log(n_searches: int = 300, *, engaged_until: int | None = None, refine_every: int = 10) -> SearchLog:
    """Search s asks for item s % 30 by name and saves it (only when s < engaged_until, if given);
    every `refine_every`-th search refines the one before it."""
    items = catalog()
    searches, impressions = [], []
    for s in range(n_searches):
        item = items[(7 * s) % len(items)]
        refined = float(s - 1) if s and s % refine_every == 0 else np.nan
        searches.append({"search_id": s, "session_id": s, "ts": pd.Timestamp("2026-01-01", tz="UTC")
                         + pd.Timedelta(minutes=s), "query": item["title"], "intent": "{}", "refined_from": refined})
        engaged = engaged_until is None or s < engaged_until
        impressions.append({"search_id": s, "position": 1, "item_id": item["item_id"], "clicked": engaged,
                            "long_click": engaged and s % 2 == 0, "saved": engaged and s % 2 == 1})
        other = items[(7 * s + 1) % len(items)]
        impressions.append({"search_id": s, "position": 2, "item_id": other["item_id"], "clicked": False,
                            "long_click": False, "saved": False})
    return SearchLog(pd.DataFrame(searches), pd.DataFrame(impressions))


def word_vectors(texts, dim: int = 16) -> np.ndarray:
    """A bag-of-words fake text model: the normalised sum of per-word hash vectors (same in every process)."""
    rows = np.array([sum(text_vector(w, dim) for w in t.split()) for t in texts], np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


class WordText:
    """A fake text encoder (the TextEncoder interface) over word_vectors."""

    def __init__(self, dim: int = 16):
        from engine.models.identity import ModelIdentity

        self.identity = ModelIdentity("fake-words", "", "", dim)

    def encode(self, texts, *, progress: bool = False) -> np.ndarray:
        return word_vectors(list(texts), self.identity.dim)


def write_log(folder, search_log: SearchLog) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    search_log.searches.to_parquet(folder / "searches.parquet")
    search_log.impressions.to_parquet(folder / "impressions.parquet")
