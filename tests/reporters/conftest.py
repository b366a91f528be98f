"""Shared results for the reporter tests: the examples' audit, and hand-built hostile runs.

Reporters are pure functions of an `AuditResult`, so most tests build one by hand: that is the
only way to get text the loader would refuse (control characters, lone surrogates) in front of
a reporter, which must still produce output its consumer can parse.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from cyclemap.engine import audit
from cyclemap.errors import Problem
from cyclemap.findings import AuditResult, FailOn, FileReport, Finding, Severity, SkippedFile
from tests.conftest import BROKEN_JOURNEY as BROKEN_JOURNEY  # re-exported for these tests
from tests.conftest import EXAMPLES

HOSTILE = (
    "quote \" apostrophe ' back \\ slash\nnew line\r\n<script>alert(1)</script> & | pipe "
    "`tick` ``double`` 😀 emoji שלום \u202e rtl \x01 control \x1b[31m esc\n::error::injected"
)
"""A message or name that tries to break every format at once."""


@pytest.fixture(scope="session")
def examples_result() -> AuditResult:
    return audit([EXAMPLES])


def finding(
    message: str = "a finding",
    *,
    rule: str = "peloteo-loop",
    severity: Severity = Severity.ERROR,
    file: str = "journeys/demo.journey.yaml",
    line: int = 3,
    column: int = 5,
    journey: str = "demo",
    steps: tuple[str, ...] = ("ask", "done"),
) -> Finding:
    return Finding(rule, severity, file, line, column, journey, steps, message)


def result_of(
    *findings: Finding,
    problems: tuple[Problem, ...] = (),
    failures: tuple[Problem, ...] = (),
    fail_on: FailOn = FailOn.ERROR,
    audited: bool = True,
) -> AuditResult:
    """A run with one report per file named by the findings and problems."""
    files = sorted({item.file for item in findings} | {item.file for item in problems})
    reports = tuple(
        FileReport(
            file=file,
            journey=next((item.journey for item in findings if item.file == file), None),
            findings=tuple(item for item in findings if item.file == file),
            problems=tuple(item for item in problems if item.file == file),
        )
        for file in files
    )
    return AuditResult(reports, failures=failures, fail_on=fail_on, audited=audited)


def hostile_result() -> AuditResult:
    """Hostile text in messages, hints, steps' neighbourhood, names and file names."""
    odd_file = "odd %25 dir:a,b/we ird\n::error::x <script>.journey.yaml"
    findings = (
        finding(HOSTILE, file=odd_file, journey="odd", steps=("a", "b")),
        finding(HOSTILE, rule="dead-end", severity=Severity.WARNING, file=odd_file, line=7),
        finding(HOSTILE, rule="unused-definition", severity=Severity.INFO, file=odd_file, steps=()),
    )
    problem = Problem("bad|<b>\udcff.yaml", 2, 3, "steps[0].id", HOSTILE, hint=HOSTILE)
    failure = Problem("missing\n::error::x.yaml", 0, 0, "", "no such file " + HOSTILE)
    result = result_of(*findings, problems=(problem,), failures=(failure,))
    reports = tuple(
        FileReport(
            report.file,
            journey=report.journey,
            name=HOSTILE,
            findings=report.findings,
            problems=report.problems,
        )
        for report in result.reports
    )
    return AuditResult(
        reports,
        failures=result.failures,
        skipped=(SkippedFile("other & <x>.yaml", "not a journey " + HOSTILE),),
    )


def write_journey(folder: Path, text: str, name: str = "demo.journey.yaml") -> Path:
    """Write dedented journey text under `folder`, marked as a repository root."""
    (folder / "cyclemap.toml").write_text("", encoding="utf-8")
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path
