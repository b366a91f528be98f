"""`mine`'s SQL against a plain Python count of the same random logs.

Each case is a walk of (step, team written in the log or blank) events one minute apart, so
the order is never a tie. The brute force follows the definitions literally: team runs per
case (events at a success outcome and events without a team take no part), a run whose team
already ran before is a return, direct when the team ran two runs before.
"""

from __future__ import annotations

import csv
import datetime
import itertools
import textwrap
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cyclemap
from cyclemap.mining import Columns, mine

pytestmark = pytest.mark.slow  # hypothesis against brute force

JOURNEY = """\
    cyclemap: 1
    journey: {id: support, name: Support}
    teams: {n1: {name: N1}, bill: {name: Billing}, n2: {name: N2}}
    stages: [{id: s, name: S}]
    steps:
      - {id: call, stage: s, team: n1, entry: true, next: [{to: diagnose}]}
      - {id: diagnose, stage: s, team: n1, next: [{to: fixed}, {to: billing-desk}]}
      - {id: billing-desk, stage: s, team: bill, next: [{to: diagnose}, {to: expert}]}
      - {id: expert, stage: s, team: n2, next: [{to: fixed}]}
      - {id: wait, stage: s, next: [{to: fixed}]}
      - {id: fixed, stage: s, team: n1, outcome: success}
    """
TEAMS = {"call": "n1", "diagnose": "n1", "billing-desk": "bill", "expert": "n2", "fixed": "n1"}
OUTCOMES = {"fixed"}
STEPS = sorted([*TEAMS, "wait"])

events = st.tuples(st.sampled_from(STEPS), st.sampled_from(["", "", "", "n1", "bill", "n2"]))
logs = st.lists(st.lists(events, min_size=1, max_size=7), min_size=1, max_size=25)


def _write(folder: Path, cases: list[list[tuple[str, str]]]) -> Path:
    path = folder / "log.csv"
    start = datetime.datetime(2024, 1, 1)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["case_id", "activity", "timestamp", "team"])
        for number, case in reversed(list(enumerate(cases))):  # not in time order on purpose
            for position, (step, team) in enumerate(case):
                moment = start + datetime.timedelta(hours=number, minutes=position)
                writer.writerow([f"c{number}", step, moment.isoformat(sep=" "), team])
    return path


def _expected(cases: list[list[tuple[str, str]]], *, own_teams: bool) -> dict[str, Any]:
    transitions: Counter[tuple[str, str]] = Counter()
    entries: Counter[str] = Counter()
    endings: Counter[str] = Counter()
    returns: Counter[tuple[str, str, bool]] = Counter()
    returned_cases: dict[tuple[str, str, bool], set[int]] = {}
    handoffs: Counter[tuple[str, str]] = Counter()
    for number, case in enumerate(cases):
        steps = [step for step, _ in case]
        entries[steps[0]] += 1
        endings[steps[-1]] += 1
        transitions.update(itertools.pairwise(steps))
        runs: list[str] = []
        for step, written in case:
            team = (written if own_teams and written else None) or TEAMS.get(step)
            if step in OUTCOMES or team is None or (runs and runs[-1] == team):
                continue
            runs.append(team)
        for index, team in enumerate(runs):
            if index:
                handoffs[(runs[index - 1], team)] += 1
            if team in runs[:index]:
                key = (team, runs[index - 1], index >= 2 and runs[index - 2] == team)
                returns[key] += 1
                returned_cases.setdefault(key, set()).add(number)
    ratios = {
        key: count / handoffs[(key[0], key[1]) if key[2] else (key[1], key[0])]
        for key, count in returns.items()
    }
    return {
        "transitions": dict(transitions),
        "entries": dict(entries),
        "endings": {step: count for step, count in endings.items() if count},
        "returns": {key: (count, len(returned_cases[key])) for key, count in returns.items()},
        "ratios": ratios,
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases=logs, own_teams=st.booleans())
def test_mine_counts_what_the_definitions_say(
    tmp_path_factory: pytest.TempPathFactory,
    cases: list[list[tuple[str, str]]],
    own_teams: bool,
) -> None:
    folder = tmp_path_factory.mktemp("log")
    (folder / "cyclemap.toml").write_text("", encoding="utf-8")
    journey = folder / "support.journey.yaml"
    journey.write_text(textwrap.dedent(JOURNEY), encoding="utf-8")
    report = mine(
        _write(folder, cases),
        cyclemap.load(journey),
        Columns(team="team") if own_teams else Columns(),
    )
    expected = _expected(cases, own_teams=own_teams)
    assert (report.events, report.cases) == (sum(map(len, cases)), len(cases))
    assert {(t.source, t.target): t.count for t in report.transitions} == expected["transitions"]
    assert dict(report.entries) == expected["entries"]
    ending = {step.step: step.cases_ending for step in report.steps if step.cases_ending}
    assert ending == expected["endings"]
    found = {(b.team, b.via, b.direct): (b.bounces, b.cases) for b in report.bounces}
    assert found == expected["returns"]
    for bounce in report.bounces:
        assert bounce.ratio == pytest.approx(
            expected["ratios"][(bounce.team, bounce.via, bounce.direct)]
        )
