"""A summary for a pull-request comment or a job summary (GitHub-flavoured markdown).

A heading, a one-line verdict (counts per severity, invalid files, exit status), then one table
of findings, errors first, then warnings, then info (each in file, line, rule order), with
severity, rule, `file:line`, message and steps. Invalid files and unreadable paths are listed
with their errors above it. Past 50 rows the rest of the table folds into a `<details>`
section. The table keeps to a character budget well under GitHub's 65,536-character limit for
a comment: warnings and info past it are left out and counted, but every error is always
listed (past the budget in a short row: the message cut, no steps).

User text is rendered as text, never as markup: `&`, `<`, `>`, backticks and backslashes become
HTML entities, `*_[]~` are backslash-escaped, `|` is `\\|` (a cell can never split) and line
breaks become spaces. Text a message puts in backticks is shown as `<code>` with the same
escaping, so a step id containing a backtick cannot open or close a code span. Control
characters and bidi overrides (which could reorder the rest of a row) become U+FFFD.
`@name` and `#123` get a zero-width space after the sign, so a comment neither pings people nor
links (and cross-references) issues: drop-off messages say "#1 of 2".
"""

from __future__ import annotations

from cyclemap.errors import Problem
from cyclemap.findings import AuditResult, Finding, Severity
from cyclemap.reporters.common import ReportOptions, advice
from cyclemap.reporters.markdown_text import code, escape, inline
from cyclemap.reporters.text import files_count, journeys_count, severity_count
from cyclemap.util.i18n import _, ngettext
from cyclemap.util.text import listing

__all__ = ["code", "escape", "inline", "render"]

SHOWN = 50
"""Rows shown before the rest folds into `<details>`."""
BUDGET = 60_000
"""Characters of table rows at most (errors excepted); GitHub refuses comments over 65,536."""
SHORT = 100
"""Characters of an error's message kept in a short row."""

_ICONS = {Severity.ERROR: "🔴", Severity.WARNING: "🟡", Severity.INFO: "🔵"}


def _where(file: str, line: int, column: int = 0) -> str:
    return code(f"{file}:{line}" + (f":{column}" if column else "") if line else file)


def _header() -> str:
    names = (_("Severity"), _("Rule"), _("Location"), _("Message"), _("Steps"))
    return "| " + " | ".join(names) + " |\n| --- | --- | --- | --- | --- |"


def _row(finding: Finding) -> str:
    steps = " → ".join(code(step) for step in finding.steps)
    cells = (
        f"{_ICONS[finding.severity]} {finding.severity.label}",
        code(finding.rule),
        _where(finding.file, finding.line),
        inline(finding.message),
        steps,
    )
    return "| " + " | ".join(cells) + " |"


def _verdict(result: AuditResult) -> str:
    counts = result.counts()
    failed = result.exit_code != 0
    parts: list[str] = []
    if result.audited:
        parts.append(
            ", ".join(severity_count(counts[severity.value], severity) for severity in Severity)
        )
    journeys = sum(report.kind == "journey" for report in result.reports)
    checked = ngettext(
        "{files} checked ({journeys})", "{files} checked ({journeys})", len(result.reports)
    )
    parts.append(
        checked.format(files=files_count(len(result.reports)), journeys=journeys_count(journeys))
    )
    if counts["invalid"]:
        invalid = ngettext("{count} invalid", "{count} invalid", counts["invalid"])
        parts.append(invalid.format(count=counts["invalid"]))
    if result.failures:
        unreadable = ngettext("{count} unreadable", "{count} unreadable", len(result.failures))
        parts.append(unreadable.format(count=len(result.failures)))
    status = "❌ **" + _("Failed") + "**" if failed else "✅ **" + _("Passed") + "**"
    if result.audited:
        verdict = _("{status}: {parts} (exit {code}; fails on `{severity}`)")
    else:
        verdict = _("{status}: {parts} (exit {code})")
    return verdict.format(
        status=status,
        parts="; ".join(parts),
        code=result.exit_code,
        severity=result.fail_on.value,
    )


def _problem_item(problem: Problem) -> str:
    item = f"- {_where(problem.file, problem.line, problem.column)} {inline(problem.coded)}"
    if not advice(problem):
        return item
    return item + " — " + _("hint: {hint}").format(hint=inline(advice(problem)))


def _invalid_section(result: AuditResult) -> list[str]:
    lines: list[str] = []
    if result.failures:
        lines += ["### " + _("Could not read"), ""]
        lines += [_problem_item(failure) for failure in result.failures]
        lines.append("")
    invalid = [report for report in result.reports if not report.valid]
    if invalid:
        lines += ["### " + _("Invalid files"), ""]
        for report in invalid:
            count = severity_count(len(report.problems), Severity.ERROR)
            lines.append(f"- **{escape(report.file)}** ({count})")
            lines += ["  " + _problem_item(problem) for problem in sorted(report.problems)]
        lines.append("")
    return lines


def _short_row(finding: Finding) -> str:
    """An error's row once the budget is spent: the message cut short, the steps left out."""
    message = finding.message if len(finding.message) <= SHORT else finding.message[:SHORT] + "…"
    cells = (
        f"{_ICONS[finding.severity]} {finding.severity.label}",
        code(finding.rule),
        _where(finding.file, finding.line),
        inline(message),
        "…" if finding.steps else "",
    )
    return "| " + " | ".join(cells) + " |"


def _findings_section(result: AuditResult) -> list[str]:
    findings = sorted(result.findings, key=lambda found: (-found.severity.rank, found.sort_key))
    if not findings:
        checked = _("no journey files found") if not result.reports else _("nothing to fix here")
        return [_("**No findings**: {why}.").format(why=checked), ""]
    rows, used = [], 0
    left_out: dict[Severity, int] = dict.fromkeys(Severity, 0)
    for finding in findings:
        row = _row(finding)
        if used + len(row) + 1 > BUDGET:
            if finding.severity is not Severity.ERROR:
                left_out[finding.severity] += 1
                continue
            row = _short_row(finding)  # every error is listed, however many
        used += len(row) + 1
        rows.append(row)
    header = _header()
    lines = ["### " + _("Findings"), "", header, *rows[:SHOWN], ""]
    if len(rows) > SHOWN:
        hidden = len(rows) - SHOWN
        more = ngettext("{count} more finding", "{count} more findings", hidden).format(
            count=hidden
        )
        lines += ["<details>", f"<summary>{more}</summary>", "", header, *rows[SHOWN:], ""]
        lines += ["</details>", ""]
    if any(left_out.values()):
        parts = [severity_count(count, severity) for severity, count in left_out.items() if count]
        lines += [
            _(
                "{counts} not shown here (every error is): run `cyclemap audit` for the full list."
            ).format(counts=listing(parts)),
            "",
        ]
    return lines


def _comparison_section(result: AuditResult) -> list[str]:
    """In pull-request mode, what the findings were compared with, and what got fixed."""
    comparison = result.comparison
    if comparison is None:
        return []
    lines = [
        _("Only new findings: compared with {against}, {summary}.").format(
            against=code(comparison.against), summary=escape(comparison.summary())
        ),
        "",
    ]
    if comparison.invalid_files:
        files = ", ".join(code(file) for file in comparison.invalid_files)
        not_checked = ngettext(
            "{files} does not validate, so nothing in it counts as fixed or new; fix the errors "
            "below first.",
            "{files} do not validate, so nothing in them counts as fixed or new; fix the errors "
            "below first.",
            len(comparison.invalid_files),
        ).format(files=files)
        lines += ["⚠️ **" + _("Not checked") + "**: " + not_checked, ""]
    for entry in comparison.fixed:
        lines.append(
            "- "
            + _("fixed: {journey}: {message} ({rule})").format(
                journey=escape(str(entry.get("journey"))),
                message=inline(str(entry.get("message"))),
                rule=code(str(entry.get("rule"))),
            )
        )
    return [*lines, ""] if comparison.fixed else lines


def render(result: AuditResult, options: ReportOptions) -> str:
    title = "cyclemap audit" if result.audited else "cyclemap validate"
    lines = [f"## {title}", "", _verdict(result), ""]
    lines += _comparison_section(result)
    lines += _invalid_section(result)
    if result.audited:
        lines += _findings_section(result)
    elif not result.problems and not result.failures:
        lines += [_("No errors: every file is a valid journey."), ""]
    if options.customers is not None:
        from cyclemap.reporters.compare_markdown import section

        lines += section(options.customers)
    return "\n".join(lines).rstrip("\n") + "\n"
