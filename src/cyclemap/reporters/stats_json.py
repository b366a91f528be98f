"""`stats --format json`: the same figures as the tables, for machines; byte-stable."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from cyclemap.errors import Problem
from cyclemap.flow import EntryFigures, FlowReport
from cyclemap.numbers import json_text


def _entry(figures: EntryFigures) -> dict[str, Any]:
    data = asdict(figures)
    data["endings"] = figures.endings.as_dict()
    return data


def report_dict(report: FlowReport) -> dict[str, Any]:
    return {
        "journey": report.journey,
        "by_volume": report.by_volume,
        "weighting": report.weighting,
        "total_volume": report.total_volume,
        "overall": _entry(report.overall),
        "entries": [_entry(entry) for entry in report.entries],
        "steps": [asdict(step) for step in sorted(report.steps, key=lambda s: (-s.lost, s.step))],
        "loops": [asdict(loop) for loop in report.loops],
        "quick_wins": [asdict(win) for win in report.quick_wins],
    }


def render(reports: list[FlowReport], problems: list[Problem]) -> str:
    document = {
        "journeys": [report_dict(report) for report in reports],
        "errors": [problem.as_dict() for problem in problems],
    }
    return json_text(document)
