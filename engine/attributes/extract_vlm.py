"""The `transformers` extraction backend: a local image-text-to-text model asked for key-value pairs.

The model is loaded from a local folder only (no hub downloads). Each item's image and text go
through one prompt, which asks for the workspace vocabulary's families (their names, and a few values
of each as the example) or, in a workspace with no vocabulary yet, for the keys the model finds useful;
replies are parsed by `replies.parse_pairs`, and replies without pairs are counted as malformed and skipped.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from engine.attributes.extract import ExtractionError, note_problem
from engine.attributes.records import ExtractionReport, RawAttribute
from engine.attributes.replies import MalformedReply, parse_pairs

PROMPT = (
    "You describe a product for a shopping catalog. Look at the image and read the text.\n"
    "Return only a JSON object of normalised attribute key-value pairs: {keys}, "
    "short lowercase values, one value per key, no explanations.\n"
    "{example}"
    "Product text: {text}"
)
# Without a vocabulary the model names the attributes itself; curation learns the families from its keys.
OPEN_KEYS = ("lowercase keys naming the product's attributes (for example its product type, color and material; "
             "use the same key names for every product)")
EXAMPLE_FAMILIES = 4  # families shown in the example object


def prompt_parts(vocabulary=None) -> dict[str, str]:
    """The `keys` and `example` parts of the prompt for a workspace Vocabulary (None or empty: open keys)."""
    if vocabulary is None or vocabulary.is_empty():
        return {"keys": OPEN_KEYS, "example": ""}
    names = [f.name for f in vocabulary.families]
    if vocabulary.product_type in names:  # the product type first, as a model names the product first
        names.remove(vocabulary.product_type)
        names.insert(0, vocabulary.product_type)
    keys = (f"lowercase keys from {', '.join(names)} (add other keys only if clearly useful)")
    example = {n: vocabulary.family(n).values[0].name for n in names[:EXAMPLE_FAMILIES]}
    return {"keys": keys, "example": f"Example: {json.dumps(example, ensure_ascii=False)}\n"}


@dataclass(frozen=True)
class ExtractionItem:
    """What the model sees of one item: its image file and its text (title and description)."""

    item_id: str
    image_path: Path
    text: str


def build_prompt(item: ExtractionItem, vocabulary=None) -> str:
    """The instruction for one item; the image goes beside it as the message's image part."""
    return PROMPT.format(text=" ".join(item.text.split())[:600] or "(none)", **prompt_parts(vocabulary))


def messages_for(item: ExtractionItem, image, vocabulary=None) -> list[dict]:
    """A chat in the image-text-to-text format of transformers' processors and pipelines."""
    return [{"role": "user", "content": [{"type": "image", "image": image},
                                         {"type": "text", "text": build_prompt(item, vocabulary)}]}]


def local_model_folder(path) -> Path:
    """The model folder, checked to be local; never a hub id."""
    if path is None:
        raise ExtractionError("the transformers backend needs --model PATH, a local folder holding an "
                              "image-text-to-text model (config.json and weights); nothing is downloaded")
    folder = Path(path).expanduser()
    if not folder.is_dir() or not (folder / "config.json").is_file():
        raise FileNotFoundError(f"model folder {folder} not found or has no config.json; pass a local "
                                "transformers model folder (hub ids are not downloaded)")
    return folder


class _PipelineModel:
    """Generates one reply per chat with transformers' image-text-to-text pipeline, offline."""

    def __init__(self, folder: Path, max_new_tokens: int):
        from transformers import pipeline

        self.pipe = pipeline("image-text-to-text", model=str(folder), local_files_only=True, device="cpu")
        self.max_new_tokens = max_new_tokens

    def generate(self, messages: list[dict]) -> str:
        out = self.pipe(text=messages, max_new_tokens=self.max_new_tokens, return_full_text=False)
        first = out[0] if isinstance(out, list) else out
        text = first.get("generated_text", "") if isinstance(first, dict) else first
        if isinstance(text, list):  # some versions return the chat with the reply last
            text = text[-1].get("content", "") if text and isinstance(text[-1], dict) else ""
        return str(text)


class TransformersExtractor:
    """Asks an image-text-to-text model for each item's attributes. `model` (with `.generate(messages) -> str`)
    replaces the real pipeline in tests."""

    name = "transformers"

    def __init__(self, model_path=None, *, model=None, max_new_tokens: int = 160, load_image=None, vocabulary=None,
                 **_):
        if model is None:
            model = _PipelineModel(local_model_folder(model_path), max_new_tokens)
        self.model = model
        self.vocabulary = vocabulary  # the workspace Vocabulary whose families the prompt asks for (None: open keys)
        self.load_image = load_image or _open_image
        self.report = ExtractionReport()

    def extract(self, items: Iterable[ExtractionItem] | None = None) -> Iterator[RawAttribute]:
        if items is None:
            raise ExtractionError("the transformers backend needs the items to look at; extract from a workspace")
        self.report = report = ExtractionReport()
        for item in items:
            report.items += 1
            try:
                reply = self.model.generate(messages_for(item, self.load_image(item.image_path), self.vocabulary))
                pairs = parse_pairs(reply)
            except MalformedReply as error:
                note_problem(report, f"item {item.item_id}: {error}")
                continue
            except OSError as error:
                note_problem(report, f"item {item.item_id}: image {item.image_path} unreadable ({error})")
                continue
            report.pairs += len(pairs)
            for key, value in pairs:
                yield RawAttribute(item.item_id, key, value)


def _open_image(path: Path):
    from PIL import Image

    with Image.open(path) as image:
        return image.convert("RGB")


def workspace_items(workspace) -> list[ExtractionItem]:
    """The indexed items of a workspace as extraction inputs."""
    from engine.index.store import open_items_table, read_columns

    rows = read_columns(open_items_table(workspace), ["item_id", "image_path", "title", "description"]).to_pylist()
    return [ExtractionItem(r["item_id"], workspace.root / r["image_path"],
                           ". ".join(t for t in (r["title"], r["description"]) if t)) for r in rows]
