"""The problems and exceptions users see.

A `Problem` is one thing wrong with one file, pinned to a place in it. Loading and validation
collect problems instead of raising, so that every error of a file is reported at once; the
exceptions here are for the few situations where going on makes no sense.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

FORMAT_REFERENCES = {"en": "docs/format.md", "es": "docs/format.es.md"}
"""The format reference, for people writing journeys, in each language: every problem of a
journey points at a section of it (`see docs/format.md#numbers`); both versions have the same
sections under the same anchors."""


def format_reference(language: str = "en") -> str:
    """The format reference in `language` (`docs/format.md` in English)."""
    return FORMAT_REFERENCES.get(language, FORMAT_REFERENCES["en"])


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One error in one file: where it is, what is wrong, and how to fix it.

    `line` and `column` are 1-based; `column` counts code points. `path` is the field path inside
    the document (`steps[2].next[0].share`), empty for problems of the file as a whole.
    `code` is the stable code of the kind of problem (`CM105`, see `cyclemap.format.codes`)
    and `section` the anchor of the format reference that says what to write instead; both
    are empty for problems that are not about a journey's contents (an unreadable path).
    """

    file: str
    line: int
    column: int
    path: str = ""
    message: str = ""
    hint: str = field(default="", compare=False)
    code: str = field(default="", compare=False)
    section: str = field(default="", compare=False)

    @property
    def see(self) -> str:
        """The section of the format reference that explains it, `docs/format.md#numbers`
        (or empty): the same in every language, for machines (JSON, SARIF); a report for
        people links the reference in its reader's language (`see_in`)."""
        return self.see_in("en")

    def see_in(self, language: str) -> str:
        """The section that explains it in the format reference in `language`, or empty."""
        return f"{format_reference(language)}#{self.section}" if self.section else ""

    @property
    def coded(self) -> str:
        """The message with its code, for reports that show no code apart: `... [CM105]`."""
        return f"{self.message} [{self.code}]" if self.code else self.message

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "message": self.message,
            "hint": self.hint or None,
            "code": self.code or None,
            "see": self.see or None,
        }


def _rebuilt(
    kind: type[BaseException], args: tuple[object, ...], state: dict[str, object]
) -> object:
    error = kind.__new__(kind)
    error.args = args
    error.__dict__.update(state)
    return error


class PicklableError(Exception):
    """An exception that crosses process boundaries whatever its `__init__` takes.

    Python pickles an exception as `type(error)(*error.args)`, which fails for an `__init__`
    with other parameters than the message: a worker's error then kills the whole process
    pool (`BrokenProcessPool`). This rebuilds it from its arguments and attributes instead.
    """

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuilt, (type(self), self.args, dict(self.__dict__)))


class CyclemapError(PicklableError):
    """Base class of every error cyclemap raises on purpose.

    `exit_code` is the exit status the command line gives it, the same in every command: 2
    when the run could not do what was asked (a bad option, a file that cannot be read or
    written, a broken configuration), 1 when what it was given is wrong (a journey that is
    not valid, as `validate` says of an invalid file; a log that does not fit).
    """

    exit_code: ClassVar[int] = 2
    problems: list[Problem]
    """Errors of a file's contents list each problem, with its place and a hint."""

    def __init__(self, *arguments: object) -> None:
        super().__init__(*arguments)
        self.problems = []


class UsageError(CyclemapError):
    """The command line asks for something impossible (a missing path, a bad option)."""


class InputOutputError(CyclemapError):
    """A file or folder could not be read or written."""

    def __init__(self, file: str, reason: str) -> None:
        super().__init__(f"{file}: {reason}")
        self.file = file
        self.reason = reason

    def as_problem(self) -> Problem:
        """As a problem without a position (line and column 0), for reports."""
        return Problem(self.file, 0, 0, "", self.reason)


class LoadError(CyclemapError):
    """A file could not be turned into a journey; carries every problem found."""

    exit_code = 1

    def __init__(self, problems: list[Problem]) -> None:
        ordered = sorted(problems)
        first = ordered[0] if ordered else None
        summary = (
            f"{first.file}:{first.line}:{first.column}: {first.message}" if first else "invalid"
        )
        super().__init__(summary)
        self.problems = ordered


class ConfigError(CyclemapError):
    """A configuration file is broken; carries the problems found in it."""

    def __init__(self, problems: list[Problem]) -> None:
        ordered = sorted(problems)
        super().__init__("; ".join(problem.message for problem in ordered))
        self.problems = ordered
