"""`compare --format markdown`, and the customer section of `audit --diff --format markdown`
(the job summary and the pull-request comment): what the change does to customers.

One table with a row per journey the change touches (success before → after in percent and in
customers per period, abandonment, handoffs and time to success of the customers who succeed,
peloteo), then per journey the steps, transitions and findings behind it, folded in
`<details>`. User text is escaped as in the audit's Markdown report.
"""

from __future__ import annotations

from cyclemap.analysis.compare import JourneyChange
from cyclemap.engine.comparing import ComparisonRun
from cyclemap.reporters.change_words import (
    ARROW,
    STATUS,
    amount_shift,
    as_shown,
    figure_rows,
    finding_line,
    handoffs_shift,
    parts_lines,
    share_shift,
    shift_text,
    signed,
    step_line,
    summary_line,
    transition_line,
    whole,
)
from cyclemap.reporters.markdown_text import code, escape, inline
from cyclemap.reporters.stats_text import duration_text
from cyclemap.util.i18n import _, pgettext
from cyclemap.util.numbers import customers

SHOWN = 30
"""Journeys in the table at most; the rest are counted (a comment has a size limit)."""
DETAILS = 60
"""Lines of one journey's details at most (a rewritten journey changes every step)."""


def _row(change: JourneyChange) -> str:
    success = change.endings["success"]
    count = change.customers["success"]
    people = (
        customers_cell(count.before, count.after, as_shown(count, whole).delta)
        if count.before is not None or count.after is not None
        else "—"
    )
    cells = (
        code(change.journey) + " " + escape(_(STATUS[change.status])),
        escape(share_shift(success)),
        escape(people),
        escape(share_shift(change.endings["abandoned"])),
        escape(handoffs_shift(change.handoffs_to_success)),
        escape(shift_text(change.time_to_success, duration_text)),
        escape(amount_shift(change, change.sent_round))
        if change.sent_round.before is not None and change.sent_round.after is not None
        else "—",
    )
    return "| " + " | ".join(cells) + " |"


def customers_cell(before: float | None, after: float | None, delta: float | None) -> str:
    """`**+27**` first, the figures after: the gain is what a reviewer looks for."""
    old = customers(before) if before is not None else "—"
    new = customers(after) if after is not None else "—"
    if delta is None:
        return f"{old} {ARROW} {new}"
    return f"{signed(delta, customers)} ({old} {ARROW} {new})"


def _details(change: JourneyChange) -> list[str]:
    items = [f"- {escape(label)}: {escape(text)}" for label, text in figure_rows(change)]
    items += [f"- {inline(note)}" for note in change.notes]
    items += [f"- {inline(step_line(change, step))}" for step in change.steps]
    items += [f"- {inline(transition_line(item))}" for item in change.transitions]
    # Said outside the f-strings: the catalog's extractor does not look inside them.
    fixed, new = escape(pgettext("finding", "fixed")), escape(pgettext("finding", "new"))
    items += [f"- {fixed}: {inline(finding_line(finding))}" for finding in change.fixed_findings]
    items += [f"- {new}: {inline(finding_line(finding))}" for finding in change.new_findings]
    parts = parts_lines(change)
    if parts:
        heading = _("each journey's part (reached, success, lost):")
        items.append(f"- {escape(heading)} {escape(' · '.join(parts))}")
    if len(items) > DETAILS:
        more = len(items) - DETAILS
        items = [*items[:DETAILS], "- " + escape(_("… and {count} more").format(count=more))]
    title = _("{journey}: steps, transitions and findings").format(journey=change.journey)
    return ["<details>", f"<summary>{escape(title)}</summary>", "", *items, "", "</details>", ""]


def section(run: ComparisonRun, *, level: int = 3) -> list[str]:
    """The customer change as Markdown lines, under a heading of `level`."""
    heading = "#" * level + " " + escape(_("What this change does to customers"))
    lines = [
        heading,
        "",
        escape(
            _("Compared {before} {arrow} {after}").format(
                before=run.before, after=run.after, arrow=ARROW
            )
        ),
        "",
    ]
    changed = run.changed
    if not changed:
        return [*lines, escape(_("No journey changed for customers.")), ""]
    header = (
        _("Journey"),
        _("Success"),
        _("Successful customers per period"),
        _("Abandoned"),
        _("Handoffs (customers who succeed)"),
        _("Time to success"),
        _("Sent round a peloteo loop"),
    )
    lines += [
        "| " + " | ".join(escape(cell) for cell in header) + " |",
        "|" + " --- |" * len(header),
    ]
    lines += [_row(change) for change in changed[:SHOWN]]
    lines.append("")
    if len(changed) > SHOWN:
        more = len(changed) - SHOWN
        lines += [escape(_("… and {count} more (see `cyclemap compare`)").format(count=more)), ""]
    for change in changed[:SHOWN]:
        lines += _details(change)
    lines += [escape(summary_line(run.counts(), run.not_compared)), ""]
    return lines


def render(run: ComparisonRun) -> str:
    lines = ["## cyclemap compare", "", *section(run)]
    return "\n".join(lines).rstrip("\n") + "\n"
