"""`validate`: check many files, each on its own, and say what is wrong with every one."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from cyclemap.errors import InputOutputError, LoadError, Problem
from cyclemap.loading import LoadedJourney, NotAJourney, load_catalog, load_journey
from cyclemap.loading.discovery import Candidate, Selection, discover, looks_like_journey


class Status(str, enum.Enum):
    VALID = "valid"
    INVALID = "invalid"
    SKIPPED = "skipped"
    UNREADABLE = "unreadable"


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


def _not_a_journey(candidate: Candidate) -> FileResult:
    return FileResult(
        candidate.display,
        Status.INVALID,
        "other",
        (
            Problem(
                candidate.display,
                1,
                1,
                "",
                "this file is not a cyclemap journey: it has no top-level `cyclemap:` key",
                "start the file with `cyclemap: 1`, or check that this is the right file",
            ),
        ),
    )


def check_file(candidate: Candidate) -> FileResult:
    """Validate one file; never raises for anything the file contains."""
    try:
        journey = load_journey(candidate.path, candidate.display)
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
            candidate.display, Status.SKIPPED, "other", note="no top-level `cyclemap:` key"
        )
    except LoadError as error:
        if not candidate.explicit and not looks_like_journey(candidate.path):
            return FileResult(
                candidate.display,
                Status.SKIPPED,
                "other",
                note="not readable as YAML and no top-level `cyclemap:` key",
            )
        return FileResult(candidate.display, Status.INVALID, problems=tuple(error.problems))
    except InputOutputError as error:
        return FileResult(candidate.display, Status.UNREADABLE, note=error.reason, failure=error)
    return FileResult(candidate.display, Status.VALID, journey=journey)


def validate(paths: Iterable[str | Path], selection: Selection | None = None) -> ValidationReport:
    """Validate every journey under `paths`; one broken file never stops the others.

    `selection` narrows which files inside folders are considered (configuration globs).
    """
    candidates, failures = discover([Path(path) for path in paths], selection)
    results = tuple(check_file(candidate) for candidate in candidates)
    failures += [result.failure for result in results if result.failure is not None]
    return ValidationReport(results, tuple(sorted(failure.as_problem() for failure in failures)))
