"""Which files a folder search finds: git's view inside a work tree, no hidden folders
outside one, and the `include`/`exclude` globs of cyclemap.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

from cyclemap.engine import audit
from cyclemap.engine.config import load_settings
from cyclemap.loading.discovery import Selection, discover
from tests.support.repo import clean_journey, commit_all, init_repo, isolate_git, write


@pytest.fixture(autouse=True)
def _git_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate_git(monkeypatch, tmp_path)


def found(root: Path, *paths: Path, selection: Selection | None = None) -> list[str]:
    candidates, failures = discover(list(paths or (root,)), selection)
    assert failures == []
    return [
        candidate.path.resolve().relative_to(root.resolve()).as_posix() for candidate in candidates
    ]


def audited(result_files: list[str], root: Path) -> list[str]:
    return sorted(
        Path(file).resolve().relative_to(root.resolve()).as_posix() for file in result_files
    )


def test_gitignored_files_are_skipped_and_untracked_ones_found(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    write(repo / ".gitignore", "build/\n*.generated.yaml\n")
    write(repo / "tracked.journey.yaml", clean_journey("tracked"))
    write(repo / "sub" / "deep" / "tracked.yml", clean_journey("tracked-yml"))
    commit_all(repo)
    write(repo / "untracked.journey.yaml", clean_journey("untracked"))
    write(repo / "sub" / "new.journey.yaml", clean_journey("new"))
    write(repo / "build" / "out.journey.yaml", clean_journey("built"))
    write(repo / "sub" / "x.generated.yaml", clean_journey("generated"))

    assert found(repo) == [
        "sub/deep/tracked.yml",
        "sub/new.journey.yaml",
        "tracked.journey.yaml",
        "untracked.journey.yaml",
    ]
    # The same from a sub-folder of the work tree, whose .gitignore rules still apply.
    assert found(repo, repo / "sub") == ["sub/deep/tracked.yml", "sub/new.journey.yaml"]


def test_git_info_exclude_is_honoured(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    write(repo / ".git" / "info" / "exclude", "private/\n")
    write(repo / "private" / "mine.journey.yaml", clean_journey("mine"))
    write(repo / "shared.journey.yaml", clean_journey("shared"))
    assert found(repo) == ["shared.journey.yaml"]


def test_outside_git_hidden_and_dependency_folders_are_skipped(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    write(root / "visible.journey.yaml", clean_journey("visible"))
    write(root / "team" / "nested.journey.yaml", clean_journey("nested"))
    write(root / ".hidden" / "secret.journey.yaml", clean_journey("secret"))
    write(root / "team" / ".cache" / "copy.journey.yaml", clean_journey("copy"))
    write(root / "node_modules" / "pkg" / "dep.journey.yaml", clean_journey("dep"))
    write(root / "notes.txt", "not yaml\n")
    assert not (root / ".git").exists()
    assert found(root) == ["team/nested.journey.yaml", "visible.journey.yaml"]


def test_explicitly_named_ignored_file_is_still_checked(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    write(repo / ".gitignore", "scratch/\n")
    ignored = write(repo / "scratch" / "try.journey.yaml", clean_journey("try"))
    write(repo / "kept.journey.yaml", clean_journey("kept"))

    assert found(repo) == ["kept.journey.yaml"]
    candidates, _ = discover([ignored])
    assert [(c.path, c.explicit) for c in candidates] == [(ignored, True)]
    result = audit([ignored])
    assert [report.journey for report in result.reports] == ["try"]
    assert result.exit_code == 0


CONFIG = """\
include = ["journeys/**/*.journey.yaml"]
exclude = ["**/drafts/**", "journeys/legacy-*.journey.yaml"]
"""


def make_selected_repo(root: Path) -> Path:
    write(root / "cyclemap.toml", CONFIG)
    write(root / "journeys" / "top.journey.yaml", clean_journey("top"))
    write(root / "journeys" / "team" / "deep" / "deep.journey.yaml", clean_journey("deep"))
    write(root / "journeys" / "drafts" / "draft.journey.yaml", clean_journey("draft"))
    write(root / "journeys" / "team" / "drafts" / "d2.journey.yaml", clean_journey("draft-two"))
    write(root / "journeys" / "legacy-old.journey.yaml", clean_journey("legacy"))
    write(root / "journeys" / "team" / "legacy-kept.journey.yaml", clean_journey("legacy-kept"))
    write(root / "journeys" / "notes.yaml", clean_journey("notes"))
    write(root / "other" / "elsewhere.journey.yaml", clean_journey("elsewhere"))
    return root


EXPECTED_SELECTED = [
    "journeys/team/deep/deep.journey.yaml",
    "journeys/team/legacy-kept.journey.yaml",
    "journeys/top.journey.yaml",
]


def test_include_and_exclude_globs_from_the_configuration(tmp_path: Path) -> None:
    root = make_selected_repo(tmp_path / "repo")
    selection = load_settings(None, start=root).selection
    assert selection.base == root.resolve()
    assert found(root, selection=selection) == EXPECTED_SELECTED
    # Without the configuration every YAML file is a candidate.
    assert len(found(root)) == 8


@pytest.mark.parametrize("in_git", [False, True], ids=["plain-folder", "git-work-tree"])
def test_globs_are_relative_to_the_configuration_folder_not_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_git: bool
) -> None:
    root = make_selected_repo(tmp_path / "repo")
    if in_git:
        init_repo(root)
        commit_all(root)
    # Audit only the `journeys` folder, from an unrelated working folder.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = audit([root / "journeys"])
    assert audited([report.file for report in result.reports], root) == EXPECTED_SELECTED
    # And from inside another folder of the repository, auditing the whole repository.
    monkeypatch.chdir(root / "other")
    result = audit([root])
    assert audited([report.file for report in result.reports], root) == EXPECTED_SELECTED


def test_explicitly_named_file_is_checked_even_when_excluded(tmp_path: Path) -> None:
    root = make_selected_repo(tmp_path / "repo")
    draft = root / "journeys" / "drafts" / "draft.journey.yaml"
    result = audit([draft])
    assert [report.journey for report in result.reports] == ["draft"]


def test_double_star_spans_any_number_of_folders() -> None:
    selection = Selection(include=("a/**/*.yaml",), exclude=("**/skip/**",), base=Path("/r"))
    assert selection.accepts(Path("/r/a/x.yaml"))
    assert selection.accepts(Path("/r/a/b/c/d/x.yaml"))
    assert not selection.accepts(Path("/r/b/x.yaml"))
    assert not selection.accepts(Path("/r/a/b/skip/x.yaml"))
    assert not selection.accepts(Path("/r/a/skip/x.yaml"))
    one_level = Selection(include=("a/*.yaml",), base=Path("/r"))
    assert one_level.accepts(Path("/r/a/x.yaml"))
    assert not one_level.accepts(Path("/r/a/b/x.yaml"))


def test_journeys_in_a_nested_git_repository_are_found(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    write(repo / "outer.journey.yaml", clean_journey("outer"))
    inner = init_repo(repo / "vendor" / "inner")
    write(inner / "inner.journey.yaml", clean_journey("inner"))
    assert found(repo) == ["outer.journey.yaml", "vendor/inner/inner.journey.yaml"]
