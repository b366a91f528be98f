"""Quick wins: each what-if, re-solved, must match analysing the journey edited that way."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from cyclemap.analysis.quick_wins import EXACT_CANDIDATES, QuickWin
from cyclemap.analysis.report import FlowReport
from tests.support.figures import Step, analyse_steps, random_journey, step_figures

approx = pytest.approx
VOLUME = 15000


def support(
    *,
    call: float = 0.18,
    web: float = 0.1,
    diagnose: float = 0.05,
    billing: float = 0.12,
    billing_next: str = "[{to: diagnose, share: 0.5}, {to: fixed, share: 0.5}]",
    web_next: str = "[{to: diagnose}]",
    volumes: bool = True,
) -> str:
    """A support journey with a peloteo loop diagnose (t1) <-> billing (t2) and a lost context."""
    call_entry = f"{{volume: {VOLUME - 5000}}}" if volumes else "true"
    web_entry = "{volume: 5000}" if volumes else "true"
    return f"""
        - {{id: call, stage: contact, team: t1, entry: {call_entry}, abandon: {call},
           next: [{{to: diagnose}}]}}
        - {{id: web, stage: contact, team: t1, entry: {web_entry}, abandon: {web},
           next: {web_next}}}
        - id: diagnose
          stage: contact
          team: t1
          abandon: {diagnose}
          next:
            - {{to: fixed, share: 0.6}}
            - {{to: billing, share: 0.4, context: lost}}
        - {{id: billing, stage: contact, team: t2, abandon: {billing}, next: {billing_next}}}
        - {{id: fixed, stage: contact, team: t1, outcome: success}}
        - {{id: refund, stage: contact, team: t2, abandon: 0.05, next: [{{to: fixed}}]}}
        """


def analysed(tmp_path: Path, steps: str, name: str, **options: object) -> FlowReport:
    return analyse_steps(tmp_path, steps, name=f"{name}.journey.yaml", **options)


def wins_of(report: FlowReport, kind: str) -> list[QuickWin]:
    return [win for win in report.quick_wins if win.kind == kind]


def test_halving_abandonment_matches_the_edited_journey(tmp_path: Path) -> None:
    rates = {"call": 0.18, "web": 0.1, "diagnose": 0.05, "billing": 0.12}
    report = analysed(tmp_path, support(), "base", top=20)
    halves = wins_of(report, "halve-abandon")
    assert {win.steps for win in halves} == {(step,) for step in rates}
    for win in halves:
        (step,) = win.steps
        edited = analysed(tmp_path, support(**{step: rates[step] / 2}), f"half-{step}")
        after = edited.overall.endings.success
        assert win.success_after == approx(after, rel=1e-9)
        assert win.gain == approx((after - report.overall.endings.success) * VOLUME, rel=1e-9)
        assert win.gain > 0
        assert win.description.startswith(f"halve abandonment at «{step}», ")
        assert win.assumption.startswith("assumes half of those who abandon there")
        assert report.gain_text(win).endswith("successful customers per period")


def test_breaking_the_loop_matches_the_journey_without_the_returning_transition(
    tmp_path: Path,
) -> None:
    report = analysed(tmp_path, support(), "base", top=20)
    (win,) = wins_of(report, "break-loop")
    assert win.steps == ("billing", "diagnose")
    assert "from «billing» back to «diagnose»" in win.description
    edited = analysed(
        tmp_path, support(billing_next="[{to: fixed, share: 0.5}]"), "no-return", top=20
    )
    after = edited.overall.endings.success
    assert win.success_after == approx(after, rel=1e-9)
    assert win.gain == approx((after - report.overall.endings.success) * VOLUME, rel=1e-9)


def test_breaking_a_loop_with_three_ways_out(tmp_path: Path) -> None:
    # The returning share (2 of 2 + 3 + 5) goes to the other transitions in proportion.
    base = analysed(
        tmp_path,
        support(
            billing_next="[{to: diagnose, share: 2}, {to: fixed, share: 3}, {to: refund, share: 5}]"
        ),
        "base",
        top=20,
    )
    edited = analysed(
        tmp_path, support(billing_next="[{to: fixed, share: 3}, {to: refund, share: 5}]"), "edited"
    )
    (win,) = wins_of(base, "break-loop")
    assert win.steps == ("billing", "diagnose")
    assert win.success_after == approx(edited.overall.endings.success, rel=1e-9)


def test_breaking_a_loop_with_a_missing_share(tmp_path: Path) -> None:
    # billing: diagnose 1, fixed (missing: mean of 1 and 5 = 3), refund 5; without diagnose
    # the edited file says fixed (missing: mean of 5 = 5) and refund 5: half and half, where
    # the what-if keeps 3 : 5.
    base = analysed(
        tmp_path,
        support(billing_next="[{to: diagnose, share: 1}, {to: fixed}, {to: refund, share: 5}]"),
        "base",
        top=20,
    )
    edited = analysed(
        tmp_path, support(billing_next="[{to: fixed}, {to: refund, share: 5}]"), "edited"
    )
    (win,) = wins_of(base, "break-loop")
    assert win.steps == ("billing", "diagnose")
    assert win.success_after == approx(edited.overall.endings.success, rel=1e-9)


@pytest.mark.parametrize("cost", [0.02, 0.05, 0.1])
def test_restoring_context_matches_lower_abandonment_at_the_target(
    tmp_path: Path, cost: float
) -> None:
    report = analysed(tmp_path, support(), "base", top=20, context_cost=cost)
    (win,) = wins_of(report, "restore-context")
    assert win.steps == ("diagnose", "billing")
    # Everybody reaching billing comes through the lost-context handoff.
    edited = analysed(tmp_path, support(billing=0.12 - cost), "restored")
    after = edited.overall.endings.success
    assert win.success_after == approx(after, rel=1e-9)
    assert win.gain == approx((after - report.overall.endings.success) * VOLUME, rel=1e-9)


def test_restoring_context_only_for_the_customers_crossing_the_handoff(tmp_path: Path) -> None:
    web_next = "[{to: diagnose, share: 1}, {to: billing, share: 1}]"
    report = analysed(tmp_path, support(web_next=web_next), "base", top=20, context_cost=0.1)
    figures = step_figures(report)
    through = figures["diagnose"].visits * (1 - 0.05) * 0.4
    share = through / figures["billing"].visits
    assert 0 < share < 1
    (win,) = wins_of(report, "restore-context")
    edited = analysed(tmp_path, support(web_next=web_next, billing=0.12 - 0.1 * share), "restored")
    assert win.success_after == approx(edited.overall.endings.success, rel=1e-9)


def test_restoring_context_depends_on_the_cost(tmp_path: Path) -> None:
    gains = {}
    for cost in (0.0, 0.05, 0.1, 0.12, 0.5):
        report = analysed(tmp_path, support(), f"cost-{cost}", top=20, context_cost=cost)
        found = wins_of(report, "restore-context")
        gains[cost] = found[0].gain if found else 0.0
    assert gains[0.0] == 0.0  # nothing to gain: no restore-context win at all
    assert 0 < gains[0.05] < gains[0.1] < gains[0.12]
    # Abandonment cannot go below zero: a cost above the target's rate gains no more.
    assert gains[0.5] == approx(gains[0.12], rel=1e-9)
    base = analysed(tmp_path, support(), "base").overall.endings.success
    none_lost = analysed(tmp_path, support(billing=0), "none-lost").overall.endings.success
    assert gains[0.5] == approx((none_lost - base) * VOLUME, rel=1e-9)


def test_ranked_by_gain_and_limited_by_top(tmp_path: Path) -> None:
    everything = analysed(tmp_path, support(), "base", top=50)
    wins = everything.quick_wins
    assert len(wins) >= 5
    assert [win.gain for win in wins] == sorted((win.gain for win in wins), reverse=True)
    assert {win.kind for win in wins} == {"halve-abandon", "break-loop", "restore-context"}
    for top in (0, 1, 3):
        limited = analysed(tmp_path, support(), f"top-{top}", top=top)
        assert limited.quick_wins == wins[:top]
    default = analysed(tmp_path, support(), "default")
    assert default.quick_wins == wins[:5]


def test_without_volumes_gains_are_probabilities(tmp_path: Path) -> None:
    report = analysed(tmp_path, support(volumes=False), "base", top=20)
    assert not report.by_volume
    assert report.quick_wins
    for win in report.quick_wins:
        assert win.gain == approx(win.success_after - report.overall.endings.success, rel=1e-9)
        assert 0 < win.gain < 1
        assert report.gain_text(win).endswith("success probability")
    (call,) = [win for win in report.quick_wins if win.steps == ("call",)]
    edited = analysed(tmp_path, support(volumes=False, call=0.09), "half-call")
    assert call.success_after == approx(edited.overall.endings.success, rel=1e-9)


def test_no_wins_when_nothing_can_improve(tmp_path: Path) -> None:
    report = analyse_steps(
        tmp_path,
        """
        - {id: a, stage: contact, entry: {volume: 100}, next: [{to: done}]}
        - {id: done, stage: contact, outcome: success}
        """,
    )
    assert report.quick_wins == ()


def _yaml(steps: list[Step]) -> str:
    ids = [step.id for step in steps]
    return "\n".join(step.yaml(ids) for step in steps)


@pytest.mark.parametrize("seed", range(8))
def test_halving_on_random_journeys_is_exact_and_complete(tmp_path: Path, seed: int) -> None:
    """Halving wins carry the exact gain; with few candidates every helpful one is listed."""
    steps = random_journey(seed)
    report = analysed(tmp_path, _yaml(steps), "base", top=100, findings=False)
    reached = {figures.step for figures in report.steps}
    candidates = [step for step in steps if step.abandon > 0 and step.id in reached]
    scale = report.total_volume if report.by_volume else 1.0
    expected = {}
    for step in candidates:
        edited = copy.deepcopy(steps)
        edited[steps.index(step)].abandon = step.abandon / 2
        after = analysed(tmp_path, _yaml(edited), f"half-{step.id}", findings=False)
        gain = (after.overall.endings.success - report.overall.endings.success) * scale
        if gain > 1e-9 * scale:
            expected[(step.id,)] = gain
    listed = {win.steps: win.gain for win in report.quick_wins}
    assert listed.keys() <= expected.keys()
    for steps_key, gain in listed.items():
        assert gain == approx(expected[steps_key], rel=1e-7, abs=1e-12)
    if len(candidates) <= EXACT_CANDIDATES:  # every candidate is re-solved exactly
        assert listed.keys() == expected.keys()
    else:
        assert len(listed) >= min(len(expected), EXACT_CANDIDATES)


def _fan(abandon: dict[str, float] | None = None) -> str:
    """7,000 customers split evenly over a retry step `a` (90% retry, 50% abandon) and six
    plain steps `b1`..`b6` (20% abandon)."""
    rates = {"a": 0.5, **{f"b{index}": 0.2 for index in range(1, 7)}, **(abandon or {})}
    targets = ", ".join(f"{{to: {step}}}" for step in rates)
    lines = [
        f"- {{id: entry, stage: contact, entry: {{volume: 7000}}, next: [{targets}]}}",
        f"- {{id: a, stage: contact, abandon: {rates['a']},"
        " next: [{to: a, share: 9}, {to: done, share: 1}]}",
        *(
            f"- {{id: b{index}, stage: contact, abandon: {rates[f'b{index}']},"
            " next: [{to: done}]}"
            for index in range(1, 7)
        ),
        "- {id: done, stage: contact, outcome: success}",
    ]
    return "\n".join(lines)


def test_the_best_halving_is_not_screened_out(tmp_path: Path) -> None:
    report = analysed(tmp_path, _fan(), "base", top=20)
    base = report.overall.endings.success
    exact = {
        step: (analysed(tmp_path, _fan({step: rate / 2}), step).overall.endings.success - base)
        * 7000
        for step, rate in {"a": 0.5, **{f"b{index}": 0.2 for index in range(1, 7)}}.items()
    }
    # 1,000 customers reach `a`; success from there is (1 - abandon) 0.1 / (1 - (1 - abandon) 0.9).
    assert exact["a"] == approx(
        1000 * (0.75 * 0.1 / (1 - 0.75 * 0.9) - 0.5 * 0.1 / (1 - 0.5 * 0.9))
    )
    assert exact["b1"] == approx(1000 * 0.1)
    assert max(exact, key=exact.__getitem__) == "a"
    assert report.quick_wins[0].steps == ("a",)
    assert report.quick_wins[0].gain == approx(exact["a"])
