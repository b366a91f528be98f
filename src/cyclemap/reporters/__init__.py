"""Reporters: a run's result -> text for people or machines. Pure: they never print.

One module per format, each with `render(...) -> str`: `validate` and `audit` hand theirs an
`AuditResult` (so invalid files show in every format), `stats` its flow reports (`stats_*`),
`mine` what the log shows (`mine_*`); `rules` lists the catalog and explains a rule.
"""

from __future__ import annotations

import functools
import importlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from cyclemap.errors import Problem
from cyclemap.findings import AuditResult

if TYPE_CHECKING:
    from cyclemap.analysis.report import FlowReport
    from cyclemap.mining import MiningReport

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


def stats_report(
    reports: list[FlowReport], problems: list[Problem], format_name: str, *, color: bool = False
) -> str:
    """`stats`'s figures as `text` (for people; `color` on a terminal) or `json`."""
    if format_name == "json":
        from cyclemap.reporters import stats_json

        return stats_json.render(reports, problems)
    from cyclemap.reporters import stats_text

    return stats_text.render(reports, color=color)


def mine_report(report: MiningReport, format_name: str, *, color: bool = False) -> str:
    """`mine`'s figures as `text` (tables; `color` on a terminal), `json` or `markdown`."""
    if format_name == "json":
        from cyclemap.reporters import mine_json

        return mine_json.render(report)
    if format_name == "markdown":
        from cyclemap.reporters import mine_markdown

        return mine_markdown.render(report)
    from cyclemap.reporters import mine_text

    return mine_text.render(report, color=color)


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
