"""Sub-commands of `workbench`; each module exposes `register(subparsers)`."""

from workbench.commands import app, demo, generate_sample, ingest

COMMANDS = (demo, app, generate_sample, ingest)

__all__ = ["COMMANDS"]
