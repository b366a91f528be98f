"""`stats`: a journey's flow figures and quick wins, with the findings its configuration asks
for (the figures of loops and dead ends come from the audit's findings)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cyclemap.analysis import DEFAULT_CONTEXT_COST
from cyclemap.analysis.report import FlowReport, analyse
from cyclemap.engine.checking import to_result, validate
from cyclemap.engine.config import load_settings
from cyclemap.engine.run import audit_graph
from cyclemap.errors import Problem
from cyclemap.findings import AuditResult
from cyclemap.graph import JourneyGraph
from cyclemap.graph.flow_model import FlowError
from cyclemap.loading import LoadedJourney
from cyclemap.util.gcpause import collector_paused
from cyclemap.util.i18n import _


def journey_stats(
    journey: LoadedJourney, *, context_cost: float = DEFAULT_CONTEXT_COST, top: int = 5
) -> FlowReport:
    """Flow figures and quick wins of one journey, with the findings of its configuration
    (the configuration found above the journey). Raises `cyclemap.graph.flow_model.FlowError`."""
    with collector_paused():
        graph = JourneyGraph(journey)
        findings = audit_graph(graph, load_settings(None, start=journey.path))
        return analyse(graph, findings, context_cost=context_cost, top=top)




@dataclass(frozen=True)
class StatsRun:
    """What `stats` found under some paths: the figures of each valid journey, the files that
    are not valid, and the journeys whose figures do not exist."""

    checked: AuditResult
    """Every file with its problems (as `validate` reports them)."""
    reports: tuple[FlowReport, ...]
    without_figures: tuple[str, ...] = ()
    """`file: error: why`, for each journey whose customers can circulate forever."""

    @property
    def problems(self) -> list[Problem]:
        """The unreadable paths, then the problems of invalid files."""
        return [*self.checked.failures, *self.checked.problems]

    @property
    def exit_code(self) -> int:
        return self.checked.exit_code or (1 if self.without_figures else 0)


def stats(
    paths: Iterable[str | Path], *, context_cost: float = DEFAULT_CONTEXT_COST, top: int = 5
) -> StatsRun:
    """The flow figures and quick wins of every valid journey under `paths`."""
    validation = validate(paths)
    reports = []
    without = []
    for journey in validation.journeys:
        try:
            reports.append(journey_stats(journey, context_cost=context_cost, top=top))
        except FlowError as error:
            without.append(
                _("{where}: error: {message}").format(where=journey.display, message=error)
            )
    return StatsRun(to_result(validation), tuple(reports), tuple(without))
