"""`validate`: check many files, each on its own, and say what is wrong with every one."""

from __future__ import annotations

import enum
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from cyclemap.errors import InputOutputError, LoadError, Problem
from cyclemap.findings import AuditResult, FailOn, FileReport, Finding, SkippedFile
from cyclemap.format.codes import DEFINED_TWICE, JOURNEY_ID_TWICE, NOT_A_JOURNEY, UNKNOWN_LINK
from cyclemap.loading import (
    Definition,
    LoadedJourney,
    NotAJourney,
    load_catalog,
    load_journey,
    repository_root,
)
from cyclemap.loading.discovery import Candidate, Selection, discover, looks_like_journey
from cyclemap.rules import rule_names
from cyclemap.util.files import inputs_read, inputs_since, remember_input
from cyclemap.util.gcpause import collector_paused
from cyclemap.util.i18n import N_, _, choose, language
from cyclemap.util.paths import display_path
from cyclemap.util.signals import sigterm_held, worker_started
from cyclemap.util.text import did_you_mean


class Status(str, enum.Enum):
    VALID = "valid"
    INVALID = "invalid"
    SKIPPED = "skipped"
    UNREADABLE = "unreadable"


@dataclass(frozen=True)
class JourneyRef:
    """What the run needs of a valid journey once its audit is done: small enough to send
    back from a worker process (the whole loaded journey is ~100 KB pickled)."""

    id: str
    name: str
    display: str
    id_line: int
    id_column: int
    channels: dict[str, Definition[Any]]
    teams: dict[str, Definition[Any]]
    path: Path | None = None
    step_ids: frozenset[str] = frozenset()
    links: tuple[tuple[int, int, str, str, str], ...] = ()
    """(line, column, field path, journey id, step id) of each `to: journey-id:step-id`."""

    @classmethod
    def of(cls, journey: LoadedJourney) -> JourneyRef:
        line, column = journey.position("journey", "id")
        links = []
        for index, step in enumerate(journey.document.steps):
            for position, transition in enumerate(step.next):
                if transition.link is not None:
                    where = journey.position("steps", index, "next", position, "to")
                    path = f"steps[{index}].next[{position}].to"
                    links.append((*where, path, *transition.link))
        return cls(
            journey.id,
            journey.document.journey.name,
            journey.display,
            line,
            column,
            dict(journey.channels),
            dict(journey.teams),
            journey.path,
            frozenset(step.id for step in journey.document.steps),
            tuple(links),
        )

    @property
    def where(self) -> str:
        return f"{self.display}:{self.id_line}:{self.id_column}"


@dataclass(frozen=True)
class FileResult:
    """What became of one file: a valid journey or catalog, problems, or why it was skipped."""

    file: str
    status: Status
    kind: str = "journey"
    problems: tuple[Problem, ...] = ()
    journey: LoadedJourney | None = None
    note: str = ""
    failure: InputOutputError | None = None
    ref: JourneyRef | None = None
    """Set for a valid journey, even after `journey` itself is dropped (see `JourneyRef`)."""
    scope: str = ""
    """The command-line path and repository the file belongs to (see `one_version_of_truth`)."""
    findings: tuple[Finding, ...] | None = None
    """Filled by `audit` in the worker that loaded the file; None when not audited."""
    quick_wins: tuple[str, ...] = ()
    inputs: tuple[str, ...] = ()
    """Every file read to check this one (it, its catalogs): outputs may not replace them."""


@dataclass(frozen=True)
class ValidationReport:
    files: tuple[FileResult, ...]
    failures: tuple[Problem, ...] = field(default=())
    """Paths that could not be read at all (missing, unreadable): exit code 2."""

    @property
    def checked(self) -> list[FileResult]:
        return [result for result in self.files if result.status in (Status.VALID, Status.INVALID)]

    @property
    def skipped(self) -> list[FileResult]:
        return [result for result in self.files if result.status is Status.SKIPPED]

    @property
    def journeys(self) -> list[LoadedJourney]:
        return [result.journey for result in self.files if result.journey is not None]

    @property
    def problems(self) -> list[Problem]:
        unique = {problem for result in self.files for problem in result.problems}
        return sorted(unique)

    @property
    def exit_code(self) -> int:
        if self.failures:
            return 2
        return 1 if any(result.status is Status.INVALID for result in self.files) else 0


NOT_A_JOURNEY_MESSAGE = N_(
    "this file is not a cyclemap journey: it has no top-level `cyclemap:` key"
)


def load_one(path: Path) -> LoadedJourney:
    """One journey file as the library and `mine` load it: every problem in a `LoadError`,
    including a file that is not a journey at all."""
    try:
        return load_journey(path, rule_names=rule_names())
    except NotAJourney:
        raise NOT_A_JOURNEY.error(
            display_path(path),
            1,
            1,
            _(NOT_A_JOURNEY_MESSAGE),
            _("start the file with `cyclemap: 1`"),
        ) from None


def _not_a_journey(candidate: Candidate) -> FileResult:
    return FileResult(
        candidate.display,
        Status.INVALID,
        "other",
        (
            NOT_A_JOURNEY.problem(
                candidate.display,
                1,
                1,
                "",
                _(NOT_A_JOURNEY_MESSAGE),
                _("start the file with `cyclemap: 1`, or check that this is the right file"),
            ),
        ),
    )


def check_file(candidate: Candidate) -> FileResult:
    """Validate one file; never raises for anything the file contains."""
    scope = f"{candidate.origin}|{repository_root(candidate.path)}"
    mark = len(inputs_read())
    with collector_paused():
        result = _check(candidate)
    reference = JourneyRef.of(result.journey) if result.journey is not None else None
    return replace(result, scope=scope, ref=reference, inputs=inputs_since(mark))


def _check(candidate: Candidate) -> FileResult:
    try:
        journey = load_journey(candidate.path, candidate.display, rule_names=rule_names())
    except NotAJourney as reason:
        # Catalogs are read through imports; one is checked alone when it says it is cyclemap's
        # (`cyclemap: 1`) or when the user names it.
        if str(reason) == "catalog" or (str(reason) == "bare-catalog" and candidate.explicit):
            problems = tuple(load_catalog(candidate.path))
            status = Status.INVALID if problems else Status.VALID
            return FileResult(candidate.display, status, "catalog", problems)
        if candidate.explicit:
            return _not_a_journey(candidate)
        return FileResult(
            candidate.display, Status.SKIPPED, "other", note=_("no top-level `cyclemap:` key")
        )
    except LoadError as error:
        if not candidate.explicit and not looks_like_journey(candidate.path):
            return FileResult(
                candidate.display,
                Status.SKIPPED,
                "other",
                note=_("not readable as YAML and no top-level `cyclemap:` key"),
            )
        return FileResult(candidate.display, Status.INVALID, problems=tuple(error.problems))
    except InputOutputError as error:
        return FileResult(candidate.display, Status.UNREADABLE, note=error.reason, failure=error)
    except OSError as error:  # the file system refused something on the way (name too long)
        failure = InputOutputError(
            candidate.display, _("cannot read ({reason})").format(reason=error.strerror or error)
        )
        return FileResult(
            candidate.display, Status.UNREADABLE, note=failure.reason, failure=failure
        )
    return FileResult(candidate.display, Status.VALID, journey=journey)


def one_version_of_truth(results: list[FileResult]) -> tuple[FileResult, ...]:
    """Checks across files: a journey id used twice, a shared catalog entry defined differently.

    The files found under one command-line path and in one repository (the nearest folder up
    holding `.git` or `cyclemap.toml`) must agree; separate paths and nested repositories are
    checked apart. Each contradiction is reported on every journey it touches, naming the
    other place, and makes those journeys invalid: two versions of the truth cannot both be
    audited.
    """
    extra: dict[int, list[Problem]] = {}
    by_id: dict[str, list[int]] = {}
    for position, result in enumerate(results):
        if result.ref is not None:
            by_id.setdefault(f"{result.scope}:{result.ref.id}", []).append(position)
    for key, positions in by_id.items():
        journey_id = key.rsplit(":", 1)[1]
        if len(positions) < 2:
            continue
        where_of = {p: ref.where for p in positions if (ref := results[p].ref) is not None}
        for position in positions:
            reference = results[position].ref
            assert reference is not None
            others = ", ".join(where for other, where in where_of.items() if other != position)
            extra.setdefault(position, []).append(
                JOURNEY_ID_TWICE.problem(
                    results[position].file,
                    reference.id_line,
                    reference.id_column,
                    "journey.id",
                    _("journey id `{id}` is also used at {others}").format(
                        id=journey_id, others=others
                    ),
                    _("give each journey its own id: one journey, one file"),
                )
            )
    for kind in ("channels", "teams"):
        definitions: dict[str, dict[str, tuple[Definition[Any], list[int]]]] = {}
        for position, result in enumerate(results):
            if result.ref is None:
                continue
            for entry_id, definition in getattr(result.ref, kind).items():
                if definition.file == result.ref.display:
                    continue  # a journey's own definitions are its own; catalogs are shared
                places = definitions.setdefault(f"{result.scope}:{entry_id}", {})
                places.setdefault(definition.where, (definition, []))[1].append(position)
        for key, places in definitions.items():
            entry_id = key.rsplit(":", 1)[1]
            first, _users = next(iter(places.values()))
            for definition, users in places.values():
                if definition.value == first.value:
                    continue
                message = (
                    _("channel `{id}` is defined differently here and at {where}")
                    if kind == "channels"
                    else _("team `{id}` is defined differently here and at {where}")
                )
                for position in users:
                    extra.setdefault(position, []).append(
                        DEFINED_TWICE.problem(
                            definition.file,
                            definition.line,
                            definition.column,
                            f"{kind}.{entry_id}",
                            message.format(id=entry_id, where=first.where),
                            _(
                                "keep one version of the truth: move it to a shared catalog, or "
                                "make the definitions identical"
                            ),
                        )
                    )
    _check_links(results, extra)
    return tuple(
        replace(
            result,
            status=Status.INVALID,
            journey=None,
            ref=None,
            findings=None,
            quick_wins=(),
            problems=tuple(sorted({*result.problems, *extra[position]})),
        )
        if position in extra
        else result
        for position, result in enumerate(results)
    )


def _check_links(results: list[FileResult], extra: dict[int, list[Problem]]) -> None:
    """Every `journey-id:step-id` must name a journey of the same repository and its step.

    Journeys of the repository that were not among the files checked are looked up there.
    """
    known: dict[str, dict[str, frozenset[str]]] = {}
    for result in results:
        if result.ref is not None:
            known.setdefault(result.scope, {})[result.ref.id] = result.ref.step_ids
    for position, result in enumerate(results):
        if result.ref is None or not result.ref.links:
            continue
        journeys = known.setdefault(result.scope, {})
        for line, column, path, journey_id, step_id in result.ref.links:
            if journey_id not in journeys:
                journeys.update(_repository_journeys(result.scope.split("|", 1)[1]))
            steps = journeys.get(journey_id)
            if steps is None:
                guess = did_you_mean(journey_id, journeys)
                message = (
                    _("unknown journey `{journey}` in `{journey}:{step}`; did you mean `{guess}`?")
                    if guess
                    else _("unknown journey `{journey}` in `{journey}:{step}`")
                )
                hint = _("link to a journey of this repository as `journey-id:step-id`")
            elif step_id not in steps:
                guess = did_you_mean(step_id, steps)
                message = (
                    _("journey `{journey}` has no step `{step}`; did you mean `{guess}`?")
                    if guess
                    else _("journey `{journey}` has no step `{step}`")
                )
                hint = (
                    _("write `{journey}:{guess}`").format(journey=journey_id, guess=guess)
                    if guess
                    else _("check the step id")
                )
            else:
                continue
            message = message.format(journey=journey_id, step=step_id, guess=guess)
            extra.setdefault(position, []).append(
                UNKNOWN_LINK.problem(result.file, line, column, path, message, hint)
            )


@cache
def _repository_journeys(root: str) -> dict[str, frozenset[str]]:
    """Journey id -> step ids of every valid journey under a repository root."""
    found: dict[str, frozenset[str]] = {}
    candidates, _failures = discover([Path(root)])
    for candidate in candidates:
        try:
            journey = load_journey(candidate.path, candidate.display, rule_names=rule_names())
        except (NotAJourney, LoadError, InputOutputError):
            continue
        found.setdefault(journey.id, frozenset(step.id for step in journey.document.steps))
    return found


PARALLEL_FROM = 24
"""From this many files, they are checked in parallel on all cores."""


def map_files(
    work: Callable[[Candidate], FileResult],
    candidates: list[Candidate],
    progress: Callable[[int, int], None] | None = None,
) -> list[FileResult]:
    """`work` on every candidate, in order; in worker processes when there are many.

    The results come back in the candidates' order either way, so serial and parallel runs
    give identical reports.
    """
    workers = min(os.cpu_count() or 1, 8)
    total = len(candidates)
    if total < PARALLEL_FROM or workers < 2:
        results = []
        for done, candidate in enumerate(candidates, start=1):
            results.append(work(candidate))
            if progress is not None:
                progress(done, total)
        return results
    from concurrent.futures import ProcessPoolExecutor

    chunk = max(1, total // (workers * 8))
    results = []
    with ProcessPoolExecutor(
        max_workers=workers, initializer=_worker_started, initargs=(language(),)
    ) as pool:
        with sigterm_held():  # while the workers are forked
            mapped = pool.map(work, candidates, chunksize=chunk)
        for done, result in enumerate(mapped, start=1):
            for path in result.inputs:  # read in a worker: this process must know them too
                remember_input(path)
            results.append(result)
            if progress is not None:
                progress(done, total)
    return results


def _worker_started(speaking: str) -> None:
    """A worker writes its messages in the run's language, however it was started (a
    forked worker inherits it, one spawned afresh would read the locale instead)."""
    worker_started()
    choose(speaking)


def validate(
    paths: Iterable[str | Path],
    selection: Selection | None = None,
    *,
    work: Callable[[Candidate], FileResult] = check_file,
    progress: Callable[[int, int], None] | None = None,
) -> ValidationReport:
    """Validate every journey under `paths`; one broken file never stops the others.

    `selection` narrows which files inside folders are considered (configuration globs);
    `work` is what is done with each file (`audit` also runs the rules there, in parallel);
    `progress(done, total)` is told as files finish.
    """
    candidates, failures = discover([Path(path) for path in paths], selection)
    results = one_version_of_truth(map_files(work, candidates, progress))
    failures += [result.failure for result in results if result.failure is not None]
    return ValidationReport(results, tuple(sorted(failure.as_problem() for failure in failures)))


def to_result(
    report: ValidationReport, *, fail_on: FailOn = FailOn.ERROR, audited: bool = False
) -> AuditResult:
    """The run's result, as every reporter takes it: each checked file with its problems or
    (audited) its findings and quick wins, the paths that could not be read, the files
    skipped."""
    return AuditResult(
        reports=tuple(
            FileReport(
                file=file.file,
                kind=file.kind,
                journey=file.ref.id if file.ref is not None else None,
                name=file.ref.name if file.ref is not None else None,
                findings=file.findings or (),
                problems=file.problems,
                quick_wins=file.quick_wins,
            )
            for file in report.checked
        ),
        failures=report.failures,
        skipped=tuple(
            SkippedFile(file.file, file.note)
            for file in report.files
            if file.status is Status.SKIPPED
        ),
        fail_on=fail_on,
        audited=audited,
    )


def validation_result(paths: Iterable[str | Path]) -> AuditResult:
    """`validate`: every file under `paths` with its problems, as every reporter shows it."""
    return to_result(validate(paths))
