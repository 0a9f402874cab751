"""The runners' plumbing with fake stages: order, overlap of stage A and stage B, bad input, Ray missing."""

import builtins
import threading
import time

import numpy as np
import pytest
from PIL import Image

from engine.attributes.batch.local import columnar_batches, run_overlapped, run_plain
from engine.attributes.batch.ray_runner import INSTALL, RayMissingError, import_ray, run_ray
from engine.attributes.batch.stages import ModelSpec, preprocess

ROWS = [{"item_id": f"i{i}", "image_path": None, "text": f"text {i}"} for i in range(7)]


def test_columnar_batches_split_rows_in_order():
    batches = list(columnar_batches(ROWS, 3))
    assert [b["item_id"] for b in batches] == [["i0", "i1", "i2"], ["i3", "i4", "i5"], ["i6"]]
    assert batches[2] == {"item_id": ["i6"], "image_path": [None], "text": ["text 6"]}
    with pytest.raises(ValueError, match="--batch-size"):
        list(columnar_batches(ROWS, 0))


class Recorder:
    """Slow fake stages that log (stage, batch number, start, end)."""

    def __init__(self, a_seconds=0.05, b_seconds=0.1):
        self.events, self.lock = [], threading.Lock()
        self.a_seconds, self.b_seconds = a_seconds, b_seconds

    def _log(self, stage, batch, start):
        with self.lock:
            self.events.append((stage, int(batch["item_id"][0][1:]) // 2, start, time.perf_counter()))

    def stage_a(self, batch):
        start = time.perf_counter()
        time.sleep(self.a_seconds)
        self._log("A", batch, start)
        return {"item_id": list(batch["item_id"]), "text": [t.upper() for t in batch["text"]]}

    def stage_b(self, batch):
        start = time.perf_counter()
        time.sleep(self.b_seconds)
        self._log("B", batch, start)
        return {"item_id": batch["item_id"], "tagged": [f"[{len(t)}]" for t in batch["text"]]}

    def span(self, stage, n):
        return next((s, e) for st, b, s, e in self.events if st == stage and b == n)


def test_local_runner_overlaps_stage_a_of_the_next_batch_with_stage_b():
    rec = Recorder()
    out = run_overlapped(ROWS, rec.stage_a, rec.stage_b, batch_size=2, prefetch=2)
    assert out == run_plain(ROWS, Recorder(0, 0).stage_a, Recorder(0, 0).stage_b, batch_size=2)
    assert [i for b in out for i in b["item_id"]] == [r["item_id"] for r in ROWS]
    batches = 4  # 7 rows by 2
    for n in range(batches - 1):
        a_next_start, _ = rec.span("A", n + 1)
        b_start, b_end = rec.span("B", n)
        assert a_next_start < b_end  # stage A of batch n+1 began before stage B of batch n ended
    for n in range(1, batches):  # and stage B never waits for more than its own batch's A
        assert rec.span("B", n)[0] >= rec.span("A", n)[1]


def test_plain_runner_does_not_overlap():
    rec = Recorder(0.01, 0.01)
    run_plain(ROWS, rec.stage_a, rec.stage_b, batch_size=2)
    for n in range(3):
        assert rec.span("A", n + 1)[0] >= rec.span("B", n)[1]


def test_local_runner_rejects_bad_settings():
    with pytest.raises(ValueError, match="prefetch"):
        run_overlapped(ROWS, lambda b: b, lambda b: b, prefetch=0)


def test_preprocess_decodes_transforms_and_marks_missing_images(tmp_path):
    Image.new("RGB", (10, 6), (255, 0, 0)).save(tmp_path / "red.png")
    (tmp_path / "bad.png").write_bytes(b"not an image")

    def transform(im):  # 4x4, channels first, scaled to [0, 1]
        return np.asarray(im.resize((4, 4)), np.float32).transpose(2, 0, 1) / 255

    out = preprocess({"item_id": ["a", "b", "c"], "image_path": ["red.png", "bad.png", None],
                      "text": ["x", None, "z"]}, transform=transform, image_root=tmp_path)
    assert out["pixels"].shape == (3, 3, 4, 4)
    assert out["has_image"].tolist() == [True, False, False]
    assert np.allclose(out["pixels"][0, 0], 1.0) and np.allclose(out["pixels"][0, 1:], 0.0)
    assert not out["pixels"][1:].any()
    assert out["text"].tolist() == ["x", "", "z"]
    with pytest.raises(ValueError, match="lacks the columns \\['text'\\]"):
        preprocess({"item_id": [], "image_path": []}, transform=transform, image_root=tmp_path)


def test_missing_ray_names_the_extra_and_the_local_runner(monkeypatch):
    real_import = builtins.__import__

    def no_ray(name, *args, **kwargs):
        if name == "ray" or name.startswith("ray."):
            raise ModuleNotFoundError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ray)
    with pytest.raises(RayMissingError) as caught:
        import_ray()
    assert INSTALL in str(caught.value) and "--runner local" in str(caught.value)
    assert INSTALL == "pip install 'relevance-workbench[ray]'"
    with pytest.raises(ValueError, match="relevance-workbench\\[ray\\]"):  # a ValueError: the CLI prints it
        run_ray(ROWS, lambda b: b, ModelSpec("none.safetensors"))
