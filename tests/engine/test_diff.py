"""`--diff REF`: only the findings that are new since git revision REF (a pull request check)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from cyclemap.cli import app
from cyclemap.engine import audit
from tests.support.repo import (
    SUPPORT,
    SUPPORT_RULES,
    commit_all,
    comparison_line,
    git,
    init_repo,
    isolate_git,
    move_lines,
    support_repo,
    support_without_loop,
    write,
)

runner = CliRunner()
JOURNEY = Path("journeys") / "soporte.journey.yaml"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository whose last commit holds `SUPPORT` without its peloteo loop."""
    return support_repo(tmp_path, monkeypatch, support_without_loop())


def cli(*arguments: str) -> Result:
    return runner.invoke(app, ["audit", *arguments])


def json_diff(*arguments: str) -> tuple[int, dict[str, Any]]:
    result = cli("--format", "json", "--diff", "HEAD", *arguments)
    assert result.stderr == ""
    return result.exit_code, json.loads(result.stdout)


def nothing_fixed(*, known: int) -> dict[str, Any]:
    """The JSON comparison of a run against HEAD where `known` findings were already there."""
    return {
        "against": "git HEAD",
        "known": known,
        "fixed": [],
        "not_checked": [],
        "invalid_files": [],
    }


def test_a_new_peloteo_loop_is_the_only_new_finding(repo: Path) -> None:
    write(repo / JOURNEY, SUPPORT)  # billing-desk now sends customers back to call
    code, document = json_diff()
    assert code == 1
    assert [(f["rule"], f["journey"], sorted(f["steps"])) for f in document["findings"]] == [
        ("peloteo-loop", "soporte", ["billing-desk", "call"])
    ]
    assert document["findings"][0]["file"] == JOURNEY.as_posix()
    assert document["comparison"] == nothing_fixed(known=5)
    # Without --diff the old findings are all there.
    assert sorted(f.rule for f in audit(["."]).findings) == SUPPORT_RULES


def test_text_report_says_what_it_compared_with(repo: Path) -> None:
    write(repo / JOURNEY, SUPPORT)
    result = cli("--diff", "HEAD")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert comparison_line(result.stdout, "git HEAD", known=5, fixed=0)
    findings = [line for line in lines if line.startswith(f"{JOURNEY.as_posix()}:")]
    assert len(findings) == 1
    assert findings[0].endswith("[peloteo-loop]")


def test_moving_lines_only_is_nothing_new(repo: Path) -> None:
    write(repo / JOURNEY, SUPPORT)
    commit_all(repo, "the loop")
    write(repo / JOURNEY, move_lines(SUPPORT))
    code, document = json_diff()
    assert (code, document["findings"]) == (0, [])
    assert document["comparison"] == nothing_fixed(known=6)


def test_findings_gone_since_the_revision_are_fixed(repo: Path) -> None:
    write(repo / JOURNEY, SUPPORT)
    commit_all(repo, "the loop")
    write(repo / JOURNEY, support_without_loop())
    code, document = json_diff()
    assert (code, document["findings"]) == (0, [])
    assert [entry["rule"] for entry in document["comparison"]["fixed"]] == ["peloteo-loop"]


def test_an_older_revision_and_an_explicit_path(repo: Path) -> None:
    write(repo / JOURNEY, SUPPORT)
    commit_all(repo, "the loop")  # committed: --diff HEAD~1 still sees it as new
    result = cli("journeys", "--format", "json", "--diff", "HEAD~1")
    document = json.loads(result.stdout)
    assert [f["rule"] for f in document["findings"]] == ["peloteo-loop"]
    assert document["comparison"]["against"] == "git HEAD~1"
    assert document["comparison"]["known"] == 5


def test_a_journey_added_since_the_revision_is_all_new(repo: Path) -> None:
    write(repo / "journeys" / "nuevo.journey.yaml", SUPPORT.replace("id: soporte", "id: nuevo"))
    code, document = json_diff()
    assert code == 1
    assert {f["journey"] for f in document["findings"]} == {"nuevo"}
    assert sorted(f["rule"] for f in document["findings"]) == SUPPORT_RULES


def test_an_unknown_revision_exits_2_naming_git(repo: Path) -> None:
    result = cli("--diff", "no-such-revision")
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert result.stderr.startswith("--diff: error: ")
    assert "git" in result.stderr.splitlines()[0]
    assert "no-such-revision" in result.stderr


def test_diff_outside_a_git_repository_exits_2_naming_git(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    isolate_git(monkeypatch, tmp_path)
    root = tmp_path / "plain"
    write(root / "cyclemap.toml", "")
    write(root / "a.journey.yaml", SUPPORT)
    monkeypatch.chdir(root)
    result = cli("--diff", "HEAD")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "git" in result.stderr


def test_unchanged_journeys_in_a_tracked_hidden_folder_are_nothing_new(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    isolate_git(monkeypatch, tmp_path)
    root = init_repo(tmp_path / "repo")
    write(root / "cyclemap.toml", "")
    write(root / ".journeys" / "soporte.journey.yaml", SUPPORT)
    commit_all(root)
    monkeypatch.chdir(root)
    assert len(audit(["."]).findings) == 6  # audited in the work tree
    code, document = json_diff()
    assert (code, document["findings"]) == (0, [])


def test_unchanged_journey_importing_a_catalog_in_a_repository_without_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    isolate_git(monkeypatch, tmp_path)
    root = init_repo(tmp_path / "repo")
    write(
        root / "catalog" / "company.yaml",
        "teams:\n  n1: {name: Nivel 1}\n  billing: {name: B}\n  field: {name: T}\n",
    )
    own_teams = "teams:\n  n1: {name: Nivel 1}\n  billing: {name: Facturación}\n"
    own_teams += "  field: {name: Técnicos}\n"
    journey = SUPPORT.replace(own_teams, "imports: [../catalog/company.yaml]\n")
    assert "imports:" in journey
    write(root / "journeys" / "soporte.journey.yaml", journey)
    commit_all(root)
    monkeypatch.chdir(root)
    assert len(audit(["."]).findings) == 6  # valid in the work tree
    code, document = json_diff()
    assert (code, document["findings"]) == (0, [])


def test_no_path_from_a_sub_folder_diffs_the_whole_repository(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(repo / JOURNEY, SUPPORT)
    write(repo / "docs" / "README.md", "notes\n")
    monkeypatch.chdir(repo / "docs")
    code, document = json_diff()
    assert code == 1
    assert [f["rule"] for f in document["findings"]] == ["peloteo-loop"]
    assert document["comparison"] == nothing_fixed(known=5)


def test_diff_leaves_the_repository_as_it_was(repo: Path) -> None:
    write(repo / JOURNEY, SUPPORT)
    status = git(repo, "status", "--porcelain")
    json_diff()
    assert git(repo, "status", "--porcelain") == status
    worktrees = git(repo, "worktree", "list", "--porcelain").splitlines()
    assert [line for line in worktrees if line.startswith("worktree ")] == [
        f"worktree {repo.resolve().as_posix()}"
    ]


def test_a_file_broken_by_the_change_is_not_checked_never_fixed(repo: Path) -> None:
    broken = support_without_loop().replace("    team: field\n", "    tema: field\n")
    write(repo / JOURNEY, broken)
    code, document = json_diff()
    assert code == 1
    assert document["findings"] == []
    assert document["comparison"]["fixed"] == []
    assert len(document["comparison"]["not_checked"]) == 5
    assert document["comparison"]["invalid_files"] == [JOURNEY.as_posix()]
    markdown = cli("--diff", "HEAD", "--format", "markdown").stdout
    assert "0 fixed, 5 not checked (1 file does not validate)" in markdown
    assert "- fixed:" not in markdown
