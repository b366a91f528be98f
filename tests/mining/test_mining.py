"""`cyclemap mine`: observed figures from generated logs with known answers, and bad logs."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cyclemap
from cyclemap.cli import app
from cyclemap.mining import Columns, LogError, bounce_rates, mine
from tests.support.mining import _journey, _log, zones_log

runner = CliRunner()

def table_rows(text: str) -> list[list[str]]:
    """The cells of every row of the tables in a text report."""
    return [
        [cell.strip() for cell in line.strip("│ ").split("│")]
        for line in text.splitlines()
        if line.startswith("│")
    ]


def test_planted_ping_pong_rate_is_recovered(tmp_path: Path) -> None:
    rng = random.Random(11)
    cases = []
    for _ in range(3000):
        path = ["call", "diagnose"]
        if rng.random() < 0.25:
            path += ["billing-desk", "diagnose"]
        path += ["fixed"] if rng.random() < 0.9 else []
        cases.append(path)
    report = mine(_log(tmp_path, cases), cyclemap.load(_journey(tmp_path)))
    [direct] = [bounce for bounce in report.bounces if bounce.direct]
    assert (direct.team, direct.via) == ("n1", "bill")
    assert direct.case_share == pytest.approx(0.25, abs=0.03)
    assert bounce_rates(report) == {("n1", "bill"): 1.0}
    abandon = {step.step: step.abandon for step in report.steps}
    assert abandon["diagnose"] == pytest.approx(
        0.1 * 3000 / sum(path.count("diagnose") for path in cases), abs=0.02
    )
    assert report.entries == (("call", 3000),)


def test_exact_counts_shares_times_and_indirect_returns(tmp_path: Path) -> None:
    cases = [
        ["call", "diagnose", "fixed"],
        ["call", "diagnose", "billing-desk", "diagnose", "fixed"],  # direct n1 -> bill -> n1
        ["call", "diagnose", "billing-desk", "expert", "diagnose"],  # indirect, abandons
    ]
    report = mine(_log(tmp_path, cases), cyclemap.load(_journey(tmp_path)))
    assert (report.events, report.cases) == (13, 3)
    counts = {(t.source, t.target): (t.count, round(t.share, 3)) for t in report.transitions}
    assert counts[("call", "diagnose")] == (3, 1.0)
    assert counts[("diagnose", "fixed")] == (2, 0.5)
    assert counts[("diagnose", "billing-desk")] == (2, 0.5)
    assert all(t.median_seconds == 300 for t in report.transitions)
    mapped = {(t.source, t.target): t.mapped_share for t in report.transitions}
    assert mapped[("diagnose", "fixed")] == pytest.approx(0.6)
    assert mapped[("call", "diagnose")] == 1.0
    assert mapped[("expert", "diagnose")] == 0.5  # no shares written: an equal split
    assert {s.step: s.mapped_abandon for s in report.steps}["fixed"] is None  # an outcome
    kinds = {(b.team, b.via, b.direct): (b.bounces, b.ratio) for b in report.bounces}
    assert kinds == {
        ("n1", "bill", True): (1, 0.5),  # one of the two n1 -> bill handoffs came straight back
        ("n1", "n2", False): (1, 1.0),  # n1 -> bill -> n2 -> n1: the one n2 -> n1 handoff
    }
    assert report.variants[0][1] == 1


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("case,activity,timestamp\n", "has no column `case_id`; did you mean `case`?"),
        ("case_id,activity,timestamp\n", "the log has no events"),
        ("case_id,activity,timestamp\nc1,call,yesterday\n", "the timestamp `yesterday`"),
        (
            "case_id,activity,timestamp\nc1,cal,2024-01-01 10:00:00\n",
            "`cal` (did you mean `call`?)",
        ),
    ],
)
def test_bad_logs_get_clear_errors(tmp_path: Path, content: str, fragment: str) -> None:
    log = tmp_path / "bad.csv"
    log.write_text(content, encoding="utf-8")
    with pytest.raises(LogError) as caught:
        mine(log, cyclemap.load(_journey(tmp_path)))
    assert fragment in str(caught.value)


def test_unknown_format_and_missing_file(tmp_path: Path) -> None:
    journey = cyclemap.load(_journey(tmp_path))
    with pytest.raises(LogError, match="unknown log format"):
        (tmp_path / "log.xlsx").write_text("x", encoding="utf-8")
        mine(tmp_path / "log.xlsx", journey)
    with pytest.raises(LogError, match="no such file"):
        mine(tmp_path / "nope.csv", journey)


def test_parquet_and_renamed_columns(tmp_path: Path) -> None:
    import duckdb

    csv_log = _log(tmp_path, [["call", "diagnose", "fixed"]])
    parquet = tmp_path / "log.parquet"
    duckdb.sql(
        f"COPY (SELECT case_id AS ticket, activity AS step, timestamp AS at "
        f"FROM read_csv('{csv_log}')) TO '{parquet}' (FORMAT parquet)"
    )
    report = mine(parquet, cyclemap.load(_journey(tmp_path)), Columns("ticket", "step", "at"))
    assert report.cases == 1


def test_cli_text_json_and_errors(tmp_path: Path) -> None:
    journey = _journey(tmp_path)
    log = _log(tmp_path, [["call", "diagnose", "billing-desk", "diagnose", "fixed"]])
    text = runner.invoke(app, ["mine", str(log), "--journey", str(journey)])
    assert text.exit_code == 0
    assert ["n1", "bill", "direct", "1", "1", "100%", "100% of n1 → bill"] in table_rows(
        text.stdout
    )
    document = json.loads(
        runner.invoke(app, ["mine", str(log), "-j", str(journey), "-f", "json"]).stdout
    )
    assert document["cases"] == 1
    bad = runner.invoke(app, ["mine", str(log), "-j", str(journey), "--case", "ticket"])
    assert bad.exit_code == 1
    assert "no column `ticket`" in bad.stderr


def test_render_overlay_draws_traffic_and_observed_bounces(tmp_path: Path) -> None:
    from tests.support.render import parse_dot

    journey = _journey(tmp_path)
    # No peloteo finding from the audit: what is red here, the log saw.
    (tmp_path / "cyclemap.toml").write_text('select = ["dead-end"]\n', encoding="utf-8")
    cases = [["call", "diagnose", "billing-desk", "diagnose", "fixed"], ["call", "diagnose"]]
    log = _log(tmp_path, cases)
    result = runner.invoke(app, ["render", str(journey), "--log", str(log), "-f", "dot", "-o", "-"])
    assert result.exit_code == 0, result.output
    arrows = {
        attributes["id"].text: attributes
        for _, _, attributes in parse_dot(result.stdout).edges
        if "transition" in attributes["class"].text.split()
    }
    # call=0, diagnose=1, billing-desk=2, expert=3, fixed=4 (positions in the file)
    width = {hook: float(attributes["penwidth"].text) for hook, attributes in arrows.items()}
    assert arrows["t-0-1"]["label"].text == "2 seen"  # the busiest arrow, drawn widest
    assert width["t-0-1"] == max(width.values()) > width["t-1-2"] > width["t-1-3"]
    assert arrows["t-1-3"]["label"].text == "10% · 0 seen"  # never taken: the thinnest
    assert width["t-1-3"] == min(width.values())
    bounced = {hook for hook, attributes in arrows.items() if "peloteo" in attributes["class"].text}
    assert bounced == {"t-1-2", "t-2-1"}  # n1 -> bill -> n1 was observed, n1 <-> n2 was not
    assert all(arrows[hook]["color"].text == "#c62828" for hook in bounced)
    other = journey.read_text(encoding="utf-8").replace("id: support", "id: other")
    (tmp_path / "other.journey.yaml").write_text(other, encoding="utf-8")
    several = runner.invoke(app, ["render", str(tmp_path), "--log", str(log), "-f", "dot"])
    assert several.exit_code == 2
    assert "one journey" in several.stderr
    assert not list(tmp_path.glob("*.dot"))


def test_configured_columns_and_activity_names(tmp_path: Path) -> None:
    journey = _journey(tmp_path)
    (tmp_path / "cyclemap.toml").write_text(
        '[mine]\ncase = "ticket"\n[mine.activities]\n"Llamada entrante" = "call"\n',
        encoding="utf-8",
    )
    log = tmp_path / "named.csv"
    log.write_text(
        "ticket,activity,timestamp\n"
        "t1,Llamada entrante,2024-01-01 10:00:00\n"
        "t1,diagnose,2024-01-01 10:05:00\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["mine", str(log), "-j", str(journey), "-f", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["entries"] == [["call", 1]]
    unmapped = tmp_path / "unmapped.csv"
    unmapped.write_text(
        "ticket,activity,timestamp\nt1,Otra cosa,2024-01-01 10:00:00\n", encoding="utf-8"
    )
    failed = runner.invoke(app, ["mine", str(unmapped), "-j", str(journey)])
    assert failed.exit_code == 1
    assert "[mine.activities]" in failed.stderr


def test_unknown_teams_in_the_log_are_noted_and_text_reads_well(tmp_path: Path) -> None:
    journey = _journey(tmp_path)
    log = tmp_path / "teams.csv"
    log.write_text(
        "case_id,activity,timestamp,team\n"
        "c1,call,2024-01-01 10:00:00,n1\n"
        "c1,billing-desk,2024-01-01 10:05:00,cobros\n"
        "c1,diagnose,2024-01-01 10:10:00,n1\n"
        "c1,fixed,2024-01-01 10:15:00,n1\n",
        encoding="utf-8",
    )
    report = mine(log, cyclemap.load(journey), Columns(team="team"))
    assert report.notes and "`cobros`" in report.notes[0]
    assert mine(log, cyclemap.load(journey)).notes == ()  # the journey's own teams: nothing to say
    text = runner.invoke(app, ["mine", str(log), "-j", str(journey), "--team", "team"]).stdout
    assert ["n1", "cobros", "direct", "1", "1", "100%", "100% of n1 → cobros"] in table_rows(text)
    assert "Note: the log's team column names teams" in text
    assert "1 event" not in text and "4 events, 1 case of journey" in text


def test_spark_engine_without_pyspark_or_java_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess
    import sys

    journey = _journey(tmp_path)
    log = _log(tmp_path, [["call", "diagnose", "fixed"]])
    without = (  # a fresh interpreter in which pyspark and py4j cannot be imported
        "import sys; sys.modules['pyspark'] = sys.modules['py4j'] = None; "
        "from cyclemap.cli import main; sys.argv[0] = 'cyclemap'; main()"
    )
    result = subprocess.run(
        [sys.executable, "-c", without, "mine", str(log), "-j", str(journey), "--engine", "spark"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "pip install 'cyclemap[spark]'" in result.stderr
    assert "Traceback" not in result.stderr
    pytest.importorskip("pyspark")
    monkeypatch.setenv("PATH", str(tmp_path))  # no java on the path
    monkeypatch.delenv("JAVA_HOME", raising=False)
    from cyclemap.mining.spark_engine import session

    with pytest.raises(LogError, match="needs Java 17 or newer and found none"):
        session()


def test_a_very_long_case_is_one_readable_variant(tmp_path: Path) -> None:
    journey = _journey(tmp_path)
    looping = ["call"] + ["diagnose", "billing-desk"] * 1500 + ["fixed"]
    report = mine(_log(tmp_path, [looping]), cyclemap.load(journey))
    [(variant, count)] = report.variants
    assert count == 1
    assert variant.startswith("call → diagnose → billing-desk → diagnose")
    assert variant.endswith("→ … (2,962 more steps)")
    assert variant.count("→") == 40


def test_channel_column_is_compared_with_the_steps_channels(tmp_path: Path) -> None:
    journey = _journey(tmp_path)
    text = journey.read_text(encoding="utf-8")
    text = text.replace(
        "teams: {", "channels: {phone: {name: Phone}, chat: {name: Chat}}\nteams: {"
    )
    text = text.replace("{id: call, stage: s,", "{id: call, stage: s, channel: phone,")
    journey.write_text(text, encoding="utf-8")
    log = tmp_path / "channels.csv"
    log.write_text(
        "case_id,activity,timestamp,canal\n"
        "c1,call,2024-01-01 10:00:00,phone\n"
        "c1,diagnose,2024-01-01 10:05:00,\n"
        "c2,call,2024-01-01 11:00:00,chat\n"
        "c3,call,2024-01-01 12:00:00,chat\n"
        "c4,call,2024-01-01 13:00:00,whatsapp\n",
        encoding="utf-8",
    )
    report = mine(log, cyclemap.load(journey), Columns(channel="canal"))
    seen = {(c.step, c.channel): (c.events, round(c.share, 2), c.mapped) for c in report.channels}
    assert seen == {
        ("call", "chat"): (2, 0.5, False),
        ("call", "phone"): (1, 0.25, True),
        ("call", "whatsapp"): (1, 0.25, False),
    }
    assert any("`whatsapp`" in note and "channels" in note for note in report.notes)
    assert mine(log, cyclemap.load(journey)).channels == ()
    result = runner.invoke(app, ["mine", str(log), "-j", str(journey), "--channel", "canal"])
    assert result.exit_code == 0, result.output
    rows = table_rows(result.stdout)
    assert ["call", "chat", "50%"] in rows and ["call", "whatsapp", "25%"] in rows
    assert ["call", "diagnose", "1", "100%", "100%", "5.0m", "5.0m"] in rows
    missing = runner.invoke(app, ["mine", str(log), "-j", str(journey), "--channel", "channel"])
    assert "no column `channel`" in missing.stderr


def test_log_text_cannot_drive_the_terminal(tmp_path: Path) -> None:
    """Team, channel and activity names come from the log: escape sequences and line breaks in
    them must not reach the terminal or fake an output line."""
    journey = _journey(tmp_path)
    log = tmp_path / "hostile.csv"
    evil = "\x1b[2J\x1b[31mowned"
    with open(log, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["case_id", "activity", "timestamp", "team", "channel"])
        writer.writerow(["c1", "call", "2024-01-01 10:00:00", "n1", evil])
        writer.writerow(["c1", "billing-desk", "2024-01-01 10:05:00", evil, "x\u202eyz"])
        writer.writerow(["c1", "diagnose", "2024-01-01 10:10:00", "n1", "a\nb"])
    arguments = ["mine", str(log), "-j", str(journey), "--team", "team", "--channel", "channel"]
    result = runner.invoke(app, arguments)
    assert result.exit_code == 0, result.output
    assert "owned" in result.stdout  # shown, but harmless
    assert not any(char in result.stdout for char in "\x1b\u202e")
    assert "\nb" not in result.stdout
    document = runner.invoke(app, [*arguments, "-f", "json"]).stdout
    assert "\\u001b" not in document and "\x1b" not in document
    bad = tmp_path / "bad.csv"
    bad.write_text(
        f"case_id,activity,timestamp\nc1,{evil},2024-01-01 10:00:00\nc2,call,{evil}\n",
        encoding="utf-8",
    )
    failed = runner.invoke(app, ["mine", str(bad), "-j", str(journey)])
    assert failed.exit_code == 1 and "\x1b" not in failed.stderr


def test_a_uri_needs_the_spark_engine(tmp_path: Path) -> None:
    journey = _journey(tmp_path)
    result = runner.invoke(app, ["mine", "s3a://bucket/log.csv", "-j", str(journey)])
    assert result.exit_code == 1
    assert "give --engine spark for a URI" in result.stderr


def test_timestamps_with_offsets_are_instants(tmp_path: Path) -> None:
    """`10:00+02:00` is 08:00 UTC: it comes before `08:30Z`, half an hour earlier; times
    without an offset are read as UTC."""
    journey = _journey(tmp_path)
    report = mine(zones_log(tmp_path), cyclemap.load(journey))
    gaps = {(t.source, t.target): t.median_seconds for t in report.transitions}
    assert gaps == {("call", "diagnose"): 1800.0, ("diagnose", "fixed"): 900.0}


def test_text_report_lists_the_top_team_pairs_and_says_how_many_more() -> None:
    from cyclemap.mining import MiningReport, ObservedBounce
    from cyclemap.reporters import mine_text

    bounces = tuple(
        ObservedBounce(f"t{number}", "hub", True, 100 - number, 1, 0.5, 0.1) for number in range(25)
    )
    text = mine_text.render(MiningReport("log.csv", "j", 1, 1, (), (), (), bounces, ()))
    assert "t19 " in text and "t20 " not in text
    assert "… and 5 more team pairs (--format json lists all)" in text


def test_markdown_report_keeps_log_text_inside_its_cells(tmp_path: Path) -> None:
    import re

    journey = _journey(tmp_path)
    log = tmp_path / "teams.csv"
    evil = "a|b <script>`x`"
    with open(log, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["case_id", "activity", "timestamp", "team"])
        writer.writerow(["c1", "call", "2024-01-01 10:00:00", "n1"])
        writer.writerow(["c1", "billing-desk", "2024-01-01 10:05:00", evil])
        writer.writerow(["c1", "diagnose", "2024-01-01 10:10:00", "n1"])
    result = runner.invoke(
        app, ["mine", str(log), "-j", str(journey), "--team", "team", "-f", "markdown"]
    )
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "<script>" not in text and "&lt;script&gt;" in text
    tables = [line for line in text.splitlines() if line.startswith("|")]
    widths = {len(re.findall(r"(?<!\\)\|", line)) for line in tables if "a\\|b" in line}
    header = next(line for line in tables if line.startswith("| back to"))
    assert widths == {len(re.findall(r"(?<!\\)\|", header))}
    assert "### Peloteo observed" in text and "> the log" in text
