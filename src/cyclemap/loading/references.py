"""The validity checks that need the whole document: references and uniqueness.

They run on whatever parts of the document are well-formed, so one misspelt field does not hide
a broken reference elsewhere; ids of malformed items still count as defined, so a broken step
does not also produce "unknown step" errors wherever it is used.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from cyclemap.errors import Problem
from cyclemap.format.model import Stage, Step
from cyclemap.loading.source_map import format_path, key_position, position
from cyclemap.loading.yaml_nodes import Node
from cyclemap.util.i18n import _
from cyclemap.util.text import did_you_mean, did_you_mean_text


@dataclass
class KnownIds:
    """Ids that exist, including those of items that failed validation."""

    stages: set[str] = field(default_factory=set)
    steps: set[str] = field(default_factory=set)
    channels: set[str] = field(default_factory=set)
    teams: set[str] = field(default_factory=set)
    catalogs_complete: bool = True
    entry_written: bool = False
    """Some step that failed validation was meant as an entry (it has `entry:`)."""


@dataclass
class _Checker:
    file: str
    root: Node
    problems: list[Problem] = field(default_factory=list)

    def report(
        self, loc: tuple[int | str, ...], message: str, hint: str, *, key: bool = False
    ) -> None:
        line, column = key_position(self.root, loc) if key else position(self.root, loc)
        self.problems.append(Problem(self.file, line, column, format_path(loc), message, hint))

    def unique(self, kind: str, ids: Iterable[tuple[int, str]]) -> None:
        first_seen: dict[str, int] = {}
        twice = (
            _("stage id `{id}` is used twice (first at line {line})")
            if kind == "stages"
            else _("step id `{id}` is used twice (first at line {line})")
        )
        for index, item_id in ids:
            if item_id in first_seen:
                first_line, _column = position(self.root, (kind, first_seen[item_id], "id"))
                self.report(
                    (kind, index, "id"),
                    twice.format(id=item_id, line=first_line),
                    _("give each one its own id"),
                )
            else:
                first_seen[item_id] = index

    def reference(
        self,
        loc: tuple[int | str, ...],
        value: str | None,
        known: Collection[str],
        noun: str,
        where: str,
    ) -> None:
        if value is None or value in known:
            return
        guess = did_you_mean(value, known)
        unknown = {
            "stage": _("unknown stage `{value}`"),
            "channel": _("unknown channel `{value}`"),
            "team": _("unknown team `{value}`"),
            "step": _("unknown step `{value}`"),
        }
        message = unknown[noun].format(value=value)
        if guess:
            message = did_you_mean_text(message, guess)
        if guess:
            hint = _("write `{guess}`").format(guess=guess)
        elif where in ("channels", "teams"):
            hint = _("define it under `{where}`, or import a catalog that does").format(where=where)
        else:
            hint = _("define it under `{where}`").format(where=where)
        self.report(loc, message, hint)


def check_document(
    *,
    stages: list[tuple[int, Stage]],
    steps: list[tuple[int, Step]],
    file: str,
    root: Node,
    known: KnownIds,
    rule_names: Collection[str] | None = None,
) -> list[Problem]:
    """Every reference, uniqueness and consistency problem of a (possibly partial) journey.

    `stages` and `steps` are the well-formed items with their index in the file; `rule_names`
    are the names `allow:` may use (the rule catalog sits above loading, so its caller passes
    them; None leaves `allow:` keys unchecked).
    """
    checker = _Checker(file, root)
    checker.unique("stages", ((index, stage.id) for index, stage in stages))
    checker.unique("steps", ((index, step.id) for index, step in steps))
    stage_ids = known.stages | {stage.id for _, stage in stages}
    step_ids = known.steps | {step.id for _, step in steps}
    entries = 0
    for index, step in steps:
        at: tuple[int | str, ...] = ("steps", index)
        entries += step.entry is not None
        checker.reference((*at, "stage"), step.stage, stage_ids, "stage", "stages")
        if known.catalogs_complete:
            checker.reference((*at, "channel"), step.channel, known.channels, "channel", "channels")
            checker.reference((*at, "team"), step.team, known.teams, "team", "teams")
        if step.next and step.outcome in ("failure", "abandoned"):
            ends = (
                _(
                    "step `{step}` is an `abandoned` outcome, which ends the journey, but it has "
                    "`next`"
                )
                if step.outcome == "abandoned"
                else _(
                    "step `{step}` is a `failure` outcome, which ends the journey, but it has "
                    "`next`"
                )
            )
            checker.report(
                (*at, "next"),
                ends.format(step=step.id),
                _("remove `next`, or change `outcome` if customers go on from `{step}`").format(
                    step=step.id
                ),
                key=True,
            )
        targets: dict[str, int] = {}
        for position_in_next, transition in enumerate(step.next):
            loc = (*at, "next", position_in_next, "to")
            if transition.link is None:  # links to other journeys are checked across files
                checker.reference(loc, transition.to, step_ids, "step", "steps")
            if transition.to in targets:
                checker.report(
                    loc,
                    _("step `{step}` lists `{target}` twice in `next` (also next[{index}])").format(
                        step=step.id, target=transition.to, index=targets[transition.to]
                    ),
                    _("merge the two transitions into one and add up their shares"),
                )
            else:
                targets[transition.to] = position_in_next
        for rule in step.allow:
            if rule_names is not None and rule not in rule_names:
                guess = did_you_mean(rule, rule_names)
                message = _("`{rule}` in `allow` is not a rule name").format(rule=rule)
                checker.report(
                    (*at, "allow", rule),
                    did_you_mean_text(message, guess) if guess else message,
                    _("write `{guess}`").format(guess=guess)
                    if guess
                    else _("rule names: {names}").format(names=", ".join(rule_names)),
                    key=True,
                )
    if steps and not entries and not known.entry_written:
        checker.report(
            ("steps",),
            _("no step is an entry: the journey needs at least one first contact point"),
            _(
                "mark the step where customers first reach the company with `entry: true` "
                "(or `entry: {volume: N}`)"
            ),
            key=True,
        )
    return checker.problems
