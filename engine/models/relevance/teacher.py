"""The teacher: a cross-encoder fine-tuned from the packaged MiniLM with a 5-way head over (query, item) text.

It reads the formatted query text and the item's enriched text as one BERT pair, and trains by cross-entropy
against the raters' label distribution of each pair. Saved as a Hugging Face folder (save_pretrained), loadable
with AutoModelForSequenceClassification.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from engine.models.quiet_loading import quiet_loading
from engine.models.relevance.examples import GRADES


@dataclass(frozen=True)
class TeacherSettings:
    max_len: int = 96  # tokens of the (query, item) pair; longer item text is truncated
    epochs: int = 3  # 1 epoch reached QWK 0.15, 3 epochs 0.33 on the 3,000-item sample (bench_relevance)
    batch_size: int = 32
    lr: float = 5e-5  # AdamW rate of the pretrained encoder, linear decay
    head_lr: float = 2e-3  # rate of the new head (pooler + classifier): at the encoder's rate it barely moves
    seed: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


def base_model(num_labels: int = GRADES):
    """(model, tokenizer): the packaged MiniLM with a fresh classification head."""
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from engine.models.minilm import minilm_path

    path = minilm_path()
    with quiet_loading():  # the new head's "newly initialized" notice is expected; no weight-loading bar
        model = AutoModelForSequenceClassification.from_pretrained(str(path), num_labels=num_labels)
    return model, AutoTokenizer.from_pretrained(str(path))


def encode_pairs(tokenizer, queries: Sequence[str], items: Sequence[str], max_len: int):
    """The pair batch: [CLS] query [SEP] item [SEP], the item side truncated first."""
    return tokenizer(list(queries), list(items), truncation="longest_first", max_length=max_len, padding=True,
                     return_tensors="pt")


class Teacher:
    def __init__(self, model, tokenizer, max_len: int):
        self.model, self.tokenizer, self.max_len = model, tokenizer, max_len

    def probabilities(self, queries: Sequence[str], items: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """(n, 5) class probabilities."""
        import torch

        self.model.eval()
        out = []
        with torch.inference_mode():
            for start in range(0, len(queries), batch_size):
                batch = encode_pairs(self.tokenizer, queries[start:start + batch_size],
                                     items[start:start + batch_size], self.max_len)
                out.append(torch.softmax(self.model(**batch).logits, dim=1).numpy())
        return np.concatenate(out) if out else np.zeros((0, GRADES), np.float32)

    def save(self, folder: Path) -> None:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        self.model.save_pretrained(str(folder))
        self.tokenizer.save_pretrained(str(folder))


def train_teacher(queries: Sequence[str], items: Sequence[str], targets: np.ndarray,
                  settings: TeacherSettings = TeacherSettings(), model=None, tokenizer=None,
                  progress: bool = False, every_s: float | None = None) -> tuple[Teacher, float]:
    """Fine-tune on pairs against soft targets (n, 5); returns (teacher, seconds). `model`/`tokenizer` default
    to the packaged MiniLM with a new head (tests pass a tiny one). `progress` prints every step; `every_s` prints
    a step at most every that many seconds (a heartbeat for long runs in logs)."""
    import torch

    targets = np.asarray(targets, np.float32)
    if not (len(queries) == len(items) == len(targets)) or targets.shape[1:] != (GRADES,):
        raise ValueError(f"need as many queries, items and (n, {GRADES}) targets, got {len(queries)}, "
                         f"{len(items)} and {targets.shape}")
    torch.manual_seed(settings.seed)
    if model is None:
        model, tokenizer = base_model()
    start = time.perf_counter()
    steps_per_epoch = -(-len(queries) // settings.batch_size)
    total = max(1, steps_per_epoch * settings.epochs)
    head = [p for n, p in model.named_parameters() if n.startswith(("classifier", "bert.pooler"))]
    body = [p for n, p in model.named_parameters() if not n.startswith(("classifier", "bert.pooler"))]
    opt = torch.optim.AdamW([{"params": body, "lr": settings.lr}, {"params": head, "lr": settings.head_lr}],
                            weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda step: max(0.0, 1.0 - step / total))
    rng = np.random.default_rng(settings.seed)
    model.train()
    last_said = time.perf_counter()
    for epoch in range(settings.epochs):
        order = rng.permutation(len(queries))
        for step in range(steps_per_epoch):
            idx = order[step * settings.batch_size:(step + 1) * settings.batch_size]
            batch = encode_pairs(tokenizer, [queries[i] for i in idx], [items[i] for i in idx], settings.max_len)
            logits = model(**batch).logits
            loss = -(torch.from_numpy(targets[idx]) * torch.log_softmax(logits, dim=1)).sum(dim=1).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            due = every_s is not None and time.perf_counter() - last_said >= every_s
            if progress or due:
                last_said = time.perf_counter()
                print(f"teacher epoch {epoch + 1}/{settings.epochs} step {step + 1}/{steps_per_epoch} "
                      f"loss {loss.item():.3f}", flush=True)
    model.eval()
    return Teacher(model, tokenizer, settings.max_len), time.perf_counter() - start


def load_teacher(folder: Path, max_len: int = TeacherSettings.max_len) -> Teacher:
    """A teacher saved by Teacher.save."""
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    folder = Path(folder)
    if not (folder / "config.json").is_file():
        raise FileNotFoundError(f"{folder} holds no relevance teacher; make it with `workbench train relevance`")
    with quiet_loading():
        model = AutoModelForSequenceClassification.from_pretrained(str(folder)).eval()
    return Teacher(model, AutoTokenizer.from_pretrained(str(folder)), max_len)
