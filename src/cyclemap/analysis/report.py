"""How many customers each problem costs (`stats`): the flow model's figures gathered into a
report per journey, with its ranked quick wins (`cyclemap.analysis.quick_wins`).

Every figure comes from the journey's flow model (`cyclemap.graph.flow_model`, the absorbing
chain the maps and the audit use too).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from cyclemap.analysis import DEFAULT_CONTEXT_COST
from cyclemap.analysis.quick_wins import QuickWin, ranked_wins
from cyclemap.findings import Finding
from cyclemap.graph import JourneyGraph
from cyclemap.graph.flow_model import (
    LINKED,
    UNHAPPY_OUTCOMES,
    EntryFigures,
    FlowError,
    FlowModel,
    GroupFlow,
    StepFlow,
    flow_model,
)
from cyclemap.graph.joined import JoinedGraph
from cyclemap.util.gcpause import collector_paused
from cyclemap.util.i18n import N_, _
from cyclemap.util.numbers import customers, number, percent

__all__ = [
    "DeadEndFigures",
    "FlowReport",
    "JourneyPart",
    "LoopFigures",
    "analyse",
]


@dataclass(frozen=True)
class LoopFigures:
    """A peloteo loop and what it costs (see `cyclemap.graph.flow_model.LoopFlow`)."""

    steps: tuple[str, ...]
    teams: tuple[str, ...]
    start: str
    reached: float | None
    """Customers who reach the step where the loop starts."""
    round_probability: float | None
    """Of those, the share sent round the loop at least once."""
    sent_round: float | None
    """Customers sent round at least once."""
    extra_rounds: float | None
    """Repeat passes: comebacks to the start through another team, summed over customers."""


@dataclass(frozen=True)
class DeadEndFigures:
    """A region with no way to success (a `dead-end` finding) and the customers who reach it."""

    steps: tuple[str, ...]
    """Where customers come in."""
    size: int
    reached: float


@dataclass(frozen=True)
class JourneyPart:
    """One journey's part in a customer's whole cycle (`stats --follow-links`), in the report's
    unit: the customers who reach it, and how many of them end there."""

    journey: str
    steps: int
    reached: float
    success: float
    """Customers whose path ends at one of its `success` steps."""
    lost: float
    """Customers lost in it: abandoning, stuck, or at a `failure` or `abandoned` outcome."""
    elsewhere: float = 0.0
    """Customers it sends to a journey outside the view."""


@dataclass(frozen=True)
class FlowReport:
    journey: str
    by_volume: bool
    weighting: str
    """How entries are combined, said in words."""
    overall: EntryFigures
    entries: tuple[EntryFigures, ...]
    steps: tuple[StepFlow, ...]
    """Every reachable step customers pass through, and every `failure` or `abandoned`
    outcome (customers who end there are lost there), in file order."""
    loops: tuple[LoopFigures, ...]
    quick_wins: tuple[QuickWin, ...]
    dead_ends: tuple[DeadEndFigures, ...] = ()
    total_volume: float | None = None
    context_cost: float = DEFAULT_CONTEXT_COST
    stages: tuple[GroupFlow, ...] = ()
    """Every stage in order, with the customers who reach it and the visits to its steps."""
    teams: tuple[GroupFlow, ...] = ()
    """Every team (None: steps without one) in order of first appearance."""
    moves: dict[str, tuple[tuple[str | None, str | None, float], ...]] = field(default_factory=dict)
    """By `stage` and by `team`: (from, to, moves) between groups, as the overview maps draw."""
    notes: tuple[str, ...] = field(default=())
    parts: tuple[JourneyPart, ...] = ()
    """With `--follow-links`: each linked journey's part in the customer's whole cycle."""
    handoffs_to_success: float | None = None
    """Expected handoffs of the customers who succeed (None when nobody does, or when only
    the quick wins were asked for)."""

    @property
    def unit(self) -> str:
        """What a figure counts, in English (a key for machines; `_()` shows it to people)."""
        return N_("customers per period") if self.by_volume else N_("per customer entering")

    def amount(self, value: float) -> str:
        """A count in the report's unit: customers per period, or a share of those entering."""
        return customers(value) if self.by_volume else percent(value)

    def gain_text(self, win: QuickWin) -> str:
        if self.by_volume:
            return _("+{count} successful customers per period").format(count=customers(win.gain))
        return _("+{share} success probability").format(share=percent(win.gain))

    def win_note(self, win: QuickWin) -> str:
        """What a quick win's estimate assumes, and how its rank moves with the assumption."""
        if not win.ranks:
            return win.assumption
        ranks = {rank for _cost, rank in win.ranks}
        low, high = win.ranks[0][0], win.ranks[-1][0]
        if len(ranks) == 1 and None not in ranks:
            only = _("{assumption}; rank #{rank} for any --context-cost from {low} to {high}")
            return only.format(
                assumption=win.assumption,
                rank=ranks.pop(),
                low=number(low, 4, trim=True),
                high=number(high, 4, trim=True),
            )
        moves = []
        for cost, rank in win.ranks:
            where = number(cost, 4, trim=True)
            moves.append(
                _("#{rank} at {cost}").format(rank=rank, cost=where)
                if rank is not None
                else _("no gain at {cost}").format(cost=where)
            )
        shown = ", ".join(moves)
        return _("{assumption}; rank by --context-cost: {moves}").format(
            assumption=win.assumption, moves=shown
        )

    def win_text(self, win: QuickWin) -> str:
        """One quick win as a sentence: the action, the gain, the assumption, the rank's range."""
        return _("{description}: {gain} ({note})").format(
            description=win.description, gain=self.gain_text(win), note=self.win_note(win)
        )


OUTCOME_MARKS = {
    "failure": N_("failure outcome"),
    "abandoned": N_("abandoned outcome"),
}
"""How a losing outcome step is marked in the tables of where customers are lost."""


def marked(name: str, flow: StepFlow) -> str:
    """A step's name in a table of losses, marked when it is a `failure` or `abandoned`
    outcome (customers who end there are lost there, though nobody abandons it)."""
    mark = OUTCOME_MARKS.get(flow.outcome or "")
    return _("{step} ({outcome})").format(step=name, outcome=_(mark)) if mark else name


def abandon_rate(flow: StepFlow) -> str:
    """The step's abandon rate as written; none at an outcome step, where every path ends."""
    return "\u2014" if flow.outcome is not None else percent(flow.abandon)


def analyse(
    graph: JourneyGraph,
    findings: Iterable[Finding] = (),
    *,
    context_cost: float = DEFAULT_CONTEXT_COST,
    top: int = 5,
    groups: bool = True,
) -> FlowReport:
    """Every flow figure of a journey and its ranked quick wins; without `groups`, no figures
    per stage and team (one solve each), for callers that only want the quick wins.

    Raises `TrappedError` when customers can circulate forever.
    """
    with collector_paused():
        return _analyse(graph, list(findings), context_cost=context_cost, top=top, groups=groups)


def _analyse(
    graph: JourneyGraph, findings: list[Finding], *, context_cost: float, top: int, groups: bool
) -> FlowReport:
    model = flow_model(graph)
    steps = tuple(
        model.step(node)
        for node in graph.in_file_order(graph.reachable)
        if graph.step(node).outcome in (None, *UNHAPPY_OUTCOMES) and not graph.step(node).external
    )
    loops = tuple(
        _loop_figures(model, finding) for finding in findings if finding.rule == "peloteo-loop"
    )
    wins = ranked_wins(model, findings, context_cost) if top > 0 else []
    stages = model.groups("stage") if groups else {}
    dead_ends = tuple(
        DeadEndFigures(
            finding.steps,
            len(finding.details.get("region") or finding.steps),
            model.reached_any(finding.details.get("region") or finding.steps),
        )
        for finding in findings
        if finding.rule == "dead-end"
    )
    return FlowReport(
        journey=graph.id,
        by_volume=model.by_volume,
        weighting=model.weighting,
        overall=model.overall,
        entries=model.entries,
        steps=steps,
        loops=loops,
        quick_wins=tuple(wins[:top]),
        dead_ends=dead_ends,
        total_volume=model.total_volume,
        context_cost=context_cost,
        stages=tuple(
            stages[stage.id] for stage in graph.journey.document.stages if stage.id in stages
        ),
        teams=tuple(model.groups("team").values()) if groups else (),
        moves={
            by: tuple(
                (source, target, amount) for (source, target), amount in model.moves(by).items()
            )
            for by in (("stage", "team") if groups else ())
        },
        handoffs_to_success=model.handoffs_to_success() if groups else None,
        parts=_parts(model) if isinstance(graph, JoinedGraph) else (),
    )


def _parts(model: FlowModel) -> tuple[JourneyPart, ...]:
    """Each joined journey's part, in the order customers meet the journeys."""
    graph = model.graph
    assert isinstance(graph, JoinedGraph)
    members: dict[str, list[str]] = {}
    for node in graph.in_file_order(graph.step_ids):
        owner = graph.owners.get(node)
        members.setdefault(owner[0].id if owner else LINKED + node.split(":", 1)[0], []).append(
            node
        )
    parts = []
    for journey, nodes in members.items():
        if journey.startswith(LINKED):
            continue
        flows = [model.steps[node] for node in nodes]
        outcome = [graph.step(node).outcome for node in nodes]
        parts.append(
            JourneyPart(
                journey,
                len(nodes),
                model.reached_any(nodes),
                sum(f.ended for f, kind in zip(flows, outcome, strict=True) if kind == "success"),
                sum(flow.lost for flow in flows),
                _sent_elsewhere(model, set(nodes)),
            )
        )
    return tuple(parts)


def _sent_elsewhere(model: FlowModel, nodes: set[str]) -> float:
    """Customers the steps `nodes` send to a journey outside the view."""
    chain = model.chain
    visits = model.visits_per_customer
    return model.scale * sum(
        float(visits[row]) * probability
        for row, target, probability in chain.exits
        if chain.transient[row] in nodes and model.graph.step(target).external
    )


def _loop_figures(model: FlowModel, finding: Finding) -> LoopFigures:
    teams = tuple(str(team) for team in finding.details.get("teams", ()))
    component = finding.details.get("component") or finding.steps
    start = finding.steps[0]
    flow = model.loop(component, start) if finding.steps else None
    if flow is None:
        return LoopFigures(finding.steps, teams, start, None, None, None, None)
    return LoopFigures(
        finding.steps,
        teams,
        start,
        flow.reached,
        flow.round_probability,
        flow.sent_round,
        flow.extra_rounds,
    )


QUICK_WINS_UP_TO = 20_000
"""Steps up to which `audit` adds quick wins: beyond, solving the flow again for each candidate
fix takes longer than the audit itself (100,000 steps: 11 s more); `stats` still gives them."""


def quick_win_texts(graph: JourneyGraph, findings: list[Finding], count: int) -> tuple[str, ...]:
    """The `count` fixes that save the most customers, in words; none if flow is undefined."""
    if len(graph.own_steps) > QUICK_WINS_UP_TO:
        return ()
    try:
        report = analyse(graph, findings, top=count, groups=False)
    except FlowError:
        return ()
    return tuple(report.win_text(win) for win in report.quick_wins)
