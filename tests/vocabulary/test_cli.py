"""`workbench vocabulary ...`, `ingest --attribute-columns` and `attributes curate` writing the vocabulary."""

import csv
import json

import pytest
from PIL import Image

from engine.vocabulary import load_workspace_vocabulary, read_vocabulary_file
from tests.vocabulary.fixtures import HOME_ENCODER, home_raw
from workbench.cli import main

ITEMS = [("a", "teal", "rattan", "kitchen", "mug"), ("b", "Teal", "wicker", "bedroom", "vase"),
         ("c", "crème", "naturholz", "kitchen", "mug"), ("d", "sage", "rattan", "living room", "lamp")]


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    """A four-item home catalog: images and a CSV with color, material, room and kind columns."""
    root = tmp_path_factory.mktemp("home")
    (root / "images").mkdir()
    with (root / "items.csv").open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["item_id", "image_path", "title", "color", "material", "room", "type"])
        for i, (item, *attrs) in enumerate(ITEMS):
            Image.new("RGB", (8, 8), (40 * i, 90, 120)).save(root / "images" / f"{item}.png")
            out.writerow([item, f"{item}.png", f"{attrs[0]} {attrs[3]}", *attrs])
    return root


@pytest.fixture
def home(tmp_path, catalog, capsys):
    ws = tmp_path / "ws"
    argv = ["ingest", "--home", str(ws), "--images", str(catalog / "images"), "--metadata", str(catalog / "items.csv"),
            "--attribute-columns", "color,material,room", "--product-type", "type"]
    assert main(argv) == 0
    capsys.readouterr()
    return ws


def test_ingest_declares_attribute_columns(home):
    vocab = load_workspace_vocabulary(home)
    assert vocab.family_names == ("color", "material", "type", "room") and vocab.product_type == "type"
    assert vocab.family("color").names == ("teal", "crème", "sage")
    assert vocab.source == "columns:color,material,room"


def test_show_prints_item_counts_hash_and_stale_stages(home, capsys):
    assert main(["vocabulary", "show", "--home", str(home), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    vocab = load_workspace_vocabulary(home)
    assert data["hash"] == vocab.hash and data["product_type"] == "type" and data["stale"] == []
    color = next(f for f in data["families"] if f["name"] == "color")
    assert {v["name"]: v["items"]["catalog"] for v in color["values"]} == {"teal": 2, "crème": 1, "sage": 1}
    # a tagger trained with another vocabulary is reported with the command that refreshes it
    models = home / "models"
    models.mkdir(exist_ok=True)
    (models / "attribute-tagger.safetensors").write_bytes(b"")
    (models / "attribute-tagger.json").write_text(json.dumps({"workspace_vocabulary_hash": "0123"}))
    assert main(["vocabulary", "show", "--home", str(home)]) == 0
    out = capsys.readouterr().out
    assert f"hash {vocab.hash}" in out and "teal" in out and "crème" in out
    assert "stale: tagger was made with vocabulary 0123" in out and "workbench attributes tag" in out


def test_edits_print_the_stages_to_refresh(home, capsys):
    assert main(["vocabulary", "merge", "--home", str(home), "color", "sage", "teal"]) == 0
    out = capsys.readouterr().out
    assert "tagger: workbench attributes tag" in out and "index: workbench index" not in out  # re-read on save
    assert load_workspace_vocabulary(home).canonical("color", "sage") == "teal"
    assert main(["vocabulary", "add-form", "--home", str(home), "material", "rattan", "cane"]) == 0
    assert main(["vocabulary", "rename", "--home", str(home), "room", "living room", "lounge"]) == 0
    assert main(["vocabulary", "drop", "--home", str(home), "material", "naturholz"]) == 0
    vocab = load_workspace_vocabulary(home)
    assert vocab.canonical("material", "cane") == "rattan" and vocab.canonical("room", "living room") == "lounge"
    assert "naturholz" not in vocab.family("material").names
    capsys.readouterr()
    assert main(["vocabulary", "add-form", "--home", str(home), "room", "kitchen", "teal"]) == 2
    assert "'teal' belongs to both color = 'teal' and room = 'kitchen'" in capsys.readouterr().err


def test_export_import_round_trip_and_malformed_files(home, tmp_path, capsys):
    out = tmp_path / "vocab.toml"
    assert main(["vocabulary", "export", "--home", str(home), "--out", str(out)]) == 0
    before = load_workspace_vocabulary(home)
    assert read_vocabulary_file(out) == before and read_vocabulary_file(out).hash == before.hash
    other = tmp_path / "other"
    assert main(["vocabulary", "import", "--home", str(other), str(out)]) == 0
    assert load_workspace_vocabulary(other).hash == before.hash
    text = out.read_text(encoding="utf-8").replace('pivot = "for the {}"', 'pivot = for the {}')
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    capsys.readouterr()
    assert main(["vocabulary", "import", "--home", str(other), str(bad)]) == 2
    err = capsys.readouterr().err
    line = next(n for n, t in enumerate(text.splitlines(), 1) if t.startswith("pivot = for"))
    assert str(bad) in err and f"line {line}" in err and "not valid TOML" in err
    one = tmp_path / "one.toml"
    one.write_text('[families.room.values]\nkitchen = []\n', encoding="utf-8")
    assert main(["vocabulary", "import", "--home", str(other), str(one)]) == 2
    assert "family 'room' has 1 value(s) (kitchen)" in capsys.readouterr().err
    assert load_workspace_vocabulary(other).hash == before.hash  # nothing written by a refused import


def test_from_columns_errors_name_the_column(home, capsys):
    assert main(["vocabulary", "from-columns", "--home", str(home), "--columns", "colour"]) == 2
    assert "attribute column 'colour': no item has a value in it" in capsys.readouterr().err
    assert main(["vocabulary", "from-columns", "--home", str(home), "--columns", "room", "--replace"]) == 0
    assert load_workspace_vocabulary(home).family_names == ("room",)


def test_an_empty_workspace_says_how_to_get_a_vocabulary(tmp_path, capsys):
    assert main(["vocabulary", "show", "--home", str(tmp_path)]) == 0
    assert "workbench vocabulary from-columns" in capsys.readouterr().out
    assert main(["vocabulary", "export", "--home", str(tmp_path)]) == 2


def test_attributes_curate_learns_the_vocabulary_from_keys(tmp_path, monkeypatch, capsys):
    import engine.models.text_encoder as text_encoder

    monkeypatch.setattr(text_encoder, "load_text_encoder", lambda *a, **k: HOME_ENCODER)
    source = tmp_path / "vlm.jsonl"
    by_item = {}
    for a in home_raw():
        by_item.setdefault(a.item_id, []).append({"key": a.key, "value": a.value})
    source.write_text("".join(json.dumps({"item_id": i, "attributes": p}, ensure_ascii=False) + "\n"
                              for i, p in by_item.items()), encoding="utf-8")
    ws = tmp_path / "ws"
    assert main(["attributes", "extract", "--home", str(ws), "--input", str(source)]) == 0
    assert main(["attributes", "curate", "--home", str(ws)]) == 0
    out = capsys.readouterr().out
    assert "family room: keys room, best room (50 items)" in out
    assert "dropped 1 keys on fewer than 2 items: sparkle level (1)" in out
    assert "family 'warranty' has one value" in out
    vocab = load_workspace_vocabulary(ws)
    assert vocab.family_names == ("color", "material", "category", "room", "style")
    assert vocab.canonical("material", "wicker") == "rattan" and vocab.source == f"vlm:{ws / 'attributes' / 'raw.jsonl'}"
    positives = [json.loads(line) for line in (ws / "attributes" / "curated.jsonl").read_text().splitlines()]
    assert {"item_id": "h00", "family": "room", "value": "kitchen", "confidence": 1.0} in positives
    # a re-run keeps the previous file aside
    assert main(["attributes", "curate", "--home", str(ws)]) == 0
    assert (ws / "vocabulary.toml.bak").is_file()


def _vlm_file(tmp_path):
    by_item = {}
    for a in home_raw(extra=False):
        by_item.setdefault(a.item_id, []).append({"key": a.key, "value": a.value})
    source = tmp_path / "vlm.jsonl"
    source.write_text("".join(json.dumps({"item_id": i, "attributes": p}, ensure_ascii=False) + "\n"
                              for i, p in by_item.items()), encoding="utf-8")
    return source


def test_a_rerun_keeps_the_users_merges_and_a_vocabulary_it_did_not_learn(tmp_path, monkeypatch, capsys):
    import engine.models.text_encoder as text_encoder

    monkeypatch.setattr(text_encoder, "load_text_encoder", lambda *a, **k: HOME_ENCODER)
    ws, source = tmp_path / "ws", _vlm_file(tmp_path)
    assert main(["attributes", "extract", "--home", str(ws), "--input", str(source)]) == 0
    assert main(["attributes", "curate", "--home", str(ws)]) == 0
    assert main(["vocabulary", "merge", "--home", str(ws), "color", "teal", "white"]) == 0
    assert main(["attributes", "curate", "--home", str(ws)]) == 0  # learned again: the merge is re-applied
    assert load_workspace_vocabulary(ws).canonical("color", "teal") == "white"
    # a vocabulary from a file is the user's: kept, the learned one written beside the curation files
    exported = tmp_path / "mine.toml"
    assert main(["vocabulary", "export", "--home", str(ws), "--out", str(exported)]) == 0
    assert main(["vocabulary", "import", "--home", str(ws), str(exported)]) == 0
    mine = load_workspace_vocabulary(ws)
    capsys.readouterr()
    assert main(["attributes", "curate", "--home", str(ws)]) == 0
    assert "kept the workspace vocabulary" in capsys.readouterr().out
    assert load_workspace_vocabulary(ws) == mine and (ws / "attributes" / "vocabulary.learned.toml").is_file()
    assert main(["attributes", "curate", "--home", str(ws), "--replace-vocabulary"]) == 0
    assert load_workspace_vocabulary(ws).source.startswith("vlm:")
