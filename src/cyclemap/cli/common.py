"""What every command shares: its error handling, how it talks to the terminal, and the
options several commands take. The library is imported inside the functions, when a command
runs, so that `cyclemap --help` starts fast.

`command` is the one place errors become messages and exit codes: a `CyclemapError` is told
(`file:line:col: error: ...` with hints for the problems of a file, `cyclemap: error: ...`
otherwise) and exits with its own `exit_code`, whichever command raised it.
"""

from __future__ import annotations

import enum
import functools
import inspect
import os
import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from cyclemap.errors import CyclemapError, Problem
from cyclemap.util.i18n import N_, _, chosen, chosen_language

if TYPE_CHECKING:
    from cyclemap.engine.comparing import ComparisonRun
    from cyclemap.findings import AuditResult


class ReportFormat(str, enum.Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    junit = "junit"
    github = "github"
    markdown = "markdown"


class Language(str, enum.Enum):
    en = "en"
    es = "es"


FormatOption = Annotated[
    ReportFormat, typer.Option("--format", "-f", help=N_("Report format."), case_sensitive=False)
]
OutputOption = Annotated[
    Optional[str],
    typer.Option("--output", "-o", metavar=N_("PATH"), help=N_("Write the report to this file.")),
]
VerboseOption = Annotated[
    bool, typer.Option("--verbose", "-v", help=N_("Also list clean and skipped files."))
]
LanguageOption = Annotated[
    Optional[Language],
    typer.Option(
        "--lang",
        help=N_(
            "Language of the messages, reports and maps: es or en (default: CYCLEMAP_LANG, "
            "else the locale; a map follows its journey's `language:`)."
        ),
        case_sensitive=False,
        show_default=False,
    ),
]


FollowLinksOption = Annotated[
    bool,
    typer.Option(
        "--follow-links",
        help=N_(
            "Follow customers into the journeys each one links to (`to: journey:step`): "
            "figures over the whole cycle, with each journey's part."
        ),
    ),
]
ContextCostOption = Annotated[
    float,
    typer.Option(
        "--context-cost",
        min=0,
        max=1,
        help=N_("Abandonment caused by a `context: lost` handoff (0..1)."),
    ),
]


def command(function: Callable[..., int]) -> Callable[..., None]:
    """A command function (options in, exit code out) as typer runs it: `--lang` added to its
    options, every error it raises told the same way, exiting with its code."""

    @functools.wraps(function)
    def run(*arguments: Any, lang: Language | None = None, **options: Any) -> None:
        from cyclemap.util.files import forget_inputs

        forget_inputs()  # one command, one run (tests run many in one process)
        # `cyclemap --lang es validate` chose it before the command: keep it unless overridden
        with chosen_language(lang.value if lang is not None else chosen()):
            try:
                code = function(*arguments, **options)
            except CyclemapError as error:
                tell_error(error)
                raise typer.Exit(error.exit_code) from None
        raise typer.Exit(code)

    signature = inspect.signature(function, eval_str=True)
    language = inspect.Parameter(
        "lang", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=LanguageOption
    )
    run.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[*signature.parameters.values(), language]
    )
    run.__annotations__ = {
        **{name: parameter.annotation for name, parameter in signature.parameters.items()},
        "lang": LanguageOption,
        "return": None,
    }
    return run


def tell_error(error: CyclemapError) -> None:
    if error.problems:
        tell_problems(error.problems)
    else:
        say(_("cyclemap: error: {error}").format(error=error))


def tell_problems(problems: Iterable[Problem]) -> None:
    """Configuration and load problems as `file:line:col: error: ...` lines with their hints."""
    from cyclemap.reporters.common import advice, see

    for problem in problems:
        where = f"{problem.file}:{problem.line}:{problem.column}" if problem.line else problem.file
        message = _("{where}: error: {message}").format(where=where, message=problem.message)
        say(message + (f"  [{problem.code}]" if problem.code else ""))
        if problem.hint:
            say("    " + _("hint: {hint}").format(hint=advice(problem)))
        elif see(problem):
            say("    " + _("see {where}").format(where=see(problem)))


def say(message: str) -> None:
    """One line for the person at the terminal (standard error), user text made safe in it."""
    from cyclemap.util.text import one_line

    typer.echo(one_line(message), err=True)


def tell(notes: Iterable[str], prefix: str = "") -> None:
    for note in notes:
        say(prefix + note)


def color_for(stream: object) -> bool:
    """Colours only on a terminal, never with NO_COLOR set (https://no-color.org) nor on a
    terminal that says it has none (`TERM=dumb`)."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def emit(text: str, output: Optional[str] = None) -> None:
    """The command's output, to standard output or (atomically) to the file `output`."""
    from cyclemap.util.files import write_output

    if output is None or output == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        write_output(output, text.encode("utf-8"))


def report(
    result: AuditResult,
    output_format: ReportFormat,
    output: Optional[str],
    verbose: bool,
    customers: ComparisonRun | None = None,
) -> int:
    """Show a run's result in the format asked for (with `customers`, what the change does to
    them); its exit code."""
    from cyclemap.reporters import ReportOptions, render

    color = output is None and output_format is ReportFormat.text and color_for(sys.stdout)
    options = ReportOptions(color=color, verbose=verbose, customers=customers)
    emit(render(result, output_format.value, options), output)
    return result.exit_code


def show_problems(result: AuditResult) -> None:
    """The invalid and unreadable files of a run, on standard error, for the commands whose
    standard output is something else (a map, figures)."""
    from cyclemap.reporters import ReportOptions, render

    if result.problems or result.failures:
        text = render(result, "text", ReportOptions(color=color_for(sys.stderr)))
        typer.echo(text, err=True, nl=False)


class ProgressBar:
    """A progress bar on standard error for long runs; invisible for short ones."""

    SHOWN_FROM = 50

    def __init__(self) -> None:
        self._bar: object | None = None
        self._task: object | None = None

    def __call__(self, done: int, total: int) -> None:
        from rich.console import Console
        from rich.progress import Progress

        if total < self.SHOWN_FROM:
            return
        if self._bar is None:
            bar = Progress(console=Console(stderr=True), transient=True)
            bar.start()
            self._bar, self._task = bar, bar.add_task(_("auditing journeys"), total=total)
        assert isinstance(self._bar, Progress)
        self._bar.update(self._task, completed=done)  # type: ignore[arg-type]
        if done >= total:
            self._bar.stop()
