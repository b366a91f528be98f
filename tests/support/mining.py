"""A small support journey and event logs written for it, for the tests of `mine` and `--log`."""

from __future__ import annotations

import csv
import datetime
import textwrap
from pathlib import Path

JOURNEY = """\
    cyclemap: 1
    journey: {id: support, name: Soporte}
    teams: {n1: {name: N1}, bill: {name: Billing}, n2: {name: N2}}
    stages: [{id: s, name: S}]
    steps:
      - {id: call, stage: s, team: n1, entry: true, next: [{to: diagnose}]}
      - id: diagnose
        stage: s
        team: n1
        next: [{to: fixed, share: 0.6}, {to: billing-desk, share: 0.3}, {to: expert, share: 0.1}]
      - {id: billing-desk, stage: s, team: bill, next: [{to: diagnose}, {to: expert}]}
      - {id: expert, stage: s, team: n2, next: [{to: diagnose}, {to: fixed}]}
      - {id: fixed, stage: s, team: n1, outcome: success}
    """


def _journey(tmp_path: Path) -> Path:
    (tmp_path / "cyclemap.toml").write_text("", encoding="utf-8")
    path = tmp_path / "support.journey.yaml"
    path.write_text(textwrap.dedent(JOURNEY), encoding="utf-8")
    return path


def _log(tmp_path: Path, cases: list[list[str]], name: str = "log.csv") -> Path:
    start = datetime.datetime(2024, 5, 1, 8, 0, 0)
    path = tmp_path / name
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["case_id", "activity", "timestamp"])
        for number, steps in enumerate(cases):
            moment = start + datetime.timedelta(hours=number)
            for step in steps:
                writer.writerow([f"c{number}", step, moment.isoformat(sep=" ")])
                moment += datetime.timedelta(minutes=5)
    return path


def zones_log(folder: Path) -> Path:
    """One case whose timestamps carry different UTC offsets, and one none."""
    log = folder / "zones.csv"
    log.write_text(
        "case_id,activity,timestamp\n"
        "c1,diagnose,2024-05-01T08:30:00Z\n"
        "c1,call,2024-05-01T10:00:00+02:00\n"
        "c1,fixed,2024-05-01 08:45:00\n",
        encoding="utf-8",
    )
    return log
