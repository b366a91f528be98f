"""`stats` for people: where customers go, where they are lost, and the fixes that pay most."""

from __future__ import annotations

import io

from rich.table import Table
from rich.text import Text

from cyclemap.analysis.quick_wins import QuickWin
from cyclemap.analysis.report import FlowReport, LoopFigures, abandon_rate, marked
from cyclemap.graph.flow_model import EntryFigures
from cyclemap.reporters.text import clean, console_for
from cyclemap.util.i18n import _
from cyclemap.util.numbers import customers, number, percent

STEP_ROWS = 10


def duration_text(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return number(seconds / size, 1) + unit
    return number(seconds) + "s"


def figures_table(title: str, *columns: str, left: int = 1) -> Table:
    """A table under `title` whose first `left` columns are text and the rest figures."""
    table = Table(title=title, title_justify="left", header_style="bold")
    for position, column in enumerate(columns):
        table.add_column(column, justify="left" if position < left else "right")
    return table


def _entries_table(report: FlowReport) -> Table:
    linked = report.overall.endings.elsewhere > 0
    endings_shown = ["success", "failure", "abandoned", "stuck"] + (["elsewhere"] if linked else [])
    headings = {
        "success": _("success"),
        "failure": _("failure"),
        "abandoned": _("abandoned"),
        "stuck": _("stuck"),
        "elsewhere": _("elsewhere"),
    }
    table = figures_table(
        _("Per entry"),
        _("entry"),
        _("volume"),
        *(headings[ending] for ending in endings_shown),
        _("steps"),
        _("handoffs"),
        _("to success"),
        _("until lost"),
    )

    def row(figures: EntryFigures, name: str) -> None:
        endings = figures.endings.as_dict()
        table.add_row(
            clean(name),
            customers(figures.volume) if figures.volume is not None else "—",
            *(percent(endings[ending]) for ending in endings_shown),
            number(figures.expected_steps, 1),
            number(figures.expected_handoffs, 1),
            duration_text(figures.duration_to_success),
            duration_text(figures.duration_to_loss),
        )

    for figures in report.entries:
        row(figures, figures.entry)
    if len(report.entries) > 1:
        row(report.overall, _("all entries"))
    return table


def _steps_table(report: FlowReport) -> Table | None:
    # Most lost first; steps losing as many keep their file order (as the HTML page lists them).
    losing = sorted((step for step in report.steps if step.lost > 0), key=lambda s: -s.lost)
    if not losing:
        return None
    table = figures_table(
        _("Where customers are lost ({unit})").format(unit=_(report.unit)),
        _("step"),
        _("abandon rate"),
        _("reached"),
        _("visits"),
        _("abandon"),
        _("no way forward"),
        _("end at the outcome"),
        _("lost"),
    )
    for step in losing[:STEP_ROWS]:
        table.add_row(
            marked(clean(step.step), step),
            abandon_rate(step),
            report.amount(step.reached) if step.reached is not None else "—",
            visits_text(report, step.visits),
            report.amount(step.abandoned),
            report.amount(step.stuck),
            report.amount(step.ended_unhappily),
            report.amount(step.lost),
        )
    return table


def visits_text(report: FlowReport, visits: float) -> str:
    """Visits in the report's unit: a count per period, or visits per customer entering."""
    return customers(visits) if report.by_volume else number(visits, 2)


def _stages_table(report: FlowReport) -> Table | None:
    if not report.stages:
        return None
    table = figures_table(
        _("Per stage ({unit})").format(unit=_(report.unit)),
        _("stage"),
        _("reached"),
        _("visits"),
        _("lost"),
    )
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
    table = figures_table(
        _("Each journey's part of the whole cycle ({unit})").format(unit=_(report.unit)),
        _("linked journey"),
        _("reached"),
        _("succeed there"),
        _("lost there"),
        _("sent to other journeys"),
    )
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
    line = _("Peloteo loop {teams} ({steps})").format(
        teams=teams, steps=" → ".join(map(clean, loop.steps))
    )
    if loop.sent_round is None or loop.reached is None or loop.round_probability is None:
        return _("{loop}: too tangled to work out").format(loop=line)
    sent = (
        _(
            "{loop}: {amount} customers per period sent round at least once ({share} of the "
            "{reached} who reach {start}), {rounds} extra rounds"
        )
        if report.by_volume
        else _(
            "{loop}: {amount} of the customers entering sent round at least once ({share} of "
            "the {reached} who reach {start}), {rounds} extra rounds"
        )
    )
    return sent.format(
        loop=line,
        amount=report.amount(loop.sent_round),
        share=percent(loop.round_probability),
        reached=report.amount(loop.reached),
        start=clean(loop.start),
        rounds=visits_text(report, loop.extra_rounds or 0.0),
    )


def quick_win_lines(report: FlowReport, wins: tuple[QuickWin, ...]) -> list[Text]:
    return [
        Text.assemble(
            f"  {rank}. ",
            (clean(win.description), "bold"),
            ": ",
            (report.gain_text(win), "green"),
            " "
            + _("(success {before} → {after})").format(
                before=percent(report.overall.endings.success), after=percent(win.success_after)
            ),
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
        title = _("Journey {journey}").format(journey=clean(report.journey))
        console.print(Text.assemble((title, "bold"), f" — {_(report.weighting)}"))
        endings = {
            "success": percent(overall.endings.success),
            "abandoned": percent(overall.endings.abandoned),
            "failure": percent(overall.endings.failure),
        }
        if report.total_volume:
            outcome = _(
                "Success {success} of {volume} customers per period; abandoned {abandoned}; "
                "failure {failure}"
            ).format(volume=customers(report.total_volume), **endings)
        else:
            outcome = _("Success {success}; abandoned {abandoned}; failure {failure}").format(
                **endings
            )
        if overall.endings.stuck:
            outcome += "; " + _("stuck {share}").format(share=percent(overall.endings.stuck))
        console.print(outcome)
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
            where = ", ".join(map(clean, region.steps))
            if region.size > 1:
                where = _("{steps}, {count} steps").format(steps=where, count=region.size)
            dead_end = (
                _(
                    "Dead end at {where}: {amount} customers per period reach it, and none of "
                    "them can succeed"
                )
                if report.by_volume
                else _(
                    "Dead end at {where}: {amount} of the customers entering reach it, and none "
                    "of them can succeed"
                )
            )
            console.print(dead_end.format(where=where, amount=report.amount(region.reached)))
        if report.quick_wins:
            console.print(Text(_("Quick wins (ganancias tempranas):"), style="bold"))
            for line in quick_win_lines(report, report.quick_wins):
                console.print(line)
        console.print()
    return buffer.getvalue()
