"""Images an ingest stored for rows it never wrote (killed in between) are removed by the next ingest, and nothing else."""

from __future__ import annotations

import fcntl
import hashlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from engine.catalog import ingest_catalog
from engine.catalog.orphans import LOCK_NAME, PENDING_DIR, IngestJournal, sweep_orphans

from .conftest import ROWS, table_rows, write_csv

REPO = Path(__file__).resolve().parents[2]


def stored_name(image: Path) -> str:
    """Where ingest stores an image: catalog/<sha[:2]>/<sha>.<ext>."""
    sha = hashlib.sha256(image.read_bytes()).hexdigest()
    return f"catalog/{sha[:2]}/{sha}{image.suffix.replace('.jpeg', '.jpg')}"


def ingest_killed_at_second_batch(workspace, images_dir, metadata) -> None:
    """Run an ingest in a child process that kill -9s itself just before writing its second batch."""
    script = textwrap.dedent(f"""
        import os, signal
        from engine.catalog import ingest as ingest_module
        from pathlib import Path
        from engine.workspace import Workspace
        real, calls = ingest_module._upsert, []
        def upsert_or_die(table, records):
            calls.append(records)
            if len(calls) == 2:
                os.kill(os.getpid(), signal.SIGKILL)
            return real(table, records)
        ingest_module._upsert = upsert_or_die
        ingest_module.ingest_catalog(Workspace(Path({str(workspace.root)!r})), {str(images_dir)!r}, {str(metadata)!r},
                                     batch_size=1, progress=False, workers=1)
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == -9


def test_the_next_ingest_removes_what_a_killed_one_left(tmp_path, workspace, images_dir, catalog_csv):
    ingest_killed_at_second_batch(workspace, images_dir, catalog_csv)
    first, orphan = stored_name(images_dir / ROWS[0]["image_path"]), stored_name(images_dir / ROWS[1]["image_path"])
    assert [row["item_id"] for row in table_rows(workspace)] == ["a1"]
    assert (workspace.root / orphan).is_file() and (workspace.root / first).is_file()  # stored, no row points to it
    assert len(list((workspace.catalog_dir / PENDING_DIR).glob("*.txt"))) == 1
    # Not named by any journal: a file of the user's, and an image no row uses that no interrupted ingest stored.
    unjournalled = workspace.root / "catalog" / "ab" / ("ab" + "0" * 62 + ".jpg")
    unjournalled.parent.mkdir(parents=True, exist_ok=True)
    unjournalled.write_bytes(b"old image")
    (workspace.catalog_dir / "notes.txt").write_text("mine")

    report = ingest_catalog(workspace, images_dir, write_csv(tmp_path / "one.csv", ROWS[:1]), progress=False)

    assert report.inserted == 0 and report.unchanged == 1
    assert not (workspace.root / orphan).exists()
    assert (workspace.root / first).is_file() and unjournalled.is_file() and (workspace.catalog_dir / "notes.txt").is_file()
    assert list((workspace.catalog_dir / PENDING_DIR).glob("*.txt")) == []


def test_a_journalled_image_a_row_now_uses_is_kept(workspace, images_dir, catalog_csv):
    ingest_killed_at_second_batch(workspace, images_dir, catalog_csv)
    ingest_catalog(workspace, images_dir, catalog_csv, progress=False)  # sweeps, then stores a2's image again
    assert [row["item_id"] for row in table_rows(workspace)] == ["a1", "a2", "a3"]
    assert all((workspace.root / row["image_path"]).is_file() for row in table_rows(workspace))
    # and a journal naming a referenced image leaves it alone
    name = table_rows(workspace)[1]["image_path"]
    (workspace.catalog_dir / PENDING_DIR / "1-dead.txt").write_text(name + "\n")
    sweep = sweep_orphans(workspace)
    assert (sweep.kept, sweep.removed) == (1, []) and (workspace.root / name).is_file()


def test_journal_lines_that_are_not_stored_names_remove_nothing(tmp_path, workspace):
    outside = tmp_path / "outside"
    outside.mkdir()
    victim = outside / ("cd" + "1" * 62 + ".png")
    victim.write_bytes(b"keep me")
    workspace.create()
    os.symlink(outside, workspace.catalog_dir / "cd")  # a linked folder pointing out of the catalog
    lines = ["../outside/x.png", str(victim), "catalog/../../outside/x.png", f"catalog/cd/{victim.name}",
             "catalog/ab/cd" + "0" * 62 + ".png", "catalog/ab/ab00.png"]
    (workspace.catalog_dir / PENDING_DIR).mkdir()
    (workspace.catalog_dir / PENDING_DIR / "1-dead.txt").write_text("\n".join(lines) + "\n")
    sweep = sweep_orphans(workspace, referenced=[])
    assert sweep.removed == [] and victim.read_bytes() == b"keep me"


def test_half_written_files_are_removed_and_others_kept(workspace):
    folder = workspace.create().catalog_dir / "ef"
    folder.mkdir()
    partial = folder / ("ef" + "2" * 62 + ".jpg.123.456.partial")
    other = folder / "draft.partial"
    partial.write_bytes(b"half")
    other.write_bytes(b"not ours")
    assert sweep_orphans(workspace).partials_removed == 1
    assert not partial.exists() and other.exists()


def test_no_sweep_while_another_ingest_runs(workspace):
    folder = workspace.create().catalog_dir / PENDING_DIR
    folder.mkdir()
    name = "catalog/ab/ab" + "3" * 62 + ".jpg"
    (workspace.root / name).parent.mkdir()
    (workspace.root / name).write_bytes(b"x")
    (folder / "1-dead.txt").write_text(name + "\n")
    with open(folder / LOCK_NAME, "a") as running:  # what a running ingest holds
        fcntl.flock(running, fcntl.LOCK_SH)
        with IngestJournal(workspace) as journal:
            assert "another ingest" in journal.sweep.skipped
        assert (workspace.root / name).is_file()
    with IngestJournal(workspace) as journal:
        assert journal.sweep.removed == [name]
    assert not (workspace.root / name).exists() and list(folder.glob("*.txt")) == []
