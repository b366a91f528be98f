"""`mine --format text`: the observed figures of a log, for people."""

from __future__ import annotations

from cyclemap.mining.figures import MiningReport
from cyclemap.numbers import customers, percent


def render(report: MiningReport) -> str:
    """The observed figures for people."""

    lines = [
        f"log {report.log}: {customers(report.events)} events, {customers(report.cases)} cases "
        f"of journey `{report.journey}`",
        "",
        "entries (first steps): "
        + ", ".join(f"{step} {customers(count)}" for step, count in report.entries),
        "",
        "transitions (count, share of those moving on, median / p90 time):",
    ]
    for item in report.transitions:
        timing = ""
        if item.median_seconds is not None:
            timing = f", {item.median_seconds:.0f}s / {item.p90_seconds or 0:.0f}s"
        lines.append(
            f"  {item.source} → {item.target}: {customers(item.count)} "
            f"({percent(item.share)}{timing})"
        )
    lines += ["", "abandonment observed (cases whose last event is not an outcome):"]
    for step in report.steps:
        if step.abandon > 0:
            lines.append(
                f"  {step.step}: {percent(step.abandon)} of {customers(step.visits)} visits"
            )
    lines += _channel_lines(report)
    lines += ["", "peloteo observed (customers back at a team they had left):"]
    if not report.bounces:
        lines.append("  none")
    for bounce in report.bounces:
        times = "once" if bounce.bounces == 1 else f"{customers(bounce.bounces)} times"
        where = f"{times} in {_cases(bounce.cases)} ({percent(bounce.case_share)} of all cases"
        if bounce.via == "*":
            lines.append(f"  back to `{bounce.team}` after other teams: {where})")
        else:
            lines.append(
                f"  back to `{bounce.team}` direct via `{bounce.via}`: {where}; "
                f"{percent(bounce.ratio)} of the handoffs from `{bounce.team}` to `{bounce.via}`)"
            )
    if report.variants:
        lines += ["", "worst variants:"]
        lines += [f"  {_cases(count)}: {variant}" for variant, count in report.variants]
    if report.notes:
        lines += ["", "notes:"] + [f"  {note}" for note in report.notes]
    return "\n".join(lines) + "\n"


def _channel_lines(report: MiningReport) -> list[str]:
    """Only the steps where customers used a channel other than the map's."""
    steps: dict[str, list[str]] = {}
    differing = set()
    for item in report.channels:
        steps.setdefault(item.step, []).append(f"{item.channel} {percent(item.share)}")
        if not item.mapped:
            differing.add(item.step)
    if not report.channels:
        return []
    header = "channels observed where the log differs from the map (share of the step's events):"
    if not differing:
        return ["", header, "  none: every event used its step's channel"]
    return ["", header, *(f"  {step}: {', '.join(steps[step])}" for step in sorted(differing))]


def _cases(count: int) -> str:
    return "1 case" if count == 1 else f"{customers(count)} cases"
