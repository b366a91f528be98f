"""The Spanish catalog against the source: every message marked in the code has a Spanish
translation, with the same placeholders, and the template translators work from is current.

The messages are extracted afresh from the source, as `pybabel extract` does with the mapping
in pyproject.toml, so a message added without its translation, or a translation left behind
by a message that changed, fails here and not in front of a user.
"""

from __future__ import annotations

import string
import sys
from collections.abc import Iterator
from functools import cache

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from tests.conftest import REPO

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

SOURCE = REPO / "src" / "cyclemap"
LOCALE = SOURCE / "locale"
TEMPLATE = LOCALE / "cyclemap.pot"
SPANISH = LOCALE / "es" / "LC_MESSAGES" / "cyclemap.po"

Key = tuple[str, str | None]
"""A message's identity in a catalog: its (singular) msgid and its context."""


@cache
def extracted() -> dict[Key, str | tuple[str, ...]]:
    """Every message marked in the source: what `pybabel extract -F pyproject.toml` finds."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    mappings = project["tool"]["babel"]["mappings"]
    method_map = [(mapping["pattern"], mapping["method"]) for mapping in mappings]
    found: dict[Key, str | tuple[str, ...]] = {}
    for _file, _line, message, _comments, context in extract_from_dir(
        str(SOURCE), method_map=method_map
    ):
        singular = message if isinstance(message, str) else message[0]
        found[(singular, context)] = message
    return found


def _catalog(path: object) -> Catalog:
    with open(str(path), "rb") as handle:
        return read_po(handle)


@cache
def spanish() -> Catalog:
    return _catalog(SPANISH)


def _messages(catalog: Catalog) -> Iterator[Message]:
    return (message for message in catalog if message.id)


def _forms(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    assert isinstance(value, (tuple, list))
    return tuple(value)


def placeholders(text: str) -> list[str]:
    """The `{name:spec}` fields of a message, sorted (`{{` and `}}` are literal braces); for
    a message that is not a format string (a YAML parser's words: `expected ',' or '}'`), its
    braces, which the translation must keep as they are."""
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError:
        return sorted(character for character in text if character in "{}")
    return sorted(
        "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
        for _literal, name, spec, conversion in fields
        if name is not None
    )


def test_the_source_marks_messages() -> None:
    assert len(extracted()) > 500  # the extraction itself works (a broken mapping finds none)


def test_every_message_in_the_source_has_a_spanish_translation() -> None:
    catalog = spanish()
    untranslated = []
    for (singular, context), message_id in sorted(extracted().items(), key=str):
        entry = catalog.get(singular, context=context)
        forms = _forms(entry.string) if entry is not None else ()
        if entry is None or not forms or not all(forms) or entry.fuzzy:
            untranslated.append(message_id)
        elif _forms(entry.id) != _forms(message_id):
            untranslated.append(message_id)  # the plural changed in the source
    assert not untranslated, (
        f"{len(untranslated)} messages have no Spanish translation; see "
        "src/cyclemap/locale/README.md:\n" + "\n".join(map(repr, untranslated[:40]))
    )


def test_the_spanish_catalog_holds_nothing_fuzzy_or_stale() -> None:
    catalog = spanish()
    fuzzy = [message.id for message in _messages(catalog) if message.fuzzy]
    stale = [
        message.id
        for message in _messages(catalog)
        if (_forms(message.id)[0], message.context) not in extracted()
    ]
    assert not fuzzy, f"fuzzy translations: {fuzzy}"
    assert not stale, f"translations of messages no longer in the source: {stale}"
    assert not catalog.obsolete


def test_the_template_is_the_source_extracted() -> None:
    in_template = {
        (_forms(message.id)[0], message.context) for message in _messages(_catalog(TEMPLATE))
    }
    assert in_template == set(extracted()), (
        "src/cyclemap/locale/cyclemap.pot is out of date: extract it again "
        "(src/cyclemap/locale/README.md)"
    )


@pytest.mark.parametrize("form", [0, 1], ids=["singular", "plural"])
def test_placeholders_match_their_originals(form: int) -> None:
    mismatched = []
    for message in _messages(spanish()):
        originals = _forms(message.id)
        translations = _forms(message.string)
        if form >= len(translations):
            continue
        original = originals[min(form, len(originals) - 1)]
        if placeholders(translations[form]) != placeholders(original):
            mismatched.append((original, translations[form]))
    assert not mismatched, "\n".join(f"{a!r}\n  -> {b!r}" for a, b in mismatched)


def test_placeholders_are_named() -> None:
    """`{}` and `{0}` depend on the order of the words, which translations change."""
    positional = [
        message.id
        for message in _messages(spanish())
        for text in _forms(message.id)
        if any(field.startswith(("{}", "{0", "{1", "{2", "{:")) for field in placeholders(text))
    ]
    assert not positional


def test_babel_finds_nothing_wrong_in_the_catalog() -> None:
    """Babel's own checks: the plural forms and `%` formats agree with the originals."""
    problems = [
        (message.id, [str(error) for error in errors]) for message, errors in spanish().check()
    ]
    assert not problems


def test_the_placeholder_reader_sees_literal_braces() -> None:
    assert placeholders("inside `{{...}}` {name} and {count:,}") == ["{count:,}", "{name}"]
    assert placeholders("no fields") == []
    assert placeholders("expected ',' or '}'") == ["}"]
