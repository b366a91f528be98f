"""Reporters: a run's result -> text for people or machines. Pure: they never print.

One module per format, each with `render(result, options) -> str`. `validate` and `audit`
both hand them an `AuditResult`, so invalid files show in every format.
"""

from __future__ import annotations

import functools
import importlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from cyclemap.findings import AuditResult

FORMATS = ("text", "json", "sarif", "junit", "github", "markdown")


@dataclass(frozen=True)
class ReportOptions:
    color: bool = False
    """ANSI colours (text only): the CLI sets it only on a terminal without NO_COLOR."""
    verbose: bool = False
    """Also list valid and skipped files (text only)."""


class _Reporter(Protocol):
    def render(self, result: AuditResult, options: ReportOptions) -> str: ...


def render(result: AuditResult, format_name: str, options: ReportOptions | None = None) -> str:
    """The report in one of `FORMATS`."""
    if format_name not in FORMATS:
        raise ValueError(f"unknown report format {format_name!r}")
    module: _Reporter = importlib.import_module(f"cyclemap.reporters.{format_name}")
    return module.render(result, options or ReportOptions())


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
