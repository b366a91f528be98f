"""`--write-baseline` records today's findings; `--baseline` then reports only new ones and
says which recorded ones are fixed. Findings are matched by fingerprint, not by line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from cyclemap.cli import app
from cyclemap.engine import audit
from tests.support.repo import (
    LOOP_BACK,
    NO_LOOP_BACK,
    SUPPORT,
    SUPPORT_RULES,
    comparison_line,
    isolate_git,
    move_lines,
    write,
)

runner = CliRunner()
JOURNEY = "s.journey.yaml"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    isolate_git(monkeypatch, tmp_path)
    root = tmp_path / "repo"
    write(root / "cyclemap.toml", "")
    write(root / JOURNEY, SUPPORT)
    monkeypatch.chdir(root)
    return root


def cli(*arguments: str) -> Result:
    return runner.invoke(app, ["audit", *arguments])


def json_audit(*arguments: str) -> tuple[int, dict[str, Any]]:
    result = cli("--format", "json", *arguments)
    return result.exit_code, json.loads(result.stdout)


def write_baseline(repo: Path) -> Path:
    result = cli("--write-baseline", "bl.json", "--format", "json")
    # Recording a baseline accepts today's findings: only invalid files would fail it.
    assert result.exit_code == 0, result.output
    assert "wrote the baseline bl.json (6 findings)" in result.stderr
    return repo / "bl.json"


def test_write_baseline_records_every_finding(repo: Path) -> None:
    baseline = json.loads(write_baseline(repo).read_text("utf-8"))
    assert baseline["cyclemap-baseline"] == 1
    entries = baseline["findings"]
    assert sorted(entry["rule"] for entry in entries) == SUPPORT_RULES
    assert all(entry["journey"] == "soporte" for entry in entries)
    assert all(len(entry["fingerprint"]) >= 16 for entry in entries)
    assert {entry["fingerprint"] for entry in entries} == {
        finding.fingerprint for finding in audit(["."]).findings
    }


def test_with_the_baseline_nothing_is_new(repo: Path) -> None:
    write_baseline(repo)
    code, document = json_audit("--baseline", "bl.json")
    assert code == 0
    assert document["findings"] == []
    assert document["comparison"] == {
        "against": "bl.json",
        "known": 6,
        "fixed": [],
        "not_checked": [],
        "invalid_files": [],
    }
    text = cli("--baseline", "bl.json")
    assert text.exit_code == 0
    assert comparison_line(text.stdout, "bl.json", known=6, fixed=0)
    # The library says the same.
    result = audit(["."], baseline=Path("bl.json"))
    assert result.findings == []
    assert result.comparison is not None and result.comparison.known == 6


def test_moved_lines_and_reordered_steps_are_nothing_new(repo: Path) -> None:
    write_baseline(repo)
    before = {(f.rule, f.line) for f in audit(["."]).findings}
    write(repo / JOURNEY, move_lines(SUPPORT))
    after = {(f.rule, f.line) for f in audit(["."]).findings}
    assert len(after) == 6 and after != before  # the findings really moved
    code, document = json_audit("--baseline", "bl.json")
    assert (code, document["findings"]) == (0, [])
    assert document["comparison"]["known"] == 6
    assert document["comparison"]["fixed"] == []


def test_a_new_finding_is_reported_alone(repo: Path) -> None:
    write_baseline(repo)
    changed = SUPPORT.replace("    team: field\n", "    team: field\n    abandon: 0.3\n")
    assert changed != SUPPORT
    write(repo / JOURNEY, move_lines(changed))
    code, document = json_audit("--baseline", "bl.json", "--fail-on", "warning")
    assert code == 1
    assert [(f["rule"], f["steps"]) for f in document["findings"]] == [
        ("drop-off-point", ["visit"])
    ]
    assert document["comparison"]["known"] == 6
    assert document["comparison"]["fixed"] == []
    text = cli("--baseline", "bl.json")
    assert text.exit_code == 0  # a warning does not fail the default `--fail-on error`
    finding_lines = [line for line in text.stdout.splitlines() if "[" in line and ": " in line]
    assert len(finding_lines) == 1
    assert "step `visit` abandon" in finding_lines[0]
    assert finding_lines[0].endswith("[drop-off-point]")


def test_a_new_journey_with_findings_is_new(repo: Path) -> None:
    write_baseline(repo)
    write(
        repo / "other.journey.yaml",
        SUPPORT.replace("id: soporte", "id: otro").replace("  fax: {name: Fax, kind: other}\n", ""),
    )
    code, document = json_audit("--baseline", "bl.json")
    assert code == 1
    assert {f["journey"] for f in document["findings"]} == {"otro"}
    assert sorted(f["rule"] for f in document["findings"]) == [
        rule for rule in SUPPORT_RULES if rule != "unused-definition"
    ]


def test_fixed_findings_are_listed_in_text_and_json(repo: Path) -> None:
    write_baseline(repo)
    fixed = SUPPORT.replace("  fax: {name: Fax, kind: other}\n", "").replace(
        LOOP_BACK, NO_LOOP_BACK
    )
    write(repo / JOURNEY, fixed)
    code, document = json_audit("--baseline", "bl.json")
    assert code == 0
    assert document["findings"] == []
    comparison = document["comparison"]
    assert comparison["known"] == 4
    assert sorted(comparison["fixed"], key=lambda entry: entry["rule"]) == [
        {
            "rule": "peloteo-loop",
            "journey": "soporte",
            "steps": ["call", "billing-desk"],
            "message": comparison["fixed"][0]["message"],
        },
        {
            "rule": "unused-definition",
            "journey": "soporte",
            "steps": [],
            "message": "channel `fax` is defined but no step uses it",
        },
    ]
    assert comparison["fixed"][0]["message"].startswith("peloteo: customers are bounced between")
    text = cli("--baseline", "bl.json").stdout
    assert comparison_line(text, "bl.json", known=4, fixed=2)
    fixed_lines = [line.strip() for line in text.splitlines() if line.startswith("  fixed: ")]
    assert len(fixed_lines) == 2
    assert "fixed: soporte: channel `fax` is defined but no step uses it  [unused-definition]" in (
        fixed_lines
    )
    assert any(line.endswith("[peloteo-loop]") for line in fixed_lines)


def test_fixed_lists_the_definition_that_was_really_removed(repo: Path) -> None:
    both = SUPPORT.replace(
        "  field: {name: Técnicos}\n", "  field: {name: Técnicos}\n  fax: {name: T}\n"
    )
    write(repo / JOURNEY, both)
    cli("--write-baseline", "bl.json")
    write(repo / JOURNEY, SUPPORT)  # only the unused team `fax` is gone
    _, document = json_audit("--baseline", "bl.json")
    assert document["findings"] == []
    assert [entry["message"] for entry in document["comparison"]["fixed"]] == [
        "team `fax` is defined but no step uses it"
    ]


BROKEN_BASELINES = [
    pytest.param("", id="empty"),
    pytest.param("{not json", id="not-json"),
    pytest.param(b"\xff\xfe\x00garbage", id="not-utf8"),
    pytest.param("{}", id="empty-object"),
    pytest.param('{"cyclemap-baseline": 2, "findings": []}', id="other-version"),
    pytest.param('{"cyclemap-baseline": 1, "findings": {}}', id="findings-not-a-list"),
    pytest.param('{"cyclemap-baseline": 1, "findings": [{"rule": "x"}]}', id="no-fingerprint"),
    pytest.param(
        "[]",
        id="json-list",
    ),
    pytest.param(
        '"a string"',
        id="json-string",
    ),
]


@pytest.mark.parametrize("content", BROKEN_BASELINES)
def test_broken_baseline_exits_2_with_a_clear_message(repo: Path, content: str | bytes) -> None:
    path = repo / "bl.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    result = cli("--baseline", "bl.json")
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.stderr.startswith("bl.json: error: ")
    assert "baseline" in result.stderr
    assert "--write-baseline" in result.stderr  # the hint says how to make a good one


def test_missing_baseline_exits_2(repo: Path) -> None:
    result = cli("--baseline", "nowhere.json")
    assert result.exit_code == 2
    assert "nowhere.json: error: the baseline file does not exist" in result.stderr


BROKEN = SUPPORT.replace(
    "    stage: resolution\n    team: field\n", "    stage: resolution\n    tema: field\n"
)


def test_a_file_that_does_not_validate_is_not_checked_never_fixed(repo: Path) -> None:
    """Issue 14: a broken file used to read "15 fixed" in a pull-request comment."""
    write_baseline(repo)
    assert BROKEN != SUPPORT
    write(repo / JOURNEY, BROKEN)
    code, document = json_audit("--baseline", "bl.json")
    assert code == 1  # the invalid file still fails the run
    comparison = document["comparison"]
    assert comparison["fixed"] == []
    assert sorted(entry["rule"] for entry in comparison["not_checked"]) == SUPPORT_RULES
    assert comparison["invalid_files"] == [JOURNEY]
    text = cli("--baseline", "bl.json").stdout
    comparison_line(
        text, "bl.json", known=0, fixed=0, not_checked=", 6 not checked (1 file does not validate)"
    )
    assert "  fixed: " not in text
    assert f"  not checked: {JOURNEY} does not validate" in text
    markdown = cli("--baseline", "bl.json", "--format", "markdown").stdout
    assert "0 fixed, 6 not checked (1 file does not validate)" in markdown
    assert "- fixed:" not in markdown
    assert "**Not checked**" in markdown


def test_a_journey_left_out_of_the_paths_is_not_fixed_either(repo: Path) -> None:
    write_baseline(repo)
    write(repo / "other" / "clean.journey.yaml", SUPPORT.replace("id: soporte", "id: otro"))
    _, document = json_audit("other", "--baseline", "bl.json")
    assert document["comparison"]["fixed"] == []
    assert len(document["comparison"]["not_checked"]) == 6
    assert document["comparison"]["invalid_files"] == []
    text = cli("other", "--baseline", "bl.json").stdout
    assert "6 not checked (their journeys were not audited)" in text


REROUTED = SUPPORT.replace(
    LOOP_BACK, "next: [{to: recall, share: 0.5}, {to: fixed, share: 0.5}]"
).replace(
    "  - id: visit\n",
    "  - {id: recall, stage: contact, team: n1, next: [{to: billing-desk}, {to: fixed}]}\n"
    "  - id: visit\n",
)


def test_a_loop_rerouted_between_the_same_teams_is_still_there(repo: Path) -> None:
    write_baseline(repo)
    write(repo / JOURNEY, REROUTED)
    every = audit(["."]).findings
    (loop,) = [finding for finding in every if finding.rule == "peloteo-loop"]
    assert "call" not in loop.steps  # the loop now runs through `recall`
    _, document = json_audit("--baseline", "bl.json")
    assert [f["rule"] for f in document["findings"] if f["rule"] == "peloteo-loop"] == []
    assert "peloteo-loop" not in [entry["rule"] for entry in document["comparison"]["fixed"]]


def test_a_loop_between_other_teams_is_new_and_the_old_one_fixed(repo: Path) -> None:
    write_baseline(repo)
    other_teams = SUPPORT.replace(
        LOOP_BACK, "next: [{to: visit, share: 0.5}, {to: fixed, share: 0.5}]"
    ).replace(
        "    team: field\n    next: [{to: fixed}]",
        "    team: field\n    next: [{to: fixed}, {to: billing-desk}]",
    )
    assert other_teams.count("billing-desk}]") == 1
    write(repo / JOURNEY, other_teams)
    _, document = json_audit("--baseline", "bl.json")
    new = [f for f in document["findings"] if f["rule"] == "peloteo-loop"]
    assert [sorted(f["steps"]) for f in new] == [["billing-desk", "visit"]]
    assert [entry["rule"] for entry in document["comparison"]["fixed"]] == ["peloteo-loop"]
