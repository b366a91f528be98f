"""`imports`: catalogs of channels and teams, the repository root, and the ways imports go wrong.

Each test builds a small repository in `tmp_path` (a `.git` folder marks its root) and works
from inside it, so files are shown as `journeys/j.journey.yaml` and `catalog/company.yaml`.
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from cyclemap.errors import LoadError
from cyclemap.loading import LoadedJourney, load_catalog, load_journey, repository_root

COMPANY = """\
teams:
  n1: {name: Nivel 1}
channels:
  web: {name: Portal, kind: web}
"""


def journey(imports: str, extra: str = "") -> str:
    """A journey whose one step uses team `n1` and channel `web`, defined elsewhere."""
    return (
        "cyclemap: 1\n"
        "journey: {id: support, name: Soporte}\n"
        f"imports: {imports}\n"
        f"{extra}"
        "stages: [{id: access, name: Acceso}]\n"
        "steps:\n"
        "  - {id: call, stage: access, team: n1, channel: web, entry: true}\n"
    )


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    monkeypatch.chdir(root)
    return root


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def load(root: Path, files: dict[str, str], name: str = "journeys/j.journey.yaml") -> LoadedJourney:
    write(root, files)
    return load_journey(root / name)


def problems(
    root: Path, files: dict[str, str], name: str = "journeys/j.journey.yaml"
) -> list[tuple[str, int, int, str]]:
    """Write `files`, load the journey `name`; its problems as (file, line, column, message)."""
    with pytest.raises(LoadError) as caught:
        load(root, files, name)
    return [(p.file, p.line, p.column, p.message) for p in caught.value.problems]


# --- catalogs that work ---------------------------------------------------------------------


def test_catalog_resolves_references(repo: Path) -> None:
    loaded = load(
        repo,
        {
            "catalog/company.yaml": COMPANY,
            "journeys/j.journey.yaml": journey("[../catalog/company.yaml]"),
        },
    )
    assert loaded.catalogs == ("catalog/company.yaml",)
    assert loaded.teams["n1"].value.name == "Nivel 1"
    assert loaded.teams["n1"].where == "catalog/company.yaml:2:3"
    assert loaded.channels["web"].where == "catalog/company.yaml:4:3"
    # The journey's own document is left as written: the catalog's entries are not merged in.
    assert loaded.document.teams == {}


def test_catalog_with_version_key_and_only_teams(repo: Path) -> None:
    loaded = load(
        repo,
        {
            "catalog/teams.yaml": "cyclemap: 1\nteams: {n1: {}}\n",
            "journeys/j.journey.yaml": journey(
                "[../catalog/teams.yaml]", "channels: {web: {kind: web}}\n"
            ),
        },
    )
    assert set(loaded.teams) == {"n1"}
    assert loaded.channels["web"].where == "journeys/j.journey.yaml:4:12"


def test_same_catalog_through_two_paths_is_fine(repo: Path) -> None:
    loaded = load(
        repo,
        {
            "catalog/company.yaml": COMPANY,
            "catalog/sales.yaml": "imports: [company.yaml]\n",
            "catalog/support.yaml": "imports: [./company.yaml]\n",
            "journeys/j.journey.yaml": journey("[../catalog/sales.yaml, ../catalog/support.yaml]"),
        },
    )
    assert loaded.teams["n1"].where == "catalog/company.yaml:2:3"
    assert set(loaded.catalogs) == {"catalog/sales.yaml", "catalog/support.yaml"}


def test_identical_definitions_in_two_catalogs_are_fine(repo: Path) -> None:
    loaded = load(
        repo,
        {
            "catalog/company.yaml": COMPANY,
            "catalog/same.yaml": "teams:\n  n1: {name: Nivel 1}\n",
            "journeys/j.journey.yaml": journey("[../catalog/company.yaml, ../catalog/same.yaml]"),
        },
    )
    assert loaded.teams["n1"].where == "catalog/company.yaml:2:3"


def test_symlink_inside_the_root_to_inside_is_fine(repo: Path) -> None:
    write(repo, {"catalog/company.yaml": COMPANY})
    (repo / "catalog" / "alias.yaml").symlink_to("company.yaml")
    loaded = load(repo, {"journeys/j.journey.yaml": journey("[../catalog/alias.yaml]")})
    assert loaded.teams["n1"].where == "catalog/company.yaml:2:3"


# --- contradictions -------------------------------------------------------------------------


def test_team_in_journey_and_catalog_is_an_error_at_the_journey(repo: Path) -> None:
    assert problems(
        repo,
        {
            "catalog/company.yaml": COMPANY,
            "journeys/j.journey.yaml": journey(
                "[../catalog/company.yaml]", "teams:\n  n1: {name: Nivel 1}\n"
            ),
        },
    ) == [
        (
            "journeys/j.journey.yaml",
            5,
            3,
            "team `n1` is also defined in an imported catalog: catalog/company.yaml:2:3",
        )
    ]


def test_channel_in_journey_and_catalog_is_an_error_at_the_journey(repo: Path) -> None:
    assert problems(
        repo,
        {
            "catalog/company.yaml": COMPANY,
            "journeys/j.journey.yaml": journey(
                "[../catalog/company.yaml]", "channels:\n  web: {name: Portal, kind: web}\n"
            ),
        },
    ) == [
        (
            "journeys/j.journey.yaml",
            5,
            3,
            "channel `web` is also defined in an imported catalog: catalog/company.yaml:4:3",
        )
    ]


def test_two_catalogs_defining_a_team_differently(repo: Path) -> None:
    assert problems(
        repo,
        {
            "catalog/company.yaml": COMPANY,
            "catalog/other.yaml": "teams:\n  legal: {}\n  n1: {name: Soporte nivel 1}\n",
            "journeys/j.journey.yaml": journey("[../catalog/company.yaml, ../catalog/other.yaml]"),
        },
    ) == [
        (
            "catalog/other.yaml",
            3,
            3,
            "team `n1` is defined differently here and at catalog/company.yaml:2:3",
        )
    ]


# --- paths that are refused -----------------------------------------------------------------


def test_absolute_import_refused(repo: Path) -> None:
    assert problems(repo, {"journeys/j.journey.yaml": journey("[/etc/passwd]")}) == [
        (
            "journeys/j.journey.yaml",
            3,
            11,
            "the import `/etc/passwd` is an absolute path; imports must be relative",
        )
    ]


def test_absolute_path_to_a_catalog_inside_the_root_is_still_refused(repo: Path) -> None:
    write(repo, {"catalog/company.yaml": COMPANY})
    inside = (repo / "catalog" / "company.yaml").as_posix()
    assert problems(repo, {"journeys/j.journey.yaml": journey(f"['{inside}']")}) == [
        (
            "journeys/j.journey.yaml",
            3,
            11,
            f"the import `{inside}` is an absolute path; imports must be relative",
        )
    ]


def test_dotdot_escaping_the_root_refused(repo: Path) -> None:
    (repo.parent / "outside.yaml").write_text(COMPANY)
    assert problems(repo, {"journeys/j.journey.yaml": journey("[../../outside.yaml]")}) == [
        (
            "journeys/j.journey.yaml",
            3,
            11,
            f"the import `../../outside.yaml` points outside the repository root `{repo}`",
        )
    ]


def test_dotdot_that_stays_inside_the_root_is_fine(repo: Path) -> None:
    loaded = load(
        repo,
        {
            "catalog/company.yaml": COMPANY,
            "journeys/deep/j.journey.yaml": journey("[../../journeys/../catalog/company.yaml]"),
        },
        "journeys/deep/j.journey.yaml",
    )
    assert loaded.catalogs == ("catalog/company.yaml",)


def test_symlink_pointing_outside_the_root_refused(repo: Path) -> None:
    (repo.parent / "secret.yaml").write_text(COMPANY)
    (repo / "catalog").mkdir()
    (repo / "catalog" / "link.yaml").symlink_to(repo.parent / "secret.yaml")
    assert problems(repo, {"journeys/j.journey.yaml": journey("[../catalog/link.yaml]")}) == [
        (
            "journeys/j.journey.yaml",
            3,
            11,
            f"the import `../catalog/link.yaml` points outside the repository root `{repo}`",
        )
    ]


def test_empty_import_path_refused(repo: Path) -> None:
    assert problems(repo, {"journeys/j.journey.yaml": journey("['']")}) == [
        ("journeys/j.journey.yaml", 3, 11, "an import path is empty")
    ]


# --- cycles ---------------------------------------------------------------------------------


def test_cycle_between_catalogs_shows_the_chain(repo: Path) -> None:
    assert problems(
        repo,
        {
            "catalog/a.yaml": "imports: [b.yaml]\n" + COMPANY,
            "catalog/b.yaml": "teams: {legal: {}}\nimports:\n  - c.yaml\n",
            "catalog/c.yaml": "imports: [a.yaml]\n",
            "journeys/j.journey.yaml": journey("[../catalog/a.yaml]"),
        },
    ) == [
        (
            "catalog/c.yaml",
            1,
            11,
            "import cycle: journeys/j.journey.yaml -> catalog/a.yaml -> catalog/b.yaml "
            "-> catalog/c.yaml -> catalog/a.yaml",
        )
    ]


def test_catalog_importing_itself(repo: Path) -> None:
    assert problems(
        repo,
        {
            "catalog/a.yaml": "imports: [a.yaml]\n" + COMPANY,
            "journeys/j.journey.yaml": journey("[../catalog/a.yaml]"),
        },
    ) == [
        (
            "catalog/a.yaml",
            1,
            11,
            "import cycle: journeys/j.journey.yaml -> catalog/a.yaml -> catalog/a.yaml",
        )
    ]


# --- missing files and wrong kinds of file --------------------------------------------------


def test_missing_import_suggests_the_nearest_file_name(repo: Path) -> None:
    write(repo, {"catalog/company.yaml": COMPANY})
    with pytest.raises(LoadError) as caught:
        load(repo, {"journeys/j.journey.yaml": journey("[../catalog/compnay.yaml]")})
    [problem] = caught.value.problems
    assert (problem.file, problem.line, problem.column, problem.path) == (
        "journeys/j.journey.yaml",
        3,
        11,
        "imports[0]",
    )
    assert problem.message == "the import `../catalog/compnay.yaml` does not exist"
    assert problem.hint == "did you mean `company.yaml`?"


def test_missing_import_in_a_missing_folder(repo: Path) -> None:
    with pytest.raises(LoadError) as caught:
        load(repo, {"journeys/j.journey.yaml": journey("[../nowhere/company.yaml]")})
    [problem] = caught.value.problems
    assert problem.message == "the import `../nowhere/company.yaml` does not exist"
    assert problem.hint == "check the path, relative to this file"


def test_missing_import_does_not_suggest_an_unrelated_file(repo: Path) -> None:
    write(repo, {"catalog/other.yaml": COMPANY})
    with pytest.raises(LoadError) as caught:
        load(repo, {"journeys/j.journey.yaml": journey("[../catalog/nope.yaml]")})
    [problem] = caught.value.problems
    assert problem.hint == "check the path, relative to this file"


def test_importing_a_folder_says_it_is_a_folder(repo: Path) -> None:
    (repo / "catalog").mkdir()
    with pytest.raises(LoadError) as caught:
        load(repo, {"journeys/j.journey.yaml": journey("[../catalog]")})
    [problem] = caught.value.problems
    assert "does not exist" not in problem.message
    assert "folder" in problem.message


def test_importing_a_journey_refused(repo: Path) -> None:
    write(repo, {"journeys/other.journey.yaml": journey("[]")})
    assert problems(repo, {"journeys/j.journey.yaml": journey("[other.journey.yaml]")}) == [
        (
            "journeys/j.journey.yaml",
            3,
            11,
            "the import `journeys/other.journey.yaml` is a journey, not a catalog",
        )
    ]


def test_journey_importing_itself(repo: Path) -> None:
    assert problems(repo, {"journeys/j.journey.yaml": journey("[j.journey.yaml]")}) == [
        (
            "journeys/j.journey.yaml",
            3,
            11,
            "import cycle: journeys/j.journey.yaml -> journeys/j.journey.yaml",
        )
    ]


def test_importing_a_list_refused(repo: Path) -> None:
    assert problems(
        repo,
        {
            "catalog/list.yaml": "- n1\n- n2\n",
            "journeys/j.journey.yaml": journey("[../catalog/list.yaml]"),
        },
    ) == [
        (
            "journeys/j.journey.yaml",
            3,
            11,
            "the import `catalog/list.yaml` is not a catalog (it must be a mapping with "
            "`channels:` and/or `teams:`)",
        )
    ]


# --- errors inside catalogs -----------------------------------------------------------------


def test_error_inside_a_catalog_names_the_catalog_and_its_line(repo: Path) -> None:
    assert problems(
        repo,
        {
            "catalog/company.yaml": "teams:\n  n1: {name: Nivel 1}\nchanels:\n  web: {}\n",
            "journeys/j.journey.yaml": journey("[../catalog/company.yaml]"),
        },
    ) == [
        (
            "catalog/company.yaml",
            3,
            1,
            "`chanels` is not a field of a catalog; did you mean `channels`?",
        )
    ]


def test_bad_value_inside_a_catalog(repo: Path) -> None:
    assert problems(
        repo,
        {
            "catalog/company.yaml": (
                "channels:\n  web: {name: Portal, kind: wbe}\nteams: {n1: {}}\n"
            ),
            "journeys/j.journey.yaml": journey("[../catalog/company.yaml]"),
        },
    ) == [
        (
            "catalog/company.yaml",
            2,
            29,
            "`kind` must be one of voice, chat, messaging, email, web, app, social, in-person, "
            "mail, other (got `wbe`); did you mean `web`?",
        )
    ]


def test_syntax_error_inside_a_catalog(repo: Path) -> None:
    assert problems(
        repo,
        {
            "catalog/company.yaml": "teams:\n  n1: {name: Nivel 1\nchannels: {}\n",
            "journeys/j.journey.yaml": journey("[../catalog/company.yaml]"),
        },
    ) == [
        (
            "catalog/company.yaml",
            3,
            9,
            "YAML syntax error: did not find expected ',' or '}' (while parsing a flow mapping)",
        )
    ]


def test_latin1_catalog_is_refused_with_its_name(repo: Path) -> None:
    (repo / "catalog").mkdir()
    (repo / "catalog" / "company.yaml").write_bytes(
        "teams:\n  n1: {name: Facturación}\n".encode("latin-1")
    )
    assert problems(repo, {"journeys/j.journey.yaml": journey("[../catalog/company.yaml]")}) == [
        ("catalog/company.yaml", 2, 23, "the file is not valid UTF-8 (byte 0xF3)")
    ]


def test_broken_catalog_imported_twice_is_reported_once(repo: Path) -> None:
    assert problems(
        repo,
        {
            "catalog/company.yaml": "teams:\n  n1: {name: Nivel 1\n",
            "catalog/sales.yaml": "imports: [company.yaml]\n",
            "catalog/support.yaml": "imports: [company.yaml]\n",
            "journeys/j.journey.yaml": journey("[../catalog/sales.yaml, ../catalog/support.yaml]"),
        },
    ) == [
        (
            "catalog/company.yaml",
            3,
            1,
            "YAML syntax error: did not find expected ',' or '}' (while parsing a flow mapping)",
        )
    ]


def test_broken_catalog_does_not_cascade_into_unknown_teams(repo: Path) -> None:
    # The catalog could not be read, so `n1` and `web` may well be defined in it.
    assert problems(
        repo,
        {
            "catalog/company.yaml": "teams:\n  n1: {nam: Nivel 1}\nchannels: {web: {}}\n",
            "journeys/j.journey.yaml": journey("[../catalog/company.yaml]"),
        },
    ) == [
        (
            "catalog/company.yaml",
            2,
            8,
            "`nam` is not a field of a team; did you mean `name`?",
        )
    ]


def test_unknown_team_when_catalogs_are_fine(repo: Path) -> None:
    assert problems(
        repo,
        {
            "catalog/company.yaml": "teams:\n  n2: {}\nchannels: {web: {}}\n",
            "journeys/j.journey.yaml": journey("[../catalog/company.yaml]"),
        },
    ) == [("journeys/j.journey.yaml", 6, 37, "unknown team `n1`")]


def test_load_catalog_on_its_own(repo: Path) -> None:
    write(repo, {"catalog/company.yaml": "cyclemap: 1\nteams:\n  n1: {nombre: x}\n"})
    assert [
        (p.file, p.line, p.column, p.message)
        for p in load_catalog(repo / "catalog" / "company.yaml")
    ] == [("catalog/company.yaml", 3, 8, "`nombre` is not a field of a team; did you mean `name`?")]


# --- the repository root --------------------------------------------------------------------


def test_root_is_the_nearest_folder_with_git(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "a" / "b").mkdir(parents=True)
    assert repository_root(tmp_path / "a" / "b" / "j.journey.yaml") == tmp_path.resolve()


def test_root_may_be_marked_by_a_git_file(tmp_path: Path) -> None:
    (tmp_path / ".git").write_text("gitdir: ../.git/worktrees/x\n")  # worktrees, submodules
    (tmp_path / "a").mkdir()
    assert repository_root(tmp_path / "a" / "j.journey.yaml") == tmp_path.resolve()


def test_root_is_the_nearest_folder_with_cyclemap_toml(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "project" / "journeys").mkdir(parents=True)
    (tmp_path / "project" / "cyclemap.toml").write_text("")
    path = tmp_path / "project" / "journeys" / "j.journey.yaml"
    assert repository_root(path) == (tmp_path / "project").resolve()


def test_root_without_markers_is_the_files_own_folder(tmp_path: Path) -> None:
    folder = tmp_path / "loose"
    folder.mkdir()
    if any((p / m).exists() for p in tmp_path.resolve().parents for m in (".git", "cyclemap.toml")):
        pytest.skip("the temporary folder lies inside a repository")
    assert repository_root(folder / "j.journey.yaml") == folder.resolve()


def test_without_markers_a_sibling_folder_is_outside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if any((p / m).exists() for p in tmp_path.resolve().parents for m in (".git", "cyclemap.toml")):
        pytest.skip("the temporary folder lies inside a repository")
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {"catalog/company.yaml": COMPANY})
    folder = (tmp_path / "journeys").resolve()
    assert problems(
        tmp_path, {"journeys/j.journey.yaml": journey("[../catalog/company.yaml]")}
    ) == [
        (
            "journeys/j.journey.yaml",
            3,
            11,
            f"the import `../catalog/company.yaml` points outside the repository root `{folder}`",
        )
    ]


def test_marker_makes_the_sibling_folder_importable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cyclemap.toml").write_text("")
    loaded = load(
        tmp_path,
        {
            "catalog/company.yaml": COMPANY,
            "journeys/j.journey.yaml": journey("[../catalog/company.yaml]"),
        },
    )
    assert loaded.catalogs == ("catalog/company.yaml",)


def test_root_is_found_through_a_symlinked_folder(tmp_path: Path) -> None:
    (tmp_path / "real" / ".git").mkdir(parents=True)
    (tmp_path / "real" / "journeys").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    path = tmp_path / "link" / "journeys" / "j.journey.yaml"
    assert repository_root(path) == (tmp_path / "real").resolve()


def test_imports_are_relative_to_the_importing_file_not_the_working_folder(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(
        repo,
        {
            "catalog/company.yaml": COMPANY,
            "journeys/j.journey.yaml": journey("[../catalog/company.yaml]"),
        },
    )
    monkeypatch.chdir(repo / "catalog")
    loaded = load_journey(repo / "journeys" / "j.journey.yaml")
    assert loaded.catalogs == ("company.yaml",)
    assert os.path.samefile(loaded.path, repo / "journeys" / "j.journey.yaml")
