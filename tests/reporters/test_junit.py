"""JUnit XML: parsed back, checked against the structure Jenkins reads, and compared with the
findings it reports.

`check_jenkins_structure` writes down, as checks, the structure of `junit-10.xsd`, the schema
Jenkins' xUnit plugin validates JUnit reports with (jenkinsci/xunit-plugin,
`src/main/resources/org/jenkinsci/plugins/xunit/types/model/xsd/junit-10.xsd`, MIT licence):
which elements may hold which, which attributes each may carry and which are required, and the
pattern of `time`. The one attribute it does not list, `file` on a test case, is the one GitLab
reads, kept on purpose. Jenkins also reads only the first `<failure>` of a test case, so each
test case here holds at most one.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from cyclemap import validate
from cyclemap.engine import audit, to_result
from cyclemap.errors import Problem
from cyclemap.findings import AuditResult, FailOn, FileReport, Severity, SkippedFile
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

SUREFIRE_TIME = re.compile(r"(([0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(\.[0-9]*)?")
SUITES_ATTRIBUTES = {"name", "time", "tests", "failures", "errors"}
SUITE_REQUIRED = {"name", "tests", "failures", "errors"}
SUITE_ATTRIBUTES = SUITE_REQUIRED | {
    "group",
    "time",
    "skipped",
    "timestamp",
    "hostname",
    "id",
    "package",
    "file",
    "log",
    "url",
}
SUITE_CHILDREN = {"testsuite", "properties", "testcase", "system-out", "system-err"}
CASE_ATTRIBUTES = {"name", "time", "classname", "group", "file"}  # `file`: GitLab's, kept
CASE_CHILDREN = {
    "skipped",
    "error",
    "failure",
    "rerunFailure",
    "rerunError",
    "flakyFailure",
    "flakyError",
    "system-out",
    "system-err",
}
OUTCOME_ATTRIBUTES = {"type", "message"}


def check_jenkins_structure(root: ET.Element) -> None:
    """Fails unless `root` has the structure of Jenkins' junit-10.xsd (see the docstring)."""
    assert root.tag == "testsuites"
    assert set(root.attrib) <= SUITES_ATTRIBUTES, set(root.attrib) - SUITES_ATTRIBUTES
    assert SUREFIRE_TIME.fullmatch(root.get("time", "")), root.get("time")
    for suite in root:
        assert suite.tag == "testsuite"
        _check_suite(suite)


def _check_suite(suite: ET.Element) -> None:
    assert SUITE_REQUIRED <= set(suite.attrib) <= SUITE_ATTRIBUTES, suite.attrib
    assert SUREFIRE_TIME.fullmatch(suite.get("time", "")), suite.get("time")
    for child in suite:
        assert child.tag in SUITE_CHILDREN, child.tag
        if child.tag == "testsuite":
            _check_suite(child)
        elif child.tag == "testcase":
            assert "name" in child.attrib
            assert set(child.attrib) <= CASE_ATTRIBUTES, child.attrib
            for part in child:
                assert part.tag in CASE_CHILDREN, part.tag
                assert not list(part), "outcomes and outputs hold text only"
                if part.tag in ("failure", "error", "skipped"):
                    assert set(part.attrib) <= OUTCOME_ATTRIBUTES, part.attrib
            # Jenkins reads the first failure or error of a test case only.
            assert len([p for p in child if p.tag in ("failure", "error", "skipped")]) <= 1


def parse(result: AuditResult) -> ET.Element:
    """The report parsed, checked for structure, unique names and counts that add up."""
    text = render(result, "junit")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ET.fromstring(text.encode("utf-8"))
    check_jenkins_structure(root)
    every: list[ET.Element] = []
    for suite in root:
        cases = suite.findall("testcase")
        assert len(cases) == len(suite)
        every += cases
        assert suite.get("tests") == str(len(cases))
        assert suite.get("failures") == str(sum(c.find("failure") is not None for c in cases))
        assert suite.get("errors") == str(sum(c.find("error") is not None for c in cases))
        assert suite.get("skipped") == str(sum(c.find("skipped") is not None for c in cases))
        assert suite.get("time") == "0"
        assert {case.get("classname") for case in cases} == {suite.get("name")}
    keys = [(case.get("classname"), case.get("name")) for case in every]
    assert len(set(keys)) == len(keys), "GitLab drops test cases with the same name"
    assert root.get("tests") == str(len(every))
    assert root.get("failures") == str(sum(c.find("failure") is not None for c in every))
    assert root.get("errors") == str(sum(c.find("error") is not None for c in every))
    return root


def cases_of(root: ET.Element) -> list[ET.Element]:
    return [case for suite in root for case in suite.findall("testcase")]


def test_the_structure_check_has_teeth() -> None:
    root = parse(result_of(finding()))
    case = cases_of(root)[0]
    ET.SubElement(case, "failure", {"type": "x"})  # a second failure Jenkins would not read
    with pytest.raises(AssertionError):
        check_jenkins_structure(root)
    bad = ET.fromstring('<testsuites><testsuite name="x" tests="1"/></testsuites>')
    with pytest.raises(AssertionError):
        check_jenkins_structure(bad)  # `failures` and `errors` are required
    with pytest.raises(AssertionError):
        check_jenkins_structure(ET.fromstring('<testsuites skipped="1"/>'))


def test_examples_audit_gives_one_test_case_per_finding(examples_result: AuditResult) -> None:
    root = parse(examples_result)
    assert root.get("name") == "cyclemap audit"
    suites = {suite.get("name"): suite for suite in root}
    assert set(suites) >= {report.file for report in examples_result.reports}
    for report in examples_result.reports:
        cases = suites[report.file].findall("testcase")
        assert all(case.get("file") == report.file for case in cases)
        if not report.findings:
            assert [case.get("name") for case in cases] == ["clean"]
            assert cases[0].find("failure") is None
            continue
        ordered = sorted(report.findings, key=lambda found: found.sort_key)
        assert len(cases) == len(ordered)
        for case, found in zip(cases, ordered, strict=True):
            assert case.get("name", "").startswith(f"{found.rule} {found.line}:{found.column}")
            failure = case.find("failure")
            if found.severity is Severity.ERROR:
                assert failure is not None
                assert (failure.get("type"), failure.get("message")) == (found.rule, found.message)
                assert (failure.text or "").startswith(
                    f"{found.file}:{found.line}:{found.column}: error: {found.message}"
                )
            else:
                assert failure is None
                assert (case.findtext("system-out") or "").startswith(
                    f"{found.file}:{found.line}:{found.column}: {found.severity.value}: "
                )
    errors = sum(found.severity is Severity.ERROR for found in examples_result.findings)
    assert root.get("failures") == str(errors) and errors > 0
    skipped = [case for case in cases_of(root) if case.find("skipped") is not None]
    assert len(skipped) == len(examples_result.skipped)


def test_every_error_of_a_journey_is_its_own_failure() -> None:
    """Issue 14: six errors in one test case showed as three in Jenkins, and `failures="3"`."""
    errors = [finding(f"error {n}", line=n + 2) for n in range(6)]
    root = parse(result_of(*errors, finding("w", severity=Severity.WARNING, line=20)))
    assert root.get("tests") == "7"
    assert root.get("failures") == "6"
    assert [case.find("failure") is not None for case in cases_of(root)] == [True] * 6 + [False]


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
    root = parse(result)
    cases = cases_of(root)
    assert len(cases) == 3
    assert root.get("failures") == str(failing)
    passed = [case for case in cases if case.find("failure") is None]
    assert len(passed) == 3 - failing
    for case in passed:  # a passing test case still carries its finding
        assert (case.findtext("system-out") or "").count("\n") == 2  # message, steps


def test_invalid_journey_fails_with_each_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = write_journey(tmp_path, BROKEN_JOURNEY, "broken.journey.yaml")
    for result, command in ((audit([path]), "audit"), (to_result(validate([path])), "validate")):
        root = parse(result)
        assert root.get("name") == f"cyclemap {command}"
        (case,) = cases_of(root)
        assert case.get("classname") == "broken.journey.yaml"
        assert case.get("name") == "invalid-journey 9:23"
        (failure,) = case.findall("failure")
        assert failure.get("type") == "invalid-journey"
        assert (failure.text or "").startswith("broken.journey.yaml:9:23: error: `shar`")
        assert root.get("failures") == "1"


def test_valid_files_pass_in_validate() -> None:
    root = parse(result_of(finding(), audited=False))
    assert [case.get("name") for case in cases_of(root)] == ["peloteo-loop 3:5"]
    clean = AuditResult((FileReport("ok.journey.yaml", journey="ok"),), audited=False)
    assert [case.get("name") for case in cases_of(parse(clean))] == ["valid"]


def test_unreadable_path_is_an_error_and_skipped_files_are_skipped() -> None:
    missing = Problem("gone.yaml", 0, 0, "", "no such file or folder")
    result = result_of(finding(), failures=(missing,))
    result = AuditResult(
        result.reports, failures=result.failures, skipped=(SkippedFile("k8s.yaml", "not ours"),)
    )
    root = parse(result)
    assert root.get("errors") == "1"
    (error,) = root.iter("error")
    assert error.get("type") == "unreadable"
    assert error.text == "gone.yaml: error: no such file or folder"
    (skipped,) = root.iter("skipped")
    assert skipped.get("message") == "not ours"


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
    (case,) = cases_of(parse(result))
    assert case.get("classname") == "a\ufffd.yaml"


def test_duplicate_names_are_impossible() -> None:
    report = FileReport("same.yaml", journey="same", findings=(finding(file="same.yaml"),) * 2)
    failure = Problem("same.yaml", 0, 0, "", "cannot read")
    result = AuditResult((report, report), failures=(failure,))
    names = [case.get("name") for case in cases_of(parse(result))]
    assert Counter(names) == Counter(
        [
            "same.yaml unreadable",
            "peloteo-loop 3:5",
            "peloteo-loop 3:5 (2)",
            "peloteo-loop 3:5 (3)",
            "peloteo-loop 3:5 (4)",
        ]
    )


def test_same_input_same_bytes(examples_result: AuditResult) -> None:
    assert render(examples_result, "junit") == render(examples_result, "junit")


def test_empty_run_is_a_valid_document() -> None:
    root = parse(result_of())
    assert root.get("tests") == "0"
