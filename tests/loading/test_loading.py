"""`load_journey` end to end: journeys written into a temporary folder, loaded and checked.

Unknown keys, missing fields, ranges and literals, each with the exact message and place.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from cyclemap.errors import LoadError
from cyclemap.format.model import Entry, JourneyFile, MomentOfTruth, Step
from cyclemap.loading import LoadedJourney, NotAJourney, load_journey

MINIMAL = """\
cyclemap: 1
journey:
  id: support
  name: Soporte
stages:
  - {id: access, name: Acceso}
steps:
  - id: call
    stage: access
    entry: true
"""


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "cyclemap.toml").write_text("")
    path = tmp_path / "j.journey.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def load(tmp_path: Path, text: str) -> LoadedJourney:
    return load_journey(write(tmp_path, text), "j.journey.yaml")


def problems(tmp_path: Path, text: str) -> list[tuple[int, int, str]]:
    """Write + load `text`; its problems as (line, column, message)."""
    with pytest.raises(LoadError) as caught:
        load(tmp_path, text)
    assert all(problem.file == "j.journey.yaml" for problem in caught.value.problems)
    return [(p.line, p.column, p.message) for p in caught.value.problems]


def with_step_fields(fields: str) -> str:
    """MINIMAL with `fields` (dedented YAML) added to its one step."""
    return MINIMAL + textwrap.indent(textwrap.dedent(fields), " " * 4)


# --- a valid journey -----------------------------------------------------------------------


def test_minimal_journey_loads(tmp_path: Path) -> None:
    journey = load(tmp_path, MINIMAL)
    assert isinstance(journey.document, JourneyFile)
    assert journey.id == "support"
    assert journey.display == "j.journey.yaml"
    assert journey.document.journey.name == "Soporte"
    [step] = journey.document.steps
    assert step == Step(id="call", stage="access", entry=Entry())
    assert step.label == "call"
    assert (journey.channels, journey.teams, journey.catalogs) == ({}, {}, ())


def test_positions_of_loaded_values(tmp_path: Path) -> None:
    journey = load(tmp_path, MINIMAL)
    assert journey.position("steps", 0) == (8, 5)
    assert journey.position("steps", 0, "stage") == (9, 12)
    assert journey.position("stages", 0, "name") == (6, 24)
    assert journey.position("journey", "id") == (3, 7)
    # A field that is not written points at the nearest enclosing node.
    assert journey.position("steps", 0, "duration") == (8, 5)


def test_full_step_loads_with_every_field(tmp_path: Path) -> None:
    journey = load(
        tmp_path,
        """\
        cyclemap: 1
        journey: {id: support, name: Soporte, description: d, owner: cx-ops, persona: hogar}
        channels:
          phone: {name: Línea, kind: voice, description: d}
        teams:
          n1: {name: Nivel 1}
          billing:
        stages:
          - {id: access, name: Acceso, description: d}
        steps:
          - id: call
            name: Llama
            description: d
            stage: access
            channel: phone
            team: n1
            entry: {volume: 12000}
            abandon: 0.18
            duration: 4m
            score: 2
            moment_of_truth:
              requirement: Contestan rápido
              owner: lead
              measure: {metric: csat, target: 4.5, survey: post-call}
            next:
              - {to: bill, share: 0.3, context: lost, reason: Cobro duplicado}
            allow:
              drop-off-point: Campaña temporal
          - id: bill
            stage: access
            team: billing
            outcome: success
        """,
    )
    step = journey.document.steps[0]
    assert step.entry == Entry(volume=12000)
    assert (step.abandon, step.duration, step.score) == (0.18, 240.0, 2)
    assert step.moment_of_truth is not None
    assert step.moment_of_truth.measure is not None
    assert step.moment_of_truth.measure.target == 4.5
    assert step.next[0].context == "lost"
    assert step.allow == {"drop-off-point": "Campaña temporal"}
    assert journey.document.teams["billing"].name is None
    assert journey.teams["n1"].where == "j.journey.yaml:6:3"
    assert journey.channels["phone"].value.kind == "voice"


def test_yaml_1_1_words_stay_text_as_ids_and_names(tmp_path: Path) -> None:
    journey = load(
        tmp_path,
        """\
        cyclemap: 1
        journey: {id: no, name: on}
        channels:
          on: {name: yes}
        teams:
          010: {name: 3.10}
          off: {}
        stages:
          - {id: no, name: 2024-01-01}
          - {id: 010, name: 1:30}
        steps:
          - id: on
            stage: no
            channel: on
            team: 010
            entry: true
            next: [{to: 1.30}]
          - id: 1.30
            name: 1:30
            stage: 010
            team: off
            outcome: success
        """,
    )
    document = journey.document
    assert (document.journey.id, document.journey.name) == ("no", "on")
    assert document.channels["on"].name == "yes"
    assert set(document.teams) == {"010", "off"}
    assert document.teams["010"].name == "3.10"
    assert [(s.id, s.name) for s in document.stages] == [("no", "2024-01-01"), ("010", "1:30")]
    first, second = document.steps
    assert (first.id, first.stage, first.channel, first.team) == ("on", "no", "on", "010")
    assert first.next[0].to == "1.30"
    assert (second.id, second.name, second.stage, second.team) == ("1.30", "1:30", "010", "off")


# --- unknown keys, with did-you-mean and the key's own position ------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            MINIMAL + "stepz: []\n",
            (11, 1, "`stepz` is not a field of the top level of a journey; did you mean `steps`?"),
            id="top-level",
        ),
        pytest.param(
            MINIMAL.replace("  name: Soporte\n", "  name: Soporte\n  nmae: x\n"),
            (5, 3, "`nmae` is not a field of `journey`; did you mean `name`?"),
            id="journey",
        ),
        pytest.param(
            MINIMAL.replace("{id: access, name: Acceso}", "{id: access, name: Acceso, nam: x}"),
            (6, 32, "`nam` is not a field of a stage; did you mean `name`?"),
            id="stage",
        ),
        pytest.param(
            with_step_fields("stgae: access\n"),
            (11, 5, "`stgae` is not a field of a step; did you mean `stage`?"),
            id="step",
        ),
        pytest.param(
            with_step_fields("next:\n  - to: call\n    shar: 0.7\n"),
            (13, 9, "`shar` is not a field of a transition; did you mean `share`?"),
            id="transition",
        ),
        pytest.param(
            with_step_fields("moment_of_truth:\n  requirment: x\n"),
            (
                12,
                7,
                "`requirment` is not a field of a moment of truth; did you mean `requirement`?",
            ),
            id="moment-of-truth",
        ),
        pytest.param(
            with_step_fields("moment_of_truth:\n  measure: {metric: csat, targt: 4}\n"),
            (12, 31, "`targt` is not a field of a measure; did you mean `target`?"),
            id="measure",
        ),
        pytest.param(
            MINIMAL.replace("entry: true", "entry: {volumen: 10}"),
            (10, 13, "`volumen` is not a field of an entry; did you mean `volume`?"),
            id="entry",
        ),
        pytest.param(
            MINIMAL + "channels:\n  phone: {name: Línea, knd: voice}\n",
            (12, 24, "`knd` is not a field of a channel; did you mean `kind`?"),
            id="channel",
        ),
        pytest.param(
            MINIMAL + "teams:\n  n1:\n    nombre: Nivel 1\n",
            (13, 5, "`nombre` is not a field of a team; did you mean `name`?"),
            id="team",
        ),
    ],
)
def test_unknown_key_with_did_you_mean(
    tmp_path: Path, text: str, expected: tuple[int, int, str]
) -> None:
    assert problems(tmp_path, text) == [expected]


def test_unknown_key_without_a_close_match_lists_the_known_fields(tmp_path: Path) -> None:
    with pytest.raises(LoadError) as caught:
        load(tmp_path, with_step_fields("colour: red\n"))
    [problem] = caught.value.problems
    assert (problem.line, problem.column, problem.path) == (11, 5, "steps[0].colour")
    assert problem.message == "`colour` is not a field of a step"
    assert problem.hint == (
        "known fields: abandon, allow, backstage, channel, description, duration, entry, id, "
        "moment_of_truth, name, next, opportunities, outcome, pain_points, score, stage, team"
    )


def test_unknown_key_problem_has_path_and_hint(tmp_path: Path) -> None:
    with pytest.raises(LoadError) as caught:
        load(tmp_path, with_step_fields("next: [{to: call, shar: 1}]\n"))
    [problem] = caught.value.problems
    assert problem.path == "steps[0].next[0].shar"
    assert problem.hint == "rename it to `share`"
    assert str(caught.value) == (
        "j.journey.yaml:11:23: `shar` is not a field of a transition; did you mean `share`?"
    )


# --- missing required fields point at the parent mapping -------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            MINIMAL.replace("  id: support\n", ""),
            (3, 3, "`id` is required on `journey`"),
            id="journey.id",
        ),
        pytest.param(
            MINIMAL.replace("  name: Soporte\n", ""),
            (3, 3, "`name` is required on `journey`"),
            id="journey.name",
        ),
        pytest.param(
            MINIMAL.replace("{id: access, name: Acceso}", "{id: access}"),
            (6, 5, "`name` is required on stage `access`"),
            id="stage.name",
        ),
        pytest.param(
            MINIMAL.replace("  - id: call\n    stage", "  - stage"),
            (8, 5, "`id` is required on a step"),
            id="step.id",
        ),
        pytest.param(
            MINIMAL.replace("    stage: access\n", ""),
            (8, 5, "`stage` is required on step `call`"),
            id="step.stage",
        ),
        pytest.param(
            MINIMAL.replace("journey:\n  id: support\n  name: Soporte\n", ""),
            (1, 1, "`journey` is required on the top level of a journey"),
            id="journey",
        ),
        pytest.param(
            MINIMAL.replace("steps:\n  - id: call\n    stage: access\n    entry: true\n", ""),
            (1, 1, "`steps` is required on the top level of a journey"),
            id="steps",
        ),
    ],
)
def test_missing_required_field(tmp_path: Path, text: str, expected: tuple[int, int, str]) -> None:
    assert problems(tmp_path, text) == [expected]


def test_empty_stages(tmp_path: Path) -> None:
    assert problems(tmp_path, MINIMAL.replace("  - {id: access, name: Acceso}\n", "  []\n")) == [
        (6, 3, "`stages` must have at least 1 item"),
        (9, 12, "unknown stage `access`"),
    ]


def test_missing_step_id_has_the_path_of_the_missing_field(tmp_path: Path) -> None:
    with pytest.raises(LoadError) as caught:
        load(tmp_path, MINIMAL.replace("  - id: call\n    stage", "  - stage"))
    [problem] = caught.value.problems
    assert (problem.path, problem.hint) == ("steps[0].id", "add `id:` to it")


# --- ranges ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ("abandon: -0.1", (11, 14, "`abandon` must be at least 0 (got `-0.1`)")),
        ("abandon: 1.01", (11, 14, "`abandon` must be at most 1 (got `1.01`)")),
        ("abandon: .nan", (11, 14, "`abandon` must be a finite number, not NaN or infinity")),
        ("abandon: '0.5'", (11, 14, "`abandon` must be a number, not text (got `0.5` in quotes)")),
        ("score: 0", (11, 12, "`score` must be at least 1 (got `0`)")),
        ("score: 6", (11, 12, "`score` must be at most 5 (got `6`)")),
        ("score: 3.5", (11, 12, "`score` must be a whole number (got `3.5`)")),
        ("score: true", (11, 12, "`score` must be a whole number (got `true`)")),
        ("next: [{to: call, share: 0}]", (11, 30, "`share` must be greater than 0 (got `0`)")),
        ("next: [{to: call, share: -2}]", (11, 30, "`share` must be greater than 0 (got `-2`)")),
        (
            "next: [{to: call, share: .nan}]",
            (11, 30, "`share` must be a finite number, not NaN or infinity"),
        ),
        (
            "next: [{to: call, share: .inf}]",
            (11, 30, "`share` must be a finite number, not NaN or infinity"),
        ),
        (
            "next: [{to: call, share: 1e400}]",
            (11, 30, "`share` must be a finite number, not NaN or infinity"),
        ),
    ],
)
def test_out_of_range_values(tmp_path: Path, fields: str, expected: tuple[int, int, str]) -> None:
    assert problems(tmp_path, with_step_fields(fields + "\n")) == [expected]


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("{volume: -1}", (10, 21, "`volume` must be at least 0 (got `-1`)")),
        ("{volume: .inf}", (10, 21, "`volume` must be a finite number, not NaN or infinity")),
        ("5", (10, 12, "`entry` must be a mapping of fields (got `5`)")),
        ("yes", (10, 12, "`entry` must be a mapping of fields (got `yes`)")),
    ],
)
def test_bad_entries(tmp_path: Path, entry: str, expected: tuple[int, int, str]) -> None:
    assert problems(tmp_path, MINIMAL.replace("entry: true", f"entry: {entry}")) == [expected]


@pytest.mark.parametrize("fields", ["abandon: 0", "abandon: 1", "score: 1", "score: 5"])
def test_boundaries_are_valid(tmp_path: Path, fields: str) -> None:
    load(tmp_path, with_step_fields(fields + "\n"))


def test_volume_zero_and_tiny_share_are_valid(tmp_path: Path) -> None:
    journey = load(
        tmp_path,
        MINIMAL.replace("entry: true", "entry: {volume: 0}\n    next: [{to: call, share: 1e-9}]"),
    )
    step = journey.document.steps[0]
    assert step.entry == Entry(volume=0)
    assert step.next[0].share == 1e-9


def test_huge_int_is_too_large_not_a_crash(tmp_path: Path) -> None:
    assert problems(tmp_path, with_step_fields("score: " + "9" * 5000 + "\n")) == [
        (11, 12, "the number `99999999999999999999...` is too large")
    ]


# --- durations ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "seconds"),
    [
        ("30s", 30),
        ("4m", 240),
        ("2h", 7200),
        ("3d", 259200),
        ("1h 30m", 5400),
        ("1h30m", 5400),
        ("1.5h", 5400),
        ("1d 2h 3m 4s", 93784),
    ],
)
def test_durations_parse_to_seconds(tmp_path: Path, written: str, seconds: float) -> None:
    journey = load(tmp_path, with_step_fields(f"duration: {written}\n"))
    assert journey.document.steps[0].duration == seconds


@pytest.mark.parametrize("written", ["30", "4 minutes", "abc", "4M", "-4m", "4m x", "m"])
def test_unparsable_durations(tmp_path: Path, written: str) -> None:
    assert problems(tmp_path, with_step_fields(f"duration: {written}\n")) == [
        (
            11,
            15,
            f"`{written}` is not a duration: write a number with a unit, such as 30s, 4m, 2h, "
            "3d or 1h 30m",
        )
    ]


def test_empty_duration(tmp_path: Path) -> None:
    assert problems(tmp_path, with_step_fields("duration: ''\n")) == [
        (11, 15, "the duration is empty: write e.g. 4m")
    ]


def test_boolean_duration_is_not_a_duration(tmp_path: Path) -> None:
    assert problems(tmp_path, with_step_fields("duration: true\n")) == [
        (
            11,
            15,
            "`true` is not a duration: write a number with a unit, such as 30s, 4m, 2h, 3d "
            "or 1h 30m",
        )
    ]


# --- literals -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            "outcome: sucess",
            (
                11,
                14,
                "`outcome` must be one of success, failure, abandoned (got `sucess`); "
                "did you mean `success`?",
            ),
        ),
        (
            "outcome: failed",
            (
                11,
                14,
                "`outcome` must be one of success, failure, abandoned (got `failed`); "
                "did you mean `failure`?",
            ),
        ),
        (
            "outcome: ok",
            (11, 14, "`outcome` must be one of success, failure, abandoned (got `ok`)"),
        ),
        (
            "next: [{to: call, context: lsot}]",
            (11, 32, "`context` must be one of kept, lost (got `lsot`); did you mean `lost`?"),
        ),
        (
            "next: [{to: call, context: keep}]",
            (11, 32, "`context` must be one of kept, lost (got `keep`); did you mean `kept`?"),
        ),
    ],
)
def test_literal_errors_with_did_you_mean(
    tmp_path: Path, fields: str, expected: tuple[int, int, str]
) -> None:
    assert problems(tmp_path, with_step_fields(fields + "\n")) == [expected]


def test_literal_hint_names_the_fix(tmp_path: Path) -> None:
    with pytest.raises(LoadError) as caught:
        load(tmp_path, with_step_fields("outcome: sucess\n"))
    assert caught.value.problems[0].hint == "write `outcome: success`"


def test_channel_kind_literal(tmp_path: Path) -> None:
    assert problems(tmp_path, MINIMAL + "channels:\n  web: {kind: wbe}\n") == [
        (
            12,
            15,
            "`kind` must be one of voice, chat, messaging, email, web, app, social, in-person, "
            "mail, other (got `wbe`); did you mean `web`?",
        )
    ]


# --- entry and moment_of_truth shorthands ----------------------------------------------------


def test_entry_true_is_an_entry_without_volume(tmp_path: Path) -> None:
    assert load(tmp_path, MINIMAL).document.steps[0].entry == Entry(volume=None)


def test_entry_with_volume(tmp_path: Path) -> None:
    journey = load(tmp_path, MINIMAL.replace("entry: true", "entry: {volume: 10}"))
    assert journey.document.steps[0].entry == Entry(volume=10)


def test_entry_false_is_not_an_entry(tmp_path: Path) -> None:
    assert problems(tmp_path, MINIMAL.replace("entry: true", "entry: false")) == [
        (7, 1, "no step is an entry: the journey needs at least one first contact point")
    ]


def test_moment_of_truth_true(tmp_path: Path) -> None:
    journey = load(tmp_path, with_step_fields("moment_of_truth: true\n"))
    assert journey.document.steps[0].moment_of_truth == MomentOfTruth()


# --- version and kind of file -------------------------------------------------------------


def test_unsupported_version(tmp_path: Path) -> None:
    assert problems(tmp_path, MINIMAL.replace("cyclemap: 1", "cyclemap: 2")) == [
        (1, 11, "unsupported format version `2`; this cyclemap reads version 1")
    ]


def test_quoted_version_message_is_not_self_contradictory(tmp_path: Path) -> None:
    [(line, column, message)] = problems(tmp_path, MINIMAL.replace("cyclemap: 1", "cyclemap: '1'"))
    assert (line, column) == (1, 11)
    assert "reads version 1" not in message


def test_boolean_version_refused(tmp_path: Path) -> None:
    assert [
        (line, column)
        for line, column, _ in problems(tmp_path, MINIMAL.replace("cyclemap: 1", "cyclemap: true"))
    ] == [(1, 11)]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("journey: {id: x, name: X}\nstages: []\nsteps: []\n", "other"),
        ("- cyclemap: 1\n", "other"),
        ("", "other"),
        ("cyclemap: 1\nteams: {n1: {}}\n", "catalog"),
    ],
)
def test_file_without_cyclemap_key_is_not_a_journey(tmp_path: Path, text: str, kind: str) -> None:
    with pytest.raises(NotAJourney) as caught:
        load(tmp_path, text)
    assert str(caught.value) == kind


def test_loading_collects_problems_sorted_by_line(tmp_path: Path) -> None:
    text = MINIMAL.replace("cyclemap: 1", "cyclemap: 1\nextra: x") + "    score: 9\n"
    assert problems(tmp_path, text) == [
        (2, 1, "`extra` is not a field of the top level of a journey"),
        (12, 12, "`score` must be at most 5 (got `9`)"),
    ]


def test_step_label_is_its_name(tmp_path: Path) -> None:
    journey = load(tmp_path, with_step_fields("name: Llama a la línea\n"))
    assert journey.document.steps[0].label == "Llama a la línea"
