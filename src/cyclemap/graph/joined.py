"""Several journeys linked to each other (`to: journey-id:step-id`) as one graph, so that a
customer bounced from one journey to another and back is seen as one loop."""

from __future__ import annotations

from dataclasses import replace

from cyclemap.graph.journey import JourneyGraph, StepNode, TransitionEdge

JOURNEY_SPACING = 1_000_000
"""Joined steps keep their file order: journey k's steps are numbered from k * this."""


class JoinedGraph(JourneyGraph):
    """Several journeys as one graph: steps `journey-id:step-id`, links become transitions."""

    def __init__(self, graphs: list[JourneyGraph]) -> None:
        self.journey = graphs[0].journey
        self.graphs = graphs
        self.linked_in = frozenset()
        self._best_moves = {}
        self.owners: dict[str, tuple[JourneyGraph, str]] = {}
        """Joined step id -> the journey's graph it comes from, and its id there."""
        steps: list[StepNode] = []
        for number, graph in enumerate(graphs):
            for node in graph.own_steps:
                step = graph.step(node)
                name = f"{graph.id}:{node}"
                steps.append(replace(step, id=name, index=step.index + number * JOURNEY_SPACING))
                self.owners[name] = (graph, node)
        transitions: list[TransitionEdge] = []
        for graph in graphs:
            for edge in graph.transitions():
                target = (
                    edge.target if graph.step(edge.target).external else f"{graph.id}:{edge.target}"
                )
                if target in self.owners:
                    source = f"{graph.id}:{edge.source}"
                    transitions.append(replace(edge, source=source, target=target))
        self._hold(steps, transitions)

    def locate(self, at: tuple[int | str, ...]) -> tuple[str, int, int, str]:
        """A path at a joined step is the path at that step in its own journey's file."""
        if len(at) >= 2 and at[0] == "steps" and isinstance(at[1], int):
            number, index = divmod(at[1], JOURNEY_SPACING)
            return self.graphs[number].locate(("steps", index, *at[2:]))
        return super().locate(at)
