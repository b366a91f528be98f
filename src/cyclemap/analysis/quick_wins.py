"""Which fix pays back first: what-if ranking of "quick wins" ("ganancias tempranas").

Halve a step's abandonment; break a peloteo loop by removing its returning transition (its
share goes to the step's other transitions); restore context on a `context: lost` handoff,
modelled as removing `context_cost` of abandonment at the target for the customers arriving
through that handoff. Candidates are screened with a first-order estimate, then the best are
re-solved exactly and ranked by extra successful customers per period (or success probability
without volumes). `context_cost` is an assumption, so the ranking is also worked out at half
and at double it, and each win says how its rank moves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from cyclemap.analysis import DEFAULT_CONTEXT_COST
from cyclemap.findings import Finding
from cyclemap.graph import JourneyGraph
from cyclemap.graph.flow_model import Chain, FlowError, FlowModel, endings_of
from cyclemap.graph.solver import solve_absorbing
from cyclemap.util.i18n import _
from cyclemap.util.numbers import percent

EXACT_CANDIDATES = 6
"""How many of the best-screened interventions of each kind are re-solved exactly."""


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


def step_title(graph: JourneyGraph, node: str) -> str:
    """A step as people know it: «its name» (its id), or its id when it has no name."""
    label = graph.step(node).label
    return f"«{label}» ({node})" if label != node else f"«{node}»"


@dataclass(frozen=True)
class _Candidate:
    """An intervention to try: its first-order estimate, and how many customers it touches."""

    estimate: float
    reach: float
    kind: str
    steps: tuple[str, ...]
    words: Callable[[], tuple[str, str]]
    """Its description and assumption, written only for the shortlisted: a large journey has
    thousands of candidates."""
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
        # Ties are broken by the steps, not the description: the same order in every language.
        by_estimate = sorted(same, key=lambda c: (-c.estimate, c.steps))
        by_reach = sorted(same, key=lambda c: (-c.reach, c.steps))
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
        outcome = graph.step(target).outcome
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


def _halving_words(graph: JourneyGraph, node: str, rate: float) -> tuple[str, str]:
    return (
        _("halve abandonment at {step}, {rate} → {halved}").format(
            step=step_title(graph, node), rate=percent(rate), halved=percent(rate / 2)
        ),
        _("assumes half of those who abandon there today can be kept, everything else unchanged"),
    )


def _breaking_words(graph: JourneyGraph, source: str, target: str) -> tuple[str, str]:
    return (
        _(
            "stop sending customers from {source} back to {target}, which breaks the peloteo loop"
        ).format(source=step_title(graph, source), target=step_title(graph, target)),
        _(
            "assumes those sent back today take the step's other ways forward "
            "instead, in their shares"
        ),
    )


def _context_words(
    graph: JourneyGraph, source: str, target: str, context_cost: float
) -> tuple[str, str]:
    return (
        _(
            "keep the customer's story from {source} to {target}, so nobody has to tell it again"
        ).format(source=step_title(graph, source), target=step_title(graph, target)),
        _(
            "assumes {share} of the customers crossing this handoff abandon because "
            "they must repeat their story (--context-cost {cost})"
        ).format(share=percent(context_cost), cost=f"{context_cost:g}"),
    )


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
                    words=partial(_halving_words, graph, node, rate),
                    abandon={node: rate / 2},
                )
            )
    for finding in findings:
        if finding.rule == "peloteo-loop" and finding.steps:
            source, target = finding.steps[-1], finding.steps[0]
            if graph.transition(source, target) is not None:
                candidates.append(
                    _Candidate(
                        estimate=float("inf"),
                        reach=float("inf"),
                        kind="break-loop",
                        steps=(source, target),
                        words=partial(_breaking_words, graph, source, target),
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
                words=partial(_context_words, graph, source, target, context_cost),
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
            description, assumption = candidate.words()
            wins.append(
                QuickWin(
                    candidate.kind,
                    candidate.steps,
                    description,
                    assumption,
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


def ranked_wins(model: FlowModel, findings: list[Finding], context_cost: float) -> list[QuickWin]:
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


def _best_first(win: QuickWin) -> tuple[float, str, tuple[str, ...]]:
    """Most gain first; ties by kind and steps, which no language changes."""
    return (-win.gain, win.kind, win.steps)
