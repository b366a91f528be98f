"""The analytic figures against a seeded Monte Carlo simulation of customers.

Twenty random journeys of 5 to 15 steps (random teams, abandonment, shares given or missing,
back edges and self loops, dead ends, success steps that go on, several entries with or without
volumes) are written as YAML and analysed; the same journeys, read from the generator's own
description (not from cyclemap), are walked by 30,000 simulated customers each. At a step a
customer abandons with probability `abandon`, else moves along a transition chosen by its
normalised share (a missing share weighs the mean of the given ones); the walk stops at an
outcome step (the first `success` reached counts, even if it has `next`), when the customer
abandons, or at a step with no `next` (stuck).

Tolerance: every estimate must lie within 4 standard errors of the analytic value. For an
ending's probability `p` the standard error is the binomial `sqrt(p (1 - p) / N)` with the
analytic `p`; for means (visits, steps, handoffs, seconds) it is the sample standard deviation
over `sqrt(N)`, floored for rarely visited steps at the Bernoulli variance `m (1 - m)` of the
analytic mean `m`. About 600 comparisons are made at 4 standard errors; the random seeds are
fixed, so the outcome is deterministic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

import cyclemap
from cyclemap.analysis.report import FlowReport
from cyclemap.graph import JourneyGraph
from cyclemap.graph.flow_model import ENDINGS, FlowModel, LoopFlow, flow_model
from tests.support.figures import (
    JOURNEYS,
    Step,
    analyse_file,
    analyse_steps,
    entry_figures,
    random_journey,
    step_figures,
    write_journey,
)

CUSTOMERS = 30_000
SIGMAS = 4.0
STEP_CAP = 5_000
"""Most steps a simulated customer may take; reaching it fails the test (the journeys are
built so that every step has a way out)."""

OUTCOME_CODES = {None: -1, "success": 0, "failure": 1, "abandoned": 2}
STUCK = 3


@dataclass
class Simulated:
    start: np.ndarray
    """Index of the entry step of each customer."""
    ending: np.ndarray
    """0 success, 1 failure, 2 abandoned, 3 stuck."""
    visits: np.ndarray
    """Customers x steps: visits to each step that is not an outcome."""
    steps: np.ndarray
    handoffs: np.ndarray
    seconds: np.ndarray
    reached: np.ndarray
    """Customers x steps: whether the customer arrived there at all (outcome steps too)."""
    rounds: list[np.ndarray] = field(default_factory=list)
    """Per loop asked for: each customer's comebacks to its start through another team."""
    met_start: list[np.ndarray] = field(default_factory=list)
    """Per loop asked for: whether each customer reached its start."""


def simulate(
    steps: list[Step], customers: int, seed: int, loops: tuple[int, ...] = ()
) -> Simulated:
    """`loops`: start steps of peloteo loops whose rounds to count (a round is arriving back
    at the start after meeting a step of another team since the last arrival there)."""
    count = len(steps)
    generator = np.random.default_rng(seed)
    abandon = np.array([step.abandon for step in steps])
    outcome = np.array([OUTCOME_CODES[step.outcome] for step in steps])
    seconds_at = np.array([float(step.duration or 0) for step in steps])
    width = max(1, max(len(step.next) for step in steps))
    degree = np.array([0 if step.outcome else len(step.next) for step in steps])
    cumulative = np.full((count, width), 2.0)
    target = np.zeros((count, width), dtype=np.int64)
    handoff = np.zeros((count, width), dtype=np.int64)
    for index, step in enumerate(steps):
        if step.outcome:
            continue
        for position, ((to, _), chance) in enumerate(
            zip(step.next, np.cumsum(step.probabilities()), strict=True)
        ):
            cumulative[index, position] = chance
            target[index, position] = to
            other = steps[to].team
            handoff[index, position] = int(bool(step.team and other and step.team != other))
    entries = [index for index, step in enumerate(steps) if step.entry]
    if all(steps[index].volume for index in entries):
        weights = np.array([steps[index].volume for index in entries], dtype=float)
    else:
        weights = np.ones(len(entries))
    start = generator.choice(entries, size=customers, p=weights / weights.sum())

    position = start.copy()
    ending = np.full(customers, -1)
    visits = np.zeros((customers, count), dtype=np.int64)
    taken = np.zeros(customers, dtype=np.int64)
    handoffs = np.zeros(customers, dtype=np.int64)
    seconds = np.zeros(customers)
    reached = np.zeros((customers, count), dtype=bool)
    team_code = np.array([{None: 0, "t1": 1, "t2": 2, "t3": 3}[step.team] for step in steps])
    rounds = [np.zeros(customers, dtype=np.int64) for _ in loops]
    met_start = [np.zeros(customers, dtype=bool) for _ in loops]
    away = [np.zeros(customers, dtype=bool) for _ in loops]
    alive = np.arange(customers)
    for _ in range(STEP_CAP):
        if alive.size == 0:
            break
        here = position[alive]
        reached[alive, here] = True
        for number, loop_start in enumerate(loops):
            at_start = here == loop_start
            back = alive[at_start]
            rounds[number][back] += met_start[number][back] & away[number][back]
            met_start[number][back] = True
            away[number][back] = False
            other = (team_code[here] != 0) & (team_code[here] != team_code[loop_start])
            away[number][alive[~at_start & other]] = True
        taken[alive] += 1
        seconds[alive] += seconds_at[here]
        finished = outcome[here] >= 0
        ending[alive[finished]] = outcome[here[finished]]
        alive, here = alive[~finished], here[~finished]
        visits[alive, here] += 1
        leaves = generator.random(alive.size) < abandon[here]
        ending[alive[leaves]] = OUTCOME_CODES["abandoned"]
        alive, here = alive[~leaves], here[~leaves]
        stuck = degree[here] == 0
        ending[alive[stuck]] = STUCK
        alive, here = alive[~stuck], here[~stuck]
        draw = generator.random(alive.size)
        choice = np.minimum((cumulative[here] < draw[:, None]).sum(axis=1), degree[here] - 1)
        handoffs[alive] += handoff[here, choice]
        position[alive] = target[here, choice]
    assert alive.size == 0, f"{alive.size} simulated customers still walking after {STEP_CAP}"
    return Simulated(start, ending, visits, taken, handoffs, seconds, reached, rounds, met_start)


def within(estimate: float, analytic: float, error: float, what: str) -> str | None:
    """A message when `estimate` is further than SIGMAS standard errors from `analytic`."""
    if abs(estimate - analytic) <= SIGMAS * error + 1e-9:
        return None
    return (
        f"{what}: simulated {estimate:.5f}, analytic {analytic:.5f} "
        f"({abs(estimate - analytic) / error if error else math.inf:.1f} standard errors)"
    )


def compare_endings(report_endings: dict[str, float], ending: np.ndarray, what: str) -> list[str]:
    problems = []
    size = ending.size
    for code, name in enumerate(ENDINGS):
        p = report_endings[name]
        error = math.sqrt(max(p * (1 - p), 0.0) / size)
        problem = within(float(np.mean(ending == code)), p, error, f"{what} {name}")
        if problem:
            problems.append(problem)
    return problems


def compare_mean(values: np.ndarray, analytic: float, what: str) -> str | None:
    variance = float(np.var(values, ddof=1))
    if 0 <= analytic < 1:
        variance = max(variance, analytic * (1 - analytic))
    return within(float(np.mean(values)), analytic, math.sqrt(variance / values.size), what)


def compare_share(values: np.ndarray, analytic: float, what: str) -> str | None:
    """A share of customers (a probability) against the binomial standard error."""
    error = math.sqrt(max(analytic * (1 - analytic), 0.0) / values.size)
    return within(float(np.mean(values)), analytic, error, what)


def check(
    report: FlowReport,
    model: FlowModel,
    steps: list[Step],
    simulated: Simulated,
    loops: dict[int, LoopFlow | None],
) -> list[str]:
    ids = [step.id for step in steps]
    scale = report.total_volume if report.by_volume else 1.0
    assert scale
    problems = compare_endings(report.overall.endings.as_dict(), simulated.ending, "overall")
    for index, figures in entry_figures(report).items():
        mine = simulated.start == ids.index(index)
        problems += compare_endings(
            figures.endings.as_dict(), simulated.ending[mine], f"entry {index}"
        )
    visits = step_figures(report)
    for index, step in enumerate(steps):
        if step.outcome is None and step.id in visits:
            what = f"visits of {'entry ' if step.entry else ''}{step.id}"
            problems.append(
                compare_mean(simulated.visits[:, index], visits[step.id].visits / scale, what)
            )
    for index, step in enumerate(steps):
        reached = model.step(step.id).reached
        assert reached is not None
        problems.append(
            compare_share(simulated.reached[:, index], reached / scale, f"reached {step.id}")
        )
    for team, group in model.groups("team").items():
        members = [ids.index(node) for node in group.steps]
        anywhere = simulated.reached[:, members].any(axis=1)
        problems.append(compare_share(anywhere, group.reached / scale, f"reached team {team}"))
    for (loop_start, loop), rounds, met in zip(
        loops.items(), simulated.rounds, simulated.met_start, strict=True
    ):
        assert loop is not None
        what = f"loop at {ids[loop_start]}"
        problems.append(compare_share(met, loop.reached / scale, f"{what} reached"))
        problems.append(compare_share(rounds > 0, loop.sent_round / scale, f"{what} sent round"))
        problems.append(compare_mean(rounds, loop.extra_rounds / scale, f"{what} extra rounds"))
    overall = report.overall
    problems.append(compare_mean(simulated.steps, overall.expected_steps, "expected steps"))
    problems.append(
        compare_mean(simulated.handoffs, overall.expected_handoffs, "expected handoffs")
    )
    if overall.expected_duration is not None:
        problems.append(
            compare_mean(simulated.seconds, overall.expected_duration, "expected seconds")
        )
        succeeded = simulated.ending == 0
        lost = (simulated.ending >= 1) & (simulated.ending <= STUCK)
        for chosen, analytic, what in (
            (succeeded, overall.duration_to_success, "seconds to success"),
            (lost, overall.duration_to_loss, "seconds until lost"),
        ):
            if chosen.sum() > 30:
                assert analytic is not None, what
                problems.append(compare_mean(simulated.seconds[chosen], analytic, what))
    return [problem for problem in problems if problem]


def test_random_journeys_are_varied() -> None:
    journeys = [random_journey(seed) for seed in range(JOURNEYS)]
    sizes = [len(steps) for steps in journeys]
    assert min(sizes) >= 5
    assert max(sizes) <= 15
    every = [step for steps in journeys for step in steps]
    assert any(step.outcome == "failure" for step in every)
    assert any(step.outcome == "success" and step.next for step in every)
    assert any(step.outcome is None and not step.next for step in every)  # dead ends
    assert any(
        target <= index
        for steps in journeys
        for index, step in enumerate(steps)
        if step.outcome is None
        for target, _ in step.next
    )  # loops
    assert any(share is None for step in every for _, share in step.next)
    assert any(sum(step.entry for step in steps) > 1 for steps in journeys)
    assert any(steps[0].volume for steps in journeys)
    assert any(not steps[0].volume for steps in journeys)


@pytest.mark.parametrize("seed", range(JOURNEYS))
def test_analysis_agrees_with_simulation(tmp_path: Path, seed: int) -> None:
    steps = random_journey(seed)
    ids = [step.id for step in steps]
    text = "\n".join(step.yaml(ids) for step in steps)
    path = write_journey(tmp_path, text)
    report = analyse_file(path, findings=False)
    graph = JourneyGraph(cyclemap.load(path))
    model = flow_model(graph)
    entries = [step for step in steps if step.entry]
    assert report.by_volume == all(step.volume for step in entries)
    assert [figures.entry for figures in report.entries] == [step.id for step in entries]
    loops = peloteo_loops(graph, model, ids)
    simulated = simulate(steps, CUSTOMERS, seed, tuple(loops))
    problems = check(report, model, steps, simulated, loops)
    assert not problems, f"seed {seed}:\n" + "\n".join(problems) + "\n\n" + text


def peloteo_loops(
    graph: JourneyGraph, model: FlowModel, ids: list[str]
) -> dict[int, LoopFlow | None]:
    """Each tangle of steps of two teams or more (without successes) that customers reach, by
    the index of its first step with a team, as the peloteo rule picks it."""
    loops: dict[int, LoopFlow | None] = {}
    for component in graph.strongly_connected_components(without=graph.successes):
        teams = {graph.step(node).team for node in component} - {None}
        if len(teams) < 2:
            continue
        start = next(node for node in component if graph.step(node).team is not None)
        loop = model.loop(component, start)
        if loop is not None:
            loops[ids.index(start)] = loop
    return loops


def test_simulation_catches_a_wrong_figure(tmp_path: Path) -> None:
    """The comparison has teeth: a success probability off by 2 points is detected."""
    steps = random_journey(3)
    ids = [step.id for step in steps]
    report = analyse_steps(tmp_path, "\n".join(step.yaml(ids) for step in steps), findings=False)
    simulated = simulate(steps, CUSTOMERS, 3)
    endings = report.overall.endings.as_dict()
    endings["success"] += 0.02
    endings["abandoned"] -= 0.02
    assert len(compare_endings(endings, simulated.ending, "overall")) == 2


def test_simulation_tells_rounds_from_customers_sent_round(tmp_path: Path) -> None:
    """The loop comparison has teeth: repeat passes are not the customers who go round."""
    steps = random_journey(9)
    ids = [step.id for step in steps]
    path = write_journey(tmp_path, "\n".join(step.yaml(ids) for step in steps))
    graph = JourneyGraph(cyclemap.load(path))
    model = flow_model(graph)
    loops = peloteo_loops(graph, model, ids)
    (loop,) = loops.values()
    assert loop is not None
    (rounds,) = simulate(steps, CUSTOMERS, 9, tuple(loops)).rounds
    assert compare_mean(rounds, loop.sent_round / model.scale, "rounds") is not None
    assert compare_mean(rounds, loop.extra_rounds / model.scale, "rounds") is None
