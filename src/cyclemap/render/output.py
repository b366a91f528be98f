"""Where `render` puts its maps: one file per journey beside it, in a folder, in the file
named, or standard output; planned whole before anything is written.

Every map is rendered and every target checked (two journeys drawn into one file, a target
that is one of the run's inputs) before the first file is written, and each is written
atomically, so a failed render leaves no half-done set of maps behind.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cyclemap.engine.logs import mine_configured
from cyclemap.errors import InputOutputError, UsageError
from cyclemap.loading import LoadedJourney
from cyclemap.render import SUFFIXES, TEXT_FORMATS, RenderError, RenderOptions, render_journey
from cyclemap.render.view import Observed
from cyclemap.util.files import check_output, write_output
from cyclemap.util.i18n import _


@dataclass(frozen=True)
class PlannedMap:
    target: Path | None
    """The file to write; None for standard output."""
    data: bytes


@dataclass(frozen=True)
class MapPlan:
    maps: tuple[PlannedMap, ...]
    notes: tuple[str, ...] = ()
    """Things the user should know (steps left out of a journey diagram)."""


def plan_maps(
    journeys: list[LoadedJourney],
    output_format: str,
    options: RenderOptions,
    *,
    output: str | None = None,
    log: Path | None = None,
) -> MapPlan:
    """Every journey's map rendered, with where it goes: beside the journey (`output` None),
    into a folder (ending in `/`, or existing; created when missing), into one file, or to
    standard output (`-`, one journey in a text format). `log` draws what an event log saw
    over the map of the one journey rendered."""
    if output == "-" and (output_format not in TEXT_FORMATS or len(journeys) > 1):
        raise UsageError(
            _(
                "`-o -` writes one journey in a text format (svg, dot, mermaid, mermaid-journey, "
                "html)"
            )
        )
    folder = _output_folder(output, several=len(journeys) > 1)
    overlay = None
    if log is not None:
        if len(journeys) != 1:
            raise UsageError(_("--log overlays one journey's log: render a single journey"))

        overlay = Observed.of(mine_configured(log, journeys[0]))
    maps = []
    notes: list[str] = []
    suffix = SUFFIXES[output_format]
    for journey in journeys:
        try:
            rendered = render_journey(journey, output_format, options, observed=overlay)
        except RenderError as error:
            raise RenderError(f"{journey.display}: {error}") from None
        notes.extend(rendered.notes)
        if output == "-":
            target = None
        elif output is None:
            target = journey.path.with_suffix(suffix)
        elif folder is not None:
            target = folder / journey.path.with_suffix(suffix).name
        else:
            target = Path(output)
        maps.append(PlannedMap(target, rendered.data))
    return MapPlan(tuple(maps), tuple(notes))


def _output_folder(output: str | None, *, several: bool) -> Path | None:
    """The folder `-o` names, created when it ends in `/` and is missing; None when it names
    a file. Several maps need a folder."""
    if output is None or output == "-":
        return None
    if output.endswith(("/", os.sep)):
        folder = Path(output)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise InputOutputError(
                output, _("cannot create the folder ({reason})").format(reason=error.strerror)
            ) from None
        return folder
    if Path(output).is_dir():
        return Path(output)
    if several:
        raise UsageError(
            _(
                "{output} must be an existing folder to hold several maps "
                "(or end it with `/` to have it created)"
            ).format(output=output)
        )
    return None


def write_maps(plan: MapPlan, stdout: BinaryIO) -> Iterator[Path]:
    """Write every planned map, once all targets are checked; yields each file written (a map
    for standard output goes to `stdout`)."""
    targets = [planned.target for planned in plan.maps if planned.target is not None]
    clashing = sorted({str(target) for target in targets if targets.count(target) > 1})
    if clashing:
        raise UsageError(
            _(
                "several journeys would be drawn into {target}; render them into separate folders"
            ).format(target=clashing[0])
        )
    for target in targets:
        check_output(target)
    for planned in plan.maps:
        if planned.target is None:
            stdout.write(planned.data)
            stdout.flush()
        else:
            write_output(planned.target, planned.data)
            yield planned.target
