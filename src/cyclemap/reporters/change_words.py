"""A change to customers in words, the same in the text and Markdown reports of `compare`,
`stats --diff` and `audit --diff`: each figure as `before → after (change)`.

Sentences name steps and journeys in backticks (the Markdown report shows those as code) and
steps by their name in «»; they carry user text as it is, each reporter makes it safe.
"""

from __future__ import annotations

from collections.abc import Callable

from cyclemap.analysis.compare import JourneyChange, Shift, StepChange, TransitionChange
from cyclemap.analysis.report import OUTCOME_MARKS
from cyclemap.findings import Finding
from cyclemap.reporters.stats_text import duration_text
from cyclemap.util.i18n import N_, _, ngettext, pgettext
from cyclemap.util.numbers import customers, number, percent

MINUS = "-"
ARROW = "\u2192"
NOT_THERE = "\u2014"
"""A figure that does not exist on one side."""

STATUS = {
    "changed": N_("changed"),
    "unchanged": N_("unchanged"),
    "added": N_("new journey"),
    "removed": N_("removed journey"),
}


def change_word(change: str, of: str) -> str:
    """`added`, `removed`, `changed`, said of a step or of a transition (languages where the
    word agrees with the noun need both)."""
    words = {
        ("step", "added"): pgettext("step", "added"),
        ("step", "removed"): pgettext("step", "removed"),
        ("step", "changed"): pgettext("step", "changed"),
        ("transition", "added"): pgettext("transition", "added"),
        ("transition", "removed"): pgettext("transition", "removed"),
        ("transition", "changed"): pgettext("transition", "changed"),
    }
    return words[(of, change)]


FIELDS = {
    "label": N_("name"),
    "stage": N_("stage"),
    "team": N_("team"),
    "channel": N_("channel"),
    "outcome": N_("outcome"),
    "abandon": N_("abandon"),
    "entry": N_("entry"),
    "volume": N_("volume"),
    "duration": N_("duration"),
    "score": N_("score"),
    "backstage": N_("backstage"),
    "moment_of_truth": N_("moment of truth"),
    "next": N_("transitions"),
    "share": N_("share"),
    "split": N_("split among the transitions"),
    "context": N_("context"),
    "reason": N_("reason"),
}


def signed(value: float, shown: Callable[[float], str]) -> str:
    """`+12` / `-12` / `±0`: a change with its sign, the size written by `shown`."""
    text = shown(abs(value))
    if text.strip("0.,%<") == "":
        return "\u00b10"
    return ("+" if value > 0 else MINUS) + text


def as_shown(shift: Shift, rounded: Callable[[float], float]) -> Shift:
    """The figures as they are printed (`rounded` as their text rounds them), so that the
    change printed beside them is their difference: `684 → 664 (-20)`, not `(-19)`."""
    return Shift(
        rounded(shift.before) if shift.before is not None else None,
        rounded(shift.after) if shift.after is not None else None,
    )


def shift_text(
    shift: Shift,
    shown: Callable[[float], str],
    delta: str | None = None,
    rounded: Callable[[float], float] | None = None,
) -> str:
    """`before → after (change)`; a side without the figure is `—`. With `rounded`, the change
    is worked out from the figures as printed."""
    before = shown(shift.before) if shift.before is not None else NOT_THERE
    after = shown(shift.after) if shift.after is not None else NOT_THERE
    change = (as_shown(shift, rounded) if rounded else shift).delta
    if change is None:
        return f"{before} {ARROW} {after}"
    return f"{before} {ARROW} {after} ({delta or signed(change, shown)})"


def points(value: float) -> str:
    """A change of a probability, in percentage points."""
    return _("{points} points").format(
        points=signed(value, lambda size: number(size * 100, 1, trim=True))
    )


def tenth_of_percent(value: float) -> float:
    """A probability rounded as `exact_percent` prints it."""
    return float(f"{value * 100:.1f}") / 100


def exact_percent(value: float) -> str:
    """A probability with one decimal: a change of a tenth of a point still shows."""
    return number(value * 100, 1) + "%"


def share_shift(shift: Shift) -> str:
    """`46.0% → 47.2% (+1.2 points)`: the points are the difference of the figures shown."""
    change = as_shown(shift, tenth_of_percent).delta
    delta = points(change) if change is not None else None
    return shift_text(shift, exact_percent, delta)


def whole(value: float) -> float:
    """A count rounded as `customers` prints it."""
    return float(round(value))


def customers_shift(shift: Shift) -> str:
    return shift_text(shift, customers, rounded=whole)


def handoffs_shift(shift: Shift) -> str:
    """Expected handoffs with two decimals, the change worked out from them."""
    return shift_text(
        shift, lambda value: number(value, 2), rounded=lambda value: float(f"{value:.2f}")
    )


def amount_shift(change: JourneyChange, shift: Shift) -> str:
    """In the comparison's unit: customers per period, or a share of those entering."""
    return customers_shift(shift) if change.by_volume else share_shift(shift)


def figure_rows(change: JourneyChange) -> list[tuple[str, str]]:
    """(what, before → after) for every figure of the journey, in the order people read."""
    rows = []
    for name in change.endings:
        label = ENDING_WORDS.get(name, name)
        shift = change.endings[name]
        if name != "success" and not shift.before and not shift.after:
            continue  # nobody ends so on either side
        text = share_shift(shift)
        count = change.customers[name]
        if count.before is not None or count.after is not None:
            text += "; " + _("{shift} customers per period").format(shift=customers_shift(count))
        rows.append((_(label), text))
    if change.entering.before is not None or change.entering.after is not None:
        rows.append((_("customers entering per period"), customers_shift(change.entering)))
    rows.append(
        (
            _("handoffs of the customers who succeed"),
            handoffs_shift(change.handoffs_to_success),
        )
    )
    if change.time_to_success.before is not None or change.time_to_success.after is not None:
        rows.append(
            (
                _("time to success of the customers who succeed"),
                shift_text(change.time_to_success, duration_text),
            )
        )
    loops = _("{before} {arrow} {after} loops").format(
        before=change.loops[0], after=change.loops[1], arrow=ARROW
    )
    if change.sent_round.before is not None and change.sent_round.after is not None:
        unit = _("customers") if change.by_volume else _("of the customers entering")
        loops = _("{shift} {unit} sent round at least once ({loops})").format(
            shift=amount_shift(change, change.sent_round), unit=unit, loops=loops
        )
    rows.append((_("peloteo"), loops))
    return rows


ENDING_WORDS = {
    "success": N_("success"),
    "failure": N_("failure"),
    "abandoned": N_("abandoned"),
    "stuck": N_("stuck"),
    "elsewhere": N_("continue in another journey"),
}


def headline(change: JourneyChange) -> str:
    """The one line a reviewer reads first: success before → after, in percent and customers."""
    text = _("success {shift}").format(shift=share_shift(change.endings["success"]))
    count = as_shown(change.customers["success"], whole).delta
    if count is not None:
        text += ", " + _("{count} successful customers per period").format(
            count=signed(count, customers)
        )
    return text


def step_line(change: JourneyChange, step: StepChange) -> str:
    """`«name» (`id`): changed (abandon); customers lost 120 → 60 (-60)`."""
    what = change_word(step.change, "step") if step.change is not None else _("same definition")
    if step.fields:
        what += " (" + ", ".join(_(FIELDS.get(name, name)) for name in step.fields) + ")"
    title = step_title(step.step, step.name)
    mark = OUTCOME_MARKS.get(step.outcome or "")
    if mark:
        title = _("{step} ({outcome})").format(step=title, outcome=_(mark))
    text = _("{step}: {what}").format(step=title, what=what)
    if step.lost.before is not None or step.lost.after is not None:
        text += "; " + _("customers lost {shift}").format(shift=amount_shift(change, step.lost))
    return text


def step_title(step: str, name: str) -> str:
    return f"«{name}» (`{step}`)" if name != step else f"`{step}`"


def transition_line(transition: TransitionChange) -> str:
    what = change_word(transition.change, "transition")
    if transition.fields:
        what += " (" + ", ".join(_(FIELDS.get(name, name)) for name in transition.fields) + ")"
    text = _("`{source}` {arrow} `{target}`: {what}").format(
        source=transition.source, target=transition.target, arrow=ARROW, what=what
    )
    if "share" in transition.fields:
        written = shift_text(transition.written, written_share)
        text += "; " + _("share as written {written}, of the customers going on {shift}").format(
            written=written, shift=share_shift(transition.share)
        )
    if "split" in transition.fields:
        text += "; " + _(
            "same share as written; of the customers going on {shift}, because another "
            "transition from `{source}` was added, removed or changed"
        ).format(shift=share_shift(transition.share), source=transition.source)
    return text


def written_share(value: float) -> str:
    """A `share` as the file writes it (a fraction or a percentage, as the author chose)."""
    return number(value, 4, trim=True)


def finding_line(finding: Finding) -> str:
    return f"{finding.message}  [{finding.rule}]"


def summary_line(counts: dict[str, int], not_compared: int = 0) -> str:
    """`4 journeys compared: changed: 1, unchanged: 3`."""
    total = sum(counts.values())
    head = ngettext("{count} journey compared", "{count} journeys compared", total).format(
        count=total
    )
    parts = [f"{_(STATUS[status])}: {count}" for status, count in counts.items() if count]
    text = head + (": " + ", ".join(parts) if parts else "")
    if not_compared:
        text += "; " + ngettext(
            "{count} not compared (a file does not validate)",
            "{count} not compared (files do not validate)",
            not_compared,
        ).format(count=not_compared)
    return text


def parts_lines(change: JourneyChange) -> list[str]:
    """With `--follow-links`: each journey's part, before → after."""
    before = {part.journey: part for part in (change.before.parts if change.before else ())}
    after = {part.journey: part for part in (change.after.parts if change.after else ())}
    shown = customers if change.by_volume else percent
    lines = []
    for journey in [*after, *(key for key in before if key not in after)]:
        cells = []
        for name in ("reached", "success", "lost"):
            old = getattr(before[journey], name) if journey in before else None
            new = getattr(after[journey], name) if journey in after else None
            cells.append(
                f"{shown(old) if old is not None else NOT_THERE} {ARROW} "
                f"{shown(new) if new is not None else NOT_THERE}"
            )
        lines.append(f"{journey}: " + "; ".join(cells))
    return lines
