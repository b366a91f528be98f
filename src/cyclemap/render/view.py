"""What a map shows, decided once for every render target.

A `MapView` is the drawing in the abstract: boxes with their labels, kinds and highlights,
grouped into swimlanes, and arrows with their labels and styles. The Graphviz and Mermaid
targets only translate it, so a map looks the same whichever format is asked for. With
`collapse`, each stage or team becomes one box and the arrows carry the flow of customers
between them, an overview that stays readable (and quick to lay out) at thousands of steps.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from cyclemap.findings import Finding
from cyclemap.graph import JourneyGraph
from cyclemap.numbers import customers, percent

GroupBy = Literal["stage", "team", "channel"]
Collapse = Literal["stage", "team"]

TEAM_COLOURS = (
    "#cfe2f3",
    "#d9ead3",
    "#fff2cc",
    "#f4cccc",
    "#d9d2e9",
    "#fce5cd",
    "#d0e0e3",
    "#ead1dc",
    "#e6f4ea",
    "#fde7e9",
    "#e8eaf6",
    "#f3e5f5",
)
NO_TEAM_COLOUR = "#eeeeee"
LABEL_LIMIT = 80
"""Characters of user text kept in a label: well below dot's 16 K limit, and readable."""


def shorten(text: str, limit: int = LABEL_LIMIT) -> str:
    """One line of at most `limit` characters, control characters removed."""
    flat = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


@dataclass(frozen=True)
class MapNode:
    key: str
    """A synthetic id (`n0`, `g1`): user text never becomes an identifier in any output."""
    label: str
    detail: str = ""
    """Second line: the channel (and team when grouped otherwise)."""
    team: str | None = None
    colour: str = NO_TEAM_COLOUR
    kind: str = "step"
    """step, entry, success, failure, abandoned, link (another journey's step) or group."""
    moment_of_truth: bool = False
    volume: float | None = None
    abandon: float = 0.0
    lost: float | None = None
    marks: frozenset[str] = frozenset()
    """Rules with a finding on this box (peloteo-loop, dead-end, drop-off-point, ...)."""


@dataclass(frozen=True)
class MapEdge:
    source: str
    target: str
    label: str = ""
    handoff: bool = False
    context_lost: bool = False
    channel_switch: bool = False
    peloteo: bool = False
    weight: float | None = None
    """0..1 share of the heaviest flow, for overview arrows drawn by width; None elsewhere."""


@dataclass(frozen=True)
class MapGroup:
    key: str
    title: str
    nodes: tuple[str, ...]


@dataclass(frozen=True)
class MapView:
    title: str
    subtitle: str
    groups: tuple[MapGroup, ...]
    nodes: tuple[MapNode, ...]
    edges: tuple[MapEdge, ...]
    legend: tuple[tuple[str, str], ...]
    """(team label, colour) in order of first appearance."""
    collapsed: bool = False
    by_volume: bool = False
    notes: tuple[str, ...] = field(default=())


def _finding_marks(findings: Iterable[Finding]) -> tuple[dict[str, set[str]], set[tuple[str, str]]]:
    marks: dict[str, set[str]] = defaultdict(set)
    loop_edges: set[tuple[str, str]] = set()
    for finding in findings:
        if finding.rule == "peloteo-loop" and finding.steps:
            walk = [*finding.steps, finding.steps[0]]
            loop_edges.update(itertools.pairwise(walk))
        for step in finding.steps:
            if finding.rule != "context-lost-handoff":
                marks[step].add(finding.rule)
    return marks, loop_edges


def _team_colours(graph: JourneyGraph) -> dict[str, str]:
    teams: dict[str, str] = {}
    for node in graph.in_file_order(graph.graph):
        team = graph.step(node)["team"]
        if team is not None and team not in teams:
            teams[team] = TEAM_COLOURS[len(teams) % len(TEAM_COLOURS)]
    return teams


def _team_name(graph: JourneyGraph, team: str) -> str:
    definition = graph.journey.teams.get(team)
    name = definition.value.name if definition is not None else None
    return shorten(name or team, 40)


def _channel_name(graph: JourneyGraph, channel: str) -> str:
    definition = graph.journey.channels.get(channel)
    name = definition.value.name if definition is not None else None
    return shorten(name or channel, 40)


def _group_title(graph: JourneyGraph, by: GroupBy, value: str | None) -> str:
    if value is None:
        return f"(no {by})"
    if by == "team":
        return _team_name(graph, value)
    if by == "channel":
        return _channel_name(graph, value)
    stage = next((stage for stage in graph.journey.document.stages if stage.id == value), None)
    return shorten(stage.name if stage is not None else value, 60)


def _group_order(graph: JourneyGraph, by: GroupBy) -> list[str | None]:
    if by == "stage":
        return [stage.id for stage in graph.journey.document.stages]
    seen: dict[str | None, None] = {}
    for node in graph.own_steps:
        seen.setdefault(graph.step(node)[by])
    return list(seen)


LINKED = "\u2192 "
"""Prefix of an overview box standing for another journey (no stage or team id has a space)."""


def _overview_group(graph: JourneyGraph, node: str, collapse: Collapse) -> str | None:
    """The box a step falls in: its stage or team, or, for a step of another journey, that
    journey (it belongs to none of this journey's stages or teams)."""
    step = graph.step(node)
    if step["external"]:
        return LINKED + node.split(":", 1)[0]
    value: str | None = step[collapse]
    return value


@dataclass(frozen=True)
class Observed:
    """What a log saw, for the overlay: transition counts and team pairs customers bounce
    between (see `cyclemap.mining`)."""

    counts: dict[tuple[str, str], int]
    bounced_teams: frozenset[frozenset[str]]


def build_view(
    graph: JourneyGraph,
    findings: Iterable[Finding] = (),
    *,
    by: GroupBy = "stage",
    collapse: Collapse | None = None,
    observed: Observed | None = None,
) -> MapView:
    """The map of one journey (see the module docstring); with `observed`, arrows are as wide
    as the traffic the log saw on them, and handoffs customers bounce on are marked."""
    if collapse is not None:
        return _collapsed_view(graph, collapse)
    marks, loop_edges = _finding_marks(findings)
    busiest = max(observed.counts.values(), default=0) if observed is not None else 0
    colours = _team_colours(graph)
    flow = graph.flow
    by_volume = flow is not None and flow.by_volume
    keys = {node: f"n{graph.step(node)['index']}" for node in graph.graph}
    nodes = []
    for node in graph.in_file_order(graph.graph):
        step = graph.step(node)
        team, channel = step["team"], step["channel"]
        details = []
        if channel is not None:
            details.append(_channel_name(graph, channel))
        if by != "team" and team is not None:
            details.append(_team_name(graph, team))
        kind = step["outcome"] or ("entry" if step["entry"] else "step")
        if step["external"]:
            kind = "link"  # a step of another journey, where customers continue
        lost = None
        if flow is not None and by_volume and step["abandon"] > 0:
            lost = flow.arrivals[node] * step["abandon"]
        nodes.append(
            MapNode(
                key=keys[node],
                label=shorten(step["label"]),
                detail=" · ".join(details),
                team=team,
                colour=colours.get(team, NO_TEAM_COLOUR) if team is not None else NO_TEAM_COLOUR,
                kind=kind,
                moment_of_truth=step["moment_of_truth"] is not None,
                volume=step["volume"],
                abandon=step["abandon"],
                lost=lost,
                marks=frozenset(marks.get(node, ())),
            )
        )
    edges = []
    for source in graph.in_file_order(graph.graph):
        following = sorted(graph.graph.succ[source].items(), key=lambda item: item[1]["position"])
        for target, data in following:
            shares_shown = len(following) > 1 or data["share_given"]
            label = percent(data["share"]) if shares_shown else ""
            weight = None
            bounced = False
            if observed is not None:
                seen = observed.counts.get((source, target), 0)
                label = f"{label} · {customers(seen)} seen".strip(" ·")
                weight = seen / busiest if busiest else 0.0
                teams = frozenset({graph.step(source)["team"], graph.step(target)["team"]})
                bounced = data["handoff"] and teams in observed.bounced_teams
            edges.append(
                MapEdge(
                    source=keys[source],
                    target=keys[target],
                    label=label,
                    handoff=data["handoff"],
                    context_lost=data["context"] == "lost",
                    channel_switch=data["channel_switch"],
                    peloteo=(source, target) in loop_edges or bounced,
                    weight=weight,
                )
            )
    members: dict[str | None, list[str]] = defaultdict(list)
    for node in graph.in_file_order(graph.graph):
        members[graph.step(node)[by]].append(keys[node])
    groups = tuple(
        MapGroup(f"g{index}", _group_title(graph, by, value), tuple(members[value]))
        for index, value in enumerate(_group_order(graph, by))
        if members.get(value)
    )
    return MapView(
        title=shorten(graph.journey.document.journey.name, 120),
        subtitle=graph.id,
        groups=groups,
        nodes=tuple(nodes),
        edges=tuple(edges),
        legend=tuple((_team_name(graph, team), colour) for team, colour in colours.items()),
        by_volume=by_volume,
    )


def _collapsed_view(graph: JourneyGraph, collapse: Collapse) -> MapView:
    """One box per stage or team; arrows weighted by the customers moving between them."""
    flow = graph.flow
    order = _group_order(graph, collapse)
    order += list(dict.fromkeys(_overview_group(graph, node, collapse) for node in graph.external))
    keys = {value: f"g{index}" for index, value in enumerate(order)}
    colours = _team_colours(graph)
    arrivals: dict[str | None, float] = defaultdict(float)
    lost: dict[str | None, float] = defaultdict(float)
    counts: dict[str | None, int] = defaultdict(int)
    moving: dict[tuple[str | None, str | None], float] = defaultdict(float)
    for node in graph.graph:
        step = graph.step(node)
        group = _overview_group(graph, node, collapse)
        counts[group] += 1
        reached = flow.arrivals[node] if flow is not None else 0.0
        arrivals[group] += reached
        lost[group] += reached * step["abandon"]
        for target, data in graph.graph.succ[node].items():
            other = _overview_group(graph, target, collapse)
            if other != group:
                moving[(group, other)] += reached * data["probability"] if flow else 1.0
    by_volume = flow is not None and flow.by_volume
    nodes = []
    for value in order:
        if not counts[value]:
            continue
        linked = value is not None and value.startswith(LINKED)
        detail = f"{counts[value]} step{'s' if counts[value] != 1 else ''}"
        if flow is not None and by_volume:
            detail += f" · {customers(arrivals[value])} arrivals"
        nodes.append(
            MapNode(
                key=keys[value],
                label=f"journey {shorten(value[len(LINKED) :])}"
                if linked and value
                else _group_title(graph, collapse, value),
                detail=detail,
                team=value if collapse == "team" and not linked else None,
                colour=colours.get(value, NO_TEAM_COLOUR)
                if collapse == "team" and value and not linked
                else "#ffffff",
                kind="link" if linked else "group",
                lost=lost[value] if by_volume else None,
            )
        )
    heaviest = max(moving.values(), default=1.0) or 1.0
    edges = []
    for (source, target), amount in sorted(
        moving.items(), key=lambda item: (order.index(item[0][0]), order.index(item[0][1]))
    ):
        if flow is None:
            label = ""
        elif by_volume:
            label = customers(amount)
        else:
            label = percent(amount)
        edges.append(MapEdge(keys[source], keys[target], label, weight=amount / heaviest))
    return MapView(
        title=shorten(graph.journey.document.journey.name, 120),
        subtitle=f"{graph.id} — overview by {collapse}",
        groups=(),
        nodes=tuple(nodes),
        edges=tuple(edges),
        legend=(),
        collapsed=True,
        by_volume=by_volume,
    )
