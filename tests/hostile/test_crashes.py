"""No traceback, no hang: broken configurations, baselines, paths, numbers and options, and
the limits on what a run may take (time, memory, recursion), each with a clear message."""

from __future__ import annotations

import importlib
import inspect
import json
import os
import pickle
import pkgutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

import cyclemap
from cyclemap.errors import Problem
from cyclemap.format.codes import YAML_FEATURE
from tests.support.hostile import J, no_traceback, repository, run

pytestmark = pytest.mark.slow  # the hostile corpus: one subprocess per case

# --- every error type survives pickling (worker processes send them back) ---------------------


def _error_types() -> list[type[BaseException]]:
    found: dict[str, type[BaseException]] = {}
    for module in pkgutil.walk_packages(cyclemap.__path__, "cyclemap."):
        if module.name.endswith("__main__"):
            continue
        loaded = importlib.import_module(module.name)
        for value in vars(loaded).values():
            if (
                isinstance(value, type)
                and issubclass(value, BaseException)
                and value.__module__.startswith("cyclemap")
            ):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return [found[name] for name in sorted(found)]


SAMPLE_ARGUMENTS: dict[str, Any] = {
    "file": "j.journey.yaml",
    "reason": "no such file",
    "problems": [Problem("j.journey.yaml", 3, 4, "steps[0]", "broken", "fix it")],
    "steps": ["x", "y"],
    "line": 3,
    "column": 4,
    "message": "broken",
    "hint": "fix it",
    "code": YAML_FEATURE,
    "args": ("broken",),
}


def _instance(kind: type[BaseException]) -> BaseException:
    try:
        signature = inspect.signature(kind)
    except ValueError:  # no __init__ of its own: Exception's (message)
        return kind("broken")
    parameters = [
        parameter
        for parameter in signature.parameters.values()
        if parameter.default is inspect.Parameter.empty
    ]
    if any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in parameters):
        return kind("broken")
    unknown = [p.name for p in parameters if p.name not in SAMPLE_ARGUMENTS]
    assert not unknown, f"add sample values for {kind.__name__}({', '.join(unknown)})"
    return kind(**{p.name: SAMPLE_ARGUMENTS[p.name] for p in parameters})


ERROR_TYPES = _error_types()


@pytest.mark.parametrize("kind", ERROR_TYPES, ids=[kind.__name__ for kind in ERROR_TYPES])
def test_every_error_type_survives_pickling(kind: type[BaseException]) -> None:
    error = _instance(kind)
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is kind
    assert str(copy) == str(error)
    assert vars(copy) == vars(error)


def test_the_error_types_are_found() -> None:
    names = {kind.__name__ for kind in ERROR_TYPES}
    assert {"InputOutputError", "LoadError", "ConfigError", "LogError", "RenderError"} <= names


@pytest.mark.parametrize("unreadable", ["dangling-link", "fifo"])
@pytest.mark.parametrize("command", ["validate", "audit"])
def test_many_files_and_one_unreadable_path_in_parallel(
    tmp_path: Path, unreadable: str, command: str
) -> None:
    root = repository(tmp_path)
    for number in range(30):
        (root / f"j{number:02}.journey.yaml").write_text(
            J.replace("id: j,", f"id: j{number:02},"), encoding="utf-8"
        )
    if unreadable == "fifo":
        os.mkfifo(root / "zz.journey.yaml")
    else:
        (root / "zz.journey.yaml").symlink_to("nowhere.yaml")
    result = run([command, *sorted(p.name for p in root.glob("*.journey.yaml"))], root)
    no_traceback(result)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "zz.journey.yaml" in result.stdout
    assert "BrokenProcessPool" not in result.stderr


# --- a broken configuration is a message in every command ---------------------------------------


@pytest.mark.parametrize(
    "arguments",
    [
        ["render", "j.journey.yaml", "-f", "dot", "-o", "-"],
        ["render", "j.journey.yaml", "-f", "dot", "-o", "-", "--log", "L.csv"],
        ["stats", "j.journey.yaml"],
        ["mine", "L.csv", "-j", "j.journey.yaml"],
        ["audit", "j.journey.yaml"],
    ],
    ids=["render", "render-log", "stats", "mine", "audit"],
)
def test_a_broken_configuration_is_a_message(tmp_path: Path, arguments: list[str]) -> None:
    root = repository(tmp_path)
    (root / "cyclemap.toml").write_text("select = [\n", encoding="utf-8")
    result = run(arguments, root)
    no_traceback(result)
    assert result.returncode == 2, result.stderr
    assert "cyclemap.toml:" in result.stderr and "invalid TOML" in result.stderr


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (
            '# rules\nselect = ["dead-end"]\n\n[rules.drop-off-point]\n  treshold = 0.2\n',
            "cyclemap.toml:5:3: error: `treshold` is not an option",
        ),
        ('select = ["dead-end"]\n\n[mine]\ncase = 5\n', "cyclemap.toml:4:1: error: `mine.case`"),
        ('fail-on = "error"\nselect = ["dead-ends"]\n', "cyclemap.toml:2:1: error: `dead-ends`"),
    ],
    ids=["rule-option", "mine-key", "select"],
)
def test_configuration_errors_point_at_their_key(
    tmp_path: Path, written: str, expected: str
) -> None:
    root = repository(tmp_path)
    (root / "cyclemap.toml").write_text(written, encoding="utf-8")
    result = run(["audit", "j.journey.yaml"], root)
    assert result.returncode == 2
    assert expected in result.stderr


def test_a_configuration_key_with_an_escape_is_shown_inert(tmp_path: Path) -> None:
    root = repository(tmp_path)
    (root / "cyclemap.toml").write_text('"\\u001b]52;c;aGk=\\u0007x" = 1\n', encoding="utf-8")
    result = run(["audit", "j.journey.yaml"], root)
    assert result.returncode == 2
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "is not a configuration key" in result.stderr


def test_an_empty_column_name_is_a_configuration_error(tmp_path: Path) -> None:
    root = repository(tmp_path)
    (root / "cyclemap.toml").write_text('[mine]\ncase = ""\n', encoding="utf-8")
    result = run(["mine", "L.csv", "-j", "j.journey.yaml"], root)
    no_traceback(result)
    assert result.returncode == 2, result.stderr
    assert "cyclemap.toml:2:1" in result.stderr and "Parser Error" not in result.stderr


# --- --diff with paths outside the repository ---------------------------------------------------


def _git(root: Path, *arguments: str) -> str:
    return subprocess.run(
        ["git", "-C", str(root), *arguments], capture_output=True, text=True, check=True
    ).stdout


def _committed(root: Path) -> Path:
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "j")
    return root


def test_diff_with_a_path_outside_the_repository(tmp_path: Path) -> None:
    root = _committed(repository(tmp_path / "repo"))
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "o.journey.yaml").write_text(J.replace("id: j,", "id: o,"), encoding="utf-8")
    result = run(
        ["audit", "j.journey.yaml", str(outside / "o.journey.yaml"), "--diff", "HEAD"], root
    )
    no_traceback(result)
    assert result.returncode == 2
    assert "outside the git repository" in result.stderr


def test_diff_with_a_link_inside_the_repository_to_a_file_outside(tmp_path: Path) -> None:
    root = repository(tmp_path / "repo")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "o.journey.yaml").write_text(J.replace("id: j,", "id: o,"), encoding="utf-8")
    (root / "o.journey.yaml").symlink_to(outside / "o.journey.yaml")
    _committed(root)
    result = run(["audit", "o.journey.yaml", "--diff", "HEAD", "--fail-on", "never"], root)
    no_traceback(result)
    assert result.returncode == 0, result.stderr


def test_diff_outside_any_repository_says_so(tmp_path: Path) -> None:
    root = repository(tmp_path)
    result = run(
        ["audit", "j.journey.yaml", "--diff", "HEAD"],
        root,
        env={"GIT_CEILING_DIRECTORIES": str(tmp_path.parent)},
    )
    no_traceback(result)
    assert result.returncode == 2
    assert "not in a git repository" in result.stderr and "git fetch" not in result.stderr


# --- imports: long names, long chains -----------------------------------------------------------


def test_an_import_name_too_long_for_the_file_system(tmp_path: Path) -> None:
    root = repository(tmp_path)
    (root / "j.journey.yaml").write_text(
        J.replace("stages:", f"imports: [{'c' * 300}.yaml]\nstages:"), encoding="utf-8"
    )
    (root / "other.journey.yaml").write_text(J.replace("id: j,", "id: k,"), encoding="utf-8")
    result = run(["validate", "j.journey.yaml", "other.journey.yaml"], root)
    no_traceback(result)
    assert result.returncode == 1
    assert "cannot be read" in result.stdout
    assert "1 error in 1 of 2 files" in result.stdout  # the other file's result is kept


def test_a_chain_of_350_imports(tmp_path: Path) -> None:
    root = repository(tmp_path)
    for number in range(350):
        (root / f"c{number}.yaml").write_text(
            f"imports: [c{number + 1}.yaml]\n" if number < 349 else "teams: {q: {name: Q}}\n",
            encoding="utf-8",
        )
    (root / "j.journey.yaml").write_text(
        J.replace("stages:", "imports: [c0.yaml]\nstages:"), encoding="utf-8"
    )
    result = run(["validate", "j.journey.yaml"], root)
    no_traceback(result)
    assert result.returncode == 1
    assert "chained more than 32 catalogs deep" in result.stdout


# --- overviews of journeys with links -----------------------------------------------------------

LINKED = J.replace("{to: z, share: 0.5}", "{to: z, share: 0.4}, {to: 'k:start', share: 0.1}")
OTHER = J.replace("id: j,", "id: k,").replace("id: x,", "id: start,").replace("to: x", "to: start")


@pytest.mark.parametrize("target", ["dot", "mermaid", "html"])
@pytest.mark.parametrize("collapse", ["stage", "team"])
def test_an_overview_of_a_journey_with_a_link(tmp_path: Path, target: str, collapse: str) -> None:
    root = repository(tmp_path, LINKED)
    (root / "k.journey.yaml").write_text(OTHER, encoding="utf-8")
    result = run(
        ["render", "j.journey.yaml", "--collapse", collapse, "-f", target, "-o", "-"], root
    )
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    assert "journey k" in result.stdout
    if target == "dot" and collapse == "team":  # z has no team; the linked step is not counted
        assert '(no team)</B><BR/><FONT POINT-SIZE="9">1 step ·' in result.stdout


# --- numbers: bounded, finite, JSON -------------------------------------------------------------


@pytest.mark.parametrize(
    "journey",
    [
        J.replace("volume: 100", "volume: 1e308"),
        J.replace("share: 0.5", "share: 1e308"),
    ],
    ids=["volume-1e308", "shares-1e308"],
)
def test_huge_numbers_are_refused_with_the_bound(tmp_path: Path, journey: str) -> None:
    root = repository(tmp_path, journey)
    result = run(["validate", "j.journey.yaml"], root)
    no_traceback(result)
    assert result.returncode == 1
    assert "must be at most 1e+15" in result.stdout


def _strict_json(text: str) -> Any:
    def refuse(constant: str) -> None:
        raise AssertionError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def test_the_largest_numbers_accepted_give_finite_figures(tmp_path: Path) -> None:
    journey = J.replace("volume: 100", "volume: 1e15").replace("share: 0.5", "share: 1e15")
    root = repository(tmp_path, journey)
    result = run(["stats", "j.journey.yaml", "-f", "json"], root)
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    figures = _strict_json(result.stdout)["journeys"][0]
    assert figures["overall"]["endings"]["success"] == pytest.approx(0.818, abs=0.001)
    audited = run(["audit", "j.journey.yaml", "-f", "json"], root)
    assert "dead-end" not in audited.stdout
    for collapse in ("stage", "team"):
        drawn = run(
            ["render", "j.journey.yaml", "--collapse", collapse, "-f", "dot", "-o", "-"], root
        )
        assert drawn.returncode == 0 and "nan" not in drawn.stdout


@pytest.mark.parametrize("timeout", ["inf", "1e300", "nan", "-inf"])
def test_render_timeout_out_of_range(tmp_path: Path, timeout: str) -> None:
    root = repository(tmp_path)
    result = run(["render", "j.journey.yaml", "--timeout", timeout, "-o", "-"], root)
    no_traceback(result)
    assert result.returncode == 2
    assert "--timeout" in result.stderr


# --- baselines are validated --------------------------------------------------------------------


@pytest.mark.parametrize("steps", ["5", "true", '[1, "x"]'])
@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "junit", "github", "markdown"])
def test_a_baseline_entry_of_the_wrong_type(tmp_path: Path, steps: str, output_format: str) -> None:
    root = repository(tmp_path)
    (root / "B.json").write_text(
        '{"cyclemap-baseline": 1, "findings": [{"fingerprint": "f", "steps": ' + steps + "}]}",
        encoding="utf-8",
    )
    result = run(["audit", "j.journey.yaml", "--baseline", "B.json", "-f", output_format], root)
    no_traceback(result)
    assert result.returncode == 2
    assert "B.json: error: findings[0]: `steps` must be a list of step ids" in result.stderr


# --- globs match in linear time -----------------------------------------------------------------


def test_repeated_double_star_globs(tmp_path: Path) -> None:
    from cyclemap.loading.discovery import glob_matches

    assert not glob_matches("**/" * 12 + "x.yaml", "a/" * 30 + "b.yaml")
    assert not glob_matches("**/a/" * 12 + "x", "a/" * 40 + "b")
    assert glob_matches("**/a/" * 12 + "x", "a/" * 40 + "x")
    root = repository(tmp_path)
    (root / "cyclemap.toml").write_text(
        'include = ["' + "**/" * 10 + '*.journey.yaml"]\n', encoding="utf-8"
    )
    deep = root.joinpath(*["d"] * 20)
    deep.mkdir(parents=True)
    (deep / "j.journey.yaml").write_text(J.replace("id: j,", "id: deep,"), encoding="utf-8")
    result = run(["audit", ".", "--fail-on", "never", "-f", "json"], root, timeout=60)
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["files"]) == 2


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("**/*.yaml", "a.yaml", True),
        ("**/*.yaml", "a/b/c.yaml", True),
        ("*.yaml", "a/b.yaml", False),
        ("journeys/**", "journeys/a/b.yaml", True),
        ("a/**/b/*.yml", "a/b/x.yml", True),
        ("a/**/b/*.yml", "a/x/y/b/x.yml", True),
        ("a/**/b/*.yml", "a/x/y/c/x.yml", False),
        ("?.yaml", "ab.yaml", False),
        ("**/**/x", "x", True),
    ],
)
def test_glob_meaning(pattern: str, path: str, expected: bool) -> None:
    from cyclemap.loading.discovery import glob_matches

    assert glob_matches(pattern, path) is expected


# --- Graphviz's memory is bounded ---------------------------------------------------------------


def test_dot_memory_is_bounded_and_the_message_says_how_to_raise_it(tmp_path: Path) -> None:
    count = 120
    steps = "".join(
        f"  - {{id: s{i}, stage: s, next: ["
        + ", ".join(f"{{to: s{j}}}" for j in range(count) if j != i)
        + ", {to: z}]}\n"
        for i in range(count)
    )
    journey = J.split("steps:")[0] + "steps:\n" + steps.replace("id: s0,", "id: s0, entry: true,")
    journey += "  - {id: z, stage: s, outcome: success}\n"
    root = repository(tmp_path, journey)
    result = run(["render", "j.journey.yaml", "-f", "svg", "-o", "-", "--memory", "64"], root)
    no_traceback(result)
    assert result.returncode == 2, result.stderr[-500:]
    assert "more than 64 MiB" in result.stderr and "--memory" in result.stderr


# --- SIGTERM during --diff removes the work tree ------------------------------------------------


def test_sigterm_during_diff_cleans_up(tmp_path: Path) -> None:
    root = repository(tmp_path / "repo")
    for number in range(200):
        (root / f"j{number:03}.journey.yaml").write_text(
            J.replace("id: j,", f"id: j{number:03},"), encoding="utf-8"
        )
    _committed(root)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "cyclemap", "audit", ".", "--diff", "HEAD", "-f", "json"],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "TMPDIR": str(temporary)},
    )
    try:
        for _ in range(600):  # until the work tree of the revision exists
            if _git(root, "worktree", "list").count("\n") > 1 or process.poll() is not None:
                break
            time.sleep(0.05)
        assert process.poll() is None, "the audit ended before it could be stopped"
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert b"Traceback" not in stderr
    assert process.returncode == 128 + signal.SIGTERM
    assert _git(root, "worktree", "list").count("\n") == 1
    assert list(temporary.iterdir()) == []
