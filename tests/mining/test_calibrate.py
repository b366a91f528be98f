"""`mine --write`: observed figures written into the journey as a clean, reviewable diff."""

from __future__ import annotations

import difflib
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cyclemap
from cyclemap.cli import app
from cyclemap.mining import MiningReport, mine
from cyclemap.mining.calibrate import calibrated_text
from tests.conftest import EXAMPLES
from tests.support.mining import JOURNEY, _journey, _log

runner = CliRunner()
EMPTY = MiningReport("log", "journey", 0, 0, (), (), (), (), ())
JOURNEYS = sorted(EXAMPLES.rglob("*.journey.yaml"))


@pytest.mark.parametrize("path", JOURNEYS, ids=[path.name for path in JOURNEYS])
def test_nothing_observed_changes_nothing(path: Path) -> None:
    """Comments, order, quoting, flow and block styles survive the round trip byte for byte."""
    text = path.read_text(encoding="utf-8")
    assert calibrated_text(cyclemap.load(path), text, EMPTY) == text


def test_only_the_observed_figures_change(tmp_path: Path) -> None:
    journey = _journey(tmp_path)
    original = journey.read_text(encoding="utf-8")
    cases = [["call", "diagnose", "fixed"]] * 3 + [["call", "diagnose", "billing-desk"]]
    report = mine(_log(tmp_path, cases), cyclemap.load(journey))
    result = runner.invoke(app, ["mine", str(tmp_path / "log.csv"), "-j", str(journey), "--write"])
    assert result.exit_code == 0
    assert "git diff" in result.stderr
    assert "never taken in the log, now at the smallest share: diagnose → expert" in result.stderr
    changed = [
        line
        for line in difflib.unified_diff(
            original.splitlines(), journey.read_text(encoding="utf-8").splitlines(), lineterm=""
        )
        if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))
    ]
    assert changed == [
        "-  - {id: call, stage: s, team: n1, entry: true, next: [{to: diagnose}]}",
        "+  - {id: call, stage: s, team: n1, entry: {volume: 4}, next: [{to: diagnose}]}",
        "-    next: [{to: fixed, share: 0.6}, {to: billing-desk, share: 0.3}, {to: expert, "
        "share: 0.1}]",
        "-  - {id: billing-desk, stage: s, team: bill, next: [{to: diagnose}, {to: expert}]}",
        "+    next: [{to: fixed, share: 0.75}, {to: billing-desk, share: 0.25}, {to: expert, "
        "share: 0.001}]",
        "+  - {id: billing-desk, stage: s, team: bill, abandon: 1.0, next: [{to: diagnose}, "
        "{to: expert}]}",
    ]
    assert report.cases == 4
    assert cyclemap.validate([journey]).exit_code == 0
    assert textwrap.dedent(JOURNEY).startswith("cyclemap: 1")
