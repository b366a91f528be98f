"""Reporters: a run's result -> text for people or machines. Pure: they never print.

One module per format, each with `render(...) -> str`: `validate` and `audit` hand theirs an
`AuditResult` (so invalid files show in every format), `stats` its flow reports (`stats_*`),
`mine` what the log shows (`mine_*`); `rules` lists the catalog and explains a rule.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Protocol

from cyclemap.errors import Problem
from cyclemap.findings import AuditResult
from cyclemap.reporters.common import ReportOptions, source_path

if TYPE_CHECKING:
    from cyclemap.analysis.report import FlowReport
    from cyclemap.engine.comparing import ComparisonRun
    from cyclemap.mining import MiningReport

FORMATS = ("text", "json", "sarif", "junit", "github", "markdown")

__all__ = [
    "FORMATS",
    "ReportOptions",
    "compare_report",
    "mine_report",
    "render",
    "source_path",
    "stats_report",
]


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


def compare_report(run: ComparisonRun, format_name: str, *, everything: bool = False) -> str:
    """What a change does to customers (`compare`, `stats --diff`) as `text`, `json` or
    `markdown`; `everything`: the text lists the unchanged journeys too."""
    if format_name == "json":
        from cyclemap.reporters import compare_json

        return compare_json.render(run)
    if format_name == "markdown":
        from cyclemap.reporters import compare_markdown

        return compare_markdown.render(run)
    from cyclemap.reporters import compare_text

    return compare_text.render(run, everything=everything)
