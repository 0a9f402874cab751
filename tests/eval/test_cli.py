"""`workbench eval ...` through workbench.cli.main, over TREC files and a real temporary store."""

import json

import pytest

from tests.eval.conftest import GRADES
from workbench.cli import main

QRELS = "301 0 a 2\n301 0 b 0\n301 0 c 1\n302 0 a 1\n303 0 a 1\n"
RUN = "301 Q0 a 1 1.0 t\n301 Q0 b 2 1.0 t\n301 Q0 c 3 0.5 t\n302 Q0 z 1 3 t\n304 Q0 a 1 1 t\n"


@pytest.fixture
def trec_files(tmp_path):
    (tmp_path / "qrels").write_text(QRELS)
    (tmp_path / "run").write_text(RUN)
    return str(tmp_path / "qrels"), str(tmp_path / "run")


# ---- eval trec: the public contract ----

def test_trec_json_is_one_object_a_line(trec_files, capsys):
    qrels, run = trec_files
    assert main(["eval", "trec", "--qrels", qrels, "--run", run, "--per-query", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert all(set(row) == {"measure", "query", "value"} for row in rows)
    values = {(row["measure"], row["query"]): row["value"] for row in rows}
    # 301: tie a/b at 1.0 -> b (0) then a (2), then c (1). 302: z unjudged. 303 has no run, 304 no qrels.
    assert values["P_10", "301"] == 2 / 10
    assert values["recip_rank", "301"] == 1 / 2
    assert values["map", "301"] == (1 / 2 + 2 / 3) / 2
    assert values["P_10", "302"] == 0.0
    assert values["map", "all"] == ((1 / 2 + 2 / 3) / 2 + 0) / 2
    assert {q for _, q in values} == {"301", "302", "all"}
    assert [m for m, q in values if q == "all"] == ["P_5", "P_10", "P_20", "map", "recip_rank",
                                                     "ndcg_cut_5", "ndcg_cut_10", "ndcg_cut_20"]


def test_trec_text_looks_like_trec_eval(trec_files, capsys):
    qrels, run = trec_files
    assert main(["eval", "trec", "--qrels", qrels, "--run", run, "--level", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 8  # only the means without --per-query
    measure, query, value = lines[3].split("\t")
    assert (measure.rstrip(), query, value) == ("map", "all", f"{(1 / 2) / 1 / 2:.4f}")  # -l 2: only a is relevant
    assert measure == "map".ljust(22)


def test_trec_errors_name_the_file_and_line(tmp_path, trec_files, capsys):
    qrels, _ = trec_files
    bad = tmp_path / "bad-run"
    bad.write_text("301 Q0 a 1 1.0 t\n301 Q0 b 2 high t\n")
    assert main(["eval", "trec", "--qrels", qrels, "--run", str(bad)]) == 2
    assert f"{bad}:2: score must be a number, got 'high'" in capsys.readouterr().err


# ---- store-backed commands ----

def report_json(home, capsys, *args):
    assert main(["eval", "report", "--home", str(home), "--configs", "A,B", "--json", "--resamples", "500", *args]) == 0
    return json.loads(capsys.readouterr().out)


def mean_of(data, config, measure, group="all"):
    return next(s for s in data["summaries"] if s["config"] == config and s["group"] == group)["means"][measure]


def test_report_over_the_store(eval_home, capsys):
    data = report_json(eval_home, capsys, "--measures", "P@3,nDCG@3,map", "--exclude-simulated")
    assert data["configs"] == ["A", "B"] and data["relevance_level"] == 3
    # Top 3, grades >= 3: A q1 a4 b2 c3, q2 e1 f4 g0, q3 i3 j0 k1; B q1 b2 x0 a4, q2 f4 e1 z3, q3 m4 n2 i3.
    assert mean_of(data, "A", "P@3") == pytest.approx((2 / 3 + 1 / 3 + 1 / 3) / 3)
    assert mean_of(data, "B", "P@3") == pytest.approx((1 / 3 + 2 / 3 + 2 / 3) / 3)
    assert mean_of(data, "A", "P@3", group="pivot") == pytest.approx(2 / 3)
    comparison = next(c for c in data["comparisons"] if c["group"] == "all" and c["measure"] == "P@3")
    assert comparison["mean_delta"] == pytest.approx(1 / 9)
    assert comparison["judged_fraction"] == 1.0


def test_simulated_raters_count_unless_excluded(eval_home, capsys):
    with_sim = report_json(eval_home, capsys, "--measures", "P@3")
    # The simulated rater's 0 pulls every mean grade to 2/3 of the human grade: 4 -> 2.67, nothing reaches 3.
    assert mean_of(with_sim, "A", "P@3") == 0.0
    assert mean_of(with_sim, "A", "P@3") != mean_of(report_json(eval_home, capsys, "--measures", "P@3",
                                                                "--exclude-simulated"), "A", "P@3")


def test_report_text_has_intervals(eval_home, capsys):
    assert main(["eval", "report", "--home", str(eval_home), "--configs", "A,B", "--resamples", "200"]) == 0
    out = capsys.readouterr().out
    assert "delta B - A [95% CI]" in out and " p=" in out and "nDCG@10" in out


def test_report_of_an_unknown_config_is_an_error(eval_home, capsys):
    assert main(["eval", "report", "--home", str(eval_home), "--configs", "A,nope"]) == 2
    assert "nope" in capsys.readouterr().err


def test_report_without_a_store_says_how_to_make_one(tmp_path, capsys):
    assert main(["eval", "report", "--home", str(tmp_path), "--configs", "A"]) == 2
    assert "judgments.duckdb" in capsys.readouterr().err


def test_exported_files_evaluate_like_the_report(eval_home, tmp_path, capsys):
    """export-run + export-qrels, then eval trec, give the report's numbers (the raters agree)."""
    qrels, run = tmp_path / "qrels", tmp_path / "run"
    assert main(["eval", "export-qrels", "--home", str(eval_home), "--out", str(qrels), "--exclude-simulated"]) == 0
    assert main(["eval", "export-run", "--home", str(eval_home), "--config", "A", "--out", str(run)]) == 0
    capsys.readouterr()
    assert sorted(qrels.read_text().splitlines()) == sorted(f"{q} 0 {i} {g}" for (q, i), g in GRADES.items())
    assert run.read_text().splitlines()[0] == "q1 Q0 a 1 1.0 A"
    assert main(["eval", "trec", "--qrels", str(qrels), "--run", str(run), "--level", "3", "--json",
                 "--measures", "P_3,ndcg_cut_3,map"]) == 0
    trec = {row["measure"]: row["value"] for row in map(json.loads, capsys.readouterr().out.splitlines())}
    data = report_json(eval_home, capsys, "--measures", "P@3,nDCG@3,map", "--exclude-simulated")
    assert trec["P_3"] == pytest.approx(mean_of(data, "A", "P@3"), abs=1e-15)
    assert trec["ndcg_cut_3"] == pytest.approx(mean_of(data, "A", "nDCG@3"), abs=1e-15)
    assert trec["map"] == pytest.approx(mean_of(data, "A", "map"), abs=1e-15)


def test_export_run_warns_when_trec_eval_would_reorder(tmp_path, capsys):
    from tests.eval.conftest import build_store

    home = tmp_path / "ws"
    build_store(home / "judgments.duckdb")
    from labels import ConfigRecord, RunResult, open_store

    with open_store(home / "judgments.duckdb") as store:
        tied = [RunResult(1, "b", 0.5), RunResult(2, "a", 0.5)]  # a tie, but trec_eval's order (docid descending) is the stored one
        store.record_run(ConfigRecord("T", "hash-T", "{}"), "q1", tied, model_version="m", index_version="i")
        flipped = [RunResult(1, "a", 0.5), RunResult(2, "b", 0.5)]  # trec_eval would put b first: reordered
        store.record_run(ConfigRecord("T", "hash-T", "{}"), "q2", flipped, model_version="m", index_version="i")
    out = tmp_path / "run"
    assert main(["eval", "export-run", "--home", str(home), "--config", "T", "--out", str(out)]) == 0
    assert "in 1 queries the scores tie" in capsys.readouterr().err
    assert main(["eval", "export-run", "--home", str(home), "--config", "T", "--out", str(out), "--score", "rank"]) == 0
    assert out.read_text().splitlines() == ["q1 Q0 b 1 2.0 T", "q1 Q0 a 2 1.0 T", "q2 Q0 a 1 2.0 T", "q2 Q0 b 2 1.0 T"]


def test_import_qrels_stores_a_pseudo_rater(tmp_path, capsys):
    from labels import open_store

    home = tmp_path / "ws"
    (tmp_path / "qrels").write_text("t1 0 a 3\nt1 0 b 0\nt2 0 a 4\n")
    assert main(["eval", "import-qrels", str(tmp_path / "qrels"), "--home", str(home), "--source", "ext"]) == 0
    assert "imported 3 graded judgments" in capsys.readouterr().out
    with open_store(home / "judgments.duckdb", read_only=True) as store:
        frame = store.judgments_frame(query_set="ext")
    assert sorted(zip(frame["query_id"], frame["item_id"], frame["label"])) == [("t1", "a", 3), ("t1", "b", 0), ("t2", "a", 4)]
    assert set(frame["rater_id"]) == {"qrels:ext"}


def test_agreement_over_the_store(eval_home, capsys):
    assert main(["eval", "agreement", "--home", str(eval_home), "--exclude-simulated", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["cohen_kappa"] == [{"rater_a": "r1", "rater_b": "r2", "n_units": len(GRADES), "kappa": 1.0}]
    assert data["fleiss_kappa"] == 1.0 and data["krippendorff_alpha"] == 1.0
    assert [row["bias"] for row in data["bias"]] == [0.0, 0.0]


@pytest.mark.parametrize("sub", ["trec", "report", "agreement", "export-qrels", "import-qrels", "export-run"])
def test_every_eval_sub_command_has_help(sub, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["eval", sub, "--help"])
    assert exit_info.value.code == 0
    assert sub in capsys.readouterr().out


def test_unknown_measure_lists_the_registry(capsys):
    with pytest.raises(SystemExit):
        main(["eval", "report", "--configs", "A", "--measures", "P@10,foo"])
    assert "unknown measure 'foo'; known: P@k" in capsys.readouterr().err


def test_report_json_states_its_method_and_the_holm_adjustment(eval_home, capsys):
    data = report_json(eval_home, capsys, "--measures", "P@3,map", "--seed", "4", "--alpha", "0.1")
    method = data["method"]
    assert (method["resamples"], method["seed"], method["alpha"], method["comparisons"]) == (500, 4, 0.1, 8)
    assert method["correction"] == "Holm–Bonferroni" and method["level_measures"] == ["P@3", "map"]
    for row in data["comparisons"]:
        assert row["p_adjusted"] >= row["p_value"] and row["significant"] == (row["p_adjusted"] <= 0.1)


@pytest.mark.parametrize("alpha", ["0", "1", "x"])
def test_report_refuses_a_bad_alpha(eval_home, capsys, alpha):
    with pytest.raises(SystemExit):
        main(["eval", "report", "--home", str(eval_home), "--configs", "A,B", "--alpha", alpha])
    assert "alpha must be a number between 0 and 1" in capsys.readouterr().err
