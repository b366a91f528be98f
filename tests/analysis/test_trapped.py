"""Customers who can circulate forever: no flow figures, a clear error, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cyclemap.analysis.report import quick_win_texts
from cyclemap.cli import app
from cyclemap.graph.flow_model import TrappedError
from tests.support.figures import analyse_steps, step_figures, write_journey

runner = CliRunner()

TRAPPED = """
    - {id: start, stage: contact, team: t1, entry: {volume: 100}, abandon: 0.1,
       next: [{to: done, share: 1}, {to: ping, share: 1}]}
    - {id: ping, stage: contact, team: t1, next: [{to: pong}]}
    - {id: pong, stage: contact, team: t2, next: [{to: ping}]}
    - {id: done, stage: contact, outcome: success}
    """


def test_reachable_loop_without_a_way_out_raises(tmp_path: Path) -> None:
    with pytest.raises(TrappedError) as caught:
        analyse_steps(tmp_path, TRAPPED)
    error = caught.value
    assert error.steps == ["ping", "pong"]
    message = str(error)
    assert "`ping`" in message
    assert "`pong`" in message
    assert "`start`" not in message
    assert "dead-end" in message


def test_trapped_without_findings_too(tmp_path: Path) -> None:
    with pytest.raises(TrappedError):
        analyse_steps(tmp_path, TRAPPED, findings=False)


def test_a_little_abandonment_lets_customers_out(tmp_path: Path) -> None:
    report = analyse_steps(
        tmp_path, TRAPPED.replace("team: t2, next", "team: t2, abandon: 0.5, next")
    )
    # start: 0.9 split half to done, half into the loop; at pong half abandon each round.
    assert report.overall.endings.success == pytest.approx(0.45)
    assert report.overall.endings.abandoned == pytest.approx(0.55)
    figures = step_figures(report)
    # 100 customers per period: 1 + 0.5 + 0.25 + ... visits each for the 45 who reach ping.
    assert figures["ping"].visits == pytest.approx(100 * 0.45 * 2)
    assert figures["ping"].reached == pytest.approx(100 * 0.45)


def test_a_self_loop_without_a_way_out_raises(tmp_path: Path) -> None:
    with pytest.raises(TrappedError) as caught:
        analyse_steps(
            tmp_path,
            """
            - {id: start, stage: contact, entry: true, abandon: 0.1, next: [{to: hold}]}
            - {id: hold, stage: contact, next: [{to: hold}]}
            """,
        )
    assert caught.value.steps == ["hold"]


def test_many_trapped_steps_are_shortened_in_the_message(tmp_path: Path) -> None:
    ring = "\n".join(
        f"- {{id: r{index}, stage: contact, next: [{{to: r{(index + 1) % 12}}}]}}"
        for index in range(12)
    )
    with pytest.raises(TrappedError) as caught:
        analyse_steps(
            tmp_path, "- {id: start, stage: contact, entry: true, next: [{to: r0}]}\n" + ring
        )
    # `start` leads only into the ring: its customers are trapped too.
    assert caught.value.steps == ["start", *(f"r{index}" for index in range(12))]
    message = str(caught.value)
    assert "`r6`" in message
    assert "`r7`" not in message
    assert "..." in message


def test_unreachable_trapped_loop_does_not_prevent_the_analysis(tmp_path: Path) -> None:
    report = analyse_steps(
        tmp_path,
        """
        - {id: start, stage: contact, entry: {volume: 100}, abandon: 0.2, next: [{to: done}]}
        - {id: done, stage: contact, outcome: success}
        - {id: ping, stage: contact, team: t1, next: [{to: pong}]}
        - {id: pong, stage: contact, team: t2, next: [{to: ping}]}
        """,
    )
    assert report.overall.endings.success == pytest.approx(0.8)
    assert {figures.step for figures in report.steps} == {"start"}


def test_loop_only_past_a_success_does_not_trap(tmp_path: Path) -> None:
    report = analyse_steps(
        tmp_path,
        """
        - {id: start, stage: contact, entry: true, abandon: 0.2, next: [{to: won}]}
        - {id: won, stage: contact, outcome: success, next: [{to: use}]}
        - {id: use, stage: contact, next: [{to: renew}]}
        - {id: renew, stage: contact, next: [{to: use}]}
        """,
    )
    assert report.overall.endings.success == pytest.approx(0.8)


def test_quick_wins_of_a_trapped_journey_are_empty(tmp_path: Path) -> None:
    import cyclemap
    from cyclemap.graph import JourneyGraph

    path = write_journey(tmp_path, TRAPPED)
    assert quick_win_texts(JourneyGraph(cyclemap.load(path)), [], 5) == ()


def test_stats_cli_prints_the_message_and_exits_1(tmp_path: Path) -> None:
    path = write_journey(tmp_path, TRAPPED)
    result = runner.invoke(app, ["stats", str(path)])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.stderr
    assert "Traceback" not in result.stdout
    assert "customers can be trapped forever" in result.stderr
    assert "`ping`" in result.stderr
    assert "dead-end" in result.stderr
    assert path.name in result.stderr


def test_stats_cli_json_on_a_trapped_journey_exits_1(tmp_path: Path) -> None:
    import json

    path = write_journey(tmp_path, TRAPPED)
    result = runner.invoke(app, ["stats", str(path), "--format", "json"])
    assert result.exit_code == 1
    assert "dead-end" in result.stderr
    document = json.loads(result.stdout)
    assert document["journeys"] == []


def test_stats_cli_reports_the_other_journeys(tmp_path: Path) -> None:
    write_journey(tmp_path, TRAPPED, "trapped.journey.yaml")
    write_journey(
        tmp_path,
        """
        - {id: a, stage: contact, entry: true, next: [{to: done}]}
        - {id: done, stage: contact, outcome: success}
        """,
        "fine.journey.yaml",
    )
    trapped = tmp_path / "trapped.journey.yaml"  # one id per journey in a repository
    trapped.write_text(trapped.read_text("utf-8").replace("flow-test", "trapped"), "utf-8")
    result = runner.invoke(app, ["stats", str(tmp_path), "--format", "json"])
    assert result.exit_code == 1
    assert "trapped.journey.yaml" in result.stderr
    import json

    document = json.loads(result.stdout)
    assert [journey["journey"] for journey in document["journeys"]] == ["flow-test"]
    assert document["journeys"][0]["overall"]["endings"]["success"] == 1.0


def test_loop_reached_with_probability_zero_does_not_trap(tmp_path: Path) -> None:
    report = analyse_steps(
        tmp_path,
        """
        - id: start
          stage: contact
          entry: true
          next: [{to: done, share: 1}, {to: wall, share: 1}]
        - {id: wall, stage: contact, abandon: 1, next: [{to: ping}]}
        - {id: ping, stage: contact, next: [{to: pong}]}
        - {id: pong, stage: contact, next: [{to: ping}]}
        - {id: done, stage: contact, outcome: success}
        """,
    )
    assert report.overall.endings.success == pytest.approx(0.5)
    assert report.overall.endings.abandoned == pytest.approx(0.5)


def restart_ring(size: int, back: float) -> str:
    """`size` steps in a row; from every step but the first, `back` of the customers start over
    at the first step. Nobody abandons, but the last step leads to the success."""
    lines = ["- {id: s0, stage: contact, entry: {volume: 1000}, next: [{to: s1}]}"]
    for index in range(1, size):
        following = f"s{index + 1}" if index < size - 1 else "done"
        lines.append(
            f"- {{id: s{index}, stage: contact, "
            f"next: [{{to: {following}, share: {1 - back}}}, {{to: s0, share: {back}}}]}}"
        )
    lines.append("- {id: done, stage: contact, outcome: success}")
    return "\n".join(lines)


def test_long_restart_ring_has_a_way_out(tmp_path: Path) -> None:
    # One attempt succeeds with 0.975 ** 399: the first step is visited 1 / that (about
    # 24,000) times. 400 steps are solved directly.
    report = analyse_steps(tmp_path, restart_ring(400, 0.025), findings=False)
    assert report.overall.endings.success == pytest.approx(1.0)
    assert step_figures(report)["s0"].visits == pytest.approx(1000 / 0.975**399, rel=1e-6)


def test_longer_restart_ring_has_a_way_out(tmp_path: Path) -> None:
    # The same number of expected visits (about 24,000) as above, over 500 steps.
    report = analyse_steps(tmp_path, restart_ring(500, 0.02), findings=False)
    assert report.overall.endings.success == pytest.approx(1.0)
    assert step_figures(report)["s0"].visits == pytest.approx(1000 / 0.98**499, rel=1e-6)
