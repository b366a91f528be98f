"""A validated journey as a typed graph of steps, and the questions rules ask of it.

Steps are `StepNode`s and transitions `TransitionEdge`s: frozen records that say what a rule,
a figure or a map reads (a step's team, a transition's probability), so nobody reaches into a
dict of attributes or a graph library. A transition carries the probability that a customer
at its source moves along it: `(1 - abandon) * normalised share`. Queries that several rules
share (successors and predecessors, handoffs, reachability, success steps, components, likely
paths) live here and are computed once per journey; the flow of customers is
`cyclemap.graph.flow_model`'s.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from cyclemap.format.model import MomentOfTruth, normalised_shares
from cyclemap.loading.yaml_nodes import MappingNode, SequenceNode

if TYPE_CHECKING:
    from cyclemap.loading import LoadedJourney


@dataclass(frozen=True, slots=True)
class StepNode:
    """One step as the graph holds it; a step of another journey that this one links to
    (`journey-id:step-id`) is a node too, `external`, with no stage, team or channel."""

    id: str
    index: int
    """Position in file order; other journeys' steps come after the journey's own."""
    label: str
    stage: str | None
    team: str | None
    channel: str | None
    outcome: str | None
    """`success`, `failure`, `abandoned`, or None for a step customers go on from."""
    abandon: float
    entry: bool
    volume: float | None
    """Customers entering here per period (an entry with `volume`)."""
    moment_of_truth: MomentOfTruth | None
    duration: float | None
    """Seconds at the step, when the journey says."""
    score: int | None
    backstage: bool
    line: int
    """1-based line and column of the step in its file (0 for another journey's step)."""
    column: int
    external: bool = False
    allow: frozenset[str] = frozenset()
    """The rules whose findings the step accepts (`allow:`)."""


@dataclass(frozen=True, slots=True)
class TransitionEdge:
    """One transition of `next`, with what follows from the steps at both ends."""

    source: str
    target: str
    position: int
    """Its place in the source step's `next`."""
    share: float
    """The normalised share: the fraction of customers going on from `source` who take it."""
    share_given: bool
    written_share: float | None
    """The `share` as written (None when left out)."""
    probability: float
    """`(1 - abandon of source) * share`: a customer at `source` moves along it."""
    handoff: bool
    """Both steps have a team, and they differ."""
    channel_switch: bool
    """Both steps have a channel, and they differ."""
    context: str | None
    reason: str | None
    line: int
    column: int


def _records(journey: LoadedJourney) -> tuple[list[StepNode], list[TransitionEdge]]:
    """The journey's steps (then the steps of other journeys it links to) and transitions."""
    steps = journey.document.steps
    step_nodes = _step_nodes(journey)
    nodes = [
        StepNode(
            id=step.id,
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
            allow=frozenset(step.allow),
        )
        for index, step in enumerate(steps)
    ]
    known = {node.id: node for node in nodes}
    for step in steps:
        for transition in step.next:
            if transition.link is not None and transition.to not in known:
                # A step of another journey: where customers continue (see `JourneyGraph`).
                linked = StepNode(
                    id=transition.to,
                    index=len(steps) + len(known),
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
                known[linked.id] = linked
                nodes.append(linked)
    edges = []
    for index, step in enumerate(steps):
        for position, (transition, share) in enumerate(
            zip(step.next, normalised_shares(step), strict=True)
        ):
            target = known[transition.to]
            line, column = _next_position(step_nodes[index], position)
            edges.append(
                TransitionEdge(
                    source=step.id,
                    target=transition.to,
                    position=position,
                    share=share,
                    share_given=transition.share is not None,
                    written_share=transition.share,
                    probability=(1.0 - step.abandon) * share,
                    handoff=step.team is not None
                    and target.team is not None
                    and step.team != target.team,
                    channel_switch=step.channel is not None
                    and target.channel is not None
                    and step.channel != target.channel,
                    context=transition.context,
                    reason=transition.reason,
                    line=line,
                    column=column,
                )
            )
    return nodes, edges


def _step_nodes(journey: LoadedJourney) -> list[Any]:
    """The YAML nodes of the steps, to read positions without walking from the root each time
    (measured: 6.6 s -> 1 s to build a 100,000-step graph)."""
    entry = journey.root.entries.get("steps")
    assert entry is not None and isinstance(entry[1], SequenceNode)
    return entry[1].items


def _next_position(step_node: Any, position: int) -> tuple[int, int]:
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


def strong_components(
    nodes: Iterable[str], following: Callable[[str], Iterable[str]]
) -> list[list[str]]:
    """The strongly connected components of the graph `following` describes over `nodes`
    (Tarjan's algorithm, without recursion: a 100,000-step chain is one deep path)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in nodes:
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work: list[tuple[str, Iterator[str]]] = [(root, iter(following(root)))]
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(following(child))))
                    break
                if child in on_stack and index[child] < low[node]:
                    low[node] = index[child]
            else:
                work.pop()
                if work and low[node] < low[work[-1][0]]:
                    low[work[-1][0]] = low[node]
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    found.append(component)
    return found


class JourneyGraph:
    """A journey with its typed graph and the shared queries, each computed on first use."""

    def __init__(self, journey: LoadedJourney, *, linked_in: Iterable[str] = ()) -> None:
        """`linked_in`: steps other journeys send customers to (`journey-id:step-id` links),
        which customers therefore reach even if no entry of this journey leads there."""
        self.journey = journey
        self._hold(*_records(journey))
        self.linked_in = frozenset(step for step in linked_in if step in self._steps)
        self._best_moves: dict[frozenset[str], tuple[dict[str, float], dict[str, str]]] = {}

    def _hold(self, steps: Iterable[StepNode], transitions: Iterable[TransitionEdge]) -> None:
        """Index the records: steps by id in file order, transitions by both ends."""
        self._steps = {step.id: step for step in steps}
        following: dict[str, list[TransitionEdge]] = {node: [] for node in self._steps}
        leading: dict[str, list[TransitionEdge]] = {node: [] for node in self._steps}
        for edge in transitions:
            following[edge.source].append(edge)
            leading[edge.target].append(edge)
        self._succ = {node: tuple(edges) for node, edges in following.items()}
        self._pred = {node: tuple(edges) for node, edges in leading.items()}
        # Each step's file position by id, for sorting: a bound `__getitem__` is the fastest
        # key there is, and rules sort steps into file order millions of times on big journeys.
        self._file_position = {node: step.index for node, step in self._steps.items()}

    @property
    def id(self) -> str:
        return self.journey.id

    def to_networkx(self) -> Any:
        """The journey as a networkx `DiGraph`, for analyses of one's own: nodes are step ids
        with the step's fields as attributes, edges the transitions with theirs. cyclemap's
        own queries use the typed records above (faster, and checked by the type checker)."""
        from dataclasses import asdict

        import networkx as nx

        graph = nx.DiGraph(journey=self.id, name=self.journey.document.journey.name)
        graph.add_nodes_from((node, asdict(step)) for node, step in self._steps.items())
        graph.add_edges_from(
            (edge.source, edge.target, asdict(edge)) for edge in self.transitions()
        )
        return graph

    # -- steps and transitions ------------------------------------------------------------

    def step(self, step_id: str) -> StepNode:
        return self._steps[step_id]

    def __contains__(self, step_id: object) -> bool:
        return step_id in self._steps

    def __len__(self) -> int:
        """Steps, other journeys' linked steps included."""
        return len(self._steps)

    @property
    def step_ids(self) -> Iterable[str]:
        """Every step in file order, other journeys' linked steps (after the own) included."""
        return self._steps.keys()

    def successors(self, step_id: str) -> Sequence[str]:
        """The steps customers go to from a step, in the order of its `next`."""
        return self._following_ids[step_id]

    def predecessors(self, step_id: str) -> Sequence[str]:
        """The steps that lead to a step, in file order."""
        return self._leading_ids[step_id]

    def transitions_from(self, step_id: str) -> tuple[TransitionEdge, ...]:
        """The transitions out of a step, in the order of its `next`."""
        return self._succ[step_id]

    def transitions_to(self, step_id: str) -> tuple[TransitionEdge, ...]:
        """The transitions into a step, in the file order of their sources."""
        return self._pred[step_id]

    def transitions(self) -> Iterator[TransitionEdge]:
        """Every transition, in file order (by source step, then by place in `next`)."""
        for edges in self._succ.values():
            yield from edges

    def transition(self, source: str, target: str) -> TransitionEdge | None:
        """The transition from `source` to `target`, if the journey has it."""
        return next((edge for edge in self._succ[source] if edge.target == target), None)

    def handoffs(self) -> Iterator[TransitionEdge]:
        """Transitions that pass the customer from one team to another, in file order."""
        return (edge for edge in self.transitions() if edge.handoff)

    def allows(self, step_id: str, rule: str) -> bool:
        """Whether the step accepts the rule's findings (`allow:`); no for an unknown step."""
        step = self._steps.get(step_id)
        return step is not None and rule in step.allow

    def locate(self, at: tuple[int | str, ...]) -> tuple[str, int, int, str]:
        """(file as shown, line, column, journey id) of a path in the journey's file."""
        line, column = self.journey.position(*at)
        return self.journey.display, line, column, self.journey.id

    def in_file_order(self, step_ids: Iterable[str]) -> list[str]:
        return sorted(step_ids, key=self._file_position.__getitem__)

    # -- shared queries ------------------------------------------------------------------

    @cached_property
    def _following_ids(self) -> dict[str, list[str]]:
        return {node: [edge.target for edge in edges] for node, edges in self._succ.items()}

    @cached_property
    def _leading_ids(self) -> dict[str, list[str]]:
        return {node: [edge.source for edge in edges] for node, edges in self._pred.items()}

    @cached_property
    def entries(self) -> list[str]:
        return [node for node, step in self._steps.items() if step.entry]

    @cached_property
    def successes(self) -> list[str]:
        return [node for node, step in self._steps.items() if step.outcome == "success"]

    @cached_property
    def reachable(self) -> set[str]:
        """Steps some entry (or a link from another journey) leads to, those included."""
        return reachable_from(self._following_ids, [*self.entries, *self.linked_in])

    @cached_property
    def external(self) -> list[str]:
        """Steps of other journeys this one links to (`journey-id:step-id`)."""
        return [node for node, step in self._steps.items() if step.external]

    @cached_property
    def own_steps(self) -> list[str]:
        """This journey's steps, in file order (without the linked steps of others)."""
        return [node for node in self.in_file_order(self._steps) if not self._steps[node].external]

    @cached_property
    def reaching_success(self) -> set[str]:
        """Steps from which some `success` step can be reached (successes included); a link to
        another journey counts as a way forward, since the journey goes on there."""
        return reachable_from(self._leading_ids, [*self.successes, *self.external])

    def regions(self, steps: Iterable[str]) -> list[list[str]]:
        """`steps` split into regions: the groups that transitions join (in either direction),
        each in file order, in the order of their first step. One problem, one region: a broken
        link leaves every step after it unreachable, one region."""
        members = set(steps)
        undirected = {
            node: [
                n for n in (*self._following_ids[node], *self._leading_ids[node]) if n in members
            ]
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
        members = set(region)
        components = strong_components(
            region, lambda node: (n for n in self._following_ids[node] if n in members)
        )
        component_of = {node: number for number, nodes in enumerate(components) for node in nodes}
        entered = {
            component_of[target]
            for node in region
            for target in self._following_ids[node]
            if target in members and component_of[target] != component_of[node]
        }
        starts = [
            min(nodes, key=self._file_position.__getitem__)
            for number, nodes in enumerate(components)
            if number not in entered
        ]
        return self.in_file_order(starts)

    def entry_order(self) -> dict[str, int]:
        """Breadth-first order in which customers coming from the entries meet each step."""
        order: dict[str, int] = {}
        queue = deque(self.in_file_order(self.entries))
        order.update((node, rank) for rank, node in enumerate(queue))
        while queue:
            node = queue.popleft()
            for following in self.in_file_order(self._following_ids[node]):
                if following not in order:
                    order[following] = len(order)
                    queue.append(following)
        return order

    def strongly_connected_components(self, *, without: Iterable[str] = ()) -> list[list[str]]:
        """Components (in file order, each sorted in file order) of the graph minus `without`."""
        removed = set(without)
        kept = [node for node in self._steps if node not in removed]
        components = [
            self.in_file_order(component)
            for component in strong_components(
                kept, lambda node: (n for n in self._following_ids[node] if n not in removed)
            )
        ]
        return sorted(components, key=lambda component: self._file_position[component[0]])

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
        position = self._file_position
        heap = [(0.0, position[target], target, "") for target in targets if target in position]
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
            for edge in self._pred[node]:
                previous = edge.source
                if previous not in distances and edge.probability > 0:
                    weight = -math.log(edge.probability)
                    heapq.heappush(heap, (distance + weight, position[previous], previous, node))
        return distances, following
