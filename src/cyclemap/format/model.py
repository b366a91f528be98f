"""The journey format as pydantic models: the one place field names live.

The models are strict (no unknown keys, no text where a number belongs) because a journey is a
contract reviewed in pull requests: a typo must fail loudly rather than silently mean nothing.
Fields that hold text (ids, names) take the scalar exactly as written, so `no`, `on`, `1:30` or
`010` stay text. Cross-references (a step's stage, a transition's target) are checked later, in
`cyclemap.loading.references`, where the whole document and its imports are known.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal, Optional, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from cyclemap.format.numbers import is_dotted_thousands, plain, read_written
from cyclemap.util.i18n import N_, _
from cyclemap.util.text import slugify

SLUG_PATTERN = r"^[a-z0-9][a-z0-9_.-]*$"
_SLUG = re.compile(SLUG_PATTERN)
FORMAT_VERSION = 1

OUTCOMES = ("success", "failure", "abandoned")
LANGUAGES = ("es", "en")
CHANNEL_KINDS = (
    "voice",
    "chat",
    "messaging",
    "email",
    "web",
    "app",
    "social",
    "in-person",
    "mail",
    "other",
)


def _as_text(value: Any) -> Any:
    """Give text fields the scalar as the user wrote it (`010` stays `010`, not 10)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return getattr(value, "text", str(value))
    return value


def _slug(value: Any) -> Any:
    value = _as_text(value)
    if isinstance(value, str) and not _SLUG.match(value):
        raise PydanticCustomError(
            "cyclemap_slug",
            _(
                "`{value}` is not a valid id: use lowercase letters, digits, `-`, `_` and `.`, "
                "starting with a letter or digit"
            ),
            {"value": value, "hint": _("write e.g. `{id}`").format(id=_suggest_slug(value))},
        )
    return value


LINK_PATTERN = r"^[a-z0-9][a-z0-9_.-]*(:[a-z0-9][a-z0-9_.-]*)?$"
_LINK = re.compile(LINK_PATTERN)


def _target(value: Any) -> Any:
    """A step id, or `journey-id:step-id` for a step of another journey (a link)."""
    value = _as_text(value)
    if isinstance(value, str) and not _LINK.match(value):
        raise PydanticCustomError(
            "cyclemap_slug",
            _("`{value}` is not a step id (or `journey-id:step-id` for another journey's step)"),
            {
                "value": value,
                "hint": _("write e.g. `{id}`").format(id=_suggest_slug(value.split(":")[-1])),
            },
        )
    return value


def _reason(value: Any) -> Any:
    value = _as_text(value)
    if isinstance(value, str) and not value.strip():
        raise PydanticCustomError(
            "cyclemap_reason",
            _("the reason must not be empty"),
            {"hint": _("say why the finding is accepted, e.g. `Campaña temporal hasta enero`")},
        )
    return value


_DURATION_PART = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)\s*")
_DURATION_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
DURATION_UNITS = N_("units: s (seconds), m (minutes), h (hours), d (days)")


def _not_a_duration(value: Any) -> PydanticCustomError:
    return PydanticCustomError(
        "cyclemap_duration",
        _(
            "`{value}` is not a duration: write a number with a unit, such as 30s, 4m, 2h, 3d or "
            "1h 30m"
        ),
        {"value": value, "hint": _(DURATION_UNITS)},
    )


def parse_duration(value: Any) -> Any:
    """`30s`, `4m`, `2h`, `3d` or combinations such as `1h 30m` -> seconds."""
    if isinstance(value, (dict, list)) or value is None:
        return value  # the type check says it must be text
    text = str(_as_text(value))
    if not text.strip():
        raise PydanticCustomError(
            "cyclemap_duration",
            _("the duration is empty: write e.g. 4m"),
            {"hint": _(DURATION_UNITS)},
        )
    position, seconds = 0, 0.0
    while position < len(text):
        match = _DURATION_PART.match(text, position)
        if not match or match.end() == position:
            raise _not_a_duration(text)
        seconds += float(match.group(1)) * _DURATION_SECONDS[match.group(2)]
        position = match.end()
    return seconds


def _format_version(value: Any) -> Any:
    """Only the number 1: not `'1'`, `1.0` or `true` (which Python would call equal to 1)."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value == FORMAT_VERSION:
            return value
        raise PydanticCustomError(
            "cyclemap_version",
            _("unsupported format version `{value}`; this cyclemap reads version 1"),
            {
                "value": getattr(value, "text", str(value)),
                "hint": _("write `cyclemap: 1`, or upgrade cyclemap"),
            },
        )
    shown = getattr(value, "text", None) or (
        str(value).lower()
        if isinstance(value, bool)
        else repr(value)
        if isinstance(value, str)
        else str(value)
    )
    raise PydanticCustomError(
        "cyclemap_version",
        _("the format version must be the number 1 (got {value})"),
        {"value": shown, "hint": _("write `cyclemap: 1` without quotes")},
    )


def _suggest_slug(value: str) -> str:
    return slugify(value) or "my-id"


def _empty_if_null(value: Any) -> Any:
    return {} if value is None else value


def _entry(value: Any) -> Any:
    if value is True:
        return {}
    if value is False:
        return None
    return value


def _moment(value: Any) -> Any:
    if value is False:
        return None
    return {} if value is True else value


Text = Annotated[str, BeforeValidator(_as_text)]
Slug = Annotated[str, BeforeValidator(_slug), Field(json_schema_extra={"pattern": SLUG_PATTERN})]
Reason = Annotated[str, BeforeValidator(_reason)]
Target = Annotated[
    str, BeforeValidator(_target), Field(json_schema_extra={"pattern": LINK_PATTERN})
]
Probability = Annotated[float, Field(ge=0, le=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        frozen=True,
        allow_inf_nan=False,
        defer_build=True,
    )
    noun: ClassVar[str] = "this mapping"
    section: ClassVar[str] = ""
    """The anchor of the model's section in the format reference (`step`)."""
    top: ClassVar[bool] = False
    """A file's top level, whose fields' anchors are their names (`imports`)."""

    @classmethod
    def field_section(cls, name: str) -> str:
        """The anchor of a field's section in the format reference: `step-abandon`."""
        return name if cls.top else f"{cls.section}-{name}"


class Channel(_Strict):
    """Where an interaction happens: a phone line, a chat, a web portal, an office."""

    noun: ClassVar[str] = "a channel"
    section: ClassVar[str] = "channel"

    name: Optional[Text] = None
    """Name people know the channel by; defaults to its id."""
    kind: Optional[Literal[CHANNEL_KINDS]] = Field(None, examples=["voice"])  # type: ignore[valid-type]
    """voice, chat, messaging, email, web, app, social, in-person, mail or other."""
    description: Optional[Text] = None
    """Free text."""


class Team(_Strict):
    """Who is responsible: an area, department or support group."""

    noun: ClassVar[str] = "a team"
    section: ClassVar[str] = "team"

    name: Optional[Text] = None
    """Name of the area; defaults to its id."""
    description: Optional[Text] = None
    """Free text."""


class Stage(_Strict):
    """An ordered phase of the cycle (access, contact, information, ...)."""

    noun: ClassVar[str] = "a stage"
    section: ClassVar[str] = "stage"

    id: Slug
    """Identifier steps use in `stage:`."""
    name: Text = Field(examples=["Contacto"])
    """Name shown on the map."""
    description: Optional[Text] = None
    """Free text."""


class Measure(_Strict):
    """How a moment of truth is measured, so someone knows how it goes."""

    noun: ClassVar[str] = "a measure"
    section: ClassVar[str] = "measure"

    metric: Text = Field(examples=["csat"])
    """What is measured: csat, nps, ces, first-contact resolution, wait time, ..."""
    target: Optional[Union[float, str]] = Field(None, examples=[4.5])
    """The value that counts as doing well."""
    survey: Optional[Text] = Field(None, examples=["post-call"])
    """Where the figure comes from (a survey, a report)."""


class MomentOfTruth(_Strict):
    """A critical moment that makes or breaks the customer's opinion."""

    noun: ClassVar[str] = "a moment of truth"
    section: ClassVar[str] = "moment-of-truth"

    requirement: Optional[Text] = Field(
        None, examples=["La línea no suena ocupada y contestan en menos de 60 s"]
    )
    """What the customer requires at this moment."""
    owner: Optional[Text] = Field(None, examples=["call-center-lead"])
    """Who answers for this moment."""
    measure: Optional[Measure] = None
    """How it is measured."""


def _count(value: Any) -> Any:
    """A count as YAML wrote it: `4.000` is refused, since YAML reads it as 4 where a person
    writing a count with a point and three digits means four thousand."""
    text = getattr(value, "text", None)
    if isinstance(value, float) and isinstance(text, str) and is_dotted_thousands(text):
        written = read_written(text)
        assert written is not None
        raise PydanticCustomError(
            "cyclemap_thousands",
            _(
                "`{value}` is read as {read}: the point is a decimal point, "
                "not a thousands separator"
            ),
            {
                "value": text,
                "read": plain(Decimal(text)),
                "meant": plain(written.number),
                "hint": _("write `{number}`, without the separator").format(
                    number=plain(written.number)
                ),
            },
        )
    return value


LARGEST = 10**15
"""Largest volume or share accepted: beyond any real count, and small enough that every flow
figure computed from it stays a finite number."""


class Entry(_Strict):
    """Marks a step as a first contact point."""

    noun: ClassVar[str] = "an entry"
    section: ClassVar[str] = "entry"

    volume: Optional[Annotated[float, BeforeValidator(_count), Field(ge=0, le=LARGEST)]] = Field(
        None, examples=[12000]
    )
    """How many customers enter here in the period the journey describes."""


class Transition(_Strict):
    """Customers moving on from a step to another."""

    noun: ClassVar[str] = "a transition"
    section: ClassVar[str] = "next"

    to: Target
    """Id of the step customers go to; `journey-id:step-id` continues in another journey."""
    share: Optional[Annotated[float, Field(gt=0, le=LARGEST)]] = Field(None, examples=[0.7])
    """Relative weight among this step's `next`; normalised; equal split when absent."""
    context: Optional[Literal["kept", "lost"]] = None
    """On a handoff: `lost` when the customer must tell the story again."""
    reason: Optional[Text] = None
    """Why customers take this transition."""

    @property
    def link(self) -> tuple[str, str] | None:
        """(journey id, step id) when the transition continues in another journey."""
        journey, separator, step = self.to.partition(":")
        return (journey, step) if separator else None


class Step(_Strict):
    """One thing the customer does or lives through at one touchpoint."""

    noun: ClassVar[str] = "a step"
    section: ClassVar[str] = "step"

    id: Slug
    """Identifier other steps use in `next[].to`."""
    name: Optional[Text] = None
    """What happens, as the customer would say it; defaults to the id."""
    description: Optional[Text] = None
    """Free text."""
    stage: Slug
    """Id of the stage this step belongs to."""
    channel: Optional[Slug] = None
    """Id of the channel where the step happens."""
    team: Optional[Slug] = None
    """Id of the team that serves the step."""
    entry: Annotated[
        Optional[Entry], BeforeValidator(_entry, json_schema_input_type=Union[bool, Entry])
    ] = None
    """A first contact point: `true`, or `{volume: N}` when the volume is known."""
    abandon: Probability = Field(0.0, examples=[0.18])
    """Share of the customers reaching this step who leave the journey here (0..1)."""
    duration: Optional[
        Annotated[float, BeforeValidator(parse_duration, json_schema_input_type=str)]
    ] = Field(None, examples=["4m"])
    """Typical time at this step: 30s, 4m, 2h, 3d (or combined: 1h 30m). Held in seconds."""
    score: Optional[Annotated[int, Field(ge=1, le=5)]] = None
    """Customer feeling at this step, 1 (awful) .. 5 (delighted)."""
    moment_of_truth: Annotated[
        Optional[MomentOfTruth],
        BeforeValidator(_moment, json_schema_input_type=Union[bool, MomentOfTruth, None]),
    ] = None
    """A critical moment that shapes the customer's opinion."""
    outcome: Optional[Literal[OUTCOMES]] = None  # type: ignore[valid-type]
    """Ends a customer's path: success, failure or abandoned."""
    backstage: bool = False
    """`true` for work the customer does not see (a review, a back-office check): the map
    draws it below the line of visibility, and handoffs and bouncing count what the customer
    sees."""
    pain_points: list[Text] = Field(
        default_factory=list, examples=[["La línea suena ocupada en horas pico"]]
    )
    """What hurts the customer here, for people: numbered on the map, listed under it."""
    opportunities: list[Text] = Field(
        default_factory=list, examples=[["Devolver la llamada en vez de dejar en espera"]]
    )
    """Ideas to improve this step, for people: numbered on the map, listed under it."""
    next: list[Transition] = Field(default_factory=list)
    """Where customers go from here."""
    allow: dict[str, Reason] = Field(default_factory=dict)
    """Findings accepted on purpose: rule name -> the reason."""

    @property
    def label(self) -> str:
        return self.name or self.id


class JourneyInfo(_Strict):
    """What the journey is and who answers for it."""

    noun: ClassVar[str] = "`journey`"
    section: ClassVar[str] = "journey"

    id: Slug
    """Identifier of the journey."""
    name: Text = Field(examples=["Soporte técnico de internet hogar"])
    """Title shown on reports and maps."""
    description: Optional[Text] = None
    """Free text."""
    owner: Optional[Text] = None
    """Who answers for this journey (free text or a team id)."""
    persona: Optional[Text] = None
    """The kind of customer living it."""
    language: Optional[Literal[LANGUAGES]] = Field(None, examples=["es"])  # type: ignore[valid-type]
    """The language the journey is written in (`es` or `en`): its maps and HTML page speak it,
    whatever the reader's locale, unless `--lang` says otherwise."""


Channels = dict[Slug, Annotated[Channel, BeforeValidator(_empty_if_null)]]
Teams = dict[Slug, Annotated[Team, BeforeValidator(_empty_if_null)]]


class JourneyFile(_Strict):
    """A cyclemap journey: the cycle a customer lives through, step by step."""

    model_config = ConfigDict(title="cyclemap journey")
    noun: ClassVar[str] = "the top level of a journey"
    section: ClassVar[str] = "top-level"
    top: ClassVar[bool] = True

    cyclemap: Annotated[
        Literal[1], BeforeValidator(_format_version, json_schema_input_type=Literal[1])
    ] = Field(examples=[1])
    """Format version; required; files without it are not journeys."""
    journey: JourneyInfo
    """What the journey is."""
    imports: list[Text] = Field(default_factory=list, examples=[["../catalog/company.yaml"]])
    """Catalogs of channels and teams shared by many journeys, relative to this file."""
    channels: Channels = Field(default_factory=dict)
    """Where interactions happen, by id."""
    teams: Teams = Field(default_factory=dict)
    """Who is responsible, by id."""
    stages: list[Stage] = Field(min_length=1)
    """Ordered phases of the cycle."""
    steps: list[Step] = Field(min_length=1)
    """The nodes of the journey."""


class CatalogFile(_Strict):
    """Channels and teams shared by several journeys, read through `imports`."""

    noun: ClassVar[str] = "a catalog"
    section: ClassVar[str] = "catalogs"
    top: ClassVar[bool] = True

    cyclemap: Annotated[
        Optional[Literal[1]], BeforeValidator(_format_version, json_schema_input_type=Literal[1])
    ] = None
    """Optional format version."""
    imports: list[Text] = Field(default_factory=list)
    """Further catalogs, relative to this file."""
    channels: Channels = Field(default_factory=dict)
    """Where interactions happen, by id."""
    teams: Teams = Field(default_factory=dict)
    """Who is responsible, by id."""


def normalise(shares: list[float | None]) -> list[float]:
    """Fractions from written shares: missing ones count as the mean of the given ones (so
    `70` and `30` work like `0.7` and `0.3`, and an unweighted transition is a typical one);
    none given means an equal split."""
    given = [share for share in shares if share is not None]
    largest = max(given, default=1.0)
    given = [share / largest for share in given]  # scaled first: huge weights cannot overflow
    default = sum(given) / len(given) if given else 1.0
    weights = [share / largest if share is not None else default for share in shares]
    total = sum(weights)
    return [weight / total for weight in weights] if total > 0 else []


def normalised_shares(step: Step) -> list[float]:
    """Each transition's fraction of the customers who go on from `step`."""
    return normalise([transition.share for transition in step.next])
