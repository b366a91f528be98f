"""What the reporters share: the options of a report, and paths as CI tools place them."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cyclemap.engine.comparing import ComparisonRun

from cyclemap.errors import Problem, format_reference
from cyclemap.util.i18n import _, language


@dataclass(frozen=True)
class ReportOptions:
    color: bool = False
    """ANSI colours (text only): the CLI sets it only on a terminal without NO_COLOR."""
    verbose: bool = False
    """Also list valid and skipped files (text only)."""
    customers: ComparisonRun | None = None
    """What the change does to customers (`audit --diff`; Markdown only)."""


@functools.cache
def _repository_of(folder: Path) -> Path | None:
    """The nearest folder from `folder` up holding `.git` (a folder, or a work tree's file)."""
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def source_path(file: str) -> str | None:
    """`file` (as cyclemap shows it) relative to its repository's root, or to the working
    folder outside any repository, POSIX style; None when it is outside both. CI tools (GitHub
    code scanning and annotations) place results by the path from the repository root,
    whichever folder cyclemap ran in."""
    absolute = Path(os.path.abspath(file))
    root = _repository_of(absolute.parent)
    for base in (root, Path(os.path.abspath("."))):
        if base is not None and absolute.is_relative_to(base):
            return absolute.relative_to(base).as_posix()
    return None


def reference() -> str:
    """The format reference in the reader's language (`docs/format.es.md` in Spanish)."""
    return format_reference(language())


def see(problem: Problem) -> str:
    """Where the format reference, in the reader's language, explains `problem` (or empty)."""
    return problem.see_in(language())


def advice(problem: Problem) -> str:
    """The problem's hint and where the format reference explains it, on one line."""
    link = see(problem)
    parts = (problem.hint, _("see {where}").format(where=link) if link else "")
    return "; ".join(part for part in parts if part)
