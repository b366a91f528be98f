"""`stats`: a journey's flow figures and quick wins, with the findings its configuration asks
for (the figures of loops and dead ends come from the audit's findings)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from cyclemap.analysis import DEFAULT_CONTEXT_COST
from cyclemap.analysis.report import FlowReport, analyse
from cyclemap.engine.checking import to_result, validate
from cyclemap.engine.config import load_settings
from cyclemap.engine.run import audit_graph, findings_of
from cyclemap.errors import Problem
from cyclemap.findings import AuditResult, Finding
from cyclemap.graph import JourneyGraph
from cyclemap.graph.flow_model import FlowError
from cyclemap.graph.joined import whole_cycle
from cyclemap.loading import LoadedJourney
from cyclemap.rules import registry
from cyclemap.util.gcpause import collector_paused
from cyclemap.util.i18n import _

JOINED_RULES = ("peloteo-loop", "dead-end", "context-lost-handoff")
"""The rules whose findings the figures of linked journeys seen together need (their loops,
dead ends and lost contexts), run on the joined graph."""


def figured(
    journey: LoadedJourney,
    *,
    context_cost: float = DEFAULT_CONTEXT_COST,
    top: int = 5,
    linked: Sequence[LoadedJourney] | None = None,
    solve: bool = True,
) -> tuple[JourneyGraph, list[Finding], FlowReport | None]:
    """A journey's graph, its findings (with the configuration found above it) and its
    figures (`solve`). With `linked` (the journeys it may link to), the figures follow its
    customers into the journeys it links to (`cyclemap.graph.joined.whole_cycle`). Raises
    `cyclemap.graph.flow_model.FlowError`."""
    with collector_paused():
        graph = JourneyGraph(journey)
        settings = load_settings(None, start=journey.path)
        findings = audit_graph(graph, settings)
        if not solve:
            return graph, findings, None
        if linked is None or not graph.external:
            return graph, findings, analyse(graph, findings, context_cost=context_cost, top=top)
        by_id: dict[str, LoadedJourney] = {}
        for other in linked:
            by_id.setdefault(other.id, other)

        def graph_of(journey_id: str) -> JourneyGraph | None:
            other = by_id.get(journey_id)
            return JourneyGraph(other) if other is not None else None

        cycle = whole_cycle(graph, graph_of)
        rules = registry()
        joined_findings = [
            finding
            for name in JOINED_RULES
            if name in settings.selected
            for finding in findings_of(rules[name], cycle, settings)
        ]
        report = analyse(cycle, joined_findings, context_cost=context_cost, top=top)
        return graph, findings, report


def journey_stats(
    journey: LoadedJourney,
    *,
    context_cost: float = DEFAULT_CONTEXT_COST,
    top: int = 5,
    linked: Sequence[LoadedJourney] | None = None,
) -> FlowReport:
    """Flow figures and quick wins of one journey, with the findings of its configuration
    (the configuration found above the journey); with `linked`, over its whole cycle. Raises
    `cyclemap.graph.flow_model.FlowError`."""
    _, _, report = figured(journey, context_cost=context_cost, top=top, linked=linked)
    assert report is not None
    return report


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
    paths: Iterable[str | Path],
    *,
    context_cost: float = DEFAULT_CONTEXT_COST,
    top: int = 5,
    follow_links: bool = False,
) -> StatsRun:
    """The flow figures and quick wins of every valid journey under `paths`; `follow_links`:
    each over its whole cycle, into the journeys (among `paths`) it links to."""
    validation = validate(paths)
    reports = []
    without = []
    journeys = validation.journeys
    for journey in journeys:
        try:
            linked = journeys if follow_links else None
            reports.append(
                journey_stats(journey, context_cost=context_cost, top=top, linked=linked)
            )
        except FlowError as error:
            without.append(
                _("{where}: error: {message}").format(where=journey.display, message=error)
            )
    return StatsRun(to_result(validation), tuple(reports), tuple(without))
