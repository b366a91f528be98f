"""`cyclemap render`: draw each journey's map."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from cyclemap.cli.common import say, show_problems, tell
from cyclemap.render import DEFAULT_MEMORY_MIB, DEFAULT_TIMEOUT, RenderOptions

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
    paths: Annotated[list[Path], typer.Argument(help="Journey files or folders.")],
    output_format: Annotated[
        MapFormat, typer.Option("--format", "-f", help="Map format.", case_sensitive=False)
    ] = MapFormat.svg,
    output: Annotated[
        Optional[str],
        typer.Option(
            "--output",
            "-o",
            help="Output file, or folder (ending in `/`, or existing; created when missing) for "
            "several journeys; `-` for standard output. Default: beside each journey, with "
            "the format's suffix.",
        ),
    ] = None,
    lanes: Annotated[
        LaneChoice,
        typer.Option("--lanes", help="Blueprint lanes: one per team or per channel."),
    ] = LaneChoice.team,
    by: Annotated[
        Optional[GroupChoice],
        typer.Option("--by", hidden=True, help="Replaced by --lanes (team or channel)."),
    ] = None,
    width: Annotated[
        Optional[int],
        typer.Option(
            "--width",
            min=200,
            max=20000,
            help="Width in pixels for png (svg and pdf: at 96 pixels to the inch), e.g. 1920 "
            "for a slide.",
        ),
    ] = None,
    collapse: Annotated[
        Optional[CollapseChoice],
        typer.Option("--collapse", help="Overview: one box per stage or team, arrows by flow."),
    ] = None,
    no_findings: Annotated[
        bool, typer.Option("--no-findings", help="Do not highlight audit findings.")
    ] = False,
    log: Annotated[
        Optional[Path],
        typer.Option("--log", help="Overlay an event log: arrows as wide as the traffic seen."),
    ] = None,
    timeout: Annotated[
        float,
        typer.Option(
            "--timeout",
            min=1,
            max=MAX_TIMEOUT,
            help="Seconds the layout may take (svg/png/pdf/html).",
        ),
    ] = DEFAULT_TIMEOUT,
    memory: Annotated[
        int,
        typer.Option(
            "--memory",
            min=64,
            max=1024 * 1024,
            help="MiB of memory the layout may take (svg/png/pdf/html).",
        ),
    ] = DEFAULT_MEMORY_MIB,
) -> int:
    """Draw each journey's map, highlighting peloteo loops, dead ends and drop-off points."""
    from cyclemap.engine.checking import to_result, validate
    from cyclemap.render.output import plan_maps, write_maps

    if timeout != timeout:  # NaN passes the range check
        raise typer.BadParameter("not a number of seconds", param_hint="'--timeout'")
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
    tell(plan.notes, "note: ")
    for written in write_maps(plan, sys.stdout.buffer):
        say(f"wrote {written}")
    return checked.exit_code


def _lanes(lanes: LaneChoice, by: GroupChoice | None) -> LaneChoice:
    """`--lanes`, or what the old `--by` asks for (stages are always the map's columns)."""
    if by is None:
        return lanes
    if by is GroupChoice.stage:
        say("note: --by is replaced by --lanes: stages are always the map's columns")
        return lanes
    say(f"note: --by is replaced by --lanes; drawing --lanes {by.value}")
    return LaneChoice(by.value)
