"""`workbench index` end to end with the real models (sample open_clip model and MiniLM)."""

import json
import shutil

import pytest

from workbench.cli import main

pytestmark = pytest.mark.slow


@pytest.fixture
def home(ingested_workspace, tmp_path):
    root = tmp_path / "ws"
    shutil.copytree(ingested_workspace.root, root)
    return root


def test_index_then_reindex_embeds_nothing(home, sample_catalog, capsys):
    log = str(sample_catalog / "search_log")
    assert main(["index", "--home", str(home), "--search-log", log, "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["embedded_images"] == first["items"] > 0 and first["plans"]["image_vec"].startswith("exact")
    assert main(["index", "--home", str(home), "--search-log", log, "--json"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert (second["embedded_images"], second["embedded_texts"], second["unchanged"]) == (0, 0, first["items"])


def test_a_corrupt_image_gives_exit_3_and_is_named(home, capsys):
    from engine.index.store import open_items_table
    from engine.workspace import Workspace

    row = open_items_table(Workspace(home)).to_arrow().select(["item_id", "image_path"]).to_pylist()[0]
    (home / row["image_path"]).write_bytes(b"\x00" * 10)
    assert main(["index", "--home", str(home)]) == 3
    assert row["item_id"] in capsys.readouterr().out


def test_an_unknown_model_lists_the_known_ones(home, capsys):
    assert main(["index", "--home", str(home), "--clip-model", "ViT-Q-99"]) == 2
    err = capsys.readouterr().err
    assert "unknown image-text model 'ViT-Q-99'" in err and "workbench-sample" in err and "ViT-B-32" in err


def test_a_missing_checkpoint_names_the_file_and_remake_command(home, tmp_path, capsys):
    missing = tmp_path / "gone.safetensors"
    assert main(["index", "--home", str(home), "--clip-pretrained", str(missing)]) == 2
    err = capsys.readouterr().err
    assert str(missing) in err and "workbench train clip" in err


def test_indexing_before_ingesting_says_what_to_do(tmp_path, capsys):
    assert main(["index", "--home", str(tmp_path / "empty")]) == 2
    assert "ingest" in capsys.readouterr().err


def test_indexing_without_a_search_log_works_and_engagement_is_neutral(home, capsys):
    from engine.index.store import open_items_table, read_columns
    from engine.workspace import Workspace

    assert not (home / "sample" / "search_log").exists()  # a user's catalog: no log anywhere
    assert main(["index", "--home", str(home), "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["items"] > 0 and "engagement is neutral" in captured.err
    rates = read_columns(open_items_table(Workspace(home)), ["engagement"]).column("engagement").to_pylist()
    assert set(rates) == {1.0}  # COEC's prior: the coec term r / (1 + r) is 0.5 for every item
