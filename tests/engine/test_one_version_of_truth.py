"""One version of the truth in a repository: a journey id used twice, or a shared catalog
entry defined differently, is an error naming both places."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cyclemap.cli import app
from cyclemap.engine import audit
from cyclemap.engine.checking import FileResult, Status, validate
from tests.support.repo import clean_journey, isolate_git, write

runner = CliRunner()


@pytest.fixture(autouse=True)
def _git_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate_git(monkeypatch, tmp_path)
    monkeypatch.chdir(tmp_path)


def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    write(root / "cyclemap.toml", "")
    return root


def statuses(results: Iterable[FileResult]) -> dict[str, str]:
    return {result.file: result.status.value for result in results}


def test_same_journey_id_in_two_files_makes_both_invalid_naming_each_other(
    tmp_path: Path,
) -> None:
    root = repo(tmp_path)
    write(root / "a" / "first.journey.yaml", clean_journey("same"))
    # Two comment lines move the second file's id to line 4.
    write(root / "b" / "second.journey.yaml", clean_journey("same", header="# one\n# two\n"))
    write(root / "b" / "other.journey.yaml", clean_journey("other"))

    report = validate([Path("repo")])
    assert statuses(report.files) == {
        "repo/a/first.journey.yaml": "invalid",
        "repo/b/other.journey.yaml": "valid",
        "repo/b/second.journey.yaml": "invalid",
    }
    assert [(p.file, p.line, p.column, p.path, p.message) for p in report.problems] == [
        (
            "repo/a/first.journey.yaml",
            2,
            15,
            "journey.id",
            "journey id `same` is also used at repo/b/second.journey.yaml:4:15",
        ),
        (
            "repo/b/second.journey.yaml",
            4,
            15,
            "journey.id",
            "journey id `same` is also used at repo/a/first.journey.yaml:2:15",
        ),
    ]
    assert report.exit_code == 1


def test_three_uses_of_one_id_each_name_the_two_others(tmp_path: Path) -> None:
    root = repo(tmp_path)
    for name in ("x", "y", "z"):
        write(root / f"{name}.journey.yaml", clean_journey("dup"))
    problems = validate([Path("repo")]).problems
    assert [(p.file, p.message) for p in problems] == [
        (
            "repo/x.journey.yaml",
            "journey id `dup` is also used at repo/y.journey.yaml:2:15, repo/z.journey.yaml:2:15",
        ),
        (
            "repo/y.journey.yaml",
            "journey id `dup` is also used at repo/x.journey.yaml:2:15, repo/z.journey.yaml:2:15",
        ),
        (
            "repo/z.journey.yaml",
            "journey id `dup` is also used at repo/x.journey.yaml:2:15, repo/y.journey.yaml:2:15",
        ),
    ]


def test_duplicate_id_in_the_audit_command_json(tmp_path: Path) -> None:
    root = repo(tmp_path)
    write(root / "a.journey.yaml", clean_journey("same"))
    write(root / "b.journey.yaml", clean_journey("same"))
    result = runner.invoke(app, ["audit", "repo", "--format", "json"])
    assert result.exit_code == 1, result.output
    document = json.loads(result.stdout)
    assert document["summary"]["invalid"] == 2
    assert {(error["file"], error["message"]) for error in document["errors"]} == {
        ("repo/a.journey.yaml", "journey id `same` is also used at repo/b.journey.yaml:2:15"),
        ("repo/b.journey.yaml", "journey id `same` is also used at repo/a.journey.yaml:2:15"),
    }
    assert document["findings"] == []


def test_same_id_under_two_command_line_paths_is_fine(tmp_path: Path) -> None:
    root = repo(tmp_path)
    write(root / "left" / "a.journey.yaml", clean_journey("same"))
    write(root / "right" / "b.journey.yaml", clean_journey("same"))
    report = validate([Path("repo/left"), Path("repo/right")])
    assert report.problems == []
    assert [result.status for result in report.files] == [Status.VALID, Status.VALID]
    assert audit([Path("repo/left"), Path("repo/right")]).exit_code == 0


def test_same_id_in_a_nested_repository_is_fine(tmp_path: Path) -> None:
    root = repo(tmp_path)
    write(root / "a.journey.yaml", clean_journey("same"))
    write(root / "nested" / "cyclemap.toml", "")
    write(root / "nested" / "b.journey.yaml", clean_journey("same"))
    report = validate([Path("repo")])
    assert report.problems == []
    assert len(report.journeys) == 2
    # ...but two uses inside the nested repository are still caught.
    write(root / "nested" / "deeper" / "c.journey.yaml", clean_journey("same"))
    assert [p.file for p in validate([Path("repo")]).problems] == [
        "repo/nested/b.journey.yaml",
        "repo/nested/deeper/c.journey.yaml",
    ]


def journey_importing(journey_id: str, catalog: str) -> str:
    return f"""\
cyclemap: 1
journey: {{id: {journey_id}, name: Journey {journey_id}}}
imports: [{catalog}]
stages:
  - {{id: contact, name: Contacto}}
steps:
  - {{id: call, stage: contact, team: support, entry: true, next: [{{to: pay}}]}}
  - {{id: pay, stage: contact, team: billing, outcome: success}}
"""


def test_two_catalogs_defining_a_team_differently(tmp_path: Path) -> None:
    root = repo(tmp_path)
    write(root / "cat" / "one.yaml", "teams:\n  support: {name: Soporte}\n  billing: {name: A}\n")
    write(
        root / "cat" / "two.yaml",
        "# second catalog\nteams:\n  support: {name: Soporte}\n  billing: {name: B}\n",
    )
    write(root / "j" / "a.journey.yaml", journey_importing("a", "../cat/one.yaml"))
    write(root / "j" / "b.journey.yaml", journey_importing("b", "../cat/two.yaml"))

    report = validate([Path("repo")])
    assert statuses(report.files) == {
        "repo/j/a.journey.yaml": "valid",
        "repo/j/b.journey.yaml": "invalid",
        # Catalogs without `cyclemap: 1` found in folders are not checked on their own.
        "repo/cat/one.yaml": "skipped",
        "repo/cat/two.yaml": "skipped",
    }
    assert [(p.file, p.line, p.column, p.path, p.message) for p in report.problems] == [
        (
            "repo/cat/two.yaml",
            4,
            3,
            "teams.billing",
            "team `billing` is defined differently here and at repo/cat/one.yaml:3:3",
        )
    ]
    result = audit([Path("repo")])
    assert result.exit_code == 1
    assert [r.file for r in result.reports if not r.valid] == ["repo/j/b.journey.yaml"]


def test_identical_catalog_definitions_are_fine(tmp_path: Path) -> None:
    root = repo(tmp_path)
    write(root / "cat" / "one.yaml", "teams:\n  support: {name: Soporte}\n  billing: {name: A}\n")
    # The same content in another style and order is the same truth.
    write(
        root / "cat" / "two.yaml",
        "teams:\n  billing:\n    name: A\n  support:\n    name: 'Soporte'\n",
    )
    write(root / "j" / "a.journey.yaml", journey_importing("a", "../cat/one.yaml"))
    write(root / "j" / "b.journey.yaml", journey_importing("b", "../cat/two.yaml"))
    write(root / "j" / "c.journey.yaml", journey_importing("c", "../cat/one.yaml"))
    report = validate([Path("repo")])
    assert report.problems == []
    assert len(report.journeys) == 3


def test_catalogs_differing_under_separate_command_line_paths_are_fine(tmp_path: Path) -> None:
    root = repo(tmp_path)
    write(root / "cat" / "one.yaml", "teams:\n  support: {name: Soporte}\n  billing: {name: A}\n")
    write(root / "cat" / "two.yaml", "teams:\n  support: {name: Soporte}\n  billing: {name: B}\n")
    write(root / "left" / "a.journey.yaml", journey_importing("a", "../cat/one.yaml"))
    write(root / "right" / "b.journey.yaml", journey_importing("b", "../cat/two.yaml"))
    assert validate([Path("repo/left"), Path("repo/right")]).problems == []


def journey_defining(journey_id: str, billing: str) -> str:
    return clean_journey(journey_id).replace("{name: Facturación}", f"{{name: {billing}}}")


def test_local_definitions_never_conflict_with_another_journeys(tmp_path: Path) -> None:
    root = repo(tmp_path)
    write(root / "a.journey.yaml", journey_defining("a", "Facturación"))
    write(root / "b.journey.yaml", journey_defining("b", "Cartera y cobro"))
    # A third journey takes `billing` from a catalog, differently again.
    write(root / "cat" / "company.yaml", "teams:\n  support: {name: S}\n  billing: {name: C}\n")
    write(root / "c.journey.yaml", journey_importing("c", "cat/company.yaml"))
    report = validate([Path("repo")])
    assert report.problems == []
    assert sorted(journey.id for journey in report.journeys) == ["a", "b", "c"]
