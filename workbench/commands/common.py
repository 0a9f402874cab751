"""Options shared by several sub-commands."""

from __future__ import annotations

import argparse

from engine.workspace import ENV_VAR, Workspace


def home_option() -> argparse.ArgumentParser:
    """A parent parser holding `--home`, so every command takes it after its own name."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--home",
        default=None,
        help=f"workspace folder (default: ${ENV_VAR}, else ./workspace)",
    )
    return parent


def workspace_from(args: argparse.Namespace) -> Workspace:
    return Workspace.resolve(args.home)


def port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"port must be a whole number, got {text!r}") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"port must be between 1 and 65535, got {value}")
    return value


def unit_interval(text: str) -> float:
    """An argparse type: a number in 0..1 (a share, a confidence, a score)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number in 0..1, got {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a number in 0..1, got {value}")
    return value


def int_at_least(minimum: int):
    """An argparse type: a whole number >= minimum, with an error that repeats the bad value."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected a number of at least {minimum}, got {value}")
        return value

    return parse


positive_int = int_at_least(1)
non_negative_int = int_at_least(0)
