"""The batch job on a real (tiny) indexed workspace: its runners agree with each other and with the stored-vector path."""

import pytest

from engine.attributes.batch import RUNNERS, UnknownRunnerError, batch_assign
from engine.attributes.batch.job import read_item_rows
from engine.attributes.tagger_assign import read_tagged
from engine.attributes.tagger_run import assign_tagger
from engine.index.store import open_items_table
from tests.attributes.batch.world import DAMAGED, N, build, train


@pytest.fixture(scope="module")
def models():
    from engine.models.clip_encoder import load_clip
    from engine.models.text_encoder import load_text_encoder

    return load_clip(), load_text_encoder()


@pytest.fixture(scope="module")
def tagged_world(tmp_path_factory, models):
    clip, text = models
    workspace, truth = build(tmp_path_factory.mktemp("batch") / "ws", clip, text)
    report = train(workspace, truth, text)
    assert report.held_out_items >= 1 and report.train_items >= 1
    return workspace


def _labels(tagged: dict) -> dict:
    return {i: [(f, v) for f, v, _ in row] for i, row in tagged.items()}


def test_rows_read_for_the_job(tagged_world):
    rows = read_item_rows(open_items_table(tagged_world))
    assert [r["item_id"] for r in rows] == [f"i{i:03d}" for i in range(N)]
    assert rows[4] == {"item_id": "i004", "image_path": "catalog/i004.png", "text": "blue boots no. 4. tags: boots, blue"}
    assert len(read_item_rows(open_items_table(tagged_world), limit=5)) == 5


def test_plain_and_local_runners_equal_the_stored_vector_path_and_write_it(tagged_world, models):
    clip, text = models
    written, stored = assign_tagger(tagged_world, text_encoder=text)
    assert written == N
    expected = {f"i{i:03d}": [] for i in range(N)}  # items tagged with nothing are absent from `stored`
    for a in stored:
        expected.setdefault(a.item_id, []).append((a.family, a.value, a.confidence))
    plain = batch_assign(tagged_world, runner="plain", batch_size=5, write=False, clip=clip, text_encoder=text)
    assert plain.items == N and plain.without_image == 0 and plain.written == 0
    assert _labels(plain.tagged) == {i: [(f, v) for f, v, _ in row] for i, row in expected.items()}
    for item, row in plain.tagged.items():  # re-embedded from the files: the same vectors up to float rounding
        assert [c for _, _, c in row] == pytest.approx([c for _, _, c in expected[item]], abs=2e-3)
    assert "category" in {f for f, _, _ in plain.tagged[DAMAGED]}  # no image: tagged from its text alone
    local = batch_assign(tagged_world, runner="local", batch_size=5, clip=clip, text_encoder=text)
    assert local.tagged == plain.tagged  # same stage functions, same batches: bit-identical
    assert local.written == N
    on_disk = read_tagged(open_items_table(tagged_world))
    assert {i: [(t["family"], t["value"], t["confidence"]) for t in row] for i, row in on_disk.items()} == local.tagged


def test_the_ray_runner_gives_the_same_attributes(tagged_world, models):
    import ray  # in the test extra
    clip, text = models
    plain = batch_assign(tagged_world, runner="plain", batch_size=4, write=False, clip=clip, text_encoder=text)
    try:
        run = batch_assign(tagged_world, runner="ray", batch_size=4, write=False, clip=clip, text_encoder=text,
                           ray_init={"num_cpus": 1, "include_dashboard": False, "log_to_driver": False})
    finally:
        ray.shutdown()
    assert list(run.tagged) == list(plain.tagged)
    assert _labels(run.tagged) == _labels(plain.tagged)
    for item, row in run.tagged.items():
        assert [c for _, _, c in row] == pytest.approx([c for _, _, c in plain.tagged[item]], abs=2e-3)


def test_unknown_runner_names_the_known_ones(tagged_world):
    with pytest.raises(UnknownRunnerError, match="known runners: plain, local, ray"):
        batch_assign(tagged_world, runner="spark")
    assert RUNNERS == ("plain", "local", "ray")


def test_cli_assign_with_a_batch_runner(tagged_world, capsys):
    import argparse
    import json

    from workbench.commands.attributes_tagger import register_tagger

    parser = argparse.ArgumentParser(prog="workbench attributes")
    register_tagger(parser.add_subparsers(dest="action", required=True))
    args = parser.parse_args(["assign", "--home", str(tagged_world.root), "--runner", "local", "--batch-size", "4",
                              "--json"])
    assert args.run(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["runner"], out["items"], out["written"], out["batch_size"]) == ("local", N, N, 4)
    assert out["attributes"] == sum(len(r) for r in read_tagged(open_items_table(tagged_world)).values())
