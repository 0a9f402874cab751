"""Sessions of searches (a query, its refinements, sometimes another query) and their timestamps."""

from __future__ import annotations

import datetime as dt

import numpy as np

from sample_data.search_log.queries import REFINE_OPTION_P, Queries, zipf_cumulative

WINDOW_END = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)
WINDOW_DAYS = 60
# A refinement chain of one or two queries, and sometimes an unrelated query.
REFINE_RATE = 0.25
SECOND_REFINE_RATE = 0.3
OTHER_QUERY_RATE = 0.12
SEARCH_GAP_S = 40.0  # mean seconds between searches of a session
REFINE_GAP_S = 15.0


def sessions(rng: np.random.Generator, queries: Queries, n_searches: int):
    """Per search: session index, query id, and the index of the search it refines (-1 if none)."""
    n = n_searches  # enough sessions: each has at least one search
    cum = zipf_cumulative(len(queries.pool_keys))
    base = np.minimum(np.searchsorted(cum, rng.random(n) * cum[-1]), len(cum) - 1)
    other = np.minimum(np.searchsorted(cum, rng.random(n) * cum[-1]), len(cum) - 1)
    refines = rng.random(n) < REFINE_RATE
    twice = refines & (rng.random(n) < SECOND_REFINE_RATE)
    has_other = rng.random(n) < OTHER_QUERY_RATE
    options = np.searchsorted(np.cumsum(REFINE_OPTION_P), rng.random((n, 2)) * sum(REFINE_OPTION_P))
    session, qid, parent = [], [], []

    def emit(s: int, q: int, refines_index: int) -> None:
        session.append(s)
        qid.append(q)
        parent.append(refines_index)

    s = 0
    while len(qid) < n_searches:
        q = queries.from_pool(int(base[s]))
        emit(s, q, -1)
        if refines[s]:
            for step in range(2 if twice[s] else 1):
                q = queries.refined(q, int(options[s, step]))
                emit(s, q, len(qid) - 1)
        if has_other[s]:
            emit(s, queries.from_pool(int(other[s])), -1)
        s += 1
    return (np.array(session[:n_searches], dtype=np.int64), np.array(qid[:n_searches], dtype=np.int64),
            np.array(parent[:n_searches], dtype=np.int64))


def timestamps(rng: np.random.Generator, session: np.ndarray, parent: np.ndarray) -> np.ndarray:
    """Epoch seconds in the window, strictly increasing within each session."""
    end = int(WINDOW_END.timestamp())
    start = end - WINDOW_DAYS * 86_400
    n_sessions = int(session.max()) + 1
    session_start = rng.integers(start, end - 3_600, size=n_sessions)
    gaps = rng.exponential(np.where(parent >= 0, REFINE_GAP_S, SEARCH_GAP_S))
    gaps = 2 + gaps.astype(np.int64)
    first = np.r_[True, session[1:] != session[:-1]]
    gaps[first] = 0
    total = np.cumsum(gaps)
    offset = total - np.maximum.accumulate(np.where(first, total, 0))
    return np.minimum(session_start[session] + offset, end - 1)
