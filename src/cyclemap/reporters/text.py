"""The report for people in a terminal.

Every problem and finding is a `file:line:col: severity: message` line (terminals and editors
make those clickable), grouped by file, followed by a hint or the loop drawn with its teams, and
a summary with counts per severity. User text is printed as plain text with control characters
replaced, so a step name can neither inject rich markup nor terminal escape sequences.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterable

from cyclemap.errors import Problem
from cyclemap.findings import AuditResult, FileReport, Finding, Severity
from cyclemap.reporters.common import ReportOptions, advice, see
from cyclemap.reporters.styled import Console, Text
from cyclemap.util.i18n import _, ngettext, pgettext
from cyclemap.util.text import one_line

_STYLES = {
    Severity.ERROR: "bold red",
    Severity.WARNING: "bold yellow",
    Severity.INFO: "bold blue",
}


def clean(text: str) -> str:
    """User text made safe for a terminal: no escape sequences or bidi overrides, one line."""
    return one_line(text)


def console_for(buffer: io.StringIO, *, color: bool, width: int = 200) -> Console:
    """A console writing into `buffer` (rich's, when there is colour or a table to show):
    colours only when asked, no markup or emoji interpretation (user text is printed as it
    is), lines never wrapped below `width`."""
    return Console(
        file=buffer,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        highlight=False,
        emoji=False,
        markup=False,
        soft_wrap=True,
        width=width,
    )


def severity_count(count: int, severity: Severity) -> str:
    """`1 error`, `2 warnings`, `3 info`, in the current language."""
    words = {
        Severity.ERROR: ngettext("{count} error", "{count} errors", count),
        Severity.WARNING: ngettext("{count} warning", "{count} warnings", count),
        Severity.INFO: ngettext("{count} info", "{count} info", count),
    }
    return words[severity].format(count=count)


def files_count(count: int) -> str:
    return ngettext("{count} file", "{count} files", count).format(count=count)


def journeys_count(count: int) -> str:
    return ngettext("{count} journey", "{count} journeys", count).format(count=count)


def _location(file: str, line: int, column: int) -> tuple[str, str]:
    return clean(f"{file}:{line}:{column}") if line else clean(file), "bold"


def _problem_lines(problems: Iterable[Problem]) -> list[Text]:
    lines = []
    for problem in problems:
        lines.append(
            Text.assemble(
                _location(problem.file, problem.line, problem.column),
                ": ",
                (pgettext("severity", "error"), "bold red"),
                ": ",
                clean(problem.message),
                ("  [" + problem.code + "]" if problem.code else "", "dim"),
            )
        )
        if problem.hint:
            lines.append(Text.assemble("    ", (_("hint"), "cyan"), ": ", clean(advice(problem))))
        elif see(problem):
            lines.append(Text.assemble("    ", (_("see"), "cyan"), " ", clean(see(problem))))
    return lines


def _loop_drawing(finding: Finding, teams_of: dict[str, str | None]) -> Text | None:
    if finding.rule != "peloteo-loop" or not finding.steps:
        return None
    walk = [*finding.steps, finding.steps[0]]
    drawing = Text("    ↻ ", style="red")
    for position, step in enumerate(walk):
        if position:
            drawing.append(" → ", style="red")
        drawing.append(clean(step), style="bold")
        team = teams_of.get(step)
        if team:
            drawing.append(f" ({clean(team)})", style="dim")
    return drawing


def _finding_lines(report: FileReport) -> list[Text]:
    lines = []
    for finding in report.findings:
        lines.append(
            Text.assemble(
                _location(finding.file, finding.line, finding.column),
                ": ",
                (finding.severity.label, _STYLES[finding.severity]),
                ": ",
                clean(finding.message),
                ("  [" + finding.rule + "]", "dim"),
            )
        )
        teams = finding.details.get("step_teams", {})
        drawing = _loop_drawing(finding, teams if isinstance(teams, dict) else {})
        if drawing is not None:
            lines.append(drawing)
    return lines


def _file_header(report: FileReport) -> Text:
    header = Text(clean(report.file), style="bold underline")
    if report.journey:
        header.append(f"  {clean(report.journey)}", style="bold")
    if report.name:
        header.append(f" — {clean(report.name)}", style="dim")
    counts: dict[Severity, int] = defaultdict(int)
    for finding in report.findings:
        counts[finding.severity] += 1
    if report.problems:
        header.append(
            "  "
            + _("invalid ({errors})").format(
                errors=severity_count(len(report.problems), Severity.ERROR)
            ),
            style="bold red",
        )
    elif counts:
        parts = [
            severity_count(counts[severity], severity) for severity in Severity if counts[severity]
        ]
        header.append("  " + ", ".join(parts))
    else:
        header.append("  ✓ " + _("clean"), style="green")
    return header


def _validation_summary(result: AuditResult) -> Text:
    problems = result.problems
    invalid = sum(not report.valid for report in result.reports)
    if problems or result.failures:
        summary = Text.assemble(
            ("✗ ", "bold red"),
            _("{errors} in {invalid} of {files}").format(
                errors=severity_count(len(problems), Severity.ERROR),
                invalid=invalid,
                files=files_count(len(result.reports)),
            ),
        )
    elif not result.reports:
        summary = Text.assemble(("! ", "bold yellow"), _("no journey files found"))
    else:
        journeys = sum(report.kind == "journey" for report in result.reports)
        catalogs = len(result.reports) - journeys
        kinds = (
            (journeys, journeys_count(journeys)),
            (catalogs, ngettext("{count} catalog", "{count} catalogs", catalogs)),
        )
        detail = ", ".join(text.format(count=count) for count, text in kinds if count)
        summary = Text.assemble(
            ("✓ ", "bold green"),
            ngettext(
                "{files} valid ({detail})", "{files} valid ({detail})", len(result.reports)
            ).format(files=files_count(len(result.reports)), detail=detail),
        )
    return summary


def _audit_summary(result: AuditResult) -> Text:
    counts = result.counts()
    journeys = sum(report.kind == "journey" for report in result.reports)
    parts = [severity_count(counts[severity.value], severity) for severity in Severity]
    failing = result.exit_code != 0
    summary = Text.assemble(
        ("✗ " if failing else "✓ ", "bold red" if failing else "bold green"),
        _("{counts} in {journeys}").format(
            counts=", ".join(parts), journeys=journeys_count(journeys)
        ),
    )
    if counts["invalid"]:
        summary.append(
            ngettext("; {count} invalid", "; {count} invalid", counts["invalid"]).format(
                count=counts["invalid"]
            ),
            style="bold red",
        )
    if result.fail_on.value != "never":
        summary.append(
            " " + _("(fails on {severity})").format(severity=_fail_on(result)), style="dim"
        )
    return summary


def _fail_on(result: AuditResult) -> str:
    """The severity that fails the run, in words (`never` does not fail)."""
    return Severity(result.fail_on.value).label


def _kind(kind: str) -> str:
    """What a checked file is (`journey` or `catalog`), in words."""
    return _("catalog") if kind == "catalog" else _("journey")


def render(result: AuditResult, options: ReportOptions) -> str:
    buffer = io.StringIO()
    console = console_for(buffer, color=options.color)
    for failure in result.failures:
        console.print(
            Text.assemble(
                (clean(failure.file), "bold"),
                ": ",
                (pgettext("severity", "error"), "bold red"),
                ": ",
                clean(failure.message),
            )
        )
    if result.audited:
        for report in result.reports:
            console.print(_file_header(report))  # one summary line per journey, clean or not
            if report.valid and not report.findings and not report.quick_wins:
                continue
            for line in _problem_lines(sorted(report.problems)) + _finding_lines(report):
                console.print(line)
            if report.quick_wins:
                console.print(Text("  " + _("quick wins:"), style="bold green"))
                for rank, win in enumerate(report.quick_wins, start=1):
                    console.print(Text(f"    {rank}. {clean(win)}"))
            console.print()
    else:
        for line in _problem_lines(result.problems):
            console.print(line)
        if options.verbose:
            for report in result.reports:
                if report.valid:
                    console.print(
                        Text.assemble(
                            (clean(report.file), "bold"),
                            ": ",
                            (_("ok"), "green"),
                            f" ({_kind(report.kind)})",
                        )
                    )
    if options.verbose:
        for skipped in result.skipped:
            console.print(
                Text.assemble(
                    (clean(skipped.file), "bold"),
                    ": ",
                    (_("skipped"), "dim"),
                    f" ({skipped.reason})",
                )
            )
    comparison = result.comparison
    if comparison is not None:
        console.print(
            Text(
                _("compared with {against}: {summary}").format(
                    against=clean(comparison.against), summary=comparison.summary()
                ),
                style="bold",
            )
        )
        for entry in comparison.fixed:
            console.print(
                Text.assemble(
                    ("  " + _("fixed: "), "green"),
                    clean(f"{entry['journey']}: {entry['message']}  [{entry['rule']}]"),
                )
            )
        for file in comparison.invalid_files:
            console.print(
                Text.assemble(
                    ("  " + _("not checked: "), "bold red"),
                    _("{file} does not validate: nothing in it counts as fixed or new").format(
                        file=clean(file)
                    ),
                )
            )
    summary = _audit_summary(result) if result.audited else _validation_summary(result)
    if result.failures:
        summary.append(
            ngettext(
                "; {count} path could not be read",
                "; {count} paths could not be read",
                len(result.failures),
            ).format(count=len(result.failures))
        )
    if result.skipped and not options.verbose:
        summary.append(
            ngettext(
                "; {count} other YAML file skipped (-v lists them)",
                "; {count} other YAML files skipped (-v lists them)",
                len(result.skipped),
            ).format(count=len(result.skipped)),
            style="dim",
        )
    console.print(summary)
    return buffer.getvalue()
