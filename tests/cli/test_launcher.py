"""The launcher: the command lines it runs itself behave exactly as through typer, it leaves
every other one to typer, and `validate` loads nothing it does not use."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cyclemap.cli import app
from cyclemap.launcher import quick_command
from tests.conftest import BROKEN_JOURNEY, EXAMPLES, MINIMAL_JOURNEY

EXAMPLE = EXAMPLES / "internet-support.journey.yaml"


def _quick(arguments: list[str]) -> tuple[int, str, str]:
    command = quick_command(arguments)
    assert command is not None, f"the launcher should run {arguments} itself"
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = command()
    return code, out.getvalue(), err.getvalue()


def _typer(arguments: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, arguments)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def files(write: Callable[..., Path]) -> dict[str, str]:
    return {
        "good": str(write(MINIMAL_JOURNEY, "good.journey.yaml")),
        "broken": str(write(BROKEN_JOURNEY, "broken.journey.yaml")),
        "other": str(write("name: not a journey\n", "other.yaml")),
        "missing": str(Path(write(MINIMAL_JOURNEY, "x.journey.yaml").parent, "nope.yaml")),
        "folder": str(EXAMPLES),
    }


SAME_BOTH_WAYS = [
    ["validate", "{good}"],
    ["validate", "{broken}"],
    ["validate", "{good}", "{broken}", "{other}"],
    ["validate", "{missing}"],
    ["validate", "{folder}"],
    ["validate", "-v", "{folder}"],
    ["validate", "{broken}", "-f", "json"],
    ["validate", "--format=SARIF", "{broken}"],
    ["validate", "--format", "junit", "--verbose", "{good}", "{broken}"],
    ["validate", "-f", "github", "{broken}"],
    ["validate", "-f", "markdown", "{broken}"],
    ["validate", "{broken}", "--lang", "es"],
    ["validate", "--lang=ES", "-f", "json", "{broken}"],
    ["validate", "-f", "json", "-f", "text", "{good}"],
    ["validate", "{other}"],
    ["--version"],
]


@pytest.mark.parametrize("template", SAME_BOTH_WAYS, ids=" ".join)
def test_what_the_launcher_runs_says_and_ends_as_through_typer(
    template: list[str], files: dict[str, str]
) -> None:
    arguments = [argument.format(**files) for argument in template]
    assert _quick(arguments) == _typer(arguments)


def test_a_report_written_to_a_file_is_the_same_both_ways(
    files: dict[str, str], tmp_path: Path
) -> None:
    quick, through_typer = tmp_path / "quick.sarif", tmp_path / "typer.sarif"
    common = ["validate", files["broken"], "-f", "sarif"]
    assert _quick([*common, "-o", str(quick)])[0] == 1
    assert _typer([*common, "--output", str(through_typer)])[0] == 1
    assert quick.read_text(encoding="utf-8") == through_typer.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "arguments",
    [
        [],
        ["--help"],
        ["validate"],
        ["validate", "--help"],
        ["validate", "-h", "x.yaml"],
        ["validate", "-f", "yaml", "x.yaml"],
        ["validate", "-f"],
        ["validate", "-f=json", "x.yaml"],
        ["validate", "-vf", "json", "x.yaml"],
        ["validate", "--", "-x.yaml"],
        ["validate", "--formt", "json", "x.yaml"],
        ["validate", "--lang", "fr", "x.yaml"],
        ["validate", "-o", "--verbose", "x.yaml"],
        ["--lang", "es", "validate", "x.yaml"],
        ["audit", "x.yaml"],
        ["--version", "validate"],
    ],
    ids=lambda arguments: " ".join(arguments) or "(nothing)",
)
def test_everything_else_is_left_to_typer(arguments: list[str]) -> None:
    assert quick_command(arguments) is None


def test_shell_completion_is_left_to_typer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_CYCLEMAP_COMPLETE", "bash_source")
    assert quick_command(["validate", "x.yaml"]) is None


NOT_FOR_VALIDATE = (
    "typer",
    "click",
    "rich",
    "babel",
    "networkx",
    "graphviz",
    "numpy",
    "scipy",
    "duckdb",
    "ruamel",
    "jsonschema",
    "cyclemap.cli",
    "cyclemap.graph",
    "cyclemap.render",
    "cyclemap.analysis",
    "cyclemap.mining",
    "cyclemap.rules.base",
    "cyclemap.rules.peloteo_loop",
)
"""What `validate` must not import: the command-line and terminal libraries, the graph, maps,
flow figures, logs and rules it has no use for, and the translations library (English needs no
catalog)."""

LAUNCH_AND_LIST_MODULES = """
import json, os, runpy, sys
hard_exit = os._exit
def listed_exit(code):
    sys.stderr.write("\\nMODULES " + json.dumps(sorted(sys.modules)) + "\\n")
    sys.stderr.flush()
    hard_exit(code)
os._exit = listed_exit
sys.argv = ["cyclemap", *sys.argv[1:]]
runpy.run_module("cyclemap", run_name="__main__")
"""


def _validate_in_a_new_process(*arguments: str) -> list[str]:
    """The modules a `cyclemap validate` process had loaded when it ended (English, no colour,
    bytecode and the models' validators written beside the code)."""
    environment = {**os.environ, "CYCLEMAP_LANG": "en", "NO_COLOR": "1"}
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    done = subprocess.run(
        [sys.executable, "-c", LAUNCH_AND_LIST_MODULES, "validate", *arguments],
        capture_output=True,
        text=True,
        check=False,
        env=environment,
    )
    assert done.returncode in (0, 1), done.stderr
    modules: list[str] = json.loads(done.stderr.rpartition("\nMODULES ")[2])
    assert "cyclemap.format.model" in modules  # it did validate
    return modules


@pytest.mark.parametrize(
    ("name", "extra"),
    [("good", []), ("good", ["-f", "json", "-v"]), ("broken", []), ("folder", [])],
)
def test_validate_imports_nothing_it_does_not_use(
    files: dict[str, str], name: str, extra: list[str]
) -> None:
    modules = _validate_in_a_new_process(files[name], *extra)
    loaded = [
        module
        for module in modules
        if any(module == heavy or module.startswith(heavy + ".") for heavy in NOT_FOR_VALIDATE)
    ]
    assert not loaded, f"`cyclemap validate` imported {loaded}"


def test_a_second_run_validates_with_the_saved_validators(files: dict[str, str]) -> None:
    """Building a model's validator is what reads the installed packages' metadata (pydantic
    looks for plugins there); the saved validators need neither."""
    _validate_in_a_new_process(files["good"])
    modules = _validate_in_a_new_process(files["good"])
    assert "importlib.metadata" not in modules
