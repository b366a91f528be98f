"""`mine --format markdown`: the map against the log for a job summary or a pull-request comment.

The same figures as the text tables, as GitHub-flavoured markdown. Everything the log wrote
(teams, channels) goes through the audit report's `escape`, so a team named `a|b` or `<b>`
stays text inside its cell. Long tables stop at a row budget and say how many rows they left
out (`--format json` has them all).
"""

from __future__ import annotations

from cyclemap.mining.figures import MiningReport, disagrees
from cyclemap.reporters.markdown import code, escape
from cyclemap.reporters.stats_text import duration_text
from cyclemap.util.numbers import customers, percent

ROWS = 100
"""Rows shown per table."""


def _beside(observed: float, mapped: float | None) -> str:
    if mapped is None:
        return "**not mapped**"
    shown = percent(mapped)
    return f"**{shown}**" if disagrees(observed, mapped) else shown


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows[:ROWS]]
    if len(rows) > ROWS:
        lines.append(f"\n… and {len(rows) - ROWS:,} more rows (`--format json` lists all)")
    return [*lines, ""]


def render(report: MiningReport) -> str:
    lines = [
        f"## Log {code(report.log)} against journey {code(report.journey)}",
        "",
        f"{customers(report.events)} events, {customers(report.cases)} cases. Entries: "
        + ", ".join(f"{code(step)} {customers(count)}" for step, count in report.entries),
        "",
        "### Transitions",
        "",
    ]
    lines += _table(
        ["from", "to", "times", "observed", "map", "median", "p90"],
        [
            [
                code(item.source),
                code(item.target),
                customers(item.count),
                percent(item.share),
                _beside(item.share, item.mapped_share),
                duration_text(item.median_seconds),
                duration_text(item.p90_seconds),
            ]
            for item in report.transitions
        ],
    )
    abandoning = report.abandonment()
    if abandoning:
        lines += ["### Abandonment", ""]
        lines += _table(
            ["step", "visits", "observed", "map"],
            [
                [
                    code(step.step),
                    customers(step.visits),
                    percent(step.abandon),
                    _beside(step.abandon, step.mapped_abandon),
                ]
                for step in abandoning
            ],
        )
    differing = report.channel_differences()
    if differing:
        lines += ["### Channels where the log differs from the map", ""]
        lines += _table(
            ["step", "channel", "share of the step's events"],
            [[code(item.step), escape(item.channel), percent(item.share)] for item in differing],
        )
    lines += ["### Peloteo observed", ""]
    if report.bounces:
        lines += _table(
            ["back to", "from", "how", "returns", "cases", "of all cases", "of the handoffs"],
            [
                [
                    escape(bounce.team),
                    escape(bounce.via),
                    "direct" if bounce.direct else "after other teams",
                    customers(bounce.bounces),
                    customers(bounce.cases),
                    percent(bounce.case_share),
                    percent(bounce.ratio) + " of " + escape(" → ".join(bounce.handoff)),
                ]
                for bounce in report.bounces
            ],
        )
    else:
        lines += ["No case came back to a team it had left.", ""]
    if report.variants:
        lines += ["### Worst variants", ""]
        lines += [f"- {customers(count)}: {escape(variant)}" for variant, count in report.variants]
        lines.append("")
    lines += [f"> {escape(note)}" for note in report.notes]
    return "\n".join(lines).rstrip("\n") + "\n"
