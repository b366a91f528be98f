"""`cyclemap mine` on awkward and bad logs: row order, encodings, empty files, missing case ids,
odd timestamps, ties, blank team cells, renamed activities and steps without a team."""

from __future__ import annotations

import dataclasses
import random
import textwrap
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

import cyclemap
from cyclemap.cli import app
from cyclemap.loading import LoadedJourney
from cyclemap.mining import Columns, LogError, MiningReport, bounce_rates, mine
from tests.support.mining import _journey, _log

runner = CliRunner()
HEADER = "case_id,activity,timestamp\n"
TEAM_HEADER = "case_id,activity,timestamp,team\n"


def _support(tmp_path: Path) -> LoadedJourney:
    """The support journey of `test_mining`: call, diagnose, fixed (n1), billing-desk (bill),
    expert (n2)."""
    return cyclemap.load(_journey(tmp_path))


def _write(tmp_path: Path, text: str, name: str = "log.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _cli_error(log: Path, journey: Path, *extra: str) -> str:
    """Run `cyclemap mine` expecting a clean failure; return its stderr."""
    result = runner.invoke(app, ["mine", str(log), "-j", str(journey), *extra])
    assert result.exit_code == 1, result.output
    # An uncaught exception also exits 1 under CliRunner; only typer.Exit shows as SystemExit.
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("cyclemap: error: ")
    assert str(log) in result.stderr
    return result.stderr


def _figures(report: MiningReport) -> dict[tuple[str, str], int]:
    return {(t.source, t.target): t.count for t in report.transitions}


# 1. Unsorted logs -------------------------------------------------------------------------


def test_row_order_does_not_change_the_report(tmp_path: Path) -> None:
    rng = random.Random(7)
    cases = []
    for _ in range(300):
        path = ["call", "diagnose"]
        while rng.random() < 0.35:
            path += [rng.choice(["billing-desk", "expert"]), "diagnose"]
        if rng.random() < 0.2:
            path += ["billing-desk", "expert", "diagnose"]  # indirect return to n1
        if rng.random() < 0.85:
            path.append("fixed")
        cases.append(path)
    journey = _support(tmp_path)
    log = _log(tmp_path, cases)
    header, *rows = log.read_text(encoding="utf-8").splitlines(keepends=True)
    expected = dataclasses.asdict(mine(log, journey))
    # The figures are not trivial, so a row-order dependency would show.
    assert expected["bounces"] and expected["variants"]
    assert {(b["via"], b["direct"]) for b in expected["bounces"]} >= {
        ("bill", True),
        ("n2", False),
    }

    shuffled = rows[:]
    random.Random(3).shuffle(shuffled)
    assert shuffled != rows
    for order in (shuffled, rows[::-1]):
        log.write_text(header + "".join(order), encoding="utf-8")
        assert dataclasses.asdict(mine(log, journey)) == expected


# 2. Bad encodings -------------------------------------------------------------------------

NON_ASCII = (
    HEADER
    + "caño-1,Llamada atención,2024-01-01 10:00:00\n"
    + "caño-1,diagnose,2024-01-01 10:05:00\n"
    + "niño-2,Llamada atención,2024-01-01 11:00:00\n"
)
MAPPED = Columns(activities=(("Llamada atención", "call"),))


def test_non_ascii_names_read_in_utf8(tmp_path: Path) -> None:
    """The control for the encoding tests: the same text in UTF-8 is read fine."""
    report = mine(_write(tmp_path, NON_ASCII), _support(tmp_path), MAPPED)
    assert (report.events, report.cases) == (3, 2)
    assert report.entries == (("call", 2),)


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        ("latin-1", NON_ASCII),
        ("utf-16", NON_ASCII),  # with a byte order mark
        ("utf-16-le", HEADER + "c1,call,2024-01-01 10:00:00\n"),  # no byte order mark
    ],
)
def test_non_utf8_logs_raise_log_error(tmp_path: Path, encoding: str, text: str) -> None:
    log = _write(tmp_path, text, encoding=encoding)
    with pytest.raises(LogError) as caught:
        mine(log, _support(tmp_path), MAPPED)
    assert type(caught.value) is LogError
    assert str(log) in str(caught.value)


@pytest.mark.parametrize("encoding", ["latin-1", "utf-16"])
def test_non_utf8_error_says_it_is_the_encoding(tmp_path: Path, encoding: str) -> None:
    log = _write(tmp_path, NON_ASCII, encoding=encoding)
    with pytest.raises(LogError) as caught:
        mine(log, _support(tmp_path), MAPPED)
    assert "utf-8" in str(caught.value).lower()


def test_cli_utf16_log_fails_cleanly(tmp_path: Path) -> None:
    journey = _journey(tmp_path)
    log = _write(tmp_path, NON_ASCII, encoding="utf-16")
    _cli_error(log, journey)


# 3. Empty and header-only files ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("empty.csv", ""),
        ("header.csv", HEADER),
        ("header-no-newline.csv", HEADER.rstrip("\n")),
        ("empty.parquet", ""),
    ],
)
def test_empty_and_header_only_logs_raise_log_error(
    tmp_path: Path, name: str, content: str
) -> None:
    log = _write(tmp_path, content, name=name)
    with pytest.raises(LogError) as caught:
        mine(log, _support(tmp_path))
    assert str(log) in str(caught.value)
    if content.startswith("case_id"):
        assert "the log has no events" in str(caught.value)


def test_empty_file_error_says_it_is_empty(tmp_path: Path) -> None:
    log = _write(tmp_path, "", name="log.csv")
    with pytest.raises(LogError) as caught:
        mine(log, _support(tmp_path))
    message = str(caught.value).removeprefix(f"{log}: ")
    assert "empty" in message or "no events" in message


def test_cli_empty_file_fails_cleanly(tmp_path: Path) -> None:
    journey = _journey(tmp_path)
    _cli_error(_write(tmp_path, "", name="empty.csv"), journey)
    _cli_error(_write(tmp_path, HEADER, name="header.csv"), journey)


# 4. Events without a case id -------------------------------------------------------------


@pytest.mark.parametrize("blank", ["", '""'])
def test_event_without_case_id_raises_log_error(tmp_path: Path, blank: str) -> None:
    log = _write(
        tmp_path,
        HEADER
        + "c1,call,2024-01-01 10:00:00\n"
        + f"{blank},diagnose,2024-01-01 10:05:00\n"
        + "c1,diagnose,2024-01-01 10:06:00\n",
    )
    with pytest.raises(LogError) as caught:
        mine(log, _support(tmp_path))
    assert "1 event has no case id" in str(caught.value)


def test_cli_event_without_case_id_fails_cleanly(tmp_path: Path) -> None:
    journey = _journey(tmp_path)
    log = _write(tmp_path, HEADER + "c1,call,2024-01-01 10:00:00\n,call,2024-01-01 10:01:00\n")
    assert "1 event has no case id" in _cli_error(log, journey)


# 5. Timestamps ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "fragment"),
    [
        ("c1,call,yesterday\nc1,diagnose,2024-01-01 10:00:00\n", "the timestamp `yesterday`"),
        ("c1,call,yesterday\n", "the timestamp `yesterday`"),
        ("c1,call,\nc1,diagnose,2024-01-01 10:00:00\n", "an event has no timestamp"),
        ("c1,call,\n", "an event has no timestamp"),
        ("c1,call,infinity\nc1,diagnose,2024-01-01 10:00:00\n", "the timestamp `infinity`"),
        ("c1,call,infinity\n", "the timestamp `infinity`"),
        ("c1,call,2024-01-01T10:00:00\nc1,diagnose,infinity\n", "the timestamp `infinity`"),
    ],
)
def test_unreadable_timestamps_raise_log_error(tmp_path: Path, rows: str, fragment: str) -> None:
    log = _write(tmp_path, HEADER + rows)
    with pytest.raises(LogError) as caught:
        mine(log, _support(tmp_path))
    assert fragment in str(caught.value)
    assert str(log) in str(caught.value)


@pytest.mark.parametrize("zone", ["", "Z", "+02:00"])
def test_iso_timestamps_with_t_and_fractions(tmp_path: Path, zone: str) -> None:
    gaps = {"c1": "01.500", "c2": "00.750", "c3": "02.250"}  # median 1.5 s
    rows = "".join(
        f"{case},call,2024-01-01T10:00:00.000{zone}\n{case},diagnose,2024-01-01T10:00:{gap}{zone}\n"
        for case, gap in gaps.items()
    )
    report = mine(_write(tmp_path, HEADER + rows), _support(tmp_path))
    [transition] = report.transitions
    assert (transition.source, transition.target, transition.count) == ("call", "diagnose", 3)
    assert transition.median_seconds == pytest.approx(1.5)
    assert transition.p90_seconds == pytest.approx(2.1)  # 1.5 + 0.8 * 0.75


# 6. Ties ----------------------------------------------------------------------------------

TIES = (
    HEADER
    # c1: `fixed` (written first) and `diagnose` share 10:05; by name, diagnose comes first.
    + "c1,call,2024-01-01 10:00:00\n"
    + "c1,fixed,2024-01-01 10:05:00\n"
    + "c1,diagnose,2024-01-01 10:05:00\n"
    # c2: `diagnose` (written first, and first in the journey) and `billing-desk` share 11:03;
    # by name billing-desk comes first, which makes n1 -> bill -> n1 -> n2 a direct bounce.
    + "c2,call,2024-01-01 11:00:00\n"
    + "c2,diagnose,2024-01-01 11:03:00\n"
    + "c2,billing-desk,2024-01-01 11:03:00\n"
    + "c2,expert,2024-01-01 11:04:00\n"
)


def test_ties_break_by_activity_name_and_are_deterministic(tmp_path: Path) -> None:
    journey = _support(tmp_path)
    log = _write(tmp_path, TIES)
    report = mine(log, journey)
    assert dataclasses.asdict(mine(log, journey)) == dataclasses.asdict(report)
    assert _figures(report) == {
        ("call", "diagnose"): 1,
        ("diagnose", "fixed"): 1,
        ("call", "billing-desk"): 1,
        ("billing-desk", "diagnose"): 1,
        ("diagnose", "expert"): 1,
    }
    ending = {step.step: step.cases_ending for step in report.steps}
    assert ending == {"call": 0, "diagnose": 0, "fixed": 1, "billing-desk": 0, "expert": 1}
    gaps = {(t.source, t.target): t.median_seconds for t in report.transitions}
    assert gaps[("billing-desk", "diagnose")] == 0
    assert gaps[("diagnose", "fixed")] == 0
    assert gaps[("call", "billing-desk")] == 180
    assert bounce_rates(report) == {("n1", "bill"): 1.0}
    assert report.variants == (("call → billing-desk → diagnose → expert", 1),)
    # Swapping the tied rows (and every other row) changes nothing.
    header, *rows = TIES.splitlines(keepends=True)
    log.write_text(header + "".join(reversed(rows)), encoding="utf-8")
    assert dataclasses.asdict(mine(log, journey)) == dataclasses.asdict(report)


# 7. Blank team cells -----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_blank_team_cells_fall_back_to_the_steps_team(tmp_path: Path, kind: str) -> None:
    log = _write(
        tmp_path,
        TEAM_HEADER
        # c1: the billing-desk event has no team: bill, from the journey.
        + "c1,call,2024-01-01 10:00:00,n1\n"
        + "c1,diagnose,2024-01-01 10:01:00,n1\n"
        + "c1,billing-desk,2024-01-01 10:02:00,\n"
        + "c1,diagnose,2024-01-01 10:03:00,n1\n"
        # c2: the log says n2 served billing-desk; blank diagnose falls back to n1.
        + "c2,call,2024-01-01 11:00:00,n1\n"
        + "c2,diagnose,2024-01-01 11:01:00,\n"
        + "c2,billing-desk,2024-01-01 11:02:00,n2\n"
        + "c2,diagnose,2024-01-01 11:03:00,\n"
        + "c2,fixed,2024-01-01 11:04:00,n1\n",
    )
    if kind == "parquet":  # blank cells as empty strings, not NULLs as the CSV reader makes them
        parquet = tmp_path / "log.parquet"
        duckdb.sql(
            "COPY (SELECT case_id, activity, timestamp, COALESCE(team, '') AS team "
            f"FROM read_csv('{log}')) TO '{parquet}' (FORMAT parquet)"
        )
        assert duckdb.sql(f"SELECT COUNT(*) FROM '{parquet}' WHERE team = ''").fetchall() == [(3,)]
        log = parquet
    report = mine(log, _support(tmp_path), Columns(team="team"))
    assert {(b.team, b.via): b.bounces for b in report.bounces} == {
        ("n1", "bill"): 1,
        ("n1", "n2"): 1,
    }
    assert bounce_rates(report) == {("n1", "bill"): 1.0, ("n1", "n2"): 1.0}


def test_all_blank_team_column_equals_no_team_column(tmp_path: Path) -> None:
    journey = _support(tmp_path)
    plain = HEADER + "c1,call,2024-01-01 10:00:00\nc1,diagnose,2024-01-01 10:01:00\n"
    plain += "c1,billing-desk,2024-01-01 10:02:00\nc1,diagnose,2024-01-01 10:03:00\n"
    teamed = TEAM_HEADER + "".join(line + ",\n" for line in plain.splitlines()[1:])
    without = mine(_write(tmp_path, plain, name="log.csv"), journey)
    (tmp_path / "log.csv").unlink()
    blank = mine(_write(tmp_path, teamed, name="log.csv"), journey, Columns(team="team"))
    assert dataclasses.asdict(blank) == dataclasses.asdict(without)
    assert bounce_rates(blank) == {("n1", "bill"): 1.0}


def test_whitespace_team_cell_falls_back_to_the_steps_team(tmp_path: Path) -> None:
    log = _write(
        tmp_path,
        TEAM_HEADER
        + "c1,call,2024-01-01 10:00:00,n1\n"
        + "c1,diagnose,2024-01-01 10:01:00,n1\n"
        + "c1,billing-desk,2024-01-01 10:02:00, \n"
        + "c1,diagnose,2024-01-01 10:03:00,n1\n",
    )
    report = mine(log, _support(tmp_path), Columns(team="team"))
    assert bounce_rates(report) == {("n1", "bill"): 1.0}


# 8. A team column the log does not have ---------------------------------------------------

TEAMS_LOG = "case_id,activity,timestamp,teams\nc1,call,2024-01-01 10:00:00,n1\n"


def test_missing_team_column_raises_with_a_guess(tmp_path: Path) -> None:
    journey = _support(tmp_path)
    log = _write(tmp_path, TEAMS_LOG)
    with pytest.raises(LogError) as close:
        mine(log, journey, Columns(team="team"))
    assert "no column `team`; did you mean `teams`?" in str(close.value)
    with pytest.raises(LogError) as far:
        mine(log, journey, Columns(team="squad"))
    assert "no column `squad`" in str(far.value)
    assert "did you mean" not in str(far.value)


def test_cli_missing_team_column(tmp_path: Path) -> None:
    journey = _journey(tmp_path)
    log = _write(tmp_path, TEAMS_LOG)
    stderr = _cli_error(log, journey, "--team", "team")
    assert "no column `team`; did you mean `teams`?" in stderr


def test_missing_team_column_is_the_one_named(tmp_path: Path) -> None:
    journey = _support(tmp_path)
    log = _write(tmp_path, "Case_ID,Activity,Timestamp\nc1,call,2024-01-01 10:00:00\n")
    assert mine(log, journey).cases == 1  # the columns themselves are accepted
    with pytest.raises(LogError) as caught:
        mine(log, journey, Columns(team="team"))
    assert "no column `team`" in str(caught.value)


# 9. Renamed activities --------------------------------------------------------------------


def test_activity_names_mapped_and_step_ids_mixed(tmp_path: Path) -> None:
    log = _write(
        tmp_path,
        TEAM_HEADER
        + "c1,Llamada,2024-01-01 10:00:00,\n"  # mapped to call; team from the call step
        + "c1,billing-desk,2024-01-01 10:01:00,\n"
        + "c1,diagnose,2024-01-01 10:02:00,\n"
        + "c2,call,2024-01-01 11:00:00,\n"  # already a step id
        + "c2,diagnose,2024-01-01 11:02:00,\n"
        + "c2,fixed,2024-01-01 11:03:00,\n",
    )
    columns = Columns(team="team", activities=(("Llamada", "call"),))
    report = mine(log, _support(tmp_path), columns)
    assert (report.events, report.cases) == (6, 2)
    assert report.entries == (("call", 2),)
    assert {step.step for step in report.steps} == {"call", "billing-desk", "diagnose", "fixed"}
    assert _figures(report) == {
        ("call", "billing-desk"): 1,
        ("call", "diagnose"): 1,
        ("billing-desk", "diagnose"): 1,
        ("diagnose", "fixed"): 1,
    }
    # The mapped event took the call step's team: n1 -> bill -> n1.
    assert bounce_rates(report) == {("n1", "bill"): 1.0}
    assert report.variants == (("call → billing-desk → diagnose", 1),)


def test_unmapped_activity_still_raises(tmp_path: Path) -> None:
    log = _write(
        tmp_path,
        HEADER + "c1,Llamada,2024-01-01 10:00:00\nc1,Llamda,2024-01-01 10:01:00\n",
    )
    with pytest.raises(LogError) as caught:
        mine(log, _support(tmp_path), Columns(activities=(("Llamada", "call"),)))
    assert "`Llamda`" in str(caught.value)
    assert "`Llamada`" not in str(caught.value)


# 10. Steps without a team ------------------------------------------------------------------

TEAMLESS = """\
    cyclemap: 1
    journey: {id: desk, name: Desk}
    teams: {n1: {name: N1}, bill: {name: Billing}}
    stages: [{id: s, name: S}]
    steps:
      - {id: call, stage: s, team: n1, entry: true, next: [{to: wait}]}
      - {id: wait, stage: s, next: [{to: diagnose}, {to: billing-desk}]}
      - {id: diagnose, stage: s, team: n1, next: [{to: fixed}, {to: billing-desk}]}
      - {id: billing-desk, stage: s, team: bill, next: [{to: wait}]}
      - {id: fixed, stage: s, team: n1, outcome: success}
    """


@pytest.mark.parametrize("team_column", [None, "team"])
def test_steps_without_a_team_do_not_break_runs(tmp_path: Path, team_column: str | None) -> None:
    (tmp_path / "cyclemap.toml").write_text("", encoding="utf-8")
    path = tmp_path / "desk.journey.yaml"
    path.write_text(textwrap.dedent(TEAMLESS), encoding="utf-8")
    journey = cyclemap.load(path)
    assert next(step for step in journey.document.steps if step.id == "wait").team is None
    cases = [
        ["call", "wait", "diagnose", "fixed"],  # n1 . n1 n1: one run, no bounce
        ["call", "wait", "billing-desk", "wait", "diagnose", "fixed"],  # n1 . bill . n1: direct
        ["call", "wait"],  # abandons at the teamless step
    ]
    log = _log(tmp_path, cases)
    if team_column:  # a team column left blank everywhere behaves the same
        header, *rows = log.read_text(encoding="utf-8").splitlines()
        log.write_text(
            "\n".join([header + ",team"] + [row + "," for row in rows]) + "\n", encoding="utf-8"
        )
    report = mine(log, journey, Columns(team=team_column))
    assert (report.events, report.cases) == (12, 3)
    assert {(b.team, b.via): b.bounces for b in report.bounces} == {("n1", "bill"): 1}
    assert bounce_rates(report) == {("n1", "bill"): 1.0}
    [direct] = report.bounces
    assert (direct.cases, direct.case_share) == (1, pytest.approx(1 / 3))
    steps = {step.step: (step.visits, step.cases_ending, step.abandon) for step in report.steps}
    assert steps["wait"] == (4, 1, pytest.approx(0.25))
    assert steps["fixed"] == (2, 2, 0.0)
    assert _figures(report)[("call", "wait")] == 3
    assert report.variants == (("call → wait → billing-desk → wait → diagnose → fixed", 1),)
