"""Customers are neither created nor destroyed: the flow figures balance.

Checked on the random journeys of the simulation test and on every example journey.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import cyclemap
from cyclemap.analysis.report import FlowReport, analyse
from cyclemap.engine import audit_journey
from cyclemap.engine.config import Settings
from cyclemap.graph import JourneyGraph
from cyclemap.graph.flow_model import ENDINGS, EntryFigures, flow_model
from tests.conftest import EXAMPLES
from tests.support.figures import (
    JOURNEYS,
    Step,
    analyse_steps,
    entry_figures,
    random_journey,
    step_figures,
)

approx = pytest.approx
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.journey.yaml"))


def analysed_random(tmp_path: Path, seed: int) -> tuple[list[Step], FlowReport]:
    steps = random_journey(seed)
    ids = [step.id for step in steps]
    text = "\n".join(step.yaml(ids) for step in steps)
    return steps, analyse_steps(tmp_path, text, findings=False)


def weighted_mean(report: FlowReport, value: Callable[[EntryFigures], float]) -> float:
    weights = entry_weights(report)
    return sum(weights[entry.entry] * value(entry) for entry in report.entries)


def entry_weights(report: FlowReport) -> dict[str, float]:
    if report.by_volume:
        assert report.total_volume
        return {entry.entry: (entry.volume or 0) / report.total_volume for entry in report.entries}
    return {entry.entry: 1 / len(report.entries) for entry in report.entries}


def assert_endings_sum_to_one(report: FlowReport) -> None:
    for figures in (report.overall, *report.entries):
        values = figures.endings.as_dict()
        assert sum(values.values()) == approx(1.0, abs=1e-9), figures.entry
        assert all(-1e-12 <= value <= 1 + 1e-12 for value in values.values()), figures.entry


def assert_overall_is_weighted_mean(report: FlowReport) -> None:
    overall = report.overall
    for name in ENDINGS:
        expected = weighted_mean(report, lambda entry, name=name: getattr(entry.endings, name))
        assert getattr(overall.endings, name) == approx(expected, abs=1e-9), name

    def field(name: str) -> Callable[[EntryFigures], float]:
        return lambda entry: float(getattr(entry, name))

    assert overall.expected_steps == approx(weighted_mean(report, field("expected_steps")))
    assert overall.expected_handoffs == approx(
        weighted_mean(report, field("expected_handoffs")), abs=1e-9
    )
    if overall.expected_duration is not None:
        assert overall.expected_duration == approx(
            weighted_mean(report, field("expected_duration"))
        )
    else:
        assert all(entry.expected_duration is None for entry in report.entries)


@pytest.mark.parametrize("seed", range(JOURNEYS))
def test_random_journeys_balance(tmp_path: Path, seed: int) -> None:
    steps, report = analysed_random(tmp_path, seed)
    assert_endings_sum_to_one(report)
    assert_overall_is_weighted_mean(report)
    by_id = {step.id: step for step in steps}
    weights = entry_weights(report)
    scale = report.total_volume if report.by_volume else 1.0
    # Visits per customer entering (the report gives them per period with volumes).
    visits = {figures.step: figures.visits / scale for figures in report.steps}
    # Flow balance: the visits to a step are the customers entering there plus those arriving
    # from the steps before it. Arrivals at outcome steps are the path endings.
    arriving = {step.id: weights.get(step.id, 0.0) for step in steps}
    for step in steps:
        if step.outcome is None:
            for (target, _), chance in zip(step.next, step.probabilities(), strict=True):
                arriving[steps[target].id] += visits.get(step.id, 0.0) * (1 - step.abandon) * chance
    for step in steps:
        if step.outcome is None:
            assert visits.get(step.id, 0.0) == approx(arriving[step.id], abs=1e-9), step.id
    reached = {
        outcome: sum(arriving[step.id] for step in steps if step.outcome == outcome)
        for outcome in ("success", "failure", "abandoned")
    }
    overall = report.overall.endings
    assert overall.success == approx(reached["success"], abs=1e-9)
    assert overall.failure == approx(reached["failure"], abs=1e-9)
    # Customers lost at steps (abandoning there, stuck, or ending at a failure or abandoned
    # outcome) plus those reaching success are everybody who entered.
    lost = sum(figures.lost for figures in report.steps)
    assert lost + scale * reached["success"] == approx(scale, rel=1e-9)
    assert lost == approx(
        scale * (overall.failure + overall.abandoned + overall.stuck), rel=1e-9, abs=1e-9
    )
    for figures in report.steps:
        step = by_id[figures.step]
        if step.outcome is not None:
            # Every customer arriving at a failure or abandoned outcome is lost there.
            assert step.outcome in ("failure", "abandoned")
            assert figures.lost == approx(scale * arriving[step.id], abs=1e-9)
            continue
        share_lost = step.abandon if step.next else 1.0
        assert figures.lost == approx(figures.visits * share_lost, abs=1e-9)
        assert figures.abandon == step.abandon


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda path: path.name)
def test_examples_balance(path: Path) -> None:
    journey = cyclemap.load(path)
    report = analyse(JourneyGraph(journey), audit_journey(journey, Settings()))
    assert_endings_sum_to_one(report)
    assert_overall_is_weighted_mean(report)
    if report.by_volume:
        assert report.total_volume
        volumes = [entry.volume for entry in report.entries]
        assert sum(volumes) == approx(report.total_volume)  # type: ignore[arg-type]
        ended = sum(report.overall.endings.as_dict().values()) * report.total_volume
        assert ended == approx(report.total_volume)
    scale = report.total_volume if report.by_volume else 1.0
    endings = report.overall.endings
    # The steps where customers are lost account for every customer lost, each once.
    assert sum(step.lost for step in report.steps) == approx(
        scale * (endings.failure + endings.abandoned + endings.stuck), rel=1e-9, abs=1e-9
    )


def test_customers_entering_equal_customers_ending(tmp_path: Path) -> None:
    report = analyse_steps(
        tmp_path,
        """
        - {id: call, stage: contact, team: t1, entry: {volume: 12000}, abandon: 0.18,
           next: [{to: diagnose, share: 0.7}, {to: billing, share: 0.3}]}
        - {id: chat, stage: contact, team: t1, entry: {volume: 3000}, abandon: 0.05,
           next: [{to: diagnose}]}
        - {id: diagnose, stage: contact, team: t1, abandon: 0.1,
           next: [{to: fixed, share: 6}, {to: billing, share: 1}, {to: visit, share: 2},
                  {to: gave-up, share: 1}]}
        - {id: billing, stage: contact, team: t2, abandon: 0.12,
           next: [{to: diagnose, share: 0.5}, {to: refund, share: 0.5}]}
        - {id: visit, stage: contact, team: t3, abandon: 0.08, next: [{to: fixed}]}
        - {id: refund, stage: contact, team: t2}
        - {id: fixed, stage: contact, outcome: success}
        - {id: gave-up, stage: contact, outcome: abandoned}
        """,
    )
    assert report.total_volume == 15000
    overall = report.overall.endings
    ended = {name: value * 15000 for name, value in overall.as_dict().items()}
    assert sum(ended.values()) == approx(15000)
    per_entry = entry_figures(report)
    for name in ENDINGS:
        assert ended[name] == approx(
            sum(getattr(figures.endings, name) * figures.volume for figures in per_entry.values())
        )
    figures = step_figures(report)
    # `refund` is a dead end: all its customers are stuck there, and only there.
    assert figures["refund"].lost == approx(ended["stuck"])
    # Abandonment: at the steps plus through the `gave-up` outcome step.
    through_gave_up = figures["diagnose"].visits * 0.9 * 0.1
    lost_abandoning = sum(step.lost for step in report.steps) - figures["refund"].lost
    assert lost_abandoning == approx(ended["abandoned"])
    assert figures["gave-up"].lost == approx(through_gave_up)
    assert figures["gave-up"].ended_unhappily == approx(through_gave_up)
    for step in ("call", "chat", "diagnose", "billing", "visit"):
        assert figures[step].lost == approx(figures[step].visits * figures[step].abandon)
    # The outcome step counts the customers who end there.
    model_steps = flow_model(JourneyGraph(cyclemap.load(tmp_path / "flow.journey.yaml"))).steps
    assert model_steps["gave-up"].ended == approx(through_gave_up)
    assert model_steps["fixed"].ended == approx(ended["success"])


def test_single_entry_has_its_own_row(tmp_path: Path) -> None:
    report = analyse_steps(
        tmp_path,
        """
        - {id: a, stage: contact, entry: {volume: 500}, abandon: 0.3, next: [{to: done}]}
        - {id: done, stage: contact, outcome: success}
        """,
    )
    (entry,) = report.entries
    assert isinstance(entry, EntryFigures)
    assert entry.entry == "a"
    assert entry.volume == 500
    assert report.overall.entry == "all"
    assert entry.endings == report.overall.endings
    assert step_figures(report)["a"].lost == approx(150)
