"""SARIF: every document produced here is checked against the official SARIF 2.1.0 schema."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from cyclemap.engine import audit, to_result
from cyclemap.errors import Problem
from cyclemap.findings import AuditResult, Severity
from cyclemap.reporters import ReportOptions, render, sarif
from cyclemap.rules import registry
from tests.conftest import SARIF_SCHEMA
from tests.reporters.conftest import (
    BROKEN_JOURNEY,
    HOSTILE,
    finding,
    hostile_result,
    result_of,
    write_journey,
)

URI = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*")

ORPHAN_JOURNEY = """\
    cyclemap: 1
    journey: {id: demo, name: "😀"}
    stages:
      - {id: contact, name: Contacto}
    steps: [{id: ask, name: 😀😀, stage: contact, entry: true, next: [{to: done}]}, {id: orphan,
      stage: contact, next: [{to: done}]}, {id: done, stage: contact, outcome: success}]
    """
"""`orphan` is unreachable; its finding is on line 5, after two emoji (four UTF-16 units)."""
ORPHAN_COLUMN = ORPHAN_JOURNEY.splitlines()[4].strip().index("{id: orphan") + 1


@pytest.fixture(scope="module")
def validator() -> Any:
    from jsonschema.validators import Draft7Validator, validator_for

    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    # The file declares draft-04; both drafts read the keywords it uses the same way.
    cls = validator_for(schema, default=Draft7Validator)
    cls.check_schema(schema)
    return cls(schema)


@pytest.fixture
def produce(validator: Any) -> Any:
    """Render SARIF, check it against the schema and parse it."""

    def _produce(result: AuditResult) -> dict[str, Any]:
        text = render(result, "sarif", ReportOptions())
        text.encode("utf-8")  # no lone surrogates
        document: dict[str, Any] = json.loads(text)
        errors = sorted(validator.iter_errors(document), key=lambda error: list(error.path))
        assert not errors, [f"{list(error.path)}: {error.message}" for error in errors[:5]]
        for result_ in document["runs"][0]["results"]:
            uri = result_["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            assert URI.fullmatch(uri), uri
        return document

    return _produce


def _results(document: dict[str, Any]) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = document["runs"][0]["results"]
    return results


def _fingerprints(document: dict[str, Any]) -> list[str]:
    return [result["partialFingerprints"][sarif.FINGERPRINT] for result in _results(document)]


def test_examples_audit_is_valid_sarif(produce: Any, examples_result: AuditResult) -> None:
    document = produce(examples_result)
    assert document["version"] == "2.1.0"
    assert document["$schema"]
    run = document["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "cyclemap"
    ids = [rule["id"] for rule in driver["rules"]]
    assert ids == [*registry(), sarif.INVALID_RULE]  # the log rules are in the catalog
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"]
        assert rule["help"]["markdown"] == rule["help"]["text"]
        assert rule["help"]["text"].startswith(f"{rule['id']}: ")
        assert "\n## What it does\n" in rule["help"]["text"]
        # The description is what the rule does, on one line: not a heading, not the title.
        description = rule["fullDescription"]["text"]
        assert description and "\n" not in description and "#" not in description
        if rule["id"] in registry():
            assert description == " ".join(registry()[rule["id"]].sections["What it does"].split())
    findings = examples_result.findings
    results = _results(document)
    assert len(results) == len(findings) > 0
    levels = {"error": "error", "warning": "warning", "info": "note"}
    for result, found in zip(results, findings, strict=True):
        assert result["ruleId"] == found.rule
        assert ids[result["ruleIndex"]] == found.rule
        assert result["level"] == levels[found.severity.value]
        assert result["message"]["text"] == found.message
        location = result["locations"][0]["physicalLocation"]
        assert location["region"]["startLine"] == found.line
        assert result["properties"]["steps"] == list(found.steps)
    assert len(set(_fingerprints(document))) == len(results)


def test_rule_levels_follow_default_severities(produce: Any) -> None:
    driver = produce(result_of())["runs"][0]["tool"]["driver"]
    levels = {rule["id"]: rule["defaultConfiguration"]["level"] for rule in driver["rules"]}
    expected = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
    for name, rule in registry().items():
        assert levels[name] == expected[rule.severity]
    assert levels[sarif.INVALID_RULE] == "error"


def test_same_input_same_bytes(examples_result: AuditResult) -> None:
    first = render(examples_result, "sarif")
    assert first == render(examples_result, "sarif")


def test_fingerprints_survive_line_moves(
    produce: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = write_journey(tmp_path, ORPHAN_JOURNEY)
    before = produce(audit([path]))
    again = produce(audit([path]))
    assert _fingerprints(before) == _fingerprints(again)

    path.write_text("# moved down\n\n# by comments\n" + path.read_text(encoding="utf-8"))
    after = produce(audit([path]))
    assert _fingerprints(after) == _fingerprints(before)
    lines_before = [
        r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in _results(before)
    ]
    lines_after = [
        r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in _results(after)
    ]
    assert lines_after == [line + 3 for line in lines_before]


def test_fingerprints_tell_findings_apart_and_stay_unique(produce: Any) -> None:
    same = finding("loop")
    document = produce(
        result_of(
            same,
            finding("loop", steps=("ask", "other")),
            finding("no steps one", steps=()),
            finding("no steps two", steps=()),
        )
    )
    assert len(set(_fingerprints(document))) == 4
    # A message with figures that change does not change the fingerprint of a finding with steps.
    changed = produce(result_of(finding("loop, now 12% of customers")))
    assert _fingerprints(changed) == _fingerprints(produce(result_of(same)))
    # The very same finding twice still gets two distinct fingerprints.
    twice = _fingerprints(produce(result_of(same, same)))
    assert len(set(twice)) == 2


def test_unicode_columns_become_utf16(
    produce: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = write_journey(tmp_path, ORPHAN_JOURNEY)
    result = audit([path])
    (orphan,) = [found for found in result.findings if found.rule == "unreachable-step"]
    assert (orphan.line, orphan.column) == (5, ORPHAN_COLUMN)
    (sarif_result,) = [r for r in _results(produce(result)) if r["ruleId"] == "unreachable-step"]
    region = sarif_result["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 5, "startColumn": ORPHAN_COLUMN + 2}


def test_a_path_that_does_not_exist_never_gets_a_region(produce: Any) -> None:
    missing = Problem("gone.yaml", 0, 0, "", "no such file or folder")
    document = produce(result_of(finding(file="no/such/file.yaml", column=81), failures=(missing,)))
    for result in _results(document):
        assert "region" not in result["locations"][0]["physicalLocation"]


def test_paths_are_from_the_repository_root_wherever_cyclemap_runs(
    produce: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14: run from a subfolder, the paths were relative to it and GitHub could not
    match them to files."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "journeys").mkdir()
    path = write_journey(tmp_path / "journeys", ORPHAN_JOURNEY)
    monkeypatch.chdir(tmp_path)
    from_root = produce(audit([path.relative_to(tmp_path)]))
    monkeypatch.chdir(tmp_path / "journeys")
    from_inside = produce(audit([path.name]))
    for document in (from_root, from_inside):
        (result,) = _results(document)
        artifact = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert artifact == {"uri": "journeys/demo.journey.yaml", "uriBaseId": "%SRCROOT%"}
        assert "region" in result["locations"][0]["physicalLocation"]
        run = document["runs"][0]
        assert set(run["originalUriBaseIds"]) == {"%SRCROOT%"}
    assert _fingerprints(from_root) == _fingerprints(from_inside)


def test_the_tool_says_where_its_documentation_is(produce: Any) -> None:
    driver = produce(result_of(finding()))["runs"][0]["tool"]["driver"]
    assert driver["informationUri"].startswith("https://")


def test_invalid_journey_is_an_error_result(
    produce: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = write_journey(tmp_path, BROKEN_JOURNEY, "journeys/broken.journey.yaml")
    for result in (audit([path]), to_result(__import__("cyclemap").validate([path]))):
        (found,) = _results(produce(result))
        assert found["ruleId"] == sarif.INVALID_RULE
        assert found["level"] == "error"
        assert "shar" in found["message"]["text"]
        location = found["locations"][0]["physicalLocation"]
        assert location["artifactLocation"] == {
            "uri": "journeys/broken.journey.yaml",
            "uriBaseId": "%SRCROOT%",
        }
        assert location["region"] == {"startLine": 9, "startColumn": 23}


def test_unreadable_path_is_reported(produce: Any) -> None:
    missing = Problem("gone.yaml", 0, 0, "", "no such file or folder")
    document = produce(result_of(failures=(missing,)))
    (found,) = _results(document)
    assert found["ruleId"] == sarif.INVALID_RULE
    assert "region" not in found["locations"][0]["physicalLocation"]
    invocation = document["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert invocation["exitCode"] == 2


def test_path_outside_the_working_folder_is_a_file_uri(produce: Any) -> None:
    document = produce(result_of(finding(file="/elsewhere/a b#c.yaml")))
    artifact = _results(document)[0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": "file:///elsewhere/a%20b%23c.yaml"}


def test_hostile_text_survives_as_valid_json(produce: Any) -> None:
    document = produce(hostile_result())
    results = _results(document)
    messages = [result["message"]["text"] for result in results]
    assert messages.count(HOSTILE) == 3
    assert all(HOSTILE in message for message in messages)
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results]
    # ':' is encoded too: in a relative reference's first segment it would read as a scheme.
    assert "missing%0A%3A%3Aerror%3A%3Ax.yaml" in uris
    assert "bad%7C%3Cb%3E%FF.yaml" in uris  # the undecodable byte comes back as itself


def test_results_are_capped_with_a_notification(
    produce: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sarif, "MAX_RESULTS", 3)
    found = [
        finding("note", severity=Severity.INFO, line=1, steps=("a",)),
        finding("error one", line=2, steps=("b",)),
        finding("warning", severity=Severity.WARNING, line=3, steps=("c",)),
        finding("error two", line=4, steps=("d",)),
        finding("note two", severity=Severity.INFO, line=5, steps=("e",)),
    ]
    document = produce(result_of(*found))
    assert [r["message"]["text"] for r in _results(document)] == [
        "error one",
        "warning",
        "error two",
    ]
    (notification,) = document["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert notification["message"]["text"].startswith("2 of 5 results were left out")


def test_validate_only_run_is_valid_sarif(produce: Any) -> None:
    problem = Problem("a.yaml", 1, 1, "", "bad")
    document = produce(result_of(problems=(problem,), audited=False))
    assert [r["ruleId"] for r in _results(document)] == [sarif.INVALID_RULE]
