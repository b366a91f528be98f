"""What a log shows, as plain frozen records: the result of `mine`, whatever engine ran it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cyclemap.errors import CyclemapError
from cyclemap.graph.observed import ObservedLog
from cyclemap.util.i18n import _

if TYPE_CHECKING:
    from cyclemap.mining.settings import MineFile


class LogError(CyclemapError):
    """The log cannot be read or does not fit the journey; the message says how to fix it.
    Exit 1 in every command, as for a journey that is not valid: the input is wrong."""

    exit_code = 1


def unknown_format(log: object, suffix: str) -> LogError:
    """The error for a log that is neither CSV nor Parquet (both engines read only those)."""
    return LogError(
        _("{log}: unknown log format `{suffix}`; give a .csv or .parquet file").format(
            log=log, suffix=suffix
        )
    )


@dataclass(frozen=True)
class Columns:
    """Names of the log's columns (configurable: logs come from many systems)."""

    case: str = "case_id"
    activity: str = "activity"
    timestamp: str = "timestamp"
    team: str | None = None
    """When absent (or empty on a row), an event's team is its step's team in the journey."""
    activities: tuple[tuple[str, str], ...] = ()
    """(log activity, step id) pairs, for logs that name activities their own way."""
    channel: str | None = None
    """When given, where each event happened: compared with the steps' channels."""
    timestamp_format: str | None = None
    """How the log writes times when not ISO 8601, in strftime's codes (`%d/%m/%Y %H:%M`)."""

    @classmethod
    def configured(cls, settings: MineFile | None) -> Columns:
        """From `[mine]` in the configuration, or the defaults."""
        if settings is None:
            return cls()
        return cls(
            settings.case,
            settings.activity,
            settings.timestamp,
            settings.team,
            tuple(sorted(settings.activities.items())),
            settings.channel,
            settings.timestamp_format,
        )


DISAGREEMENT = 0.10
"""Observed and mapped figures further apart than this are the reports' highlights."""


def disagrees(observed: float, mapped: float | None) -> bool:
    """Whether the log contradicts the map: no such figure in the map, or far from it."""
    return mapped is None or abs(observed - mapped) > DISAGREEMENT


@dataclass(frozen=True)
class ObservedTransition:
    source: str
    target: str
    count: int
    share: float
    """Of the cases leaving `source` (by a transition, not by abandoning)."""
    median_seconds: float | None
    p90_seconds: float | None
    mapped_share: float | None = None
    """The map's share of this transition among `source`'s (normalised); None when the map
    does not have it."""


@dataclass(frozen=True)
class ObservedStep:
    step: str
    visits: int
    cases_ending: int
    abandon: float
    """Cases whose last event is here, over visits, for steps that are not outcomes."""
    mapped_abandon: float | None = None
    """The map's `abandon` for the step (0 when unset); None for outcomes."""


@dataclass(frozen=True)
class ObservedChannel:
    step: str
    channel: str
    events: int
    share: float
    """Of the step's events that name a channel."""
    mapped: bool
    """Whether this is the step's channel in the journey."""


@dataclass(frozen=True)
class ObservedBounce:
    team: str
    """The team customers come back to."""
    via: str
    """The team they come back from: the one they were sent to (direct, A -> B -> A), or the
    last of the others they went through (indirect, A -> B -> C -> A: C)."""
    direct: bool
    bounces: int
    cases: int
    ratio: float
    """Direct: the share of the handoffs from `team` to `via` that come straight back.
    Indirect: the share of the handoffs from `via` to `team` that are such returns."""
    case_share: float = 0.0
    """The cases that bounced so, over every case of the log."""

    @property
    def handoff(self) -> tuple[str, str]:
        """The (from, to) team pair whose handoffs `ratio` is a share of."""
        return (self.team, self.via) if self.direct else (self.via, self.team)


@dataclass(frozen=True)
class MiningReport:
    log: str
    journey: str
    events: int
    cases: int
    transitions: tuple[ObservedTransition, ...]
    steps: tuple[ObservedStep, ...]
    entries: tuple[tuple[str, int], ...]
    bounces: tuple[ObservedBounce, ...]
    variants: tuple[tuple[str, int], ...]
    """The most frequent activity sequences of cases that returned to a team, with counts."""
    notes: tuple[str, ...] = field(default=())
    channels: tuple[ObservedChannel, ...] = field(default=())
    """Events per step and channel, when the log has a channel column."""

    def observed(self) -> ObservedLog:
        """What the log rules compare with the map: moves, visited steps, where cases start."""
        return ObservedLog(
            transitions={(item.source, item.target): item.count for item in self.transitions},
            visits={item.step: item.visits for item in self.steps if item.visits},
            starts=dict(self.entries),
        )

    def abandonment(self) -> tuple[ObservedStep, ...]:
        """The steps that are not outcomes where the log or the map has customers leave."""
        return tuple(
            step
            for step in self.steps
            if step.mapped_abandon is not None and (step.abandon or step.mapped_abandon)
        )

    def channel_differences(self) -> tuple[ObservedChannel, ...]:
        """Every channel of the steps where customers used one other than the map's."""
        differing = {item.step for item in self.channels if not item.mapped}
        return tuple(item for item in self.channels if item.step in differing)
