"""The distributed engine: the same queries on Spark (`pip install 'cyclemap[spark]'`), for
logs a single machine has outgrown. Local mode by default; `CYCLEMAP_SPARK_MASTER` (or a
session passed to `cyclemap.mining.mine`) points it at a cluster."""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from cyclemap.mining.figures import Columns, LogError, unknown_format
from cyclemap.mining.queries import ISO_8601, Dialect, Row, missing_columns
from cyclemap.util.i18n import N_, _

_JAVA_CODES = {
    "Y": "yyyy", "y": "yy", "m": "MM", "d": "dd", "H": "HH", "I": "hh", "M": "mm", "S": "ss",
    "f": "SSSSSS", "p": "a", "b": "MMM", "B": "MMMM", "a": "EEE", "A": "EEEE", "j": "DDD",
    "z": "Z", "Z": "z", "%": "%",
}  # fmt: skip


def java_format(strftime: str) -> str:
    """A strftime format as Java's DateTimeFormatter pattern (which Spark uses): codes
    translated, literal text quoted."""
    pattern: list[str] = []
    literal: list[str] = []
    position = 0
    while position < len(strftime):
        character = strftime[position]
        if character == "%" and position + 1 < len(strftime):
            if literal:
                pattern.append("'" + "".join(literal).replace("'", "''") + "'")
                literal = []
            code = strftime[position + 1]
            if code not in _JAVA_CODES:
                raise LogError(
                    _("timestamp-format: `%{code}` is not a code cyclemap can read").format(
                        code=code
                    )
                )
            pattern.append(_JAVA_CODES[code])
            position += 2
        else:
            literal.append(character)
            position += 1
    if literal:
        pattern.append("'" + "".join(literal).replace("'", "''") + "'")
    return "".join(pattern)


def _literal(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


# Only ISO 8601 text is cast (Spark alone would read `epoch` or `now` as instants, DuckDB
# alone more forms), so both engines read the same times the same way.
_ISO = ISO_8601.replace("{", "{{").replace("}", "}}")  # literal braces in a template
_TEXT = "trim(CAST({0} AS STRING))"
DIALECT = Dialect(
    seconds=f"CASE WHEN {_TEXT} RLIKE '^{_ISO}$' "
    f"THEN CAST(unix_micros(TRY_CAST({_TEXT} AS TIMESTAMP)) AS DOUBLE) / 1000000 END",
    parsed=f"CAST(unix_micros(try_to_timestamp({_TEXT}, {{1}})) AS DOUBLE) / 1000000",
    ignore_nulls_lag="LAG({0}) IGNORE NULLS OVER {1}",
    path="transform(array_sort(collect_list(named_struct('t', o.t, 'p', o.step))), x -> x.p)",
    native_format=java_format,
    literal=_literal,
)
MASTER = "CYCLEMAP_SPARK_MASTER"


def session() -> Any:
    """A Spark session: local on every core unless `CYCLEMAP_SPARK_MASTER` names a cluster."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise LogError(_(INSTALL)) from None
    if os.environ.get("JAVA_HOME") is None and shutil.which("java") is None:
        raise LogError(
            _(
                "the Spark engine needs Java 17 or newer and found none: install a JDK (apt-get "
                "install openjdk-17-jre-headless, brew install openjdk@17) or set JAVA_HOME"
            )
        )
    builder = (
        SparkSession.builder.master(os.environ.get(MASTER, "local[*]"))
        .appName("cyclemap mine")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", str(max(2, (os.cpu_count() or 2) * 2)))
    )
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("FATAL")  # a failure comes back as one clear LogError
    return spark


def _location(log: Path) -> str:
    """The log as a Hadoop path: absolute, with a scheme (a `:` in a relative name would read
    as one) and glob characters escaped (Hadoop expands them even in a file's own name)."""
    escaped = "".join("\\" + char if char in "\\*?[]{}" else char for char in str(log.resolve()))
    return "file://" + escaped


def _separator(log: Path | str) -> str:
    """The field separator, from the header line where the file is local (DuckDB sniffs it
    too: exports use `;` and tabs as often as commas)."""
    fallback = "\t" if str(log).lower().endswith(".tsv") else ","
    if not isinstance(log, Path):
        return fallback
    try:
        with open(log, encoding="utf-8", errors="replace") as handle:
            header = handle.readline(65536)
    except OSError:
        return fallback
    counts = {separator: header.count(separator) for separator in (",", ";", "\t", "|")}
    best = max(counts, key=lambda separator: counts[separator])
    return best if counts[best] else fallback


def _column(name: str) -> Any:
    from pyspark.sql import functions

    return functions.col("`" + name.replace("`", "``") + "`")


INSTALL = N_(
    "the Spark engine needs pyspark and Java 17 or newer: pip install 'cyclemap[spark]'"
)


def errors() -> tuple[type[BaseException], ...]:
    """What Spark raises for a log it cannot read."""
    try:
        from py4j.protocol import Py4JError
        from pyspark.errors import PySparkException
    except ImportError:
        raise LogError(_(INSTALL)) from None
    return (PySparkException, Py4JError)


class SparkEngine:
    """The log as the temporary view `raw` of a Spark session."""

    dialect = DIALECT

    def __init__(self, log: Path | str, columns: Columns, spark: Any = None) -> None:
        from pyspark.sql import functions

        if isinstance(log, Path) and ":" in str(log.resolve()):
            raise LogError(
                _("{log}: Spark cannot read a file whose path holds `:`; rename it").format(
                    log=log
                )
            )
        location = _location(log) if isinstance(log, Path) else log
        named = log if isinstance(log, Path) else PurePosixPath(urlsplit(log).path)
        suffix = named.suffix.lower()
        if suffix not in (".parquet", ".csv", ".tsv", ".txt"):
            raise unknown_format(log, suffix)
        self.spark = spark if spark is not None else session()
        self.cached: dict[str, Any] = {}
        if suffix == ".parquet":
            frame = self.spark.read.parquet(location)
        else:
            reader = self.spark.read.option("header", True).option("sep", _separator(log))
            frame = reader.csv(location)
        missing = missing_columns(str(log), columns, frame.columns)
        if missing is not None:
            raise missing

        def text(name: str | None) -> Any:
            return _column(name).cast("string") if name else functions.lit(None).cast("string")

        frame.select(
            text(columns.case).alias("case_id"),
            text(columns.activity).alias("activity"),
            _column(columns.timestamp).alias("ts"),
            text(columns.team).alias("team"),
            text(columns.channel).alias("channel"),
        ).createOrReplaceTempView("raw")

    def table(self, name: str, columns: Sequence[tuple[str, str]], rows: Sequence[Row]) -> None:
        kinds = {"VARCHAR": "string", "INTEGER": "int", "BOOLEAN": "boolean"}
        schema = ", ".join(f"{column} {kinds[kind]}" for column, kind in columns)
        self.spark.createDataFrame(list(rows), schema).createOrReplaceTempView(name)

    def materialize(self, name: str, query: str) -> None:
        frame = self.spark.sql(query).cache()
        frame.count()
        self.cached[name] = frame
        frame.createOrReplaceTempView(name)

    def rows(self, query: str) -> list[Row]:
        return [tuple(row) for row in self.spark.sql(query).collect()]

    def drop(self, name: str) -> None:
        self.cached.pop(name).unpersist()
        self.spark.catalog.dropTempView(name)

    def close(self) -> None:
        for frame in self.cached.values():
            frame.unpersist()
        for name in ("raw", "steps", "activity_map", "ordered", "runs", "bounced"):
            self.spark.catalog.dropTempView(name)
