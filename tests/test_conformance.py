"""`audit --log`: the map against the log, as findings in every format."""

from __future__ import annotations

import csv
import json
import textwrap
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from cyclemap.cli import app
from cyclemap.engine import audit
from tests.conftest import SHARED
from tests.test_mining import JOURNEY

runner = CliRunner()
EVENTS = [
    ("c1", "call", "2024-01-01 10:00:00"),
    ("c1", "diagnose", "2024-01-01 10:05:00"),
    ("c1", "fixed", "2024-01-01 10:10:00"),
    ("c2", "diagnose", "2024-01-01 11:00:00"),  # starts at a step that is not an entry
    ("c2", "call", "2024-01-01 11:05:00"),  # a transition the map lacks
]


def _setup(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "cyclemap.toml").write_text("", encoding="utf-8")
    journey = tmp_path / "support.journey.yaml"
    journey.write_text(textwrap.dedent(JOURNEY), encoding="utf-8")
    log = tmp_path / "log.csv"
    with open(log, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["case_id", "activity", "timestamp"])
        writer.writerows(EVENTS)
    return journey, log


def test_planted_deviations_are_named(tmp_path: Path) -> None:
    journey, log = _setup(tmp_path)
    result = audit([journey], log=log, select=["dead-end"])
    found = sorted((f.rule, f.steps) for f in result.findings)
    assert found == [
        ("unexpected-entry", ("diagnose",)),
        ("unmapped-transition", ("diagnose", "call")),
        ("unused-transition", ("diagnose", "billing-desk")),
        ("unused-transition", ("diagnose", "expert")),
        ("unvisited-step", ("billing-desk",)),
        ("unvisited-step", ("expert",)),
    ]


@pytest.mark.parametrize("output_format", ["json", "sarif", "junit", "github", "markdown"])
def test_conformance_findings_appear_in_every_format(tmp_path: Path, output_format: str) -> None:
    journey, log = _setup(tmp_path)
    result = runner.invoke(
        app, ["audit", str(journey), "--log", str(log), "-f", output_format, "--fail-on", "never"]
    )
    assert result.exit_code == 0, result.output
    assert "unmapped-transition" in result.stdout
    if output_format == "sarif":
        schema = json.loads((SHARED / "data" / "sarif-schema-2.1.0.json").read_text("utf-8"))
        jsonschema.validate(json.loads(result.stdout), schema)


def test_log_needs_exactly_one_journey(tmp_path: Path) -> None:
    _, log = _setup(tmp_path)
    (tmp_path / "other.journey.yaml").write_text(
        textwrap.dedent(JOURNEY).replace("id: support", "id: other"), encoding="utf-8"
    )
    result = runner.invoke(app, ["audit", str(tmp_path), "--log", str(log)])
    assert result.exit_code == 2
    assert "one journey" in result.stderr
