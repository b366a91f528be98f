"""`mine --format text`: what the log shows beside what the map says, for people."""

from __future__ import annotations

import io

from rich.table import Table
from rich.text import Text

from cyclemap.mining.figures import MiningReport, ObservedBounce, disagrees
from cyclemap.reporters.stats_text import duration_text
from cyclemap.reporters.text import clean, console_for
from cyclemap.util.numbers import customers, percent

BOUNCE_ROWS = 20
"""Team pairs shown, most returns first; `--format json` has them all."""


def _cases(count: int) -> str:
    return "1 case" if count == 1 else f"{customers(count)} cases"


def _beside(observed: float, mapped: float | None) -> Text:
    """The map's figure, highlighted where the log disagrees with it."""
    if mapped is None:
        return Text("not mapped", style="bold red")
    return Text(percent(mapped), style="bold yellow" if disagrees(observed, mapped) else "")


def _table(title: str, *columns: str, left: int = 2) -> Table:
    """A table whose first `left` columns are text and the rest figures."""
    table = Table(title=title, title_justify="left", header_style="bold")
    for number, column in enumerate(columns):
        table.add_column(column, justify="left" if number < left else "right")
    return table


def _transitions(report: MiningReport) -> Table:
    table = _table(
        "Transitions (share of the customers moving on from the step)",
        "from",
        "to",
        "times",
        "observed",
        "map",
        "median",
        "p90",
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
    table = _table("Abandonment (cases ending at a step that is not an outcome)", "step")
    for column in ("visits", "observed", "map"):
        table.add_column(column, justify="right")
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
        "direct" if bounce.direct else "after other teams",
        customers(bounce.bounces),
        customers(bounce.cases),
        percent(bounce.case_share),
        f"{percent(bounce.ratio)} of {' → '.join(map(clean, bounce.handoff))}",
    )


def _peloteo(report: MiningReport) -> Table:
    table = _table(
        "Peloteo observed (customers back at a team they had left)",
        "back to",
        "from",
        "how",
        "returns",
        "cases",
        "of all cases",
        "of the handoffs",
        left=3,
    )
    for bounce in report.bounces[:BOUNCE_ROWS]:
        table.add_row(*_bounce_row(bounce))
    hidden = len(report.bounces) - BOUNCE_ROWS
    if hidden > 0:
        table.caption = f"… and {customers(hidden)} more team pairs (--format json lists all)"
        table.caption_justify = "left"
    return table


def _channels(report: MiningReport) -> Table | None:
    """Only the steps where customers used a channel other than the map's."""
    rows = report.channel_differences()
    if not rows:
        return None
    table = _table("Channels where the log differs from the map", "step", "channel")
    table.add_column("share of the step's events", justify="right")
    for item in rows:
        channel = Text(clean(item.channel), style="" if item.mapped else "bold yellow")
        table.add_row(clean(item.step), channel, percent(item.share))
    return table


def render(report: MiningReport, *, color: bool = False) -> str:
    buffer = io.StringIO()
    console = console_for(buffer, color=color, width=140)
    console.print(
        Text.assemble(
            ("Log ", "bold"),
            (clean(report.log), "bold"),
            f": {customers(report.events)} events, {_cases(report.cases)} of journey ",
            (clean(report.journey), "bold"),
        )
    )
    console.print(
        "Entries (first steps): "
        + ", ".join(f"{clean(step)} {customers(count)}" for step, count in report.entries)
    )
    console.print(_transitions(report))
    for table in (_abandonment(report), _channels(report)):
        if table is not None:
            console.print(table)
    if report.bounces:
        console.print(_peloteo(report))
    else:
        console.print("Peloteo observed: none (no case came back to a team it had left)")
    if report.variants:
        console.print(Text("Worst variants (cases that came back to a team):", style="bold"))
        for variant, count in report.variants:
            console.print(f"  {_cases(count)}: {clean(variant)}")
    for note in report.notes:
        console.print(Text.assemble(("Note: ", "bold yellow"), clean(note)))
    return buffer.getvalue()
