"""What a change to a journey does to its customers: two versions, before and after, compared.

Both versions are figured by the same flow model `stats` uses (`cyclemap.analysis.report`), so
every figure of a comparison is one `stats` shows for that version. Beside the figures: the
steps and transitions added, removed or changed, and the findings fixed or new (matched by
fingerprint, as `--baseline` and `--diff` match them).

Units: a customer figure is in customers per period when both versions give every entry a
`volume`; otherwise both sides are put per customer entering, so that the two can be set side
by side (a version without volumes cannot say how many customers it wins).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Literal

from cyclemap.analysis.report import FlowReport
from cyclemap.findings import Finding
from cyclemap.graph import JourneyGraph, TransitionEdge
from cyclemap.graph.flow_model import ENDINGS, StepFlow
from cyclemap.util.gcpause import collector_paused
from cyclemap.util.i18n import N_

Status = Literal["changed", "unchanged", "added", "removed"]
Change = Literal["added", "removed", "changed"]

STEP_FIELDS = (
    "label",
    "stage",
    "team",
    "channel",
    "outcome",
    "abandon",
    "entry",
    "volume",
    "duration",
    "score",
    "backstage",
    "moment_of_truth",
    "next",
)
"""What a step's definition holds, as far as customers are concerned (not its line); `next`:
its transitions as written (added, removed, or with another share, context or reason)."""
TOLERANCE = 1e-9
"""Figures closer than this (per customer entering) are the same: solver noise, not a change."""


@dataclass(frozen=True)
class Shift:
    """One figure before and after the change; None where that version has no such figure."""

    before: float | None
    after: float | None

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    def moved(self, tolerance: float = TOLERANCE) -> bool:
        if (self.before is None) != (self.after is None):
            return True
        delta = self.delta
        return delta is not None and abs(delta) > tolerance


@dataclass(frozen=True)
class StepChange:
    """A step whose definition changed, that was added or removed, or whose losses moved."""

    step: str
    name: str
    """The step's name on the latest version that has it."""
    change: Change | None
    """None: the definition is the same, only the customers lost there moved."""
    fields: tuple[str, ...]
    """The fields of the definition that differ (`label` is the name)."""
    reached: Shift
    lost: Shift
    """Customers abandoning there, stuck with no way forward, or ending there at a `failure` or
    `abandoned` outcome, in the comparison's unit: over every step, the change in customers
    not reaching success."""
    outcome: str | None = None
    """The step's `outcome` on the latest version that has it."""


@dataclass(frozen=True)
class TransitionChange:
    source: str
    target: str
    change: Change
    fields: tuple[str, ...]
    """`share` (the share as written), `split` (the same share as written, but the fraction of
    customers taking it moved because another transition from `source` changed), `context`,
    `reason`."""
    share: Shift
    """The fraction of the customers going on from `source` who take it (normalised)."""
    written: Shift = field(default_factory=lambda: Shift(None, None))
    """The `share` as written (None where it is left out)."""


@dataclass(frozen=True)
class JourneyChange:
    """One journey before and after a change."""

    journey: str
    name: str
    file: str
    status: Status
    by_volume: bool
    """Customer figures are customers per period (both versions have volumes), else per
    customer entering."""
    before: FlowReport | None
    after: FlowReport | None
    entering: Shift
    """Customers entering per period (None on a side without volumes)."""
    endings: dict[str, Shift]
    """`success`, `failure`, `abandoned`, `stuck` (and `elsewhere`): probabilities."""
    customers: dict[str, Shift]
    """The same endings in customers per period, on the sides that have volumes."""
    handoffs_to_success: Shift
    time_to_success: Shift
    """Seconds from entering to success, of the customers who succeed."""
    sent_round: Shift
    """Customers sent round a peloteo loop at least once, over every loop (comparison unit)."""
    extra_rounds: Shift
    loops: tuple[int, int]
    """Peloteo loops before and after."""
    steps: tuple[StepChange, ...]
    transitions: tuple[TransitionChange, ...]
    new_findings: tuple[Finding, ...]
    fixed_findings: tuple[Finding, ...]
    notes: tuple[str, ...] = ()
    """Why a version has no figures (customers can be trapped in it), one per such version."""
    before_graph: JourneyGraph | None = field(default=None, compare=False, repr=False)
    after_graph: JourneyGraph | None = field(default=None, compare=False, repr=False)

    @property
    def unit(self) -> str:
        """What a customer figure counts, in English (a key for machines)."""
        return N_("customers per period") if self.by_volume else N_("per customer entering")


@dataclass(frozen=True)
class Version:
    """One version of a journey: its graph, its `stats` report (None when its figures do not
    exist) and its findings."""

    graph: JourneyGraph
    report: FlowReport | None
    findings: tuple[Finding, ...]
    file: str
    problem: str | None = None
    """Why the figures do not exist."""


def compare_versions(before: Version | None, after: Version | None) -> JourneyChange:
    """The change from `before` to `after` (one of them None: the journey was added or
    removed)."""
    # Paused: the collector would rescan both loaded journeys for every few thousand tuples
    # made here (10,000 steps: the transitions took 2.4 s, not 0.05 s).
    with collector_paused():
        return _compare_versions(before, after)


def _compare_versions(before: Version | None, after: Version | None) -> JourneyChange:
    latest = after or before
    assert latest is not None
    first, last = (before.report if before else None), (after.report if after else None)
    by_volume = bool((first is None or first.by_volume) and (last is None or last.by_volume))

    def scaled(report: FlowReport | None, value: float | None) -> float | None:
        """A figure of `report` in the comparison's unit."""
        if report is None or value is None:
            return None
        if report.by_volume and not by_volume:
            return value / (report.total_volume or 1.0)
        return value

    def both(pick: Callable[[FlowReport], float | None]) -> Shift:
        return Shift(
            pick(first) if first is not None else None, pick(last) if last is not None else None
        )

    names = [*ENDINGS, *(["elsewhere"] if _linked(first) or _linked(last) else [])]
    endings = {name: both(_ending(name)) for name in names}
    customers = {
        name: Shift(
            _customers(first, shift.before),
            _customers(last, shift.after),
        )
        for name, shift in endings.items()
    }
    steps = _step_changes(before, after, scaled)
    transitions = _transition_changes(before, after)
    new, fixed = _finding_changes(before, after)
    change = JourneyChange(
        journey=latest.graph.id,
        name=latest.graph.journey.document.journey.name,
        file=latest.file,
        status="added" if before is None else "removed" if after is None else "unchanged",
        by_volume=by_volume,
        before=first,
        after=last,
        entering=both(lambda r: r.total_volume),
        endings=endings,
        customers=customers,
        handoffs_to_success=both(lambda r: r.handoffs_to_success),
        time_to_success=both(lambda r: r.overall.duration_to_success),
        sent_round=Shift(
            scaled(first, _loop_sum(first, "sent_round")),
            scaled(last, _loop_sum(last, "sent_round")),
        ),
        extra_rounds=Shift(
            scaled(first, _loop_sum(first, "extra_rounds")),
            scaled(last, _loop_sum(last, "extra_rounds")),
        ),
        loops=(len(first.loops) if first else 0, len(last.loops) if last else 0),
        steps=steps,
        transitions=transitions,
        new_findings=new,
        fixed_findings=fixed,
        notes=tuple(version.problem for version in (before, after) if version and version.problem),
        before_graph=before.graph if before else None,
        after_graph=after.graph if after else None,
    )
    if change.status == "unchanged" and _changed(change):
        change = replace(change, status="changed")
    return change


def _ending(name: str) -> Callable[[FlowReport], float | None]:
    def pick(report: FlowReport) -> float | None:
        value: float = getattr(report.overall.endings, name)
        return value

    return pick


def _linked(report: FlowReport | None) -> bool:
    return report is not None and report.overall.endings.elsewhere > 0


def _customers(report: FlowReport | None, probability: float | None) -> float | None:
    if report is None or probability is None or not report.by_volume:
        return None
    return probability * (report.total_volume or 0.0)


def _loop_sum(report: FlowReport | None, name: str) -> float | None:
    if report is None:
        return None
    values = [getattr(loop, name) for loop in report.loops]
    if any(value is None for value in values):
        return None
    return float(sum(values))


def _changed(change: JourneyChange) -> bool:
    """Whether anything customers live through, or the audit says, differs."""
    figures = [
        *change.endings.values(),
        *change.customers.values(),
        change.entering,
        change.handoffs_to_success,
        change.time_to_success,
        change.sent_round,
        change.extra_rounds,
    ]
    return bool(
        change.steps
        or change.transitions
        or change.new_findings
        or change.fixed_findings
        or any(shift.moved(1e-6) for shift in figures)
        or (change.before is None) != (change.after is None)
    )


def _definition(graph: JourneyGraph, node: str) -> dict[str, object]:
    step = graph.step(node)
    definition = {name: getattr(step, name) for name in STEP_FIELDS if name != "next"}
    definition["next"] = [
        (edge.target, edge.written_share, edge.context, edge.reason)
        for edge in graph.transitions_from(node)
    ]
    return definition


Scale = Callable[[FlowReport | None, float | None], float | None]


def _step_changes(
    before: Version | None, after: Version | None, scaled: Scale
) -> tuple[StepChange, ...]:
    """Steps added, removed or redefined, and steps whose losses moved, in the order of the
    latest version's file (removed steps after)."""
    old = before.graph if before else None
    new = after.graph if after else None
    old_ids = set(old.own_steps) if old else set()
    new_ids = set(new.own_steps) if new else set()
    order = [*(new.own_steps if new else [])]
    order += [node for node in (old.own_steps if old else []) if node not in new_ids]
    old_flow = {flow.step: flow for flow in _flows(before)}
    new_flow = {flow.step: flow for flow in _flows(after)}
    changes = []
    for node in order:
        change: Change | None = None
        fields: tuple[str, ...] = ()
        if node not in old_ids:
            change = "added"
        elif node not in new_ids:
            change = "removed"
        else:
            assert old is not None and new is not None
            was, now = _definition(old, node), _definition(new, node)
            fields = tuple(name for name in STEP_FIELDS if was[name] != now[name])
            change = "changed" if fields else None
        first, last = old_flow.get(node), new_flow.get(node)
        old_report = before.report if before else None
        new_report = after.report if after else None
        reached = Shift(
            scaled(old_report, first.reached) if first else None,
            scaled(new_report, last.reached) if last else None,
        )
        lost = Shift(
            scaled(old_report, first.lost) if first else None,
            scaled(new_report, last.lost) if last else None,
        )
        losses_moved = _apart(lost)
        if change is None and not losses_moved:
            continue
        graph = new if node in new_ids else old
        assert graph is not None
        step = graph.step(node)
        changes.append(
            StepChange(node, step.label, change, fields, reached, lost, outcome=step.outcome)
        )
    return tuple(changes)


def _flows(version: Version | None) -> tuple[StepFlow, ...]:
    return version.report.steps if version is not None and version.report is not None else ()


def _apart(shift: Shift) -> bool:
    """Two figures that differ by more than solver noise, relative to their size."""
    low, high = shift.before or 0.0, shift.after or 0.0
    return abs(high - low) > 1e-7 * max(1.0, abs(low), abs(high))


def _transition_changes(
    before: Version | None, after: Version | None
) -> tuple[TransitionChange, ...]:
    def edges(version: Version | None) -> dict[tuple[str, str], TransitionEdge]:
        if version is None:
            return {}
        return {(edge.source, edge.target): edge for edge in version.graph.transitions()}

    old, new = edges(before), edges(after)
    changes = []
    for key in [*new, *(key for key in old if key not in new)]:
        was, now = old.get(key), new.get(key)
        share = Shift(was.share if was else None, now.share if now else None)
        written = Shift(was.written_share if was else None, now.written_share if now else None)
        if was is None or now is None:
            change: Change = "added" if was is None else "removed"
            changes.append(TransitionChange(*key, change, (), share, written))
            continue
        fields = tuple(
            name
            for name, differs in (
                ("share", was.written_share != now.written_share),
                ("split", was.written_share == now.written_share and share.moved()),
                ("context", (was.context or "") != (now.context or "")),
                ("reason", (was.reason or "") != (now.reason or "")),
            )
            if differs
        )
        if fields:
            changes.append(TransitionChange(*key, "changed", fields, share, written))
    return tuple(changes)


def _finding_changes(
    before: Version | None, after: Version | None
) -> tuple[tuple[Finding, ...], tuple[Finding, ...]]:
    """Findings only the latest version has (new) and only the earlier one had (fixed)."""
    old = list(before.findings) if before else []
    new = list(after.findings) if after else []
    if before is None or after is None:
        return (), ()  # a journey added or removed: its findings are its own, not the change's
    return _only_in(new, old), _only_in(old, new)


def _only_in(these: Iterable[Finding], others: Iterable[Finding]) -> tuple[Finding, ...]:
    remaining = Counter(finding.fingerprint for finding in others)
    found = []
    for finding in these:
        if remaining[finding.fingerprint] > 0:
            remaining[finding.fingerprint] -= 1
        else:
            found.append(finding)
    return tuple(found)
