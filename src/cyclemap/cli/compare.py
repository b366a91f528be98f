"""`cyclemap compare BEFORE AFTER`: what a change does to customers, journey by journey."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cyclemap.analysis import DEFAULT_CONTEXT_COST
from cyclemap.cli.common import (
    ContextCostOption,
    FollowLinksOption,
    OutputOption,
    emit,
    say,
    show_problems,
)
from cyclemap.util.i18n import N_, _

if TYPE_CHECKING:
    from cyclemap.engine.comparing import ComparisonRun


class CompareFormat(str, enum.Enum):
    text = "text"
    json = "json"
    markdown = "markdown"
    svg = "svg"
    png = "png"
    html = "html"


def compare(
    before: Annotated[
        Path,
        typer.Argument(
            metavar=N_("BEFORE"), help=N_("The journey file (or folder) before the change.")
        ),
    ],
    after: Annotated[
        Path,
        typer.Argument(
            metavar=N_("AFTER"), help=N_("The journey file (or folder) after the change.")
        ),
    ],
    output_format: Annotated[
        CompareFormat,
        typer.Option(
            "--format",
            "-f",
            help=N_("Output format; svg, png and html draw the change map of one journey."),
            case_sensitive=False,
        ),
    ] = CompareFormat.text,
    output: OutputOption = None,
    follow_links: FollowLinksOption = False,
    every: Annotated[
        bool, typer.Option("--all", help=N_("Also list the journeys that did not change."))
    ] = False,
    context_cost: ContextCostOption = DEFAULT_CONTEXT_COST,
) -> int:
    """Success, losses, handoffs, peloteo and findings before and after a change."""
    from cyclemap.engine.comparing import compare as run_compare
    from cyclemap.render.change_map import CHANGE_FORMATS
    from cyclemap.reporters import compare_report

    run = run_compare([before], [after], context_cost=context_cost, follow_links=follow_links)
    show_problems(run.checked_before)
    show_problems(run.checked_after)
    if output_format.value in CHANGE_FORMATS:
        return _change_map(run, output_format.value, output)
    emit(compare_report(run, output_format.value, everything=every), output)
    return run.exit_code


def _change_map(run: ComparisonRun, output_format: str, output: str | None) -> int:
    """Draw the change map of the one journey compared."""
    from cyclemap.render.change_map import planned_change_maps

    if sum(change.after is not None for change in run.changes) != 1:
        raise typer.BadParameter(
            _("a change map draws one journey: compare two journey files"),
            param_hint="'--format'",
        )
    if output_format == "png" and output in (None, "-"):
        raise typer.BadParameter(
            _("a png change map goes to a file: give -o FILE.png"), param_hint="'--output'"
        )
    write_maps(planned_change_maps(run.changes, output_format, output or "-", run.before))
    return run.exit_code


def write_maps(planned: list[tuple[Path | None, bytes]]) -> None:
    """Each map rendered beforehand to its file (atomically) or to standard output."""
    import sys

    from cyclemap.util.files import write_output

    for target, data in planned:
        if target is None:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        else:
            write_output(target, data)
            say(_("wrote {path}").format(path=target))
