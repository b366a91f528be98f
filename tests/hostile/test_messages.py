"""Messages that say what is wrong: each of these said something else before (a missing
column, "not UTF-8", "did you mean" the file itself, "write it without quotes", a parser
error with the wrong exit code, a binary value shown as text)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.hostile import J, no_traceback, repository, run

pytestmark = pytest.mark.slow  # the hostile corpus: one subprocess per case


def _mine(root: Path, log: str = "L.csv") -> tuple[int, str]:
    result = run(["mine", log, "-j", "j.journey.yaml"], root)
    no_traceback(result)
    return result.returncode, result.stderr


@pytest.mark.parametrize(
    ("log", "said", "not_said"),
    [
        (
            b"case_id,activity,timestamp\nc1,x,2024-01-01 10:00:00\n"
            b"c1,y,2024-01-01 10:05:00,extra\n",
            "line 3 has 4 fields where the header has 3",
            "no column",
        ),
        (
            b"case_id,activity,timestamp\nc1,x,2024-01-01 10:00:00\nc1,y,Atenci\xf3n\n",
            "not UTF-8",
            "fields",
        ),
        (
            b'case_id,activity,timestamp\nc1,x,"2024-01-01 10:00:00\nc1,"y,2024-01-01\n',
            "L.csv: ",  # read or not, depending on DuckDB's sniffer: never "not UTF-8"
            "not UTF-8",
        ),
    ],
    ids=["one-field-too-many", "latin-1", "broken-quotes"],
)
def test_a_log_that_cannot_be_read_says_why(
    tmp_path: Path, log: bytes, said: str, not_said: str
) -> None:
    root = repository(tmp_path)
    (root / "L.csv").write_bytes(log)
    code, message = _mine(root)
    assert code == 1
    assert said in message and not_said not in message


def test_a_binary_timestamp_column(tmp_path: Path) -> None:
    import duckdb

    root = repository(tmp_path)
    connection = duckdb.connect()
    connection.execute(
        "COPY (SELECT 'c1' AS case_id, 'x' AS activity, '\\xAA\\xBB'::BLOB AS timestamp) "
        f"TO '{root / 'L.parquet'}' (FORMAT parquet)"
    )
    connection.close()
    code, message = _mine(root, "L.parquet")
    assert code == 1
    assert "holds binary data, not times" in message


def test_an_import_of_a_fifo(tmp_path: Path) -> None:
    root = repository(tmp_path, J.replace("stages:", "imports: [fifo.yaml]\nstages:"))
    os.mkfifo(root / "fifo.yaml")
    result = run(["validate", "j.journey.yaml"], root, timeout=60)
    no_traceback(result)
    assert result.returncode == 1
    assert "is not a regular file" in result.stdout
    assert "did you mean" not in result.stdout


def test_a_400_digit_volume(tmp_path: Path) -> None:
    root = repository(tmp_path, J.replace("volume: 100", "volume: " + "9" * 400))
    result = run(["validate", "j.journey.yaml"], root)
    no_traceback(result)
    assert result.returncode == 1
    assert "too large" in result.stdout and "without quotes" not in result.stdout


@pytest.mark.parametrize("value", ['""', "5"])
def test_a_bad_column_name_is_a_configuration_error_exit_2(tmp_path: Path, value: str) -> None:
    root = repository(tmp_path)
    (root / "cyclemap.toml").write_text(f"[mine]\nactivity = {value}\n", encoding="utf-8")
    code, message = _mine(root)
    assert code == 2
    assert "cyclemap.toml:2:1: error: `mine.activity`" in message
