"""Journeys linked to each other (`to: journey-id:step-id`) audited as one graph where needed.

Each journey is audited on its own first; then, in a repository where journeys link to each
other, the steps other journeys send customers to count as reached (no false
`unreachable-step`), and peloteo is looked for on the joined graph, so that a customer bounced
from support's journey to billing's and back is one `peloteo-loop` spanning both, reported in
the journey where customers first meet it. Step names in such a finding carry their journey
(`billing:billing-desk`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from cyclemap.engine.checking import FileResult
from cyclemap.engine.config import Settings
from cyclemap.engine.run import audit_journey, findings_of
from cyclemap.findings import Finding
from cyclemap.graph import JourneyGraph
from cyclemap.graph.joined import JoinedGraph
from cyclemap.loading import LoadedJourney, load_journey
from cyclemap.rules import registry


def _linked_in(results: list[FileResult]) -> dict[tuple[str, str], set[str]]:
    """(scope, journey id) -> its steps that other journeys link to."""
    targets: dict[tuple[str, str], set[str]] = defaultdict(set)
    for result in results:
        if result.ref is not None:
            for _, _, _, journey_id, step_id in result.ref.links:
                if journey_id != result.ref.id:
                    targets[(result.scope, journey_id)].add(step_id)
    return targets


def audit_links(results: tuple[FileResult, ...], settings: Settings) -> tuple[FileResult, ...]:
    """The results with the findings that depend on links between journeys corrected."""
    linked_in = _linked_in(list(results))
    involved = [
        position
        for position, result in enumerate(results)
        if result.ref is not None
        and result.findings is not None
        and (result.ref.links or (result.scope, result.ref.id) in linked_in)
    ]
    if not involved or ("peloteo-loop" not in settings.selected and not linked_in):
        return results
    updated = list(results)
    loaded: dict[int, LoadedJourney] = {}
    for position in involved:
        reference = results[position].ref
        assert reference is not None and reference.path is not None
        loaded[position] = load_journey(reference.path, reference.display)
        steps = linked_in.get((results[position].scope, reference.id), set())
        if steps:
            findings = audit_journey(loaded[position], settings, linked_in=steps)
            updated[position] = replace(updated[position], findings=tuple(findings))
    if "peloteo-loop" in settings.selected:
        by_scope: dict[str, list[int]] = defaultdict(list)
        for position in involved:
            by_scope[results[position].scope].append(position)
        for positions in by_scope.values():
            for position, finding in _joined_loops(positions, loaded, settings):
                current = updated[position].findings or ()
                merged = sorted((*current, finding), key=lambda item: item.sort_key)
                updated[position] = replace(updated[position], findings=tuple(merged))
    return tuple(updated)


def _joined_loops(
    positions: list[int], loaded: dict[int, LoadedJourney], settings: Settings
) -> list[tuple[int, Finding]]:
    """Peloteo loops that cross journeys: one finding each, in the journey where it starts."""
    graphs = [JourneyGraph(loaded[position]) for position in positions]
    position_of = {graph.id: position for graph, position in zip(graphs, positions, strict=True)}
    joined = JoinedGraph(graphs)
    found = []
    for finding in findings_of(registry()["peloteo-loop"], joined, settings):
        component = finding.details.get("component", finding.steps)
        if finding.steps and len({joined.owners[node][0].id for node in component}) < 2:
            continue  # within one journey: already reported by that journey's own audit
        found.append((position_of[finding.journey], finding))
    return found
