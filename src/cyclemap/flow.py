"""How many customers each problem costs, and which fix pays back first.

The journey becomes an absorbing Markov chain. Transient states are the steps customers pass
through; a customer's path ends on first arrival at a `success` step (success), at a `failure`
step (failure), when they abandon (each step's `abandon`, and `abandoned` outcomes), or at a
step with no way forward (stuck, which `dead-end` reports). Probabilities come from `abandon`
and the normalised shares. The expected visits `v` from an entry solve `(I - Qᵀ) v = e`, with
sparse linear algebra and no loop over pairs of states; every figure follows from `v`.

What-if ranking ("quick wins", the seeds' "ganancias tempranas"): halve a step's abandonment;
break a peloteo loop by removing its returning transition (its share goes to the step's other
transitions); restore context on a `context: lost` handoff, modelled as removing
`context_cost` of abandonment at the target for the customers arriving through that handoff.
Candidates are screened with a first-order estimate, then the best are re-solved exactly and
ranked by extra successful customers per period (or success probability without volumes).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from cyclemap.errors import PicklableError
from cyclemap.findings import Finding
from cyclemap.gcpause import collector_paused
from cyclemap.graph import (
    AbsorbingSolver,
    JourneyGraph,
    reachable_from,
    solve_absorbing,
)
from cyclemap.model import normalise
from cyclemap.numbers import customers, percent

ENDINGS = ("success", "failure", "abandoned", "stuck")
ALL_ENDINGS = (*ENDINGS, "elsewhere")
"""With `elsewhere`: customers who continue in another journey through a link."""
DEFAULT_CONTEXT_COST = 0.1
"""Share of the customers crossing a `context: lost` handoff assumed to abandon because of it."""
EXACT_CANDIDATES = 6
"""How many of the best-screened interventions of each kind are re-solved exactly."""


class FlowError(PicklableError):
    """The flow figures of a journey cannot be computed."""


class TrappedError(FlowError):
    """Customers can circulate forever: expected figures do not exist."""

    def __init__(self, steps: list[str]) -> None:
        self.steps = steps
        shown = ", ".join(f"`{step}`" for step in steps[:8]) + (" ..." if len(steps) > 8 else "")
        super().__init__(
            f"customers can be trapped forever among steps {shown}: no transition leads out "
            "and nobody abandons there, so the flow figures do not exist; see the `dead-end` "
            "finding and give the loop a way out (or an `abandon` rate)"
        )


@dataclass(frozen=True)
class Endings:
    """Probabilities of how a customer's path ends; they sum to one."""

    success: float
    failure: float
    abandoned: float
    stuck: float
    elsewhere: float = 0.0
    """Customers who continue in another journey (a `journey-id:step-id` link)."""

    def as_dict(self) -> dict[str, float]:
        """Every ending; `elsewhere` only for journeys that link to others."""
        return {
            name: getattr(self, name)
            for name in ALL_ENDINGS
            if name != "elsewhere" or self.elsewhere
        }


@dataclass(frozen=True)
class EntryFigures:
    entry: str
    """Entry step id, or `all` for the figures weighted over every entry."""
    volume: float | None
    weight: float
    endings: Endings
    expected_steps: float
    expected_handoffs: float
    expected_duration: float | None
    """Seconds, when some step has a `duration`."""


@dataclass(frozen=True)
class StepFigures:
    step: str
    visits: float
    """Expected visits per customer entering (weighted over entries)."""
    abandon: float
    lost: float
    """Customers who abandon or get stuck here, per period (with volumes) or per customer
    entering."""


@dataclass(frozen=True)
class LoopFigures:
    steps: tuple[str, ...]
    teams: tuple[str, ...]
    bounces: float
    """Expected handoffs inside the loop per customer entering (per period with volumes)."""


@dataclass(frozen=True)
class QuickWin:
    kind: str
    """halve-abandon, break-loop or restore-context."""
    steps: tuple[str, ...]
    description: str
    gain: float
    """Extra successful customers per period (with volumes) or extra success probability."""
    success_after: float


@dataclass(frozen=True)
class FlowReport:
    journey: str
    by_volume: bool
    weighting: str
    """How entries are combined, said in words."""
    overall: EntryFigures
    entries: tuple[EntryFigures, ...]
    steps: tuple[StepFigures, ...]
    loops: tuple[LoopFigures, ...]
    quick_wins: tuple[QuickWin, ...]
    total_volume: float | None = None
    notes: tuple[str, ...] = field(default=())

    def gain_text(self, win: QuickWin) -> str:
        if self.by_volume:
            return f"+{customers(win.gain)} successful customers per period"
        return f"+{percent(win.gain)} success probability"


class _Chain:
    """The absorbing chain of one journey, with overrides for what-if variants."""

    def __init__(
        self,
        graph: JourneyGraph,
        *,
        abandon: dict[str, float] | None = None,
        removed: frozenset[tuple[str, str]] = frozenset(),
    ) -> None:
        import numpy as np

        self.graph = graph
        self.abandon = {node: graph.step(node)["abandon"] for node in graph.graph}
        self.abandon.update(abandon or {})
        self.removed = removed
        self.transient = graph.in_file_order(self._live_steps())
        self.index = {node: i for i, node in enumerate(self.transient)}
        size = len(self.transient)
        self.ends = {name: np.zeros(size) for name in ALL_ENDINGS}
        self.handoffs = np.zeros(size)
        self.duration = np.zeros(size)
        self.to_outcome = np.zeros(size)
        self.rows: list[int] = []
        self.columns: list[int] = []
        self.values: list[float] = []
        self._solver: AbsorbingSolver | None = None
        self._inherited: Any = None
        for node in self.transient:
            self._add_row(node)

    def _live_steps(self) -> set[str]:
        """Steps customers can really be at: reached from an entry with positive probability,
        never past an outcome (a path ends on first arrival at one)."""

        def transient(node: str) -> bool:
            step = self.graph.step(node)
            return step["outcome"] is None and not step["external"]

        onward = {
            node: [
                target
                for target in self.graph.graph.succ[node]
                if self.abandon[node] < 1.0 and transient(target)
            ]
            for node in self.graph.graph
            if transient(node)
        }
        return reachable_from(onward, [node for node in self.graph.entries if transient(node)])

    def variant(
        self,
        *,
        abandon: dict[str, float] | None = None,
        removed: frozenset[tuple[str, str]] = frozenset(),
    ) -> _Chain:
        """A what-if copy where only the rows of the changed steps are rebuilt (the whole chain
        when the change lets customers reach steps nobody reached before)."""
        merged_abandon = {**self.abandon, **(abandon or {})}
        if any(self.abandon[node] >= 1.0 > merged_abandon[node] for node in abandon or {}):
            return _Chain(self.graph, abandon=merged_abandon, removed=self.removed | removed)
        other = copy.copy(self)
        other.abandon = {**self.abandon, **(abandon or {})}
        other.removed = self.removed | removed
        touched = {self.index[node] for node in abandon or {} if node in self.index}
        touched |= {self.index[source] for source, _ in removed if source in self.index}
        other.ends = {name: values.copy() for name, values in self.ends.items()}
        other.handoffs = self.handoffs.copy()
        other.duration = self.duration.copy()
        other.to_outcome = self.to_outcome.copy()
        kept = [k for k, row in enumerate(self.rows) if row not in touched]
        other.rows = [self.rows[k] for k in kept]
        other.columns = [self.columns[k] for k in kept]
        other.values = [self.values[k] for k in kept]
        other._solver = None
        other._inherited = self._solver.preconditioner if self._solver is not None else None
        for i in touched:
            for values in (*other.ends.values(), other.handoffs, other.duration, other.to_outcome):
                values[i] = 0.0
            other._add_row(self.transient[i])
        return other

    def _edges(self, node: str) -> list[tuple[str, float, dict[str, Any]]]:
        """(target, probability, data) of a step's transitions after any removal."""
        following = self.graph.graph.succ[node]
        kept = [
            (target, data)
            for target, data in following.items()
            if (node, target) not in self.removed
        ]
        # After a removal the shares are normalised again, as they would be in the edited file.
        shares = (
            [data["share"] for _, data in kept]
            if len(kept) == len(following)
            else normalise([data["written_share"] for _, data in kept])
        )
        going_on = 1.0 - self.abandon[node]
        return [
            (target, going_on * share, data)
            for (target, data), share in zip(kept, shares, strict=True)
        ]

    def _add_row(self, node: str) -> None:
        i = self.index[node]
        step = self.graph.step(node)
        self.ends["abandoned"][i] += self.abandon[node]
        self.duration[i] = step["duration"] or 0.0
        edges = self._edges(node)
        if not edges:
            self.ends["stuck"][i] += 1.0 - self.abandon[node]
        for target, probability, data in edges:
            if probability <= 0:
                continue
            self.handoffs[i] += probability * data["handoff"]
            outcome = self.graph.step(target)["outcome"]
            if self.graph.step(target)["external"]:
                self.ends["elsewhere"][i] += probability
            elif outcome is None:
                self.rows.append(i)
                self.columns.append(self.index[target])
                self.values.append(probability)
            else:
                self.ends[outcome][i] += probability
                self.to_outcome[i] += probability
                self.duration[i] += probability * (self.graph.step(target)["duration"] or 0.0)

    def trapped(self) -> list[str]:
        """Transient steps from which no ending can ever be reached."""
        ending = {
            node
            for node in self.transient
            if any(self.ends[name][self.index[node]] > 0 for name in ALL_ENDINGS)
        }
        reverse: dict[str, list[str]] = {node: [] for node in self.transient}
        for row, column, value in zip(self.rows, self.columns, self.values, strict=True):
            if value > 0:
                reverse[self.transient[column]].append(self.transient[row])
        seen = reachable_from(reverse, ending)
        return [node for node in self.transient if node not in seen]

    def visits(self, start: Any) -> Any:
        """Expected visits to every transient step for the start distribution `start`."""
        from scipy.sparse import csr_matrix

        if self._solver is None:
            size = len(self.transient)
            transposed = csr_matrix((self.values, (self.columns, self.rows)), shape=(size, size))
            self._solver = AbsorbingSolver(transposed, preconditioner=self._inherited)
        solution = self._solver.solve(start)
        if solution is None:
            trapped = self.trapped()
            if trapped:
                raise TrappedError(trapped)
            raise FlowError(
                "the flow figures could not be computed: customers circulate so long in this "
                "journey's loops that the solution is numerically unreliable"
            )
        return solution


@dataclass(frozen=True)
class _Candidate:
    """An intervention to try: its first-order estimate, and how many customers it touches."""

    estimate: float
    reach: float
    kind: str
    steps: tuple[str, ...]
    description: str
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


def _start_vector(chain: _Chain, weights: dict[str, float]) -> tuple[Any, dict[str, float]]:
    """Start distribution over transient steps, and the mass entering at outcome steps."""
    import numpy as np

    start = np.zeros(len(chain.transient))
    immediate: dict[str, float] = {name: 0.0 for name in (*ALL_ENDINGS, "duration")}
    for node, weight in weights.items():
        step = chain.graph.step(node)
        if node in chain.index:
            start[chain.index[node]] += weight
        elif step["outcome"] is not None:
            immediate[step["outcome"]] += weight
            immediate["duration"] += weight * (step["duration"] or 0.0)
    return start, immediate


def _figures(
    chain: _Chain, entry: str, weights: dict[str, float], volume: float | None
) -> tuple[EntryFigures, Any]:
    start, immediate = _start_vector(chain, weights)
    visits = chain.visits(start) if len(chain.transient) else start
    endings = {name: float(visits @ chain.ends[name]) + immediate[name] for name in ALL_ENDINGS}
    spent = float(visits @ chain.duration) + immediate["duration"]
    total = sum(endings.values()) or 1.0
    durations_known = any(chain.graph.step(node)["duration"] for node in chain.graph.graph)
    # Steps lived: every visit to a transient step, plus the outcome step where a path ends.
    reached_outcome = float(visits @ chain.to_outcome) + sum(immediate[name] for name in ENDINGS)
    figures = EntryFigures(
        entry=entry,
        volume=volume,
        weight=sum(weights.values()),
        endings=Endings(**{name: value / total for name, value in endings.items()}),
        expected_steps=float(visits.sum()) + reached_outcome / total,
        expected_handoffs=float(visits @ chain.handoffs) / total,
        expected_duration=spent / total if durations_known else None,
    )
    return figures, visits


def _entry_weights(graph: JourneyGraph) -> tuple[dict[str, float], bool, str]:
    entries = graph.in_file_order(graph.entries)
    volumes = {node: graph.step(node)["volume"] for node in entries}
    if entries and all(volume is not None for volume in volumes.values()):
        total = sum(volumes.values())
        if total > 0:
            return (
                {node: volumes[node] / total for node in entries},
                True,
                "entries weighted by their `volume`",
            )
    if len(entries) > 1:
        how = "entries weighted equally (not every entry has a `volume`)"
    else:
        how = "one entry"
    return {node: 1.0 / len(entries) for node in entries}, False, how


def _success(chain: _Chain, weights: dict[str, float]) -> float:
    return _figures(chain, "all", weights, None)[0].endings.success


def analyse(
    graph: JourneyGraph,
    findings: Iterable[Finding] = (),
    *,
    context_cost: float = DEFAULT_CONTEXT_COST,
    top: int = 5,
) -> FlowReport:
    """Every flow figure of a journey and its ranked quick wins.

    Raises `TrappedError` when customers can circulate forever.
    """
    with collector_paused():
        return _analyse(graph, findings, context_cost=context_cost, top=top)


def _analyse(
    graph: JourneyGraph, findings: Iterable[Finding], *, context_cost: float, top: int
) -> FlowReport:
    findings = list(findings)
    weights, by_volume, weighting = _entry_weights(graph)
    if not weights:
        raise TrappedError([])
    total_volume = sum(graph.step(node)["volume"] for node in weights) if by_volume else None
    chain = _Chain(graph)
    trapped = chain.trapped()
    if trapped:
        raise TrappedError(trapped)
    overall, visits = _figures(chain, "all", weights, total_volume)
    entries = (
        tuple(_figures(chain, node, {node: 1.0}, graph.step(node)["volume"])[0] for node in weights)
        if len(weights) > 1
        else (_with_entry(overall, next(iter(weights))),)
    )
    scale = total_volume if by_volume and total_volume else 1.0

    def step_figures(node: str) -> StepFigures:
        if node not in chain.index:  # nobody gets there (only past a success)
            return StepFigures(node, 0.0, chain.abandon[node], 0.0)
        seen = float(visits[chain.index[node]])
        leaving = chain.abandon[node] + float(chain.ends["stuck"][chain.index[node]])
        return StepFigures(node, seen, chain.abandon[node], seen * leaving * scale)

    steps = tuple(
        step_figures(node)
        for node in graph.in_file_order(graph.reachable)
        if graph.step(node)["outcome"] is None
    )
    loops = tuple(
        _loop_figures(graph, chain, visits, finding, scale)
        for finding in findings
        if finding.rule == "peloteo-loop"
    )
    wins = _quick_wins(graph, chain, visits, weights, findings, context_cost, overall, scale)
    return FlowReport(
        journey=graph.id,
        by_volume=by_volume,
        weighting=weighting,
        overall=overall,
        entries=entries,
        steps=steps,
        loops=loops,
        quick_wins=tuple(wins[:top]),
        total_volume=total_volume,
    )


def _with_entry(figures: EntryFigures, entry: str) -> EntryFigures:
    return EntryFigures(
        entry,
        figures.volume,
        figures.weight,
        figures.endings,
        figures.expected_steps,
        figures.expected_handoffs,
        figures.expected_duration,
    )


def _loop_figures(
    graph: JourneyGraph, chain: _Chain, visits: Any, finding: Finding, scale: float
) -> LoopFigures:
    members = set(finding.details.get("component") or finding.steps)
    bounces = 0.0
    for node in members & chain.index.keys():
        for target, probability, data in chain._edges(node):
            if target in members and data["handoff"]:
                bounces += float(visits[chain.index[node]]) * probability
    teams = tuple(str(team) for team in finding.details.get("teams", ()))
    return LoopFigures(finding.steps, teams, bounces * scale)


def _quick_wins(
    graph: JourneyGraph,
    chain: _Chain,
    visits: Any,
    weights: dict[str, float],
    findings: list[Finding],
    context_cost: float,
    overall: EntryFigures,
    scale: float,
) -> list[QuickWin]:
    from scipy.sparse import csr_matrix

    size = len(chain.transient)
    # Success probability from every transient step: the first-order screen of each change.
    matrix = csr_matrix((chain.values, (chain.rows, chain.columns)), shape=(size, size))
    success_from = solve_absorbing(matrix, chain.ends["success"])
    if success_from is None:
        return []

    def value_of(target: str) -> float:
        outcome = graph.step(target)["outcome"]
        if target not in chain.index and outcome is None:
            return 0.0  # continues in another journey, or nobody gets there
        if outcome is None:
            return float(success_from[chain.index[target]])
        return 1.0 if outcome == "success" else 0.0

    def screen_abandon(node: str, new_rate: float) -> float:
        old = chain.abandon[node]
        if old >= 1.0:
            return 0.0
        going_on = sum(p * value_of(t) for t, p, _ in chain._edges(node)) / (1.0 - old)
        return float(visits[chain.index[node]] * (old - new_rate) * going_on)

    candidates: list[_Candidate] = []
    for node in chain.transient:
        rate = chain.abandon[node]
        if rate > 0:
            candidates.append(
                _Candidate(
                    estimate=screen_abandon(node, rate / 2),
                    reach=float(visits[chain.index[node]]) * rate,
                    kind="halve-abandon",
                    steps=(node,),
                    description=f"halve abandonment at `{node}` ({percent(rate)} → "
                    f"{percent(rate / 2)})",
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
                        description=f"break the peloteo loop: remove `{source}` → `{target}` "
                        "(its share goes to the other transitions)",
                        removed=frozenset({(source, target)}),
                    )
                )
        elif finding.rule == "context-lost-handoff" and len(finding.steps) == 2:
            source, target = finding.steps
            if target not in chain.index or source not in chain.index:
                continue
            arriving = float(visits[chain.index[target]])
            through = float(visits[chain.index[source]]) * next(
                (p for t, p, _ in chain._edges(source) if t == target), 0.0
            )
            share_through = through / arriving if arriving > 0 else 0.0
            new_rate = max(0.0, chain.abandon[target] - context_cost * share_through)
            candidates.append(
                _Candidate(
                    estimate=screen_abandon(target, new_rate),
                    reach=through * context_cost,
                    kind="restore-context",
                    steps=(source, target),
                    description=f"keep the context from `{source}` to `{target}` (saves "
                    f"{percent(context_cost)} abandonment for those customers)",
                    abandon={target: new_rate},
                )
            )
    wins: list[QuickWin] = []
    for candidate in _shortlist(candidates):
        variant = chain.variant(abandon=candidate.abandon, removed=candidate.removed)
        if variant.trapped():
            continue
        try:
            after = _success(variant, weights)
        except FlowError:
            continue
        gain = (after - overall.endings.success) * scale
        if gain > 1e-9 * scale:
            wins.append(
                QuickWin(candidate.kind, candidate.steps, candidate.description, gain, after)
            )
    wins.sort(key=lambda win: (-win.gain, win.description))
    return wins
