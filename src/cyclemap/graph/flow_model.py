"""The one flow model of a journey: every customer figure any command shows comes from here.

The journey becomes an absorbing Markov chain. Transient states are the steps customers pass
through; a customer's path ends on first arrival at a `success` step (success), at a `failure`
step (failure), when they abandon (each step's `abandon`, and `abandoned` outcomes), at a step
with no way forward (stuck, which `dead-end` reports), or at a step of another journey
(elsewhere). A `success` step that goes on (renewal, after-sale) still ends the path here: the
customer's goal was reached, and what follows is a new cycle, not more of this one.
Probabilities come from `abandon` and the normalised shares. The expected visits `v` from the
entries solve `(I - Qᵀ) v = e`, with sparse linear algebra and no loop over pairs of states.

Units: when every entry has a `volume`, figures are customers per period; otherwise they are
per customer entering (entries weighted equally), so 0.25 reads "a quarter of them". Words:

- visits: arrivals at a step; a customer who comes back counts again;
- reached: customers who arrive at a step (or at any step of a stage or team) at least once,
  each counted once: `visits / expected visits of a customer who is there`;
- abandoned / stuck: customers whose path ends at a step by abandoning / for want of a `next`;
- ended: customers whose path ends at an outcome step (or a step of another journey);
- lost: abandoned, stuck, and ended at a `failure` or `abandoned` outcome; over every step they
  add up to every customer who does not reach success (nor another journey).

`flow_model(graph)` computes it once per graph; renderers, rules, `stats` and `audit` all ask
it, so a figure is the same wherever it is shown.
"""

from __future__ import annotations

import copy
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

from cyclemap.errors import PicklableError
from cyclemap.format.model import normalise
from cyclemap.graph.journey import JourneyGraph, TransitionEdge, reachable_from
from cyclemap.graph.solver import AbsorbingSolver, solve_absorbing
from cyclemap.util.gcpause import collector_paused
from cyclemap.util.i18n import N_, _

ENDINGS = ("success", "failure", "abandoned", "stuck")
ALL_ENDINGS = (*ENDINGS, "elsewhere")
"""With `elsewhere`: customers who continue in another journey through a link."""
LOST_ENDINGS = ("failure", "abandoned", "stuck")
UNHAPPY_OUTCOMES = ("failure", "abandoned")
"""Outcomes that lose the customers whose path ends there."""
"""The endings of customers the journey loses: given up on, gave up, or left with no way on."""
REACH_EXACT_UP_TO = 3_000
"""Largest loop tangle (strongly connected steps) whose steps' `reached` is computed: it needs
the diagonal of the tangle's inverse, one sparse solve per step. Beyond, `reached` is None for
its steps (visits and every other figure still exist)."""
LOOP_ROUNDS_UP_TO = 2_000
"""Largest loop tangle whose go-round probability is computed (one solve over twice its size)."""

GroupBy = Literal["stage", "team", "channel"]
LINKED = "\u2192 "
"""Prefix of the group standing for another journey (no stage or team id has a space)."""


def group_of(graph: JourneyGraph, node: str, by: GroupBy) -> str | None:
    """The stage, team or channel of a step (None: it has none); a step of another journey
    belongs to none of this journey's, so it stands in a group of its own journey, `LINKED` +
    that journey's id."""
    step = graph.step(node)
    if step.external:
        return LINKED + node.split(":", 1)[0]
    value: str | None = getattr(step, by)
    return value


class FlowError(PicklableError):
    """The flow figures of a journey cannot be computed."""


class TrappedError(FlowError):
    """Customers can circulate forever: expected figures do not exist."""

    def __init__(self, steps: list[str]) -> None:
        self.steps = steps
        shown = ", ".join(f"`{step}`" for step in steps[:8]) + (" ..." if len(steps) > 8 else "")
        super().__init__(
            _(
                "customers can be trapped forever among steps {steps}: no transition leads out "
                "and nobody abandons there, so the flow figures do not exist; see the "
                "`dead-end` finding and give the loop a way out (or an `abandon` rate)"
            ).format(steps=shown)
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

    @property
    def lost(self) -> float:
        return self.failure + self.abandoned + self.stuck


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
    """Seconds over every customer, however their path ends (when some step has a `duration`)."""
    duration_to_success: float | None = None
    """Seconds from entering to success, of the customers who succeed (None when none do)."""
    duration_to_loss: float | None = None
    """Seconds from entering until failure, abandonment or getting stuck, of those customers."""


@dataclass(frozen=True)
class StepFlow:
    """One step's figures, in the model's unit (see the module docstring)."""

    step: str
    visits: float
    reached: float | None
    """None only inside a loop tangle larger than `REACH_EXACT_UP_TO` steps."""
    abandon: float
    """The step's abandonment rate as written (0..1)."""
    abandoned: float
    stuck: float
    ended: float = 0.0
    """At an outcome step or another journey's step: customers whose path ends here."""
    outcome: str | None = None
    """The step's `outcome` as written (None: customers pass through it)."""

    @property
    def ended_unhappily(self) -> float:
        """Customers whose path ends here at a `failure` or `abandoned` outcome."""
        return self.ended if self.outcome in UNHAPPY_OUTCOMES else 0.0

    @property
    def lost(self) -> float:
        """Customers lost here: abandoning, stuck with no way forward, or ending at a
        `failure` or `abandoned` outcome."""
        return self.abandoned + self.stuck + self.ended_unhappily


@dataclass(frozen=True)
class GroupFlow:
    """A stage's, team's or channel's figures: customers who reach any of its steps (each once)
    and the visits to its steps (each arrival)."""

    group: str | None
    steps: tuple[str, ...]
    reached: float
    visits: float
    abandoned: float
    stuck: float
    ended_unhappily: float = 0.0
    """Customers whose path ends at a `failure` or `abandoned` outcome of the group."""

    @property
    def lost(self) -> float:
        """Customers lost in the group: abandoning, stuck, or ending at a failure or abandoned
        outcome; over all stages they add up to every customer not reaching success."""
        return self.abandoned + self.stuck + self.ended_unhappily


@dataclass(frozen=True)
class LoopFlow:
    """How much a peloteo loop costs: the customers sent round it and the rounds they do.

    A round is coming back to the loop's `start` after being passed to another team; the first
    pass is not a round.
    """

    start: str
    reached: float
    """Customers who reach `start`."""
    round_probability: float
    """Of the customers at `start`, the share sent round at least once."""
    sent_round: float
    """Customers sent round at least once: `reached * round_probability`."""
    extra_rounds: float
    """Repeat passes: every return to `start` through another team, summed over customers."""


class Chain:
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
        self.abandon = {node: graph.step(node).abandon for node in graph.step_ids}
        self.abandon.update(abandon or {})
        self.removed = removed
        self.transient = graph.in_file_order(self._live_steps())
        self.index = {node: i for i, node in enumerate(self.transient)}
        size = len(self.transient)
        self.ends = {name: np.zeros(size) for name in ALL_ENDINGS}
        self.handoffs = np.zeros(size)
        self.duration = np.zeros(size)
        """Seconds at each step per visit."""
        self.landing = {name: np.zeros(size) for name in ENDINGS}
        """Seconds at the outcome step a path ends on, per visit of the step before, by ending."""
        self.to_outcome = np.zeros(size)
        self.rows: list[int] = []
        self.columns: list[int] = []
        self.values: list[float] = []
        self.exits: list[tuple[int, str, float]] = []
        """(row, outcome or other-journey step, probability): the moves that end a path."""
        self._solver: AbsorbingSolver | None = None
        self._inherited: Any = None
        self._edges: dict[str, list[tuple[str, float, TransitionEdge]]] = {}
        for node in self.transient:
            self._add_row(node)

    def _live_steps(self) -> set[str]:
        """Steps customers can really be at: reached from an entry with positive probability,
        never past an outcome (a path ends on first arrival at one)."""

        def transient(node: str) -> bool:
            step = self.graph.step(node)
            return step.outcome is None and not step.external

        onward = {
            node: [
                target
                for target in self.graph.successors(node)
                if self.abandon[node] < 1.0 and transient(target)
            ]
            for node in self.graph.step_ids
            if transient(node)
        }
        return reachable_from(onward, [node for node in self.graph.entries if transient(node)])

    def variant(
        self,
        *,
        abandon: dict[str, float] | None = None,
        removed: frozenset[tuple[str, str]] = frozenset(),
    ) -> Chain:
        """A what-if copy where only the rows of the changed steps are rebuilt (the whole chain
        when the change lets customers reach steps nobody reached before)."""
        merged_abandon = {**self.abandon, **(abandon or {})}
        if any(self.abandon[node] >= 1.0 > merged_abandon[node] for node in abandon or {}):
            return Chain(self.graph, abandon=merged_abandon, removed=self.removed | removed)
        other = copy.copy(self)
        other.abandon = merged_abandon
        other.removed = self.removed | removed
        other._edges = {}  # they follow `abandon` and `removed`
        touched = {self.index[node] for node in abandon or {} if node in self.index}
        touched |= {self.index[source] for source, _ in removed if source in self.index}
        other.ends = {name: values.copy() for name, values in self.ends.items()}
        other.landing = {name: values.copy() for name, values in self.landing.items()}
        other.handoffs = self.handoffs.copy()
        other.duration = self.duration.copy()
        other.to_outcome = self.to_outcome.copy()
        kept = [k for k, row in enumerate(self.rows) if row not in touched]
        other.rows = [self.rows[k] for k in kept]
        other.columns = [self.columns[k] for k in kept]
        other.values = [self.values[k] for k in kept]
        other.exits = [exit_ for exit_ in self.exits if exit_[0] not in touched]
        other._solver = None
        other._inherited = self._solver.preconditioner if self._solver is not None else None
        for i in touched:
            for values in (
                *other.ends.values(),
                *other.landing.values(),
                other.handoffs,
                other.duration,
                other.to_outcome,
            ):
                values[i] = 0.0
            other._add_row(self.transient[i])
        return other

    def edges(self, node: str) -> list[tuple[str, float, TransitionEdge]]:
        """(target, probability, transition) of a step's transitions after any removal (asked
        several times per step by the figures: computed once)."""
        known = self._edges.get(node)
        if known is not None:
            return known
        following = self.graph.transitions_from(node)
        kept = [edge for edge in following if (node, edge.target) not in self.removed]
        # After a removal the shares are normalised again, as they would be in the edited file.
        shares = (
            [edge.share for edge in kept]
            if len(kept) == len(following)
            else normalise([edge.written_share for edge in kept])
        )
        going_on = 1.0 - self.abandon[node]
        edges = [
            (edge.target, going_on * share, edge) for edge, share in zip(kept, shares, strict=True)
        ]
        self._edges[node] = edges
        return edges

    def _add_row(self, node: str) -> None:
        i = self.index[node]
        step = self.graph.step(node)
        self.ends["abandoned"][i] += self.abandon[node]
        self.duration[i] = step.duration or 0.0
        edges = self.edges(node)
        if not edges:
            self.ends["stuck"][i] += 1.0 - self.abandon[node]
        for target, probability, edge in edges:
            if probability <= 0:
                continue
            self.handoffs[i] += probability * edge.handoff
            landing = self.graph.step(target)
            outcome = landing.outcome
            if landing.external:
                self.ends["elsewhere"][i] += probability
                self.exits.append((i, target, probability))
            elif outcome is None:
                self.rows.append(i)
                self.columns.append(self.index[target])
                self.values.append(probability)
            else:
                self.ends[outcome][i] += probability
                self.to_outcome[i] += probability
                self.landing[outcome][i] += probability * (landing.duration or 0)
                self.exits.append((i, target, probability))

    def trapped(self) -> list[str]:
        """Transient steps from which no ending can ever be reached.

        One breadth-first search backwards from the steps with an ending, over the chain's
        arrays (what-if variants ask it once each, so it stays linear and out of Python loops).
        """
        import numpy as np
        from scipy.sparse import csr_matrix
        from scipy.sparse.csgraph import breadth_first_order

        size = len(self.transient)
        ending = np.zeros(size, dtype=bool)
        for name in ALL_ENDINGS:
            ending |= self.ends[name] > 0
        rows = np.asarray(self.rows, dtype=np.int64)
        columns = np.asarray(self.columns, dtype=np.int64)
        moving = np.asarray(self.values, dtype=float) > 0
        # Backwards edges (where a customer came from), plus one extra node leading to every
        # step with an ending: what it reaches is what can end.
        root = size
        sources = np.concatenate([columns[moving], np.full(int(ending.sum()), root)])
        targets = np.concatenate([rows[moving], np.flatnonzero(ending)])
        backwards = csr_matrix(
            (np.ones(len(sources)), (sources, targets)), shape=(size + 1, size + 1)
        )
        reached = breadth_first_order(backwards, root, directed=True, return_predecessors=False)
        seen = np.zeros(size + 1, dtype=bool)
        seen[reached] = True
        return [self.transient[i] for i in np.flatnonzero(~seen[:size])]

    def matrix(self, *, without_rows: Any = None) -> Any:
        """Q (transient to transient) as a sparse matrix, optionally with some rows emptied."""
        import numpy as np
        from scipy.sparse import csr_matrix

        size = len(self.transient)
        rows = np.asarray(self.rows, dtype=np.int64)
        columns = np.asarray(self.columns, dtype=np.int64)
        values = np.asarray(self.values, dtype=float)
        if without_rows is not None:
            keep = ~without_rows[rows]
            rows, columns, values = rows[keep], columns[keep], values[keep]
        return csr_matrix((values, (rows, columns)), shape=(size, size))

    def visits(self, start: Any) -> Any:
        """Expected visits to every transient step for the start distribution `start`."""
        if self._solver is None:
            self._solver = AbsorbingSolver(self.matrix().T.tocsr(), preconditioner=self._inherited)
        return self._checked(self._solver.solve(start))

    def _checked(self, solution: Any) -> Any:
        if solution is None:
            trapped = self.trapped()
            if trapped:
                raise TrappedError(trapped)
            raise FlowError(
                _(
                    "the flow figures could not be computed: customers circulate so long in "
                    "this journey's loops that the solution is numerically unreliable"
                )
            )
        return solution

    def ending_from(self, names: Iterable[str]) -> Any:
        """For each transient step, the probability that a customer there ends in `names`."""
        rhs = sum(self.ends[name] for name in names)
        return self._checked(solve_absorbing(self.matrix(), rhs))


def start_vector(chain: Chain, weights: dict[str, float]) -> tuple[Any, dict[str, float]]:
    """Start distribution over transient steps, and the mass entering at outcome steps."""
    import numpy as np

    start = np.zeros(len(chain.transient))
    immediate: dict[str, float] = {name: 0.0 for name in (*ALL_ENDINGS, "duration")}
    for node, weight in weights.items():
        step = chain.graph.step(node)
        if node in chain.index:
            start[chain.index[node]] += weight
        elif step.outcome is not None:
            immediate[step.outcome] += weight
            immediate["duration"] += weight * (step.duration or 0.0)
    return start, immediate


def entry_weights(graph: JourneyGraph) -> tuple[dict[str, float], bool, str]:
    """How the entries are combined: by volume when every one has it, else equally."""
    entries = graph.in_file_order(graph.entries)
    volumes = {
        node: volume for node in entries if (volume := graph.step(node).volume) is not None
    }
    if entries and len(volumes) == len(entries):
        total = sum(volumes.values())
        if total > 0:
            return (
                {node: volumes[node] / total for node in entries},
                True,
                N_("entries weighted by their `volume`"),
            )
    if len(entries) > 1:
        how = N_("entries weighted equally (not every entry has a `volume`)")
    else:
        how = N_("one entry")
    return {node: 1.0 / len(entries) for node in entries}, False, how


def endings_of(chain: Chain, weights: dict[str, float]) -> tuple[Endings, Any]:
    """How paths from the entries `weights` end, and the expected visits behind it."""
    start, immediate = start_vector(chain, weights)
    visits = chain.visits(start) if len(chain.transient) else start
    endings = {name: float(visits @ chain.ends[name]) + immediate[name] for name in ALL_ENDINGS}
    total = sum(endings.values()) or 1.0
    return Endings(**{name: value / total for name, value in endings.items()}), visits


class FlowModel:
    """The flow figures of one journey (see the module docstring); build it with `flow_model`.

    Raises `TrappedError` when customers can circulate forever.
    """

    def __init__(self, graph: JourneyGraph) -> None:
        self.graph = graph
        self.weights, self.by_volume, self.weighting = entry_weights(graph)
        if not self.weights:
            raise TrappedError([])
        self.total_volume: float | None = (
            sum(graph.step(node).volume or 0.0 for node in self.weights) if self.by_volume else None
        )
        self.scale = self.total_volume if self.by_volume and self.total_volume else 1.0
        """Customers per period behind a probability of one (1 without volumes)."""
        self.chain = Chain(graph)
        trapped = self.chain.trapped()
        if trapped:
            raise TrappedError(trapped)
        self.start, self.immediate = start_vector(self.chain, self.weights)
        self.endings, self.visits_per_customer = endings_of(self.chain, self.weights)

    @property
    def unit(self) -> str:
        """What a figure counts, in English (a key for machines; `_()` shows it to people)."""
        return N_("customers per period") if self.by_volume else N_("per customer entering")

    def customers(self, probability: float) -> float:
        """A probability per customer entering, in the model's unit."""
        return probability * self.scale

    # -- per entry ------------------------------------------------------------------------

    @cached_property
    def _ending_chances(self) -> dict[str, Any]:
        """Per transient step, the chance of ending in success, and of being lost."""
        return {
            "success": self.chain.ending_from(["success"]),
            "lost": self.chain.ending_from(LOST_ENDINGS),
        }

    def entry_figures(self, entry: str, weights: dict[str, float] | None = None) -> EntryFigures:
        """The figures of customers entering at `entry` (`all`: over every entry, weighted)."""
        chain = self.chain
        weights = weights or ({entry: 1.0} if entry != "all" else self.weights)
        _, immediate = start_vector(chain, weights)
        if weights is self.weights:
            endings, visits = self.endings, self.visits_per_customer
        else:
            endings, visits = endings_of(chain, weights)
        durations_known = any(chain.graph.step(node).duration for node in chain.graph.step_ids)
        landing = sum(chain.landing.values())
        spent = float(visits @ (chain.duration + landing)) + immediate["duration"]
        # Steps lived: every visit to a transient step, plus the outcome step where a path ends.
        reached_outcome = float(visits @ chain.to_outcome) + sum(immediate[n] for n in ENDINGS)
        total = sum(weights.values()) or 1.0
        to_success = to_loss = None
        if durations_known:
            to_success = self._conditional_duration(
                visits, weights, ("success",), "success", endings.success * total
            )
            to_loss = self._conditional_duration(
                visits, weights, LOST_ENDINGS, "lost", endings.lost * total
            )
        volume = self.graph.step(entry).volume if entry != "all" else self.total_volume
        return EntryFigures(
            entry=entry,
            volume=volume,
            weight=sum(weights.values()),
            endings=endings,
            expected_steps=float(visits.sum()) + reached_outcome / total,
            expected_handoffs=float(visits @ chain.handoffs) / total,
            expected_duration=spent / total if durations_known else None,
            duration_to_success=to_success,
            duration_to_loss=to_loss,
        )

    def _conditional_duration(
        self,
        visits: Any,
        weights: dict[str, float],
        endings: tuple[str, ...],
        chance: str,
        mass: float,
    ) -> float | None:
        """Expected seconds of the customers whose path ends in `endings`.

        A visit to a step adds its duration to the customers who will end so, in proportion to
        their chance from there; the outcome step a path lands on adds its own.
        """
        if mass <= 1e-12:
            return None
        chain = self.chain
        landing = sum(chain.landing[name] for name in endings if name in chain.landing)
        weighted = chain.duration * self._ending_chances[chance] + landing
        entering = sum(
            weight * (self.graph.step(node).duration or 0.0)
            for node, weight in weights.items()
            if self.graph.step(node).outcome in endings
        )
        return (float(visits @ weighted) + entering) / mass

    def handoffs_to_success(self) -> float | None:
        """Expected handoffs of the customers who succeed (over every entry, weighted): each
        handoff counts for the customers who will still succeed after it. None when nobody
        succeeds."""
        import numpy as np

        chain = self.chain
        mass = self.endings.success * (sum(self.weights.values()) or 1.0)
        if mass <= 1e-12:
            return None
        chance = self._ending_chances["success"]
        weighted = np.zeros(len(chain.transient))
        for node, i in chain.index.items():
            for target, probability, edge in chain.edges(node):
                if probability <= 0 or not edge.handoff:
                    continue
                if target in chain.index:
                    after = float(chance[chain.index[target]])
                else:
                    after = 1.0 if self.graph.step(target).outcome == "success" else 0.0
                weighted[i] += probability * after
        return float(self.visits_per_customer @ weighted) / mass

    @cached_property
    def overall(self) -> EntryFigures:
        return self.entry_figures("all")

    @cached_property
    def entries(self) -> tuple[EntryFigures, ...]:
        if len(self.weights) == 1:
            only = next(iter(self.weights))
            figures = self.overall
            return (
                EntryFigures(
                    only,
                    figures.volume,
                    figures.weight,
                    figures.endings,
                    figures.expected_steps,
                    figures.expected_handoffs,
                    figures.expected_duration,
                    figures.duration_to_success,
                    figures.duration_to_loss,
                ),
            )
        return tuple(self.entry_figures(node) for node in self.weights)

    # -- per step -------------------------------------------------------------------------

    @cached_property
    def arrivals(self) -> dict[str, float]:
        """Expected arrivals at every step of the graph, in the model's unit."""
        visits = self.visits_per_customer
        figures = {node: 0.0 for node in self.graph.step_ids}
        for node, i in self.chain.index.items():
            figures[node] = max(0.0, float(visits[i])) * self.scale
        for row, target, probability in self.chain.exits:
            figures[target] += float(visits[row]) * probability * self.scale
        for node, weight in self.weights.items():
            if node not in self.chain.index:
                figures[node] += weight * self.scale
        return figures

    @cached_property
    def steps(self) -> dict[str, StepFlow]:
        """Every step of the graph (in file order) with its figures."""
        chain = self.chain
        arrivals = self.arrivals
        returns = self._visits_per_arrival()
        figures = {}
        for node in self.graph.in_file_order(self.graph.step_ids):
            step = self.graph.step(node)
            seen = arrivals[node]
            abandoned = stuck = ended = 0.0
            if node in chain.index:
                i = chain.index[node]
                abandoned = seen * chain.abandon[node]
                stuck = seen * float(chain.ends["stuck"][i])
                each = returns.get(node, 1.0)
                reached = None if each is None else seen / each
            else:
                reached = seen  # an outcome, another journey's step, or nobody gets there
                ended = seen if step.outcome is not None or step.external else 0.0
            figures[node] = StepFlow(
                node, seen, reached, chain.abandon[node], abandoned, stuck, ended, step.outcome
            )
        return figures

    def step(self, node: str) -> StepFlow:
        return self.steps[node]

    def _visits_per_arrival(self) -> dict[str, float | None]:
        """For each transient step inside a loop, the expected visits of a customer who has
        just arrived there (1 + comebacks): the diagonal of the fundamental matrix, per loop
        tangle. Steps not listed are passed at most once."""
        import numpy as np
        from scipy.sparse import identity
        from scipy.sparse.csgraph import connected_components
        from scipy.sparse.linalg import splu

        chain = self.chain
        matrix = chain.matrix()
        _, labels = connected_components(matrix, directed=True, connection="strong")
        members: dict[int, list[int]] = {}
        for i, label in enumerate(labels):
            members.setdefault(int(label), []).append(i)
        diagonal = matrix.diagonal()
        result: dict[str, float | None] = {}
        for group in members.values():
            if len(group) == 1:
                (i,) = group
                if diagonal[i] > 0:
                    result[chain.transient[i]] = 1.0 / (1.0 - diagonal[i])
                continue
            if len(group) > REACH_EXACT_UP_TO:
                result.update((chain.transient[i], None) for i in group)
                continue
            sub = matrix[group][:, group]
            factors = splu((identity(len(group), format="csc") - sub).tocsc())
            for first in range(0, len(group), 256):
                block = np.zeros((len(group), min(256, len(group) - first)))
                for k in range(block.shape[1]):
                    block[first + k, k] = 1.0
                solved = factors.solve(block)
                for k in range(block.shape[1]):
                    result[chain.transient[group[first + k]]] = float(solved[first + k, k])
        return result

    def losing_steps(self, limit: int | None = None) -> list[StepFlow]:
        """Steps where customers are lost (abandoning, stuck, or ending at a `failure` or
        `abandoned` outcome), most first; their losses add up to every lost customer."""
        losing = sorted(
            (flow for flow in self.steps.values() if flow.lost > 0),
            key=lambda flow: (-flow.lost, self.graph.step(flow.step).index),
        )
        return losing[:limit] if limit is not None else losing

    def transition(self, source: str, target: str) -> float:
        """The probability that a customer at `source` moves on to `target` next."""
        return next((p for t, p, _ in self.chain.edges(source) if t == target), 0.0)

    # -- per stage, team or channel -------------------------------------------------------

    def group_of(self, node: str, by: GroupBy) -> str | None:
        return group_of(self.graph, node, by)

    def groups(self, by: GroupBy) -> dict[str | None, GroupFlow]:
        """Each stage's, team's or channel's figures, keyed by its id (None: steps without;
        see `group_of` for other journeys' steps)."""
        cached = self._groups.get(by)
        if cached is None:
            members: dict[str | None, list[str]] = {}
            for node in self.graph.in_file_order(self.graph.step_ids):
                members.setdefault(self.group_of(node, by), []).append(node)
            cached = {
                value: GroupFlow(
                    value,
                    tuple(nodes),
                    self.reached_any(nodes),
                    sum(self.steps[node].visits for node in nodes),
                    sum(self.steps[node].abandoned for node in nodes),
                    sum(self.steps[node].stuck for node in nodes),
                    sum(self.steps[node].ended_unhappily for node in nodes),
                )
                for value, nodes in members.items()
            }
            self._groups[by] = cached
        return cached

    @cached_property
    def _groups(self) -> dict[str, dict[str | None, GroupFlow]]:
        return {}

    def moves(self, by: GroupBy) -> dict[tuple[str | None, str | None], float]:
        """Expected moves from one stage (team, channel) to another, in the model's unit: a
        customer who goes back and forth counts each time."""
        chain = self.chain
        visits = self.visits_per_customer
        moving: dict[tuple[str | None, str | None], float] = {}
        for node, i in chain.index.items():
            group = self.group_of(node, by)
            for target, probability, _kind in chain.edges(node):
                other = self.group_of(target, by)
                if other != group and probability > 0:
                    key = (group, other)
                    moving[key] = moving.get(key, 0.0) + float(visits[i]) * probability
        return {key: value * self.scale for key, value in moving.items()}

    def reached_any(self, nodes: Iterable[str]) -> float:
        """Customers who reach at least one of `nodes`, each counted once.

        The chain with the rows of `nodes` emptied counts each customer at their first arrival
        there; one sparse solve.
        """
        import numpy as np

        chain = self.chain
        wanted = set(nodes)
        inside = np.zeros(len(chain.transient), dtype=bool)
        for node in wanted:
            if node in chain.index:
                inside[chain.index[node]] = True
        if self._closed(wanted):
            return self._entering(wanted, inside)
        start = self.start.copy()
        first = float(start[inside].sum()) + sum(
            weight
            for node, weight in self.weights.items()
            if node in wanted and node not in chain.index
        )
        start[inside] = 0.0
        if not start.any():
            return first * self.scale
        if not inside.any() and not any(target in wanted for _, target, _ in chain.exits):
            return first * self.scale
        # Nearly the chain's own system: its preconditioner (when it needed one) serves too.
        known = chain._solver.preconditioner if chain._solver is not None else None
        solver = AbsorbingSolver(chain.matrix(without_rows=inside).T.tocsr(), preconditioner=known)
        solved = solver.solve(start)
        visits = chain._checked(solved)
        arriving = float(visits[inside].sum())
        arriving += sum(
            float(visits[row]) * probability
            for row, target, probability in chain.exits
            if target in wanted and not inside[row]
        )
        return (first + arriving) * self.scale

    def _closed(self, wanted: set[str]) -> bool:
        """Whether customers who reach `wanted` never leave it but to end (a dead-end region)."""
        return all(
            target in wanted or target not in self.chain.index
            for node in wanted
            if node in self.chain.index
            for target, _, _ in self.chain.edges(node)
        )

    def _entering(self, wanted: set[str], inside: Any) -> float:
        """Customers who reach a closed set: those who start there and the flow into it, since
        nobody who leaves it comes back. No solve."""
        visits = self.visits_per_customer
        chain = self.chain
        entering = float(self.start[inside].sum()) + sum(
            weight
            for node, weight in self.weights.items()
            if node in wanted and node not in chain.index
        )
        for row, column, value in zip(chain.rows, chain.columns, chain.values, strict=True):
            if inside[column] and not inside[row]:
                entering += float(visits[row]) * value
        entering += sum(
            float(visits[row]) * probability
            for row, target, probability in chain.exits
            if target in wanted and not inside[row]
        )
        return entering * self.scale

    # -- peloteo loops --------------------------------------------------------------------

    def loop(self, component: Iterable[str], start: str) -> LoopFlow | None:
        """What a peloteo loop (its steps, and the step customers meet it at) costs; None when
        the tangle is too large to solve or nobody gets there."""
        members = [node for node in component if node in self.chain.index]
        if start not in self.chain.index or len(members) > LOOP_ROUNDS_UP_TO:
            return None
        chance = round_probability(self.graph, members, start, self.chain)
        if chance is None or chance >= 1.0:
            return None
        reached = self.steps[start].reached
        if reached is None:
            reached = self.reached_any([start])
        return LoopFlow(start, reached, chance, reached * chance, reached * chance / (1 - chance))


def round_probability(
    graph: JourneyGraph, component: list[str], start: str, chain: Chain | None = None
) -> float | None:
    """Chance that a customer at `start` is sent to another team and back to `start`.

    An absorbing chain over (step, has-met-another-team) states of the component: leaving the
    component means never coming back (the graph without successes is acyclic between
    components). Solved with a sparse linear system, never by enumerating cycles. With
    `chain`, its transition probabilities (what-if variants); else the graph's.
    """
    import numpy as np
    from scipy.sparse import csr_matrix

    team = graph.step(start).team
    members = set(component)
    states = {
        (node, flag): i
        for i, (node, flag) in enumerate(
            (node, flag) for node in component for flag in (False, True)
        )
    }
    size = len(states)
    rows, columns, values = [], [], []
    target = np.zeros(size)

    def moves(node: str) -> list[tuple[str, float]]:
        if chain is not None:
            return [(t, p) for t, p, _ in chain.edges(node)]
        return [(edge.target, edge.probability) for edge in graph.transitions_from(node)]

    for (node, flag), row in states.items():
        for following, probability in moves(node):
            if following not in members or probability <= 0:
                continue
            met = flag or graph.step(following).team not in (None, team)
            if following == start and met:
                target[row] += probability
            elif following == start:
                rows.append(row)
                columns.append(states[(start, False)])
                values.append(probability)
            else:
                rows.append(row)
                columns.append(states[(following, met)])
                values.append(probability)
    solution = solve_absorbing(csr_matrix((values, (rows, columns)), shape=(size, size)), target)
    if solution is None:
        return None
    return min(1.0, max(0.0, float(solution[states[(start, False)]])))


_MODELS: weakref.WeakKeyDictionary[JourneyGraph, FlowModel] = weakref.WeakKeyDictionary()


def flow_model(graph: JourneyGraph) -> FlowModel:
    """The flow model of `graph`, computed once per graph (raises `FlowError`)."""
    model = _MODELS.get(graph)
    if model is None:
        with collector_paused():
            model = FlowModel(graph)
        _MODELS[graph] = model
    return model
