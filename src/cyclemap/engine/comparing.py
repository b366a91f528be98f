"""`compare` and `stats --diff`: what a change does to customers, journey by journey.

Each version of the journeys is read as `stats` reads it (validated, audited with the
configuration found above each journey, figured by the flow model), then the versions of each
journey are compared (`cyclemap.analysis.compare`). Two files are one journey's two versions
whatever their ids; two folders are matched by journey id. `stats --diff REF` takes the
earlier version from git revision REF, checked out in a temporary work tree as `audit --diff`
does.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from cyclemap.analysis import DEFAULT_CONTEXT_COST
from cyclemap.analysis.compare import JourneyChange, Version, compare_versions
from cyclemap.engine.baseline import revision_tree
from cyclemap.engine.checking import FileResult, to_result, validate
from cyclemap.engine.config import Settings, load_settings
from cyclemap.engine.links import audit_links
from cyclemap.engine.stats import figured
from cyclemap.errors import Problem
from cyclemap.findings import AuditResult
from cyclemap.graph.flow_model import FlowError
from cyclemap.loading import LoadedJourney
from cyclemap.util.paths import display_path


@dataclass(frozen=True)
class ComparisonRun:
    """Every journey of either version, compared; and the files that could not be read."""

    before: str
    """What the earlier version is, as shown: a path, or `git REF`."""
    after: str
    changes: tuple[JourneyChange, ...]
    """Every journey, in the later version's order, then those removed."""
    checked_before: AuditResult
    checked_after: AuditResult
    follow_links: bool = False
    not_compared: int = 0
    """Journeys only one side has where the other side has files that do not validate."""

    @property
    def changed(self) -> tuple[JourneyChange, ...]:
        """The journeys the change touches: added, removed, or with anything that moved."""
        return tuple(change for change in self.changes if change.status != "unchanged")

    def counts(self) -> dict[str, int]:
        """Journeys per status: changed, unchanged, added, removed."""
        statuses = ("changed", "unchanged", "added", "removed")
        return {
            status: sum(change.status == status for change in self.changes) for status in statuses
        }

    @property
    def problems(self) -> list[Problem]:
        return [
            *self.checked_before.failures,
            *self.checked_before.problems,
            *self.checked_after.failures,
            *self.checked_after.problems,
        ]

    @property
    def exit_code(self) -> int:
        """As `stats`: 2 unreadable paths, 1 invalid files or a journey without figures."""
        code = max(self.checked_before.exit_code, self.checked_after.exit_code)
        return code or (1 if any(change.notes for change in self.changes) else 0)


@dataclass(frozen=True)
class _Side:
    versions: dict[str, Version]
    checked: AuditResult


def _read(
    paths: Sequence[Path],
    *,
    context_cost: float,
    follow_links: bool,
    top: Path | None = None,
    configured: bool = False,
    config: Path | None = None,
) -> _Side:
    """One version of the journeys under `paths`; `top`: the temporary checkout they are in,
    whose files are shown by their path in the repository. `configured`: only the files the
    configuration's include/exclude select in folders (`config`, or the one found above the
    first path), as `audit` reads them."""
    settings = load_settings(config, start=paths[0]) if paths else Settings()
    validation = validate(paths, settings.selection if configured else None)
    journeys = validation.journeys
    versions = {}
    for journey in journeys:
        shown = journey.display if top is None else _in_repository(journey, top)
        versions[journey.id] = _version(
            journey, journeys, shown, context_cost=context_cost, follow_links=follow_links
        )
    return _Side(_with_links(versions, validation.files, settings), to_result(validation))


def _with_links(
    versions: dict[str, Version], files: Sequence[FileResult], settings: Settings
) -> dict[str, Version]:
    """The versions with their findings corrected for links between journeys, as `audit`
    corrects them: steps other journeys send customers to are reached, and a peloteo loop
    across journeys is a finding of the journey where it starts."""
    if not any(file.ref is not None and file.ref.links for file in files):
        return versions
    audited = tuple(
        replace(file, findings=versions[file.ref.id].findings)
        if file.ref is not None and file.ref.id in versions
        else file
        for file in files
    )
    corrected = dict(versions)
    for file in audit_links(audited, settings):
        if file.ref is not None and file.ref.id in versions and file.findings is not None:
            corrected[file.ref.id] = replace(versions[file.ref.id], findings=file.findings)
    return corrected


def _in_repository(journey: LoadedJourney, top: Path) -> str:
    try:
        return journey.path.resolve().relative_to(top.resolve()).as_posix()
    except ValueError:
        return journey.display


def _version(
    journey: LoadedJourney,
    journeys: Iterable[LoadedJourney],
    shown: str,
    *,
    context_cost: float,
    follow_links: bool,
) -> Version:
    linked = list(journeys) if follow_links else None
    try:
        # No quick wins: a comparison shows none, and ranking them solves the flow again
        # for every candidate fix.
        graph, findings, report = figured(journey, context_cost=context_cost, top=0, linked=linked)
    except FlowError as error:
        graph, findings, _ = figured(journey, context_cost=context_cost, solve=False)
        return Version(graph, None, tuple(findings), shown, str(error))
    return Version(graph, report, tuple(findings), shown)


def _pairs(before: _Side, after: _Side, *, as_one: bool) -> list[tuple[str, str]]:
    """(earlier id, later id) of each journey; `as_one`: the two single journeys are one."""
    if as_one and len(before.versions) == 1 and len(after.versions) == 1:
        return [(next(iter(before.versions)), next(iter(after.versions)))]
    ids = [*after.versions, *(key for key in before.versions if key not in after.versions)]
    return [(key, key) for key in ids]


def _compared(
    before: _Side, after: _Side, *, as_one: bool, labels: tuple[str, str], follow_links: bool
) -> ComparisonRun:
    # A journey missing on a side where some file does not validate may be in that file: it
    # is neither added nor removed, only not compared (the file's problems are reported).
    broken_before = any(not report.valid for report in before.checked.reports)
    broken_after = any(not report.valid for report in after.checked.reports)
    changes = []
    not_compared = 0
    for old, new in _pairs(before, after, as_one=as_one):
        first, last = before.versions.get(old), after.versions.get(new)
        if (first is None and broken_before) or (last is None and broken_after):
            not_compared += 1
            continue
        changes.append(compare_versions(first, last))
    return ComparisonRun(
        labels[0],
        labels[1],
        tuple(changes),
        before.checked,
        after.checked,
        follow_links=follow_links,
        not_compared=not_compared,
    )


def compare(
    before: Sequence[str | Path],
    after: Sequence[str | Path],
    *,
    context_cost: float = DEFAULT_CONTEXT_COST,
    follow_links: bool = False,
) -> ComparisonRun:
    """Two versions of the journeys: two files (one journey, whatever its id) or two sets of
    files and folders (journeys matched by id)."""
    first = [Path(path) for path in before]
    last = [Path(path) for path in after]
    as_one = len(first) == 1 and len(last) == 1 and first[0].is_file() and last[0].is_file()
    read = functools.partial(_read, context_cost=context_cost, follow_links=follow_links)
    return _compared(
        read(first),
        read(last),
        as_one=as_one,
        labels=(_label(first), _label(last)),
        follow_links=follow_links,
    )


def compare_with_revision(
    revision: str,
    paths: Sequence[str | Path],
    *,
    context_cost: float = DEFAULT_CONTEXT_COST,
    follow_links: bool = False,
    config: Path | None = None,
) -> ComparisonRun:
    """The journeys under `paths` as they are now, against the same paths at git `revision`;
    in folders, the files the configuration selects (`config`, or the one found above the
    paths, at each revision), as `audit --diff` reads them."""
    targets = [Path(path) for path in paths] or [Path(".")]
    read = functools.partial(
        _read, context_cost=context_cost, follow_links=follow_links, configured=True, config=config
    )
    with revision_tree(revision, targets) as (tree, old_paths):
        if old_paths:
            earlier = read(old_paths, top=tree)
            # Problems are named by the file's path in the repository, not the checkout's.
            earlier = replace(earlier, checked=_relabel(earlier.checked, tree))
        else:
            earlier = _Side({}, AuditResult(reports=()))
    now = read(targets)
    return _compared(
        earlier,
        now,
        as_one=False,
        labels=(f"git {revision}", _label(targets)),
        follow_links=follow_links,
    )


def _label(paths: Sequence[Path]) -> str:
    return ", ".join(display_path(path) for path in paths)


def _relabel(result: AuditResult, tree: Path) -> AuditResult:
    prefix = tree.as_posix().rstrip("/") + "/"
    real = os.path.realpath(tree).rstrip("/") + "/"

    def shown(file: str) -> str:
        for start in (prefix, real):
            absolute = Path(os.path.abspath(file)).as_posix()
            if absolute.startswith(start):
                return absolute[len(start) :]
        return file

    return replace(
        result,
        reports=tuple(
            replace(
                report,
                file=shown(report.file),
                problems=tuple(replace(p, file=shown(p.file)) for p in report.problems),
            )
            for report in result.reports
        ),
        failures=tuple(replace(p, file=shown(p.file)) for p in result.failures),
    )
