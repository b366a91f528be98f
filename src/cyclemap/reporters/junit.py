"""JUnit XML for CI test dashboards (GitLab, Jenkins, Azure DevOps, CircleCI, ...).

`testsuites > testsuite > testcase`, one test case per checked file, named by its path (unique:
GitLab drops test cases with the same name) in class `cyclemap.<journey id or file stem>`.
The mapping follows the exit code, so the dashboard and the job never disagree:

- a finding at or above `--fail-on` is a `<failure type="<rule>">` of its file's test case;
- a finding below `--fail-on` does not fail the build, so it does not fail the test either: it
  is listed in the test case's `<system-out>`, which dashboards show beside a passed test;
- each validation problem of an invalid file is a `<failure type="invalid-journey">` (an
  invalid file makes `validate` and `audit` exit 1, like a failing finding);
- a path that could not be read is a test case with an `<error type="unreadable">` (exit 2:
  the check could not run at all);
- a YAML file skipped because it is not a journey is a `<skipped>` test case.

`failures` and `errors` count test cases, as JUnit does, not `<failure>` elements. Times are 0:
the same input gives the same bytes. Characters XML 1.0 forbids (control characters, lone
surrogates, U+FFFE/U+FFFF) become U+FFFD, since ElementTree writes them raw and the file would
then not parse.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import PurePosixPath

from cyclemap.errors import Problem
from cyclemap.findings import AuditResult, FileReport, Finding
from cyclemap.reporters import ReportOptions

_FORBIDDEN = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """`text` with every character XML 1.0 does not allow replaced by U+FFFD."""
    return _FORBIDDEN.sub("\ufffd", text)


def _element(parent: ET.Element, tag: str, text: str = "", **attributes: str) -> ET.Element:
    element = ET.SubElement(
        parent, tag, {key: xml_text(value) for key, value in attributes.items()}
    )
    if text:
        element.text = xml_text(text)
    return element


def _where(file: str, line: int, column: int) -> str:
    return f"{file}:{line}:{column}" if line else file


def _finding_line(finding: Finding) -> str:
    where = _where(finding.file, finding.line, finding.column)
    line = f"{where}: {finding.severity.value}: {finding.message} [{finding.rule}]"
    if finding.steps:
        line += "\nsteps: " + " -> ".join(finding.steps)
    return line


def _problem_line(problem: Problem) -> str:
    line = f"{_where(problem.file, problem.line, problem.column)}: error: {problem.message}"
    return line + (f"\nhint: {problem.hint}" if problem.hint else "")


class _Names:
    """Test case names made unique (a second `a.yaml` becomes `a.yaml (2)`)."""

    def __init__(self) -> None:
        self._seen: set[str] = set()

    def __call__(self, name: str) -> str:
        candidate, count = name, 1
        while candidate in self._seen:
            count += 1
            candidate = f"{name} ({count})"
        self._seen.add(candidate)
        return candidate


def _case(suite: ET.Element, names: _Names, file: str, journey: str | None = None) -> ET.Element:
    stem = journey or PurePosixPath(file).name.split(".")[0] or "file"
    return _element(
        suite,
        "testcase",
        classname=f"cyclemap.{stem}",
        name=names(file),
        file=file,
        time="0",
    )


def _report_case(suite: ET.Element, names: _Names, report: FileReport, result: AuditResult) -> bool:
    """The test case of one checked file; whether it failed."""
    case = _case(suite, names, report.file, report.journey)
    failed = False
    for problem in sorted(report.problems):
        _element(
            case, "failure", _problem_line(problem), message=problem.message, type="invalid-journey"
        )
        failed = True
    below: list[str] = []
    for finding in sorted(report.findings, key=lambda finding: finding.sort_key):
        if result.fail_on.fails(finding.severity):
            _element(
                case, "failure", _finding_line(finding), message=finding.message, type=finding.rule
            )
            failed = True
        else:
            below.append(_finding_line(finding))
    if below:
        _element(case, "system-out", "\n".join(below) + "\n")
    return failed


def render(result: AuditResult, options: ReportOptions) -> str:
    command = "audit" if result.audited else "validate"
    root = ET.Element("testsuites", {"name": "cyclemap"})
    suite = _element(root, "testsuite", name=f"cyclemap {command}")
    names = _Names()
    failures = errors = 0
    for failure in result.failures:
        case = _case(suite, names, failure.file)
        _element(case, "error", _problem_line(failure), message=failure.message, type="unreadable")
        errors += 1
    for report in result.reports:
        failures += _report_case(suite, names, report, result)
    for skipped in result.skipped:
        case = _case(suite, names, skipped.file)
        _element(case, "skipped", message=skipped.reason)
    tests = len(result.failures) + len(result.reports) + len(result.skipped)
    counts = {"tests": str(tests), "failures": str(failures), "errors": str(errors)}
    root.attrib.update({**counts, "time": "0"})
    suite.attrib.update({**counts, "skipped": str(len(result.skipped)), "time": "0"})
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
