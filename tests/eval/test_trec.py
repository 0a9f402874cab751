"""TREC files and evaluate_trec: hand-computed cases that pin ties and unjudged documents, and trec_eval itself."""

import math

import numpy as np
import pandas as pd
import pytest

from eval.trec import (
    TREC_MEASURES,
    TrecFormatError,
    evaluate_trec,
    read_qrels,
    read_run,
    trec_order,
    write_qrels,
    write_run,
)


def qrels_frame(rows):
    return pd.DataFrame(rows, columns=["query_id", "doc_id", "relevance"])


def run_frame(rows):
    """(qid, docid, score) rows; the rank column is deliberately wrong, as trec_eval ignores it."""
    return pd.DataFrame([(q, d, 99, s, "t") for q, d, s in rows], columns=["query_id", "doc_id", "rank", "score", "tag"])


# ---- reading and writing ----

def test_read_qrels_and_run(tmp_path):
    (tmp_path / "q.txt").write_text("301 0 doc1 2\n\n301 0 doc2 0\n302 0 doc1 1\n")
    (tmp_path / "r.txt").write_text("301 Q0 doc1 1 12.5 tag\n301\tQ0\tdoc2\t2\t-3e-2\ttag\n")
    qrels = read_qrels(tmp_path / "q.txt")
    assert qrels.values.tolist() == [["301", "doc1", 2], ["301", "doc2", 0], ["302", "doc1", 1]]
    run = read_run(tmp_path / "r.txt")
    assert run.values.tolist() == [["301", "doc1", 1, 12.5, "tag"], ["301", "doc2", 2, -0.03, "tag"]]


@pytest.mark.parametrize("reader, text, message", [
    (read_qrels, "301 0 doc1 2\n301 0 doc2\n", r"q\.txt:2: expected 4 fields 'qid 0 docid rel', got 3"),
    (read_qrels, "301 0 doc1 high\n", r"q\.txt:1: relevance must be a whole number, got 'high'"),
    (read_qrels, "301 0 doc1 1.5\n", r"q\.txt:1: relevance must be a whole number, got '1.5'"),
    (read_qrels, "301 0 d 1\n301 0 d 2\n", r"q\.txt:2: document 'd' of query '301' is judged again \(first on line 1\)"),
    (read_run, "301 Q0 d 1 0.5 t\n301 Q0 e 2 0.4\n", r"q\.txt:2: expected 6 fields 'qid Q0 docid rank score tag', got 5"),
    (read_run, "301 Q0 d 1 high t\n", r"q\.txt:1: score must be a number, got 'high'"),
    (read_run, "301 Q0 d 1 nan t\n", r"q\.txt:1: score must be a finite number"),
    (read_run, "301 Q0 d one 0.5 t\n", r"q\.txt:1: rank must be a whole number"),
    (read_run, "301 Q0 d 1 0.5 t\n301 Q0 d 2 0.4 t\n", r"q\.txt:2: document 'd' is retrieved twice for query '301'"),
])
def test_malformed_lines_name_the_file_and_line(tmp_path, reader, text, message):
    path = tmp_path / "q.txt"
    path.write_text(text)
    with pytest.raises(TrecFormatError, match=message):
        reader(path)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.txt"):
        read_qrels(tmp_path / "nope.txt")


def test_write_then_read_round_trips(tmp_path):
    qrels = qrels_frame([("1", "a", 3), ("1", "b", 0), ("2", "a", 1)])
    assert write_qrels(tmp_path / "q", qrels) == 3
    assert read_qrels(tmp_path / "q").equals(qrels)
    run = pd.DataFrame({"query_id": ["1", "1"], "doc_id": ["b", "a"], "rank": [2, 1], "score": [0.1 + 0.2, 1 / 3]})
    assert write_run(tmp_path / "r", run, tag="full") == 2
    back = read_run(tmp_path / "r")
    assert back["doc_id"].tolist() == ["a", "b"] and back["score"].tolist() == [1 / 3, 0.1 + 0.2]  # exact floats
    assert set(back["tag"]) == {"full"}


def test_writing_refuses_what_a_trec_file_cannot_carry(tmp_path):
    with pytest.raises(ValueError, match="whitespace"):
        write_qrels(tmp_path / "q", qrels_frame([("q 1", "a", 1)]))
    with pytest.raises(ValueError, match="whole numbers"):
        write_qrels(tmp_path / "q", qrels_frame([("q", "a", 2.5)]))
    with pytest.raises(ValueError, match="single word"):
        write_run(tmp_path / "r", pd.DataFrame({"query_id": ["q"], "doc_id": ["a"], "rank": [1], "score": [1.0]}), tag="a b")


# ---- trec_eval's order and semantics, by hand ----

def test_order_is_score_descending_then_docid_descending():
    run = run_frame([("q", "a", 1.0), ("q", "c", 2.0), ("q", "b", 1.0), ("q", "B", 1.0)])
    ordered = trec_order(run)
    assert ordered["doc_id"].tolist() == ["c", "b", "a", "B"]  # byte order: "B" < "a" < "b"
    assert ordered["rank"].tolist() == [1, 2, 3, 4]


def test_scores_equal_as_32_bit_floats_tie():
    # trec_eval keeps scores as C floats: 0.5 and 0.5 + 1e-9 are the same, so docid "b" > "a" goes first.
    run = run_frame([("q", "a", 0.5 + 1e-9), ("q", "b", 0.5)])
    result = evaluate_trec(qrels_frame([("q", "a", 1), ("q", "b", 0)]), run, measures=["recip_rank"])
    assert result.per_query.loc["q", "recip_rank"] == 1 / 2


def test_hand_computed_query_with_ties_and_unjudged_documents():
    qrels = qrels_frame([("q", "a", 2), ("q", "b", 0), ("q", "c", 1), ("q", "d", -1), ("q", "e", 3)])
    # Order: d (3.0, grade -1: never relevant, no gain), x (2.0, unjudged), then the tie at 1.0 by docid
    # descending: b (0), a (2); then c (1). e (3) is judged but not retrieved.
    run = run_frame([("q", "a", 1.0), ("q", "b", 1.0), ("q", "c", 0.5), ("q", "x", 2.0), ("q", "d", 3.0)])
    result = evaluate_trec(qrels, run, level=1)
    values = result.per_query.loc["q"]
    assert values["P_5"] == 2 / 5 and values["P_10"] == 2 / 10
    assert values["recip_rank"] == 1 / 4
    assert values["map"] == (1 / 4 + 2 / 5) / 3  # relevant judged: a, c, e
    ideal5 = 3 / math.log2(2) + 2 / math.log2(3) + 1 / math.log2(4)
    assert values["ndcg_cut_5"] == pytest.approx((2 / math.log2(5) + 1 / math.log2(6)) / ideal5, abs=1e-15)
    level2 = evaluate_trec(qrels, run, level=2).per_query.loc["q"]
    assert level2["P_5"] == 1 / 5 and level2["map"] == (1 / 4) / 2
    assert level2["ndcg_cut_5"] == values["ndcg_cut_5"]  # gains are the raw grades whatever -l says


def test_which_queries_count():
    qrels = qrels_frame([("judged", "a", 1), ("nothing-relevant", "a", 0), ("no-run", "a", 1)])
    run = run_frame([("judged", "a", 1.0), ("nothing-relevant", "a", 1.0), ("no-qrels", "a", 1.0)])
    result = evaluate_trec(qrels, run, measures=["P_5", "map"])
    assert result.per_query.index.tolist() == ["judged", "nothing-relevant"]
    assert result.per_query.loc["nothing-relevant"].tolist() == [0.0, 0.0]
    assert result.means == {"P_5": (1 / 5 + 0) / 2, "map": (1 + 0) / 2}
    rows = list(result.rows(per_query=True))
    assert rows[0] == ("P_5", "judged", 1 / 5) and rows[-1] == ("map", "all", 0.5)


def test_unknown_trec_measure_lists_the_known_ones():
    with pytest.raises(ValueError, match="unknown trec_eval measure 'ndcg@10'; known: P_5"):
        evaluate_trec(qrels_frame([]), run_frame([]), measures=["ndcg@10"])


# ---- against trec_eval itself (pytrec_eval bundles its C code) ----

def random_collection(seed):
    """Graded qrels with negative grades and all-zero queries; runs with score ties and unjudged documents."""
    rng = np.random.default_rng(seed)
    qrels, run = [], []
    for q in range(30):
        docs = [f"d{j}" for j in rng.choice(400, size=120, replace=False)]
        grades = rng.integers(-1, 5, size=70) if q % 7 else np.zeros(70, dtype=int)
        qrels += [(f"q{q}", d, int(g)) for d, g in zip(docs[:70], grades)]
        if q % 9 == 4:
            continue  # in the qrels, not in the run
        scores = np.round(rng.random(100), 1)  # coarse scores: many ties
        scores[rng.random(100) < 0.2] += 1e-9  # ties only at float32 precision
        run += [(f"q{q}", d, float(s)) for d, s in zip(docs[20:], scores)]
    run += [("q-unjudged", "d1", 1.0)]
    return qrels_frame(qrels), run_frame(run)


@pytest.mark.parametrize("level", [1, 2, 3])
def test_matches_trec_eval_to_the_last_bit(level):
    pytrec_eval = pytest.importorskip("pytrec_eval")
    qrels, run = random_collection(seed=level)
    measures = [*TREC_MEASURES, "recall_10", "ndcg_cut_100"]
    ours = evaluate_trec(qrels, run, level=level, measures=measures).per_query
    as_dict = {}
    for q, d, r in qrels.itertuples(index=False):
        as_dict.setdefault(q, {})[d] = r
    run_dict = {}
    for q, d, _, s, _ in run.itertuples(index=False):
        run_dict.setdefault(q, {})[d] = s
    theirs = pytrec_eval.RelevanceEvaluator(as_dict, set(measures), relevance_level=level).evaluate(run_dict)
    assert sorted(theirs) == ours.index.tolist()
    for query, values in theirs.items():
        for measure in measures:
            assert ours.loc[query, measure] == values[measure], (query, measure)
