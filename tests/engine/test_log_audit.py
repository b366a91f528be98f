"""`audit --log`: the map against the log, as findings in every format."""

from __future__ import annotations

import csv
import json
import textwrap
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from cyclemap.cli import app
from cyclemap.engine import audit
from cyclemap.rules import registry
from tests.conftest import SARIF_SCHEMA
from tests.support.mining import JOURNEY

runner = CliRunner()
LOG_RULE_NAMES = tuple(name for name, rule in registry().items() if rule.log)
EVENTS = [
    ("c1", "call", "2024-01-01 10:00:00"),
    ("c1", "diagnose", "2024-01-01 10:05:00"),
    ("c1", "fixed", "2024-01-01 10:10:00"),
    ("c2", "diagnose", "2024-01-01 11:00:00"),  # starts at a step that is not an entry
    ("c2", "call", "2024-01-01 11:05:00"),  # a transition the map lacks
]


def _setup(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "cyclemap.toml").write_text("", encoding="utf-8")
    journey = tmp_path / "support.journey.yaml"
    journey.write_text(textwrap.dedent(JOURNEY), encoding="utf-8")
    log = tmp_path / "log.csv"
    with open(log, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["case_id", "activity", "timestamp"])
        writer.writerows(EVENTS)
    return journey, log


def test_planted_deviations_are_named(tmp_path: Path) -> None:
    journey, log = _setup(tmp_path)
    result = audit([journey], log=log, select=list(LOG_RULE_NAMES))
    found = sorted((f.rule, f.steps) for f in result.findings)
    assert found == [
        ("unexpected-entry", ("diagnose",)),
        ("unmapped-transition", ("diagnose", "call")),
        ("unused-transition", ("diagnose", "billing-desk")),
        ("unused-transition", ("diagnose", "expert")),
        ("unvisited-step", ("billing-desk",)),
        ("unvisited-step", ("expert",)),
    ]


@pytest.mark.parametrize("output_format", ["json", "sarif", "junit", "github", "markdown"])
def test_conformance_findings_appear_in_every_format(tmp_path: Path, output_format: str) -> None:
    journey, log = _setup(tmp_path)
    result = runner.invoke(
        app, ["audit", str(journey), "--log", str(log), "-f", output_format, "--fail-on", "never"]
    )
    assert result.exit_code == 0, result.output
    assert "unmapped-transition" in result.stdout
    if output_format == "sarif":
        schema = json.loads(SARIF_SCHEMA.read_text("utf-8"))
        jsonschema.validate(json.loads(result.stdout), schema)


def test_log_needs_exactly_one_journey(tmp_path: Path) -> None:
    _, log = _setup(tmp_path)
    (tmp_path / "other.journey.yaml").write_text(
        textwrap.dedent(JOURNEY).replace("id: support", "id: other"), encoding="utf-8"
    )
    result = runner.invoke(app, ["audit", str(tmp_path), "--log", str(log)])
    assert result.exit_code == 2
    assert "one journey" in result.stderr


def _conformance(result_findings: list[Any]) -> list[tuple[str, str, tuple[str, ...]]]:
    return sorted(
        (finding.rule, finding.severity.value, finding.steps)
        for finding in result_findings
        if finding.rule in LOG_RULE_NAMES
    )


def test_log_rules_are_selected_ignored_and_given_severities_like_rules(tmp_path: Path) -> None:
    journey, log = _setup(tmp_path)
    ignored = audit([journey], log=log, ignore=["unused-transition", "unvisited-step"])
    assert [rule for rule, _, _ in _conformance(ignored.findings)] == [
        "unexpected-entry",
        "unmapped-transition",
    ]
    chosen = audit([journey], log=log, select=["unexpected-entry"])
    assert [(f.rule, f.steps) for f in chosen.findings] == [("unexpected-entry", ("diagnose",))]
    (tmp_path / "cyclemap.toml").write_text(
        '[rules.unexpected-entry]\nseverity = "error"\n', encoding="utf-8"
    )
    graver = audit([journey], log=log)
    assert ("unexpected-entry", "error", ("diagnose",)) in _conformance(graver.findings)
    result = runner.invoke(app, ["audit", str(journey), "--log", str(log)])
    assert result.exit_code == 1  # an error now fails the audit
    (tmp_path / "cyclemap.toml").write_text("[rules.unused-transition]\nmax = 1\n", "utf-8")
    broken = runner.invoke(app, ["audit", str(journey), "--log", str(log)])
    assert broken.exit_code == 2
    assert "`max` is not an option of `unused-transition`" in broken.stderr


def test_a_step_can_allow_a_log_rule(tmp_path: Path) -> None:
    journey, log = _setup(tmp_path)
    text = journey.read_text(encoding="utf-8").replace(
        "  - {id: expert, stage: s, team: n2,",
        "  - {id: expert, stage: s, team: n2, allow: {unvisited-step: only in winter},",
    )
    journey.write_text(text, encoding="utf-8")
    found = _conformance(audit([journey], log=log).findings)
    assert ("unvisited-step", "info", ("billing-desk",)) in found
    assert ("unvisited-step", "info", ("expert",)) not in found


def test_rules_and_explain_know_the_log_rules() -> None:
    assert LOG_RULE_NAMES == (
        "unmapped-transition",
        "unused-transition",
        "unvisited-step",
        "unexpected-entry",
    )
    listed = runner.invoke(app, ["rules"]).stdout
    assert all(name in listed for name in LOG_RULE_NAMES)
    explained = runner.invoke(app, ["explain", "unmapped-transition"])
    assert explained.exit_code == 0
    assert "audit FILE --log LOG" in explained.stdout


def test_diff_reports_the_conformance_findings_a_change_brings(tmp_path: Path) -> None:
    """With --log and --diff, the map at the base revision is compared with the same log, so
    only the disagreements the change brings are new, and those it settles are fixed."""
    import subprocess

    journey, log = _setup(tmp_path)
    git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    text = journey.read_text(encoding="utf-8")
    text = text.replace(  # maps the path the log shows, and adds one nobody takes
        "  - {id: fixed,",
        "  - {id: callback, stage: s, team: n1, next: [{to: fixed}]}\n  - {id: fixed,",
    ).replace("{to: expert, share: 0.1}]", "{to: expert, share: 0.1}, {to: call}]")
    text = text.replace(
        "{id: billing-desk, stage: s, team: bill, next: [{to: diagnose}, {to: expert}]}",
        "{id: billing-desk, stage: s, team: bill, next: [{to: callback}, {to: expert}]}",
    )
    journey.write_text(text, encoding="utf-8")
    result = audit([journey], log=log, diff="HEAD", select=list(LOG_RULE_NAMES))
    assert result.problems == []
    assert [(f.rule, f.steps) for f in result.findings] == [("unvisited-step", ("callback",))]
    assert result.comparison is not None
    assert [entry["rule"] for entry in result.comparison.fixed] == ["unmapped-transition"]
