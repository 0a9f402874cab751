"""Loading packaged or user weights without noise: no "Loading weights" bars, no load reports for expected cases."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator


@contextlib.contextmanager
def quiet_loading() -> Iterator[None]:
    """Silence open_clip's "initialized partially", transformers' load report and its weight-loading progress
    bar (every `workbench search` printed two) for the duration; errors still raise."""
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        import transformers
        from transformers.utils import logging as hf_logging

        previous = transformers.logging.get_verbosity()
        bars = hf_logging.is_progress_bar_enabled()
        transformers.logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
    except ImportError:  # pragma: no cover
        previous = bars = None
    try:
        yield
    finally:
        root.setLevel(level)
        if previous is not None:
            transformers.logging.set_verbosity(previous)
            if bars:
                hf_logging.enable_progress_bar()
