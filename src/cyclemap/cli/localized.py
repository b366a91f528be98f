"""The command line in the reader's language: `--lang`, and `--help` translated.

The language must be known before anything is parsed, since `--help` may come before
`--lang` (`cyclemap audit -h --lang es`): the group's `main` finds `--lang` among the
arguments first, chooses it for the whole run (`cyclemap.util.i18n`), and translates the
help of every command and option, written in English and marked `N_`, before the parser
shows any of it. The words the command-line library writes itself (`Usage:`, `Options:`,
`[default: ...]`, the type of a value) are translated in the finished help text.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from typing import Any

from typer.core import TyperCommand, TyperGroup

from cyclemap.util.i18n import N_, _, chosen_language, supported

LANG_OPTION = "--lang"

HELP_OPTION = N_("Show this message and exit.")

LIBRARY_WORDS = (
    N_("Usage:"),
    N_("Options:"),
    N_("Arguments:"),
    N_("Commands:"),
    N_("[OPTIONS]"),
    N_("COMMAND [ARGS]..."),
    N_("[required]"),
    N_("[default:"),
    N_("<str>"),
    N_("<path>"),
    N_("<list[Path]>"),
    N_("<list[str]>"),
    N_("<int range>"),
    N_("<float range>"),
)
"""Words the command-line library writes in a help page, exactly as it writes them."""

_LIBRARY_WORD = re.compile(
    "("
    + "|".join(re.escape(word) for word in sorted(LIBRARY_WORDS, key=len, reverse=True))
    + ")( *)"
)

LIBRARY_HELP = (
    N_("Install completion for the current shell."),
    N_("Show completion for the current shell, to copy it or customize the installation."),
)
"""Help the library gives its own options (shell completion), translated like ours."""

_ORIGINAL = "_cyclemap_english"


def language_asked(arguments: Sequence[str]) -> str | None:
    """The language `--lang X` or `--lang=X` asks for (the last one), before `--`."""
    found = None
    for position, argument in enumerate(arguments):
        if argument == "--":
            break
        if argument == LANG_OPTION and position + 1 < len(arguments):
            found = arguments[position + 1]
        elif argument.startswith(LANG_OPTION + "="):
            found = argument.partition("=")[2]
    return supported(found)


def _translated(owner: object, attribute: str) -> None:
    """Set `owner.attribute` to the translation of its English text (kept aside the first
    time, so a command object translated twice is translated from English both times)."""
    originals: dict[str, str | None] = owner.__dict__.setdefault(_ORIGINAL, {})
    english = originals.setdefault(attribute, getattr(owner, attribute, None))
    if english:
        setattr(owner, attribute, _(english))


def translate_help(command: Any) -> None:
    """The help texts of a command, its options and its subcommands, in the current language."""
    for attribute in ("help", "short_help"):
        _translated(command, attribute)
    for parameter in getattr(command, "params", ()):
        _translated(parameter, "help")
    for subcommand in getattr(command, "commands", {}).values():
        translate_help(subcommand)


def translate_library_words(text: str) -> str:
    """`text` with the library's words translated; the spaces after one shrink or grow so
    that the column of help beside it stays where it was."""

    def replace(match: re.Match[str]) -> str:
        word, spaces = match.group(1), match.group(2)
        shown = _(word)
        if len(spaces) >= 2:
            spaces = " " * max(2, len(spaces) + len(word) - len(shown))
        return shown + spaces

    return _LIBRARY_WORD.sub(replace, text)


class _LocalizedHelp:
    """Help pages in the current language (mixed into the library's command classes)."""

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = _(HELP_OPTION)
        return option

    def get_help(self, ctx: Any) -> str:
        return translate_library_words(super().get_help(ctx))  # type: ignore[misc]

    def get_usage(self, ctx: Any) -> str:
        return translate_library_words(super().get_usage(ctx))  # type: ignore[misc]


class LocalizedCommand(_LocalizedHelp, TyperCommand):
    """A command whose help is in the current language."""


class LocalizedGroup(_LocalizedHelp, TyperGroup):
    """The `cyclemap` command: chooses the language, then runs as usual."""

    def main(self, args: Sequence[str] | None = None, *rest: Any, **options: Any) -> Any:
        arguments = list(sys.argv[1:] if args is None else args)
        with chosen_language(language_asked(arguments)):
            translate_help(self)
            return super().main(args, *rest, **options)
