"""`cyclemap render`: draw each journey's map."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from cyclemap.cli.common import say, show_problems, tell
from cyclemap.render import DEFAULT_MEMORY_MIB, DEFAULT_TIMEOUT, RenderOptions
from cyclemap.util.i18n import N_, _

MAX_TIMEOUT = 86_400.0
"""A day: any longer is a mistake (and `inf` would overflow the timer)."""


class MapFormat(str, enum.Enum):
    svg = "svg"
    png = "png"
    pdf = "pdf"
    dot = "dot"
    mermaid = "mermaid"
    mermaid_journey = "mermaid-journey"
    html = "html"


class GroupChoice(str, enum.Enum):
    stage = "stage"
    team = "team"
    channel = "channel"


class LaneChoice(str, enum.Enum):
    team = "team"
    channel = "channel"


class CollapseChoice(str, enum.Enum):
    stage = "stage"
    team = "team"


def render(
    paths: Annotated[
        list[Path], typer.Argument(metavar=N_("PATHS"), help=N_("Journey files or folders."))
    ],
    output_format: Annotated[
        MapFormat, typer.Option("--format", "-f", help=N_("Map format."), case_sensitive=False)
    ] = MapFormat.svg,
    output: Annotated[
        Optional[str],
        typer.Option(
            "--output",
            "-o",
            metavar=N_("PATH"),
            help=N_(
                "Output file, or folder (ending in `/`, or existing; created when missing) for "
                "several journeys; `-` for standard output. Default: beside each journey, with "
                "the format's suffix."
            ),
        ),
    ] = None,
    lanes: Annotated[
        LaneChoice,
        typer.Option("--lanes", help=N_("Blueprint lanes: one per team or per channel.")),
    ] = LaneChoice.team,
    by: Annotated[
        Optional[GroupChoice],
        typer.Option("--by", hidden=True, help=N_("Replaced by --lanes (team or channel).")),
    ] = None,
    width: Annotated[
        Optional[int],
        typer.Option(
            "--width",
            min=200,
            max=20000,
            help=N_(
                "Width in pixels for png (svg and pdf: at 96 pixels to the inch), e.g. 1920 "
                "for a slide."
            ),
        ),
    ] = None,
    collapse: Annotated[
        Optional[CollapseChoice],
        typer.Option("--collapse", help=N_("Overview: one box per stage or team, arrows by flow.")),
    ] = None,
    no_findings: Annotated[
        bool, typer.Option("--no-findings", help=N_("Do not highlight audit findings."))
    ] = False,
    log: Annotated[
        Optional[Path],
        typer.Option("--log", help=N_("Overlay an event log: arrows as wide as the traffic seen.")),
    ] = None,
    compare: Annotated[
        Optional[str],
        typer.Option(
            "--compare",
            help=N_(
                "Draw the change map against this git revision: steps and transitions "
                "coloured by the change in customers (svg, png, html)."
            ),
        ),
    ] = None,
    timeout: Annotated[
        float,
        typer.Option(
            "--timeout",
            min=1,
            max=MAX_TIMEOUT,
            help=N_("Seconds the layout may take (svg/png/pdf/html)."),
        ),
    ] = DEFAULT_TIMEOUT,
    memory: Annotated[
        int,
        typer.Option(
            "--memory",
            min=64,
            max=1024 * 1024,
            help=N_("MiB of memory the layout may take (svg/png/pdf/html)."),
        ),
    ] = DEFAULT_MEMORY_MIB,
) -> int:
    """Draw each journey's map, highlighting peloteo loops, dead ends and drop-off points."""
    from cyclemap.engine.checking import to_result, validate
    from cyclemap.render.output import plan_maps, write_maps

    if timeout != timeout:  # NaN passes the range check
        raise typer.BadParameter(_("not a number of seconds"), param_hint="'--timeout'")
    if compare is not None:
        return _change_maps(compare, paths, output_format.value, output)
    validation = validate(paths)
    checked = to_result(validation)
    show_problems(checked)
    options = RenderOptions(
        lanes=_lanes(lanes, by).value,
        width=width,
        collapse=collapse.value if collapse is not None else None,
        findings=not no_findings,
        timeout=timeout,
        memory_mib=memory,
    )
    plan = plan_maps(validation.journeys, output_format.value, options, output=output, log=log)
    tell(plan.notes, _("note: "))
    for written in write_maps(plan, sys.stdout.buffer):
        say(_("wrote {path}").format(path=written))
    return checked.exit_code


def _lanes(lanes: LaneChoice, by: GroupChoice | None) -> LaneChoice:
    """`--lanes`, or what the old `--by` asks for (stages are always the map's columns)."""
    if by is None:
        return lanes
    if by is GroupChoice.stage:
        say(_("note: --by is replaced by --lanes: stages are always the map's columns"))
        return lanes
    say(_("note: --by is replaced by --lanes; drawing --lanes {lanes}").format(lanes=by.value))
    return LaneChoice(by.value)


def _change_maps(revision: str, paths: list[Path], output_format: str, output: str | None) -> int:
    """`--compare REF`: the change map of each journey that changed since `revision`."""
    from cyclemap.cli.compare import write_maps
    from cyclemap.engine.comparing import compare_with_revision
    from cyclemap.render.change_map import CHANGE_FORMATS, planned_change_maps

    if output_format not in CHANGE_FORMATS:
        raise typer.BadParameter(
            _("a change map is drawn as svg, png or html"), param_hint="'--format'"
        )
    run = compare_with_revision(revision, paths)
    show_problems(run.checked_before)
    show_problems(run.checked_after)
    planned = planned_change_maps(run.changes, output_format, output, run.before)
    if not planned:
        say(_("note: no journey changed for customers since {revision}").format(revision=revision))
    write_maps(planned)
    return run.exit_code
