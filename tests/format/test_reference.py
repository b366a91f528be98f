"""The format reference (`docs/format.md`, and `docs/format.es.md` in Spanish) says what the
format is: every field of the model has its section in both, both have the same sections, the
complete journeys they show are valid, and the worked example's figures are those `cyclemap
stats` prints. A field added to the model without its documentation fails here."""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel
from typer.testing import CliRunner

from cyclemap.cli import app
from cyclemap.format import model
from cyclemap.rules import registry
from tests.conftest import REPO

DOCUMENTS = {"en": REPO / "docs" / "format.md", "es": REPO / "docs" / "format.es.md"}
ANCHOR = re.compile(r'<a id="([^"]+)"></a>')
BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.DOTALL)

SECTIONS: dict[type[BaseModel], str] = {
    model.JourneyInfo: "journey",
    model.Channel: "channel",
    model.Team: "team",
    model.Stage: "stage",
    model.Step: "step",
    model.Entry: "entry",
    model.MomentOfTruth: "moment-of-truth",
    model.Measure: "measure",
    model.Transition: "next",
}
"""The anchor of each model's section; a field's anchor is `section-field` (`step-abandon`).
The fields of a file's top level (`JourneyFile`, `CatalogFile`) are anchored by their name."""
TOP_LEVEL = (model.JourneyFile, model.CatalogFile)


def text(language: str) -> str:
    return DOCUMENTS[language].read_text(encoding="utf-8")


def models_in(annotation: object) -> Iterator[type[BaseModel]]:
    """The model classes an annotation holds, however nested (Optional, list, dict, Annotated)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    for argument in typing.get_args(annotation):
        yield from models_in(argument)


def every_model() -> list[type[BaseModel]]:
    """Every model class a journey or a catalog is made of, found from the top levels."""
    found: list[type[BaseModel]] = []
    waiting: list[type[BaseModel]] = list(TOP_LEVEL)
    while waiting:
        current = waiting.pop(0)
        if current in found:
            continue
        found.append(current)
        for field in current.model_fields.values():
            waiting += models_in(field.annotation)
    return found


def anchor_of(owner: type[BaseModel], name: str) -> str:
    section = getattr(owner, "field_section", None)
    if callable(section):  # the model names its fields' sections itself
        return str(section(name))
    return name if owner in TOP_LEVEL else f"{SECTIONS[owner]}-{name}"


FIELDS = [(owner, name) for owner in every_model() for name in owner.model_fields]


def test_the_walk_finds_every_model_and_field() -> None:
    """The walk reaches the nested models (a step's transitions, a moment's measure)."""
    assert {model.Measure, model.Transition, model.Entry, model.JourneyInfo} <= set(every_model())
    assert set(every_model()) == {*TOP_LEVEL, *SECTIONS}
    assert (model.JourneyInfo, "language") in FIELDS
    assert ("abandon" in model.Step.model_fields) and (model.Step, "abandon") in FIELDS


@pytest.mark.parametrize("language", DOCUMENTS)
@pytest.mark.parametrize(
    ("owner", "name"), FIELDS, ids=[f"{owner.__name__}.{name}" for owner, name in FIELDS]
)
def test_every_field_of_the_model_has_its_section(
    owner: type[BaseModel], name: str, language: str
) -> None:
    document = text(language)
    anchor = anchor_of(owner, name)
    heading = next(
        (line for line in document.splitlines() if f'<a id="{anchor}"></a>' in line), None
    )
    assert heading is not None, f"{DOCUMENTS[language].name} has no section #{anchor} ({name})"
    assert heading.startswith("#"), heading
    assert f"`{name}`" in heading or f".{name}`" in heading, heading


def test_both_languages_have_the_same_sections_in_the_same_order() -> None:
    assert ANCHOR.findall(text("es")) == ANCHOR.findall(text("en"))


@pytest.mark.parametrize("language", DOCUMENTS)
def test_every_link_inside_the_reference_lands_on_a_section(language: str) -> None:
    document = text(language)
    anchors = set(ANCHOR.findall(document))
    links = set(re.findall(r"\]\(#([^)]+)\)", document))
    assert links and links <= anchors, sorted(links - anchors)


@pytest.mark.parametrize("language", DOCUMENTS)
def test_every_rule_has_its_section(language: str) -> None:
    anchors = set(ANCHOR.findall(text(language)))
    assert set(registry()) <= anchors, sorted(set(registry()) - anchors)


@pytest.mark.parametrize("language", DOCUMENTS)
def test_every_problem_code_has_its_row_and_section(language: str) -> None:
    """Each code of a validation problem is in the table, and its section exists."""
    codes: types.ModuleType = pytest.importorskip("cyclemap.format.codes")
    document = text(language)
    anchors = set(ANCHOR.findall(document))
    for code in codes.CODES.values():
        assert re.search(rf"^\| {code.code} \| {code.name} \|", document, re.MULTILINE), code
        assert code.section in anchors, code


def journeys_shown(language: str) -> list[str]:
    """The complete journeys the reference shows (the YAML blocks that start a journey)."""
    found = [body for kind, body in BLOCK.findall(text(language)) if kind == "yaml"]
    return [body for body in found if re.search(r"^cyclemap: 1", body, re.MULTILINE)]


@pytest.mark.parametrize("language", DOCUMENTS)
def test_the_journeys_shown_are_valid(language: str, tmp_path: Path) -> None:
    shown = [body for body in journeys_shown(language) if "\nsteps:" in body]
    assert len(shown) >= 3  # the first journey, the worked example, the complete one
    for index, body in enumerate(shown):
        path = tmp_path / f"shown-{index}.journey.yaml"
        path.write_text(body, encoding="utf-8")
        result = CliRunner().invoke(app, ["validate", "--lang", "en", str(path)])
        assert result.exit_code == 0, f"{body}\n{result.output}"


@pytest.mark.parametrize("language", DOCUMENTS)
def test_the_complete_example_uses_every_field(language: str) -> None:
    document = text(language)
    example = document.split('<a id="example"></a>', 1)[1].split("\n## ", 1)[0]
    body = BLOCK.findall(example)[0][1]
    written = set(re.findall(r"(?:^\s*(?:-\s+)?|[{,]\s*)([a-z_]+):", body, re.MULTILINE))
    fields = {name for owner, name in FIELDS if owner is not model.CatalogFile}
    assert fields <= written, sorted(fields - written)


@pytest.mark.parametrize("language", DOCUMENTS)
def test_the_worked_example_shows_what_stats_prints(language: str, tmp_path: Path) -> None:
    """The figures of the worked example of shares are `cyclemap stats`'s, in each language:
    the rows of its table of where customers are lost, spacing aside."""
    shares = text(language).split('<a id="shares"></a>', 1)[1].split("\n## ", 1)[0]
    blocks = dict((kind, body) for kind, body in BLOCK.findall(shares))
    path = tmp_path / "line-support.journey.yaml"
    path.write_text(blocks["yaml"], encoding="utf-8")
    result = CliRunner().invoke(app, ["stats", "--lang", language, str(path)])
    assert result.exit_code == 0, result.output
    printed = {" ".join(line.split()) for line in result.output.splitlines()}
    rows = [" ".join(line.split()) for line in blocks["console"].splitlines()]
    rows = [row for row in rows if row.startswith("│")]
    assert len(rows) == 2 and all(row in printed for row in rows), (rows, result.output)


def test_the_readme_links_both_languages() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "(docs/format.md)" in readme and "(docs/format.es.md)" in readme
    assert "(format.es.md)" in text("en") and "(format.md)" in text("es")


@pytest.mark.parametrize("language", DOCUMENTS)
def test_the_first_journeys_messages_are_what_cyclemap_prints(
    language: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first journey validates as shown, and the `abandon: 18%` added under its `entry:
    true` gives the problem shown, word for word, in the page's language."""
    first = text(language).split('<a id="first-journey"></a>', 1)[1].split("\n## ", 1)[0]
    blocks = BLOCK.findall(first)
    journey = next(body for kind, body in blocks if kind == "yaml")
    shown = [body for kind, body in blocks if kind == "console"]
    broken = journey.replace("    entry: true\n", "    entry: true\n    abandon: 18%\n", 1)
    monkeypatch.chdir(tmp_path)
    for body, console in zip((journey, broken), shown, strict=True):
        Path("internet-support.journey.yaml").write_text(body, encoding="utf-8")
        command, *expected = console.strip().splitlines()
        assert command == "$ cyclemap validate internet-support.journey.yaml"
        result = CliRunner().invoke(app, ["validate", "--lang", language, command.split()[-1]])
        assert result.output.strip().splitlines() == expected
