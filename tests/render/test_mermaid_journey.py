"""Mermaid's `journey` diagram, read back with a copy of Mermaid's own lexer rules
(tests.render.parse_mermaid_journey), since the syntax has no escapes at all."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from cyclemap.render import RenderError, RenderOptions, render_journey
from cyclemap.render.view import shorten
from tests.support.render import (
    EXAMPLES,
    HOSTILE,
    HOSTILE_TITLE,
    INTERNET,
    SCORES,
    load,
    mermaid_encode_entities,
    parse_mermaid_journey,
    raw,
    render,
)

MINIMAL = """\
cyclemap: 1
journey: {id: demo, name: Demo}
stages:
  - {id: contact, name: Contacto}
steps:
  - {id: ask, stage: contact, entry: true, next: [{to: done}]}
  - {id: done, stage: contact, outcome: success}
"""


def journey_text(path: Path) -> str:
    return render(path, "mermaid-journey").data.decode("utf-8")


def write(tmp_path: Path, text: str, name: str = "demo.journey.yaml") -> Path:
    (tmp_path / "cyclemap.toml").write_text("", encoding="utf-8")
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def scored(path: Path) -> list[dict]:
    return [step for step in raw(path)["steps"] if "score" in step]


@pytest.mark.parametrize(
    "path",
    [p for p in sorted(EXAMPLES.glob("*.journey.yaml")) if scored(p)] + [HOSTILE, SCORES],
    ids=lambda p: p.name,
)
def test_mermaid_reads_one_task_per_scored_step_with_its_score(path: Path) -> None:
    diagram = parse_mermaid_journey(journey_text(path))
    data = raw(path)
    steps = scored(path)
    order = {stage["id"]: index for index, stage in enumerate(data["stages"])}
    steps.sort(key=lambda step: order[step["stage"]])  # drawn stage by stage
    assert [task["score"] for task in diagram.tasks] == [float(s["score"]) for s in steps]
    assert not any(math.isnan(task["score"]) for task in diagram.tasks)
    assert diagram.title is not None


def test_structure_of_the_partial_journey() -> None:
    text = journey_text(SCORES)
    lines = text.rstrip("\n").split("\n")
    assert lines[0] == "journey"
    assert lines[1].startswith("  title ")
    diagram = parse_mermaid_journey(text)
    # `middle` has no scored step: no section for it.
    # Names are shown exactly as written, `:`, `;`, `#` and `%` included (issue 14).
    assert [section.strip() for section in diagram.sections] == [
        "Inicio: primer contacto",
        "Cierre; fin",
    ]
    assert [(t["section"].strip(), t["score"]) for t in diagram.tasks] == [
        ("Inicio: primer contacto", 4.0),
        ("Cierre; fin", 5.0),
    ]
    assert diagram.tasks[0]["task"].strip() == "Pregunta: ¿cuánto cuesta? 50% off #promo"
    # `Name: score: actor`, the actor being the step's team.
    assert [t["people"] for t in diagram.tasks] == [["Ventas: equipo #2"], ["Atención"]]
    assert diagram.title is not None
    assert diagram.title.strip() == "Satisfacción: 100% #1; la encuesta"


def test_one_section_per_stage_with_scored_steps_in_stage_order() -> None:
    diagram = parse_mermaid_journey(journey_text(INTERNET))
    assert [s.strip() for s in diagram.sections] == [
        stage["name"] for stage in raw(INTERNET)["stages"]
    ]


def test_user_text_reaches_the_syntax_only_as_entity_codes() -> None:
    for path in (HOSTILE, SCORES):
        text = journey_text(path)
        for line in mermaid_encode_entities(text).split("\n"):  # what Mermaid's parser reads
            if line.startswith("    "):
                name, score, *actor = line.strip().split(": ")
                assert not set(name) & set(":;%,"), line
                assert score.isdigit(), line
                assert len(actor) <= 1 and not set("".join(actor)) & set(":;%,"), line
        names = {shorten(step.get("name", step["id"]), 60) for step in scored(path)}
        assert {task["task"].strip() for task in parse_mermaid_journey(text).tasks} <= names


def test_left_out_steps_are_listed_in_a_comment_and_in_the_notes() -> None:
    rendered = render(SCORES, "mermaid-journey")
    text = rendered.data.decode("utf-8")
    comment = [line for line in text.split("\n") if line.startswith("%%")]
    assert comment == ["%% left out (no score): wait, form"]
    assert len(rendered.notes) == 1
    note = rendered.notes[0]
    assert "left out 2 steps" in note and "wait, form" in note
    assert "scores.journey.yaml" in note


def test_hostile_left_out_steps() -> None:
    rendered = render(HOSTILE, "mermaid-journey")
    missing = [s["id"] for s in raw(HOSTILE)["steps"] if "score" not in s]
    assert rendered.data.decode().rstrip("\n").split("\n")[-1] == (
        f"%% left out (no score): {', '.join(missing)}"
    )
    assert ", ".join(missing) in rendered.notes[0]


def test_all_scored_journey_has_no_comment_and_no_notes() -> None:
    rendered = render(INTERNET, "mermaid-journey")
    assert "%%" not in rendered.data.decode("utf-8")
    assert rendered.notes == ()


def test_no_scores_at_all_is_a_clear_error(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL)
    with pytest.raises(RenderError) as caught:
        render_journey(load(path), "mermaid-journey", RenderOptions())
    message = str(caught.value)
    assert "score" in message and "1..5" in message
    assert "demo.journey.yaml" not in message  # the command line names the file


def test_the_command_line_names_the_file_once(tmp_path: Path) -> None:
    """Issue 14: `x.journey.yaml: x.journey.yaml: no step has a score`."""
    from typer.testing import CliRunner

    from cyclemap.cli import app

    path = write(tmp_path, MINIMAL)
    result = CliRunner().invoke(app, ["render", str(path), "-f", "mermaid-journey", "-o", "-"])
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.count("demo.journey.yaml") == 1
    assert line.startswith("cyclemap: error: ") and "no step has a `score`" in line


def test_hostile_text_stays_in_its_statement() -> None:
    text = journey_text(HOSTILE)
    diagram = parse_mermaid_journey(text)
    assert len(diagram.sections) == 2
    assert len(diagram.tasks) == len(scored(HOSTILE))
    assert "<script>alert(1)</script>" in [t["task"] for t in diagram.tasks]
    assert diagram.title is not None and diagram.title.strip() == HOSTILE_TITLE
    for line in text.rstrip("\n").split("\n")[1:]:
        assert line.startswith(("  title ", "  section ", "    ", "%% left out"))


def test_a_team_name_with_a_comma_is_one_actor(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        MINIMAL.replace(
            "stages:", "teams:\n  t: {name: 'Ventas, posventa; cobro'}\nstages:"
        ).replace("entry: true,", "entry: true, team: t, score: 3,"),
    )
    diagram = parse_mermaid_journey(journey_text(path))
    assert len(diagram.tasks) == 1
    assert len(diagram.tasks[0]["people"]) == 1


@pytest.mark.parametrize("name", ["Title deed check", "Section head approves", "Journey recap"])
def test_a_step_named_like_a_keyword_is_still_a_task(tmp_path: Path, name: str) -> None:
    path = write(
        tmp_path,
        MINIMAL.replace("{id: ask,", f"{{id: ask, name: {name}, score: 3,"),
    )
    diagram = parse_mermaid_journey(journey_text(path))
    assert diagram.title is not None and diagram.title.strip() == "Demo"
    assert [t["score"] for t in diagram.tasks] == [3.0]
