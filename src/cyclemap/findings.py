"""What an audit finds, and what a whole run amounts to (including files that were invalid)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from cyclemap.errors import Problem
from cyclemap.util.i18n import _, ngettext, pgettext


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def label(self) -> str:
        """The severity for people, in the current language (the value stays for machines)."""
        words = {
            "error": pgettext("severity", "error"),
            "warning": pgettext("severity", "warning"),
            "info": pgettext("severity", "info"),
        }
        return words[self.value]

    @property
    def rank(self) -> int:
        """Higher is more severe."""
        return {"error": 3, "warning": 2, "info": 1}[self.value]


class FailOn(str, enum.Enum):
    """The least severity that makes `audit` exit 1."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    NEVER = "never"

    def fails(self, severity: Severity) -> bool:
        return self is not FailOn.NEVER and severity.rank >= Severity(self.value).rank


@dataclass(frozen=True)
class Finding:
    """One problem a rule found in a journey.

    `steps` are step ids, in path order for loops and chains. `details` carries figures a
    reporter may show (teams of a loop, customers lost); it is not part of the finding's identity.
    """

    rule: str
    severity: Severity
    file: str
    line: int
    column: int
    journey: str
    steps: tuple[str, ...]
    message: str
    details: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    subject: str = field(default="", compare=False, hash=False)
    """What a finding without steps is about, in words that do not change with the language
    (the English message): its identity. Empty: the message is."""

    @property
    def sort_key(self) -> tuple[str, int, str, int, tuple[str, ...], str]:
        return (self.file, self.line, self.rule, self.column, self.steps, self.message)

    @property
    def fingerprint(self) -> str:
        """Identity across runs: survives moved lines, reordered steps and new figures.

        Built from the rule, the journey id and what a person sees as the problem, never from
        lines or counts: for a peloteo loop the set of teams customers are bounced between (a
        loop re-routed between the same teams is the same problem; a new pair of teams is a
        new one); for the others the steps as a set (or, for findings about definitions, the
        subject with its figures left out: the message in English, so that the fingerprint is
        the same in every language).
        """
        import hashlib  # here: the command line imports this module at start-up
        import json
        import re

        teams = self.details.get("teams") if self.rule == "peloteo-loop" else None
        identity: list[str]
        if teams:
            identity = ["teams", *sorted({str(team) for team in teams})]
        else:
            # Without steps (definitions, the journey as a whole): the subject without figures.
            subject = self.subject or self.message
            identity = sorted(self.steps) or [re.sub(r"\d[\d,.%]*", "#", subject)]
        text = json.dumps([self.rule, self.journey, identity], ensure_ascii=True)
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:24]

    def as_dict(self) -> dict[str, Any]:
        """The JSON form: exactly the documented keys, in that order."""
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "journey": self.journey,
            "steps": list(self.steps),
            "message": self.message,
        }


@dataclass(frozen=True)
class FileReport:
    """One checked file: a journey (or catalog) with its findings, or its validation problems."""

    file: str
    kind: str = "journey"
    """`journey` or `catalog`."""
    journey: str | None = None
    """The journey id, when the file got far enough to have one."""
    name: str | None = None
    findings: tuple[Finding, ...] = ()
    problems: tuple[Problem, ...] = ()
    quick_wins: tuple[str, ...] = ()
    """The fixes that save the most customers, in words (text report only)."""

    @property
    def valid(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class SkippedFile:
    file: str
    reason: str


@dataclass(frozen=True)
class Comparison:
    """What a run was compared with (`--baseline` or `--diff`), and what is gone since."""

    against: str
    fixed: tuple[dict[str, Any], ...] = ()
    """Baseline entries (rule, journey, steps, message) no longer found in a journey that was
    audited in this run."""
    known: int = 0
    """Findings left out because the baseline already had them."""
    accepted: tuple[Finding, ...] = ()
    """Those findings themselves: a baseline written from this run still holds them."""
    not_checked: tuple[dict[str, Any], ...] = ()
    """Baseline entries of journeys this run did not audit (the file does not validate, or is
    not among the files checked): neither fixed nor still there, since nobody looked."""
    invalid_files: tuple[str, ...] = ()
    """Files of this run that do not validate: not checked, nothing in them new or fixed."""

    def summary(self) -> str:
        """`N known findings left out, M fixed[, K not checked (...)]`, for every report."""
        left_out = ngettext(
            "{count} known finding left out", "{count} known findings left out", self.known
        ).format(count=self.known)
        fixed = ngettext("{count} fixed", "{count} fixed", len(self.fixed))
        text = _("{left_out}, {fixed}").format(
            left_out=left_out, fixed=fixed.format(count=len(self.fixed))
        )
        if self.not_checked or self.invalid_files:
            files = len(self.invalid_files)
            why = (
                ngettext(
                    "{count} file does not validate", "{count} files do not validate", files
                ).format(count=files)
                if files
                else _("their journeys were not audited")
            )
            text += _(", {count} not checked ({why})").format(count=len(self.not_checked), why=why)
        return text


@dataclass(frozen=True)
class AuditResult:
    """Everything a run produced, in a stable order, and the exit-code policy over it.

    `validate` produces one too, with `audited` false and no findings, so every reporter serves
    both commands and invalid files appear in every format.
    """

    reports: tuple[FileReport, ...]
    failures: tuple[Problem, ...] = ()
    """Paths that could not be read at all (missing, unreadable): exit code 2."""
    skipped: tuple[SkippedFile, ...] = ()
    """YAML files found in folders that are not journeys."""
    fail_on: FailOn = FailOn.ERROR
    audited: bool = True
    comparison: Comparison | None = None
    require_journeys: bool = False
    """A run that checked no journey at all fails (exit 2): `audit` without `--allow-empty`,
    since a gate that checks nothing is a mistake."""
    notes: tuple[str, ...] = ()
    """What the run tells the person at the terminal besides the report (a baseline written,
    nothing checked)."""

    @property
    def checked_nothing(self) -> bool:
        return not self.reports and not self.failures

    @property
    def findings(self) -> list[Finding]:
        return sorted(
            (finding for report in self.reports for finding in report.findings),
            key=lambda finding: finding.sort_key,
        )

    @property
    def problems(self) -> list[Problem]:
        return sorted({problem for report in self.reports for problem in report.problems})

    def counts(self) -> dict[str, int]:
        """Findings per severity, and invalid files, for summaries."""
        counts = {severity.value: 0 for severity in Severity}
        for finding in self.findings:
            counts[finding.severity.value] += 1
        counts["invalid"] = sum(not report.valid for report in self.reports)
        return counts

    @property
    def exit_code(self) -> int:
        if self.failures or (self.require_journeys and self.checked_nothing):
            return 2
        if any(not report.valid for report in self.reports):
            return 1
        return 1 if any(self.fail_on.fails(finding.severity) for finding in self.findings) else 0
