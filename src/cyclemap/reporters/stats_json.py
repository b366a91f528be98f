"""`stats --format json`: every flow figure any command shows, for machines; byte-stable.

Customer figures are in the journey's `unit`: customers per period when every entry has a
volume, otherwise per customer entering. `endings` are probabilities; durations are seconds.
"""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any

from cyclemap.analysis.report import FlowReport
from cyclemap.errors import Problem
from cyclemap.graph.flow_model import EntryFigures, GroupFlow, StepFlow
from cyclemap.util.numbers import json_text


def _entry(figures: EntryFigures) -> dict[str, Any]:
    data = asdict(figures)
    data["endings"] = figures.endings.as_dict()
    return data


def _step(step: StepFlow) -> dict[str, Any]:
    # Its fields are plain numbers and strings: read directly, without `asdict`'s deep copy
    # (one per step, the bulk of a large journey's document).
    return {**{field.name: getattr(step, field.name) for field in fields(step)}, "lost": step.lost}


def _group(key: str, group: GroupFlow) -> dict[str, Any]:
    return {
        key: group.group,
        "steps": len(group.steps),
        "reached": group.reached,
        "visits": group.visits,
        "abandoned": group.abandoned,
        "stuck": group.stuck,
        "ended_unhappily": group.ended_unhappily,
        "lost": group.lost,
    }


def report_dict(report: FlowReport) -> dict[str, Any]:
    return {
        "journey": report.journey,
        "by_volume": report.by_volume,
        "unit": report.unit,
        "weighting": report.weighting,
        "total_volume": report.total_volume,
        "overall": _entry(report.overall),
        "handoffs_to_success": report.handoffs_to_success,
        "entries": [_entry(entry) for entry in report.entries],
        "steps": [_step(step) for step in sorted(report.steps, key=lambda s: (-s.lost, s.step))],
        "stages": [_group("stage", stage) for stage in report.stages],
        "teams": [_group("team", team) for team in report.teams],
        "moves": {
            by: [
                {"from": source, "to": target, "moves": amount} for source, target, amount in moves
            ]
            for by, moves in report.moves.items()
        },
        "loops": [asdict(loop) for loop in report.loops],
        "dead_ends": [asdict(region) for region in report.dead_ends],
        "context_cost": report.context_cost,
        "quick_wins": [asdict(win) for win in report.quick_wins],
        **({"parts": [asdict(part) for part in report.parts]} if report.parts else {}),
    }


def render(reports: list[FlowReport], problems: list[Problem]) -> str:
    document = {
        "journeys": [report_dict(report) for report in reports],
        "errors": [problem.as_dict() for problem in problems],
    }
    return json_text(document)
