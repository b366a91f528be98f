"""`mine --format markdown`: the map against the log for a job summary or a pull-request comment.

The same figures as the text tables, as GitHub-flavoured markdown. Everything the log wrote
(teams, channels) goes through the audit report's `escape`, so a team named `a|b` or `<b>`
stays text inside its cell. Long tables stop at a row budget and say how many rows they left
out (`--format json` has them all).
"""

from __future__ import annotations

from cyclemap.mining.figures import MiningReport, disagrees
from cyclemap.reporters.markdown import code, escape
from cyclemap.reporters.mine_text import (
    abandonment_columns,
    bounce_columns,
    bounce_how,
    cases_count,
    channel_columns,
    not_mapped,
    of_the_handoff,
    transition_columns,
)
from cyclemap.reporters.stats_text import duration_text
from cyclemap.util.i18n import _, ngettext
from cyclemap.util.numbers import customers, percent

ROWS = 100
"""Rows shown per table."""


def _beside(observed: float, mapped: float | None) -> str:
    if mapped is None:
        return f"**{not_mapped()}**"
    shown = percent(mapped)
    return f"**{shown}**" if disagrees(observed, mapped) else shown


def _table(header: tuple[str, ...], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows[:ROWS]]
    if len(rows) > ROWS:
        hidden = len(rows) - ROWS
        more = ngettext(
            "… and {count} more row (`--format json` lists all)",
            "… and {count} more rows (`--format json` lists all)",
            hidden,
        )
        lines.append("\n" + more.format(count=customers(hidden)))
    return [*lines, ""]


def render(report: MiningReport) -> str:
    events = ngettext("{count} event", "{count} events", report.events).format(
        count=customers(report.events)
    )
    entries = ", ".join(f"{code(step)} {customers(count)}" for step, count in report.entries)
    lines = [
        "## "
        + _("Log {log} against journey {journey}").format(
            log=code(report.log), journey=code(report.journey)
        ),
        "",
        _("{events}, {cases}. Entries: {entries}").format(
            events=events, cases=cases_count(report.cases), entries=entries
        ),
        "",
        "### " + _("Transitions"),
        "",
    ]
    lines += _table(
        transition_columns(),
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
        lines += ["### " + _("Abandonment"), ""]
        lines += _table(
            abandonment_columns(),
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
        lines += ["### " + _("Channels where the log differs from the map"), ""]
        lines += _table(
            channel_columns(),
            [[code(item.step), escape(item.channel), percent(item.share)] for item in differing],
        )
    lines += ["### " + _("Peloteo observed"), ""]
    if report.bounces:
        lines += _table(
            bounce_columns(),
            [
                [
                    escape(bounce.team),
                    escape(bounce.via),
                    bounce_how(bounce),
                    customers(bounce.bounces),
                    customers(bounce.cases),
                    percent(bounce.case_share),
                    of_the_handoff(bounce, escape(" → ".join(bounce.handoff))),
                ]
                for bounce in report.bounces
            ],
        )
    else:
        lines += [_("No case came back to a team it had left."), ""]
    if report.variants:
        lines += ["### " + _("Worst variants"), ""]
        lines += [f"- {customers(count)}: {escape(variant)}" for variant, count in report.variants]
        lines.append("")
    lines += [f"> {escape(note)}" for note in report.notes]
    return "\n".join(lines).rstrip("\n") + "\n"
