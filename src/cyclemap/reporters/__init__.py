"""Reporters: a run's result -> text for people or machines. Pure: they never print.

One module per format, each with `render(result, options) -> str`. `validate` and `audit`
both hand them an `AuditResult`, so invalid files show in every format.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
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
