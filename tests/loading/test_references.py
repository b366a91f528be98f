"""The format's validity rules: one invalid fixture per rule, each with its exact problems.

The fixtures live in `tests/fixtures/validity/`, named for what they show; each changes
`clean.journey.yaml` in one place. `EXPECTED` is the whole table: a fixture without a row fails
`test_every_fixture_has_expectations`, so adding a fixture means writing down what it must say.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from cyclemap.engine.checking import Status, validate
from cyclemap.errors import LoadError
from cyclemap.loading import load_journey
from cyclemap.rules import rule_names
from tests.conftest import REPO

FIXTURES = REPO / "tests" / "fixtures" / "validity"

Expected = list[tuple[int, int, str]]

EXPECTED: dict[str, Expected] = {
    "clean.journey.yaml": [],
    # No unknown keys anywhere; no duplicate keys; `cyclemap: 1`; one document.
    "unknown-key.journey.yaml": [
        (11, 9, "`shar` is not a field of a transition; did you mean `share`?"),
    ],
    "duplicate-key.journey.yaml": [
        (10, 5, "duplicate key `abandon` (first written at line 9)"),
    ],
    "unsupported-version.journey.yaml": [
        (1, 11, "unsupported format version `2`; this cyclemap reads version 1"),
    ],
    "two-documents.journey.yaml": [
        (9, 1, "the file holds more than one YAML document"),
    ],
    # Unique ids within stages, channels, teams and steps.
    "duplicate-stage-id.journey.yaml": [
        (6, 10, "stage id `access` is used twice (first at line 4)"),
    ],
    "duplicate-step-id.journey.yaml": [
        (11, 9, "step id `call` is used twice (first at line 6)"),
    ],
    "duplicate-team-id.journey.yaml": [
        (6, 3, "duplicate key `n1` (first written at line 4)"),
    ],
    # Every reference resolves.
    "unknown-stage.journey.yaml": [
        (7, 12, "unknown stage `acess`; did you mean `access`?"),
    ],
    "unknown-channel.journey.yaml": [
        (10, 14, "unknown channel `phon`; did you mean `phone`?"),
    ],
    "unknown-team.journey.yaml": [
        (10, 11, "unknown team `biling`; did you mean `billing`?"),
    ],
    "unknown-next-step.journey.yaml": [
        (10, 13, "unknown step `diagnos`; did you mean `diagnose`?"),
    ],
    "absolute-import.journey.yaml": [
        (4, 5, "the import `/etc/passwd` is an absolute path; imports must be relative"),
    ],
    # At least one entry; ranges; durations; outcomes; targets listed once.
    "no-entry-step.journey.yaml": [
        (5, 1, "no step is an entry: the journey needs at least one first contact point"),
    ],
    "abandon-above-one.journey.yaml": [
        (9, 14, "`abandon` must be at most 1 (got `18`): it is a fraction, not a percentage"),
    ],
    "share-zero.journey.yaml": [
        (10, 28, "`share` must be greater than 0 (got `0`)"),
    ],
    "negative-volume.journey.yaml": [
        (8, 21, "`volume` must be at least 0 (got `-12000`)"),
    ],
    "score-out-of-range.journey.yaml": [
        (9, 12, "`score` must be at most 5 (got `6`)"),
    ],
    "duration-without-unit.journey.yaml": [
        (
            9,
            15,
            "`30` is not a duration: write a number with a unit, such as 30s, 4m, 2h, 3d or 1h 30m",
        ),
    ],
    "failure-outcome-with-next.journey.yaml": [
        (
            13,
            5,
            "step `refused` is a `failure` outcome, which ends the journey, but it has `next`",
        ),
    ],
    "abandoned-outcome-with-next.journey.yaml": [
        (
            13,
            5,
            "step `hung-up` is an `abandoned` outcome, which ends the journey, but it has `next`",
        ),
    ],
    "same-target-twice.journey.yaml": [
        (11, 14, "step `call` lists `fixed` twice in `next` (also next[0])"),
    ],
    # `allow` keys are known rule names (and say why).
    "unknown-allow-rule.journey.yaml": [
        (11, 7, "`drop-of-point` in `allow` is not a rule name; did you mean `drop-off-point`?"),
    ],
    "empty-allow-reason.journey.yaml": [
        (11, 23, "the reason must not be empty"),
    ],
    # Every error of a file at once, sorted by line; no cascades from a malformed step.
    "five-problems.journey.yaml": [
        (6, 3, "`ownr` is not a field of `journey`; did you mean `owner`?"),
        (11, 12, "unknown stage `acess`; did you mean `access`?"),
        (16, 14, "`abandon` must be at most 1 (got `1.5`)"),
        (17, 9, "step id `call` is used twice (first at line 10)"),
        (19, 17, "unknown step `fixd`; did you mean `fixed`?"),
    ],
    "malformed-step-no-cascade.journey.yaml": [
        (12, 12, "`score` must be at most 5 (got `9`)"),
    ],
}


def problems_of(path: Path) -> Expected:
    """Load a journey; its problems as (line, column, message), [] when it is valid."""
    try:
        load_journey(path, path.name, rule_names=rule_names())
    except LoadError as error:
        assert all(problem.file == path.name for problem in error.problems)
        return [(p.line, p.column, p.message) for p in error.problems]
    return []


def test_every_fixture_has_expectations() -> None:
    assert sorted(path.name for path in FIXTURES.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture(name: str) -> None:
    assert problems_of(FIXTURES / name) == EXPECTED[name]


def test_each_invalid_fixture_shows_one_problem_except_the_collective_one() -> None:
    counts = {name: len(expected) for name, expected in EXPECTED.items()}
    assert counts.pop("clean.journey.yaml") == 0
    assert counts.pop("five-problems.journey.yaml") == 5
    assert set(counts.values()) == {1}


def test_problems_carry_field_paths_and_hints() -> None:
    with pytest.raises(LoadError) as caught:
        load_journey(
            FIXTURES / "unknown-stage.journey.yaml",
            "unknown-stage.journey.yaml",
            rule_names=rule_names(),
        )
    [problem] = caught.value.problems
    assert problem.path == "steps[0].stage"
    assert problem.hint == "write `access`"


@pytest.mark.parametrize(
    ("name", "path", "hint"),
    [
        (
            "unknown-allow-rule.journey.yaml",
            "steps[0].allow.drop-of-point",
            "write `drop-off-point`",
        ),
        (
            "failure-outcome-with-next.journey.yaml",
            "steps[1].next",
            "remove `next`, or change `outcome` if customers go on from `refused`",
        ),
        (
            "same-target-twice.journey.yaml",
            "steps[0].next[1].to",
            "merge the two transitions into one and add up their shares",
        ),
        (
            "no-entry-step.journey.yaml",
            "steps",
            "mark the step where customers first reach the company with `entry: true` "
            "(or `entry: {volume: N}`)",
        ),
        ("duplicate-stage-id.journey.yaml", "stages[2].id", "give each one its own id"),
    ],
)
def test_validity_problems_say_what_would_fix_them(name: str, path: str, hint: str) -> None:
    with pytest.raises(LoadError) as caught:
        load_journey(FIXTURES / name, name, rule_names=rule_names())
    [problem] = caught.value.problems
    assert (problem.path, problem.hint) == (path, hint)


@pytest.mark.parametrize(
    "name", ["empty-allow-reason.journey.yaml", "duration-without-unit.journey.yaml"]
)
def test_custom_validator_problems_have_a_hint(name: str) -> None:
    with pytest.raises(LoadError) as caught:
        load_journey(FIXTURES / name, name, rule_names=rule_names())
    assert all(problem.hint for problem in caught.value.problems)


def test_unknown_team_without_a_close_match_says_where_to_define_it(tmp_path: Path) -> None:
    path = tmp_path / "j.journey.yaml"
    text = (FIXTURES / "unknown-team.journey.yaml").read_text().replace("biling", "legal")
    path.write_text(text)
    with pytest.raises(LoadError) as caught:
        load_journey(path, "j.journey.yaml", rule_names=rule_names())
    [problem] = caught.value.problems
    assert (problem.line, problem.column, problem.message) == (10, 11, "unknown team `legal`")
    assert problem.hint == "define it under `teams`, or import a catalog that does"


# --- limits of "every error at once": malformed items -----------------------------------------


def inline(tmp_path: Path, text: str) -> Expected:
    path = tmp_path / "j.journey.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return problems_of(path)


def test_malformed_stage_is_still_a_known_stage(tmp_path: Path) -> None:
    assert inline(
        tmp_path,
        """\
        cyclemap: 1
        journey: {id: support, name: Soporte}
        stages:
          - {id: access, nombre: Acceso}
        steps:
          - {id: call, stage: access, entry: true}
        """,
    ) == [
        (4, 5, "`name` is required on stage `access`"),
        (4, 18, "`nombre` is not a field of a stage; did you mean `name`?"),
    ]


def test_malformed_step_may_be_the_entry(tmp_path: Path) -> None:
    # The malformed step might be the entry; "no entry" would be a guess, so it is not said.
    assert inline(
        tmp_path,
        """\
        cyclemap: 1
        journey: {id: support, name: Soporte}
        stages:
          - {id: access, name: Acceso}
        steps:
          - {id: call, stage: access, entry: {volume: -1}}
          - {id: fixed, stage: access, outcome: success}
        """,
    ) == [(6, 47, "`volume` must be at least 0 (got `-1`)")]


def test_duplicate_id_of_a_malformed_step_is_reported(tmp_path: Path) -> None:
    assert inline(
        tmp_path,
        """\
        cyclemap: 1
        journey: {id: support, name: Soporte}
        stages:
          - {id: access, name: Acceso}
        steps:
          - id: call
            stage: access
            entry: true
          - id: call
            stage: access
            score: 9
        """,
    ) == [
        (9, 9, "step id `call` is used twice (first at line 6)"),
        (11, 12, "`score` must be at most 5 (got `9`)"),
    ]


def test_broken_reference_of_a_malformed_step_is_reported(tmp_path: Path) -> None:
    assert inline(
        tmp_path,
        """\
        cyclemap: 1
        journey: {id: support, name: Soporte}
        stages:
          - {id: access, name: Acceso}
        steps:
          - id: call
            stage: acess
            entry: true
            score: 9
        """,
    ) == [
        (7, 12, "unknown stage `acess`; did you mean `access`?"),
        (9, 12, "`score` must be at most 5 (got `9`)"),
    ]


# --- validate(): many files, each on its own ------------------------------------------------


def test_validate_the_fixture_folder_reports_each_file_on_its_own() -> None:
    report = validate([FIXTURES])
    statuses = {Path(result.file).name: result.status for result in report.files}
    assert statuses == {
        name: Status.VALID if not expected else Status.INVALID
        for name, expected in EXPECTED.items()
    }
    for result in report.files:
        shown = [(p.line, p.column, p.message) for p in result.problems]
        assert shown == EXPECTED[Path(result.file).name]
    assert report.exit_code == 1
    assert len(report.journeys) == 1


def test_validate_a_clean_file_exits_zero() -> None:
    report = validate([FIXTURES / "clean.journey.yaml"])
    assert [result.status for result in report.files] == [Status.VALID]
    assert report.problems == []
    assert report.exit_code == 0


def test_validate_a_missing_path_exits_two(tmp_path: Path) -> None:
    report = validate([FIXTURES / "clean.journey.yaml", tmp_path / "missing.journey.yaml"])
    assert [problem.message for problem in report.failures] == ["no such file or folder"]
    assert report.exit_code == 2


def test_validate_names_a_non_journey_given_explicitly(tmp_path: Path) -> None:
    path = tmp_path / "notes.yaml"
    path.write_text("title: not a journey\n")
    report = validate([path])
    [result] = report.files
    assert result.status is Status.INVALID
    assert [(p.line, p.column, p.message) for p in result.problems] == [
        (1, 1, "this file is not a cyclemap journey: it has no top-level `cyclemap:` key")
    ]


def test_validate_skips_other_yaml_in_a_folder(tmp_path: Path) -> None:
    (tmp_path / "ci.yaml").write_text("on: push\njobs: {}\n")
    (tmp_path / "broken.yaml").write_text("a: [unclosed\n")
    report = validate([tmp_path])
    assert {Path(r.file).name: r.status for r in report.files} == {
        "ci.yaml": Status.SKIPPED,
        "broken.yaml": Status.SKIPPED,
    }
    assert report.exit_code == 0
