"""How many customers each problem costs, and which fix pays back first (`stats`).

Every figure comes from the journey's flow model (`cyclemap.graph.flow_model`, the absorbing chain
the maps and the audit use too); this module gathers them into a report and ranks what-ifs.

What-if ranking ("quick wins", "ganancias tempranas"): halve a step's abandonment; break a
peloteo loop by removing its returning transition (its share goes to the step's other
transitions); restore context on a `context: lost` handoff, modelled as removing `context_cost`
of abandonment at the target for the customers arriving through that handoff. Candidates are
screened with a first-order estimate, then the best are re-solved exactly and ranked by extra
successful customers per period (or success probability without volumes). `context_cost` is an
assumption, so the ranking is also worked out at half and at double it, and each win says how
its rank moves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from cyclemap.findings import Finding
from cyclemap.graph import JourneyGraph
from cyclemap.graph.flow_model import (
    ALL_ENDINGS,
    ENDINGS,
    Chain,
    Endings,
    EntryFigures,
    FlowError,
    FlowModel,
    GroupFlow,
    StepFlow,
    TrappedError,
    endings_of,
    flow_model,
)
from cyclemap.graph.solver import solve_absorbing
from cyclemap.util.gcpause import collector_paused
from cyclemap.util.numbers import customers, percent

__all__ = [
    "ALL_ENDINGS",
    "ENDINGS",
    "DeadEndFigures",
    "Endings",
    "EntryFigures",
    "FlowError",
    "FlowReport",
    "LoopFigures",
    "QuickWin",
    "TrappedError",
    "analyse",
]

DEFAULT_CONTEXT_COST = 0.1
"""Share of the customers crossing a `context: lost` handoff assumed to abandon because of it."""
EXACT_CANDIDATES = 6
"""How many of the best-screened interventions of each kind are re-solved exactly."""


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
class QuickWin:
    kind: str
    """halve-abandon, break-loop or restore-context."""
    steps: tuple[str, ...]
    description: str
    """What to do, in plain words, naming the steps."""
    assumption: str
    """What the estimate takes for granted."""
    gain: float
    """Extra successful customers per period (with volumes) or extra success probability."""
    success_after: float
    ranks: tuple[tuple[float, int | None], ...] = ()
    """(context cost, rank) over a plausible range of `--context-cost` when the ranking depends
    on it; rank None: no gain at that cost."""


@dataclass(frozen=True)
class FlowReport:
    journey: str
    by_volume: bool
    weighting: str
    """How entries are combined, said in words."""
    overall: EntryFigures
    entries: tuple[EntryFigures, ...]
    steps: tuple[StepFlow, ...]
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

    @property
    def unit(self) -> str:
        return "customers per period" if self.by_volume else "per customer entering"

    def amount(self, value: float) -> str:
        """A count in the report's unit: customers per period, or a share of those entering."""
        return customers(value) if self.by_volume else percent(value)

    def gain_text(self, win: QuickWin) -> str:
        if self.by_volume:
            return f"+{customers(win.gain)} successful customers per period"
        return f"+{percent(win.gain)} success probability"

    def win_note(self, win: QuickWin) -> str:
        """What a quick win's estimate assumes, and how its rank moves with the assumption."""
        if not win.ranks:
            return win.assumption
        ranks = {rank for _, rank in win.ranks}
        low, high = win.ranks[0][0], win.ranks[-1][0]
        if len(ranks) == 1 and None not in ranks:
            only = ranks.pop()
            return f"{win.assumption}; rank #{only} for any --context-cost from {low:g} to {high:g}"
        moves = ", ".join(
            f"#{rank} at {cost:g}" if rank is not None else f"no gain at {cost:g}"
            for cost, rank in win.ranks
        )
        return f"{win.assumption}; rank {moves.replace(' at ', ' at --context-cost ', 1)}"

    def win_text(self, win: QuickWin) -> str:
        """One quick win as a sentence: the action, the gain, the assumption, the rank's range."""
        return f"{win.description}: {self.gain_text(win)} ({self.win_note(win)})"


def step_title(graph: JourneyGraph, node: str) -> str:
    """A step as people know it: «its name» (its id), or its id when it has no name."""
    label = str(graph.step(node)["label"])
    return f"«{label}» ({node})" if label != node else f"«{node}»"


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
        if graph.step(node)["outcome"] is None and not graph.step(node)["external"]
    )
    loops = tuple(
        _loop_figures(model, finding) for finding in findings if finding.rule == "peloteo-loop"
    )
    wins = _ranked_wins(model, findings, context_cost)
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


@dataclass(frozen=True)
class _Candidate:
    """An intervention to try: its first-order estimate, and how many customers it touches."""

    estimate: float
    reach: float
    kind: str
    steps: tuple[str, ...]
    description: str
    assumption: str
    abandon: dict[str, float] = field(default_factory=dict)
    removed: frozenset[tuple[str, str]] = frozenset()


def _shortlist(candidates: list[_Candidate]) -> list[_Candidate]:
    """Per kind, the best by first-order estimate and the ones touching the most customers.

    The estimate ignores how loops amplify a change (a retried step is visited many times),
    so the steps with the most customers affected are re-solved exactly too.
    """
    chosen: dict[tuple[str, tuple[str, ...]], _Candidate] = {}
    for kind in dict.fromkeys(candidate.kind for candidate in candidates):
        same = [candidate for candidate in candidates if candidate.kind == kind]
        by_estimate = sorted(same, key=lambda c: (-c.estimate, c.description))
        by_reach = sorted(same, key=lambda c: (-c.reach, c.description))
        for candidate in by_estimate[:EXACT_CANDIDATES] + by_reach[:EXACT_CANDIDATES]:
            chosen.setdefault((candidate.kind, candidate.steps), candidate)
    return list(chosen.values())


class _Screen:
    """First-order estimates of a change, from the success chance of every step."""

    def __init__(self, model: FlowModel) -> None:
        from scipy.sparse import csr_matrix

        chain = model.chain
        size = len(chain.transient)
        matrix = csr_matrix((chain.values, (chain.rows, chain.columns)), shape=(size, size))
        self.model = model
        self.success_from: Any = solve_absorbing(matrix, chain.ends["success"])

    def value_of(self, target: str) -> float:
        chain, graph = self.model.chain, self.model.graph
        outcome = graph.step(target)["outcome"]
        if target not in chain.index and outcome is None:
            return 0.0  # continues in another journey, or nobody gets there
        if outcome is None:
            return float(self.success_from[chain.index[target]])
        return 1.0 if outcome == "success" else 0.0

    def abandon(self, node: str, new_rate: float) -> float:
        chain = self.model.chain
        old = chain.abandon[node]
        if old >= 1.0:
            return 0.0
        going_on = sum(p * self.value_of(t) for t, p, _ in chain.edges(node)) / (1.0 - old)
        visits = self.model.visits_per_customer
        return float(visits[chain.index[node]] * (old - new_rate) * going_on)


def _fixed_candidates(
    model: FlowModel, findings: list[Finding], screen: _Screen
) -> list[_Candidate]:
    """The candidates that do not depend on `context_cost`: halving abandonment, breaking loops."""
    chain, graph = model.chain, model.graph
    visits = model.visits_per_customer
    candidates: list[_Candidate] = []
    for node in chain.transient:
        rate = chain.abandon[node]
        if rate > 0:
            candidates.append(
                _Candidate(
                    estimate=screen.abandon(node, rate / 2),
                    reach=float(visits[chain.index[node]]) * rate,
                    kind="halve-abandon",
                    steps=(node,),
                    description=f"halve abandonment at {step_title(graph, node)}, "
                    f"{percent(rate)} → {percent(rate / 2)}",
                    assumption="assumes half of those who abandon there today can be kept, "
                    "everything else unchanged",
                    abandon={node: rate / 2},
                )
            )
    for finding in findings:
        if finding.rule == "peloteo-loop" and finding.steps:
            source, target = finding.steps[-1], finding.steps[0]
            if graph.graph.has_edge(source, target):
                candidates.append(
                    _Candidate(
                        estimate=float("inf"),
                        reach=float("inf"),
                        kind="break-loop",
                        steps=(source, target),
                        description=f"stop sending customers from {step_title(graph, source)} "
                        f"back to {step_title(graph, target)}, which breaks the peloteo loop",
                        assumption="assumes those sent back today take the step's other ways "
                        "forward instead, in their shares",
                        removed=frozenset({(source, target)}),
                    )
                )
    return candidates


def _context_candidates(
    model: FlowModel, findings: list[Finding], screen: _Screen, context_cost: float
) -> list[_Candidate]:
    """Restoring context on each `context: lost` handoff, at the assumed `context_cost`."""
    chain, graph = model.chain, model.graph
    visits = model.visits_per_customer
    candidates: list[_Candidate] = []
    for finding in findings:
        if finding.rule != "context-lost-handoff" or len(finding.steps) != 2:
            continue
        source, target = finding.steps
        if target not in chain.index or source not in chain.index:
            continue
        arriving = float(visits[chain.index[target]])
        through = float(visits[chain.index[source]]) * model.transition(source, target)
        share_through = through / arriving if arriving > 0 else 0.0
        new_rate = max(0.0, chain.abandon[target] - context_cost * share_through)
        candidates.append(
            _Candidate(
                estimate=screen.abandon(target, new_rate),
                reach=through * context_cost,
                kind="restore-context",
                steps=(source, target),
                description=f"keep the customer's story from {step_title(graph, source)} to "
                f"{step_title(graph, target)}, so nobody has to tell it again",
                assumption=f"assumes {percent(context_cost)} of the customers crossing this "
                f"handoff abandon because they must repeat their story (--context-cost "
                f"{context_cost:g})",
                abandon={target: new_rate},
            )
        )
    return candidates


def _solved(model: FlowModel, candidates: list[_Candidate]) -> list[QuickWin]:
    """The shortlisted candidates re-solved exactly; those that gain, best first."""
    chain: Chain = model.chain
    before = model.endings.success
    wins: list[QuickWin] = []
    for candidate in _shortlist(candidates):
        variant = chain.variant(abandon=candidate.abandon, removed=candidate.removed)
        if variant.trapped():
            continue
        try:
            after = endings_of(variant, model.weights)[0].success
        except FlowError:
            continue
        gain = model.customers(after - before)
        if gain > 1e-9 * model.scale:
            wins.append(
                QuickWin(
                    candidate.kind,
                    candidate.steps,
                    candidate.description,
                    candidate.assumption,
                    gain,
                    after,
                )
            )
    return sorted(wins, key=_best_first)


def plausible_costs(context_cost: float) -> tuple[float, float]:
    """The range over which a ranking that depends on `--context-cost` is checked."""
    if context_cost <= 0:
        return 0.0, DEFAULT_CONTEXT_COST
    return context_cost / 2, min(1.0, context_cost * 2)


def _ranked_wins(model: FlowModel, findings: list[Finding], context_cost: float) -> list[QuickWin]:
    if not model.chain.transient:
        return []
    screen = _Screen(model)
    if screen.success_from is None:
        return []
    fixed = _solved(model, _fixed_candidates(model, findings, screen))
    context = _context_candidates(model, findings, screen, context_cost)
    if not context:
        return fixed
    by_cost = {context_cost: fixed + _solved(model, context)}
    # The same ranking at the edges of the plausible range of the assumption.
    for cost in plausible_costs(context_cost):
        if cost not in by_cost:
            found = _context_candidates(model, findings, screen, cost)
            by_cost[cost] = fixed + _solved(model, found)
    ranking = {
        cost: {
            (win.kind, win.steps): rank
            for rank, win in enumerate(sorted(found, key=_best_first), start=1)
        }
        for cost, found in by_cost.items()
    }
    wins = sorted(by_cost[context_cost], key=_best_first)
    return [
        QuickWin(
            win.kind,
            win.steps,
            win.description,
            win.assumption,
            win.gain,
            win.success_after,
            tuple((cost, ranking[cost].get((win.kind, win.steps))) for cost in sorted(ranking)),
        )
        for win in wins
    ]


def _best_first(win: QuickWin) -> tuple[float, str]:
    return (-win.gain, win.description)
