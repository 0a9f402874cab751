"""Pre-ranking a labeling queue with the relevance model: the pairs a pool would hold, scored, as priorities.

The model only orders which task a rater sees first (labels.pools.prioritise); it never fills in a label.
"""

from __future__ import annotations

from collections.abc import Sequence


def pool_priority(store, query_set: str, config_names: Sequence[str], k: int, predict) -> dict[tuple[str, str], float]:
    """(query_id, item_id) -> the model's grade for every pair in the configs' top k over the query set.

    `predict` maps a frame of (query_id, item_id) rows to {(query_id, item_id): grade} (agreement.student_predictor).
    """
    runs = store.run_results_frame(list(config_names), query_set)
    if runs.empty:
        return {}
    top = runs[runs["rank"] <= k][["query_id", "item_id"]].drop_duplicates()
    return {pair: float(grade) for pair, grade in predict(top).items()}
