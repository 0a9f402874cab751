"""The store's inbox: writes queued by a process that cannot open the file, applied once by the one that can."""

import json
import subprocess
import sys
import textwrap


from labels import ConfigRecord, QueryRecord, RunResult, StoreLockedError, open_store
from labels.inbox import InboxPoller, RunBatch, outcome, pending_batches, wait_for

CONFIG = ConfigRecord("cfg", "h1", '{"name": "cfg"}')


def seeded(path):
    store = open_store(path)
    store.add_query_set("qs", "")
    store.add_queries([QueryRecord("q1", "qs", "text", "red dress")])
    return store


def queued(path, query_id="q1", items=("a", "b")):
    batch = RunBatch(queued_by="test")
    batch.record_run(CONFIG, query_id, [RunResult(n + 1, i, 1.0 / (n + 1), {"cg": 1.0}) for n, i in enumerate(items)],
                     model_version="m", index_version="i")
    return batch.write(path)


def test_a_queued_batch_is_applied_once_with_its_results(tmp_path):
    path = tmp_path / "judgments.duckdb"
    seeded(path).close()
    batch = queued(path)
    assert pending_batches(path) == [batch] and outcome(batch).state == "waiting"
    with open_store(path) as store:  # a writable open applies what waits
        frame = store.run_results_frame(query_set="qs")
        assert list(frame["item_id"]) == ["a", "b"] and list(frame["rank"]) == [1, 2]
        assert store.apply_inbox() == []
    assert outcome(batch).state == "applied" and pending_batches(path) == []


def test_a_batch_left_behind_after_its_commit_is_not_applied_twice(tmp_path):
    path = tmp_path / "judgments.duckdb"
    store = seeded(path)
    batch = queued(path)
    kept = batch.read_text()
    assert len(store.apply_inbox()) == 1
    batch.write_text(kept)  # as if the process stopped between the commit and deleting the file
    assert len(store.apply_inbox()) == 1  # acknowledged, nothing inserted
    assert len(store.run_results_frame(query_set="qs")) == 2
    store.close()


def test_a_refused_batch_is_set_aside_with_the_reason_and_the_rest_applies(tmp_path):
    path = tmp_path / "judgments.duckdb"
    store = seeded(path)
    bad = queued(path, query_id="nope")
    good = queued(path)
    store.apply_inbox()
    state = outcome(bad)
    assert state.state == "failed" and "nope" in state.detail
    assert (bad.parent / "failed" / bad.name).exists()  # kept, not lost
    assert outcome(good).state == "applied" and len(store.run_results_frame(query_set="qs")) == 2
    store.close()


def test_the_poller_applies_while_the_store_stays_open(tmp_path):
    path = tmp_path / "judgments.duckdb"
    store = seeded(path)
    poller = InboxPoller(store, interval=0.05).start()
    try:
        assert wait_for(queued(path), 10).state == "applied"
    finally:
        poller.stop()
    assert len(store.run_results_frame(query_set="qs")) == 2
    store.close()


def test_another_process_queues_while_this_one_holds_the_file(tmp_path):
    """The real conflict: a second process cannot open the DuckDB file, so it queues; this one applies."""
    path = tmp_path / "judgments.duckdb"
    store = seeded(path)
    script = textwrap.dedent(f"""
        import json
        from labels import ConfigRecord, RunResult, StoreLockedError, open_store
        from labels.inbox import RunBatch
        try:
            open_store({str(path)!r})
        except StoreLockedError:
            batch = RunBatch(queued_by="other process")
            batch.record_run(ConfigRecord("cfg", "h1", '{{"name": "cfg"}}'), "q1", [RunResult(1, "z", 0.5)],
                             model_version="m", index_version="i")
            print(json.dumps(str(batch.write({str(path)!r}))))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)
    written = json.loads(done.stdout.strip().splitlines()[-1])
    assert pending_batches(path)[0].name.endswith(".json") and written.endswith(".json")
    store.apply_inbox()
    assert list(store.run_results_frame(query_set="qs")["item_id"]) == ["z"]
    store.close()


def test_a_file_that_is_not_a_batch_is_set_aside_not_crashed_on(tmp_path):
    path = tmp_path / "judgments.duckdb"
    store = seeded(path)
    from labels.inbox import inbox_dir

    inbox_dir(path).mkdir()
    (inbox_dir(path) / "20260101T000000-x.json").write_text("{not json")
    assert store.apply_inbox() == []
    assert (inbox_dir(path) / "failed" / "20260101T000000-x.error").read_text().startswith("ValueError")
    store.close()


def test_the_locked_error_is_still_raised_for_a_direct_writable_open(tmp_path):
    path = tmp_path / "judgments.duckdb"
    store = seeded(path)
    script = f"from labels import open_store\nopen_store({str(path)!r})"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and StoreLockedError.__name__ in done.stderr
    store.close()
