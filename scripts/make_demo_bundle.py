"""Remake the committed demo bundle (sample_data/demo_bundle/) from a demo workspace prepared without it.

    .venv/bin/python scripts/make_demo_bundle.py                 # prepares a fresh workspace (about 13 min)
    .venv/bin/python scripts/make_demo_bundle.py --home WS       # WS made by `workbench demo --no-bundle`
    .venv/bin/python scripts/make_demo_bundle.py --vectors-only --home WS   # only the text and image vectors

`--vectors-only` trains nothing and leaves the model checkpoints alone: it rewrites the text and image vector
caches from the index of WS, a demo workspace of the bundle's very catalog and models (prepared with the bundle
or without it: the vectors are the index's either way), and leaves a cache file whose vectors would not change
byte for byte as it is.

Run it after changing the sample generator, the sample image-text model, MiniLM, or a trainer; the test
tests/test_demo_bundle.py fails while the bundle no longer matches the generator or the models.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.workspace import Workspace  # noqa: E402
from workbench.demo_bundle import BUNDLE_DIR, export_bundle, export_vectors  # noqa: E402

N, SEED = 3000, 7  # the default demo's sample


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="a demo workspace prepared with `workbench demo --no-bundle` "
                                                  "(prepared here without the bundle when it is empty or missing)")
    parser.add_argument("--out", type=Path, default=BUNDLE_DIR, help=f"bundle folder (default {BUNDLE_DIR})")
    parser.add_argument("--vectors-only", action="store_true",
                        help="only (re)write the bundle's text and image vector caches from the index of --home "
                             "(a demo workspace of the bundle's catalog and models); trains nothing")
    args = parser.parse_args(argv)
    if args.vectors_only:
        if args.home is None or not (args.home / "sample" / "manifest.json").is_file():
            parser.error("--vectors-only needs --home: a prepared demo workspace (`workbench demo --prepare-only`)")
        report = export_vectors(Workspace(args.home), args.out)
        written, unchanged = (", ".join(report[key]) or "none" for key in ("written", "unchanged"))
        print(f"{args.out}: the vectors of {report['texts']} item texts and {report['images']} image files; "
              f"written: {written}; unchanged: {unchanged}")
        return 0
    if args.home is None:
        args.home = Path(tempfile.mkdtemp(prefix="demo-bundle-"))
    if not (args.home / "sample" / "manifest.json").is_file():
        from workbench.commands.demo import prepare_demo_workspace

        print(f"preparing a demo workspace without the bundle in {args.home}", flush=True)
        prepare_demo_workspace(Workspace(args.home), N, SEED, progress=False, use_bundle=False)
    workspace = Workspace(args.home)
    manifest = json.loads((workspace.sample_dir / "manifest.json").read_text())
    if (manifest["n"], manifest["seed"]) != (N, SEED):
        raise SystemExit(f"{args.home} holds the n={manifest['n']}, seed={manifest['seed']} sample; the demo bundle "
                         f"is made from the default demo's (n={N}, seed={SEED})")
    bundle = export_bundle(workspace, args.out)
    print(f"wrote {args.out}: the vectors of {bundle['texts']} item texts (both text encoders) and "
          f"{bundle['images']} image files (the image model), and the "
          f"{', '.join(bundle['models'])} models; catalog fingerprint {bundle['fingerprint'][:12]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
