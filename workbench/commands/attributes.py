"""`workbench attributes extract | curate | run`: raw attribute extraction, vocabulary curation, and the
whole PinLanding attribute pipeline (extract, curate, then the tagger).

`curate` (and so `run`) learns the attribute families from the raw keys and writes the workspace
vocabulary (WORKSPACE/vocabulary.toml, engine/vocabulary/learn.py documents its defaults); the
previous file is kept as vocabulary.toml.bak.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from workbench.commands.common import home_option, positive_int, unit_interval, workspace_from

RAW, REPORT, VOCABULARY, CURATED = "raw.jsonl", "extraction_report.json", "vocabulary.json", "curated.jsonl"
LEARNED = "vocabulary.learned.toml"  # the learned vocabulary, when the workspace keeps one it did not learn


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
    k = d.keys
    p.add_argument("--min-key-support", type=positive_int, default=None,
                   help=f"items a raw key must appear on to count (default: {k.min_share:g} of the items, at "
                        "least 2); rarer keys are dropped and counted in the report")
    p.add_argument("--merge-contained", action="store_true",
                   help="also merge a value into the one other value of its family it holds as a phrase "
                        "(\"carrara marble\" -> marble, \"marbled\" -> marble); off by default, since a modifier "
                        "can change the value (\"business casual\" is not casual)")
    p.add_argument("--min-family-share", type=unit_interval, default=k.min_family_share,
                   help=f"share of the items a learned family must cover (default {k.min_family_share}); families "
                        f"under {k.general_share} must also not describe only a few product types")
    p.add_argument("--replace-vocabulary", action="store_true",
                   help="make the learned vocabulary the workspace's even when its current one came from a file, "
                        "attribute columns or the sample (by default those are kept and the learned one is written "
                        f"to WORKSPACE/attributes/{LEARNED})")


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
                           description=f"Reads WORKSPACE/attributes/{RAW}; learns the families from its keys (and, once "
                                       "the catalog is ingested, merges values by what the items' own titles, "
                                       "descriptions and tags call them); writes "
                                       f"{VOCABULARY}, {CURATED} and the workspace vocabulary (vocabulary.toml), "
                                       "and prints each stage's distinct values before and after.")
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

        from engine.vocabulary import load_workspace_vocabulary

        extractor = get_extractor("transformers", model_path=args.model,
                                  vocabulary=load_workspace_vocabulary(workspace.root))
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


def _settings(args):
    from dataclasses import replace

    from engine.attributes.curate import CurationSettings

    d = CurationSettings()
    keys = replace(d.keys, min_support=getattr(args, "min_key_support", None),
                   min_family_share=getattr(args, "min_family_share", d.keys.min_family_share))
    return CurationSettings(min_support=args.min_support, threshold=args.threshold, keys=keys,
                            contained=getattr(args, "merge_contained", d.contained))


def curate_step(args, encode=None):
    """Curate the raw attributes, write the curation files and the workspace vocabulary; `encode` replaces MiniLM."""
    from engine.attributes.curate import curate, curated_attributes
    from engine.attributes.extract import read_raw

    workspace = workspace_from(args)
    folder = _folder(args)
    if not (folder / RAW).is_file():
        raise FileNotFoundError(f"no raw attributes at {folder / RAW}; run `workbench attributes extract` first")
    raw = read_raw(folder / RAW)
    settings = _settings(args)
    settings.check()
    if encode is None:
        from engine.models.text_encoder import load_text_encoder

        encode = load_text_encoder().encode
    vocabulary = curate(raw, encode, settings, texts=item_texts(workspace))
    positives = curated_attributes(raw, vocabulary)
    vocabulary.save(folder / VOCABULARY)
    with (folder / CURATED).open("w", encoding="utf-8") as fh:
        for a in positives:
            fh.write(json.dumps(a.to_dict(), ensure_ascii=False) + "\n")
    print("stage        before  after")
    for name, counts in vocabulary.stages.items():
        print(f"{name:<11}  {counts['before']:>6}  {counts['after']:>5}")
    _print_keys(vocabulary.keys)
    print("values per family: " + ", ".join(f"{f} {len(v)}" for f, v in vocabulary.families.items()))
    print(f"{len(positives)} curated item attributes -> {folder / CURATED}")
    write_vocabulary(workspace, vocabulary, positives, source=_source(args, folder),
                     replace_any=getattr(args, "replace_vocabulary", False))
    return vocabulary, positives


def item_texts(workspace) -> dict[str, str] | None:
    """item_id -> title, description and tags of the workspace's items (None before anything is ingested)."""
    from engine.index.store import items_table_exists, open_items_table, read_columns

    if not items_table_exists(workspace):
        return None
    rows = read_columns(open_items_table(workspace), ["item_id", "title", "description", "tags"]).to_pylist()
    return {r["item_id"]: " ".join([r["title"] or "", r["description"] or "", *(r["tags"] or [])]) for r in rows}


def _source(args, folder: Path) -> str:
    given = getattr(args, "input", None)
    return f"vlm:{given}" if given else f"vlm:{folder / RAW}"


def _print_keys(keys: dict) -> None:
    """The learned families with their key variants, and every key or family left out (never silently)."""
    for family, variants in keys.get("families", {}).items():
        print(f"family {family}: keys {', '.join(variants)} ({keys['items'][family]} items)")
    dropped = keys.get("dropped_keys", {})
    if dropped:
        shown = ", ".join(f"{k} ({n})" for k, n in sorted(dropped.items(), key=lambda kv: (-kv[1], kv[0]))[:10])
        print(f"dropped {len(dropped)} keys on fewer than {keys['min_key_support']} items: {shown}"
              + (" ..." if len(dropped) > 10 else "") + " (lower --min-key-support to keep them)")
    rare = keys.get("rare_families", {})
    if rare:
        shown = ", ".join(f"{k} ({n})" for k, n in list(rare.items())[:10])
        print(f"dropped {len(rare)} families on too few of the {keys['n_items']} items: {shown}"
              + (" ..." if len(rare) > 10 else "") + " (lower --min-family-share to keep them)")
    narrow = keys.get("narrow_families", {})
    if narrow:
        print(f"dropped {len(narrow)} families whose values each belong to a few product types (spread under the "
              f"minimum): {', '.join(f'{k} ({v:.2f})' for k, v in narrow.items())}")


def write_vocabulary(workspace, curated, positives, *, source: str, replace_any: bool = False):
    """Save the learned Vocabulary as the workspace's (the old file kept as .bak); print it and what it left out.

    A workspace vocabulary that was not learned from key/value output (a file, attribute columns, the sample)
    is kept unless `replace_any`: the learned one is written beside the curation files instead.
    """
    import shutil

    from engine.vocabulary import dump_vocabulary, load_workspace_vocabulary, vocabulary_path
    from engine.vocabulary.learn import item_counts_of, vocabulary_from_curated

    path = vocabulary_path(workspace.root)
    try:
        previous = load_workspace_vocabulary(workspace.root)
    except ValueError as exc:  # an unreadable file is kept aside, never merged
        print(f"the current {path.name} is not usable ({exc}); it is kept as {path.name}.bak")
        previous = None
    vocab, report = vocabulary_from_curated(curated, item_counts_of(positives), source=source, previous=previous)
    for line in report.lines():
        print(line)
    if vocab.is_empty():
        print("no learned family has two values, so the workspace vocabulary was not written (the tagger uses the "
              f"curated {VOCABULARY}); lower --min-support, or write one (`workbench vocabulary import FILE`)")
        return previous
    summary = (f"{len(vocab.families)} families ({', '.join(vocab.family_names)}), product type "
               f"{vocab.product_type or 'none'}, visible {', '.join(vocab.visible_families) or 'none'}")
    if previous is not None and not previous.is_empty() and not previous.source.startswith("vlm:") and not replace_any:
        learned = _folder_of(workspace) / LEARNED
        learned.write_text(dump_vocabulary(vocab), encoding="utf-8")
        print(f"kept the workspace vocabulary {path} (source {previous.source or 'a file'}, hash {previous.hash}); "
              f"the learned one ({summary}) is in {learned}: adopt it with `workbench vocabulary import {learned}` "
              "or rerun with --replace-vocabulary")
        return previous
    if path.is_file():
        shutil.copyfile(path, path.with_name(path.name + ".bak"))
    from workbench.vocabulary_saving import save_vocabulary

    _, refreshed = save_vocabulary(workspace, vocab)
    print(f"wrote the workspace vocabulary {path} (hash {vocab.hash}): {summary}; edit it with "
          "`workbench vocabulary ...` or by hand"
          + (f"; the index's catalog attributes re-read under it ({refreshed} items changed)"
             if refreshed is not None else ""))
    return vocab


def _folder_of(workspace) -> Path:
    return workspace.root / "attributes"


def run_extract(args: argparse.Namespace) -> int:
    extract_step(args)
    return 0


def run_curate(args: argparse.Namespace) -> int:
    curate_step(args)
    return 0


def run_all(args: argparse.Namespace) -> int:
    from engine.attributes.tagger_run import run_tagger
    from engine.vocabulary import load_workspace_vocabulary

    extract_step(args)
    vocabulary, positives = curate_step(args)
    workspace = workspace_from(args)
    report = run_tagger(workspace, vocabulary, positives, progress=sys.stderr.isatty(),
                        workspace_vocabulary=load_workspace_vocabulary(workspace.root))
    print(report.summary())
    return 0
