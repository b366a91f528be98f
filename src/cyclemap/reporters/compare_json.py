"""`compare --format json` and `stats --diff --format json`: every compared figure, for
machines; byte-stable. Each figure is `{"before", "after", "change"}` (null where a version has
no such figure); endings are probabilities, durations seconds, customer figures in the
journey's `unit`. `stats` holds each version's figures as `stats --format json` gives them
(without quick wins, which a comparison does not rank)."""

from __future__ import annotations

from typing import Any

from cyclemap.analysis.compare import JourneyChange, Shift
from cyclemap.engine.comparing import ComparisonRun
from cyclemap.reporters.stats_json import report_dict
from cyclemap.util.numbers import json_text


def _shift(shift: Shift) -> dict[str, float | None]:
    return {"before": shift.before, "after": shift.after, "change": shift.delta}


def journey_dict(change: JourneyChange) -> dict[str, Any]:
    return {
        "journey": change.journey,
        "name": change.name,
        "file": change.file,
        "status": change.status,
        "unit": change.unit,
        "by_volume": change.by_volume,
        "entering": _shift(change.entering),
        "endings": {name: _shift(shift) for name, shift in change.endings.items()},
        "customers": {name: _shift(shift) for name, shift in change.customers.items()},
        "handoffs_to_success": _shift(change.handoffs_to_success),
        "time_to_success": _shift(change.time_to_success),
        "sent_round": _shift(change.sent_round),
        "extra_rounds": _shift(change.extra_rounds),
        "loops": {"before": change.loops[0], "after": change.loops[1]},
        "steps": [
            {
                "step": step.step,
                "name": step.name,
                "change": step.change,
                "fields": list(step.fields),
                "outcome": step.outcome,
                "reached": _shift(step.reached),
                "lost": _shift(step.lost),
            }
            for step in change.steps
        ],
        "transitions": [
            {
                "from": item.source,
                "to": item.target,
                "change": item.change,
                "fields": list(item.fields),
                "share": _shift(item.share),
                "written_share": _shift(item.written),
            }
            for item in change.transitions
        ],
        "findings": {
            "fixed": [finding.as_dict() for finding in change.fixed_findings],
            "new": [finding.as_dict() for finding in change.new_findings],
        },
        "notes": list(change.notes),
        "stats": {
            "before": report_dict(change.before) if change.before is not None else None,
            "after": report_dict(change.after) if change.after is not None else None,
        },
    }


def document(run: ComparisonRun) -> dict[str, Any]:
    return {
        "before": run.before,
        "after": run.after,
        "follow_links": run.follow_links,
        "journeys": [journey_dict(change) for change in run.changes],
        "summary": {
            "journeys": len(run.changes),
            **run.counts(),
            "not_compared": run.not_compared,
            "exit_code": run.exit_code,
        },
        "errors": [problem.as_dict() for problem in run.problems],
    }


def render(run: ComparisonRun) -> str:
    return json_text(document(run))
