"""Acceptance: `mine`, `audit --log` and `mine --write` on the real internet-support example.

Customers are simulated through the example's own map (entries in proportion to `volume`,
`abandon` at each step, `next` weighted by `share`), with three deviations planted at known
rates: a peloteo detour n1-diagnosis -> billing-desk -> n1-diagnosis, a transition the map
lacks, and cases that start at a step that is not an entry. Every expectation comes from the
simulation's parameters (an exact calculation over the same chain that is sampled) or from
counting the generated log in Python, never from what `mine` reports; tolerances are four
standard errors of the sample.
"""

from __future__ import annotations

import csv
import datetime
import difflib
import itertools
import math
import random
import shutil
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cyclemap
from cyclemap.cli import app
from cyclemap.engine import audit
from cyclemap.format.model import Step
from cyclemap.mining import mine
from cyclemap.rules import registry
from tests.conftest import EXAMPLES

runner = CliRunner()

EXAMPLE = EXAMPLES / "internet-support.journey.yaml"
CATALOG = EXAMPLES / "catalog" / "company.yaml"  # imported as `catalog/company.yaml`

CASES = 6000
SEED = 20240501
Z = 4.0
"""Tolerances are Z standard errors: each such check on a correct `mine` fails about once in
16,000 seeds."""

PING_PONG = ("n1-diagnosis", "billing-desk")
"""(a) The planted detour A -> B -> A: the map connects these two steps both ways."""
PING_PONG_TEAMS = ("n1", "billing")
"""(team customers come back to, team they were sent to in between), as `mine` reports it."""
PING_PONG_RATE = 0.20
"""Of the cases reaching A (their first arrival there), the share sent to B and straight back."""

UNMAPPED = ("outage-sms-updates", "field-visit-scheduling")
"""(b) A transition the map lacks: the outage was not the cause, so a technician is booked."""
UNMAPPED_RATE = 0.55
"""Of the cases leaving `outage-sms-updates`; about 5% of all cases (see `test_plants_...`)."""

STRAY_ENTRY = "self-help"
"""(c) A step without `entry:` where some cases start (found the guide with a search engine)."""
STRAY_RATE = 0.03
"""Of all cases."""

State = tuple[str, bool]
"""Where a simulated customer is: (step id, whether they already reached PING_PONG's A)."""
Move = tuple[float, tuple[str, ...], "State | None"]
"""(probability, events logged on the way, next state or None when the case ends)."""
Runs = tuple[str | None, str | None]
"""The team of the current run of events, and the team of the run before it."""


def _normalise(shares: list[float | None]) -> list[float]:
    """The format's weights: missing shares count as the mean of the given ones; none given
    means an equal split."""
    given = [share for share in shares if share is not None]
    default = sum(given) / len(given) if given else 1.0
    weights = [default if share is None else share for share in shares]
    return [weight / sum(weights) for weight in weights]


class Chain:
    """The simulated customers as a Markov chain over `State`: sampled by `cases`, and solved
    exactly by `bounce_probability`."""

    def __init__(self, steps: Iterable[Step], ping_pong_rate: float = PING_PONG_RATE) -> None:
        self.steps = {step.id: step for step in steps}
        # Events at a success take no part in team runs: arriving there is not a bounce.
        self.team = {
            step.id: None if step.outcome == "success" else step.team
            for step in self.steps.values()
        }
        self.ping_pong_rate = ping_pong_rate
        volumes = {
            step.id: step.entry.volume
            for step in self.steps.values()
            if step.entry is not None and step.entry.volume is not None
        }
        total = sum(volumes.values())
        self.entry_rates = {
            step: (1 - STRAY_RATE) * volume / total for step, volume in volumes.items()
        }
        self.entry_rates[STRAY_ENTRY] = STRAY_RATE

    def arrive(self, target: str, seen: bool) -> list[Move]:
        """Arriving at `target`; the first arrival at A takes the detour A -> B -> A."""
        first, second = PING_PONG
        if target == first and not seen:
            rate = self.ping_pong_rate
            return [
                (rate, (first, second, first), (first, True)),
                (1 - rate, (first,), (first, True)),
            ]
        return [(1.0, (target,), (target, seen or target == first))]

    def starts(self) -> list[Move]:
        return [
            (rate * p, events, state)
            for step, rate in self.entry_rates.items()
            for p, events, state in self.arrive(step, False)
        ]

    def moves(self, state: State) -> list[Move]:
        """What happens after `state`: nothing at an outcome, else abandon or go on."""
        step = self.steps[state[0]]
        if step.outcome is not None or not step.next:
            return []
        going_on = 1 - step.abandon
        moves: list[Move] = [(step.abandon, (), None)] if step.abandon else []
        targets = [transition.to for transition in step.next]
        shares = _normalise([transition.share for transition in step.next])
        if step.id == UNMAPPED[0]:
            assert UNMAPPED[1] not in targets
            targets.append(UNMAPPED[1])
            shares = [share * (1 - UNMAPPED_RATE) for share in shares] + [UNMAPPED_RATE]
        for target, share in zip(targets, shares, strict=True):
            moves += [
                (going_on * share * p, events, after)
                for p, events, after in self.arrive(target, state[1])
            ]
        return moves

    def cases(self, rng: random.Random, count: int) -> list[list[str]]:
        """`count` simulated cases, each the list of steps its events are at."""
        return [self._case(rng) for _ in range(count)]

    def _case(self, rng: random.Random) -> list[str]:
        path: list[str] = []
        options = self.starts()
        while options:
            draw, chosen = rng.random(), options[-1]
            for option in options:
                draw -= option[0]
                if draw < 0:
                    chosen = option
                    break
            _, events, state = chosen
            path += events
            if state is None:
                break
            options = self.moves(state)
        return path

    def bounce(self, runs: Runs, step: str) -> tuple[Runs, bool]:
        """Team runs (current team, the one before) after an event at `step`, and whether the
        event is a direct return A -> B -> A with the planted teams."""
        team = self.team[step]
        current, before = runs
        if team is None or team == current:
            return runs, False
        return (team, current), (team, current) == PING_PONG_TEAMS and before == team

    def bounced(self, path: list[str]) -> bool:
        """Whether a generated case has a direct return with the planted teams."""
        runs: Runs = (None, None)
        hit = False
        for step in path:
            runs, returned = self.bounce(runs, step)
            hit = hit or returned
        return hit

    def bounce_probability(self) -> float:
        """The exact probability that a case has a direct return with the planted teams, by
        pushing the probability mass through the chain until (almost) none is left."""
        found = 0.0
        mass: defaultdict[tuple[State, Runs], float] = defaultdict(float)

        def push(weight: float, moves: list[Move], runs: Runs) -> None:
            nonlocal found
            for p, events, state in moves:
                after, hit = runs, False
                for step in events:
                    after, returned = self.bounce(after, step)
                    hit = hit or returned
                if hit:
                    found += weight * p
                elif state is not None:
                    mass[(state, after)] += weight * p

        push(1.0, self.starts(), (None, None))
        for _ in range(10_000):
            if sum(mass.values()) < 1e-13:
                break
            current, mass = mass, defaultdict(float)
            for (state, runs), weight in current.items():
                push(weight, self.moves(state), runs)
        return found


@dataclass(frozen=True)
class Simulated:
    root: Path
    journey: Path
    log: Path
    chain: Chain
    cases: list[list[str]]

    def visits(self) -> Counter[str]:
        return Counter(step for path in self.cases for step in path)

    def endings(self) -> Counter[str]:
        return Counter(path[-1] for path in self.cases)

    def transitions(self) -> Counter[tuple[str, str]]:
        return Counter(pair for path in self.cases for pair in itertools.pairwise(path))


def _repository(root: Path) -> Path:
    """A repository with the example and the catalog it imports, at the same relative paths."""
    (root / "catalog").mkdir(parents=True)
    (root / "cyclemap.toml").write_text("", encoding="utf-8")
    shutil.copyfile(CATALOG, root / "catalog" / "company.yaml")
    journey = root / EXAMPLE.name
    shutil.copyfile(EXAMPLE, journey)
    return journey


def _write_log(path: Path, cases: list[list[str]], rng: random.Random) -> None:
    start = datetime.datetime(2024, 5, 1, 8, 0, 0)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["case_id", "activity", "timestamp"])
        for number, steps in enumerate(cases):
            moment = start + datetime.timedelta(minutes=7 * number)
            for step in steps:
                writer.writerow([f"case-{number:05d}", step, moment.isoformat(sep=" ")])
                moment += datetime.timedelta(minutes=rng.randint(1, 9))


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> Simulated:
    root = tmp_path_factory.mktemp("support")
    journey = _repository(root)
    assert "imports:\n  - catalog/company.yaml" in journey.read_text(encoding="utf-8")
    chain = Chain(cyclemap.load(journey).document.steps)
    rng = random.Random(SEED)
    cases = chain.cases(rng, CASES)
    log = root / "support-log.csv"
    _write_log(log, cases, rng)
    return Simulated(root, journey, log, chain, cases)


def _tolerance(rate: float, trials: int) -> float:
    return Z * math.sqrt(rate * (1 - rate) / trials)


def test_plants_are_what_the_brief_asks(simulated: Simulated) -> None:
    """The design itself: the map really connects A and B both ways with the planted teams,
    the unmapped transition is absent from the map, the stray entry is not an entry, and the
    planted ping-pong moves the expected rate by far more than the tolerance."""
    steps = simulated.chain.steps
    first, second = PING_PONG
    assert second in {t.to for t in steps[first].next}
    assert first in {t.to for t in steps[second].next}
    assert (steps[first].team, steps[second].team) == PING_PONG_TEAMS
    assert UNMAPPED[1] not in {t.to for t in steps[UNMAPPED[0]].next}
    assert steps[STRAY_ENTRY].entry is None
    planted = simulated.chain.bounce_probability()
    natural = Chain(steps.values(), ping_pong_rate=0.0).bounce_probability()
    assert planted - natural > 3 * _tolerance(planted, CASES)
    unmapped_share = simulated.transitions()[UNMAPPED] / CASES
    assert 0.03 < unmapped_share < 0.07  # "about 5% of cases"


def test_planted_ping_pong_is_recovered(simulated: Simulated) -> None:
    report = mine(simulated.log, cyclemap.load(simulated.journey))
    assert report.cases == CASES
    assert report.events == sum(len(path) for path in simulated.cases)
    direct = {(b.team, b.via): b for b in report.bounces if b.direct}
    assert PING_PONG_TEAMS in direct
    bounce = direct[PING_PONG_TEAMS]
    expected = simulated.chain.bounce_probability()
    assert bounce.case_share == pytest.approx(expected, abs=_tolerance(expected, CASES))
    # The exact count, from the generated log (independent of `mine`).
    assert bounce.cases == sum(simulated.chain.bounced(path) for path in simulated.cases)
    assert bounce.case_share == pytest.approx(bounce.cases / CASES)


def test_abandonment_matches_the_map(simulated: Simulated) -> None:
    report = mine(simulated.log, cyclemap.load(simulated.journey))
    observed = {step.step: step for step in report.steps}
    visits, endings = simulated.visits(), simulated.endings()
    # The detour logs extra visits at A and B that draw no abandonment: those two steps are
    # checked only against the log's own counts.
    unbiased = [
        step
        for step in simulated.chain.steps.values()
        if step.outcome is None and step.id not in PING_PONG
    ]
    assert {step.id for step in unbiased if step.abandon} == {
        "call-line",
        "web-chat",
        "field-visit-scheduling",
    }
    for step in unbiased:
        seen = observed[step.id]
        assert seen.visits == visits[step.id], step.id
        tolerance = _tolerance(step.abandon, visits[step.id])
        assert seen.abandon == pytest.approx(step.abandon, abs=tolerance), step.id
    for step_id in PING_PONG:
        assert observed[step_id].abandon == pytest.approx(endings[step_id] / visits[step_id])


def test_entries_follow_the_volumes(simulated: Simulated) -> None:
    report = mine(simulated.log, cyclemap.load(simulated.journey))
    entries = dict(report.entries)
    assert entries == Counter(path[0] for path in simulated.cases)
    assert set(entries) == set(simulated.chain.entry_rates)
    for step, rate in simulated.chain.entry_rates.items():
        assert entries[step] / CASES == pytest.approx(rate, abs=_tolerance(rate, CASES)), step


def test_audit_names_the_planted_deviations(simulated: Simulated) -> None:
    log_rules = [name for name, rule in registry().items() if rule.log]
    result = audit([simulated.journey], log=simulated.log, select=["dead-end", *log_rules])
    by_rule: dict[str, set[tuple[str, ...]]] = {}
    for finding in result.findings:
        by_rule.setdefault(finding.rule, set()).add(finding.steps)
    assert by_rule.get("unmapped-transition") == {UNMAPPED}
    assert by_rule.get("unexpected-entry") == {(STRAY_ENTRY,)}
    [unmapped] = [f for f in result.findings if f.rule == "unmapped-transition"]
    assert f"{simulated.transitions()[UNMAPPED]:,} times" in unmapped.message
    [stray] = [f for f in result.findings if f.rule == "unexpected-entry"]
    strays = sum(path[0] == STRAY_ENTRY for path in simulated.cases)
    assert f"{strays:,} cases start at `{STRAY_ENTRY}`" in stray.message


def test_write_changes_only_the_figures(simulated: Simulated, tmp_path: Path) -> None:
    journey = _repository(tmp_path / "repo")
    before = journey.read_text(encoding="utf-8")
    result = runner.invoke(app, ["mine", str(simulated.log), "-j", str(journey), "--write"])
    assert result.exit_code == 0, result.output
    after = journey.read_text(encoding="utf-8")
    changed = [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="")
        if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))
    ]
    assert changed
    assert [
        line for line in changed if not any(w in line for w in ("share", "abandon", "volume"))
    ] == []
    comments = Counter(line for line in before.splitlines() if "#" in line)
    kept = Counter(line for line in after.splitlines() if "#" in line)
    assert comments - kept == Counter()
    assert cyclemap.validate([journey]).exit_code == 0

    # The written figures are the log's, counted here from the generated cases.
    written = {step.id: step for step in cyclemap.load(journey).document.steps}
    visits, endings, moved = simulated.visits(), simulated.endings(), simulated.transitions()
    leaving: Counter[str] = Counter()
    for (source, _), count in moved.items():
        leaving[source] += count
    rounding = 0.0005 + 1e-9
    for step in written.values():
        if step.entry is not None:
            assert step.entry.volume == sum(p[0] == step.id for p in simulated.cases), step.id
        if step.outcome is None:
            assert step.abandon == pytest.approx(endings[step.id] / visits[step.id], abs=rounding)
        if len(step.next) > 1:
            for transition in step.next:
                share = moved[(step.id, transition.to)] / leaving[step.id]
                assert transition.share == pytest.approx(share, abs=rounding), step.id
    # And, where no plant changes them, close to the map's shares (4 standard errors).
    original = simulated.chain.steps
    for step in written.values():
        if len(step.next) < 2 or step.id in PING_PONG or step.id == UNMAPPED[0]:
            continue
        planned = _normalise([t.share for t in original[step.id].next])
        for transition, rate in zip(step.next, planned, strict=True):
            tolerance = _tolerance(rate, leaving[step.id]) + rounding
            assert transition.share == pytest.approx(rate, abs=tolerance), step.id
