"""The command line in the reader's language: `--lang`, and `--help` translated.

The language must be known before anything is parsed, since `--help` may come before
`--lang` (`cyclemap audit -h --lang es`): the group's `main` finds `--lang` among the
arguments first, chooses it for the whole run (`cyclemap.util.i18n`), and translates the
help of every command and option, written in English and marked `N_`, before the parser
shows any of it. The words the command-line library writes itself (`Usage:`, `Options:`,
`[default: ...]`, the type of a value) are translated in the finished help text, and so are
its usage errors (`Missing argument 'rule'.`, `No such option: --nope`), recognised by their
form; a sentence it writes that none of these forms matches is shown as it is.
"""

from __future__ import annotations

import contextlib
import re
import sys
import types
from collections.abc import Iterator, Sequence
from typing import IO, Any

import typer
from typer._click import exceptions as click_errors
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
)
"""Words the command-line library writes in a help page, exactly as it writes them."""

VALUE_TYPES = {
    "<str>": N_("TEXT"),
    "<list[str]>": N_("TEXT"),
    "<path>": N_("PATH"),
    "<list[Path]>": N_("PATHS"),
    "<int range>": N_("INTEGER"),
    "<float range>": N_("NUMBER"),
}
"""The Python type the library shows for an option's value, and the word shown instead."""

_LIBRARY_WORD = re.compile(
    "("
    + "|".join(
        re.escape(word) for word in sorted([*LIBRARY_WORDS, *VALUE_TYPES], key=len, reverse=True)
    )
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
        _translated(parameter, "metavar")  # PATHS, BEFORE: marked N_ where declared
    for subcommand in getattr(command, "commands", {}).values():
        translate_help(subcommand)


def translate_library_words(text: str) -> str:
    """`text` with the library's words translated; the spaces after one shrink or grow so
    that the column of help beside it stays where it was."""

    def replace(match: re.Match[str]) -> str:
        word, spaces = match.group(1), match.group(2)
        shown = _(VALUE_TYPES.get(word, word))
        if len(spaces) >= 2:
            spaces = " " * max(2, len(spaces) + len(word) - len(shown))
        return shown + spaces

    return _LIBRARY_WORD.sub(replace, text)


_USAGE_ERRORS: tuple[tuple[str, str], ...] = tuple(
    (pattern + r"\Z", message)
    for pattern, message in (
        (
            r"Invalid value for (?P<option>.+?): (?P<reason>.*)",
            N_("Invalid value for {option}: {reason}"),
        ),
        (r"Invalid value: (?P<reason>.*)", N_("Invalid value: {reason}")),
        (
            r"(?:Value error, )?(?P<value>.*) is not one of (?P<choices>.*)\.",
            N_("{value} is not one of {choices}."),
        ),
        (r"Missing argument (?P<name>.*)\.", N_("Missing argument {name}.")),
        (r"Missing option (?P<name>.*)\.", N_("Missing option {name}.")),
        (
            r"No such option: (?P<name>\S+) \(Possible options: (?P<options>.*)\)",
            N_("No such option: {name} (possible options: {options})"),
        ),
        (r"No such option: (?P<name>\S+)", N_("No such option: {name}")),
        (r"No such command (?P<name>.*)\.", N_("No such command {name}.")),
        (r"Missing command\.", N_("Missing command.")),
        (
            r"Got unexpected extra arguments? \((?P<arguments>.*)\)",
            N_("Got unexpected extra arguments ({arguments})"),
        ),
        (
            r"Input should be greater than or equal to (?P<limit>\S+)",
            N_("It must be at least {limit}"),
        ),
        (
            r"Input should be less than or equal to (?P<limit>\S+)",
            N_("It must be at most {limit}"),
        ),
        (
            r"Input should be greater than (?P<limit>\S+)",
            N_("It must be greater than {limit}"),
        ),
        (r"Input should be less than (?P<limit>\S+)", N_("It must be less than {limit}")),
        (r"Input should be a valid integer.*", N_("It must be a whole number")),
        (r"Input should be a valid number.*", N_("It must be a number")),
    )
)
"""The usage errors the command-line library writes, by their form, and what to say instead."""


def translate_usage_error(message: str) -> str:
    """The library's usage error `message` in the current language (as it is when its form
    is not one of `_USAGE_ERRORS`); a reason inside it is translated too."""
    for pattern, translation in _USAGE_ERRORS:
        match = re.match(pattern, message, re.DOTALL)  # compiled (and cached) when needed
        if match:
            parts = {
                name: translate_usage_error(value) if name == "reason" else value
                for name, value in match.groupdict().items()
            }
            return _(translation).format(**parts)
    return message


def _show_usage_error(error: Any, file: IO[Any] | None = None) -> None:
    """`UsageError.show`, in the current language."""
    context = error.ctx
    if context is not None:
        hint = ""
        if context.command.get_help_option(context) is not None:
            hint = _("Try '{command} {option}' for help.").format(
                command=context.command_path, option=context.help_option_names[0]
            )
        typer.echo(f"{context.get_usage()}\n{hint}", file=file, err=file is None)
    message = translate_usage_error(error.format_message())
    typer.echo(_("Error: {message}").format(message=message), file=file, err=file is None)


@contextlib.contextmanager
def _usage_errors_localized() -> Iterator[None]:
    """A usage error raised within shows itself in the current language."""
    try:
        yield
    except click_errors.UsageError as error:
        error.show = types.MethodType(_show_usage_error, error)  # type: ignore[method-assign]
        raise


class _LocalizedHelp:
    """Help pages and usage errors in the current language (mixed into the library's command
    classes)."""

    def make_context(self, *arguments: Any, **options: Any) -> Any:
        with _usage_errors_localized():
            return super().make_context(*arguments, **options)  # type: ignore[misc]

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = _(HELP_OPTION)
        return option

    def get_help(self, ctx: Any) -> str:
        return translate_library_words(super().get_help(ctx))  # type: ignore[misc]

    def get_usage(self, ctx: Any) -> str:
        return translate_library_words(super().get_usage(ctx))  # type: ignore[misc]


def _argument_name(parameter: Any) -> str:
    """How an argument is named in help: its (translated) metavar, `...` when it takes
    several values; the library would write `{paths}...` and the value's Python type."""
    name = str(parameter.metavar or parameter.name).upper()
    return name + "..." if parameter.nargs != 1 else name


class LocalizedCommand(_LocalizedHelp, TyperCommand):
    """A command whose help is in the current language, its arguments named in capitals."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for parameter in self.get_params(ctx):
            if parameter.param_type_name != "argument":
                pieces.extend(parameter.get_usage_pieces(ctx))
            elif parameter.required:
                pieces.append(_argument_name(parameter))
            else:
                pieces.append(f"[{_argument_name(parameter)}]")
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        arguments, options = [], []
        for parameter in self.get_params(ctx):
            record = parameter.get_help_record(ctx)
            if record is None:
                continue
            if parameter.param_type_name == "argument":
                arguments.append((_argument_name(parameter), record[1]))
            else:
                options.append(record)
        for title, records in (("Arguments", arguments), ("Options", options)):
            if records:  # the titles are translated with the library's other words
                with formatter.section(title):
                    formatter.write_dl(records)


class LocalizedGroup(_LocalizedHelp, TyperGroup):
    """The `cyclemap` command: chooses the language, then runs as usual."""

    def resolve_command(self, *arguments: Any, **options: Any) -> Any:
        with _usage_errors_localized():  # `No such command`
            return super().resolve_command(*arguments, **options)

    def main(self, args: Sequence[str] | None = None, *rest: Any, **options: Any) -> Any:
        arguments = list(sys.argv[1:] if args is None else args)
        with chosen_language(language_asked(arguments)):
            translate_help(self)
            return super().main(args, *rest, **options)
