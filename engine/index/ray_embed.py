"""`workbench index --runner ray`: embed through Ray Data, the stages of `attributes assign --runner ray`.

One pass over the items that need a vector: stage A (`decode`, CPU tasks) reads each image and applies the
open_clip image tower's own transform; stage B (`EmbedActor`, `concurrency` actors with `num_gpus` each)
loads open_clip and the text encoder once, from the load specs the index records, and embeds the batch's
images and texts exactly as the local runner does. The driver collects the vectors and `build_index`
writes them by `item_id`. On a cluster: `ray.init(address=...)` (`--ray-address auto`), with the workspace's
images and the model files at the same paths on every worker. Ray is optional:
`pip install 'relevance-workbench[ray]'`.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

import numpy as np

from engine.attributes.batch.ray_runner import import_ray
from engine.index.build import Embedded

RUNNERS = ("local", "ray")  # `workbench index --runner`: local embeds in this process (build_index's default)
INPUT_COLUMNS = ("item_id", "image_path", "embed_image", "text", "embed_text")


@dataclass(frozen=True)
class EmbedSpec:
    """How an actor loads the index's models (picklable: it travels to the Ray actors)."""

    clip: dict = field(default_factory=dict)  # ClipSpec fields: the index's load spec "clip"
    text: dict = field(default_factory=dict)  # load_text_encoder kwargs: the index's load spec "text"
    clip_key: str = ""  # identity key of the driver's clip model; an actor that loads another model stops
    text_key: str = ""  # the same for the text encoder
    threads: int = 0  # torch CPU threads in each actor (0: leave torch's default)
    device: str = "cpu"  # where an actor runs the models: "cuda" when it was given GPUs (RayEmbedder sets it)

    @classmethod
    def of(cls, load_specs: Mapping, clip_identity, text_identity, *, threads: int = 0) -> EmbedSpec:
        """The spec of the driver's models, from `build_index`'s load_specs ({"clip": {...}, "text": {...}})."""
        missing = [role for role in ("clip", "text") if role not in load_specs]
        if missing:
            raise ValueError(f"the ray runner loads the models in its actors from their load specs, and {missing} "
                             "lack one; pass load_specs={'clip': asdict(ClipSpec(...)), 'text': {...}}")
        # the text model's path is its name (in its identity), so it stays as given
        clip = _absolute(load_specs["clip"], ("pretrained", "config"))
        return cls(clip, dict(load_specs["text"]), clip_identity.key(), text_identity.key(), threads)


def _absolute(spec: Mapping, keys: Sequence[str]) -> dict:
    """The spec with its paths that exist here made absolute: a Ray worker may start in another folder."""
    out = dict(spec)
    for key in keys:
        if out.get(key) and Path(out[key]).exists():
            out[key] = str(Path(out[key]).resolve())
    return out


def load_encoders(spec: EmbedSpec):
    """(clip, text_encoder) as the spec says, checked against the driver's identities."""
    from engine.models.clip_encoder import ClipSpec, load_clip
    from engine.models.text_encoder import load_text_encoder

    if spec.threads:
        import torch

        torch.set_num_threads(spec.threads)
    if spec.device != "cpu":
        import torch

        if spec.device.startswith("cuda") and not torch.cuda.is_available():
            raise ValueError(f"the embedding actor was given GPUs (device {spec.device!r}) but torch sees no CUDA "
                             "device on this worker; install a CUDA build of torch there, or pass --num-gpus 0")
    clip, text = load_clip(ClipSpec(**spec.clip)), load_text_encoder(**spec.text)
    if spec.device != "cpu":
        clip.model.to(spec.device)
        text.model.to(spec.device)
    for role, got, want in (("clip", clip.identity.key(), spec.clip_key), ("text", text.identity.key(), spec.text_key)):
        if want and got != want:
            raise ValueError(f"a Ray worker loaded the {role} model {got}, but the driver's is {want}: give every "
                             "worker the same model files at the same paths")
    return clip, text


def index_rows(texts: Mapping[str, str], image_rows: Sequence[Mapping]) -> list[dict]:
    """One input row per item that needs a text or an image vector, by item_id."""
    images = {str(r["item_id"]): r.get("image_path") for r in image_rows}
    return [{"item_id": item, "image_path": images.get(item), "embed_image": item in images,
             "text": texts.get(item, ""), "embed_text": item in texts} for item in sorted(set(texts) | set(images))]


def decode(batch: Mapping, *, transform, image_root: str) -> dict:
    """Stage A: open, convert and transform each wanted image as `embed_images` does; a failure is a problem."""
    from PIL import Image

    from engine.attributes.batch.stages import _image_size
    from engine.models.image_rgb import as_rgb

    n = len(batch["item_id"])
    pixels: list = [None] * n
    problems = [""] * n
    for i, (rel, wanted) in enumerate(zip(batch["image_path"], batch["embed_image"])):
        if not wanted:
            continue
        path = Path(image_root) / (rel or "")
        try:
            with Image.open(path) as im:
                rgb = im.convert("RGB")
        except (OSError, ValueError, Image.DecompressionBombError) as exc:
            problems[i] = f"cannot read {path}: {exc}"
            continue
        pixels[i] = np.asarray(transform(as_rgb(rgb)), dtype=np.float32)
    shape = next((p.shape for p in pixels if p is not None), (3, *_image_size(transform)))
    block = np.zeros((n, *shape), dtype=np.float32)
    for i, p in enumerate(pixels):
        if p is not None:
            block[i] = p
    return {"item_id": np.array([str(i) for i in batch["item_id"]], dtype=object), "pixels": block,
            "has_image": np.array([p is not None for p in pixels], dtype=bool),
            "problem": np.array(problems, dtype=object),
            "text": np.array(["" if t is None else str(t) for t in batch["text"]], dtype=object),
            "embed_text": np.asarray(batch["embed_text"], dtype=bool)}


class EmbedActor:
    """Stage B in a Ray actor: the encoders are loaded once, in __init__."""

    def __init__(self, spec: EmbedSpec):
        self.clip, self.text_encoder = load_encoders(spec)

    def __call__(self, batch: Mapping) -> dict:
        return embed_batch(batch, self.clip, self.text_encoder)


def embed_batch(batch: Mapping, clip, text_encoder) -> dict:
    """Image vectors (zeros where none), CLIP text and text-encoder vectors (zeros where not wanted) of a batch."""
    import torch

    has_image, wanted = np.asarray(batch["has_image"], bool), np.asarray(batch["embed_text"], bool)
    n = len(has_image)
    image = np.zeros((n, clip.identity.dim), np.float32)
    if has_image.any():
        with torch.inference_mode():
            pixels = torch.from_numpy(np.ascontiguousarray(np.asarray(batch["pixels"], np.float32)[has_image]))
            features = clip.model.encode_image(pixels.to(clip.device))
            image[has_image] = torch.nn.functional.normalize(features, dim=-1).cpu().numpy()
    clip_text = np.zeros((n, clip.identity.dim), np.float32)
    text = np.zeros((n, text_encoder.identity.dim), np.float32)
    if wanted.any():
        texts = [str(t) for t in np.asarray(batch["text"], dtype=object)[wanted]]
        clip_text[wanted] = clip.encode_texts(texts)
        text[wanted] = text_encoder.encode(texts)
    return {"item_id": np.asarray(batch["item_id"], dtype=object), "has_image": has_image,
            "problem": np.asarray(batch["problem"], dtype=object), "embed_text": wanted,
            "image_vec": image, "clip_text_vec": clip_text, "text_vec": text}


class RayEmbedder:
    """`build_index(..., embedder=RayEmbedder(spec, transform))`: both stages through Ray Data.

    Starts a local Ray (with `init` kwargs, e.g. {"address": "auto"} for a cluster) unless one is running.
    """

    def __init__(self, spec: EmbedSpec, transform, *, batch_size: int = 64, concurrency: int = 1,
                 num_gpus: float = 0, init: dict | None = None, task_cpus: float = 0.25, actor_cpus: float = 0.5):
        if batch_size < 1 or concurrency < 1:
            raise ValueError(f"batch size ({batch_size}) and concurrency ({concurrency} embedding actors) must be "
                             "at least 1")
        if num_gpus < 0:
            raise ValueError(f"num_gpus must be 0 or more GPUs per actor, got {num_gpus}")
        if task_cpus == actor_cpus:  # the same share would let Ray Data fuse decoding into the actors
            raise ValueError(f"task_cpus and actor_cpus are both {task_cpus}; give the two stages different shares")
        import_ray()  # fail before any embedding when Ray is absent
        if num_gpus > 0 and spec.device == "cpu":  # an actor given a GPU runs its models there
            spec = replace(spec, device="cuda")
        self.spec, self.transform = spec, transform
        self.batch_size, self.concurrency, self.num_gpus = batch_size, concurrency, num_gpus
        self.init, self.task_cpus, self.actor_cpus = init, task_cpus, actor_cpus

    def __call__(self, root: Path, texts: Mapping[str, str], image_rows: Sequence[Mapping], *, progress: bool,
                 seconds: dict[str, float]) -> Embedded:
        t0 = time.perf_counter()
        out = Embedded()
        rows = index_rows(texts, image_rows)
        if rows:
            for batch in self._run(rows, str(Path(root).resolve()), progress):
                self._collect(batch, out)
        order = {str(r["item_id"]): n for n, r in enumerate(image_rows)}  # the local runner's order
        out.problems.sort(key=lambda p: order[p[0]])
        seconds["embed"] = time.perf_counter() - t0
        return out

    def _run(self, rows: list[dict], root: str, progress: bool):
        ray = import_ray()
        if not ray.is_initialized():
            ray.init(**({"include_dashboard": False, "log_to_driver": False} | (self.init or {})))
        ray.data.DataContext.get_current().enable_progress_bars = progress
        ds = ray.data.from_items(rows)
        ds = ds.map_batches(partial(decode, transform=self.transform, image_root=root), batch_size=self.batch_size,
                            batch_format="numpy", num_cpus=self.task_cpus)
        ds = ds.map_batches(EmbedActor, fn_constructor_args=(self.spec,), batch_size=self.batch_size,
                            batch_format="numpy", compute=ray.data.ActorPoolStrategy(size=self.concurrency),
                            num_gpus=self.num_gpus, num_cpus=self.actor_cpus)
        return ds.iter_batches(batch_size=None, batch_format="numpy")

    @staticmethod
    def _collect(batch: Mapping, out: Embedded) -> None:
        for i, item in enumerate(str(x) for x in batch["item_id"]):
            if batch["embed_text"][i]:
                out.clip_text[item] = np.asarray(batch["clip_text_vec"][i], np.float32)
                out.text[item] = np.asarray(batch["text_vec"][i], np.float32)
            if batch["has_image"][i]:
                out.images[item] = np.asarray(batch["image_vec"][i], np.float32)
            elif batch["problem"][i]:
                out.problems.append((item, str(batch["problem"][i])))
