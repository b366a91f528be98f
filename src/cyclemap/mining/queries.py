"""The aggregation `mine` runs, written once in the SQL that DuckDB and Spark SQL both accept.

An engine (`duckdb_engine`, `spark_engine`) only exposes the log as a relation named `raw`,
registers two small tables (`steps`, `activity_map`), and says how it materialises a query and
fetches rows; the few spellings the two dialects do not share live in `Dialect`. Everything
else (the one sort of events per case, the team runs, every figure) is here, so both engines
compute the same figures by construction, and a test checks they do.

One pass sorts the events of each case by time (`ordered`): it carries the previous step, the
gap since it, whether the event opens or closes its case, and whether it opens a run of one team
(a handoff). A second, smaller sort numbers those runs (`runs`), per case and per case and
team; a return to a team already left is a run that is not its team's first in the case:
direct when the team ran two runs before (A -> B -> A), indirect otherwise, and counted per
pair of the team returned to and the team the customer came back from. Events at `success`
outcomes take no part in runs: arriving at the success a team records is the end of the
journey, not a bounce back to that team (as the `peloteo-loop` rule counts only loops that do
not pass a success). Results are sorted in Python so both engines report in the same order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from cyclemap.format.model import normalise, normalised_shares
from cyclemap.loading import LoadedJourney
from cyclemap.mining.figures import (
    Columns,
    LogError,
    MiningReport,
    ObservedBounce,
    ObservedChannel,
    ObservedStep,
    ObservedTransition,
)
from cyclemap.util.i18n import _, ngettext
from cyclemap.util.numbers import number
from cyclemap.util.text import did_you_mean, one_line

Row = tuple[Any, ...]
ISO_8601 = (
    "[0-9]{4}-[0-9]{2}-[0-9]{2}"
    "([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,9})?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?)?)?"
)
"""The timestamps both engines read alike: a date, a time, and after the seconds an offset
(`Z`, `+02`, `+0200`, `+02:00`); Spark reads no offset after minutes, DuckDB none after a
space."""


def seconds_of(dialect: Dialect, columns: Columns, expression: str) -> str:
    """The SQL for the epoch seconds of a timestamp `expression`, as `columns` says it is
    written (ISO 8601, or `timestamp_format`)."""
    if columns.timestamp_format is None:
        return dialect.seconds.format(expression)
    return dialect.parsed.format(expression, dialect.format_literal(columns.timestamp_format))


def printable(value: object) -> str:
    """Text from the log made safe to show: control, line-separator and bidi characters (a
    terminal escape sequence, a fake second line) become U+FFFD; long values are cut."""
    return one_line(value, limit=200)


@dataclass(frozen=True)
class Dialect:
    """The spellings DuckDB and Spark SQL do not share, as templates."""

    seconds: str
    """Epoch seconds (DOUBLE) of the log's timestamp `{0}` (text or a timestamp) written in
    ISO 8601 (`ISO_8601` matches its text); NULL for anything else, so both engines accept
    the same forms with the same meaning (`01/02/2024` is not guessed day- or month-first,
    `epoch` and `now` are not times)."""
    parsed: str
    """Epoch seconds of `{0}` read with the format `{1}` (a strftime format, as an SQL
    literal); NULL when it does not match."""
    ignore_nulls_lag: str
    """The last non-NULL `{0}` before this row, over window `{1}`."""
    path: str
    """Aggregate: the list of a group's `o.step` in (`o.t`, `o.step`) order."""
    native_format: Callable[[str], str]
    """A strftime format (`%d/%m/%Y`) as the engine's parsing function spells it."""
    literal: Callable[[str], str]
    """Text as an SQL string literal of the engine."""

    def format_literal(self, strftime: str) -> str:
        return self.literal(self.native_format(strftime))


class Engine(Protocol):
    """A SQL engine holding the log as the relation `raw(case_id, activity, ts, team, channel)`.

    `case_id`, `activity`, `team` and `channel` are strings; `ts` is what the log holds (text
    or a timestamp); `team` and `channel` are NULL when the log has no such column.
    """

    dialect: Dialect

    def table(self, name: str, columns: Sequence[tuple[str, str]], rows: Sequence[Row]) -> None:
        """Register small Python data as a table; columns are (name, VARCHAR, INTEGER or
        BOOLEAN)."""

    def materialize(self, name: str, query: str) -> None:
        """Compute `query` once and keep it as `name` for the queries that follow."""

    def rows(self, query: str) -> list[Row]: ...

    def drop(self, name: str) -> None:
        """Forget a materialised table that no later query needs."""

    def close(self) -> None:
        """Release the connection, the cached tables and the views."""


ORDERED = """
    SELECT e.case_id, e.step, e.t, e.team{outer_channel},
           LAG(e.step) OVER w AS previous,
           e.t - LAG(e.t) OVER w AS gap,
           LAG(FALSE, 1, TRUE) OVER w AS is_first,
           LEAD(FALSE, 1, TRUE) OVER w AS is_last,
           e.team IS NOT NULL AND e.team IS DISTINCT FROM {run_before} AS run_start
    FROM (
        SELECT r.case_id, s.position AS step, {seconds} AS t,
               CASE WHEN s.success THEN NULL
                    ELSE COALESCE(NULLIF(TRIM(r.team), ''), s.team) END AS team{inner_channel}
        FROM {events} r LEFT JOIN steps s ON s.step = r.activity
    ) e
    WINDOW w AS (PARTITION BY e.case_id ORDER BY e.t, e.step, e.team NULLS FIRST)"""

MAPPED = """(
    SELECT raw.case_id, COALESCE(m.step, raw.activity) AS activity, raw.ts, raw.team, raw.channel
    FROM raw LEFT JOIN activity_map m ON m.name = raw.activity
)"""

RUNS = """
    SELECT case_id, team, LAG(team) OVER r AS before, LAG(team, 2) OVER r AS before2,
           ROW_NUMBER() OVER (PARTITION BY case_id, team ORDER BY t, step) AS visit
    FROM ordered WHERE run_start
    WINDOW r AS (PARTITION BY case_id ORDER BY t, step, team)"""

CHECKS = """
    SELECT COUNT(*), SUM(CASE WHEN t IS NULL THEN 1 ELSE 0 END),
           SUM(CASE WHEN step IS NULL THEN 1 ELSE 0 END),
           SUM(CASE WHEN case_id IS NULL THEN 1 ELSE 0 END)
    FROM ordered"""

STEPS = """
    SELECT step, COUNT(*), SUM(CASE WHEN is_last THEN 1 ELSE 0 END),
           SUM(CASE WHEN is_first THEN 1 ELSE 0 END)
    FROM ordered GROUP BY step"""

TRANSITIONS = """
    SELECT previous, step, COUNT(*),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY gap),
           percentile_cont(0.9) WITHIN GROUP (ORDER BY gap)
    FROM ordered WHERE previous IS NOT NULL GROUP BY previous, step"""

RETURNS = """
    SELECT team, before, CASE WHEN before2 = team THEN TRUE ELSE FALSE END AS direct,
           COUNT(*), COUNT(DISTINCT case_id)
    FROM runs WHERE visit > 1
    GROUP BY team, before, CASE WHEN before2 = team THEN TRUE ELSE FALSE END"""

BOUNCED = "SELECT DISTINCT case_id FROM runs WHERE visit > 1"

CHANNELS = """
    SELECT step, channel, COUNT(*) FROM ordered WHERE channel IS NOT NULL GROUP BY step, channel"""

HANDOFFS = "SELECT before, team, COUNT(*) FROM runs WHERE before IS NOT NULL GROUP BY before, team"

VARIANTS = """
    WITH paths AS (
        SELECT o.case_id, {path} AS variant
        FROM ordered o JOIN bounced b ON b.case_id = o.case_id
        GROUP BY o.case_id
    )
    SELECT variant, COUNT(*) AS n FROM paths GROUP BY variant ORDER BY n DESC, variant
    LIMIT {limit}"""


def observe(
    engine: Engine,
    log: str,
    journey: LoadedJourney,
    columns: Columns,
    *,
    variants: int = 5,
) -> MiningReport:
    """Every figure of `journey` in the log `engine` holds as `raw`."""
    steps = journey.document.steps
    # Steps travel as their rank in name order: small integers sort and compare faster than
    # names, and ties in time still break by name.
    names = sorted(step.id for step in steps)
    position = {name: index for index, name in enumerate(names)}
    engine.table(
        "steps",
        (("step", "VARCHAR"), ("team", "VARCHAR"), ("position", "INTEGER"), ("success", "BOOLEAN")),
        [(step.id, step.team, position[step.id], step.outcome == "success") for step in steps],
    )
    events = "raw"
    if columns.activities:
        engine.table(
            "activity_map", (("name", "VARCHAR"), ("step", "VARCHAR")), list(columns.activities)
        )
        events = MAPPED
    dialect = engine.dialect
    engine.materialize(
        "ordered",
        ORDERED.format(
            run_before=dialect.ignore_nulls_lag.format("e.team", "w"),
            seconds=seconds_of(dialect, columns, "r.ts"),
            events=events,
            outer_channel=", e.channel" if columns.channel else "",
            inner_channel=", NULLIF(TRIM(r.channel), '') AS channel" if columns.channel else "",
        ),
    )
    _check(engine, log, journey, events, columns)
    outcomes = {step.id: step.outcome for step in steps}
    counted = [(names[step], *figures) for step, *figures in engine.rows(STEPS)]
    events_seen = sum(row[1] for row in counted)
    cases = sum(row[3] for row in counted)
    links = _links(journey)
    abandons = {
        step.id: step.abandon or 0.0
        for step in steps
        if step.outcome is None and step.id not in links
    }
    observed_steps = tuple(
        ObservedStep(
            step,
            visits,
            ending,
            ending / visits if outcomes.get(step) is None and step not in links else 0.0,
            abandons.get(step),
        )
        for step, visits, ending, _ in sorted(counted)
    )
    entries = tuple(
        (step, first) for step, _, _, first in sorted(counted, key=lambda r: (-r[3], r[0])) if first
    )
    continued = [
        (step, target, count, None, None)
        for step, _, ending, _ in counted
        if step in links
        for target, count in _split(ending, links[step])
    ]
    transitions = _transitions(
        [
            *(
                (names[source], names[target], *rest)
                for source, target, *rest in engine.rows(TRANSITIONS)
            ),
            *continued,
        ],
        _mapped_shares(journey),
    )
    engine.materialize("runs", RUNS)
    bounces = _bounces(engine, cases)
    engine.materialize("bounced", BOUNCED)
    engine.drop("runs")  # the memory goes to the last query, the variants
    worst = tuple(
        (_shortened([names[step] for step in variant]), int(count))
        for variant, count in engine.rows(VARIANTS.format(path=dialect.path, limit=int(variants)))
    )
    return MiningReport(
        log,
        journey.id,
        events_seen,
        cases,
        transitions,
        observed_steps,
        entries,
        bounces,
        worst,
        _notes(engine, journey, columns),
        _channels(engine, journey, names) if columns.channel else (),
    )


def _notes(engine: Engine, journey: LoadedJourney, columns: Columns) -> tuple[str, ...]:
    """What the reader should know about the log's own team and channel columns."""
    notes = []
    for given, query, defined, note in (
        (
            columns.team,
            "SELECT DISTINCT team FROM ordered",
            journey.teams,
            _(
                "the log's team column names teams journey `{journey}` does not define: "
                "{names}; check the column, or define them under `teams`"
            ),
        ),
        (
            columns.channel,
            "SELECT DISTINCT channel FROM ordered",
            journey.channels,
            _(
                "the log's channel column names channels journey `{journey}` does not define: "
                "{names}; check the column, or define them under `channels`"
            ),
        ),
    ):
        if not given:
            continue
        named = {row[0] for row in engine.rows(query) if row[0] is not None}
        unknown = sorted(named - set(defined))
        if unknown:
            shown = ", ".join(f"`{printable(name)}`" for name in unknown[:5])
            shown += ", ..." if len(unknown) > 5 else ""
            notes.append(note.format(journey=journey.id, names=shown))
    return tuple(notes)


def _channels(
    engine: Engine, journey: LoadedJourney, names: list[str]
) -> tuple[ObservedChannel, ...]:
    mapped = {step.id: step.channel for step in journey.document.steps}
    counted = [(names[step], channel, int(count)) for step, channel, count in engine.rows(CHANNELS)]
    per_step: dict[str, int] = {}
    for step, _channel, count in counted:
        per_step[step] = per_step.get(step, 0) + count
    return tuple(
        ObservedChannel(
            step, printable(channel), count, count / per_step[step], channel == mapped[step]
        )
        for step, channel, count in sorted(counted, key=lambda r: (r[0], -r[2], r[1]))
    )


LONGEST_VARIANT = 40
"""Steps of a variant shown; a case of thousands of events stays one readable line."""


def _shortened(steps: list[str]) -> str:
    if len(steps) <= LONGEST_VARIANT:
        return " → ".join(steps)
    hidden = len(steps) - LONGEST_VARIANT
    return " → ".join(steps[:LONGEST_VARIANT]) + " → … " + _("({count} more steps)").format(
        count=number(hidden)
    )


def _links(journey: LoadedJourney) -> dict[str, list[tuple[str, float]]]:
    """Steps that lead into other journeys: each `journey-id:step-id` with its share among
    the step's links."""
    found: dict[str, list[tuple[str, float | None]]] = {}
    for step in journey.document.steps:
        for transition in step.next:
            if transition.link is not None:
                found.setdefault(step.id, []).append((transition.to, transition.share))
    return {
        step: list(
            zip([target for target, _ in pairs], normalise([s for _, s in pairs]), strict=True)
        )
        for step, pairs in found.items()
    }


def _split(count: int, links: list[tuple[str, float]]) -> list[tuple[str, int]]:
    """A log of one journey ends where its customers continue into another: the cases ending
    at a step with links went on through them (in the links' mapped proportions), rather
    than abandoning there."""
    if not count:
        return []
    parts = [(target, int(count * share)) for target, share in links]
    rest = count - sum(part for _, part in parts)
    first_target, first_count = parts[0]
    parts[0] = (first_target, first_count + rest)
    return [(target, part) for target, part in parts if part]


def _mapped_shares(journey: LoadedJourney) -> dict[tuple[str, str], float]:
    """Each mapped transition's share among its step's, normalised as the flow figures do."""
    shares: dict[tuple[str, str], float] = {}
    for step in journey.document.steps:
        for transition, share in zip(step.next, normalised_shares(step), strict=True):
            key = (step.id, transition.to)
            shares[key] = shares.get(key, 0.0) + share
    return shares


def _transitions(
    rows: list[Row], mapped: dict[tuple[str, str], float]
) -> tuple[ObservedTransition, ...]:
    leaving: dict[str, int] = {}
    for source, _target, count, _median, _p90 in rows:
        leaving[source] = leaving.get(source, 0) + count
    return tuple(
        ObservedTransition(
            source,
            target,
            count,
            count / leaving[source],
            None if median is None else float(median),
            None if p90 is None else float(p90),
            mapped.get((source, target)),
        )
        for source, target, count, median, p90 in sorted(rows, key=lambda r: (r[0], -r[2], r[1]))
    )


def _bounces(engine: Engine, cases: int) -> tuple[ObservedBounce, ...]:
    handoffs = {(source, target): count for source, target, count in engine.rows(HANDOFFS)}
    found = [
        ObservedBounce(
            printable(team),
            printable(via),
            bool(direct),
            count,
            affected,
            count / handoffs[(team, via) if direct else (via, team)],  # as `.handoff` says
            affected / cases,
        )
        for team, via, direct, count, affected in engine.rows(RETURNS)
    ]
    return tuple(sorted(found, key=lambda b: (-b.bounces, b.team, not b.direct, b.via)))


def _check(engine: Engine, log: str, journey: LoadedJourney, source: str, columns: Columns) -> None:
    """Clear errors for logs that do not fit: empty, unreadable times, unknown activities."""
    events, untimed, unknown, anonymous = engine.rows(CHECKS)[0]
    if not events:
        raise LogError(_("{log}: the log has no events").format(log=log))
    if anonymous:
        raise LogError(
            ngettext(
                "{log}: {count} event has no case id; give every event its case",
                "{log}: {count} events have no case id; give every event its case",
                anonymous,
            ).format(log=log, count=anonymous)
        )
    if untimed:
        [(written,)] = engine.rows(
            f"SELECT r.ts FROM raw r WHERE {seconds_of(engine.dialect, columns, 'r.ts')} IS NULL "
            "ORDER BY CAST(r.ts AS STRING) NULLS LAST LIMIT 1"
        )
        if isinstance(written, (bytes, bytearray, memoryview)):
            raise LogError(
                _(
                    "{log}: the timestamp column `{column}` holds binary data, not times; "
                    "export it as text (ISO 8601) or as a timestamp type"
                ).format(log=log, column=printable(columns.timestamp))
            )
        if written is None:
            problem = _("an event has no timestamp")
        elif columns.timestamp_format is not None:
            problem = _(
                "the timestamp `{written}` does not match the timestamp-format `{format}` of "
                "[mine]"
            ).format(written=printable(written), format=printable(columns.timestamp_format))
        else:
            problem = _("the timestamp `{written}` cannot be read").format(
                written=printable(written)
            )
        raise LogError(
            _(
                "{log}: {problem}; write timestamps as ISO 8601 (2024-05-01 14:03:00), or give "
                'their format as timestamp-format under [mine] (e.g. "%d/%m/%Y %H:%M:%S")'
            ).format(log=log, problem=problem)
        )
    if unknown:
        names = [
            row[0]
            for row in engine.rows(
                f"SELECT DISTINCT r.activity FROM {source} r LEFT JOIN steps s "
                "ON s.step = r.activity WHERE s.step IS NULL ORDER BY r.activity NULLS LAST LIMIT 5"
            )
        ]
        steps = [step.id for step in journey.document.steps]
        shown = ", ".join(
            _("an empty activity")
            if name is None
            else _("`{name}` (did you mean `{guess}`?)").format(name=printable(name), guess=guess)
            if (guess := did_you_mean(str(name), steps))
            else f"`{printable(name)}`"
            for name in names
        )
        raise LogError(
            _(
                "{log}: activities that are not steps of journey `{journey}`: {names}; use step "
                "ids, or map them under [mine.activities] in cyclemap.toml"
            ).format(log=log, journey=journey.id, names=shown)
        )


def csv_layout_problem(log: Path | str) -> str | None:
    """The first row of a local CSV log with another number of fields than its header (a
    stray separator), in words; None when every row fits or the file cannot be read."""
    import csv

    if not isinstance(log, Path) or log.suffix.lower() not in (".csv", ".tsv", ".txt"):
        return None
    try:
        with open(log, encoding="utf-8-sig", newline="") as handle:
            header = handle.readline()
            counts = {separator: header.count(separator) for separator in (",", ";", "\t", "|")}
            separator = max(counts, key=lambda item: counts[item])
            handle.seek(0)
            rows = csv.reader(handle, delimiter=separator)
            width = len(next(rows, []))
            for row in rows:
                if row and len(row) != width:
                    return _(
                        "line {line} has {count} fields where the header has {width}; quote "
                        "values that hold `{separator}`"
                    ).format(
                        line=rows.line_num, count=len(row), width=width, separator=separator
                    )
    except (OSError, UnicodeDecodeError, csv.Error):
        return None
    return None


def missing_columns(log: str, columns: Columns, available: Sequence[str]) -> LogError | None:
    """The error for the first wanted column the log lacks (both engines match names without
    regard to case), or None."""
    present = {name.casefold() for name in available}
    for name in wanted_columns(columns):
        if name.casefold() not in present:
            return _missing_column(log, name, available)
    return None


def _missing_column(log: str, name: str, available: Sequence[str]) -> LogError:
    available = [printable(column) for column in available]
    guess = did_you_mean(name, available)
    message = (
        _("{log}: the log has no column `{name}`; did you mean `{guess}`? (columns: {columns})")
        if guess
        else _("{log}: the log has no column `{name}` (columns: {columns})")
    )
    return LogError(message.format(log=log, name=name, guess=guess, columns=", ".join(available)))


def wanted_columns(columns: Columns) -> list[str]:
    optional = [name for name in (columns.team, columns.channel) if name]
    return [columns.case, columns.activity, columns.timestamp, *optional]
