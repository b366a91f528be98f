"""What every command shares: its error handling, how it talks to the terminal, and the
options several commands take. The library is imported inside the functions, when a command
runs, so that `cyclemap --help` starts fast.

`command` is the one place errors become messages and exit codes: a `CyclemapError` is told
(`file:line:col: error: ...` with hints for the problems of a file, `cyclemap: error: ...`
otherwise) and exits with its own `exit_code`, whichever command raised it. What does not need
typer lives in `cyclemap.terminal` (the launcher's quick path uses it too) and is re-exported.
"""

from __future__ import annotations

import enum
import functools
import inspect
import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from cyclemap.terminal import ReportFormat as ReportFormat
from cyclemap.terminal import color_for as color_for
from cyclemap.terminal import emit as emit
from cyclemap.terminal import execute
from cyclemap.terminal import report as report
from cyclemap.terminal import say as say
from cyclemap.terminal import tell_error as tell_error
from cyclemap.terminal import tell_problems as tell_problems
from cyclemap.util.i18n import N_, _, chosen

if TYPE_CHECKING:
    from cyclemap.findings import AuditResult


class Language(str, enum.Enum):
    en = "en"
    es = "es"


FormatOption = Annotated[
    ReportFormat, typer.Option("--format", "-f", help=N_("Report format."), case_sensitive=False)
]
OutputOption = Annotated[
    Optional[str], typer.Option("--output", "-o", help=N_("Write the report to this file."))
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
        # `cyclemap --lang es validate` chose it before the command: keep it unless overridden
        spoken = lang.value if lang is not None else chosen()
        raise typer.Exit(execute(function, spoken, *arguments, **options))

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


def tell(notes: Iterable[str], prefix: str = "") -> None:
    for note in notes:
        say(prefix + note)


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
