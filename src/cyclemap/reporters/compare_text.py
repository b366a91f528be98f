"""`compare` and `stats --diff` for people: per journey the change, figure by figure, then the
steps, transitions and findings behind it."""

from __future__ import annotations

from cyclemap.analysis.compare import JourneyChange
from cyclemap.engine.comparing import ComparisonRun
from cyclemap.reporters.change_words import (
    ARROW,
    STATUS,
    figure_rows,
    finding_line,
    headline,
    parts_lines,
    step_line,
    summary_line,
    transition_line,
)
from cyclemap.reporters.text import clean
from cyclemap.util.i18n import _


def journey_lines(change: JourneyChange) -> list[str]:
    """One journey's change, one line each (user text cleaned for a terminal)."""
    title = _("{journey} — {name}: {status}").format(
        journey=change.journey, name=change.name, status=_(STATUS[change.status])
    )
    lines = [clean(f"{change.file}  {title}")]
    if change.before is None and change.after is None:
        lines += [clean("  " + note) for note in change.notes]
        return lines
    lines.append("  " + clean(headline(change)))
    width = max(len(label) for label, _text in figure_rows(change))
    for label, text in figure_rows(change):
        lines.append(clean(f"    {label.ljust(width)}  {text}"))
    for note in change.notes:
        lines.append(clean("  " + _("note: {note}").format(note=note)))
    parts = parts_lines(change)
    if parts:
        lines.append("  " + _("each journey's part (reached, success, lost):"))
        lines += [clean("    " + line) for line in parts]
    if change.steps:
        lines.append("  " + _("steps:"))
        lines += [clean("    " + step_line(change, step)) for step in change.steps]
    if change.transitions:
        lines.append("  " + _("transitions:"))
        lines += [clean("    " + transition_line(item)) for item in change.transitions]
    for heading, findings in (
        (_("findings fixed:"), change.fixed_findings),
        (_("new findings:"), change.new_findings),
    ):
        if findings:
            lines.append("  " + heading)
            lines += [clean("    " + finding_line(finding)) for finding in findings]
    return lines


def render(run: ComparisonRun, *, everything: bool = False) -> str:
    """The journeys the change touches (`everything`: every journey compared)."""
    lines = [
        clean(
            _("Compared {before} {arrow} {after}").format(
                before=run.before, after=run.after, arrow=ARROW
            )
        )
        + (" " + _("(whole cycles across linked journeys)") if run.follow_links else ""),
        "",
    ]
    shown = run.changes if everything else run.changed
    for change in shown:
        lines += [*journey_lines(change), ""]
    if not run.changed and run.changes:
        lines += [_("No journey changed for customers."), ""]
    lines.append(summary_line(run.counts(), run.not_compared))
    return "\n".join(lines) + "\n"
