"""The map against reality: what customers did, read from interaction logs.

A log has one row per event: a case id (one customer's journey), an activity (a step id of the
journey), a timestamp, and optionally the team that served it. The figures (transition counts
and shares, per-step abandonment, time between steps, volumes per first step, and observed
peloteo: cases back at a team they had left, directly or after other teams) are computed by
one set of SQL queries (`queries`) on DuckDB, embedded, or on Spark when one machine is not
enough (`duckdb_engine`, `spark_engine`); the events never become Python objects. `figures`
holds what a log shows as frozen records, `settings` the configuration's `[mine]` table, and
`calibrate` writes the observed figures back into the journey (`mine --write`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

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
from cyclemap.util.files import remember_input
from cyclemap.util.i18n import _

if TYPE_CHECKING:
    from cyclemap.mining.queries import Engine

EngineName = Literal["duckdb", "spark"]


def mine(
    log: Path | str,
    journey: LoadedJourney,
    columns: Columns | None = None,
    *,
    variants: int = 5,
    engine: EngineName = "duckdb",
    spark: Any = None,
) -> MiningReport:
    """Observed figures of `journey` in the event `log` (CSV or Parquet).

    `engine="spark"` runs the same queries on Spark: a local session, or `spark` when given;
    there `log` may also be a URI Spark reads (`hdfs://...`, `s3a://...`).
    """
    from cyclemap.mining.queries import observe

    columns = columns or Columns()
    if is_uri(log):
        if engine != "spark":
            raise LogError(
                _("{log}: DuckDB reads local files; give --engine spark for a URI").format(log=log)
            )
    else:
        log = Path(log)
        if not log.is_file():
            raise LogError(_("{log}: no such file").format(log=log))

        remember_input(log)
        if log.stat().st_size == 0:
            raise LogError(
                _("{log}: the log is empty; it needs a header row and events").format(log=log)
            )
    failures = _failures(engine)
    try:
        runner = _open(engine, log, columns, spark)
        try:
            return observe(runner, str(log), journey, columns, variants=variants)
        finally:
            runner.close()
    except failures as error:
        raise LogError(
            _("{log}: cannot read the log: {reason}").format(log=log, reason=_reason(error, log))
        ) from None


def _failures(engine: EngineName) -> tuple[type[BaseException], ...]:
    """What the engine raises for a log it cannot read (checked before it starts, so a missing
    pyspark is a clear error too)."""
    if engine == "spark":
        from cyclemap.mining import spark_engine

        return spark_engine.errors()
    from cyclemap.mining import duckdb_engine

    return duckdb_engine.errors()


def _open(engine: EngineName, log: Path | str, columns: Columns, spark: Any) -> Engine:
    if engine == "spark":
        from cyclemap.mining.spark_engine import SparkEngine

        return SparkEngine(log, columns, spark)
    from cyclemap.mining.duckdb_engine import DuckDBEngine

    assert isinstance(log, Path)  # URIs were refused above
    return DuckDBEngine(log, columns)


def is_uri(log: Path | str) -> bool:
    """`scheme://...`: a location only a distributed engine reads."""
    return isinstance(log, str) and re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", log) is not None


def _reason(error: BaseException, log: Path | str) -> str:
    """The engine's error in a line; an encoding problem or a CSV whose layout cannot be
    worked out said as such (DuckDB puts either below a generic first line)."""
    from cyclemap.mining.queries import csv_layout_problem, printable

    text = str(error).strip()
    lowered = text.lower()
    if "invalid unicode" in lowered or "malformed input" in lowered:
        return _("the file is not UTF-8 text; save the log as UTF-8")
    if "sniffing" in lowered or "csv error" in lowered or "malformed csv" in lowered:
        return csv_layout_problem(log) or _(
            "its CSV layout cannot be worked out; check the separator and the quotes"
        )
    return printable(text.splitlines()[0]) if text else type(error).__name__


def bounce_rates(report: MiningReport) -> dict[tuple[str, str], float]:
    """Direct ping-pong ratio per (team, via) pair, for tests and callers."""
    return {(b.team, b.via): b.ratio for b in report.bounces if b.direct}


__all__: Sequence[str] = (
    "Columns",
    "LogError",
    "MiningReport",
    "ObservedBounce",
    "ObservedChannel",
    "ObservedStep",
    "ObservedTransition",
    "bounce_rates",
    "mine",
)
