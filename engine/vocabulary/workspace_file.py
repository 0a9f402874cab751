"""The workspace's vocabulary file: load it once per process, save it atomically, say when it is missing."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from engine.vocabulary.records import EMPTY, Vocabulary
from engine.vocabulary.toml_file import dump_vocabulary, read_vocabulary_file

FILE_NAME = "vocabulary.toml"
HOW_TO_GET_ONE = ("this workspace has no attribute vocabulary yet, so attributes are unknown (search still works on "
                  "embeddings). Make one from your data: `workbench attributes run --input VLM.jsonl` (key/value "
                  "output), `workbench vocabulary from-columns --columns color,material` (attribute columns of "
                  "your metadata), or `workbench vocabulary import FILE`")

_cache: dict[str, tuple[tuple[int, int], Vocabulary]] = {}


def vocabulary_path(root: str | os.PathLike) -> Path:
    return Path(root) / FILE_NAME


def load_workspace_vocabulary(root: str | os.PathLike) -> Vocabulary:
    """The workspace's vocabulary, or the empty one when it has none (re-read only when the file changes)."""
    path = vocabulary_path(root)
    try:
        st = path.stat()
    except FileNotFoundError:
        return EMPTY
    stamp = (st.st_mtime_ns, st.st_size)
    cached = _cache.get(str(path))
    if cached is not None and cached[0] == stamp:
        return cached[1]
    vocab = read_vocabulary_file(path)
    _cache[str(path)] = (stamp, vocab)
    return vocab


def save_workspace_vocabulary(root: str | os.PathLike, vocab: Vocabulary) -> Path:
    """Write the vocabulary file atomically (a crash leaves the old file whole)."""
    path = vocabulary_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".vocabulary-", suffix=".toml", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(dump_vocabulary(vocab))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _cache.pop(str(path), None)
    return path
