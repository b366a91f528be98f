"""`audit`: validate the journeys under some paths, run the rules on the valid ones, and
correct what links between journeys change; optionally rank quick wins, compare with an
event log, and keep only what is new against a baseline or a git revision."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

from cyclemap.analysis.report import quick_win_texts
from cyclemap.engine.baseline import (
    baseline_findings,
    baseline_text,
    compare,
    findings_at_revision,
    read_baseline,
)
from cyclemap.engine.checking import (
    FileResult,
    check_file,
    load_one,
    to_result,
    validate,
)
from cyclemap.engine.config import Settings, apply_overrides, load_settings
from cyclemap.engine.links import audit_links
from cyclemap.engine.run import audit_graph, log_findings
from cyclemap.errors import UsageError
from cyclemap.findings import AuditResult, FailOn
from cyclemap.graph import JourneyGraph
from cyclemap.loading import repository_root
from cyclemap.loading.discovery import Candidate
from cyclemap.mining import Columns, mine
from cyclemap.util.files import check_output, write_output
from cyclemap.util.gcpause import collector_paused
from cyclemap.util.i18n import N_, _, ngettext
from cyclemap.util.paths import display_path


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
    valid = [report for report in result.reports if report.valid and report.kind == "journey"]
    if len(valid) != 1:
        if not strict:
            return result
        raise UsageError(
            _("--log compares one journey with its log: audit a single journey file")
        )
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
    result = check_file(candidate)
    if result.journey is None:
        return result

    with collector_paused():
        graph = JourneyGraph(result.journey)  # built once, for the rules and the quick wins
        findings = audit_graph(graph, settings)
        suggestions = quick_win_texts(graph, findings, wins) if wins else ()
    # The loaded journey stays here: only its reference goes back to the parent process.
    return replace(result, journey=None, findings=tuple(findings), quick_wins=suggestions)


def repository_here() -> Path:
    """Where `audit` looks with no path: the repository the working folder belongs to."""
    return repository_root(Path.cwd() / "cyclemap.toml")


NOTHING_CHECKED = N_(
    "cyclemap: error: no journey was checked: the paths hold no YAML file that the "
    "configuration's include/exclude select; check them, or pass --allow-empty"
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
    write_baseline: Path | None = None,
    report_file: str | None = None,
    allow_empty: bool = True,
    progress: Callable[[int, int], None] | None = None,
    log: Path | None = None,
    log_columns: Columns | None = None,
) -> AuditResult:
    """Validate the journeys under `paths`, then run the configured rules on the valid ones
    (and, with `wins`, rank each journey's quick wins).

    With `baseline` (a file from `--write-baseline`) or `diff` (a git revision), only findings
    that are new relative to it are kept, and the result says which old ones are fixed.
    `write_baseline` records the run's findings (and accepts them: only invalid files fail);
    `report_file`, where the report will go, is checked before, so that a refused report
    leaves no baseline either. Without `allow_empty`, a run that checks no journey fails.
    """
    if baseline is not None and diff is not None:
        raise UsageError(
            _("--baseline and --diff both choose what counts as new; give one of them")
        )
    if (
        report_file not in (None, "-")
        and write_baseline is not None
        and os.path.abspath(str(report_file)) == os.path.abspath(write_baseline)
    ):
        raise UsageError(_("the report and the baseline would be the same file"))
    result = _audited(
        [Path(path) for path in paths] or [Path(".")],
        config=config,
        select=list(select),
        ignore=list(ignore),
        fail_on=fail_on,
        wins=wins,
        baseline=baseline,
        diff=diff,
        progress=progress,
        log=log,
        log_columns=log_columns,
    )
    notes: list[str] = []
    if report_file not in (None, "-"):
        check_output(str(report_file))  # before the baseline is written: nothing at all, or both
    if write_baseline is not None:
        # The baseline read may be updated; no other input may be written over.
        write_output(
            write_baseline,
            baseline_text(result).encode("utf-8"),
            allowed=[baseline] if baseline is not None else [],
        )
        # Recording a baseline accepts today's findings: only invalid files still fail.
        result = replace(result, fail_on=FailOn.NEVER)
        recorded = len(baseline_findings(result))
        notes.append(
            ngettext(
                "wrote the baseline {path} ({count} finding)",
                "wrote the baseline {path} ({count} findings)",
                recorded,
            ).format(path=write_baseline, count=recorded)
        )
    result = replace(result, require_journeys=not allow_empty)
    if result.require_journeys and result.checked_nothing:
        notes.append(_(NOTHING_CHECKED))
    return replace(result, notes=tuple(notes))


def _audited(
    targets: list[Path],
    *,
    config: Path | None,
    select: list[str],
    ignore: list[str],
    fail_on: FailOn | None,
    wins: int,
    baseline: Path | None,
    diff: str | None,
    progress: Callable[[int, int], None] | None,
    log: Path | None,
    log_columns: Columns | None,
) -> AuditResult:
    """The audit itself, then what is new against `baseline` or `diff`."""

    def run(where: list[Path], wins: int = 0, *, earlier: bool = True) -> AuditResult:
        """The audit of `where`, plus the conformance findings against `log` when one is given
        (at an earlier revision too, so `--diff` tells which of them a change brought)."""
        settings = load_settings(config, start=where[0])
        settings = apply_overrides(settings, select=select, ignore=ignore, fail_on=fail_on)
        work = functools.partial(check_and_audit, settings=settings, wins=wins)
        report = validate(where, settings.selection, work=work, progress=progress)
        if any(file.ref is not None and file.ref.links for file in report.files):
            report = replace(report, files=audit_links(report.files, settings))
        result = to_result(report, fail_on=settings.fail_on, audited=True)
        if log is None:
            return result
        columns = log_columns
        if columns is None:
            columns = Columns.configured(settings.mine)
        paths = {
            file.file: file.ref.path
            for file in report.files
            if file.ref is not None and file.ref.path is not None
        }
        return _with_conformance(result, log, columns, settings, strict=not earlier, paths=paths)

    result = run(targets, wins, earlier=False)
    if diff is not None:
        result = compare(result, findings_at_revision(diff, targets, run), f"git {diff}")
    elif baseline is not None:
        result = compare(result, read_baseline(baseline), display_path(baseline))
    return result
