"""The report for people in a terminal: `file:line:col: message`, then a hint."""

from __future__ import annotations

import io
import re

from rich.console import Console
from rich.text import Text

from cyclemap.checking import Status, ValidationReport

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text: str) -> str:
    """User text made safe for a terminal: no escape sequences, one line."""
    return _CONTROL.sub("\ufffd", text.replace("\r\n", " ").replace("\n", " ").replace("\t", " "))


def _console(buffer: io.StringIO, *, color: bool) -> Console:
    return Console(
        file=buffer,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        highlight=False,
        emoji=False,
        markup=False,
        soft_wrap=True,
        width=200,
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def render_validation(
    report: ValidationReport, *, color: bool = False, verbose: bool = False
) -> str:
    buffer = io.StringIO()
    console = _console(buffer, color=color)
    for failure in report.failures:
        console.print(
            Text.assemble(
                (clean(failure.file), "bold"),
                ": ",
                ("error", "bold red"),
                ": ",
                clean(failure.message),
            )
        )
    for problem in report.problems:
        where = f"{problem.file}:{problem.line}:{problem.column}"
        console.print(
            Text.assemble(
                (clean(where), "bold"),
                ": ",
                ("error", "bold red"),
                ": ",
                clean(problem.message),
            )
        )
        if problem.hint:
            console.print(Text.assemble("    ", ("hint", "cyan"), ": ", clean(problem.hint)))
    if verbose:
        for result in report.files:
            if result.status is Status.VALID:
                console.print(
                    Text.assemble(
                        (clean(result.file), "bold"), ": ", ("ok", "green"), f" ({result.kind})"
                    )
                )
            elif result.status is Status.SKIPPED:
                console.print(
                    Text.assemble(
                        (clean(result.file), "bold"), ": ", ("skipped", "dim"), f" ({result.note})"
                    )
                )
    checked = report.checked
    invalid = [result for result in checked if result.status is Status.INVALID]
    if report.problems or report.failures:
        summary = Text.assemble(
            ("✗ ", "bold red"),
            f"{_plural(len(report.problems), 'error')} in {len(invalid)} of "
            f"{_plural(len(checked), 'file')}",
        )
        if report.failures:
            summary.append(f"; {_plural(len(report.failures), 'path')} could not be read")
    elif not checked:
        summary = Text.assemble(("! ", "bold yellow"), "no journey files found")
    else:
        journeys = sum(result.kind == "journey" for result in checked)
        catalogs = len(checked) - journeys
        detail = ", ".join(
            _plural(count, word)
            for count, word in ((journeys, "journey"), (catalogs, "catalog"))
            if count
        )
        summary = Text.assemble(
            ("✓ ", "bold green"), f"{_plural(len(checked), 'file')} valid ({detail})"
        )
    skipped = len(report.skipped)
    if skipped and not verbose:
        summary.append(
            f"; {skipped} other YAML file{'' if skipped == 1 else 's'} skipped (-v lists them)",
            style="dim",
        )
    console.print(summary)
    return buffer.getvalue()
