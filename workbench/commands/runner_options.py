"""The options of commands that run locally or through Ray (`index`, `eval run`): one parent parser."""

from __future__ import annotations

import argparse

from workbench.commands.common import positive_int

RUNNERS = ("local", "ray")
INSTALL = "pip install 'relevance-workbench[ray]'"


def gpus(text: str) -> float:
    """An argparse type: GPUs per Ray actor, 0 or more (fractions share a GPU)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of GPUs, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more GPUs per actor, got {value}")
    return value


def runner_options(actors: str, batch: str, default_batch: int) -> argparse.ArgumentParser:
    """`--runner local|ray` and the Ray settings; `actors` and `batch` say what the actors and a batch are."""
    parent = argparse.ArgumentParser(add_help=False)
    g = parent.add_argument_group("runner (local, or Ray for a cluster)")
    g.add_argument("--runner", choices=RUNNERS, default="local",
                   help=f"local (default): this process; ray: Ray Data over a Ray cluster or a local Ray "
                        f"(`{INSTALL}`)")
    g.add_argument("--batch-size", type=positive_int, default=default_batch,
                   help=f"{batch} per batch of the ray runner (default {default_batch})")
    g.add_argument("--concurrency", type=positive_int, default=1, help=f"{actors} of the ray runner (default 1)")
    g.add_argument("--num-gpus", type=gpus, default=0.0, help="GPUs per actor of the ray runner (default 0)")
    g.add_argument("--ray-address", default=None,
                   help="Ray cluster to join, e.g. auto or ray://HEAD:10001 (default: $RAY_ADDRESS, else a "
                        "local Ray started for the run)")
    return parent


def ray_init(args: argparse.Namespace) -> dict:
    """ray.init keyword arguments of the options (an empty dict: Ray's own default, $RAY_ADDRESS or local)."""
    return {"address": args.ray_address} if args.ray_address else {}
