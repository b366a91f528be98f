"""`stats` for people: where customers go, where they are lost, and the fixes that pay most."""

from __future__ import annotations

import io

from rich.table import Table
from rich.text import Text

from cyclemap.analysis.quick_wins import QuickWin
from cyclemap.analysis.report import FlowReport, LoopFigures
from cyclemap.graph.flow_model import EntryFigures
from cyclemap.reporters.text import clean, console_for
from cyclemap.util.i18n import _
from cyclemap.util.numbers import customers, percent

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
    times = ("to success", "until lost")
    for column in ("entry", "volume", *endings_shown, "steps", "handoffs", *times):
        table.add_column(column, justify="left" if column == "entry" else "right")

    def row(figures: EntryFigures, name: str) -> None:
        endings = figures.endings.as_dict()
        table.add_row(
            clean(name),
            customers(figures.volume) if figures.volume is not None else "—",
            *(percent(endings[ending]) for ending in endings_shown),
            f"{figures.expected_steps:.1f}",
            f"{figures.expected_handoffs:.1f}",
            duration_text(figures.duration_to_success),
            duration_text(figures.duration_to_loss),
        )

    for figures in report.entries:
        row(figures, figures.entry)
    if len(report.entries) > 1:
        row(report.overall, "all entries")
    return table


def _steps_table(report: FlowReport) -> Table | None:
    # Most lost first; steps losing as many keep their file order (as the HTML page lists them).
    losing = sorted((step for step in report.steps if step.lost > 0), key=lambda s: -s.lost)
    if not losing:
        return None
    table = Table(
        title=f"Where customers are lost ({report.unit})",
        title_justify="left",
        header_style="bold",
    )
    for column in (
        "step",
        "abandon rate",
        "reached",
        "visits",
        "abandon",
        "no way forward",
        "lost",
    ):
        table.add_column(column, justify="left" if column == "step" else "right")
    for step in losing[:STEP_ROWS]:
        table.add_row(
            clean(step.step),
            percent(step.abandon),
            report.amount(step.reached) if step.reached is not None else "—",
            visits_text(report, step.visits),
            report.amount(step.abandoned),
            report.amount(step.stuck),
            report.amount(step.lost),
        )
    return table


def visits_text(report: FlowReport, visits: float) -> str:
    """Visits in the report's unit: a count per period, or visits per customer entering."""
    return customers(visits) if report.by_volume else f"{visits:.2f}"


def _stages_table(report: FlowReport) -> Table | None:
    if not report.stages:
        return None
    table = Table(title=f"Per stage ({report.unit})", title_justify="left", header_style="bold")
    for column in ("stage", "reached", "visits", "lost"):
        table.add_column(column, justify="left" if column == "stage" else "right")
    for stage in report.stages:
        table.add_row(
            clean(str(stage.group)),
            report.amount(stage.reached),
            visits_text(report, stage.visits),
            report.amount(stage.lost),
        )
    return table


def _parts_table(report: FlowReport) -> Table | None:
    """With `--follow-links`: each linked journey's part in the customer's whole cycle."""
    if not report.parts:
        return None
    table = Table(
        title=_("Each journey's part of the whole cycle ({unit})").format(unit=_(report.unit)),
        title_justify="left",
        header_style="bold",
    )
    headers = (
        _("linked journey"),
        _("reached"),
        _("succeed there"),
        _("lost there"),
        _("sent to other journeys"),
    )
    for number, column in enumerate(headers):
        table.add_column(column, justify="left" if number == 0 else "right")
    for part in report.parts:
        table.add_row(
            clean(part.journey),
            report.amount(part.reached),
            report.amount(part.success),
            report.amount(part.lost),
            report.amount(part.elsewhere),
        )
    return table


def loop_line(report: FlowReport, loop: LoopFigures) -> str:
    """What a peloteo loop costs, in words (the definitions are in `cyclemap explain`)."""
    teams = " ↔ ".join(clean(team) for team in loop.teams)
    line = f"Peloteo loop {teams} ({' → '.join(map(clean, loop.steps))})"
    if loop.sent_round is None or loop.reached is None or loop.round_probability is None:
        return line + ": too tangled to work out"
    unit = " customers per period" if report.by_volume else " of the customers entering"
    return (
        f"{line}: {report.amount(loop.sent_round)}{unit} sent round at least once "
        f"({percent(loop.round_probability)} of the {report.amount(loop.reached)} who reach "
        f"{clean(loop.start)}), {visits_text(report, loop.extra_rounds or 0.0)} extra rounds"
    )


def quick_win_lines(report: FlowReport, wins: tuple[QuickWin, ...]) -> list[Text]:
    return [
        Text.assemble(
            f"  {rank}. ",
            (clean(win.description), "bold"),
            ": ",
            (report.gain_text(win), "green"),
            f" (success {percent(report.overall.endings.success)} → {percent(win.success_after)})",
            "\n     ",
            (clean(report.win_note(win)), "dim"),
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
        parts = _parts_table(report)
        if parts is not None:
            console.print(parts)
        steps = _steps_table(report)
        if steps is not None:
            console.print(steps)
        stages = _stages_table(report)
        if stages is not None:
            console.print(stages)
        for loop in report.loops:
            console.print(loop_line(report, loop))
        for region in report.dead_ends:
            size = f", {region.size} steps" if region.size > 1 else ""
            console.print(
                f"Dead end at {', '.join(map(clean, region.steps))}{size}: "
                f"{report.amount(region.reached)}"
                f"{' customers per period' if report.by_volume else ' of the customers entering'}"
                " reach it, and none of them can succeed"
            )
        if report.quick_wins:
            console.print(Text("Quick wins (ganancias tempranas):", style="bold"))
            for line in quick_win_lines(report, report.quick_wins):
                console.print(line)
        console.print()
    return buffer.getvalue()
