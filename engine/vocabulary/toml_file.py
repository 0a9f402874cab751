"""`vocabulary.toml`: the human-readable, documented file form of a Vocabulary (parse and write)."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

from engine.vocabulary.errors import VocabularyError
from engine.vocabulary.records import DEFAULT_PIVOT, AttributeFamily, AttributeValue, Vocabulary

HEADER = """\
# The attribute vocabulary of this workspace: every stage (query understanding, zero-shot readings,
# the tagger, the index's attribute columns, attribute boost and fill, collections, early-fusion
# training, the app's chips) reads its families and values from this file. Edit it, then run
# `workbench vocabulary import FILE` (or edit it in place and run `workbench vocabulary show`, which
# checks it and lists the stages to refresh).
#
# product_type: the family that names what a product is (a dress, a mug); optional.
# [families.NAME]  one table per family, in word order: families before the product type are
#                  written before its noun ("red striped shirt"), the others after it.
#   visible = true        the family can be seen in a product's image (read zero-shot, tagged)
#   pivot = "in {}"       how a pivot to a value is phrased ("for the {}", "made of {}")
#   aspects = [...]       words that name the family without a value ("palette", "finish")
# [families.NAME.values]  one line per canonical value: its other surface forms (synonyms,
#                         spellings, plurals). A phrase may belong to one value only.
"""

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_KNOWN_FAMILY_KEYS = {"visible", "pivot", "aspects", "values"}


def _key(name: str) -> str:
    return name if _BARE_KEY.match(name) else json.dumps(name, ensure_ascii=False)


def _string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _strings(values) -> str:
    return "[" + ", ".join(_string(v) for v in values) + "]"


def dump_vocabulary(vocab: Vocabulary) -> str:
    """The TOML text of a vocabulary, with the header that documents the format."""
    lines = [HEADER]
    lines.append(f"# content hash: {vocab.hash}")
    if vocab.source:
        lines.append(f"source = {_string(vocab.source)}  # where it was made from (not part of the hash)")
    if vocab.product_type:
        lines.append(f"product_type = {_string(vocab.product_type)}")
    for family in vocab.families:
        lines += ["", f"[families.{_key(family.name)}]", f"visible = {'true' if family.visible else 'false'}",
                  f"pivot = {_string(family.pivot)}", f"aspects = {_strings(family.aspects)}",
                  "", f"[families.{_key(family.name)}.values]"]
        lines += [f"{_key(v.name)} = {_strings(v.forms)}" for v in family.values]
    return "\n".join(lines) + "\n"


def _line_of(text: str, family: str) -> str:
    """' (line N)' of the family's table header in the text, when it can be found."""
    for number, line in enumerate(text.splitlines(), 1):
        compact = line.replace(" ", "").replace('"', "")
        if compact.startswith(f"[families.{family}]") or compact.startswith(f"[families.{family}.values]"):
            return f" (line {number})"
    return ""


def _strings_of(value, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise VocabularyError(f"{where} must be a list of strings, got {value!r:.80}; write it like [\"a\", \"b\"]")
    return tuple(v.strip() for v in value if v.strip())


def parse_vocabulary(text: str, source: str = "<vocabulary>") -> Vocabulary:
    """Parse and check vocabulary TOML; errors name the file, the line where known, and the fix."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise VocabularyError(f"{source}: not valid TOML: {exc}. Fix that line (strings need double quotes, "
                              "lists square brackets); `workbench vocabulary export` writes a correct example") from None
    unknown = set(data) - {"product_type", "families", "source"}
    if unknown:
        raise VocabularyError(f"{source}: unknown top-level key(s) {', '.join(sorted(unknown))}; "
                              "expected product_type and [families.NAME] tables")
    body = data.get("families", {})
    if not isinstance(body, dict):
        raise VocabularyError(f"{source}: `families` must be tables like [families.color]")
    families = []
    for name, spec in body.items():
        where = f"{source}: family {name!r}{_line_of(text, name)}"
        if not isinstance(spec, dict):
            raise VocabularyError(f"{where}: must be a table with a [families.{name}.values] table")
        extra = set(spec) - _KNOWN_FAMILY_KEYS
        if extra:
            raise VocabularyError(f"{where}: unknown key(s) {', '.join(sorted(extra))}; "
                                  f"known keys are {', '.join(sorted(_KNOWN_FAMILY_KEYS))}")
        values = spec.get("values", {})
        if not isinstance(values, dict):
            raise VocabularyError(f"{where}: values must be a table: [families.{name}.values] with lines "
                                  'like red = ["crimson", "scarlet"]')
        visible = spec.get("visible", False)
        if not isinstance(visible, bool):
            raise VocabularyError(f"{where}: visible must be true or false, got {visible!r}")
        pivot = spec.get("pivot", DEFAULT_PIVOT)
        if not isinstance(pivot, str):
            raise VocabularyError(f"{where}: pivot must be a string like \"in {{}}\", got {pivot!r}")
        try:
            families.append(AttributeFamily(
                name=name.strip(),
                values=tuple(AttributeValue(v.strip(), _strings_of(forms, f"{where}: value {v!r}"))
                             for v, forms in values.items()),
                aspects=_strings_of(spec.get("aspects", []), f"{where}: aspects"),
                visible=visible, pivot=pivot))
        except VocabularyError as exc:
            raise VocabularyError(str(exc) if str(exc).startswith(source) else f"{where}: {exc}") from None
    product_type = data.get("product_type")
    if product_type is not None and not isinstance(product_type, str):
        raise VocabularyError(f"{source}: product_type must be a family name (a string), got {product_type!r}")
    try:
        return Vocabulary(tuple(families), product_type=product_type,
                          source=str(data.get("source") or f"file:{source}"))
    except VocabularyError as exc:
        raise VocabularyError(f"{source}: {exc}") from None


def read_vocabulary_file(path: str | Path) -> Vocabulary:
    """Read and check a vocabulary file; a file that is not UTF-8 is named in the error."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise VocabularyError(f"cannot read the vocabulary file {path}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise VocabularyError(f"{path}: not UTF-8 (byte {exc.start}); save the file as UTF-8") from None
    return parse_vocabulary(text, str(path))
