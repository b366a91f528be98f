"""Several journeys linked to each other (`to: journey-id:step-id`) as one graph, so that a
customer bounced from one journey to another and back is seen as one loop, and so that the
figures can follow a journey's customers into the journeys it links to (`whole_cycle`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from cyclemap.graph.journey import JourneyGraph, StepNode, TransitionEdge

JOURNEY_SPACING = 1_000_000
"""Joined steps keep their file order: journey k's steps are numbered from k * this."""


class JoinedGraph(JourneyGraph):
    """Several journeys as one graph: steps `journey-id:step-id`, links become transitions."""

    def __init__(self, graphs: list[JourneyGraph], *, cycle: bool = False) -> None:
        """`cycle`: customers enter at the first journey's entries only, and links to journeys
        not among `graphs` stay steps of another journey (where customers continue)."""
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
                index = step.index + number * JOURNEY_SPACING
                if cycle and number:
                    # Customers enter at the first journey only; stages belong to their own
                    # journey (teams are shared: a handoff between journeys is a handoff).
                    stage = f"{graph.id}:{step.stage}" if step.stage is not None else None
                    step = replace(step, entry=False, volume=None, stage=stage)
                steps.append(replace(step, id=name, index=index))
                self.owners[name] = (graph, node)
        elsewhere: dict[str, StepNode] = {}
        transitions: list[TransitionEdge] = []
        for graph in graphs:
            for edge in graph.transitions():
                landing = graph.step(edge.target)
                target = edge.target if landing.external else f"{graph.id}:{edge.target}"
                if cycle and target not in self.owners and landing.external:
                    index = len(graphs) * JOURNEY_SPACING + len(elsewhere)
                    elsewhere.setdefault(target, replace(landing, index=index))
                if target in self.owners or target in elsewhere:
                    source = f"{graph.id}:{edge.source}"
                    transitions.append(replace(edge, source=source, target=target))
        self._hold([*steps, *elsewhere.values()], transitions)

    def locate(self, at: tuple[int | str, ...]) -> tuple[str, int, int, str]:
        """A path at a joined step is the path at that step in its own journey's file."""
        if len(at) >= 2 and at[0] == "steps" and isinstance(at[1], int):
            number, index = divmod(at[1], JOURNEY_SPACING)
            return self.graphs[number].locate(("steps", index, *at[2:]))
        return super().locate(at)


def whole_cycle(start: JourneyGraph, journey: Callable[[str], JourneyGraph | None]) -> JoinedGraph:
    """`start` and the journeys its customers reach through links (directly or through another
    linked journey), as one graph whose customers enter at `start`'s entries only: the
    customer's whole cycle from there. `journey(id)` gives the graph of a journey (None: not
    in view; a link to it stays a step of another journey), asked only for those reached."""
    chosen = [start]
    seen = {start.id}
    for graph in chosen:  # grows while it is walked: a breadth-first search over journeys
        for node in graph.external:
            journey_id = node.split(":", 1)[0]
            if journey_id not in seen:
                seen.add(journey_id)
                found = journey(journey_id)
                if found is not None:
                    chosen.append(found)
    return JoinedGraph(chosen, cycle=True)
