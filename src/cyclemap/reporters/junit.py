"""JUnit XML for CI test dashboards (Jenkins, GitLab, Azure DevOps, CircleCI, ...).

Laid out as ruff and ESLint lay theirs out, in the structure of Jenkins' `junit-10.xsd`:
`testsuites > testsuite` (one per file, named by its path) `> testcase` (one per finding or
problem, `classname` the file, `name` the rule and the place: `peloteo-loop 12:5`). One test
case per problem matters: Jenkins reads only the first `<failure>` of a test case, so several
in one would hide all but the first. The mapping follows the exit code, so the dashboard and
the job never disagree:

- a finding at or above `--fail-on` is a test case with a `<failure type="<rule>">`;
- a finding below `--fail-on` does not fail the build, so its test case passes, carrying the
  finding in its `<system-out>`;
- a valid file with no findings is one passing test case named `clean`;
- each validation problem of an invalid file is a test case with a
  `<failure type="invalid-journey">` (an invalid file makes `validate` and `audit` exit 1);
- a path that could not be read is a test case with an `<error type="unreadable">` (exit 2);
- a YAML file skipped because it is not a journey is a test case with `<skipped>`.

`tests`, `failures`, `errors` and `skipped` count test cases. A class name and test name pair
is unique in a run (GitLab drops test cases that repeat one): a repeat gets ` (2)`. The `file`
attribute GitLab reads is kept on each test case. Test case names are identities, the same in
every language (a dashboard follows a test case by its name from run to run); the text of a
failure is for people and is translated. Times are 0: the same input gives the same
bytes. Characters XML 1.0 forbids (control characters, lone surrogates, U+FFFE/U+FFFF) become
U+FFFD, since ElementTree writes them raw and the file would then not parse.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter

from cyclemap.errors import Problem
from cyclemap.findings import AuditResult, Finding
from cyclemap.reporters.common import ReportOptions, advice
from cyclemap.util.i18n import _, pgettext

_FORBIDDEN = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
INVALID = "invalid-journey"


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


def _finding_text(finding: Finding) -> str:
    where = _where(finding.file, finding.line, finding.column)
    text = f"{where}: {finding.severity.label}: {finding.message} [{finding.rule}]"
    if finding.steps:
        text += "\n" + _("steps: {steps}").format(steps=" -> ".join(finding.steps))
    return text


def _problem_text(problem: Problem) -> str:
    where = _where(problem.file, problem.line, problem.column)
    text = f"{where}: {pgettext('severity', 'error')}: {problem.coded}"
    return text + ("\n" + _("hint: {hint}").format(hint=advice(problem)) if advice(problem) else "")


def _place(line: int, column: int) -> str:
    return f" {line}:{column}" if line else ""


class _Suite:
    """One file's test suite, counting its test cases as they are added."""

    def __init__(self, root: ET.Element, file: str, names: Counter[tuple[str, str]]) -> None:
        self.file = file
        self.names = names
        self.element = _element(root, "testsuite", name=file)
        self.counts: Counter[str] = Counter()

    def case(self, name: str, outcome: str = "", text: str = "", **attributes: str) -> None:
        """A test case; `outcome` failure, error or skipped (empty: passed, `text` its output)."""
        self.names[(self.file, name)] += 1
        count = self.names[(self.file, name)]
        unique = name if count == 1 else f"{name} ({count})"
        case = _element(
            self.element, "testcase", classname=self.file, name=unique, file=self.file, time="0"
        )
        self.counts["tests"] += 1
        if outcome:
            _element(case, outcome, text, **attributes)
            self.counts[outcome] += 1
        elif text:
            _element(case, "system-out", text + "\n")

    def close(self) -> Counter[str]:
        self.element.attrib.update(
            tests=str(self.counts["tests"]),
            failures=str(self.counts["failure"]),
            errors=str(self.counts["error"]),
            skipped=str(self.counts["skipped"]),
            time="0",
        )
        return self.counts


def render(result: AuditResult, options: ReportOptions) -> str:
    root = ET.Element(
        "testsuites", {"name": f"cyclemap {'audit' if result.audited else 'validate'}"}
    )
    names: Counter[tuple[str, str]] = Counter()
    totals: Counter[str] = Counter()
    suites: list[_Suite] = []
    for failure in result.failures:
        suite = _Suite(root, failure.file, names)
        text = _problem_text(failure)
        suite.case(
            f"{failure.file} unreadable", "error", text, message=failure.message, type="unreadable"
        )
        suites.append(suite)
    for report in result.reports:
        suite = _Suite(root, report.file, names)
        for problem in sorted(report.problems):
            suite.case(
                f"{INVALID}{_place(problem.line, problem.column)}",
                "failure",
                _problem_text(problem),
                message=problem.message,
                type=INVALID,
            )
        for finding in sorted(report.findings, key=lambda finding: finding.sort_key):
            name = f"{finding.rule}{_place(finding.line, finding.column)}"
            if result.fail_on.fails(finding.severity):
                suite.case(
                    name,
                    "failure",
                    _finding_text(finding),
                    message=finding.message,
                    type=finding.rule,
                )
            else:
                suite.case(name, text=_finding_text(finding))
        if report.valid and not report.findings:
            suite.case("clean" if result.audited else "valid")
        suites.append(suite)
    for skipped in result.skipped:
        suite = _Suite(root, skipped.file, names)
        suite.case(f"{skipped.file} skipped", "skipped", message=skipped.reason)
        suites.append(suite)
    for suite in suites:
        totals.update(suite.close())
    root.attrib.update(
        tests=str(totals["tests"]),
        failures=str(totals["failure"]),
        errors=str(totals["error"]),
        time="0",
    )
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
