"""Typed records that cross the engine's boundaries."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Item:
    """One catalog item as stored in the LanceDB `items` table."""

    item_id: str
    image_path: str  # relative to the workspace root, e.g. "catalog/ab/ab12....jpg"
    image_sha256: str
    image_width: int
    image_height: int
    kind: str = "product"  # "product" or "scene" (a photo of several products)
    title: str | None = None
    description: str | None = None
    tags: tuple[str, ...] = ()
    price: float | None = None
    brand: str | None = None
    board_titles: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict)  # every other metadata column, verbatim


# --- search: the records that flow through engine/query -> generators -> rerank -> pipeline ---

QUERY_MODES = ("pivot", "descriptor", "text", "image")


@dataclass(frozen=True)
class Query:
    """What a user asked: a reference image (a catalog item, an uploaded image, or a crop of one) and/or text."""

    text: str = ""
    item_id: str | None = None  # reference catalog item
    image_path: str | None = None  # an uploaded image (absolute path), instead of an item
    crop: tuple[float, float, float, float] | None = None  # x0, y0, x1, y1 in pixels of the reference image


@dataclass(frozen=True)
class UnderstoodQuery:
    """The query after understanding: its mode, the attributes it targets and the text the CGs search with."""

    query: Query
    mode: str  # one of QUERY_MODES
    target_attributes: dict[str, str]  # family -> value the text asks for (pivot) or describes (descriptor)
    reference_attributes: dict[str, str]  # family -> value read from the reference image
    reference_confidence: dict[str, float]  # family -> confidence of that reading, 0..1
    enriched_text: str  # e.g. reference "blue striped shirt" + pivot "in red" -> "red striped shirt"
    surrogate_item: str | None = None  # object-level search: the catalog item standing in for a crop


@dataclass(frozen=True)
class Source:
    """One CG call that retrieved an item: which CG, with which parameters, at which rank and score."""

    cg: str
    params: dict[str, float | str]
    rank: int
    score: float


@dataclass
class Candidate:
    """An item retrieved by one or more CG calls, with every call's provenance (multi-fetch merges these)."""

    item_id: str
    sources: list[Source] = field(default_factory=list)
    # family -> value the engine reads at or above its calibrated threshold: only these boost and fill
    attributes: dict[str, str] = field(default_factory=dict)
    attribute_confidence: dict[str, float] = field(default_factory=dict)  # family -> confidence, 0..1, every reading
    uncertain_attributes: dict[str, str] = field(default_factory=dict)  # family -> value read below the threshold
    features: dict[str, float] = field(default_factory=dict)  # image_sim, text_sim, engagement, relevance


@dataclass(frozen=True)
class ScoreBreakdown:
    """The parts of the composite score: (w1*image_sim + w2*text_sim + w3*engagement + w4*relevance)
    * attribute_boost * cg_boost."""

    image_sim: float
    text_sim: float
    engagement: float
    relevance: float
    attribute_boost: float = 1.0
    cg_boost: float = 1.0


@dataclass(frozen=True)
class Result:
    """One ranked result as the pipeline returns it."""

    rank: int
    item_id: str
    score: float
    breakdown: ScoreBreakdown
    sources: tuple[Source, ...]
    attributes: dict[str, str]  # the engine's confident readings (Candidate.attributes), never the catalog's own
    filled: bool = False  # placed in the top 8 by attribute fill rather than by score
    rank_before: int | None = None  # position before reranking (RRF of the CG ranks; see pre_rerank_ranks)
    attribute_confidence: dict[str, float] = field(default_factory=dict)  # family -> confidence of each reading
    uncertain_attributes: dict[str, str] = field(default_factory=dict)  # readings below the threshold (no boost)
