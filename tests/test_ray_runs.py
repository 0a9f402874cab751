"""`workbench eval run --runner ray`: the searches spread over Ray actors give the local runner's runs."""

import shutil

import pytest

from labels import QueryRecord, open_store
from labels.records import RunResult
from workbench.batch_runs import RunOutcome
from workbench.cli import main
from workbench.ray_runs import query_from_text, query_text
from tests.fakes import hide_ray

CONFIGS = "baseline,full_standins"


def test_an_outcome_travels_as_text_bit_identically():
    outcome = RunOutcome([RunResult(1, "a", 0.1 + 0.2, {"image_sim": 1 / 3}), RunResult(2, "b", -2.5e-17)],
                         ["a notice"], {"total": 12.345678901234567})
    back = RunOutcome.from_json(outcome.to_json())
    assert back == outcome and back.results[0].score == 0.1 + 0.2
    assert RunOutcome.from_json(RunOutcome(error="no such item").to_json()).error == "no such item"


def test_a_query_record_travels_as_text():
    query = QueryRecord("q1", "s", "pivot", "in red", "item-1", None, (0.1, 0.2, 0.5, 0.9), {"color": "red"})
    assert query_from_text(query_text(query)) == query
    text_only = QueryRecord("q2", "s", "text", "red dress")
    assert query_from_text(query_text(text_only)) == text_only


def test_without_ray_eval_run_names_the_extra(monkeypatch, tmp_path, capsys):
    from engine.workspace import Workspace

    hide_ray(monkeypatch)
    home = Workspace(tmp_path / "ws").create().root
    assert main(["eval", "run", "--home", str(home), "--configs", "baseline", "--query-set", "qs",
                 "--runner", "ray"]) == 2
    assert "pip install 'relevance-workbench[ray]'" in capsys.readouterr().err


def copy_with_queries(search_context, root) -> list[QueryRecord]:
    """The indexed session workspace without its judgments, and a query set of a dozen queries (one bad)."""
    shutil.copytree(search_context.workspace.root, root, ignore=shutil.ignore_patterns("judgments.duckdb*"))
    items = sorted(search_context.items)
    queries = [QueryRecord(f"p{i}", "mine", "pivot", text, items[i * 7])
               for i, text in enumerate(("in red", "in blue", "striped", "for the beach", "in leather"))]
    queries += [QueryRecord(f"t{i}", "mine", "text", text)
                for i, text in enumerate(("red summer dress", "black leather boots", "plaid wool scarf"))]
    queries += [QueryRecord("img", "mine", "image", None, items[3]),
                QueryRecord("crop", "mine", "image", None, items[5], None, (0.1, 0.1, 0.8, 0.9)),
                QueryRecord("bad", "mine", "pivot", "in red", "no-such-item")]
    with open_store(root / "judgments.duckdb") as store:
        store.add_query_set("mine")
        store.add_queries(queries)
    return queries


def stored_runs(home):
    with open_store(home / "judgments.duckdb", read_only=True) as store:
        frame = store.run_results_frame(CONFIGS.split(","), "mine")
    return frame.drop(columns=["run_id"]).sort_values(["config_name", "query_id", "rank"]).reset_index(drop=True)


@pytest.mark.slow
def test_the_ray_runner_records_the_local_runners_runs(search_context, tmp_path, capsys):
    import ray  # in the test extra

    local_home, ray_home = tmp_path / "local", tmp_path / "ray"
    queries = copy_with_queries(search_context, local_home)
    copy_with_queries(search_context, ray_home)
    args = ["eval", "run", "--configs", CONFIGS, "--query-set", "mine", "--k", "5"]
    assert main([*args, "--home", str(local_home)]) == 3
    local_out = capsys.readouterr().out
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        assert main([*args, "--home", str(ray_home), "--runner", "ray", "--concurrency", "2", "--batch-size", "4"]) == 3
    finally:
        ray.shutdown()
    ray_out = capsys.readouterr().out
    runs = 2 * (len(queries) - 1)
    assert f"recorded {runs} runs; 2 failed" in ray_out and "no-such-item" in ray_out
    assert ray_out == local_out  # the same summary: runs, failures and notices in the same order
    local, remote = stored_runs(local_home), stored_runs(ray_home)
    assert len(local) == runs * 5
    # the same items in the same ranks; scores to float rounding (Ray gives an actor OMP_NUM_THREADS of its CPUs)
    names = ["config_name", "config_hash", "query_id", "query_type", "item_id", "rank"]
    assert local[names].equals(remote[names])
    assert remote["score"].to_numpy() == pytest.approx(local["score"].to_numpy(), abs=1e-5)
