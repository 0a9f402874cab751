"""Search demand per topic from a search log.

A search *supports* a topic when the attribute targets parsed from its query text (engine.query.parse:
values the text names in the workspace vocabulary's words, negated ones excluded) include every attribute of
the topic: "yellow summer party dress" supports the topics {dress, yellow}, {dress, summer, party}, ... (the
topic's page answers the query, possibly more broadly), and "dress" alone supports none of them. A query that
names no product type supports no topic. `demand` counts supporting searches (repeats count, they are demand); `exact_demand` counts those
whose targets are exactly the topic.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from engine.collections.errors import CollectionsError
from engine.collections.records import Attributes
from engine.collections.vocabulary_roles import product_type_of
from engine.vocabulary import Vocabulary

QueryTargets = Counter  # frozenset of (family, value) -> number of searches


def read_search_queries(search_log_dir: Path) -> list[str]:
    """The `query` column of SEARCH_LOG/searches.parquet, one entry per search."""
    import pyarrow.parquet as pq

    path = Path(search_log_dir) / "searches.parquet"
    if not path.is_file():
        raise FileNotFoundError(f"search log file {path} not found; --search-log must be a folder with "
                                "searches.parquet (a `query` column), e.g. the sample's search_log/")
    names = pq.read_schema(path).names
    if "query" not in names:
        raise CollectionsError(f"{path} has no 'query' column (it has {names}); a search log needs one "
                               "query text per search")
    return [q for q in pq.read_table(path, columns=["query"]).column("query").to_pylist() if q]


def query_targets(queries: Iterable[str], vocab: Vocabulary) -> QueryTargets:
    """How many searches asked for each set of targets (read with the vocabulary's lexicon); queries without a
    product-type target are left out."""
    from engine.query.lexicon import lexicon_for
    from engine.query.parse import parse_query_text

    noun = product_type_of(vocab)
    lexicon = lexicon_for(vocab)
    counts = Counter(str(q).strip().casefold() for q in queries)
    out: QueryTargets = Counter()
    for text, n in counts.items():
        targets = parse_query_text(text, lexicon).targets
        if noun in targets:
            out[frozenset(targets.items())] += n
    return out


def demand_table(targets: QueryTargets, product_type: str, max_attributes: int = 3) -> dict[frozenset, tuple[int, int]]:
    """frozenset(topic attributes) -> (demand, exact_demand) for every topic some search supports.

    Each target set adds its count to every sub-tuple holding its product type and 1..max_attributes others.
    """
    from itertools import combinations

    out: dict[frozenset, list[int]] = {}
    for target, n in targets.items():
        noun = next((p for p in target if p[0] == product_type), None)
        if noun is None:
            continue  # query_targets keeps none of these; a hand-made table may
        others = sorted(p for p in target if p[0] != product_type)
        for size in range(1, max_attributes + 1):
            for combo in combinations(others, size):
                key = frozenset((noun, *combo))
                counts = out.setdefault(key, [0, 0])
                counts[0] += n
                if key == target:
                    counts[1] += n
    return {k: (d, e) for k, (d, e) in out.items()}


def topic_demand(attributes: Attributes, targets: QueryTargets) -> tuple[int, int]:
    """(demand, exact_demand) of one attribute tuple by brute force: searches whose targets include it / equal it."""
    wanted = frozenset(attributes)
    demand = exact = 0
    for target, n in targets.items():
        if wanted <= target:
            demand += n
            if wanted == target:
                exact += n
    return demand, exact
