"""The `stats` command: tables for people, stable JSON for machines, clean errors."""

from __future__ import annotations

import importlib.util
import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

import cyclemap
import cyclemap.graph.solver
from cyclemap.analysis.report import analyse
from cyclemap.cli import app
from cyclemap.engine import audit_journey
from cyclemap.engine.config import Settings
from cyclemap.graph import JourneyGraph
from tests.conftest import EXAMPLES, REPO
from tests.support.figures import analyse_steps, write_journey

runner = CliRunner()
SUPPORT = EXAMPLES / "internet-support.journey.yaml"
ENTRY_KEYS = {
    "entry",
    "volume",
    "weight",
    "endings",
    "expected_steps",
    "expected_handoffs",
    "expected_duration",
    "duration_to_success",
    "duration_to_loss",
}


def stats(*arguments: str) -> Result:
    return runner.invoke(app, ["stats", *arguments])


def test_text_shows_entries_losses_and_quick_wins() -> None:
    result = stats(str(SUPPORT))
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Journey internet-support" in out
    assert "weighted by their `volume`" in out
    assert "Per entry" in out
    for entry in ("call-line", "report-app", "web-chat", "outage-page", "all entries"):
        assert entry in out
    assert "Where customers are lost (customers per period)" in out
    assert "Per stage (customers per period)" in out
    assert "to success" in out and "until lost" in out
    assert "Quick wins" in out
    ranks = [line for line in out.splitlines() if line.strip()[:2] in {"1.", "2.", "3."}]
    assert len(ranks) >= 3
    assert "successful customers per period" in out
    assert "Peloteo loop" in out


def test_text_figures_are_those_of_the_analysis() -> None:
    journey = cyclemap.load(SUPPORT)
    report = analyse(JourneyGraph(journey), audit_journey(journey, Settings()))
    out = stats(str(SUPPORT)).stdout
    success = round(report.overall.endings.success * 100)
    assert f"Success {success}% of {round(report.total_volume):,} customers" in out
    worst = max(report.steps, key=lambda step: step.lost)
    losses = out.split("Where customers are lost")[1]
    lost_line = next(line for line in losses.splitlines() if f" {worst.step} " in line)
    assert f"{round(worst.lost):,}" in lost_line


def test_json_has_the_documented_shape() -> None:
    result = stats(str(SUPPORT), "--format", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert set(document) == {"journeys", "errors"}
    assert document["errors"] == []
    (journey,) = document["journeys"]
    for key in ("overall", "entries", "steps", "loops", "quick_wins"):
        assert key in journey
    assert journey["journey"] == "internet-support"
    assert journey["by_volume"] is True
    assert set(journey["overall"]) == ENTRY_KEYS
    assert set(journey["overall"]["endings"]) == {"success", "failure", "abandoned", "stuck"}
    assert sum(journey["overall"]["endings"].values()) == pytest.approx(1.0)
    assert [entry["entry"] for entry in journey["entries"]] == [
        "call-line",
        "report-app",
        "web-chat",
        "outage-page",
    ]
    for entry in journey["entries"]:
        assert set(entry) == ENTRY_KEYS
    steps = journey["steps"]
    assert set(steps[0]) == {
        "step",
        "visits",
        "reached",
        "abandon",
        "abandoned",
        "stuck",
        "ended",
        "outcome",
        "lost",
    }
    assert [step["lost"] for step in steps] == sorted(
        (step["lost"] for step in steps), reverse=True
    )
    assert len(journey["quick_wins"]) == 5
    assert {"kind", "steps", "description", "assumption", "gain", "success_after", "ranks"} <= set(
        journey["quick_wins"][0]
    )
    gains = [win["gain"] for win in journey["quick_wins"]]
    assert gains == sorted(gains, reverse=True)
    assert journey["loops"]
    assert set(journey["loops"][0]) == {
        "steps",
        "teams",
        "start",
        "reached",
        "round_probability",
        "sent_round",
        "extra_rounds",
    }
    assert journey["unit"] == "customers per period"
    assert [stage["stage"] for stage in journey["stages"]] == [
        "access",
        "contact",
        "diagnosis",
        "solution",
        "closure",
    ]
    assert set(journey["moves"]) == {"stage", "team"}


def test_json_is_byte_stable() -> None:
    first = stats(str(SUPPORT), "--format", "json")
    second = stats(str(SUPPORT), "--format", "json")
    assert first.exit_code == second.exit_code == 0
    assert first.stdout_bytes == second.stdout_bytes


def test_json_matches_the_library() -> None:
    journey = cyclemap.load(SUPPORT)
    report = analyse(JourneyGraph(journey), audit_journey(journey, Settings()), top=2)
    document = json.loads(stats(str(SUPPORT), "--format", "json", "--top", "2").stdout)
    (data,) = document["journeys"]
    assert data["overall"]["endings"] == report.overall.endings.as_dict()
    assert [win["gain"] for win in data["quick_wins"]] == [win.gain for win in report.quick_wins]


def test_top_and_context_cost_options() -> None:
    def wins(*options: str) -> list[dict]:  # type: ignore[type-arg]
        result = stats(str(SUPPORT), "--format", "json", *options)
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)["journeys"][0]["quick_wins"]  # type: ignore[no-any-return]

    assert len(wins("--top", "1")) == 1
    assert wins("--top", "0") == []
    assert len(wins("--top", "3")) == 3

    def restore(cost: str) -> float:
        found = wins("--top", "50", "--context-cost", cost)
        return sum(win["gain"] for win in found if win["kind"] == "restore-context")

    assert restore("0") == 0.0
    assert 0 < restore("0.05") < restore("0.1")


def test_examples_folder() -> None:
    result = stats(str(EXAMPLES), "--format", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert len(document["journeys"]) == len(list(EXAMPLES.rglob("*.journey.yaml")))


def test_invalid_journey_exits_1_with_its_errors_on_stderr(tmp_path: Path) -> None:
    path = write_journey(
        tmp_path,
        """
        - {id: a, stage: contact, entry: true, abandon: 1.5, next: [{to: nowhere}]}
        - {id: done, stage: contact, outcome: success}
        """,
    )
    for options in ([], ["--format", "json"]):
        result = stats(str(path), *options)
        assert result.exit_code == 1
        assert "Traceback" not in result.stderr
        assert f"{path.name}:" in result.stderr
        assert "nowhere" in result.stderr
        assert "abandon" in result.stderr
    document = json.loads(stats(str(path), "--format", "json").stdout)
    assert document["journeys"] == []
    assert document["errors"]


def _generate_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("generate", REPO / "benchmarks" / "generate.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_two_thousand_steps_analyse(tmp_path: Path) -> None:
    path = tmp_path / "big.journey.yaml"
    path.write_text(_generate_module().journey_text(2000), encoding="utf-8")
    (tmp_path / "cyclemap.toml").write_text("", encoding="utf-8")
    journey = cyclemap.load(path)
    report = analyse(JourneyGraph(journey), audit_journey(journey, Settings()))
    assert report.by_volume
    assert report.total_volume == 10000
    assert sum(report.overall.endings.as_dict().values()) == pytest.approx(1.0)
    assert len(report.steps) > 1900
    assert all(step.visits >= -1e-9 for step in report.steps)
    first = next(step for step in report.steps if step.step == "step-0")
    assert first.visits >= 1.0
    assert report.overall.expected_steps > 1


def _long_journey(size: int, seed: int = 1) -> str:
    """Mostly forward steps (shares 0.7 / 0.25), 10% long edges back, little abandonment."""
    rng = random.Random(seed)
    lines = []
    for index in range(size):
        entry = {0: ", entry: {volume: 10000}", size // 3: ", entry: {volume: 500}"}.get(index, "")
        team = f"t{1 + (index // 4) % 3}"
        if index == size - 1:
            lines.append(f"- {{id: s{index}, stage: contact, team: {team}, outcome: success}}")
            continue
        abandon = rng.choice((0, 0, 0, 0.001, 0.003, 0.01))
        targets = [index + 1] + ([index + 2] if index + 2 < size else [])
        if index > 10 and rng.random() < 0.1:
            targets.append(rng.randrange(0, index - 5))
        following = ", ".join(
            f"{{to: s{target}, share: {(0.7, 0.25, 0.05)[position]}}}"
            for position, target in enumerate(targets)
        )
        lines.append(
            f"- {{id: s{index}, stage: contact, team: {team}{entry}, abandon: {abandon}, "
            f"next: [{following}]}}"
        )
    return "\n".join(lines)


def test_iterative_solver_agrees_with_the_direct_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """600 steps go to the iterative solver; forcing the direct one gives the same figures."""
    text = _long_journey(600)
    iterative = analyse_steps(tmp_path, text, name="iterative.journey.yaml", top=10)
    monkeypatch.setattr(cyclemap.graph.solver, "DIRECT_SOLVE_LIMIT", 10**6)
    direct = analyse_steps(tmp_path, text, name="direct.journey.yaml", top=10)
    assert 0.05 < direct.overall.endings.success < 0.95
    for name, value in direct.overall.endings.as_dict().items():
        assert getattr(iterative.overall.endings, name) == pytest.approx(value, abs=1e-9)
    assert iterative.overall.expected_steps == pytest.approx(direct.overall.expected_steps)
    for mine, theirs in zip(iterative.steps, direct.steps, strict=True):
        assert mine.visits == pytest.approx(theirs.visits, rel=1e-7, abs=1e-9)
    assert [win.steps for win in iterative.quick_wins] == [win.steps for win in direct.quick_wins]
    for mine_win, their_win in zip(iterative.quick_wins, direct.quick_wins, strict=True):
        assert mine_win.gain == pytest.approx(their_win.gain, rel=1e-6)


OUTCOMES = """
- {id: a, stage: contact, entry: {volume: 1000}, abandon: 0.1,
   next: [{to: done, share: 0.7}, {to: refused, share: 0.2}, {to: complaint, share: 0.1}]}
- {id: done, stage: contact, outcome: success}
- {id: refused, stage: contact, outcome: failure}
- {id: complaint, stage: contact, outcome: abandoned}
"""
"""100 of 1,000 abandon at `a`; of the 900 going on, 630 succeed, 180 end at the `failure`
outcome and 90 at the `abandoned` one: 370 lost, 100 + 180 + 90."""


def test_the_losses_at_failure_and_abandoned_outcomes_are_rows_of_the_table(
    tmp_path: Path,
) -> None:
    path = write_journey(tmp_path, OUTCOMES)
    (journey,) = json.loads(stats(str(path), "--format", "json").stdout)["journeys"]
    lost = {step["step"]: step["lost"] for step in journey["steps"]}
    assert lost == pytest.approx({"a": 100, "refused": 180, "complaint": 90})
    endings = journey["overall"]["endings"]
    assert sum(lost.values()) == pytest.approx(
        1000 * (endings["failure"] + endings["abandoned"] + endings["stuck"])
    )
    out = stats(str(path), "--lang", "en").stdout
    rows = {
        cells[0].split()[0]: cells
        for line in out.split("Where customers are lost", 1)[1].split("Per stage")[0].splitlines()
        if len(cells := [cell.strip() for cell in line.strip("│ ").split("│")]) == 8
        and cells[-1]
    }
    # step, abandon rate, reached, visits, abandon, no way forward, end at the outcome, lost
    assert rows["a"] == ["a", "10%", "1,000", "1,000", "100", "0", "0", "100"]
    assert rows["refused"][1:] == ["—", "180", "180", "0", "0", "180", "180"]
    assert rows["complaint"][1:] == ["—", "90", "90", "0", "0", "90", "90"]
    # Each outcome step says what it is (the narrow step column may wrap the words).
    assert "refused (failure outcome)" in out
    assert "complaint (abandoned" in out
