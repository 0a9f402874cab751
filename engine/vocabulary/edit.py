"""Edits of a vocabulary: pure functions returning a new, checked Vocabulary (CLI and Admin page share them).

  merge    FAMILY VALUE INTO   VALUE and its forms become surface forms of INTO; VALUE is gone
  rename   FAMILY OLD NEW      the value is called NEW; OLD stays one of its surface forms (text still says it)
  drop     FAMILY VALUE        the value and its forms are gone (a family keeps at least two values)
  add-form FAMILY VALUE FORM   FORM is read as VALUE (a form may belong to one value only)
Every edit changes the vocabulary's hash, so every stage in REFRESH_COMMANDS must be refreshed after it.
"""

from __future__ import annotations

from dataclasses import replace

from engine.vocabulary.errors import VocabularyError
from engine.vocabulary.records import AttributeFamily, AttributeValue, Vocabulary, phrase_key
from engine.vocabulary.stale import REFRESH_COMMANDS

EDITS = ("merge", "rename", "drop", "add-form")  # the edit names, for the CLI and the Admin page


def _with_family(vocab: Vocabulary, family: AttributeFamily) -> Vocabulary:
    families = tuple(family if f.name == family.name else f for f in vocab.families)
    return Vocabulary(families, product_type=vocab.product_type, source=vocab.source)


def _value(vocab: Vocabulary, family: str, value: str) -> tuple[AttributeFamily, AttributeValue]:
    fam = vocab.family(family)
    name = fam.value(value).name if value in fam.names else vocab.canonical(family, value)
    if name is None:
        raise VocabularyError(f"family {family!r} has no value {value!r}; its values are {', '.join(fam.names)}")
    return fam, fam.value(name)


def _forms(*phrases: str, besides: str) -> tuple[str, ...]:
    """Distinct phrases (by phrase_key), without `besides` (the value's own name)."""
    out, seen = [], {phrase_key(besides)}
    for p in phrases:
        if phrase_key(p) not in seen:
            seen.add(phrase_key(p))
            out.append(p)
    return tuple(out)


def merge_value(vocab: Vocabulary, family: str, value: str, into: str) -> Vocabulary:
    """VALUE (and its forms) become surface forms of INTO."""
    fam, source = _value(vocab, family, value)
    _, target = _value(vocab, family, into)
    if source.name == target.name:
        raise VocabularyError(f"{family} = {source.name!r} cannot be merged into itself; name another value")
    merged = replace(target, forms=_forms(*target.forms, *source.surface_forms, besides=target.name))
    values = tuple(merged if v.name == target.name else v for v in fam.values if v.name != source.name)
    return _with_family(vocab, replace(fam, values=values))


def rename_value(vocab: Vocabulary, family: str, old: str, new: str) -> Vocabulary:
    """The value is called NEW; OLD is kept as one of its surface forms."""
    new = " ".join(new.split())
    if not new:
        raise VocabularyError("the new name is empty; give the value a name")
    fam, value = _value(vocab, family, old)
    renamed = AttributeValue(new, _forms(value.name, *value.forms, besides=new))
    return _with_family(vocab, replace(fam, values=tuple(renamed if v.name == value.name else v for v in fam.values)))


def drop_value(vocab: Vocabulary, family: str, value: str) -> Vocabulary:
    """The value and its forms are removed."""
    fam, gone = _value(vocab, family, value)
    if len(fam.values) <= 2:
        raise VocabularyError(f"family {family!r} would be left with one value; a family needs two values. Merge "
                              f"{gone.name!r} into the other value instead, or remove the family from the file")
    return _with_family(vocab, replace(fam, values=tuple(v for v in fam.values if v.name != gone.name)))


def add_form(vocab: Vocabulary, family: str, value: str, form: str) -> Vocabulary:
    """FORM is read as VALUE; a form already elsewhere is an error naming both places."""
    form = " ".join(form.split())
    if not form:
        raise VocabularyError("the surface form is empty; give the phrase to add")
    fam, target = _value(vocab, family, value)
    if phrase_key(form) in {phrase_key(s) for s in target.surface_forms}:
        raise VocabularyError(f"{form!r} is already a surface form of {family} = {target.name!r}")
    added = replace(target, forms=(*target.forms, form))
    return _with_family(vocab, replace(fam, values=tuple(added if v.name == target.name else v for v in fam.values)))


def apply_edit(vocab: Vocabulary, edit: str, family: str, *args: str) -> Vocabulary:
    """One edit by name (EDITS), as the CLI and the Admin page call it."""
    kernels = {"merge": (merge_value, 2), "rename": (rename_value, 2), "drop": (drop_value, 1),
               "add-form": (add_form, 2)}
    if edit not in kernels:
        raise VocabularyError(f"unknown edit {edit!r}; known edits are {', '.join(EDITS)}")
    kernel, arity = kernels[edit]
    if len(args) != arity:
        raise VocabularyError(f"{edit} takes FAMILY and {arity} more argument(s), got {len(args)}")
    return kernel(vocab, family, *args)


def refresh_after_edit(before: Vocabulary, after: Vocabulary) -> list[tuple[str, str]]:
    """(stage, command) for every stage that must be refreshed after the vocabulary changed (none if same hash)."""
    if before.hash == after.hash:
        return []
    # The index's column of catalog values is re-read when the vocabulary is saved (workbench.vocabulary_saving).
    return [(stage, command) for stage, command in REFRESH_COMMANDS.items() if stage != "index"]
