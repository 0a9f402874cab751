"""`workbench attributes extract | curate | run`: raw attribute extraction, vocabulary curation, and the
whole PinLanding attribute pipeline (extract, curate, then the tagger)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from workbench.commands.common import home_option, positive_int, workspace_from

RAW, REPORT, VOCABULARY, CURATED = "raw.jsonl", "extraction_report.json", "vocabulary.json", "curated.jsonl"


def _add_extract_options(p: argparse.ArgumentParser) -> None:
    from engine.attributes.extract import DEFAULT_EXTRACTOR, EXTRACTORS

    p.add_argument("--backend", choices=list(EXTRACTORS), default=DEFAULT_EXTRACTOR,
                   help="; ".join(f"{n}: {h}" for n, (_, h) in EXTRACTORS.items()))
    p.add_argument("--input", type=Path, default=None,
                   help="jsonl backend: the raw attribute file (default: WORKSPACE/sample/vlm_attributes.jsonl)")
    p.add_argument("--model", type=Path, default=None, help="transformers backend: a local model folder")


def _add_curate_options(p: argparse.ArgumentParser) -> None:
    from engine.attributes.curate import CurationSettings

    d = CurationSettings()
    p.add_argument("--min-support", type=positive_int, default=None,
                   help=f"items a value must appear on (default: {d.min_share:g} of the items, at least 2)")
    p.add_argument("--threshold", type=float, default=d.threshold,
                   help=f"cosine distance under which values merge (default {d.threshold}; 0: no merging)")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("attributes", help="the attribute pipeline: extract, curate, tag (PinLanding)",
                       description="Extract raw key-value attributes, curate them into a vocabulary per family, "
                                   "and tag items. Outputs go under WORKSPACE/attributes/.")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    e = actions.add_parser("extract", parents=[home_option()], help="extract raw attributes",
                           description=f"Writes WORKSPACE/attributes/{RAW} and {REPORT}.")
    _add_extract_options(e)
    e.set_defaults(run=run_extract)
    c = actions.add_parser("curate", parents=[home_option()], help="curate the raw attributes into a vocabulary",
                           description=f"Reads WORKSPACE/attributes/{RAW}; writes {VOCABULARY} and {CURATED}, and "
                                       "prints each stage's distinct values before and after.")
    _add_curate_options(c)
    c.set_defaults(run=run_curate)
    r = actions.add_parser("run", parents=[home_option()], help="extract, curate, then train and run the tagger",
                           description="The whole pipeline: `extract`, `curate`, then the tagger.")
    _add_extract_options(r)
    _add_curate_options(r)
    r.set_defaults(run=run_all)
    from workbench.commands.attributes_tagger import register_tagger

    register_tagger(actions)


def _folder(args) -> Path:
    return workspace_from(args).root / "attributes"


def extract_step(args) -> Path:
    from engine.attributes.extract import get_extractor, write_raw

    workspace = workspace_from(args)
    if args.backend == "jsonl":
        source = args.input or workspace.sample_dir / "vlm_attributes.jsonl"
        if args.input is None and not source.is_file():
            raise FileNotFoundError(f"no raw attribute file at {source}; pass --input FILE (one "
                                    '{"item_id", "attributes": [{"key", "value"}]} a line)')
        extractor, items = get_extractor("jsonl", path=source), None
    else:
        from engine.attributes.extract_vlm import workspace_items

        extractor = get_extractor("transformers", model_path=args.model)
        items = workspace_items(workspace)
    out = _folder(args) / RAW
    write_raw(extractor.extract(items), out)
    report = extractor.report
    (out.parent / REPORT).write_text(json.dumps({"backend": args.backend, "items": report.items, "pairs": report.pairs,
                                                 "malformed": report.malformed, "problems": report.problems},
                                                indent=1) + "\n", encoding="utf-8")
    print(f"extracted {report.pairs} pairs from {report.items} items ({report.malformed} malformed, skipped) -> {out}")
    for problem in report.problems[:5]:
        print(f"  skipped: {problem}")
    if not report.pairs:
        raise ValueError(f"extraction produced no attributes from {report.items} items; see {out.parent / REPORT}")
    return out


def curate_step(args):
    from engine.attributes.curate import CurationSettings, curate, curated_attributes
    from engine.attributes.extract import read_raw
    from engine.models.text_encoder import load_text_encoder

    folder = _folder(args)
    if not (folder / RAW).is_file():
        raise FileNotFoundError(f"no raw attributes at {folder / RAW}; run `workbench attributes extract` first")
    raw = read_raw(folder / RAW)
    settings = CurationSettings(min_support=args.min_support, threshold=args.threshold)
    settings.check()
    encoder = load_text_encoder() if settings.threshold > 0 else None
    vocabulary = curate(raw, encoder.encode if encoder else None, settings)
    positives = curated_attributes(raw, vocabulary)
    vocabulary.save(folder / VOCABULARY)
    with (folder / CURATED).open("w", encoding="utf-8") as fh:
        for a in positives:
            fh.write(json.dumps(a.to_dict()) + "\n")
    print("stage        before  after")
    for name, counts in vocabulary.stages.items():
        print(f"{name:<11}  {counts['before']:>6}  {counts['after']:>5}")
    print("values per family: " + ", ".join(f"{f} {len(v)}" for f, v in vocabulary.families.items()))
    print(f"{len(positives)} curated item attributes -> {folder / CURATED}")
    return vocabulary, positives


def run_extract(args: argparse.Namespace) -> int:
    extract_step(args)
    return 0


def run_curate(args: argparse.Namespace) -> int:
    curate_step(args)
    return 0


def run_all(args: argparse.Namespace) -> int:
    from engine.attributes.tagger_run import run_tagger

    extract_step(args)
    vocabulary, positives = curate_step(args)
    report = run_tagger(workspace_from(args), vocabulary, positives, progress=sys.stderr.isatty())
    print(report.summary())
    return 0
