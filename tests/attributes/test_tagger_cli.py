"""`train`, `assign` and `evaluate` sub-commands, on a throwaway parser (workbench attributes registers them)."""

import argparse
import json

import pytest

import engine.attributes.tagger_run as tagger_run
from engine.attributes.tagger_assign import read_tagged
from engine.index.store import open_items_table
from tests.attributes.test_tagger_world import make_workspace, positives, vocabulary, world
from tests.fakes import FakeText
from workbench.commands.attributes_tagger import register_tagger


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="workbench attributes")
    register_tagger(p.add_subparsers(dest="action", required=True))
    return p


def run(argv):
    args = parser().parse_args(argv)
    return args.run(args)


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    monkeypatch.setattr(tagger_run, "_text_encoder", lambda _: FakeText(dim=6))
    rows, truth = world(n=60)
    ws = make_workspace(tmp_path / "ws", rows)
    folder = ws.root / "attributes"
    folder.mkdir()
    vocabulary().save(folder / "vocabulary.json")
    (folder / "curated.jsonl").write_text("".join(json.dumps(p.to_dict()) + "\n" for p in positives(truth)))
    return ws


def test_train_assign_evaluate(workspace, capsys):
    home = str(workspace.root)
    assert run(["train", "--home", home, "--epochs", "2", "--target-precision", "0.7", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["calibration"]["target_precision"] == 0.7 and len(report["losses"]) == 2
    assert (workspace.models_dir / "attribute-tagger.safetensors").is_file()
    assert (workspace.models_dir / "attribute-tagger.json").is_file()
    assert run(["assign", "--home", home, "--json"]) == 0
    counts = json.loads(capsys.readouterr().out)
    assert counts["items"] == 60 == len(read_tagged(open_items_table(workspace)))
    assert run(["evaluate", "--home", home]) == 0
    assert "Recall@10" in capsys.readouterr().out


def test_bad_inputs_are_clear_errors(workspace, tmp_path, capsys):
    home = str(workspace.root)
    with pytest.raises(SystemExit):
        run(["train", "--home", home, "--target-precision", "1.5"])
    assert "strictly between 0 and 1" in capsys.readouterr().err
    with pytest.raises(FileNotFoundError, match="vocabulary"):
        run(["train", "--home", home, "--vocabulary", str(tmp_path / "none.json")])
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"item_id": "i000", "family": "size", "value": "xl"}) + "\n")
    with pytest.raises(ValueError, match="family 'size' is unknown to the vocabulary"):
        run(["train", "--home", home, "--positives", str(bad)])
    with pytest.raises(ValueError, match="attribute-tagger.safetensors is missing"):
        run(["assign", "--home", home])


def test_tag_learns_the_workspace_vocabulary_and_assign_refuses_a_changed_one(workspace, capsys):
    from engine.attributes.tagger_checkpoint import read_tagger_meta, workspace_checkpoint
    from engine.vocabulary import merge_value, save_workspace_vocabulary
    from tests.attributes.test_tagger_world import workspace_vocabulary

    home = str(workspace.root)
    vocab = workspace_vocabulary()
    save_workspace_vocabulary(workspace.root, vocab)
    assert run(["tag", "--home", home, "--epochs", "2", "--json"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert json.loads(lines[-1])["items"] == 60  # train's report, then assign's counts
    meta = read_tagger_meta(workspace_checkpoint(workspace))
    assert meta.workspace_vocabulary_hash == vocab.hash and meta.settings["always_top_families"] == ["category"]
    save_workspace_vocabulary(workspace.root, merge_value(vocab, "color", "green", "blue"))
    with pytest.raises(ValueError, match="Refresh it with `workbench attributes tag`"):
        run(["assign", "--home", home])
