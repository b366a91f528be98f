"""`audit`: validate the journeys under some paths, run the rules on the valid ones, and
correct what links between journeys change; optionally rank quick wins, compare with an
event log, and keep only what is new against a baseline or a git revision."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from cyclemap.analysis.report import quick_win_texts
from cyclemap.engine.checking import FileResult, Status, ValidationReport, load_one
from cyclemap.engine.config import Settings, apply_overrides, load_settings
from cyclemap.engine.run import audit_graph, audit_journey, log_findings
from cyclemap.findings import AuditResult, FailOn, FileReport, Finding, SkippedFile
from cyclemap.loading.discovery import Candidate
from cyclemap.util.gcpause import collector_paused
from cyclemap.util.paths import display_path

if TYPE_CHECKING:
    from cyclemap.mining import Columns


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
    from cyclemap.graph import JourneyGraph
    from cyclemap.mining import LogError, mine

    valid = [report for report in result.reports if report.valid and report.kind == "journey"]
    if len(valid) != 1:
        if not strict:
            return result
        raise LogError("--log compares one journey with its log: audit a single journey file")
    # By its path, not its display name: a name that is not UTF-8 is shown with U+FFFD.
    journey = load_one(paths.get(valid[0].file, Path(valid[0].file)))
    observed = mine(log, journey, columns, engine=settings.mine.engine).observed()
    extra = log_findings(JourneyGraph(journey), settings, observed)
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
    from cyclemap.engine.checking import check_file

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
    from cyclemap.engine.checking import validate

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
            from cyclemap.engine.links import audit_links

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
        from cyclemap.engine.baseline import compare, findings_at_revision

        result = compare(result, findings_at_revision(diff, targets, run), f"git {diff}")
    elif baseline is not None:
        from cyclemap.engine.baseline import compare, read_baseline

        result = compare(result, read_baseline(baseline), display_path(baseline))
    return result
