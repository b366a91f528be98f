"""Several journeys linked to each other (`to: journey-id:step-id`) as one graph, so that a
customer bounced from one journey to another and back is seen as one loop."""

from __future__ import annotations

import networkx as nx

from cyclemap.graph.journey import JourneyGraph

JOURNEY_SPACING = 1_000_000
"""Joined nodes keep their file order: journey k's steps are numbered from k * this."""


class JoinedGraph(JourneyGraph):
    """Several journeys as one graph: nodes `journey-id:step-id`, links become real edges."""

    def __init__(self, graphs: list[JourneyGraph]) -> None:
        self.journey = graphs[0].journey
        self.linked_in = frozenset()
        self._best_moves = {}
        self.owners: dict[str, tuple[JourneyGraph, str]] = {}
        joined = nx.DiGraph()
        for number, graph in enumerate(graphs):
            for node in graph.own_steps:
                name = f"{graph.id}:{node}"
                attributes = dict(graph.step(node))
                attributes["index"] += number * JOURNEY_SPACING
                joined.add_node(name, **attributes)
                self.owners[name] = (graph, node)
        for graph in graphs:
            for source, target, data in graph.graph.edges(data=True):
                name = target if graph.step(target)["external"] else f"{graph.id}:{target}"
                if name in joined:
                    joined.add_edge(f"{graph.id}:{source}", name, **data)
        self.graph = joined
