"""The embedded engine: DuckDB reads the CSV or Parquet log in place, in parallel, spilling to
disk past a memory cap, so millions of events never become Python objects."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cyclemap.mining.figures import Columns, LogError, unknown_format
from cyclemap.mining.queries import (
    ISO_8601,
    Dialect,
    Row,
    csv_layout_problem,
    missing_columns,
)
from cyclemap.util.i18n import _


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _same(text: str) -> str:
    return text


# Through TIMESTAMPTZ so a written offset (`+02:00`, `Z`) counts; times without one are UTC.
# Only ISO 8601 text is cast: DuckDB alone would also read `epoch` or `now`.
_ISO = ISO_8601.replace("{", "{{").replace("}", "}}")  # literal braces in a template
_TEXT = "trim(CAST({0} AS VARCHAR))"
DIALECT = Dialect(
    # A column typed as a time (Parquet) needs no check of its text.
    seconds="CASE WHEN typeof({0}) <> 'VARCHAR' THEN CASE WHEN "
    "isfinite(TRY_CAST({0} AS TIMESTAMPTZ)) THEN epoch(TRY_CAST({0} AS TIMESTAMPTZ)) END "
    f"WHEN regexp_full_match({_TEXT}, '{_ISO}') "
    f"THEN epoch(TRY_CAST({_TEXT} AS TIMESTAMPTZ)) END",
    parsed=f"epoch(TRY_STRPTIME({_TEXT}, {{1}}))",
    ignore_nulls_lag="LAG({0} IGNORE NULLS) OVER {1}",
    path="list(o.step ORDER BY o.t, o.step)",
    native_format=_same,
    literal=_literal,
)
MEMORY_LIMIT = "1GB"
"""DuckDB spills to disk past this (10 M events measured 2.4 GB peak without it)."""


def _reader(path: Path) -> str:
    """The DuckDB table function reading the log (the path as an escaped SQL literal)."""
    suffix = path.suffix.lower()
    literal = "'" + str(path).replace("'", "''") + "'"
    if suffix == ".parquet":
        return f"read_parquet({literal})"
    if suffix in (".csv", ".tsv", ".txt"):
        # Every column as text: DuckDB's sniffer would otherwise guess a date format
        # (`01/02/2024` read day-first without a word); times are read by one rule instead.
        return f"read_csv({literal}, header = true, auto_detect = true, all_varchar = true)"
    raise unknown_format(path, suffix)


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def errors() -> tuple[type[BaseException], ...]:
    """What DuckDB raises for a log it cannot read."""
    import duckdb

    return (duckdb.Error,)


class DuckDBEngine:
    """One in-memory DuckDB connection holding the log as `raw`."""

    dialect = DIALECT

    def __init__(self, log: Path, columns: Columns) -> None:
        import duckdb

        self._aside: tempfile.TemporaryDirectory[str] | None = None
        reader = _reader(self._plain_name(log))
        self.connection = duckdb.connect()
        self.connection.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        self.connection.execute("SET preserve_insertion_order = false")
        # DuckDB draws its own progress bar on standard output past 2 s: not in a report.
        self.connection.execute("SET enable_progress_bar = false")
        self.connection.execute("SET TimeZone = 'UTC'")  # as the Spark session: no DST jumps
        team = f"CAST({_identifier(columns.team)} AS VARCHAR)" if columns.team else "NULL"
        channel = f"CAST({_identifier(columns.channel)} AS VARCHAR)" if columns.channel else "NULL"
        try:
            self.connection.execute(
                f"""CREATE VIEW raw AS SELECT
                    CAST({_identifier(columns.case)} AS VARCHAR) AS case_id,
                    CAST({_identifier(columns.activity)} AS VARCHAR) AS activity,
                    {_identifier(columns.timestamp)} AS ts,
                    {team}::VARCHAR AS team,
                    {channel}::VARCHAR AS channel
                FROM {reader}"""
            )
        except duckdb.BinderException:
            described = self.connection.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()
            available = [row[0] for row in described]
            self.connection.close()
            layout = csv_layout_problem(log)
            if layout is not None:  # the sniffer misread the header around a ragged row
                raise LogError(
                    _("{log}: cannot read the log: {reason}").format(log=log, reason=layout)
                ) from None
            missing = missing_columns(str(log), columns, available)
            if missing is not None:
                raise missing from None
            raise
        except BaseException:
            self.connection.close()
            raise

    def table(self, name: str, columns: Sequence[tuple[str, str]], rows: Sequence[Row]) -> None:
        self.connection.execute(
            f"CREATE TABLE {name} ({', '.join(f'{column} {kind}' for column, kind in columns)})"
        )
        if rows:
            marks = ", ".join("?" for _ in columns)
            self.connection.executemany(f"INSERT INTO {name} VALUES ({marks})", list(rows))

    def materialize(self, name: str, query: str) -> None:
        self.connection.execute(f"CREATE TABLE {name} AS {query}")

    def rows(self, query: str) -> list[Row]:
        result: list[Any] = self.connection.execute(query).fetchall()
        return result

    def drop(self, name: str) -> None:
        self.connection.execute(f"DROP TABLE {name}")

    def _plain_name(self, log: Path) -> Path:
        """A name DuckDB reads as the one file: it expands `*`, `?`, `[...]` and `{...}` even
        in a file's own name (`glob*.csv` merged in `globEXTRA.csv`), so such a log is read
        through a link with a plain name."""
        if not any(character in str(log) for character in "*?[]{}"):
            return log
        self._aside = tempfile.TemporaryDirectory(prefix="cyclemap-log-")
        link = Path(self._aside.name) / f"log{log.suffix.lower()}"
        link.symlink_to(log.resolve())
        return link

    def close(self) -> None:
        self.connection.close()
        if self._aside is not None:
            self._aside.cleanup()
