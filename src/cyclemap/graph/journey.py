"""A validated journey as a directed graph of steps, and the questions rules ask of it.

Nodes are step ids with the step's attributes; edges are transitions carrying the probability
that a customer at the source moves along them: `(1 - abandon) * normalised share`. Queries that
several rules share (reachability, success steps, components, likely paths) live here and
are computed once per journey; the flow of customers is `cyclemap.graph.flow_model`'s.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from functools import cached_property
from typing import Any

import networkx as nx

from cyclemap.format.model import normalised_shares
from cyclemap.loading import LoadedJourney


def build_graph(journey: LoadedJourney) -> nx.DiGraph:
    """The journey's steps and transitions as a networkx graph (see the module docstring)."""
    graph = nx.DiGraph(journey=journey.id, name=journey.document.journey.name, file=journey.display)
    steps = journey.document.steps
    step_nodes = _step_nodes(journey)
    # One bulk call: networkx clears its caches on every single add_node (5 s for 100,000).
    graph.add_nodes_from(
        (
            step.id,
            dict(
                index=index,
                label=step.label,
                stage=step.stage,
                team=step.team,
                channel=step.channel,
                outcome=step.outcome,
                abandon=step.abandon,
                entry=step.entry is not None,
                volume=step.entry.volume if step.entry is not None else None,
                moment_of_truth=step.moment_of_truth,
                duration=step.duration,
                score=step.score,
                backstage=step.backstage,
                line=step_nodes[index].line + 1,
                column=step_nodes[index].column + 1,
                external=False,
            ),
        )
        for index, step in enumerate(steps)
    )
    for step in steps:
        for transition in step.next:
            if transition.link is not None and transition.to not in graph:
                # A step of another journey: where customers continue (see `JourneyGraph`).
                graph.add_node(
                    transition.to,
                    index=len(steps) + graph.number_of_nodes(),
                    label=transition.to,
                    stage=None,
                    team=None,
                    channel=None,
                    outcome=None,
                    abandon=0.0,
                    entry=False,
                    volume=None,
                    moment_of_truth=None,
                    duration=None,
                    score=None,
                    backstage=False,
                    line=0,
                    column=0,
                    external=True,
                )
    for index, step in enumerate(steps):
        for position, (transition, share) in enumerate(
            zip(step.next, normalised_shares(step), strict=True)
        ):
            target = graph.nodes[transition.to]
            line, column = _next_position(step_nodes[index], position)
            graph.add_edge(
                step.id,
                transition.to,
                position=position,
                share=share,
                share_given=transition.share is not None,
                written_share=transition.share,
                probability=(1.0 - step.abandon) * share,
                handoff=step.team is not None
                and target["team"] is not None
                and step.team != target["team"],
                channel_switch=step.channel is not None
                and target["channel"] is not None
                and step.channel != target["channel"],
                context=transition.context,
                reason=transition.reason,
                line=line,
                column=column,
            )
    return graph


def _step_nodes(journey: LoadedJourney) -> list[Any]:
    """The YAML nodes of the steps, to read positions without walking from the root each time
    (measured: 6.6 s -> 1 s to build a 100,000-step graph)."""
    from cyclemap.loading.yaml_nodes import SequenceNode

    entry = journey.root.entries.get("steps")
    assert entry is not None and isinstance(entry[1], SequenceNode)
    return entry[1].items


def _next_position(step_node: Any, position: int) -> tuple[int, int]:
    from cyclemap.loading.yaml_nodes import MappingNode, SequenceNode

    if isinstance(step_node, MappingNode) and "next" in step_node.entries:
        items = step_node.entries["next"][1]
        if isinstance(items, SequenceNode) and position < len(items.items):
            node = items.items[position]
            return node.line + 1, node.column + 1
    return step_node.line + 1, step_node.column + 1


def reachable_from(neighbours: Mapping[str, Iterable[str]], sources: Iterable[str]) -> set[str]:
    """Every node some source leads to (sources included): one breadth-first search."""
    seen = set(sources)
    queue = deque(seen)
    while queue:
        for following in neighbours[queue.popleft()]:
            if following not in seen:
                seen.add(following)
                queue.append(following)
    return seen


def _bfs(graph: nx.DiGraph, sources: Iterable[str], *, reverse: bool = False) -> set[str]:
    return reachable_from(graph.pred if reverse else graph.succ, sources)


class JourneyGraph:
    """A journey with its graph and the shared queries, each computed on first use."""

    def __init__(self, journey: LoadedJourney, *, linked_in: Iterable[str] = ()) -> None:
        """`linked_in`: steps other journeys send customers to (`journey-id:step-id` links),
        which customers therefore reach even if no entry of this journey leads there."""
        self.journey = journey
        self.graph = build_graph(journey)
        self.linked_in = frozenset(step for step in linked_in if step in self.graph)
        self._best_moves: dict[frozenset[str], tuple[dict[str, float], dict[str, str]]] = {}

    @property
    def id(self) -> str:
        return self.journey.id

    @cached_property
    def _attributes(self) -> dict[str, dict[str, Any]]:
        """Each step's attribute dict by id: networkx's node view costs a method call per
        lookup, and rules look steps up millions of times on big journeys."""
        return dict(self.graph.nodes(data=True))

    @cached_property
    def _file_position(self) -> dict[str, int]:
        return {node: data["index"] for node, data in self._attributes.items()}

    def step(self, step_id: str) -> dict[str, Any]:
        return self._attributes[step_id]

    def in_file_order(self, step_ids: Iterable[str]) -> list[str]:
        return sorted(step_ids, key=self._file_position.__getitem__)

    @cached_property
    def entries(self) -> list[str]:
        return [node for node, entry in self.graph.nodes(data="entry") if entry]

    @cached_property
    def successes(self) -> list[str]:
        return [node for node, outcome in self.graph.nodes(data="outcome") if outcome == "success"]

    @cached_property
    def reachable(self) -> set[str]:
        """Steps some entry (or a link from another journey) leads to, those included."""
        return _bfs(self.graph, [*self.entries, *self.linked_in])

    @cached_property
    def external(self) -> list[str]:
        """Steps of other journeys this one links to (`journey-id:step-id`)."""
        return [node for node, external in self.graph.nodes(data="external") if external]

    @cached_property
    def own_steps(self) -> list[str]:
        """This journey's steps, in file order (without the linked steps of others)."""
        return [node for node in self.in_file_order(self.graph) if not self.step(node)["external"]]

    @cached_property
    def reaching_success(self) -> set[str]:
        """Steps from which some `success` step can be reached (successes included); a link to
        another journey counts as a way forward, since the journey goes on there."""
        return _bfs(self.graph, [*self.successes, *self.external], reverse=True)

    def regions(self, steps: Iterable[str]) -> list[list[str]]:
        """`steps` split into regions: the groups that transitions join (in either direction),
        each in file order, in the order of their first step. One problem, one region: a broken
        link leaves every step after it unreachable, one region."""
        members = set(steps)
        undirected = {
            node: [n for n in (*self.graph.succ[node], *self.graph.pred[node]) if n in members]
            for node in members
        }
        found, seen = [], set()
        for node in self.in_file_order(members):
            if node not in seen:
                region = reachable_from(undirected, [node])
                seen |= region
                found.append(self.in_file_order(region))
        return found

    def first_steps(self, region: list[str]) -> list[str]:
        """Where a region starts: one step (the first in file order) of each loop or step of the
        region that no other step of the region leads to."""
        view = self.graph.subgraph(region)
        condensed = nx.condensation(view)
        starts = [
            min(condensed.nodes[component]["members"], key=self._file_position.__getitem__)
            for component in condensed
            if condensed.in_degree(component) == 0
        ]
        return self.in_file_order(starts)

    def handoff_edges(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        for source, target, data in self.graph.edges(data=True):
            if data["handoff"]:
                yield source, target, data

    def entry_order(self) -> dict[str, int]:
        """Breadth-first order in which customers coming from the entries meet each step."""
        order: dict[str, int] = {}
        queue = deque(self.in_file_order(self.entries))
        order.update((node, rank) for rank, node in enumerate(queue))
        while queue:
            node = queue.popleft()
            for following in self.in_file_order(self.graph.succ[node]):
                if following not in order:
                    order[following] = len(order)
                    queue.append(following)
        return order

    def strongly_connected_components(self, *, without: Iterable[str] = ()) -> list[list[str]]:
        """Components (in file order, each sorted in file order) of the graph minus `without`."""
        removed = set(without)
        view = self.graph.subgraph(node for node in self.graph if node not in removed)
        components = [
            self.in_file_order(component) for component in nx.strongly_connected_components(view)
        ]
        return sorted(components, key=lambda component: self.graph.nodes[component[0]]["index"])

    def most_likely_path(self, source: str, targets: set[str]) -> tuple[list[str], float] | None:
        """The most probable path from `source` to any of `targets`, and its probability.

        Dijkstra on `-log(probability)`: the product of probabilities is largest where the sum of
        their negative logarithms is smallest. It runs once per set of targets, backwards from
        them, and gives every step its best next move; each path is then read off in its own
        length, so asking for every entry of a large journey stays cheap.
        """
        key = frozenset(targets)
        if key not in self._best_moves:
            self._best_moves[key] = self._best_moves_towards(key)
        distances, following = self._best_moves[key]
        if source not in distances:
            return None
        path = [source]
        while path[-1] not in key:
            path.append(following[path[-1]])
        return path, math.exp(-distances[source])

    def _best_moves_towards(
        self, targets: frozenset[str]
    ) -> tuple[dict[str, float], dict[str, str]]:
        """Each step's `-log` of the best probability to reach `targets`, and its next move."""
        nodes = self.graph.nodes
        heap = [(0.0, nodes[target]["index"], target, "") for target in targets if target in nodes]
        heapq.heapify(heap)
        distances: dict[str, float] = {}
        following: dict[str, str] = {}
        while heap:
            distance, _, node, after = heapq.heappop(heap)
            if node in distances:
                continue
            distances[node] = distance
            if after:
                following[node] = after
            for previous, data in self.graph.pred[node].items():
                if previous not in distances and data["probability"] > 0:
                    weight = -math.log(data["probability"])
                    heapq.heappush(
                        heap, (distance + weight, nodes[previous]["index"], previous, node)
                    )
        return distances, following
