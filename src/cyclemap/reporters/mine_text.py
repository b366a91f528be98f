"""`mine --format text`: what the log shows beside what the map says, for people."""

from __future__ import annotations

import io

from rich.table import Table
from rich.text import Text

from cyclemap.mining.figures import MiningReport, ObservedBounce, disagrees
from cyclemap.reporters.stats_text import duration_text, figures_table
from cyclemap.reporters.text import clean, console_for
from cyclemap.util.i18n import _, ngettext
from cyclemap.util.numbers import customers, percent

BOUNCE_ROWS = 20
"""Team pairs shown, most returns first; `--format json` has them all."""


def cases_count(count: int) -> str:
    return ngettext("{count} case", "{count} cases", count).format(count=customers(count))


def transition_columns() -> tuple[str, ...]:
    """The columns of the transitions table, in the current language (text and markdown)."""
    return (_("from"), _("to"), _("times"), _("observed"), _("map"), _("median"), _("p90"))


def abandonment_columns() -> tuple[str, ...]:
    return (_("step"), _("visits"), _("observed"), _("map"))


def channel_columns() -> tuple[str, ...]:
    return (_("step"), _("channel"), _("share of the step's events"))


def bounce_columns() -> tuple[str, ...]:
    return (
        _("back to"),
        _("from"),
        _("how"),
        _("returns"),
        _("cases"),
        _("of all cases"),
        _("of the handoffs"),
    )


def bounce_how(bounce: ObservedBounce) -> str:
    return _("direct") if bounce.direct else _("after other teams")


def of_the_handoff(bounce: ObservedBounce, handoff: str) -> str:
    return _("{share} of {handoff}").format(share=percent(bounce.ratio), handoff=handoff)


def not_mapped() -> str:
    return _("not mapped")


def _beside(observed: float, mapped: float | None) -> Text:
    """The map's figure, highlighted where the log disagrees with it."""
    if mapped is None:
        return Text(not_mapped(), style="bold red")
    return Text(percent(mapped), style="bold yellow" if disagrees(observed, mapped) else "")


def _transitions(report: MiningReport) -> Table:
    table = figures_table(
        _("Transitions (share of the customers moving on from the step)"),
        *transition_columns(),
        left=2,
    )
    for item in report.transitions:
        table.add_row(
            clean(item.source),
            clean(item.target),
            customers(item.count),
            percent(item.share),
            _beside(item.share, item.mapped_share),
            duration_text(item.median_seconds),
            duration_text(item.p90_seconds),
        )
    return table


def _abandonment(report: MiningReport) -> Table | None:
    rows = report.abandonment()
    if not rows:
        return None
    table = figures_table(
        _("Abandonment (cases ending at a step that is not an outcome)"),
        *abandonment_columns(),
    )
    for step in rows:
        table.add_row(
            clean(step.step),
            customers(step.visits),
            percent(step.abandon),
            _beside(step.abandon, step.mapped_abandon),
        )
    return table


def _bounce_row(bounce: ObservedBounce) -> tuple[str, ...]:
    return (
        clean(bounce.team),
        clean(bounce.via),
        bounce_how(bounce),
        customers(bounce.bounces),
        customers(bounce.cases),
        percent(bounce.case_share),
        of_the_handoff(bounce, " → ".join(map(clean, bounce.handoff))),
    )


def _peloteo(report: MiningReport) -> Table:
    table = figures_table(
        _("Peloteo observed (customers back at a team they had left)"), *bounce_columns(), left=3
    )
    for bounce in report.bounces[:BOUNCE_ROWS]:
        table.add_row(*_bounce_row(bounce))
    hidden = len(report.bounces) - BOUNCE_ROWS
    if hidden > 0:
        table.caption = ngettext(
            "… and {count} more team pair (--format json lists all)",
            "… and {count} more team pairs (--format json lists all)",
            hidden,
        ).format(count=customers(hidden))
        table.caption_justify = "left"
    return table


def _channels(report: MiningReport) -> Table | None:
    """Only the steps where customers used a channel other than the map's."""
    rows = report.channel_differences()
    if not rows:
        return None
    table = figures_table(
        _("Channels where the log differs from the map"), *channel_columns(), left=2
    )
    for item in rows:
        channel = Text(clean(item.channel), style="" if item.mapped else "bold yellow")
        table.add_row(clean(item.step), channel, percent(item.share))
    return table


def render(report: MiningReport, *, color: bool = False) -> str:
    buffer = io.StringIO()
    console = console_for(buffer, color=color, width=140)
    events = ngettext("{count} event", "{count} events", report.events).format(
        count=customers(report.events)
    )
    console.print(
        Text(
            _("Log {log}: {events}, {cases} of journey {journey}").format(
                log=clean(report.log),
                events=events,
                cases=cases_count(report.cases),
                journey=clean(report.journey),
            ),
            style="bold",
        )
    )
    entries = ", ".join(f"{clean(step)} {customers(count)}" for step, count in report.entries)
    console.print(_("Entries (first steps): {entries}").format(entries=entries))
    console.print(_transitions(report))
    for table in (_abandonment(report), _channels(report)):
        if table is not None:
            console.print(table)
    if report.bounces:
        console.print(_peloteo(report))
    else:
        console.print(_("Peloteo observed: none (no case came back to a team it had left)"))
    if report.variants:
        console.print(Text(_("Worst variants (cases that came back to a team):"), style="bold"))
        for variant, count in report.variants:
            console.print(f"  {cases_count(count)}: {clean(variant)}")
    for note in report.notes:
        console.print(Text.assemble((_("Note:") + " ", "bold yellow"), clean(note)))
    return buffer.getvalue()
