"""`cyclemap compare BEFORE AFTER`: what a change does to customers, journey by journey."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import typer

from cyclemap.analysis import DEFAULT_CONTEXT_COST
from cyclemap.cli.common import OutputOption, emit, say, show_problems
from cyclemap.util.i18n import N_, _


class CompareFormat(str, enum.Enum):
    text = "text"
    json = "json"
    markdown = "markdown"
    svg = "svg"
    png = "png"
    html = "html"


MAPS = frozenset({"svg", "png", "html"})

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


def compare(
    before: Annotated[
        Path, typer.Argument(help=N_("The journey file (or folder) before the change."))
    ],
    after: Annotated[
        Path, typer.Argument(help=N_("The journey file (or folder) after the change."))
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
    from cyclemap.reporters import compare_report

    run = run_compare([before], [after], context_cost=context_cost, follow_links=follow_links)
    show_problems(run.checked_before)
    show_problems(run.checked_after)
    if output_format.value in MAPS:
        return _change_map(run, output_format.value, output)
    emit(compare_report(run, output_format.value, everything=every), output)
    return run.exit_code


def _change_map(run: object, output_format: str, output: str | None) -> int:
    from cyclemap.engine.comparing import ComparisonRun
    from cyclemap.render.change_map import render_change_map
    from cyclemap.util.files import write_output

    assert isinstance(run, ComparisonRun)
    drawn = [change for change in run.changes if change.after is not None]
    if len(drawn) != 1:
        raise typer.BadParameter(
            _("a change map draws one journey: compare two journey files"),
            param_hint="'--format'",
        )
    data = render_change_map(drawn[0], output_format)
    if output is None or output == "-":
        import sys

        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        write_output(output, data)
        say(_("wrote {path}").format(path=output))
    return run.exit_code
