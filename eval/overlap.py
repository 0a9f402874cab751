"""How much two rankings agree: overlap@k and rank-biased overlap (Webber, Moffat and Zobel, 2010).

Pure functions over ranked lists of item ids (best first, no repeats).
"""

from __future__ import annotations

from collections.abc import Sequence

DEFAULT_PERSISTENCE = 0.9  # RBO's p: the top 10 carry about 86% of the weight


def _check_ranking(ranking: Sequence[str], name: str) -> list[str]:
    items = list(ranking)
    if len(set(items)) != len(items):
        repeated = sorted({i for i in items if items.count(i) > 1})
        raise ValueError(f"ranking {name} repeats items {repeated[:5]}; give each item once, best first")
    return items


def _check_k(k: object) -> int:
    if not isinstance(k, int) or isinstance(k, bool) or k < 1:
        raise ValueError(f"k must be a whole number >= 1, got {k!r}")
    return k


def shared_items(left: Sequence[str], right: Sequence[str], k: int) -> set[str]:
    """The items in both top k's."""
    _check_k(k)
    return set(_check_ranking(left, "left")[:k]) & set(_check_ranking(right, "right")[:k])


def overlap_at_k(left: Sequence[str], right: Sequence[str], k: int) -> float:
    """|top k of left ∩ top k of right| / k (a list shorter than k counts its missing places as misses)."""
    return len(shared_items(left, right, k)) / k


def _overlaps(short: list[str], long: list[str]) -> list[int]:
    """X_d for d = 1..len(long): items shared by short[:d] and long[:d] (short[:d] is all of short past its end)."""
    seen_short: set[str] = set()
    seen_long: set[str] = set()
    shared, out = 0, []
    for d in range(len(long)):
        a = short[d] if d < len(short) else None
        b = long[d]
        if a is not None:
            shared += (a in seen_long) + (a == b)
            seen_short.add(a)
        shared += b in seen_short and b != a
        seen_long.add(b)
        out.append(shared)
    return out


def rank_biased_overlap(left: Sequence[str], right: Sequence[str], p: float = DEFAULT_PERSISTENCE) -> float:
    """Extrapolated RBO (Webber et al. 2010, eq. 32): 1 for identical lists, 0 for disjoint ones, top-weighted by p.

    Lists of different lengths are handled as in the paper: the shorter one is assumed to go on agreeing
    as much as it did at its end.
    """
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 < p < 1:
        raise ValueError(f"p (persistence) must be a number strictly between 0 and 1, got {p!r}")
    left, right = _check_ranking(left, "left"), _check_ranking(right, "right")
    short, long = (left, right) if len(left) <= len(right) else (right, left)
    s, l = len(short), len(long)
    if s == 0:
        return 1.0 if l == 0 else 0.0
    x = _overlaps(short, long)  # x[d - 1] = X_d
    x_s, x_l = x[s - 1], x[l - 1]
    total = sum(x[d - 1] / d * p**d for d in range(1, l + 1))
    total += sum(x_s * (d - s) / (s * d) * p**d for d in range(s + 1, l + 1))
    return (1 - p) / p * total + ((x_l - x_s) / l + x_s / s) * p**l
