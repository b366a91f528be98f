"""`stats` for people: where customers go, where they are lost, and the fixes that pay most."""

from __future__ import annotations

import io

from rich.table import Table
from rich.text import Text

from cyclemap.flow import EntryFigures, FlowReport, QuickWin
from cyclemap.numbers import customers, percent
from cyclemap.reporters.text import clean, console_for

STEP_ROWS = 10


def duration_text(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds / size:.1f}{unit}"
    return f"{seconds:.0f}s"


def _entries_table(report: FlowReport) -> Table:
    table = Table(title="Per entry", title_justify="left", header_style="bold")
    linked = report.overall.endings.elsewhere > 0
    endings_shown = ["success", "failure", "abandoned", "stuck"] + (["elsewhere"] if linked else [])
    for column in ("entry", "volume", *endings_shown, "steps", "handoffs", "time"):
        table.add_column(column, justify="left" if column == "entry" else "right")

    def row(figures: EntryFigures, name: str) -> None:
        endings = figures.endings.as_dict()
        table.add_row(
            clean(name),
            customers(figures.volume) if figures.volume is not None else "—",
            *(percent(endings[ending]) for ending in endings_shown),
            f"{figures.expected_steps:.1f}",
            f"{figures.expected_handoffs:.1f}",
            duration_text(figures.expected_duration),
        )

    for figures in report.entries:
        row(figures, figures.entry)
    if len(report.entries) > 1:
        row(report.overall, "all entries")
    return table


def _steps_table(report: FlowReport) -> Table | None:
    losing = sorted((step for step in report.steps if step.lost > 0), key=lambda s: -s.lost)
    if not losing:
        return None
    unit = "customers lost per period" if report.by_volume else "lost per customer entering"
    table = Table(
        title=f"Where customers are lost ({unit})", title_justify="left", header_style="bold"
    )
    for column in ("step", "abandon", "visits", "lost"):
        table.add_column(column, justify="left" if column == "step" else "right")
    for step in losing[:STEP_ROWS]:
        table.add_row(
            clean(step.step),
            percent(step.abandon),
            f"{step.visits:.2f}",
            customers(step.lost) if report.by_volume else percent(step.lost),
        )
    return table


def quick_win_lines(report: FlowReport, wins: tuple[QuickWin, ...]) -> list[Text]:
    return [
        Text.assemble(
            f"  {rank}. ",
            (clean(win.description), "bold"),
            ": ",
            (report.gain_text(win), "green"),
            f" (success {percent(report.overall.endings.success)} → {percent(win.success_after)})",
        )
        for rank, win in enumerate(wins, start=1)
    ]


def render(reports: list[FlowReport], *, color: bool = False) -> str:
    buffer = io.StringIO()
    console = console_for(buffer, color=color, width=120)
    for report in reports:
        overall = report.overall
        console.print(
            Text.assemble(
                ("Journey ", "bold"), (clean(report.journey), "bold"), f" — {report.weighting}"
            )
        )
        volume = (
            f" of {customers(report.total_volume)} customers per period"
            if (report.total_volume)
            else ""
        )
        console.print(
            f"Success {percent(overall.endings.success)}{volume}; abandoned "
            f"{percent(overall.endings.abandoned)}; failure {percent(overall.endings.failure)}"
            + (f"; stuck {percent(overall.endings.stuck)}" if overall.endings.stuck else "")
        )
        console.print(_entries_table(report))
        steps = _steps_table(report)
        if steps is not None:
            console.print(steps)
        for loop in report.loops:
            teams = " ↔ ".join(clean(team) for team in loop.teams)
            amount = (
                customers(loop.bounces) + " bounces per period"
                if report.by_volume
                else (f"{loop.bounces:.2f} bounces per customer")
            )
            console.print(f"Peloteo loop {teams} ({' → '.join(map(clean, loop.steps))}): {amount}")
        if report.quick_wins:
            console.print(Text("Quick wins (ganancias tempranas):", style="bold"))
            for line in quick_win_lines(report, report.quick_wins):
                console.print(line)
        console.print()
    return buffer.getvalue()
