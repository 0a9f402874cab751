"""`workbench vocabulary show | import | export | from-columns | merge | rename | drop | add-form`.

The workspace's attribute vocabulary (WORKSPACE/vocabulary.toml): look at it with item counts, replace
it with a file, write it out, build it from attribute columns of the ingested metadata, or edit values.
Every change prints the stages that must be refreshed (engine/vocabulary/stale.py).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from workbench.commands.common import home_option, workspace_from


def register(sub: argparse._SubParsersAction) -> None:
    from engine.vocabulary.edit import EDITS

    p = sub.add_parser("vocabulary", help="the workspace's attribute vocabulary: show, import, export, edit",
                       description="Families, values and surface forms every stage reads (WORKSPACE/vocabulary.toml). "
                                   "Get one from VLM key/value output (`workbench attributes run --input FILE`), "
                                   "from attribute columns (`from-columns`), or from a file (`import`).")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    s = actions.add_parser("show", parents=[home_option()], help="families and values with item counts, hash, stale stages")
    s.add_argument("--json", action="store_true", help="print one JSON object")
    s.set_defaults(run=run_show)
    i = actions.add_parser("import", parents=[home_option()], help="make a vocabulary file the workspace's",
                           description="Check FILE (TOML, as `export` writes it) and make it the workspace vocabulary. "
                                       "An imported vocabulary is the user's: `attributes run` will not replace it "
                                       "unless told to (--replace-vocabulary).")
    i.add_argument("file", type=Path, metavar="FILE")
    i.set_defaults(run=run_import)
    e = actions.add_parser("export", parents=[home_option()], help="write the workspace vocabulary as TOML")
    e.add_argument("--out", type=Path, default=None, help="file to write (default: standard output)")
    e.set_defaults(run=run_export)
    c = actions.add_parser("from-columns", parents=[home_option()], help="families from the items' metadata columns",
                           description="Build families and values from attribute columns of the ingested metadata "
                                       "(columns that are not documented catalog columns are kept in each item's "
                                       "extra JSON). The values are ground truth, usable for evaluation. Families "
                                       "of the current vocabulary with other names are kept.")
    add_column_options(c, "--columns", required=True)
    c.add_argument("--replace", action="store_true", help="drop the current vocabulary's other families")
    c.set_defaults(run=run_from_columns)
    help_of = {"merge": ("VALUE INTO", "VALUE and its forms become surface forms of INTO"),
               "rename": ("OLD NEW", "rename a value; the old name stays a surface form"),
               "drop": ("VALUE", "remove a value and its forms"),
               "add-form": ("VALUE FORM", "read FORM as VALUE")}
    for edit in EDITS:
        args, text = help_of[edit]
        a = actions.add_parser(edit, parents=[home_option()], help=text, description=f"{text}.")
        a.add_argument("family", metavar="FAMILY")
        for name in args.split():
            a.add_argument(name.lower(), metavar=name)
        a.set_defaults(run=run_edit, edit=edit, edit_args=[n.lower() for n in args.split()])


def add_column_options(parser: argparse.ArgumentParser, flag: str, *, required: bool) -> None:
    """--columns / --attribute-columns and --product-type (shared with `workbench ingest`)."""
    parser.add_argument(flag, dest="attribute_columns", type=_names, required=required, default=None,
                        metavar="A,B,...", help="metadata columns that are attribute families, comma-separated "
                                                "(for example color,material,room)")
    parser.add_argument("--product-type", default=None, metavar="COLUMN",
                        help="the column that names what a product is (for example category)")


def _names(text: str) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise argparse.ArgumentTypeError(f"expected comma-separated column names, got {text!r}")
    return names


def _print_refresh(lines) -> None:
    if lines:
        print("refresh the stages made with the old vocabulary:")
        for stage, command in lines:
            print(f"  {stage}: {command}")


def _save(workspace, before, after) -> None:
    from engine.vocabulary.edit import refresh_after_edit
    from workbench.vocabulary_saving import save_vocabulary

    path, refreshed = save_vocabulary(workspace, after)
    print(f"wrote {path} (hash {after.hash}, was {before.hash if not before.is_empty() else 'none'})"
          + (f"; the index's catalog attributes re-read ({refreshed} items changed)" if refreshed is not None else ""))
    _print_refresh(refresh_after_edit(before, after))


def run_import(args: argparse.Namespace) -> int:
    from engine.vocabulary import load_workspace_vocabulary, read_vocabulary_file

    from dataclasses import replace

    workspace = workspace_from(args).create()
    new = replace(read_vocabulary_file(args.file), source=f"file:{args.file}")  # imported: the user's own now
    _save(workspace, load_workspace_vocabulary(workspace.root), new)
    return 0


def run_export(args: argparse.Namespace) -> int:
    from engine.vocabulary import HOW_TO_GET_ONE, dump_vocabulary, load_workspace_vocabulary

    vocab = load_workspace_vocabulary(workspace_from(args).root)
    if vocab.is_empty():
        raise FileNotFoundError(HOW_TO_GET_ONE)
    text = dump_vocabulary(vocab)
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {args.out} (hash {vocab.hash})")
    return 0


def run_from_columns(args: argparse.Namespace) -> int:
    vocab = columns_to_workspace(workspace_from(args), args.attribute_columns, args.product_type,
                                 replace_all=getattr(args, "replace", False))
    for family in vocab.families:
        if family.name in args.attribute_columns or family.name == args.product_type:
            print(f"family {family.name}: {len(family.values)} values ({', '.join(family.names[:8])}"
                  f"{', ...' if len(family.values) > 8 else ''})")
    return 0


def columns_to_workspace(workspace, columns, product_type=None, *, replace_all: bool = False):
    """Build families from the items' columns, merge them into the workspace vocabulary, save; returns it."""
    from engine.vocabulary import load_workspace_vocabulary
    from engine.vocabulary.from_columns import item_extras, merge_vocabularies, vocabulary_from_columns

    before = load_workspace_vocabulary(workspace.root)
    new = vocabulary_from_columns(item_extras(workspace), columns, product_type=product_type,
                                  source="columns:" + ",".join(columns))
    after = new if replace_all or before.is_empty() else merge_vocabularies(before, new)
    _save(workspace, before, after)
    return after


def run_edit(args: argparse.Namespace) -> int:
    from engine.vocabulary import HOW_TO_GET_ONE, load_workspace_vocabulary
    from engine.vocabulary.edit import apply_edit

    workspace = workspace_from(args)
    before = load_workspace_vocabulary(workspace.root)
    if before.is_empty():
        raise FileNotFoundError(HOW_TO_GET_ONE)
    after = apply_edit(before, args.edit, args.family, *(getattr(args, n) for n in args.edit_args))
    _save(workspace, before, after)
    return 0


def run_show(args: argparse.Namespace) -> int:
    from engine.vocabulary.overview import vocabulary_overview

    data = vocabulary_overview(workspace_from(args))
    if args.json:
        print(json.dumps(data, ensure_ascii=False))
        return 0
    if data["hash"] is None:
        print(data["message"])
        return 0
    print(f"{data['path']}: hash {data['hash']}, source {data['source'] or 'unknown'}, "
          f"product type {data['product_type'] or 'none'}")
    sources = data["item_count_sources"]
    if not sources:
        print("(no item counts: no items table, or no item carries these families yet)")
    for family in data["families"]:
        flags = ", ".join(x for x in ("product type" if family["product_type"] else "",
                                      "visible" if family["visible"] else "") if x)
        print(f"\n[{family['name']}]" + (f" ({flags})" if flags else ""))
        print(f"  pivot {family['pivot']!r}; aspects: {', '.join(family['aspects']) or 'none'}")
        header = "  " + f"{'value':24s}" + "".join(f"{s:>9s}" for s in sources) + "  forms"
        print(header)
        for v in family["values"]:
            print("  " + f"{v['name']:24s}" + "".join(f"{v['items'][s]:>9d}" for s in sources)
                  + ("  " + ", ".join(v["forms"]) if v["forms"] else ""))
    for s in data["stale"]:
        print(f"stale: {s['message']}")
    return 0
