"""`cyclemap audit` on a repository: no path means the repository around the working folder;
machine formats never carry progress-bar text; the text report sums up every journey."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

import cyclemap.cli.audit
from cyclemap.cli import app
from tests.support.repo import SUPPORT, clean_journey, init_repo, isolate_git, write

runner = CliRunner()


@pytest.fixture(autouse=True)
def _git_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate_git(monkeypatch, tmp_path)


def make_repo(tmp_path: Path, marker: str) -> Path:
    root = tmp_path / "repo"
    if marker == ".git":
        init_repo(root)
    else:
        write(root / marker, "")
    write(root / "a.journey.yaml", clean_journey("limpio"))
    write(root / "team" / "b.journey.yaml", SUPPORT)
    write(root / "docs" / "deep" / "README.md", "no journeys here\n")
    # Beside the repository, not in it: must never be audited.
    write(tmp_path / "outside.journey.yaml", clean_journey("fuera"))
    return root


def relative(files: list[str], root: Path) -> list[str]:
    return sorted(Path(file).resolve().relative_to(root.resolve()).as_posix() for file in files)


@pytest.mark.parametrize("marker", [".git", "cyclemap.toml"])
@pytest.mark.parametrize("where", ["docs", "docs/deep", "team", "."])
def test_no_path_audits_the_whole_repository_from_a_sub_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, marker: str, where: str
) -> None:
    root = make_repo(tmp_path, marker)
    monkeypatch.chdir(root / where)
    result = runner.invoke(app, ["audit", "--format", "json"])
    assert result.exit_code == 1, result.output  # the peloteo loop in team/b
    document = json.loads(result.stdout)
    assert relative(document["files"], root) == ["a.journey.yaml", "team/b.journey.yaml"]
    assert {finding["journey"] for finding in document["findings"]} == {"soporte"}
    assert document["summary"]["journeys"] == 2


def test_no_path_uses_the_repositorys_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_repo(tmp_path, ".git")
    write(root / "cyclemap.toml", 'select = ["peloteo-loop"]\n')
    monkeypatch.chdir(root / "docs" / "deep")
    document = json.loads(runner.invoke(app, ["audit", "--format", "json"]).stdout)
    assert [finding["rule"] for finding in document["findings"]] == ["peloteo-loop"]


MANY = 55  # the progress bar shows from 50 files


@pytest.fixture
def many(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    write(root / "cyclemap.toml", "")
    for index in range(MANY):
        write(root / f"j{index:02d}.journey.yaml", clean_journey(f"journey-{index:02d}"))
    monkeypatch.chdir(root)
    # Pretend standard output and standard error are terminals.
    monkeypatch.setattr(cyclemap.cli.audit, "color_for", lambda stream: True)
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    return root


def audit_cli(*arguments: str) -> Result:
    return runner.invoke(app, ["audit", *arguments])


def test_on_a_terminal_the_text_report_gets_a_progress_bar_on_stderr(many: Path) -> None:
    result = audit_cli()
    assert result.exit_code == 0
    assert "auditing journeys" in result.stderr
    assert "auditing journeys" not in result.stdout


@pytest.mark.parametrize("output_format", ["json", "sarif"])
def test_machine_formats_never_contain_progress_bar_text(many: Path, output_format: str) -> None:
    result = audit_cli("--format", output_format)
    assert result.exit_code == 0
    assert result.stderr == ""
    assert "auditing journeys" not in result.output
    assert "\x1b" not in result.stdout
    document = json.loads(result.stdout)  # nothing but the report
    assert isinstance(document, dict)


@pytest.mark.parametrize("output_format", ["text", "json", "sarif"])
def test_report_written_to_a_file_has_no_progress_bar(many: Path, output_format: str) -> None:
    result = audit_cli("--format", output_format, "-o", "report.out")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "auditing journeys" not in result.stderr
    written = (many / "report.out").read_text("utf-8")
    assert "auditing journeys" not in written
    assert "\x1b" not in written
    if output_format != "text":
        json.loads(written)


def header_lines(text: str, files: list[str]) -> dict[str, list[str]]:
    """The per-journey summary lines: the file name, two spaces, then the journey."""
    return {
        file: [line for line in text.splitlines() if line.startswith(f"{file}  ")] for file in files
    }


def test_text_report_has_one_summary_line_per_journey(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "repo"
    write(root / "cyclemap.toml", "")
    write(root / "a.journey.yaml", clean_journey("limpio"))
    write(root / "b.journey.yaml", SUPPORT)
    write(root / "c.journey.yaml", clean_journey("otro"))
    write(root / "d.journey.yaml", clean_journey("roto").replace("next: [{to: refund}]", "nex: 1"))
    monkeypatch.chdir(root)
    monkeypatch.setenv("NO_COLOR", "1")
    result = audit_cli()
    assert result.exit_code == 1
    files = ["a.journey.yaml", "b.journey.yaml", "c.journey.yaml", "d.journey.yaml"]
    headers = header_lines(result.stdout, files)
    assert {file: len(lines) for file, lines in headers.items()} == dict.fromkeys(files, 1)
    assert headers["a.journey.yaml"][0] == "a.journey.yaml  limpio — Journey limpio  ✓ clean"
    assert headers["c.journey.yaml"][0] == "c.journey.yaml  otro — Journey otro  ✓ clean"
    assert headers["b.journey.yaml"][0].startswith(
        "b.journey.yaml  soporte — Soporte hogar  1 error"
    )
    assert "clean" not in headers["b.journey.yaml"][0]
    assert "invalid" in headers["d.journey.yaml"][0]
    # The summary lines come in file order, before the run's total.
    order = [result.stdout.index(headers[file][0]) for file in files]
    assert order == sorted(order)
    assert result.stdout.splitlines()[-1].startswith("✗ 1 error, 4 warnings, 1 info in 4 journeys")


def test_summary_line_of_a_journey_pluralises_like_the_readme(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "repo"
    write(root / "cyclemap.toml", "")
    write(root / "b.journey.yaml", SUPPORT)
    monkeypatch.chdir(root)
    monkeypatch.setenv("NO_COLOR", "1")
    headers = header_lines(audit_cli().stdout, ["b.journey.yaml"])
    assert headers["b.journey.yaml"] == [
        "b.journey.yaml  soporte — Soporte hogar  1 error, 4 warnings, 1 info"
    ]
