"""Markdown: the table is parsed back the way GitHub splits rows into cells."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cyclemap.engine import audit
from cyclemap.errors import Problem
from cyclemap.findings import AuditResult, FileReport, Severity
from cyclemap.reporters import markdown, render
from tests.reporters.conftest import (
    BROKEN_JOURNEY,
    HOSTILE,
    finding,
    hostile_result,
    result_of,
    write_journey,
)

CELL_SPLIT = re.compile(r"(?<!\\)\|")
HEADER = "| Severity | Rule | Location | Message | Steps |"


def rows(text: str) -> list[list[str]]:
    """The cells of every table body row (header and delimiter rows left out)."""
    found = []
    for line in text.splitlines():
        if not line.startswith("|") or line == HEADER or line.startswith("| ---"):
            continue
        cells = CELL_SPLIT.split(line)
        assert cells[0] == "" and cells[-1] == "", line
        found.append([cell.strip() for cell in cells[1:-1]])
    return found


def test_one_row_per_finding(examples_result: AuditResult) -> None:
    text = render(examples_result, "markdown")
    assert text.startswith("## cyclemap audit\n")
    table = rows(text)
    # Errors first, then warnings, then info; in file, line, rule order within each.
    findings = sorted(examples_result.findings, key=lambda f: (-f.severity.rank, f.sort_key))
    assert len(table) == len(findings) > 0
    for cells, found in zip(table, findings, strict=True):
        assert len(cells) == 5
        assert cells[0].endswith(found.severity.value)
        assert cells[1] == f"<code>{markdown.escape(found.rule)}</code>"
        assert cells[2] == f"<code>{markdown.escape(found.file)}:{found.line}</code>"
        assert cells[4].count("<code>") == len(found.steps)
    counts = examples_result.counts()
    verdict = text.splitlines()[2]
    assert verdict.startswith("❌ **Failed**")
    assert (
        f"{counts['error']} errors, {counts['warning']} warnings, {counts['info']} info" in verdict
    )
    assert "exit 1" in verdict


def test_hostile_text_cannot_break_the_table() -> None:
    hostile_steps = finding(HOSTILE, steps=(HOSTILE, "b`c"), line=9)
    result = hostile_result()
    result = AuditResult(
        (*result.reports, *result_of(hostile_steps).reports),
        failures=result.failures,
        skipped=result.skipped,
    )
    text = render(result, "markdown")
    table = rows(text)
    assert len(table) == len(result.findings) == 4
    assert all(len(cells) == 5 for cells in table)
    assert "<script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "\x01" not in text and "\x1b" not in text and "\r" not in text
    assert "\u202e" not in text and "שלום" in text and "😀" in text
    for line in text.splitlines():
        if line.startswith("|") or line.startswith(("- ", "  - ")):
            assert "`" not in line, line  # no code span can open in user text
            assert line.count("<code>") == line.count("</code>"), line
    # The journey's hostile name and the message's lines stay on one line each.
    assert sum(line.startswith("|") for line in text.splitlines()) == 2 + 4


def test_escape() -> None:
    assert markdown.escape("a|b") == "a\\|b"
    assert markdown.escape("\\|") == "&#92;\\|"  # a user backslash cannot cancel the escape
    assert markdown.escape("<b>&`x`") == "&lt;b&gt;&amp;&#96;x&#96;"
    assert markdown.escape("line\r\n  two\nthree") == "line two three"
    assert markdown.escape("*bold* _it_ [link](x) ~~s~~") == (
        "\\*bold\\* \\_it\\_ \\[link\\](x) \\~\\~s\\~\\~"
    )
    assert markdown.inline("step `a|b` here") == "step <code>a\\|b</code> here"
    assert markdown.escape("#1 of 2, @team, a#b") == "#\u200b1 of 2, @\u200bteam, a#\u200bb"
    assert markdown.inline("one ` unpaired") == "one &#96; unpaired"


def test_invalid_files_are_listed_with_their_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = write_journey(tmp_path, BROKEN_JOURNEY, "broken.journey.yaml")
    missing = Problem("gone.yaml", 0, 0, "", "no such file or folder")
    broken = audit([path])
    result = AuditResult(broken.reports, failures=(missing,))
    text = render(result, "markdown")
    assert "### Invalid files" in text
    assert "- **broken.journey.yaml** (1 error)" in text
    assert "  - <code>broken.journey.yaml:9:23</code> <code>shar</code> is not a field" in text
    assert "### Could not read\n\n- <code>gone.yaml</code> no such file or folder" in text
    assert "❌ **Failed**" in text
    assert "1 invalid" in text and "1 unreadable" in text and "(exit 2;" in text


def test_no_findings_is_said_clearly() -> None:
    text = render(result_of(), "markdown")
    assert "**No findings**: no journey files found." in text
    assert "✅ **Passed**" in text
    assert rows(text) == []
    clean = render(AuditResult((FileReport("a.yaml", journey="a"),)), "markdown")
    assert "**No findings**: nothing to fix here." in clean
    assert "1 file checked (1 journey)" in clean
    validated = render(result_of(audited=False), "markdown")
    assert validated.startswith("## cyclemap validate\n")
    assert "No errors" in validated and "Findings" not in validated


def test_many_findings_fold_into_details() -> None:
    many = [finding(f"finding {at}", line=at, steps=(f"s{at}",)) for at in range(1, 61)]
    text = render(result_of(*many), "markdown")
    assert len(rows(text)) == 60
    before, after = text.split("<details>")
    assert len(rows(before)) == 50
    assert len(rows(after)) == 10
    assert "<summary>10 more findings</summary>" in after
    assert after.rstrip().endswith("</details>")


def test_budget_keeps_the_comment_small(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(markdown, "BUDGET", 2000)
    many = [finding("x" * 100, line=at, severity=Severity.WARNING) for at in range(1, 101)]
    text = render(result_of(*many), "markdown")
    shown = len(rows(text))
    assert 0 < shown < 100
    assert f"{100 - shown} more warnings not shown here" not in text
    assert f"{100 - shown} warnings not shown here (every error is)" in text


def test_every_error_is_listed_first_however_many_findings() -> None:
    """Issue 14: 150 journeys with 750 findings showed only 40 of their 150 errors."""
    many = []
    for number in range(150):
        file = f"journeys/j{number:03}.journey.yaml"
        many.append(finding("e " + "x" * 150, file=file, line=40))
        for line, severity in ((10, Severity.WARNING), (20, Severity.WARNING), (30, Severity.INFO)):
            many.append(finding("w " + "y" * 300, file=file, line=line, severity=severity))
        many.append(finding("i " + "z" * 300, file=file, line=50, severity=Severity.INFO))
    text = render(result_of(*many), "markdown")
    assert len(text) < 65_536
    table = rows(text)
    severities = [cells[0].split()[-1] for cells in table]
    assert severities.count("error") == 150
    assert severities == sorted(severities, key=["error", "warning", "info"].index)
    shown_files = {cells[2] for cells in table if cells[0].endswith("error")}
    assert len(shown_files) == 150
    warnings, infos = severities.count("warning"), severities.count("info")
    assert warnings + infos < 600  # the rest did not fit
    assert f"{300 - warnings} warnings and {300 - infos} info not shown here (every error is)" in (
        text
    )


def test_errors_past_the_budget_get_short_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(markdown, "BUDGET", 1000)
    errors = [finding("e" * 300, line=at) for at in range(1, 21)]
    text = render(result_of(*errors, finding("w", severity=Severity.WARNING)), "markdown")
    table = rows(text)
    assert len(table) == 20
    assert table[-1][3] == "e" * markdown.SHORT + "…" and table[-1][4] == "…"
    assert "1 warning not shown here (every error is)" in text


def test_same_input_same_bytes(examples_result: AuditResult) -> None:
    assert render(examples_result, "markdown") == render(examples_result, "markdown")
