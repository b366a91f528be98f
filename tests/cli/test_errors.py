"""One error, one message, one exit code, whichever command meets it.

Errors are turned into messages and exit codes in one place (`cyclemap.cli.common.command`):
each `CyclemapError` carries its exit code, and a file's problems are told with their place
and hint, the same way in every command.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cyclemap.cli import app
from cyclemap.engine.config import ConfigError
from cyclemap.errors import CyclemapError, InputOutputError, LoadError, UsageError
from cyclemap.mining import LogError
from cyclemap.render import RenderError
from tests.conftest import EXAMPLES

runner = CliRunner()


@pytest.fixture
def journey(tmp_path: Path) -> Path:
    """A valid journey (with its catalog) in a repository of its own."""
    (tmp_path / "cyclemap.toml").write_text("", encoding="utf-8")
    shutil.copytree(EXAMPLES / "catalog", tmp_path / "catalog")
    path = tmp_path / "internet-support.journey.yaml"
    shutil.copy(EXAMPLES / "internet-support.journey.yaml", path)
    return path


def test_every_error_carries_its_exit_code() -> None:
    assert LoadError.exit_code == LogError.exit_code == 1  # what was given is wrong
    for kind in (UsageError, InputOutputError, ConfigError, RenderError):
        assert kind.exit_code == 2  # the run could not do what was asked
    assert CyclemapError("x").problems == []


@pytest.mark.parametrize(
    "command",
    [
        ["mine", "{log}", "-j", "{journey}"],
        ["audit", "{journey}", "--log", "{log}"],
        ["render", "{journey}", "--log", "{log}", "-f", "dot", "-o", "-"],
    ],
    ids=["mine", "audit", "render"],
)
def test_a_log_that_cannot_be_read_is_told_alike(
    command: list[str], journey: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "nope.csv"
    arguments = [part.format(log=missing, journey=journey) for part in command]
    result = runner.invoke(app, arguments)
    assert result.exit_code == 1
    assert result.stderr == f"cyclemap: error: {missing}: no such file\n"
    assert result.stdout == ""


@pytest.mark.parametrize(
    "command",
    [
        ["audit", "{journey}"],
        ["stats", "{journey}"],
        ["mine", str(EXAMPLES / "logs" / "internet-support.csv"), "-j", "{journey}"],
        ["render", "{journey}", "-f", "dot", "-o", "-"],
    ],
    ids=["audit", "stats", "mine", "render"],
)
def test_a_broken_configuration_is_told_alike(command: list[str], journey: Path) -> None:
    (journey.parent / "cyclemap.toml").write_text("selct = []\n", encoding="utf-8")
    result = runner.invoke(app, [part.format(journey=journey) for part in command])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{journey.parent / 'cyclemap.toml'}:1:1: error: `selct` is not a configuration key; "
        "did you mean `select`?",
        "    hint: keys: select, ignore, include, exclude, fail-on, [rules.<name>]",
    ]


@pytest.mark.parametrize("command", ["audit", "validate", "stats", "render"])
def test_a_path_that_does_not_exist_exits_2(command: str, tmp_path: Path) -> None:
    result = runner.invoke(app, [command, str(tmp_path / "missing.journey.yaml")])
    assert result.exit_code == 2
    assert "missing.journey.yaml" in result.stdout + result.stderr


def test_an_invalid_journey_named_by_mine_is_told_with_its_problems(tmp_path: Path) -> None:
    broken = tmp_path / "broken.journey.yaml"
    broken.write_text("cyclemap: 1\njourney: {id: x, name: X}\nstages: []\nsteps: []\nfoo: 1\n")
    result = runner.invoke(app, ["mine", "log.csv", "-j", str(broken)])
    assert result.exit_code == 1  # as validate says of an invalid file
    lines = result.stderr.splitlines()
    told = lines.index(
        f"{broken}:5:1: error: `foo` is not a field of the top level of a journey  [CM101]"
    )
    assert lines[told + 1].startswith("    hint: known fields: ")
