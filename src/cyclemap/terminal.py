"""What a command says to the terminal and how it ends, without the command-line library.

The typer application (`cyclemap.cli`) and the launcher's quick path for the common commands
(`cyclemap.launcher`) both run a command through `execute` and show its report through
`report`, so a command says the same things and ends with the same exit code whichever way
it was started; neither needs typer, which costs more to import than a small file takes to
validate.
"""

from __future__ import annotations

import enum
import os
import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Optional

from cyclemap.errors import CyclemapError, Problem
from cyclemap.util.i18n import _, chosen_language

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


def execute(
    function: Callable[..., int], language: str | None, *arguments: Any, **options: Any
) -> int:
    """Run a command function (options in, exit code out) in `language`; a `CyclemapError` it
    raises is told (`tell_error`) and ends it with the error's own exit code."""
    from cyclemap.util.files import forget_inputs

    forget_inputs()  # one command, one run (tests run many in one process)
    with chosen_language(language):
        try:
            return function(*arguments, **options)
        except CyclemapError as error:
            tell_error(error)
            return error.exit_code


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
    """One line for the person at the terminal (standard error), user text made safe in it
    (so it holds no escape sequence a terminal would act on)."""
    from cyclemap.util.text import one_line

    sys.stderr.write(one_line(message) + "\n")
    sys.stderr.flush()


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
