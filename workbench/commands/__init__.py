"""Sub-commands of `workbench`; each module exposes `register(subparsers)`."""

from workbench.commands import (app, attributes, collections, demo, generate_sample, index, ingest, raters, search, train,
                                tune, vocabulary)
from workbench.commands import eval as eval_cmd

COMMANDS = (demo, app, generate_sample, ingest, train, index, search, attributes, vocabulary, collections, eval_cmd,
            raters, tune)

__all__ = ["COMMANDS"]
