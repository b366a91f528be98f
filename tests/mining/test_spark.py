"""The shared `mine` queries on Spark (local mode) give the figures DuckDB gives.

Counts, steps, entries, bounces and variants must be equal; times may differ in the last bit
(the two engines interpolate percentiles in a different floating-point order).
"""

from __future__ import annotations

import csv
import datetime
import random
import shutil
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import cyclemap
from cyclemap.cli import app
from cyclemap.mining import Columns, LogError, MiningReport, mine
from tests.support.mining import _journey, zones_log

pytestmark = pytest.mark.slow  # starts a local Spark session (Java)

pytest.importorskip("pyspark")


def _java_major() -> int:
    """The major version of the `java` on the PATH (0 when there is none)."""
    import re
    import subprocess

    if shutil.which("java") is None:
        return 0
    shown = subprocess.run(["java", "-version"], capture_output=True, text=True, check=False)
    found = re.search(r'version "(\d+)(?:\.(\d+))?', shown.stderr + shown.stdout)
    if found is None:
        return 0
    major = int(found.group(1))
    return int(found.group(2) or 0) if major == 1 else major  # "1.8" is Java 8


if _java_major() < 17:
    pytest.skip("Spark 4 needs Java 17 or newer", allow_module_level=True)

STEPS = ["call", "diagnose", "billing-desk", "expert", "fixed"]


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from cyclemap.mining.spark_engine import session

    started = session()
    yield started
    started.stop()


@pytest.fixture()
def journey(tmp_path: Path) -> Path:
    return _journey(tmp_path)


def _random_log(path: Path, seed: int, *, names: dict[str, str] | None = None) -> Path:
    """Random walks with returns, a team column that sometimes disagrees with the map, ties,
    shuffled rows."""
    rng = random.Random(seed)
    rows = []
    for case in range(300):
        moment = datetime.datetime(2024, 3, 1) + datetime.timedelta(minutes=rng.randint(0, 9999))
        for _ in range(rng.randint(1, 8)):
            step = rng.choice(STEPS)
            team = rng.choice(["n1", "bill", "n2", ""])
            channel = rng.choice(["phone", "chat", " ", "web"])
            rows.append(
                [f"k{case}", (names or {}).get(step, step), moment.isoformat(), team, channel]
            )
            moment += datetime.timedelta(seconds=rng.choice([0, 1, 45, 600, 3601]))
    rng.shuffle(rows)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["case_id", "activity", "timestamp", "team", "channel"])
        writer.writerows(rows)
    return path


def _assert_same(duck: MiningReport, spark: MiningReport) -> None:
    def without_times(report: MiningReport) -> dict[str, Any]:
        data = asdict(report)
        for item in data["transitions"]:
            del item["median_seconds"], item["p90_seconds"]
        return data

    assert without_times(duck) == without_times(spark)
    for ours, theirs in zip(duck.transitions, spark.transitions, strict=True):
        assert theirs.median_seconds == pytest.approx(ours.median_seconds, rel=1e-12)
        assert theirs.p90_seconds == pytest.approx(ours.p90_seconds, rel=1e-12)


@pytest.mark.parametrize("team", [None, "team"])
def test_spark_and_duckdb_give_the_same_figures(
    spark: Any, journey: Path, tmp_path: Path, team: str | None
) -> None:
    log = _random_log(tmp_path / "log.csv", seed=7)
    loaded = cyclemap.load(journey)
    columns = Columns(team=team, channel="channel" if team else None)
    duck = mine(log, loaded, columns)
    assert duck.bounces and duck.variants  # the log exercises peloteo
    assert bool(duck.channels) == bool(team) and bool(duck.notes) == bool(team)
    _assert_same(duck, mine(log, loaded, columns, engine="spark", spark=spark))


def test_parquet_and_activity_names_on_spark(spark: Any, journey: Path, tmp_path: Path) -> None:
    import duckdb

    names = {"call": "Llamada entrante", "fixed": "Resuelto"}
    written = _random_log(tmp_path / "named.csv", seed=3, names=names)
    parquet = tmp_path / "named.parquet"
    duckdb.sql(
        f"COPY (SELECT case_id AS ticket, activity, CAST(timestamp AS TIMESTAMP) AS at "
        f"FROM read_csv('{written}', all_varchar = true)) TO '{parquet}' (FORMAT parquet)"
    )
    columns = Columns(
        "ticket", "activity", "at", activities=tuple((v, k) for k, v in names.items())
    )
    loaded = cyclemap.load(journey)
    duck = mine(parquet, loaded, columns)
    assert {step.step for step in duck.steps} == set(STEPS)  # the log's names became steps
    _assert_same(duck, mine(parquet, loaded, columns, engine="spark", spark=spark))


def test_spark_reports_bad_logs_like_duckdb(spark: Any, journey: Path, tmp_path: Path) -> None:
    loaded = cyclemap.load(journey)
    cases = {
        "missing.csv": ("case,activity,timestamp\nc1,call,2024-01-01 10:00:00\n", "no column"),
        "unknown.csv": ("case_id,activity,timestamp\nc1,cal,2024-01-01 10:00:00\n", "`cal`"),
        "untimed.csv": ("case_id,activity,timestamp\nc1,call,yesterday\n", "`yesterday`"),
        "empty.csv": ("case_id,activity,timestamp\n", "no events"),
    }
    for name, (content, fragment) in cases.items():
        log = tmp_path / name
        log.write_text(content, encoding="utf-8")
        messages = []
        for engine in ("duckdb", "spark"):
            with pytest.raises(LogError) as caught:
                mine(log, loaded, engine=engine, spark=spark)  # type: ignore[arg-type]
            messages.append(str(caught.value))
        assert fragment in messages[0], name
        assert messages[0] == messages[1], name


def test_cli_engine_option(spark: Any, journey: Path, tmp_path: Path) -> None:
    log = _random_log(tmp_path / "log.csv", seed=11)
    runner = CliRunner()
    both = [
        runner.invoke(app, ["mine", str(log), "-j", str(journey), "--engine", engine])
        for engine in ("duckdb", "spark")
    ]
    assert [result.exit_code for result in both] == [0, 0], both[1].output
    assert "Peloteo observed" in both[1].stdout
    assert both[0].stdout == both[1].stdout


def test_configured_engine_is_used_by_mine_and_audit(
    spark: Any, journey: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cyclemap.mining import spark_engine

    opened: list[Path] = []
    real = spark_engine.SparkEngine

    def recording(log: Path, columns: Columns, session: Any = None) -> Any:
        opened.append(log)
        return real(log, columns, session)

    monkeypatch.setattr(spark_engine, "SparkEngine", recording)
    (tmp_path / "cyclemap.toml").write_text('[mine]\nengine = "spark"\n', encoding="utf-8")
    log = _random_log(tmp_path / "log.csv", seed=5)
    runner = CliRunner()
    mined = runner.invoke(app, ["mine", str(log), "-j", str(journey), "-f", "json"])
    assert mined.exit_code == 0, mined.output
    audited = runner.invoke(app, ["audit", str(journey), "--log", str(log), "--fail-on", "never"])
    assert audited.exit_code == 0, audited.output
    assert "unmapped-transition" in audited.stdout
    assert opened == [log, log]
    forced = runner.invoke(app, ["mine", str(log), "-j", str(journey), "--engine", "duckdb"])
    assert forced.exit_code == 0
    assert opened == [log, log]


def test_awkward_file_names_on_spark(spark: Any, journey: Path, tmp_path: Path) -> None:
    """Hadoop expands glob characters even in a file's own name, and cannot read `:`."""
    loaded = cyclemap.load(journey)
    source = _random_log(tmp_path / "log.csv", seed=2)
    globbed = tmp_path / "log [2024]*?{a,b}.csv"
    globbed.write_bytes(source.read_bytes())
    _assert_same(mine(globbed, loaded), mine(globbed, loaded, engine="spark", spark=spark))
    colon = tmp_path / "log 10:00.csv"
    colon.write_bytes(source.read_bytes())
    with pytest.raises(LogError, match="holds `:`"):
        mine(colon, loaded, engine="spark", spark=spark)


def test_spark_reads_a_uri(spark: Any, journey: Path, tmp_path: Path) -> None:
    from dataclasses import replace

    loaded = cyclemap.load(journey)
    log = _random_log(tmp_path / "log.csv", seed=9)
    uri = log.resolve().as_uri()
    from_uri = mine(uri, loaded, engine="spark", spark=spark)
    assert from_uri.log == uri
    _assert_same(mine(log, loaded), replace(from_uri, log=str(log)))
    with pytest.raises(LogError, match=r"unknown log format `\.json`"):
        mine("hdfs://cluster/logs/day.json", loaded, engine="spark", spark=spark)


def test_offsets_mean_the_same_instant_on_both_engines(
    spark: Any, journey: Path, tmp_path: Path
) -> None:
    log = zones_log(tmp_path)
    loaded = cyclemap.load(journey)
    duck = mine(log, loaded)
    assert [(t.source, t.target) for t in duck.transitions] == [
        ("call", "diagnose"),
        ("diagnose", "fixed"),
    ]
    _assert_same(duck, mine(log, loaded, engine="spark", spark=spark))


@pytest.mark.parametrize(
    ("name", "separator", "start"),
    [("semi.csv", ";", ""), ("tabs.tsv", "\t", ""), ("bom.csv", ",", "\ufeff")],
)
def test_exports_with_other_separators_or_a_bom(
    spark: Any, journey: Path, tmp_path: Path, name: str, separator: str, start: str
) -> None:
    rows = [["case_id", "activity", "timestamp"]] + [
        [f"c{case}", step, f"2024-01-01 1{case}:0{minute}:00"]
        for case in range(3)
        for minute, step in enumerate(["call", "diagnose", "billing-desk", "diagnose", "fixed"])
    ]
    log = tmp_path / name
    log.write_text(start + "\n".join(separator.join(row) for row in rows) + "\n", "utf-8")
    loaded = cyclemap.load(journey)
    duck = mine(log, loaded)
    assert duck.cases == 3 and duck.bounces
    _assert_same(duck, mine(log, loaded, engine="spark", spark=spark))


TIMESTAMP_FORMS = [
    "2024-05-01 08:00:00",
    "2024-05-01T08:00:00Z",
    "2024-05-01T10:00:00+02:00",
    "2024-05-01 08:00:00.250",
    "2024-05-01T09:00+01",
    "2024-05-01 09:00:00+0100",
    "2024-05-01 09:00:00 +01:00",
    "2024-05-01 08:00",
    "01/02/2024 10:00:00",
    "epoch",
    "now",
    "1714550400",
]


@pytest.mark.parametrize("written", TIMESTAMP_FORMS)
def test_both_engines_read_the_same_timestamps_alike(
    spark: Any, journey: Path, tmp_path: Path, written: str
) -> None:
    """The same forms accepted, with the same meaning, and the same refusals (#13 item 17)."""
    log = tmp_path / "forms.csv"
    log.write_text(
        f"case_id,activity,timestamp\nc1,call,{written}\nc1,fixed,2024-05-01 08:10:00\n",
        encoding="utf-8",
    )
    loaded = cyclemap.load(journey)
    outcomes = []
    for engine in ("duckdb", "spark"):
        try:
            report = mine(log, loaded, engine=engine, spark=spark)  # type: ignore[arg-type]
            outcomes.append(report.transitions[0].median_seconds)
        except LogError as error:
            outcomes.append(str(error))
    assert outcomes[0] == outcomes[1]


def test_both_engines_read_a_timestamp_format_alike(
    spark: Any, journey: Path, tmp_path: Path
) -> None:
    log = tmp_path / "day-first.csv"
    log.write_text(
        "case_id,activity,timestamp\nc1,call,01/02/2024 10:00\nc1,fixed,13/02/2024 10:00\n",
        encoding="utf-8",
    )
    loaded = cyclemap.load(journey)
    columns = Columns(timestamp_format="%d/%m/%Y %H:%M")
    seconds = [
        mine(log, loaded, columns, engine=engine, spark=spark).transitions[0].median_seconds  # type: ignore[arg-type]
        for engine in ("duckdb", "spark")
    ]
    assert seconds == [12 * 86400.0, 12 * 86400.0]
