"""Flow figures on small chains, against values worked out by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from cyclemap.graph.flow_model import ENDINGS, Endings
from tests.support.figures import analyse_steps, entry_figures, step_figures

approx = pytest.approx


def endings(success: float = 0.0, failure: float = 0.0, abandoned: float = 0.0, stuck: float = 0.0):
    return {"success": success, "failure": failure, "abandoned": abandoned, "stuck": stuck}


def assert_endings(actual: Endings, **expected: float) -> None:
    assert actual.as_dict() == approx(endings(**expected), abs=1e-12)


def test_straight_line_with_abandonment(tmp_path: Path) -> None:
    report = analyse_steps(
        tmp_path,
        """
        - {id: a, stage: contact, entry: true, abandon: 0.2, duration: 1m, next: [{to: b}]}
        - {id: b, stage: contact, abandon: 0.1, duration: 2m, next: [{to: done}]}
        - {id: done, stage: contact, outcome: success, duration: 30s}
        """,
    )
    overall = report.overall
    assert_endings(overall.endings, success=0.8 * 0.9, abandoned=0.2 + 0.8 * 0.1)
    # Steps lived: a always, b by 80%, and the outcome step `done` by the 72% who reach it.
    assert overall.expected_steps == approx(1 + 0.8 + 0.72)
    # Seconds: 60 at a, 120 at b for 80%, 30 at done for 72%.
    assert overall.expected_duration == approx(60 + 0.8 * 120 + 0.72 * 30)
    # Those who succeed live all three; those lost abandon at a (60 s) or at b (180 s).
    assert overall.duration_to_success == approx(60 + 120 + 30)
    assert overall.duration_to_loss == approx((0.2 * 60 + 0.08 * 180) / 0.28)
    assert overall.expected_handoffs == 0
    visits = step_figures(report)
    assert [step.step for step in report.steps] == ["a", "b"]  # outcome steps are not listed
    assert visits["a"].visits == approx(1.0)
    assert visits["b"].visits == approx(0.8)
    assert visits["b"].reached == approx(0.8)
    # Without volumes `lost` is per customer entering.
    assert visits["a"].lost == approx(0.2)
    assert visits["b"].lost == approx(0.08)
    assert not report.by_volume
    assert report.total_volume is None
    assert report.weighting == "one entry"
    (entry,) = report.entries
    assert entry.entry == "a"
    assert entry.endings == overall.endings
    assert entry.volume is None


def test_no_duration_anywhere_gives_none(tmp_path: Path) -> None:
    report = analyse_steps(
        tmp_path,
        """
        - {id: a, stage: contact, entry: true, next: [{to: done}]}
        - {id: done, stage: contact, outcome: success}
        """,
    )
    assert report.overall.expected_duration is None
    assert report.overall.expected_steps == approx(2.0)


def test_branch_seventy_thirty(tmp_path: Path) -> None:
    report = analyse_steps(
        tmp_path,
        """
        - id: a
          stage: contact
          entry: true
          abandon: 0.1
          next: [{to: ok, share: 70}, {to: ko, share: 30}]
        - {id: ok, stage: contact, outcome: success}
        - {id: ko, stage: contact, outcome: failure}
        """,
    )
    assert_endings(report.overall.endings, success=0.9 * 0.7, failure=0.9 * 0.3, abandoned=0.1)
    assert report.overall.expected_steps == approx(1 + 0.9)


def test_shares_as_fractions_and_as_counts_agree(tmp_path: Path) -> None:
    template = """
        - id: a
          stage: contact
          entry: true
          next: [{{to: ok, share: {0}}}, {{to: ko, share: {1}}}]
        - {{id: ok, stage: contact, outcome: success}}
        - {{id: ko, stage: contact, outcome: failure}}
        """
    fractions = analyse_steps(tmp_path, template.format(0.25, 0.75), name="f.journey.yaml")
    counts = analyse_steps(tmp_path, template.format(1, 3), name="c.journey.yaml")
    assert_endings(fractions.overall.endings, success=0.25, failure=0.75)
    assert counts.overall.endings.as_dict() == approx(fractions.overall.endings.as_dict())


def test_missing_shares_split_equally(tmp_path: Path) -> None:
    report = analyse_steps(
        tmp_path,
        """
        - {id: a, stage: contact, entry: true, next: [{to: ok}, {to: ko}, {to: gone}]}
        - {id: ok, stage: contact, outcome: success}
        - {id: ko, stage: contact, outcome: failure}
        - {id: gone, stage: contact, outcome: abandoned}
        """,
    )
    assert_endings(report.overall.endings, success=1 / 3, failure=1 / 3, abandoned=1 / 3)


def test_partially_missing_share_counts_as_mean_of_given(tmp_path: Path) -> None:
    # Given 2 and 4: the missing one weighs (2 + 4) / 2 = 3; total 9.
    report = analyse_steps(
        tmp_path,
        """
        - id: a
          stage: contact
          entry: true
          abandon: 0.1
          next: [{to: ok, share: 2}, {to: ko}, {to: gone, share: 4}]
        - {id: ok, stage: contact, outcome: success}
        - {id: ko, stage: contact, outcome: failure}
        - {id: gone, stage: contact, outcome: abandoned}
        """,
    )
    assert_endings(
        report.overall.endings,
        success=0.9 * 2 / 9,
        failure=0.9 * 3 / 9,
        abandoned=0.1 + 0.9 * 4 / 9,
    )
    # An `abandoned` outcome step is an ending, not a step where customers are lost.
    assert step_figures(report)["a"].lost == approx(0.1)


def test_loop_is_a_geometric_series(tmp_path: Path) -> None:
    # Each round: a -> b with 0.9 (0.1 abandon at a), b -> a with 0.6, b -> done with 0.4.
    report = analyse_steps(
        tmp_path,
        """
        - {id: a, stage: contact, entry: true, abandon: 0.1, duration: 10s, next: [{to: b}]}
        - id: b
          stage: contact
          duration: 20s
          next: [{to: a, share: 0.6}, {to: done, share: 0.4}]
        - {id: done, stage: contact, outcome: success}
        """,
    )
    r = 0.9 * 0.6
    visits_a = 1 / (1 - r)
    visits_b = 0.9 * visits_a
    figures = step_figures(report)
    assert figures["a"].visits == approx(visits_a)
    assert figures["b"].visits == approx(visits_b)
    # Everybody reaches a, and 90% of them b; coming back round counts as visits only.
    assert figures["a"].reached == approx(1.0)
    assert figures["b"].reached == approx(0.9)
    assert_endings(report.overall.endings, success=0.9 * 0.4 * visits_a, abandoned=0.1 * visits_a)
    success = 0.9 * 0.4 * visits_a
    assert report.overall.expected_steps == approx(visits_a + visits_b + success)
    assert report.overall.expected_duration == approx(10 * visits_a + 20 * visits_b)


def test_self_loop(tmp_path: Path) -> None:
    # Retrying at the same step: 0.75 retry, 0.25 done: 4 visits expected.
    report = analyse_steps(
        tmp_path,
        """
        - id: retry
          stage: contact
          entry: true
          next: [{to: retry, share: 3}, {to: done, share: 1}]
        - {id: done, stage: contact, outcome: success}
        """,
    )
    assert step_figures(report)["retry"].visits == approx(4.0)
    assert step_figures(report)["retry"].reached == approx(1.0)
    assert_endings(report.overall.endings, success=1.0)


def test_handoffs_on_alternating_teams(tmp_path: Path) -> None:
    report = analyse_steps(
        tmp_path,
        """
        - {id: a, stage: contact, team: t1, entry: true, next: [{to: b}]}
        - {id: b, stage: contact, team: t2, abandon: 0.5, next: [{to: c}]}
        - {id: c, stage: contact, team: t1, next: [{to: done}]}
        - {id: done, stage: contact, team: t2, outcome: success}
        """,
    )
    # a -> b always, b -> c and c -> done for the half that stays: 1 + 0.5 + 0.5.
    assert report.overall.expected_handoffs == approx(2.0)


def test_handoffs_need_a_team_on_both_sides_and_a_change(tmp_path: Path) -> None:
    report = analyse_steps(
        tmp_path,
        """
        - {id: a, stage: contact, team: t1, entry: true, next: [{to: b}]}
        - {id: b, stage: contact, next: [{to: c}]}
        - {id: c, stage: contact, team: t2, next: [{to: d}]}
        - {id: d, stage: contact, team: t2, next: [{to: e}]}
        - {id: e, stage: contact, team: t3, outcome: success}
        """,
    )
    # Only d -> e (t2 -> t3) is a handoff: b has no team, c -> d stays in t2.
    assert report.overall.expected_handoffs == approx(1.0)


def test_handoffs_in_a_loop(tmp_path: Path) -> None:
    report = analyse_steps(
        tmp_path,
        """
        - {id: a, stage: contact, team: t1, entry: {volume: 100}, next: [{to: b}]}
        - id: b
          stage: contact
          team: t2
          next: [{to: a, share: 0.6}, {to: done, share: 0.4}]
        - {id: done, stage: contact, team: t2, outcome: success}
        """,
    )
    visits = 1 / (1 - 0.6)  # at a and at b
    assert report.overall.expected_handoffs == approx(visits * 1 + visits * 0.6)
    (loop,) = report.loops
    assert set(loop.steps) == {"a", "b"}
    assert set(loop.teams) == {"t1", "t2"}
    # Everybody reaches a; from a, 60% come back round through t2 each time: sent round at
    # least once 60 of 100, and 0.6 / 0.4 = 1.5 rounds each on average (150 extra rounds).
    assert loop.start == "a"
    assert loop.reached == approx(100)
    assert loop.round_probability == approx(0.6)
    assert loop.sent_round == approx(60)
    assert loop.extra_rounds == approx(150)


def test_entries_weighted_by_volume(tmp_path: Path) -> None:
    report = analyse_steps(
        tmp_path,
        """
        - {id: e1, stage: contact, entry: {volume: 3000}, next: [{to: done}]}
        - {id: e2, stage: contact, entry: {volume: 1000}, abandon: 0.5, next: [{to: done}]}
        - {id: done, stage: contact, outcome: success}
        """,
    )
    assert report.by_volume
    assert report.total_volume == approx(4000)
    assert "volume" in report.weighting
    by_entry = entry_figures(report)
    assert list(by_entry) == ["e1", "e2"]
    assert_endings(by_entry["e1"].endings, success=1.0)
    assert_endings(by_entry["e2"].endings, success=0.5, abandoned=0.5)
    assert by_entry["e1"].volume == 3000
    assert by_entry["e2"].volume == 1000
    assert_endings(report.overall.endings, success=0.875, abandoned=0.125)
    assert report.overall.volume == approx(4000)
    assert report.overall.expected_steps == approx((3000 * 2 + 1000 * 1.5) / 4000)
    # Customers lost per period at e2: 1000 enter, half abandon.
    assert step_figures(report)["e2"].lost == approx(500)
    assert step_figures(report)["e2"].visits == approx(1000)
    assert step_figures(report)["e2"].reached == approx(1000)


@pytest.mark.parametrize(
    ("e1", "e2"),
    [("true", "true"), ("{volume: 3000}", "true"), ("true", "{volume: 1000}")],
)
def test_entries_without_every_volume_weigh_equally(tmp_path: Path, e1: str, e2: str) -> None:
    report = analyse_steps(
        tmp_path,
        f"""
        - {{id: e1, stage: contact, entry: {e1}, next: [{{to: done}}]}}
        - {{id: e2, stage: contact, entry: {e2}, abandon: 0.5, next: [{{to: done}}]}}
        - {{id: done, stage: contact, outcome: success}}
        """,
    )
    assert not report.by_volume
    assert report.total_volume is None
    assert "equal" in report.weighting
    assert_endings(report.overall.endings, success=0.75, abandoned=0.25)
    assert step_figures(report)["e2"].lost == approx(0.25)  # per customer entering


def test_dead_end_step_makes_customers_stuck(tmp_path: Path) -> None:
    report = analyse_steps(
        tmp_path,
        """
        - id: a
          stage: contact
          entry: true
          next: [{to: b, share: 1}, {to: done, share: 1}]
        - {id: b, stage: contact, abandon: 0.25}
        - {id: done, stage: contact, outcome: success}
        """,
    )
    assert_endings(report.overall.endings, success=0.5, abandoned=0.5 * 0.25, stuck=0.5 * 0.75)
    # Everybody reaching b is lost there, abandoning or stuck.
    assert step_figures(report)["b"].lost == approx(0.5)


def test_success_with_next_ends_the_path_at_first_arrival(tmp_path: Path) -> None:
    report = analyse_steps(
        tmp_path,
        """
        - {id: a, stage: contact, entry: true, abandon: 0.2, next: [{to: won}]}
        - {id: won, stage: contact, outcome: success, next: [{to: renew}]}
        - {id: renew, stage: contact, abandon: 0.5, next: [{to: lost}]}
        - {id: lost, stage: contact, outcome: failure}
        """,
    )
    assert_endings(report.overall.endings, success=0.8, abandoned=0.2)
    assert report.overall.expected_steps == approx(1.8)
    # Steps past the success are never visited on the way to it, and lose nobody.
    figures = step_figures(report)
    assert figures["renew"].visits == approx(0.0, abs=1e-12)
    assert figures["renew"].lost == approx(0.0, abs=1e-12)
    assert report.entries[0].expected_handoffs == 0


def test_entry_at_an_outcome_step(tmp_path: Path) -> None:
    report = analyse_steps(
        tmp_path,
        """
        - {id: a, stage: contact, entry: {volume: 300}, next: [{to: done}]}
        - {id: done, stage: contact, entry: {volume: 100}, outcome: success}
        """,
    )
    by_entry = entry_figures(report)
    assert_endings(by_entry["done"].endings, success=1.0)
    assert by_entry["done"].expected_steps == approx(1.0)
    assert_endings(report.overall.endings, success=1.0)
    assert report.overall.expected_steps == approx((300 * 2 + 100 * 1) / 400)


def test_entry_at_an_outcome_step_lives_its_duration(tmp_path: Path) -> None:
    report = analyse_steps(
        tmp_path,
        """
        - {id: a, stage: contact, entry: {volume: 300}, duration: 1m, next: [{to: done}]}
        - {id: done, stage: contact, entry: {volume: 100}, outcome: success, duration: 30s}
        """,
    )
    by_entry = entry_figures(report)
    assert by_entry["a"].expected_duration == approx(90.0)
    # A customer entering at `done` lives through `done`, as one reaching it from `a` does.
    assert by_entry["done"].expected_duration == approx(30.0)


def test_abandon_one_and_zero(tmp_path: Path) -> None:
    report = analyse_steps(
        tmp_path,
        """
        - id: a
          stage: contact
          entry: true
          next: [{to: wall, share: 1}, {to: done, share: 3}]
        - {id: wall, stage: contact, abandon: 1, next: [{to: done}]}
        - {id: done, stage: contact, outcome: success}
        """,
    )
    assert_endings(report.overall.endings, success=0.75, abandoned=0.25)


def test_endings_names() -> None:
    assert ENDINGS == ("success", "failure", "abandoned", "stuck")
