"""The GitHub Action's shell steps, run here on hostile file names and inputs: no name or
input may forge a workflow command (`::error`, `::stop-commands::`) in the job's log.

Each step's `run:` script is taken from action.yml and run by bash as the runner would,
with the environment it gets there (`GITHUB_OUTPUT`, `RUNNER_TEMP`, `GITHUB_ACTION_PATH`)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO
from tests.support.hostile import J

pytestmark = pytest.mark.slow  # the hostile corpus: one subprocess per case

ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
BIN = str(Path(sys.executable).parent)

HOSTILE_NAMES = [
    "a\n::error::forged.journey.yaml",
    "b\n::stop-commands::token\n.journey.yaml",
    "c%0A::error::percent.journey.yaml",
    "d,title=x:y.journey.yaml",
    "e\r::warning::carriage.journey.yaml",
]


def _script(name: str) -> str:
    (step,) = [step for step in ACTION["runs"]["steps"] if step.get("name") == name]
    script: str = step["run"]
    return script


def _run_step(name: str, cwd: Path, **env: str) -> tuple[list[str], dict[str, str]]:
    output = cwd.parent / "github-output"
    output.write_text("", encoding="utf-8")
    completed = subprocess.run(
        ["bash", "-c", _script(name)],
        cwd=cwd,
        capture_output=True,
        text=True,
        errors="surrogateescape",
        timeout=300,
        check=False,
        env={
            **os.environ,
            "PATH": BIN + os.pathsep + os.environ.get("PATH", ""),
            "GITHUB_ACTION_PATH": str(REPO),
            "GITHUB_OUTPUT": str(output),
            "RUNNER_TEMP": str(cwd.parent / "runner-temp"),
            "NO_COLOR": "1",
            **env,
        },
    )
    lines = (completed.stdout + completed.stderr).splitlines()
    outputs = dict(
        line.split("=", 1)
        for line in output.read_text(encoding="utf-8").splitlines()
        if "=" in line
    )
    return lines, outputs


def _unescape(value: str) -> str:
    for code, character in (("%2C", ","), ("%3A", ":"), ("%0A", "\n"), ("%0D", "\r")):
        value = value.replace(code, character)
    return value.replace("%25", "%")


@pytest.fixture
def hostile_repository(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "cyclemap.toml").write_text("", encoding="utf-8")
    for name in HOSTILE_NAMES:  # journeys that fail to draw: the step names them in a warning
        (root / name).write_text("cyclemap: 1\njourney: {id: broken}\n", encoding="utf-8")
    (root / "good.journey.yaml").write_text(J, encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "."], cwd=root, check=True)
    return root


def _commands(lines: list[str]) -> list[str]:
    # The runner reads a command from any line whose text (after leading spaces) starts `::`.
    return [line.strip() for line in lines if line.strip().startswith("::")]


@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=range(len(HOSTILE_NAMES)))
def test_draw_the_maps_cannot_be_made_to_forge_commands(
    hostile_repository: Path, name: str
) -> None:
    lines, outputs = _run_step("Draw the maps", hostile_repository, CM_PATHS="", CM_BASE="")
    commands = _commands(lines)
    assert commands, lines
    assert all(command.startswith("::warning file=") for command in commands), commands
    warned = {_unescape(c.split("file=", 1)[1].split(",title=", 1)[0]) for c in commands}
    assert name in warned
    assert outputs["count"] == "1"  # the good journey was drawn


@pytest.mark.parametrize(
    "diff", ["-x\n::error::forged", "-y\r\n::stop-commands::token", "-%0A::error::x"]
)
def test_the_audit_step_escapes_a_hostile_diff_input(tmp_path: Path, diff: str) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    lines, outputs = _run_step(
        "Audit the journeys", root, CM_PATHS="", CM_DIFF=diff, CM_FAIL_ON="error", CM_SARIF="false"
    )
    assert _commands(lines) == [
        "::error title=cyclemap::diff must be a git revision: "
        + diff.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    ]
    assert outputs["exit-code"] == "2"


def test_every_step_that_prints_a_command_sources_the_escaping() -> None:
    for step in ACTION["runs"]["steps"]:
        script = step.get("run", "")
        if "$(cm_" in script:
            assert 'source "$GITHUB_ACTION_PATH/action/workflow-commands.sh"' in script
        # a value expanded straight into a command line is never escaped: only literals or cm_*
        for line in script.splitlines():
            text = line.strip()
            if text.startswith('echo "::'):
                escaped = re.sub(r'\$\(cm_(data|property) "\$\w+"\)', "", text)
                assert "$" not in escaped, text
