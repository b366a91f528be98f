"""The map against reality: what customers did, read from interaction logs with DuckDB.

A log has one row per event: a case id (one customer's journey), an activity (a step id of the
journey), a timestamp, and optionally the team and channel that served it. DuckDB reads CSV
or Parquet and does every aggregation in SQL (window functions over cases), so millions of
events never become Python objects. Figures: transition counts and shares, per-step
abandonment (cases whose last event is not an outcome), time between steps (median, p90),
volumes per first step, and observed peloteo: cases that return to a team they already left,
directly (A -> B -> A) or after other teams, per team pair, with the worst variants.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cyclemap.errors import CyclemapError

if TYPE_CHECKING:
    from cyclemap.render.view import Observed
from cyclemap.loading import LoadedJourney
from cyclemap.loading.model_errors import did_you_mean


class LogError(CyclemapError):
    """The log cannot be read or does not fit the journey; the message says how to fix it."""


@dataclass(frozen=True)
class Columns:
    """Names of the log's columns (configurable: logs come from many systems)."""

    case: str = "case_id"
    activity: str = "activity"
    timestamp: str = "timestamp"
    team: str | None = None
    """When absent, each event's team is its step's team in the journey."""
    activities: tuple[tuple[str, str], ...] = ()
    """(log activity, step id) pairs, for logs that name activities their own way."""

    @classmethod
    def configured(cls, settings: Any) -> Columns:
        """From `[mine]` in the configuration (`cyclemap.config.MineFile`), or the defaults."""
        if settings is None:
            return cls()
        return cls(
            settings.case,
            settings.activity,
            settings.timestamp,
            settings.team,
            tuple(sorted(settings.activities.items())),
        )


@dataclass(frozen=True)
class ObservedTransition:
    source: str
    target: str
    count: int
    share: float
    """Of the cases leaving `source` (by a transition, not by abandoning)."""
    median_seconds: float | None
    p90_seconds: float | None


@dataclass(frozen=True)
class ObservedStep:
    step: str
    visits: int
    cases_ending: int
    abandon: float
    """Cases whose last event is here, over visits, for steps that are not outcomes."""


@dataclass(frozen=True)
class ObservedBounce:
    team: str
    """The team customers come back to."""
    via: str
    """The team they were sent to in between (direct: A -> B -> A); `*` for indirect."""
    bounces: int
    cases: int
    ratio: float
    """Bounces over the handoffs from `team` to `via` (direct), or over cases (indirect)."""
    case_share: float = 0.0
    """The cases that bounced so, over every case of the log."""


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


def _reader(path: Path) -> str:
    """The DuckDB table function reading the log (the path as an escaped SQL literal)."""
    suffix = path.suffix.lower()
    literal = "'" + str(path).replace("'", "''") + "'"
    if suffix == ".parquet":
        return f"read_parquet({literal})"
    if suffix in (".csv", ".tsv", ".txt"):
        return f"read_csv({literal}, header = true, auto_detect = true)"
    raise LogError(f"{path}: unknown log format `{suffix}`; give a .csv or .parquet file")


def mine(
    log: Path, journey: LoadedJourney, columns: Columns = Columns(), *, variants: int = 5
) -> MiningReport:
    """Observed figures of `journey` in the event `log` (CSV or Parquet)."""
    import duckdb

    if not log.is_file():
        raise LogError(f"{log}: no such file")
    connection = duckdb.connect()
    # Bounded memory: DuckDB spills to disk past this (10 M events measured 2.4 GB unbounded).
    connection.execute("SET memory_limit = '1GB'")
    connection.execute("SET preserve_insertion_order = false")
    try:
        _load_events(connection, log, columns)
        return _report(connection, log, journey, columns, variants)
    except duckdb.Error as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise LogError(f"{log}: cannot read the log: {first}") from None
    finally:
        connection.close()


def _load_events(connection: Any, log: Path, columns: Columns) -> None:
    connection.execute(f"CREATE VIEW raw AS SELECT * FROM {_reader(log)}")
    available = [row[0] for row in connection.execute("DESCRIBE raw").fetchall()]
    wanted = [columns.case, columns.activity, columns.timestamp] + (
        [columns.team] if columns.team else []
    )
    for name in wanted:
        if name not in available:
            guess = did_you_mean(name, available)
            raise LogError(
                f"{log}: the log has no column `{name}`"
                + (f"; did you mean `{guess}`?" if guess else "")
                + f" (columns: {', '.join(available)})"
            )

    def quoted(name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    team = f", CAST({quoted(columns.team)} AS VARCHAR) AS team" if columns.team else ""
    connection.execute(
        f"""CREATE TABLE events AS SELECT
            CAST({quoted(columns.case)} AS VARCHAR) AS case_id,
            CAST({quoted(columns.activity)} AS VARCHAR) AS activity,
            TRY_CAST({quoted(columns.timestamp)} AS TIMESTAMP) AS ts,
            CAST({quoted(columns.timestamp)} AS VARCHAR) AS written_ts{team}
        FROM raw"""
    )
    if columns.activities:
        connection.execute("CREATE TABLE activity_map (name VARCHAR, step VARCHAR)")
        connection.executemany("INSERT INTO activity_map VALUES (?, ?)", list(columns.activities))
        connection.execute(
            "UPDATE events SET activity = m.step FROM activity_map m WHERE events.activity = m.name"
        )
    unparsed = connection.execute(
        "SELECT written_ts FROM events WHERE ts IS NULL LIMIT 1"
    ).fetchone()
    if unparsed is not None:
        raise LogError(
            f"{log}: the timestamp `{unparsed[0]}` cannot be read; write timestamps as "
            "ISO 8601 (2024-05-01 14:03:00)"
        )
    if connection.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 0:
        raise LogError(f"{log}: the log has no events")


def _check_activities(connection: Any, log: Path, journey: LoadedJourney) -> None:
    steps = [step.id for step in journey.document.steps]
    connection.execute("CREATE TABLE steps (step VARCHAR, team VARCHAR, outcome VARCHAR)")
    connection.executemany(
        "INSERT INTO steps VALUES (?, ?, ?)",
        [(step.id, step.team, step.outcome) for step in journey.document.steps],
    )
    unknown = [
        row[0]
        for row in connection.execute(
            "SELECT DISTINCT activity FROM events WHERE activity NOT IN (SELECT step FROM steps) "
            "ORDER BY activity LIMIT 5"
        ).fetchall()
    ]
    if unknown:
        shown = ", ".join(
            f"`{name}`"
            + (f" (did you mean `{guess}`?)" if (guess := did_you_mean(str(name), steps)) else "")
            for name in unknown
        )
        raise LogError(
            f"{log}: activities that are not steps of journey `{journey.id}`: {shown}; "
            "use step ids, or map them under [mine.activities] in cyclemap.toml"
        )


def _report(
    connection: Any, log: Path, journey: LoadedJourney, columns: Columns, variants: int
) -> MiningReport:
    _check_activities(connection, log, journey)
    team = "e.team" if columns.team else "s.team"
    connection.execute(
        f"""CREATE TABLE ordered AS SELECT
            e.case_id, e.activity, e.ts, {team} AS team, s.outcome,
            LAG(e.activity) OVER w AS previous,
            LAG(e.ts) OVER w AS previous_ts,
            ROW_NUMBER() OVER w AS position,
            COUNT(*) OVER (PARTITION BY e.case_id) AS total
        FROM events e JOIN steps s ON s.step = e.activity
        WINDOW w AS (PARTITION BY e.case_id ORDER BY e.ts, e.activity)"""
    )
    events, cases = connection.execute(
        "SELECT COUNT(*), COUNT(DISTINCT case_id) FROM ordered"
    ).fetchone()
    transitions = tuple(
        ObservedTransition(source, target, count, count / leaving, median, p90)
        for source, target, count, leaving, median, p90 in connection.execute(
            """SELECT previous, activity, COUNT(*) AS n,
                   SUM(COUNT(*)) OVER (PARTITION BY previous) AS leaving,
                   MEDIAN(epoch(ts) - epoch(previous_ts)),
                   QUANTILE_CONT(epoch(ts) - epoch(previous_ts), 0.9)
               FROM ordered WHERE previous IS NOT NULL
               GROUP BY previous, activity ORDER BY previous, n DESC, activity"""
        ).fetchall()
    )
    steps = tuple(
        ObservedStep(step, visits, ending, ending / visits if outcome is None else 0.0)
        for step, visits, ending, outcome in connection.execute(
            """SELECT activity, COUNT(*), COUNT(*) FILTER (WHERE position = total),
                      ANY_VALUE(outcome)
               FROM ordered GROUP BY activity ORDER BY activity"""
        ).fetchall()
    )
    entries = tuple(
        (step, count)
        for step, count in connection.execute(
            """SELECT activity, COUNT(*) FROM ordered WHERE position = 1
               GROUP BY activity ORDER BY COUNT(*) DESC, activity"""
        ).fetchall()
    )
    bounces, worst = _peloteo(connection, variants)
    return MiningReport(
        str(log), journey.id, events, cases, transitions, steps, entries, bounces, worst
    )


def _peloteo(
    connection: Any, variants: int
) -> tuple[tuple[ObservedBounce, ...], tuple[tuple[str, int], ...]]:
    """Returns to a team already left: runs of one team per case, then earlier runs."""
    connection.execute(
        """CREATE TABLE runs AS
           WITH changes AS (
               SELECT case_id, ts, activity, team,
                      CASE WHEN team IS DISTINCT FROM LAG(team) OVER w THEN 1 ELSE 0 END AS new_run
               FROM ordered WHERE team IS NOT NULL
               WINDOW w AS (PARTITION BY case_id ORDER BY ts, activity)
           ), numbered AS (
               SELECT *, SUM(new_run) OVER (PARTITION BY case_id ORDER BY ts, activity
                                            ROWS UNBOUNDED PRECEDING) AS run
               FROM changes
           )
           SELECT case_id, run, ANY_VALUE(team) AS team FROM numbered GROUP BY case_id, run"""
    )
    connection.execute(
        """CREATE TABLE returns AS SELECT case_id, run, team,
               LAG(run) OVER (PARTITION BY case_id, team ORDER BY run) AS earlier,
               LAG(team) OVER (PARTITION BY case_id ORDER BY run) AS between_team
           FROM runs"""
    )
    rows = connection.execute(
        """WITH handoffs AS (
               SELECT between_team AS source, team AS target, COUNT(*) AS n
               FROM returns WHERE between_team IS NOT NULL GROUP BY 1, 2
           ), all_cases AS (SELECT COUNT(DISTINCT case_id) AS n FROM runs)
           SELECT team, between_team, COUNT(*) AS bounces, COUNT(DISTINCT case_id) AS cases,
                  COUNT(*) / ANY_VALUE(h.n) AS ratio
           FROM returns JOIN handoffs h ON h.source = returns.team
                                       AND h.target = returns.between_team
           WHERE earlier = run - 2
           GROUP BY team, between_team
           UNION ALL
           SELECT team, '*', COUNT(*), COUNT(DISTINCT case_id),
                  COUNT(DISTINCT case_id) / ANY_VALUE(all_cases.n)
           FROM returns, all_cases WHERE earlier < run - 2
           GROUP BY team
           ORDER BY bounces DESC, team, between_team"""
    ).fetchall()
    total = connection.execute("SELECT COUNT(DISTINCT case_id) FROM ordered").fetchone()[0]
    bounces = tuple(
        ObservedBounce(team, via, count, affected, ratio, affected / total)
        for team, via, count, affected, ratio in rows
    )
    worst = tuple(
        (variant, count)
        for variant, count in connection.execute(
            """WITH bounced AS (SELECT DISTINCT case_id FROM returns WHERE earlier IS NOT NULL),
               paths AS (
                   SELECT o.case_id, STRING_AGG(o.activity, ' → ' ORDER BY o.ts, o.activity) AS v
                   FROM ordered o JOIN bounced USING (case_id) GROUP BY o.case_id
               )
               SELECT v, COUNT(*) FROM paths GROUP BY v ORDER BY COUNT(*) DESC, v LIMIT ?""",
            [variants],
        ).fetchall()
    )
    return bounces, worst


def render_text(report: MiningReport) -> str:
    """The observed figures for people."""
    from cyclemap.numbers import customers, percent

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
    lines += ["", "peloteo observed (customers back at a team they had left):"]
    if not report.bounces:
        lines.append("  none")
    for bounce in report.bounces:
        kind = f"direct via `{bounce.via}`" if bounce.via != "*" else "after other teams"
        lines.append(
            f"  back to `{bounce.team}` {kind}: {customers(bounce.bounces)} times in "
            f"{customers(bounce.cases)} cases ({percent(bounce.case_share)} of all cases; "
            f"{percent(bounce.ratio)} of the handoffs)"
        )
    if report.variants:
        lines += ["", "worst variants:"]
        lines += [f"  {customers(count)} cases: {variant}" for variant, count in report.variants]
    return "\n".join(lines) + "\n"


def render_json(report: MiningReport) -> str:
    import json
    from dataclasses import asdict

    return json.dumps(asdict(report), indent=2, ensure_ascii=False) + "\n"


def observed_overlay(report: MiningReport) -> Observed:
    """What `render --log` draws: traffic per transition and the team pairs bounced on."""
    from cyclemap.render.view import Observed

    return Observed(
        counts={(item.source, item.target): item.count for item in report.transitions},
        bounced_teams=frozenset(
            frozenset({bounce.team, bounce.via}) for bounce in report.bounces if bounce.via != "*"
        ),
    )


def bounce_rates(report: MiningReport) -> dict[tuple[str, str], float]:
    """Direct ping-pong ratio per (team, via) pair, for tests and callers."""
    return {(b.team, b.via): b.ratio for b in report.bounces if b.via != "*"}


__all__: Sequence[str] = (
    "Columns",
    "LogError",
    "MiningReport",
    "bounce_rates",
    "mine",
    "render_json",
    "render_text",
)
