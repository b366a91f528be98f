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
from cyclemap.graph.flow_model import LINKED, FlowError, FlowModel, flow_model, group_of
from cyclemap.mining.figures import MiningReport
from cyclemap.util.i18n import _, ngettext
from cyclemap.util.numbers import customers, number, percent

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
    """Customers who abandon at this step (a group: lost in it, abandoning, stuck or ending at a
    failure or abandoned outcome), in the flow model's unit; None when the figures do not exist
    or have no volumes behind them."""
    stuck: float | None = None
    """Customers left here with no way forward (a step with no `next`), same unit."""
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


def finding_marks(findings: Iterable[Finding]) -> tuple[dict[str, set[str]], set[tuple[str, str]]]:
    """The rules with a finding on each step, and the transitions of peloteo loops: what every
    map highlights."""
    marks: dict[str, set[str]] = defaultdict(set)
    loop_edges: set[tuple[str, str]] = set()
    for finding in findings:
        if finding.rule == "peloteo-loop" and finding.steps:
            walk = [*finding.steps, finding.steps[0]]
            loop_edges.update(itertools.pairwise(walk))
        # A region (dead end, unreachable steps) is one finding; every step of it is marked.
        for step in finding.details.get("region") or finding.steps:
            if finding.rule != "context-lost-handoff":
                marks[step].add(finding.rule)
    return marks, loop_edges


def _team_colours(graph: JourneyGraph) -> dict[str, str]:
    teams: dict[str, str] = {}
    for node in graph.in_file_order(graph.step_ids):
        team = graph.step(node).team
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
        return {"team": _("(no team)"), "channel": _("(no channel)")}.get(by, _("(no stage)"))
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
        seen.setdefault(getattr(graph.step(node), by))
    return list(seen)


@dataclass(frozen=True)
class Observed:
    """What a log saw, for the overlay: transition counts and team pairs customers bounce
    between (see `cyclemap.mining`)."""

    counts: dict[tuple[str, str], int]
    bounced_teams: frozenset[frozenset[str]]

    @classmethod
    def of(cls, report: MiningReport) -> Observed:
        """What `render --log` draws of a mined log: traffic per transition and the team pairs
        bounced on."""
        return cls(
            counts={(item.source, item.target): item.count for item in report.transitions},
            bounced_teams=frozenset(
                frozenset({bounce.team, bounce.via}) for bounce in report.bounces
            ),
        )


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
    marks, loop_edges = finding_marks(findings)
    busiest = max(observed.counts.values(), default=0) if observed is not None else 0
    colours = _team_colours(graph)
    model = _model(graph)
    by_volume = model is not None and model.by_volume
    keys = {node: f"n{graph.step(node).index}" for node in graph.step_ids}
    nodes = []
    for node in graph.in_file_order(graph.step_ids):
        step = graph.step(node)
        team, channel = step.team, step.channel
        details = []
        if channel is not None:
            details.append(_channel_name(graph, channel))
        if by != "team" and team is not None:
            details.append(_team_name(graph, team))
        kind = step.outcome or ("entry" if step.entry else "step")
        if step.external:
            kind = "link"  # a step of another journey, where customers continue
        lost = stuck = None
        if model is not None and by_volume:
            figures = model.step(node)
            lost = figures.abandoned if step.abandon > 0 else None
            stuck = figures.stuck if figures.stuck > 0 else None
        nodes.append(
            MapNode(
                key=keys[node],
                label=shorten(step.label),
                detail=" · ".join(details),
                team=team,
                colour=colours.get(team, NO_TEAM_COLOUR) if team is not None else NO_TEAM_COLOUR,
                kind=kind,
                moment_of_truth=step.moment_of_truth is not None,
                volume=step.volume,
                abandon=step.abandon,
                lost=lost,
                stuck=stuck,
                marks=frozenset(marks.get(node, ())),
            )
        )
    edges = []
    for source in graph.in_file_order(graph.step_ids):
        following = graph.transitions_from(source)
        for edge in following:
            target = edge.target
            shares_shown = len(following) > 1 or edge.share_given
            label = percent(edge.share) if shares_shown else ""
            weight = None
            bounced = False
            if observed is not None:
                seen = observed.counts.get((source, target), 0)
                seen_text = _("{count} seen").format(count=customers(seen))
                label = f"{label} · {seen_text}".strip(" ·")
                weight = seen / busiest if busiest else 0.0
                teams = frozenset({graph.step(source).team, graph.step(target).team})
                bounced = edge.handoff and teams in observed.bounced_teams
            edges.append(
                MapEdge(
                    source=keys[source],
                    target=keys[target],
                    label=label,
                    handoff=edge.handoff,
                    context_lost=edge.context == "lost",
                    channel_switch=edge.channel_switch,
                    peloteo=(source, target) in loop_edges or bounced,
                    weight=weight,
                )
            )
    members: dict[str | None, list[str]] = defaultdict(list)
    for node in graph.in_file_order(graph.step_ids):
        members[getattr(graph.step(node), by)].append(keys[node])
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


def _model(graph: JourneyGraph) -> FlowModel | None:
    """The journey's flow model; None where customers can circulate forever (no figures)."""
    try:
        return flow_model(graph)
    except FlowError:
        return None


def _collapsed_view(graph: JourneyGraph, collapse: Collapse) -> MapView:
    """One box per stage or team: the customers who reach it (each counted once) and the
    visits to its steps; arrows as wide as the moves between them."""
    model = _model(graph)
    order = _group_order(graph, collapse)
    order += list(dict.fromkeys(group_of(graph, node, collapse) for node in graph.external))
    keys = {value: f"g{index}" for index, value in enumerate(order)}
    colours = _team_colours(graph)
    counts: dict[str | None, int] = defaultdict(int)
    for node in graph.step_ids:
        counts[group_of(graph, node, collapse)] += 1
    groups = model.groups(collapse) if model is not None else {}
    by_volume = model is not None and model.by_volume
    nodes = []
    for value in order:
        if not counts[value]:
            continue
        linked = value is not None and value.startswith(LINKED)
        detail = ngettext("{count} step", "{count} steps", counts[value]).format(
            count=counts[value]
        )
        group = groups.get(value)
        if group is not None:
            detail += " · " + _reach_text(group.reached, group.visits, by_volume=by_volume)
        nodes.append(
            MapNode(
                key=keys[value],
                label=_("journey {id}").format(id=shorten(value[len(LINKED) :]))
                if linked and value
                else _group_title(graph, collapse, value),
                detail=detail,
                team=value if collapse == "team" and not linked else None,
                colour=colours.get(value, NO_TEAM_COLOUR)
                if collapse == "team" and value and not linked
                else "#ffffff",
                kind="link" if linked else "group",
                lost=group.lost if group is not None and by_volume else None,
            )
        )
    moving = model.moves(collapse) if model is not None else _unweighted_moves(graph, collapse)
    heaviest = max(moving.values(), default=1.0) or 1.0
    edges = []
    for (source, target), amount in sorted(
        moving.items(), key=lambda item: (order.index(item[0][0]), order.index(item[0][1]))
    ):
        if model is None:
            label = ""
        elif by_volume:
            label = _("{count} moves").format(count=customers(amount))
        else:
            label = _("{count} moves").format(count=number(amount, 2))
        edges.append(MapEdge(keys[source], keys[target], label, weight=amount / heaviest))
    notes: tuple[str, ...] = ()
    if model is not None:
        reach = (
            _("boxes: customers who reach the team (each counted once) and visits")
            if collapse == "team"
            else _("boxes: customers who reach the stage (each counted once) and visits")
        )
        notes = (
            reach
            + " "
            + _(
                "(a customer who comes back counts again); arrows: moves between them, each "
                "time a customer crosses"
            )
            + ("" if by_volume else "; " + _("per customer entering")),
        )
    return MapView(
        title=shorten(graph.journey.document.journey.name, 120),
        subtitle=f"{graph.id} — "
        + (_("overview by team") if collapse == "team" else _("overview by stage")),
        groups=(),
        nodes=tuple(nodes),
        edges=tuple(edges),
        legend=(),
        collapsed=True,
        by_volume=by_volume,
        notes=notes,
    )


def _reach_text(reached: float, visits: float, *, by_volume: bool) -> str:
    """`2,400 customers · 3,100 visits`, or as a share of the customers entering."""
    if by_volume:
        return _("{customers} customers · {visits} visits").format(
            customers=customers(reached), visits=customers(visits)
        )
    return _("{share} of customers · {visits} visits each").format(
        share=percent(reached), visits=number(visits, 2)
    )


def _unweighted_moves(
    graph: JourneyGraph, collapse: Collapse
) -> dict[tuple[str | None, str | None], float]:
    """Without flow figures: how many transitions join each pair of groups."""
    moving: dict[tuple[str | None, str | None], float] = {}
    for edge in graph.transitions():
        pair = (group_of(graph, edge.source, collapse), group_of(graph, edge.target, collapse))
        if pair[0] != pair[1]:
            moving[pair] = moving.get(pair, 0.0) + 1.0
    return moving
