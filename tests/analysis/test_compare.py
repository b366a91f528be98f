"""`compare`: hand-computed closed forms for small before/after pairs, and every compared figure
equal to what `stats` says of each version."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from cyclemap.analysis.compare import Shift
from cyclemap.engine.comparing import compare
from cyclemap.engine.stats import stats
from cyclemap.reporters import compare_report, stats_report
from cyclemap.reporters.change_words import customers_shift, handoffs_shift, share_shift

HEAD = """\
cyclemap: 1
journey: {id: soporte, name: Soporte}
teams: {n1: {name: Nivel 1}, billing: {name: Facturación}}
stages: [{id: s, name: S}]
steps:
"""

LOOP = (
    HEAD
    + """\
  - id: call
    stage: s
    team: n1
    entry: {volume: 1000}
    abandon: 0.2
    next: [{to: desk, share: 0.5}, {to: fixed, share: 0.5}]
  - id: desk
    stage: s
    team: billing
    next: [{to: call, share: 0.5}, {to: fixed, share: 0.5}]
  - {id: fixed, stage: s, outcome: success}
"""
)
"""From `call`, success s = 0.8 (0.5 + 0.5 (0.5 + 0.5 s)), so s = 0.75; a customer at `call`
is sent round (`call` -> `desk` -> `call`) with probability q = 0.8 * 0.5 * 0.5 = 0.2."""

NO_LOOP = LOOP.replace(
    "next: [{to: call, share: 0.5}, {to: fixed, share: 0.5}]", "next: [{to: fixed}]"
)
"""Success 0.8: every customer who does not abandon at `call` succeeds."""

LINE = (
    HEAD
    + """\
  - {id: a, stage: s, team: n1, entry: {volume: 1000}, abandon: 0.4, next: [{to: b}]}
  - {id: b, stage: s, team: n1, abandon: 0.2, next: [{to: done}]}
  - {id: done, stage: s, outcome: success}
"""
)
"""Success 0.6 * 0.8 = 0.48."""

HALVED = LINE.replace("abandon: 0.4", "abandon: 0.2")
"""Success 0.8 * 0.8 = 0.64."""

DIRECT = (
    HEAD
    + """\
  - {id: a, stage: s, team: n1, entry: {volume: 1000}, next: [{to: done}]}
  - {id: done, stage: s, outcome: success}
"""
)
WITH_CHECK = (
    HEAD
    + """\
  - {id: a, stage: s, team: n1, entry: {volume: 1000}, next: [{to: check}]}
  - {id: check, name: Revisión de identidad, stage: s, team: billing, abandon: 0.1,
     next: [{to: done}]}
  - {id: done, stage: s, outcome: success}
"""
)

COMPLAINT = (
    HEAD
    + """\
  - id: desk
    stage: s
    team: billing
    entry: {volume: 1000}
    abandon: 0.2
    next: [{to: done, share: 0.5}, {to: complaint, share: 0.1}, {to: second, share: 0.4}]
  - {id: second, stage: s, team: n1, next: [{to: done}]}
  - {id: done, stage: s, outcome: success}
  - {id: complaint, stage: s, outcome: abandoned}
"""
)
"""200 of 1,000 abandon at `desk`; of the 800 going on, 400 succeed, 80 end at the `abandoned`
outcome `complaint` (lost there) and 320 succeed through `second`: 720 succeed, 280 are lost."""
NO_SECOND_LINE = COMPLAINT.replace(", {to: second, share: 0.4}]", "]")
"""The same written shares without `second`: of the 800 going on, 5/6 succeed (666.67) and 1/6
end at `complaint` (133.33); 200 still abandon at `desk`: 333.33 lost."""


TIMED = {
    "    abandon: 0.2\n": "    abandon: 0.2\n    duration: 10m\n",
    "    team: billing\n": "    team: billing\n    duration: 30m\n",
}


def timed(text: str) -> str:
    for old, new in TIMED.items():
        assert old in text
        text = text.replace(old, new)
    return text


def pair(tmp_path: Path, before: str, after: str) -> tuple[Path, Path]:
    first = tmp_path / "before" / "soporte.journey.yaml"
    last = tmp_path / "after" / "soporte.journey.yaml"
    for path, text in ((first, before), (last, after)):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return first, last


def test_removing_a_loop(tmp_path: Path) -> None:
    change = compare(*([p] for p in pair(tmp_path, LOOP, NO_LOOP))).changes[0]
    assert change.status == "changed"
    assert change.endings["success"].before == pytest.approx(0.75)
    assert change.endings["success"].after == pytest.approx(0.8)
    assert change.customers["success"].delta == pytest.approx(50)
    assert change.customers["abandoned"].delta == pytest.approx(-50)
    # Everyone reaches `call` once; a fifth of them are sent round, and then nobody is.
    assert change.sent_round.before == pytest.approx(1000 * 0.2)
    assert change.sent_round.after == pytest.approx(0)
    assert change.loops == (1, 0)
    # Handoffs of those who succeed. Before: K rounds (2 handoffs each) with P = 0.2^k, then
    # success straight from `call` (0.4, no handoff) or through `desk` (0.2, one):
    # E[H; success] = sum 0.2^k (0.4 * 2k + 0.2 (2k + 1)) = 1.2 * 0.2 / 0.64 + 0.2 / 0.8.
    assert change.handoffs_to_success.before == pytest.approx((0.375 + 0.25) / 0.75)
    # After: half of those who succeed went through `desk` (one handoff).
    assert change.handoffs_to_success.after == pytest.approx(0.5)
    removed = [(t.source, t.target, t.change) for t in change.transitions]
    assert removed == [("desk", "fixed", "changed"), ("desk", "call", "removed")]
    assert [finding.rule for finding in change.fixed_findings] == ["peloteo-loop"]
    assert change.new_findings == ()
    lost = {step.step: step.lost for step in change.steps}
    assert lost["call"].before == pytest.approx(250)
    assert lost["call"].after == pytest.approx(200)


def test_time_to_success_without_the_loop(tmp_path: Path) -> None:
    change = compare(*([p] for p in pair(tmp_path, timed(LOOP), timed(NO_LOOP)))).changes[0]
    # After: half of those who succeed spend 10 minutes at `call`, the other half 10 + 30.
    assert change.time_to_success.after == pytest.approx((600 + 2400) / 2)
    # Before: k rounds (2,400 s each, P = 0.2^k), then straight to `fixed` (0.4, 600 s) or
    # through `desk` (0.2, 2,400 s): E[T; success] = sum 0.2^k (1,440 k + 720) = 450 + 900.
    assert change.time_to_success.before == pytest.approx((450 + 900) / 0.75)


def test_halving_an_abandonment(tmp_path: Path) -> None:
    change = compare(*([p] for p in pair(tmp_path, LINE, HALVED))).changes[0]
    assert change.endings["success"].delta == pytest.approx(0.64 - 0.48)
    assert change.customers["success"].delta == pytest.approx(160)
    steps = {step.step: step for step in change.steps}
    assert steps["a"].change == "changed" and steps["a"].fields == ("abandon",)
    assert steps["a"].lost.before == pytest.approx(400)
    assert steps["a"].lost.after == pytest.approx(200)
    # `b` is the same step, but more customers reach it, so more abandon there: 0.2 of them.
    assert steps["b"].change is None
    assert steps["b"].lost.before == pytest.approx(120)
    assert steps["b"].lost.after == pytest.approx(160)
    assert change.transitions == ()


def test_adding_a_step(tmp_path: Path) -> None:
    change = compare(*([p] for p in pair(tmp_path, DIRECT, WITH_CHECK))).changes[0]
    assert change.customers["success"].before == pytest.approx(1000)
    assert change.customers["success"].after == pytest.approx(900)
    assert change.handoffs_to_success.before == pytest.approx(0)
    assert change.handoffs_to_success.after == pytest.approx(1)
    a, check = change.steps
    assert (a.step, a.change, a.fields) == ("a", "changed", ("next",))  # now to `check`
    assert (check.step, check.name, check.change) == ("check", "Revisión de identidad", "added")
    assert check.lost.before is None
    assert check.lost.after == pytest.approx(100)
    moved = [(t.source, t.target, t.change) for t in change.transitions]
    assert moved == [("a", "check", "added"), ("check", "done", "added"), ("a", "done", "removed")]


def test_the_same_journey_is_unchanged(tmp_path: Path) -> None:
    run = compare(*([p] for p in pair(tmp_path, LOOP, LOOP)))
    assert [change.status for change in run.changes] == ["unchanged"]
    assert run.changed == ()


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (LOOP, NO_LOOP),
        (timed(LOOP), timed(NO_LOOP)),
        (LINE, HALVED),
        (DIRECT, WITH_CHECK),
        (COMPLAINT, NO_SECOND_LINE),
    ],
)
def test_every_figure_is_what_stats_says_of_each_version(
    tmp_path: Path, before: str, after: str
) -> None:
    first, last = pair(tmp_path, before, after)
    document = json.loads(compare_report(compare([first], [last]), "json"))
    (journey,) = document["journeys"]
    for side, path in (("before", first), ("after", last)):
        run = stats([path])
        (report,) = json.loads(stats_report(list(run.reports), [], "json"))["journeys"]
        # The same figures; a comparison ranks no quick wins.
        assert journey["stats"][side] == {**report, "quick_wins": []}
        volume = report["total_volume"]
        for name, probability in report["overall"]["endings"].items():
            assert journey["endings"][name][side] == probability
            assert journey["customers"][name][side] == pytest.approx(probability * volume)
        assert journey["entering"][side] == volume
        assert journey["handoffs_to_success"][side] == report["handoffs_to_success"]
        assert journey["time_to_success"][side] == report["overall"]["duration_to_success"]
        assert journey["extra_rounds"][side] == pytest.approx(
            sum(loop["extra_rounds"] for loop in report["loops"])
        )
        assert journey["sent_round"][side] == pytest.approx(
            sum(loop["sent_round"] for loop in report["loops"])
        )
        lost = {step["step"]: step["lost"] for step in report["steps"]}
        for step in journey["steps"]:
            if step["lost"][side] is not None:
                assert step["lost"][side] == lost[step["step"]]


def test_folders_are_matched_by_journey_id(tmp_path: Path) -> None:
    first, last = pair(tmp_path, LINE, HALVED)
    other = DIRECT.replace("id: soporte", "id: ventas")
    (last.parent / "ventas.journey.yaml").write_text(other, encoding="utf-8")
    run = compare([first.parent], [last.parent])
    assert [(c.journey, c.status) for c in run.changes] == [
        ("soporte", "changed"),
        ("ventas", "added"),
    ]
    text = compare_report(run, "text")
    assert "success 48.0% → 64.0% (+16 points), +160 successful customers per period" in text
    assert "ventas — Soporte: new journey" in text


TRAPPED = (
    HEAD
    + """\
  - {id: a, stage: s, team: n1, entry: {volume: 1000}, next: [{to: b}]}
  - {id: b, stage: s, team: billing, next: [{to: a}]}
  - {id: done, stage: s, outcome: success}
"""
)
"""Customers go round `a` <-> `b` forever: no figures exist."""


def test_a_version_without_figures_is_said_and_fails(tmp_path: Path) -> None:
    run = compare(*([p] for p in pair(tmp_path, TRAPPED, DIRECT)))
    (change,) = run.changes
    assert change.status == "changed"
    assert change.before is None and change.after is not None
    assert len(change.notes) == 1 and "trapped forever" in change.notes[0]
    assert change.endings["success"].before is None
    assert change.endings["success"].after == pytest.approx(1.0)
    assert run.exit_code == 1
    text = compare_report(run, "text")
    assert "note: customers can be trapped forever" in text
    assert "success — → 100.0%" in text


def test_an_invalid_version_is_reported_not_compared(tmp_path: Path) -> None:
    first, last = pair(tmp_path, LINE, HALVED.replace("abandon: 0.2", "abandon: 2", 1))
    run = compare([first], [last])
    assert run.exit_code == 1
    assert [problem.file for problem in run.problems] == [str(last)]
    assert run.changes == ()  # neither removed nor compared: its problems are the report
    assert run.not_compared == 1
    assert "0 journeys compared; 1 not compared (a file does not validate)" in compare_report(
        run, "text"
    )


def test_customers_lost_at_an_abandoned_outcome_are_a_step_loss(tmp_path: Path) -> None:
    change = compare(*([p] for p in pair(tmp_path, COMPLAINT, NO_SECOND_LINE))).changes[0]
    steps = {step.step: step for step in change.steps}
    complaint = steps["complaint"]
    assert (complaint.change, complaint.outcome) == (None, "abandoned")
    assert complaint.lost.before == pytest.approx(80)
    assert complaint.lost.after == pytest.approx(800 / 6)
    # `desk` loses as many (200 abandon), but one of its transitions went: it changed.
    assert (steps["desk"].change, steps["desk"].fields) == ("changed", ("next",))
    assert steps["desk"].lost.delta == pytest.approx(0)
    assert "second" not in steps  # still there, unreached now, and it never lost anybody
    # The losses listed add up to the change in customers lost.
    lost = sum(change.customers[name].delta or 0.0 for name in ("failure", "abandoned", "stuck"))
    assert lost == pytest.approx(800 / 6 - 80)
    assert sum((step.lost.after or 0.0) - (step.lost.before or 0.0) for step in change.steps) == (
        pytest.approx(lost)
    )


def test_a_share_kept_as_written_is_told_apart_from_one_rewritten(tmp_path: Path) -> None:
    rewritten = NO_SECOND_LINE.replace("{to: done, share: 0.5}", "{to: done, share: 0.6}")
    change = compare(*([p] for p in pair(tmp_path, COMPLAINT, rewritten))).changes[0]
    moved = {(t.target, t.change, t.fields) for t in change.transitions}
    assert moved == {
        ("done", "changed", ("share",)),
        ("complaint", "changed", ("split",)),
        ("second", "removed", ()),
    }
    done = next(t for t in change.transitions if t.target == "done")
    assert (done.written.before, done.written.after) == (0.5, 0.6)
    assert done.share.after == pytest.approx(6 / 7)
    complaint = next(t for t in change.transitions if t.target == "complaint")
    assert (complaint.written.before, complaint.written.after) == (0.1, 0.1)
    assert (complaint.share.before, complaint.share.after) == (
        pytest.approx(0.1),
        pytest.approx(1 / 7),
    )


def test_the_reports_list_the_outcome_and_print_changes_of_the_figures_shown(
    tmp_path: Path,
) -> None:
    run = compare(*([p] for p in pair(tmp_path, COMPLAINT, NO_SECOND_LINE)))
    text = compare_report(run, "text")
    assert "`complaint` (abandoned outcome): same definition; customers lost 80 → 133 (+53)" in text
    assert "`desk`: changed (transitions); customers lost 200 → 200 (±0)" in text
    assert (
        "`desk` → `done`: changed (split among the transitions); same share as written; "
        "of the customers going on 50.0% → 83.3% (+33.3 points), because another transition "
        "from `desk` was added, removed or changed"
    ) in " ".join(text.split())
    markdown = compare_report(run, "markdown")
    assert "<code>complaint</code> (abandoned outcome): same definition" in markdown
    (journey,) = json.loads(compare_report(run, "json"))["journeys"]
    complaint = next(step for step in journey["steps"] if step["step"] == "complaint")
    assert complaint["outcome"] == "abandoned"
    assert complaint["lost"]["change"] == pytest.approx(800 / 6 - 80)


def test_a_change_is_the_difference_of_the_figures_as_printed() -> None:
    assert customers_shift(Shift(683.6, 664.2)) == "684 → 664 (-20)"
    assert customers_shift(Shift(616.4, 627.4)) == "616 → 627 (+11)"
    # 84.36% → 87.54% is printed 84.4% → 87.5%: +3.1 points, not the +3.2 of the raw figures.
    assert share_shift(Shift(0.8436, 0.8754)) == "84.4% → 87.5% (+3.1 points)"
    assert handoffs_shift(Shift(1.786, 1.704)) == "1.79 → 1.70 (-0.09)"
