"""GitHub Actions workflow commands: annotations on the pull request's changed lines.

One line per finding or problem, `::error|warning|notice file=F,line=L,col=C,title=T::MESSAGE`
(`info` findings become `notice`), read by the Actions runner from the step's output. Invalid
files' problems and unreadable paths are `::error` (no `line`/`col` when there is no position).
The report ends with one plain summary line, which is not a command.

The runner splits its input into lines and parses each as a command, so user text must never
contain a line break: the message is escaped `%` -> `%25` first, then `\\r` -> `%0D` and
`\\n` -> `%0A`; property values (file, title) also `:` -> `%3A` and `,` -> `%2C`. Other control
characters, Unicode line separators (some log viewers break lines on them) and bidi overrides
(which could disguise the annotation) become U+FFFD.
`file` is the path from the repository root (the nearest folder up holding `.git`), whichever
folder cyclemap runs in, since that is how the runner places annotations on files.
"""

from __future__ import annotations

from cyclemap.errors import Problem
from cyclemap.findings import AuditResult, Finding, Severity
from cyclemap.reporters.common import ReportOptions, advice, source_path
from cyclemap.reporters.text import files_count, severity_count
from cyclemap.util.i18n import _, ngettext
from cyclemap.util.text import neutralise

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """A message made safe to follow `::` on a single line."""
    text = neutralise(text)
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value (file, title) made safe inside `key=value,key=value`."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(kind: str, message: str, *, file: str, line: int, column: int, title: str) -> str:
    """One workflow command; `line`/`col` are left out when there is no position (0)."""
    properties = [f"file={escape_property(source_path(file) or file)}"]
    if line >= 1:
        properties.append(f"line={line}")
        if column >= 1:
            properties.append(f"col={column}")
    properties.append(f"title={escape_property(title)}")
    return f"::{kind} {','.join(properties)}::{escape_data(message)}"


def _finding(finding: Finding) -> str:
    return command(
        _COMMANDS[finding.severity],
        finding.message,
        file=finding.file,
        line=finding.line,
        column=finding.column,
        title=f"cyclemap {finding.rule}",
    )


def _problem(problem: Problem, title: str) -> str:
    message = problem.coded
    if advice(problem):
        message += "\n" + _("hint: {hint}").format(hint=advice(problem))
    return command(
        "error",
        message,
        file=problem.file,
        line=problem.line,
        column=problem.column,
        title=title,
    )


def _summary(result: AuditResult) -> str:
    counts = result.counts()
    files = len(result.reports)
    parts = [ngettext("{files} checked", "{files} checked", files).format(files=files_count(files))]
    if result.audited:
        parts += [severity_count(counts[severity.value], severity) for severity in Severity]
    parts.append(
        ngettext("{count} invalid", "{count} invalid", counts["invalid"]).format(
            count=counts["invalid"]
        )
    )
    if result.failures:
        unreadable = ngettext("{count} unreadable", "{count} unreadable", len(result.failures))
        parts.append(unreadable.format(count=len(result.failures)))
    command = "audit" if result.audited else "validate"
    return _("cyclemap {command}: {parts}; exit {code}").format(
        command=command, parts=", ".join(parts), code=result.exit_code
    )


def render(result: AuditResult, options: ReportOptions) -> str:
    lines = [_problem(failure, _("cyclemap cannot read")) for failure in result.failures]
    for report in result.reports:
        lines += [
            _problem(problem, "cyclemap invalid-journey") for problem in sorted(report.problems)
        ]
        lines += [
            _finding(finding) for finding in sorted(report.findings, key=lambda f: f.sort_key)
        ]
    lines.append(_summary(result))
    return "\n".join(lines) + "\n"
