"""`cyclemap stats`: customers lost per step, and the fixes that pay back first."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from cyclemap.analysis import DEFAULT_CONTEXT_COST
from cyclemap.cli.common import (
    ContextCostOption,
    FollowLinksOption,
    OutputOption,
    color_for,
    emit,
    show_problems,
    tell,
)
from cyclemap.util.i18n import N_, _


class StatsFormat(str, enum.Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


def stats(
    paths: Annotated[
        Optional[list[Path]],
        typer.Argument(
            metavar=N_("PATHS"),
            help=N_("Journey files or folders (default: the whole repository)."),
        ),
    ] = None,
    output_format: Annotated[
        StatsFormat, typer.Option("--format", "-f", help=N_("Output format."), case_sensitive=False)
    ] = StatsFormat.text,
    output: OutputOption = None,
    context_cost: ContextCostOption = DEFAULT_CONTEXT_COST,
    top: Annotated[int, typer.Option("--top", min=0, help=N_("How many quick wins to show."))] = 5,
    diff: Annotated[
        Optional[str],
        typer.Option(
            "--diff",
            help=N_(
                "Compare with the journeys at this git revision: what the change does to customers."
            ),
        ),
    ] = None,
    follow_links: FollowLinksOption = False,
) -> int:
    """Flow figures per entry and per step, peloteo bounces, and ranked quick wins."""
    from cyclemap.engine.auditing import repository_here
    from cyclemap.engine.stats import stats as run_stats
    from cyclemap.reporters import compare_report, stats_report

    paths = paths or [repository_here()]
    if diff is not None:
        from cyclemap.engine.comparing import compare_with_revision

        change = compare_with_revision(
            diff, paths, context_cost=context_cost, follow_links=follow_links
        )
        show_problems(change.checked_before)
        show_problems(change.checked_after)
        emit(compare_report(change, output_format.value), output)
        return change.exit_code
    if output_format is StatsFormat.markdown:
        raise typer.BadParameter(
            _("markdown shows a change: use it with --diff"), param_hint="'--format'"
        )
    run = run_stats(paths, context_cost=context_cost, top=top, follow_links=follow_links)
    show_problems(run.checked)
    tell(run.without_figures)
    color = output is None and color_for(sys.stdout)
    emit(stats_report(list(run.reports), run.problems, output_format.value, color=color), output)
    return run.exit_code
