"""The language people read cyclemap in: English or Spanish, through gettext catalogs.

Text for people is written in English in the code and marked: `_("...")` where it is shown,
`N_("...")` where it is only named (a constant, a rule's summary) and translated where it is
shown, `ngettext` for counts. The translations live in `locale/<language>/LC_MESSAGES/
cyclemap.po` beside the package, compiled to `cyclemap.mo` when the package is built or
installed; a checkout whose `.po` is newer than its `.mo` (edited since the last install) is
compiled in memory instead, so what a developer edits is what runs.

The language is, first that applies: chosen explicitly (`--lang`, or `chosen_language` from
Python); a document's own (`document_language`: a journey's `language:` for its map and page);
`CYCLEMAP_LANG`; the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`, the first one set). Anything else,
the C locale included, is English. The choice lives in a context variable, so a library caller
(or a test) can switch it for a block without touching the process's environment.

Rule ids, JSON keys, SARIF ids and fingerprints are never translated: only text for people is.
"""

from __future__ import annotations

import contextlib
import gettext
import io
import os
import re
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from functools import cache
from pathlib import Path

DOMAIN = "cyclemap"
SOURCE = "en"
"""The language the messages are written in (the catalogs' msgids)."""
LANGUAGES = ("en", "es")
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")

_chosen: ContextVar[str | None] = ContextVar("cyclemap_chosen_language", default=None)
_document: ContextVar[str | None] = ContextVar("cyclemap_document_language", default=None)


@cache
def supported(value: str | None) -> str | None:
    """The language cyclemap speaks that `value` names (`es`, `es_CO.UTF-8`, `es-419`, `ES`),
    or None (`fr_FR`, `C`, `POSIX`, empty)."""
    if not value:
        return None
    code = re.split(r"[_.@\-:]", value.strip(), maxsplit=1)[0].lower()
    return code if code in LANGUAGES else None


def from_environment(environ: Mapping[str, str] | None = None) -> str:
    """`CYCLEMAP_LANG` when it names a language cyclemap speaks, else the locale's language
    (the first of `LC_ALL`, `LC_MESSAGES`, `LANG` that is set), else English."""
    environ = os.environ if environ is None else environ
    return _language_of(environ.get("CYCLEMAP_LANG"), *map(environ.get, LOCALE_VARIABLES))


@cache
def _language_of(preferred: str | None, *locales: str | None) -> str:
    """The language of those variables' values (asked for every message shown: cached)."""
    chosen = supported(preferred)
    if chosen:
        return chosen
    for value in locales:
        if value:
            return supported(value) or SOURCE
    return SOURCE


def language() -> str:
    """The language text is shown in right now."""
    return _chosen.get() or _document.get() or from_environment()


def chosen() -> str | None:
    """The language chosen explicitly (`--lang`), if any."""
    return _chosen.get()


def choose(value: str | None) -> None:
    """Choose the language for the rest of this context (a worker process at start-up)."""
    _chosen.set(supported(value))


@contextlib.contextmanager
def chosen_language(value: str | None) -> Iterator[str]:
    """Within the block, `value` is the explicitly chosen language (None: none is)."""
    token = _chosen.set(supported(value))
    try:
        yield language()
    finally:
        _chosen.reset(token)


@contextlib.contextmanager
def document_language(value: str | None) -> Iterator[str]:
    """Within the block, a document written in `value` is shown in it, unless a language was
    chosen explicitly: a Spanish journey draws a Spanish map whatever the reader's locale."""
    token = _document.set(supported(value))
    try:
        yield language()
    finally:
        _document.reset(token)


@contextlib.contextmanager
def reader_language() -> Iterator[str]:
    """Within the block, text is for the person running cyclemap again (an error in the
    terminal), even inside a document's `document_language`."""
    token = _document.set(None)
    try:
        yield language()
    finally:
        _document.reset(token)


def _catalog_files(code: str) -> tuple[Path, Path]:
    folder = LOCALE_DIR / code / "LC_MESSAGES"
    return folder / f"{DOMAIN}.mo", folder / f"{DOMAIN}.po"


@cache
def catalog(code: str) -> gettext.NullTranslations:
    """The translations of a language (English: the messages themselves)."""
    if code == SOURCE or code not in LANGUAGES:
        return gettext.NullTranslations()
    compiled, source = _catalog_files(code)
    try:
        if compiled.exists() and (
            not source.exists() or compiled.stat().st_mtime >= source.stat().st_mtime
        ):
            with compiled.open("rb") as handle:
                return gettext.GNUTranslations(handle)
        if source.exists():
            return _compiled_in_memory(source)
    except OSError:
        pass
    return gettext.NullTranslations()


def _compiled_in_memory(source: Path) -> gettext.NullTranslations:
    """A `.po` compiled without writing anything (a checkout edited since it was installed)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with source.open("rb") as handle:
        messages = read_po(handle, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, messages)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def _(message: str) -> str:
    """`message` in the current language."""
    return catalog(language()).gettext(message)


def N_(message: str) -> str:
    """Marks `message` for translation where it is shown, not here."""
    return message


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of a message for `count` things, in the current language."""
    return catalog(language()).ngettext(singular, plural, count)


def pgettext(context: str, message: str) -> str:
    """`message` in the current language, where the same English word means different things
    (`context` tells them apart for translators)."""
    return catalog(language()).pgettext(context, message)


def translated(message: str, code: str) -> str:
    """`message` in the language `code`, whatever the current one."""
    return catalog(code).gettext(message)
