"""Runs the selected rules on a journey and turns their detections into findings.

Here, and only here: the rule's name and configured severity are attached, `allow` is applied,
locations become lines, and a rule that crashes becomes a finding instead of a traceback.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from cyclemap.analysis.quick_wins import quick_win_texts
from cyclemap.checking import FileResult, Status, ValidationReport
from cyclemap.config import Settings, load_settings
from cyclemap.errors import ConfigError, Problem
from cyclemap.findings import AuditResult, FailOn, FileReport, Finding, SkippedFile
from cyclemap.loading import LoadedJourney
from cyclemap.loading.discovery import Candidate
from cyclemap.rules import ALL_RULE_NAMES, registry
from cyclemap.util.gcpause import collector_paused
from cyclemap.util.paths import display_path
from cyclemap.util.text import did_you_mean

if TYPE_CHECKING:
    from cyclemap.analysis import FlowReport
    from cyclemap.graph import JourneyGraph
    from cyclemap.mining import Columns


def _allowances(journey: LoadedJourney) -> dict[str, frozenset[str]]:
    """For each step that has `allow`, the rules it accepts."""
    return {step.id: frozenset(step.allow) for step in journey.document.steps if step.allow}


def audit_journey(
    journey: LoadedJourney, settings: Settings, *, linked_in: Iterable[str] = ()
) -> list[Finding]:
    """The findings of the selected rules on one valid journey, sorted (collector paused)."""
    from cyclemap.graph import JourneyGraph

    with collector_paused():
        return audit_graph(JourneyGraph(journey, linked_in=linked_in), settings)


def audit_graph(graph: JourneyGraph, settings: Settings) -> list[Finding]:
    """The findings of the selected rules on one valid journey, sorted.

    `linked_in`: steps other journeys send customers to, which count as reached.
    """
    journey = graph.journey
    rules = registry()
    allowances = _allowances(journey)
    findings: list[Finding] = []
    for name in settings.selected:
        if name not in rules:
            continue  # a conformance finding: only `audit --log` reports it
        rule = rules[name]
        severity = settings.severities.get(name, rule.severity)
        options = settings.options.get(name) or rule.options()
        try:
            detections = list(rule.check(graph, options))
        except Exception as error:  # a bug in a rule must not hide the other rules' findings
            findings.append(
                Finding(
                    name,
                    severity,
                    journey.display,
                    1,
                    1,
                    journey.id,
                    (),
                    f"the rule `{name}` failed on this journey ({type(error).__name__}: {error}); "
                    "please report this",
                )
            )
            continue
        for detection in detections:
            if any(name in allowances.get(step, ()) for step in detection.steps):
                continue
            line, column = journey.position(*detection.at)
            findings.append(
                Finding(
                    name,
                    detection.severity(severity),
                    journey.display,
                    line,
                    column,
                    journey.id,
                    detection.steps,
                    detection.message,
                    detection.details,
                )
            )
    return sorted(findings, key=lambda finding: finding.sort_key)


def _rule_list(values: Iterable[str], option: str) -> list[str]:
    names = [name.strip() for value in values for name in value.split(",") if name.strip()]
    for name in names:
        if name not in ALL_RULE_NAMES:
            guess = did_you_mean(name, ALL_RULE_NAMES)
            raise ConfigError(
                [
                    Problem(
                        option,
                        0,
                        0,
                        "",
                        f"`{name}` is not a rule name"
                        + (f"; did you mean `{guess}`?" if guess else ""),
                        "rule names: " + ", ".join(ALL_RULE_NAMES),
                    )
                ]
            )
    return names


def apply_overrides(
    settings: Settings,
    *,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    fail_on: FailOn | None = None,
) -> Settings:
    """Command-line `--select`, `--ignore` and `--fail-on` over the configuration."""
    chosen = _rule_list(select, "--select") or list(settings.selected)
    ignored = set(_rule_list(ignore, "--ignore"))
    return replace(
        settings,
        selected=tuple(name for name in ALL_RULE_NAMES if name in chosen and name not in ignored),
        fail_on=fail_on or settings.fail_on,
    )


def journey_stats(journey: LoadedJourney, *, context_cost: float = 0.1, top: int = 5) -> FlowReport:
    """Flow figures and quick wins of one journey, with the findings of its configuration
    (the configuration found above the journey). Raises `cyclemap.analysis.FlowError`."""
    from cyclemap.analysis import analyse
    from cyclemap.graph import JourneyGraph

    with collector_paused():
        graph = JourneyGraph(journey)
        findings = audit_graph(graph, load_settings(None, start=journey.path))
        return analyse(graph, findings, context_cost=context_cost, top=top)


def _with_conformance(
    result: AuditResult,
    log: Path,
    columns: Columns | None,
    settings: Settings,
    *,
    strict: bool,
    paths: dict[str, Path],
) -> AuditResult:
    """The result with the findings of comparing the one audited journey with `log`: the
    selected ones, at their configured severity, except where a step allows them. Not
    `strict` (an earlier revision), a journey that was not there or not valid is left as is."""
    from cyclemap.conformance import conformance_findings
    from cyclemap.mining import LogError, mine

    valid = [report for report in result.reports if report.valid and report.kind == "journey"]
    if len(valid) != 1:
        if not strict:
            return result
        raise LogError("--log compares one journey with its log: audit a single journey file")
    from cyclemap import load

    # By its path, not its display name: a name that is not UTF-8 is shown with U+FFFD.
    journey = load(paths.get(valid[0].file, Path(valid[0].file)))
    engine = settings.mine.engine
    allowances = _allowances(journey)
    extra = [
        replace(finding, severity=settings.severities.get(finding.rule, finding.severity))
        for finding in conformance_findings(journey, mine(log, journey, columns, engine=engine))
        if finding.rule in settings.selected
        and not any(finding.rule in allowances.get(step, ()) for step in finding.steps)
    ]
    reports = tuple(
        replace(
            report,
            findings=tuple(
                sorted((*report.findings, *extra), key=lambda finding: finding.sort_key)
            ),
        )
        if report is valid[0]
        else report
        for report in result.reports
    )
    return replace(result, reports=reports)


def check_and_audit(candidate: Candidate, *, settings: Settings, wins: int) -> FileResult:
    """Validate one file and, when it is a valid journey, run the rules on it (in a worker)."""
    from cyclemap.checking import check_file

    result = check_file(candidate)
    if result.journey is None:
        return result
    from cyclemap.graph import JourneyGraph

    with collector_paused():
        graph = JourneyGraph(result.journey)  # built once, for the rules and the quick wins
        findings = audit_graph(graph, settings)
        suggestions = quick_win_texts(graph, findings, wins) if wins else ()
    # The loaded journey stays here: only its reference goes back to the parent process.
    return replace(result, journey=None, findings=tuple(findings), quick_wins=suggestions)


def to_result(
    report: ValidationReport,
    *,
    settings: Settings | None = None,
    audited: bool = False,
    wins: int = 0,
) -> AuditResult:
    """The run's result: every checked file with its problems or (when audited) findings,
    and with `wins` > 0 the best quick wins of each journey."""
    reports = []
    for file in report.checked:
        journey = file.journey
        findings: tuple[Finding, ...] = file.findings or ()
        suggestions = file.quick_wins
        if audited and journey is not None and settings is not None and file.findings is None:
            findings = tuple(audit_journey(journey, settings))
            if wins:
                from cyclemap.graph import JourneyGraph

                suggestions = quick_win_texts(JourneyGraph(journey), list(findings), wins)
        reports.append(
            FileReport(
                file=file.file,
                kind=file.kind,
                journey=file.ref.id if file.ref is not None else None,
                name=file.ref.name if file.ref is not None else None,
                findings=findings,
                problems=file.problems,
                quick_wins=suggestions,
            )
        )
    return AuditResult(
        reports=tuple(reports),
        failures=report.failures,
        skipped=tuple(
            SkippedFile(file.file, file.note)
            for file in report.files
            if file.status is Status.SKIPPED
        ),
        fail_on=settings.fail_on if settings is not None else FailOn.ERROR,
        audited=audited,
    )


def audit(
    paths: Iterable[str | Path] = (".",),
    *,
    config: Path | None = None,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    fail_on: FailOn | None = None,
    wins: int = 0,
    baseline: Path | None = None,
    diff: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    log: Path | None = None,
    log_columns: Columns | None = None,
) -> AuditResult:
    """Validate the journeys under `paths`, then run the configured rules on the valid ones
    (and, with `wins`, rank each journey's quick wins).

    With `baseline` (a file from `--write-baseline`) or `diff` (a git revision), only findings
    that are new relative to it are kept, and the result says which old ones are fixed.
    """
    from cyclemap.checking import validate

    targets = [Path(path) for path in paths] or [Path(".")]
    select, ignore = list(select), list(ignore)

    def run(where: list[Path], wins: int = 0, *, earlier: bool = True) -> AuditResult:
        """The audit of `where`, plus the conformance findings against `log` when one is given
        (at an earlier revision too, so `--diff` tells which of them a change brought)."""
        settings = load_settings(config, start=where[0])
        settings = apply_overrides(settings, select=select, ignore=ignore, fail_on=fail_on)
        work = functools.partial(check_and_audit, settings=settings, wins=wins)
        report = validate(where, settings.selection, work=work, progress=progress)
        if any(file.ref is not None and file.ref.links for file in report.files):
            from cyclemap.joined import audit_links

            report = replace(report, files=audit_links(report.files, settings))
        result = to_result(report, settings=settings, audited=True, wins=wins)
        if log is None:
            return result
        columns = log_columns
        if columns is None:
            from cyclemap.mining import Columns

            columns = Columns.configured(settings.mine)
        paths = {
            file.file: file.ref.path
            for file in report.files
            if file.ref is not None and file.ref.path is not None
        }
        return _with_conformance(result, log, columns, settings, strict=not earlier, paths=paths)

    result = run(targets, wins, earlier=False)
    if diff is not None:
        from cyclemap.baseline import compare, findings_at_revision

        result = compare(result, findings_at_revision(diff, targets, run), f"git {diff}")
    elif baseline is not None:
        from cyclemap.baseline import compare, read_baseline

        result = compare(result, read_baseline(baseline), display_path(baseline))
    return result
