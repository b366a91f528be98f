"""`stats`: a journey's flow figures and quick wins, with the findings its configuration asks
for (the figures of loops and dead ends come from the audit's findings)."""

from __future__ import annotations

from cyclemap.analysis import FlowReport, analyse
from cyclemap.engine.config import load_settings
from cyclemap.engine.run import audit_graph
from cyclemap.graph import JourneyGraph
from cyclemap.loading import LoadedJourney
from cyclemap.util.gcpause import collector_paused


def journey_stats(journey: LoadedJourney, *, context_cost: float = 0.1, top: int = 5) -> FlowReport:
    """Flow figures and quick wins of one journey, with the findings of its configuration
    (the configuration found above the journey). Raises `cyclemap.analysis.FlowError`."""
    with collector_paused():
        graph = JourneyGraph(journey)
        findings = audit_graph(graph, load_settings(None, start=journey.path))
        return analyse(graph, findings, context_cost=context_cost, top=top)


