"""The validity checks that need the whole document: references and uniqueness.

They run on whatever parts of the document are well-formed, so one misspelt field does not hide
a broken reference elsewhere; ids of malformed items still count as defined, so a broken step
does not also produce "unknown step" errors wherever it is used.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from cyclemap.errors import Problem
from cyclemap.format.codes import (
    DUPLICATE_ID,
    NO_ENTRY,
    OUTCOME_WITH_NEXT,
    TARGET_TWICE,
    UNKNOWN_REFERENCE,
    UNKNOWN_RULE,
    Code,
)
from cyclemap.format.model import Stage, Step
from cyclemap.loading.source_map import format_path, key_position, position
from cyclemap.loading.yaml_nodes import Node
from cyclemap.util.i18n import N_, _
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


@dataclass(frozen=True)
class _Unknown:
    """A reference to an id that is not defined, held until duplicates are known."""

    loc: tuple[int | str, ...]
    value: str
    guess: str | None


@dataclass
class _Checker:
    file: str
    root: Node
    problems: list[Problem] = field(default_factory=list)

    def report(
        self,
        loc: tuple[int | str, ...],
        message: str,
        hint: str,
        code: Code,
        *,
        key: bool = False,
        section: str = "",
    ) -> None:
        line, column = key_position(self.root, loc) if key else position(self.root, loc)
        self.problems.append(
            code.problem(self.file, line, column, format_path(loc), message, hint, section=section)
        )

    def duplicates(self, kind: str, ids: Iterable[tuple[int, str]]) -> list[tuple[int, str, int]]:
        """(index, id, index of the first) of every item that repeats an earlier one's id."""
        first_seen: dict[str, int] = {}
        repeated = []
        for index, item_id in ids:
            if item_id in first_seen:
                repeated.append((index, item_id, first_seen[item_id]))
            else:
                first_seen[item_id] = index
        return repeated

    def unknown(
        self, loc: tuple[int | str, ...], value: str | None, known: Collection[str]
    ) -> _Unknown | None:
        if value is None or value in known:
            return None
        return _Unknown(loc, value, did_you_mean(value, known))

    def reference(self, unknown: _Unknown | None, noun: str, where: str, section: str) -> None:
        if unknown is None:
            return
        message = _(_UNKNOWN[noun]).format(value=unknown.value)
        if unknown.guess:
            message = did_you_mean_text(message, unknown.guess)
            hint = _("write `{guess}`").format(guess=unknown.guess)
        elif where in ("channels", "teams"):
            hint = _("define it under `{where}`, or import a catalog that does").format(where=where)
        else:
            hint = _("define it under `{where}`").format(where=where)
        self.report(unknown.loc, message, hint, UNKNOWN_REFERENCE, section=section)

    def settle(
        self, kind: str, repeated: list[tuple[int, str, int]], unknowns: list[_Unknown]
    ) -> None:
        """Report the repeated ids, then the references to undefined ids that they explain.

        A copied item whose id was not changed leaves the id it was meant to have undefined,
        so the references to that id fail too; those are one mistake, reported once, at the
        copy, naming the id it was probably meant to have. A reference with a close match
        among the defined ids is a typo instead, and keeps its own error.
        """
        wording = _DUPLICATES[kind]
        repeated_ids = {item_id for _index, item_id, _first in repeated}
        orphans = list(
            dict.fromkeys(
                unknown.value
                for unknown in unknowns
                if unknown.guess is None or unknown.guess in repeated_ids
            )
        )
        explained = set(orphans) if repeated and len(orphans) <= len(repeated) else set()
        for index, item_id, first in repeated:
            first_line, _column = position(self.root, (kind, first, "id"))
            if not explained:
                hint = _("give each one its own id")
            elif len(explained) == 1:
                hint = _(wording.meant_one).format(id=orphans[0])
            else:
                listed = ", ".join(f"`{orphan}`" for orphan in orphans)
                hint = _(wording.meant_many).format(ids=listed)
            self.report(
                (kind, index, "id"),
                _(wording.twice).format(id=item_id, line=first_line),
                hint,
                DUPLICATE_ID,
            )
        for unknown in unknowns:
            if unknown.value not in explained:
                self.reference(unknown, wording.noun, kind, wording.section)


@dataclass(frozen=True)
class _DuplicateWording:
    """What is said of a repeated stage or step id, in whole sentences for translators."""

    noun: str
    section: str
    twice: str
    meant_one: str
    meant_many: str


_UNKNOWN = {
    "stage": N_("unknown stage `{value}`"),
    "channel": N_("unknown channel `{value}`"),
    "team": N_("unknown team `{value}`"),
    "step": N_("unknown step `{value}`"),
}

_DUPLICATES = {
    "stages": _DuplicateWording(
        "stage",
        "step-stage",
        N_("stage id `{id}` is used twice (first at line {line})"),
        N_(
            "if this stage is `{id}`, which a step's `stage` names but no stage defines, "
            "write `id: {id}`, else give it an id of its own"
        ),
        N_(
            "{ids} are named in a step's `stage` but defined nowhere: if this stage is one of "
            "them, write its id, else give it an id of its own"
        ),
    ),
    "steps": _DuplicateWording(
        "step",
        "next-to",
        N_("step id `{id}` is used twice (first at line {line})"),
        N_(
            "if this step is `{id}`, which `next` names but no step defines, "
            "write `id: {id}`, else give it an id of its own"
        ),
        N_(
            "{ids} are named in `next` but defined nowhere: if this step is one of "
            "them, write its id, else give it an id of its own"
        ),
    ),
}


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
    stage_ids = known.stages | {stage.id for _, stage in stages}
    step_ids = known.steps | {step.id for _, step in steps}
    unknown_stages: list[_Unknown] = []
    unknown_steps: list[_Unknown] = []
    entries = 0
    for index, step in steps:
        at: tuple[int | str, ...] = ("steps", index)
        entries += step.entry is not None
        if found := checker.unknown((*at, "stage"), step.stage, stage_ids):
            unknown_stages.append(found)
        if known.catalogs_complete:
            checker.reference(
                checker.unknown((*at, "channel"), step.channel, known.channels),
                "channel",
                "channels",
                "step-channel",
            )
            checker.reference(
                checker.unknown((*at, "team"), step.team, known.teams), "team", "teams", "step-team"
            )
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
                OUTCOME_WITH_NEXT,
                key=True,
            )
        targets: dict[str, int] = {}
        for position_in_next, transition in enumerate(step.next):
            loc = (*at, "next", position_in_next, "to")
            # Links to other journeys are checked across files.
            if transition.link is None and (found := checker.unknown(loc, transition.to, step_ids)):
                unknown_steps.append(found)
            if transition.to in targets:
                checker.report(
                    loc,
                    _("step `{step}` lists `{target}` twice in `next` (also next[{index}])").format(
                        step=step.id, target=transition.to, index=targets[transition.to]
                    ),
                    _("merge the two transitions into one and add up their shares"),
                    TARGET_TWICE,
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
                    UNKNOWN_RULE,
                    key=True,
                )
    checker.settle(
        "stages",
        checker.duplicates("stages", ((index, stage.id) for index, stage in stages)),
        unknown_stages,
    )
    checker.settle(
        "steps",
        checker.duplicates("steps", ((index, step.id) for index, step in steps)),
        unknown_steps,
    )
    if steps and not entries and not known.entry_written:
        checker.report(
            ("steps",),
            _("no step is an entry: the journey needs at least one first contact point"),
            _(
                "mark the step where customers first reach the company with `entry: true` "
                "(or `entry: {volume: N}`)"
            ),
            NO_ENTRY,
            key=True,
        )
    return checker.problems
