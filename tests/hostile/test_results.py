"""Right results: timestamps read alike by both engines, a log read as the one file named,
baselines that keep what was accepted, a gate that checks nothing failing, logs compared
with journeys whose names are not UTF-8, and customers continuing into linked journeys."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.support.hostile import LOG, J, no_traceback, repository, run

pytestmark = pytest.mark.slow  # the hostile corpus: one subprocess per case


def _log(rows: list[tuple[str, str, str]]) -> str:
    return "case_id,activity,timestamp\n" + "".join(f"{c},{a},{t}\n" for c, a, t in rows)


# --- timestamps: one rule for both engines ------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "01/02/2024 10:00:00",
        "epoch",
        "now",
        "2024-02-01 10:00:00 garbage",
        "1706781600",
        "2024-02-01T11:00+01",
    ],
)
def test_ambiguous_or_unwritten_times_are_refused(tmp_path: Path, written: str) -> None:
    root = repository(tmp_path)
    (root / "L.csv").write_text(
        _log([("c1", "x", written), ("c1", "y", "2024-02-01 11:00:00")]), encoding="utf-8"
    )
    result = run(["mine", "L.csv", "-j", "j.journey.yaml"], root)
    no_traceback(result)
    assert result.returncode == 1
    assert "cannot be read" in result.stderr and "timestamp-format" in result.stderr


@pytest.mark.parametrize(
    "written",
    ["2024-02-01 10:00:00", "2024-02-01T10:00:00Z", "2024-02-01T12:00:00+02:00",
     "2024-02-01 10:00:00.000", "2024-02-01T11:00:00+01", "2024-02-01 11:00:00+0100"],
)  # fmt: skip
def test_iso_8601_forms_are_read(tmp_path: Path, written: str) -> None:
    root = repository(tmp_path)
    (root / "L.csv").write_text(
        _log([("c1", "x", written), ("c1", "y", "2024-02-01 10:05:00")]), encoding="utf-8"
    )
    result = run(["mine", "L.csv", "-j", "j.journey.yaml", "-f", "json"], root)
    assert result.returncode == 0, result.stderr
    (transition,) = json.loads(result.stdout)["transitions"]
    assert transition["median_seconds"] == 300.0


def test_a_written_timestamp_format_reads_day_first(tmp_path: Path) -> None:
    root = repository(tmp_path)
    (root / "cyclemap.toml").write_text(
        '[mine]\ntimestamp-format = "%d/%m/%Y %H:%M:%S"\n', encoding="utf-8"
    )
    (root / "L.csv").write_text(
        _log([("c1", "x", "01/02/2024 10:00:00"), ("c1", "y", "13/02/2024 10:00:00")]),
        encoding="utf-8",
    )
    result = run(["mine", "L.csv", "-j", "j.journey.yaml", "-f", "json"], root)
    assert result.returncode == 0, result.stderr
    (transition,) = json.loads(result.stdout)["transitions"]
    assert transition["median_seconds"] == 12 * 86400


def test_a_time_not_matching_the_format_is_named(tmp_path: Path) -> None:
    root = repository(tmp_path)
    (root / "cyclemap.toml").write_text('[mine]\ntimestamp-format = "%d/%m/%Y"\n', "utf-8")
    (root / "L.csv").write_text(_log([("c1", "x", "2024-02-01")]), encoding="utf-8")
    result = run(["mine", "L.csv", "-j", "j.journey.yaml"], root)
    assert result.returncode == 1
    assert "does not match the timestamp-format `%d/%m/%Y`" in result.stderr


def test_spark_reads_the_format_as_duckdb_does() -> None:
    from cyclemap.mining.spark_engine import java_format

    assert java_format("%d/%m/%Y %H:%M:%S") == "dd'/'MM'/'yyyy' 'HH':'mm':'ss"
    assert java_format("%Y-%m-%dT%H:%M:%S.%f%z") == "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'SSSSSSZ"


# --- a log is the file named, never a glob ------------------------------------------------------


def test_a_log_named_like_a_glob_is_read_alone(tmp_path: Path) -> None:
    root = repository(tmp_path)
    (root / "glob*.csv").write_text(LOG, encoding="utf-8")
    (root / "globEXTRA.csv").write_text(LOG.replace("c1", "d1"), encoding="utf-8")
    result = run(["mine", "glob*.csv", "-j", "j.journey.yaml", "-f", "json"], root)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["events"] == LOG.count("\n") - 1


# --- baselines keep what was accepted -----------------------------------------------------------


def _entries(path: Path) -> list[dict[str, object]]:
    entries: list[dict[str, object]] = json.loads(path.read_text("utf-8"))["findings"]
    return entries


def test_rewriting_the_baseline_read_keeps_the_accepted_findings(tmp_path: Path) -> None:
    root = repository(tmp_path)
    assert run(["audit", "j.journey.yaml", "--write-baseline", "B.json"], root).returncode == 0
    accepted = _entries(root / "B.json")
    assert accepted
    again = run(
        ["audit", "j.journey.yaml", "--baseline", "B.json", "--write-baseline", "B.json"], root
    )
    assert again.returncode == 0, again.stderr
    assert _entries(root / "B.json") == accepted
    assert run(["audit", "j.journey.yaml", "--baseline", "B.json"], root).returncode == 0


def test_a_baseline_written_with_diff_holds_every_finding(tmp_path: Path) -> None:
    root = repository(tmp_path)
    for arguments in (
        ["init", "-q"],
        ["add", "."],
        ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "j"],
    ):
        subprocess.run(["git", *arguments], cwd=root, check=True)
    result = run(["audit", "j.journey.yaml", "--diff", "HEAD", "--write-baseline", "B.json"], root)
    assert result.returncode == 0, result.stderr
    assert run(["audit", "j.journey.yaml", "--write-baseline", "all.json"], root).returncode == 0
    assert _entries(root / "B.json") == _entries(root / "all.json") != []


def test_baseline_and_diff_together_are_refused(tmp_path: Path) -> None:
    root = repository(tmp_path)
    result = run(["audit", "j.journey.yaml", "--baseline", "missing.json", "--diff", "HEAD"], root)
    no_traceback(result)
    assert result.returncode == 2
    assert "--baseline and --diff" in result.stderr


# --- a gate that checks nothing ------------------------------------------------------------------


def test_an_include_typo_fails_the_gate(tmp_path: Path) -> None:
    root = repository(tmp_path)
    (root / "cyclemap.toml").write_text('include = ["journies/**/*.yaml"]\n', encoding="utf-8")
    result = run(["audit", "."], root)
    assert result.returncode == 2
    assert "no journey was checked" in result.stderr and "--allow-empty" in result.stderr
    assert run(["audit", ".", "--allow-empty"], root).returncode == 0
    # Every report says the exit code the process gives.
    report = run(["audit", ".", "-f", "json"], root)
    assert report.returncode == 2 and json.loads(report.stdout)["summary"]["exit_code"] == 2


# --- a journey whose file name is not UTF-8 -----------------------------------------------------


@pytest.mark.skipif(os.uname().sysname == "Darwin", reason="APFS refuses names that are not UTF-8")
def test_audit_log_on_a_journey_named_in_latin_1(tmp_path: Path) -> None:
    root = repository(tmp_path)
    name = os.fsdecode(b"caf\xe9.journey.yaml")
    (root / "j.journey.yaml").rename(root / name)
    result = run(["audit", name, "--log", "L.csv", "--fail-on", "never"], root)
    no_traceback(result)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no such file" not in result.stdout + result.stderr


# --- customers continuing into a linked journey --------------------------------------------------

LINKED = J.replace("next: [{to: z, share: 0.5}, {to: x, share: 0.5}]",
                   "next: [{to: z, share: 0.5}, {to: 'k:start', share: 0.5}]")  # fmt: skip
OTHER = J.replace("id: j,", "id: k,").replace("id: x,", "id: start,").replace("to: x", "to: start")
CONTINUING = _log(
    [("c1", "x", "2024-05-01 10:00:00"), ("c1", "y", "2024-05-01 10:01:00"),
     ("c1", "z", "2024-05-01 10:02:00"), ("c2", "x", "2024-05-01 10:00:00"),
     ("c2", "y", "2024-05-01 10:01:00")]
)  # fmt: skip


def test_customers_continuing_into_a_linked_journey_do_not_abandon(tmp_path: Path) -> None:
    root = repository(tmp_path, LINKED)
    (root / "k.journey.yaml").write_text(OTHER, encoding="utf-8")
    (root / "L.csv").write_text(CONTINUING, encoding="utf-8")
    result = run(["mine", "L.csv", "-j", "j.journey.yaml", "-f", "json"], root)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    step_y = next(step for step in report["steps"] if step["step"] == "y")
    assert step_y["abandon"] == 0.0
    link = next(t for t in report["transitions"] if t["target"] == "k:start")
    assert (link["count"], link["share"]) == (1, 0.5)
    written = run(["mine", "L.csv", "-j", "j.journey.yaml", "--write"], root)
    assert written.returncode == 0, written.stderr
    assert "never taken" not in written.stderr
    assert "{to: 'k:start', share: 0.5}" in (root / "j.journey.yaml").read_text("utf-8")
