"""The command line, through typer's runner and once through the installed console script."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cyclemap import __version__
from cyclemap.cli import app
from cyclemap.cli.common import color_for
from tests.conftest import BROKEN_JOURNEY, EXAMPLES, MINIMAL_JOURNEY

runner = CliRunner()

BROKEN = BROKEN_JOURNEY


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"cyclemap {__version__}"


def test_help_lists_every_command_with_a_summary() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("validate", "schema", "init"):
        line = next(line for line in result.stdout.splitlines() if line.strip().startswith(command))
        assert len(line.split()) > 2, f"{command} has no summary: {line!r}"


def test_examples_are_valid() -> None:
    result = runner.invoke(app, ["validate", str(EXAMPLES)])
    assert result.exit_code == 0, result.stdout
    assert "valid" in result.stdout


def test_broken_file_gives_location_message_and_hint(write: Callable[..., Path]) -> None:
    path = write(BROKEN)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    location = f"{path.as_posix()}:9:23: error: "
    assert lines[0] == (
        location + "`shar` is not a field of a transition; did you mean `share`?  [CM101]"
    )
    assert lines[1].strip() == "hint: rename it to `share`; see docs/format.md#next"


def test_one_broken_file_does_not_stop_the_others(write: Callable[..., Path]) -> None:
    write(MINIMAL_JOURNEY, "a-good.journey.yaml")
    write(BROKEN, "b-broken.journey.yaml")
    write("name: not a journey\n", "c-other.yaml")
    folder = write(
        MINIMAL_JOURNEY.replace("id: demo", "id: demo-two"), "d-good.journey.yaml"
    ).parent
    result = runner.invoke(app, ["validate", str(folder), "--format", "json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert [Path(file).name for file in report["files"]] == [
        "a-good.journey.yaml",
        "b-broken.journey.yaml",
        "d-good.journey.yaml",
    ]
    assert [(Path(e["file"]).name, e["line"], e["column"]) for e in report["errors"]] == [
        ("b-broken.journey.yaml", 9, 23),
    ]


def test_json_report_has_the_documented_keys_and_is_byte_stable(
    write: Callable[..., Path],
) -> None:
    path = write(BROKEN)
    first = runner.invoke(app, ["validate", str(path), "--format", "json"])
    second = runner.invoke(app, ["validate", str(path), "--format", "json"])
    assert first.stdout == second.stdout
    report = json.loads(first.stdout)
    assert list(report) == ["files", "errors"]
    [error] = report["errors"]
    assert list(error) == ["file", "line", "column", "path", "message", "hint", "code", "see"]
    assert error["path"] == "steps[0].next[0].shar"
    assert (error["code"], error["see"]) == ("CM101", "docs/format.md#next")


def test_missing_path_is_exit_2_and_others_are_still_checked(
    write: Callable[..., Path],
) -> None:
    good = write(MINIMAL_JOURNEY)
    result = runner.invoke(app, ["validate", str(good.parent / "nope.yaml"), str(good)])
    assert result.exit_code == 2
    assert "nope.yaml: error: no such file or folder" in result.stdout
    verbose = runner.invoke(app, ["validate", "-v", str(good.parent / "nope.yaml"), str(good)])
    assert f"{good.as_posix()}: ok (journey)" in verbose.stdout


def test_skipped_files_are_listed_only_with_verbose(write: Callable[..., Path]) -> None:
    write(MINIMAL_JOURNEY)
    other = write("kind: Deployment\n", "k8s.yaml")
    quiet = runner.invoke(app, ["validate", str(other.parent)])
    assert quiet.exit_code == 0
    assert "k8s.yaml" not in quiet.stdout
    loud = runner.invoke(app, ["validate", "-v", str(other.parent)])
    assert f"{other.as_posix()}: skipped (no top-level `cyclemap:` key)" in loud.stdout


def test_a_non_journey_named_explicitly_is_an_error(write: Callable[..., Path]) -> None:
    path = write("# only a comment\n", "empty.yaml")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert "has no top-level `cyclemap:` key" in result.stdout


def test_output_file_is_written_and_a_bad_destination_leaves_nothing(
    write: Callable[..., Path], tmp_path: Path
) -> None:
    path = write(MINIMAL_JOURNEY)
    target = tmp_path / "report.json"
    result = runner.invoke(app, ["validate", str(path), "-f", "json", "-o", str(target)])
    assert result.exit_code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["errors"] == []
    missing_folder = tmp_path / "no" / "such" / "folder" / "report.json"
    result = runner.invoke(app, ["validate", str(path), "-o", str(missing_folder)])
    assert result.exit_code == 2
    assert not missing_folder.parent.exists()


def test_colour_only_on_a_terminal_and_never_with_no_color(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert color_for(Terminal())
    assert not color_for(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not color_for(Terminal())


def test_colour_codes_appear_only_when_asked(write: Callable[..., Path]) -> None:
    from cyclemap import validate
    from cyclemap.engine import to_result
    from cyclemap.reporters import ReportOptions, render

    result = to_result(validate([write(BROKEN)]))
    assert "\x1b[" in render(result, "text", ReportOptions(color=True))
    assert "\x1b[" not in render(result, "text", ReportOptions(color=False))


def test_user_text_cannot_inject_terminal_escapes_or_markup(
    write: Callable[..., Path],
) -> None:
    path = write(
        MINIMAL_JOURNEY.replace(
            "stage: contact\n        entry", "stage: '[bold]x[/y]'\n        entry"
        )
    )
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert "`[bold]x[/y]` is not a valid id" in result.stdout


def test_schema_command_prints_the_committed_schema() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    committed = (EXAMPLES.parent / "schemas" / "journey.schema.json").read_text(encoding="utf-8")
    assert result.stdout == committed, "run `cyclemap schema -o schemas/journey.schema.json`"


def test_init_writes_a_starter_that_validates(tmp_path: Path) -> None:
    target = tmp_path / "starter.journey.yaml"
    result = runner.invoke(app, ["init", str(target)])
    assert result.exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("# A starter journey")
    assert runner.invoke(app, ["validate", str(target)]).exit_code == 0
    again = runner.invoke(app, ["init", str(target)])
    assert again.exit_code == 2
    assert runner.invoke(app, ["init", str(target), "--force"]).exit_code == 0
    into_folder = runner.invoke(app, ["init", str(tmp_path), "--name", "Atención al cliente"])
    assert into_folder.exit_code == 0
    written = tmp_path / "atencion-al-cliente.journey.yaml"
    assert "  id: atencion-al-cliente " in written.read_text(encoding="utf-8")
    assert runner.invoke(app, ["validate", str(written)]).exit_code == 0


def test_init_names_the_journey_after_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "Soporte Técnico"
    folder.mkdir()
    monkeypatch.chdir(folder)
    result = runner.invoke(app, ["init"])
    assert result.exit_code == 0, result.stderr
    written = folder / "soporte-tecnico.journey.yaml"
    assert f"wrote {written.name}" in result.stderr
    assert runner.invoke(app, ["validate", str(written)]).exit_code == 0
    assert "A starter journey" in written.read_text(encoding="utf-8")


def test_init_in_spanish_writes_spanish_comments(tmp_path: Path) -> None:
    target = tmp_path / "inicio.journey.yaml"
    result = runner.invoke(app, ["init", str(target), "--lang", "es"])
    assert result.exit_code == 0, result.stderr
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# Un recorrido de ejemplo escrito por `cyclemap init`")
    assert "  language: es " in text
    assert runner.invoke(app, ["validate", str(target)]).exit_code == 0


def test_init_follows_the_language_chosen_by_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CYCLEMAP_LANG", "es")
    result = runner.invoke(app, ["init", str(tmp_path), "--name", "Cobranza"])
    assert result.exit_code == 0, result.stderr
    written = tmp_path / "cobranza.journey.yaml"
    assert written.read_text(encoding="utf-8").startswith("# Un recorrido de ejemplo")
    assert f"se escribió {written}" in result.stderr
    english = runner.invoke(app, ["init", str(tmp_path / "en.journey.yaml"), "--lang", "en"])
    assert english.exit_code == 0, english.stderr
    assert (tmp_path / "en.journey.yaml").read_text(encoding="utf-8").startswith("# A starter")


def test_init_refuses_a_language_it_has_no_starter_in(tmp_path: Path) -> None:
    result = runner.invoke(app, ["init", str(tmp_path / "x.journey.yaml"), "--lang", "fr"])
    assert result.exit_code == 2
    assert "--lang" in result.stderr and "'fr'" in result.stderr
    assert not (tmp_path / "x.journey.yaml").exists()


def test_unknown_option_is_a_usage_error() -> None:
    result = runner.invoke(app, ["validate", "--format", "xml", str(EXAMPLES)])
    assert result.exit_code == 2


def _console_script() -> str:
    script = Path(sys.executable).parent / ("cyclemap.exe" if os.name == "nt" else "cyclemap")
    assert script.exists(), "install the package first: pip install -e '.[test]'"
    return str(script)


def test_installed_console_script_runs(write: Callable[..., Path]) -> None:
    broken = write(BROKEN)
    process = subprocess.run(
        [_console_script(), "validate", str(EXAMPLES), str(broken)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert process.returncode == 1
    assert process.stderr == ""
    assert "did you mean `share`?" in process.stdout
    assert "\x1b[" not in process.stdout


def test_python_dash_m() -> None:
    process = subprocess.run(
        [sys.executable, "-m", "cyclemap", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert process.returncode == 0
    assert process.stdout.strip() == f"cyclemap {__version__}"


def test_help_lists_the_audit_render_and_stats_commands() -> None:
    result = runner.invoke(app, ["--help"])
    for command in ("audit", "render", "stats", "rules", "explain"):
        assert any(line.strip().startswith(command) for line in result.stdout.splitlines())


def test_rules_lists_every_rule_with_severity() -> None:
    from cyclemap.rules import registry

    result = runner.invoke(app, ["rules"])
    assert result.exit_code == 0
    for rule in registry().values():
        line = next(line for line in result.stdout.splitlines() if line.startswith(rule.name))
        assert rule.severity.value in line


def test_explain_prints_the_documentation_with_examples() -> None:
    result = runner.invoke(app, ["explain", "drop-off-point"])
    assert result.exit_code == 0
    assert "default severity: warning" in result.stdout
    assert result.stdout.count("```yaml") == 2
    # Every section once, the options once (with their defaults), in order.
    headings = [line for line in result.stdout.splitlines() if line.startswith("## ")]
    assert headings == [
        "## What it does",
        "## Why is this bad?",
        "## Example",
        "## Use instead",
        "## Options",
        "## Known problems",
    ]
    assert result.stdout.count("- `threshold` (default `0.15`): ") == 1


def test_explain_unknown_rule_suggests_the_nearest() -> None:
    result = runner.invoke(app, ["explain", "peloteo"])
    assert result.exit_code == 2
    assert "did you mean `peloteo-loop`?" in result.stderr


def test_audit_examples_fails_on_the_planted_errors_and_passes_with_fail_on_never() -> None:
    failing = runner.invoke(app, ["audit", str(EXAMPLES), "-f", "json"])
    assert failing.exit_code == 1
    report = json.loads(failing.stdout)
    assert list(report) == ["files", "errors", "findings", "summary"]
    assert report["summary"]["error"] > 0
    assert runner.invoke(app, ["audit", str(EXAMPLES), "--fail-on", "never"]).exit_code == 0


def test_audit_text_ends_each_journey_with_quick_wins() -> None:
    result = runner.invoke(app, ["audit", str(EXAMPLES / "internet-support.journey.yaml")])
    assert "quick wins:" in result.stdout
    first = next(line.strip() for line in result.stdout.splitlines() if "1. " in line)
    assert first.startswith(
        "1. halve abandonment at «Llama a la línea 01-8000 y recorre el menú IVR» (call-line), "
        "18% → 9%: +"
    )
    assert "successful customers per period (assumes half of those who abandon" in first


def test_audit_leaves_quick_wins_of_huge_journeys_to_stats(monkeypatch: pytest.MonkeyPatch) -> None:
    import cyclemap.analysis.report

    # The example has 23 steps.
    monkeypatch.setattr(cyclemap.analysis.report, "QUICK_WINS_UP_TO", 10)
    result = runner.invoke(app, ["audit", str(EXAMPLES / "internet-support.journey.yaml")])
    assert result.exit_code == 1  # its planted peloteo is still an error
    assert "quick wins:" not in result.stdout


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "junit", "github", "markdown"])
def test_validate_and_audit_show_invalid_files_in_every_format(
    write: Callable[..., Path], output_format: str
) -> None:
    broken = write(BROKEN)
    for command in ("validate", "audit"):
        result = runner.invoke(app, [command, str(broken), "-f", output_format])
        assert result.exit_code == 1, (command, output_format)
        assert "shar" in result.stdout, (command, output_format)
