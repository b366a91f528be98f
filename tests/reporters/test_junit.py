"""JUnit XML: parsed back with ElementTree and compared with the findings it reports."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from cyclemap import validate
from cyclemap.engine import audit, to_result
from cyclemap.errors import Problem
from cyclemap.findings import AuditResult, FailOn, FileReport, Severity
from cyclemap.reporters import render
from cyclemap.reporters.junit import xml_text
from tests.reporters.conftest import (
    BROKEN_JOURNEY,
    HOSTILE,
    finding,
    hostile_result,
    result_of,
    write_journey,
)


def parse(result: AuditResult) -> ET.Element:
    text = render(result, "junit")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == "testsuites"
    (suite,) = root
    assert suite.tag == "testsuite"
    cases = suite.findall("testcase")
    assert len(cases) == len(suite)
    names = [case.get("name") for case in cases]
    assert len(set(names)) == len(names), "GitLab drops test cases with the same name"
    failed = sum(case.find("failure") is not None for case in cases)
    errored = sum(case.find("error") is not None for case in cases)
    skipped = sum(case.find("skipped") is not None for case in cases)
    for element in (root, suite):
        assert element.get("tests") == str(len(cases))
        assert element.get("failures") == str(failed)
        assert element.get("errors") == str(errored)
        assert element.get("time") == "0"
    assert suite.get("skipped") == str(skipped)
    return root


def test_examples_audit_maps_findings_to_failures(examples_result: AuditResult) -> None:
    root = parse(examples_result)
    suite = root[0]
    assert root.get("name") == "cyclemap"
    assert suite.get("name") == "cyclemap audit"
    cases = {case.get("name"): case for case in suite.findall("testcase")}
    assert set(cases) >= {report.file for report in examples_result.reports}
    for report in examples_result.reports:
        case = cases[report.file]
        assert case.get("file") == report.file
        assert case.get("classname") == f"cyclemap.{report.journey}"
        failing = [f for f in report.findings if f.severity is Severity.ERROR]
        failures = case.findall("failure")
        assert [(f.get("type"), f.get("message")) for f in failures] == [
            (f.rule, f.message) for f in failing
        ]
        for element, found in zip(failures, failing, strict=True):
            assert (element.text or "").startswith(
                f"{found.file}:{found.line}:{found.column}: error: {found.message}"
            )
        out = case.findtext("system-out") or ""
        below = [f for f in report.findings if f.severity is not Severity.ERROR]
        assert out.count("\n") >= len(below)
        for found in below:
            assert f"{found.file}:{found.line}:{found.column}: {found.severity.value}: " in out
    total = sum(len(case.findall("failure")) for case in cases.values())
    assert total == sum(f.severity is Severity.ERROR for f in examples_result.findings) > 0
    skipped = [case for case in cases.values() if case.find("skipped") is not None]
    assert len(skipped) == len(examples_result.skipped)


@pytest.mark.parametrize(
    ("fail_on", "failing"),
    [(FailOn.INFO, 3), (FailOn.WARNING, 2), (FailOn.ERROR, 1), (FailOn.NEVER, 0)],
)
def test_fail_on_decides_what_fails(fail_on: FailOn, failing: int) -> None:
    result = result_of(
        finding("e", severity=Severity.ERROR),
        finding("w", severity=Severity.WARNING, line=4),
        finding("i", severity=Severity.INFO, line=5),
        fail_on=fail_on,
    )
    (case,) = parse(result)[0]
    assert len(case.findall("failure")) == failing
    out = case.findtext("system-out") or ""
    assert len(out.splitlines()) == 2 * (3 - failing)  # each with its steps line


def test_invalid_journey_fails_with_each_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = write_journey(tmp_path, BROKEN_JOURNEY, "broken.journey.yaml")
    for result, command in ((audit([path]), "audit"), (to_result(validate([path])), "validate")):
        root = parse(result)
        assert root[0].get("name") == f"cyclemap {command}"
        (case,) = root[0]
        assert case.get("classname") == "cyclemap.broken"
        (failure,) = case.findall("failure")
        assert failure.get("type") == "invalid-journey"
        assert (failure.text or "").startswith("broken.journey.yaml:9:23: error: `shar`")
        assert root.get("failures") == "1"


def test_unreadable_path_is_an_error() -> None:
    missing = Problem("gone.yaml", 0, 0, "", "no such file or folder")
    root = parse(result_of(finding(), failures=(missing,)))
    assert root.get("errors") == "1"
    (error,) = root.iter("error")
    assert error.get("type") == "unreadable"
    assert error.text == "gone.yaml: error: no such file or folder"


def test_control_characters_and_hostile_text_still_parse() -> None:
    root = parse(hostile_result())
    assert "\x01" not in xml_text(HOSTILE)
    # Attributes keep line breaks (ElementTree writes them as character references).
    messages = [element.get("message") for element in root.iter("failure")]
    assert messages == [xml_text(HOSTILE)] * 2
    text = "".join(root.itertext())
    assert "<script>alert(1)</script>" in text
    assert "😀" in text and "שלום" in text


def test_lone_surrogates_and_forbidden_characters_are_replaced() -> None:
    assert xml_text("a\x00b\x0bc\ud800d\ufffee\ttab") == "a\ufffdb\ufffdc\ufffdd\ufffde\ttab"
    result = result_of(finding("x\udcff\x1fy", file="a\udcff.yaml"))
    (case,) = parse(result)[0]
    assert case.get("name") == "a\ufffd.yaml"


def test_duplicate_names_are_impossible() -> None:
    report = FileReport("same.yaml", journey="same", findings=(finding(file="same.yaml"),))
    failure = Problem("same.yaml", 0, 0, "", "cannot read")
    result = AuditResult((report, replace(report), replace(report)), failures=(failure,))
    names = [case.get("name") for case in parse(result)[0]]
    assert Counter(names) == Counter(
        ["same.yaml", "same.yaml (2)", "same.yaml (3)", "same.yaml (4)"]
    )


def test_same_input_same_bytes(examples_result: AuditResult) -> None:
    assert render(examples_result, "junit") == render(examples_result, "junit")


def test_empty_run_is_a_valid_document() -> None:
    root = parse(result_of())
    assert root.get("tests") == "0"
