"""The committed JSON Schema: generated from the models, and agreeing with the loader."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest

from cyclemap.format.schema import journey_schema, schema_text
from cyclemap.format.starter import STARTERS, starter_text
from cyclemap.loading.reading import parse
from cyclemap.loading.yaml_nodes import to_data
from tests.conftest import EXAMPLES, REPO

SCHEMA_FILE = REPO / "schemas" / "journey.schema.json"
JOURNEYS = sorted(EXAMPLES.glob("*.journey.yaml"))


def _data(text: str) -> object:
    root = parse(text, "test")
    assert root is not None
    return to_data(root)


def test_committed_schema_is_exactly_the_generated_one() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        "the schema drifted from the models: run `cyclemap schema -o schemas/journey.schema.json`"
    )


def test_schema_is_a_valid_2020_12_schema_with_docs_for_editors() -> None:
    schema = journey_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    step = schema["$defs"]["Step"]
    assert step["additionalProperties"] is False
    assert all("description" in field for field in step["properties"].values())
    assert step["properties"]["id"]["pattern"] == "^[a-z0-9][a-z0-9_.-]*$"


@pytest.mark.parametrize("path", JOURNEYS, ids=[path.name for path in JOURNEYS])
def test_examples_satisfy_the_schema(path: Path) -> None:
    jsonschema.validate(_data(path.read_text(encoding="utf-8")), journey_schema())


@pytest.mark.parametrize("language", sorted(STARTERS))
def test_starter_satisfies_the_schema(language: str) -> None:
    starter = files("cyclemap").joinpath(f"templates/{STARTERS[language]}").read_text("utf-8")
    jsonschema.validate(_data(starter), journey_schema())


def _shape(data: object) -> object:
    """The journey without its words: every key and id, each text replaced by its type."""
    if isinstance(data, dict):
        return {
            key: value if key in ("id", "to", "stage", "channel", "team") else _shape(value)
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [_shape(item) for item in data]
    return "text" if isinstance(data, str) else data


def test_the_starters_are_one_journey_told_in_each_language() -> None:
    english, spanish = (_data(starter_text("my-journey", code)) for code in ("en", "es"))
    assert isinstance(english, dict) and isinstance(spanish, dict)
    assert _shape(english) == _shape(spanish)
    assert english["journey"]["language"] == "en" and spanish["journey"]["language"] == "es"
    assert english["journey"]["name"] != spanish["journey"]["name"]


def test_schema_rejects_what_the_loader_rejects() -> None:
    text = (EXAMPLES / "insurance-quote.journey.yaml").read_text(encoding="utf-8")
    data = _data(text)
    assert isinstance(data, dict)
    data["steps"][0]["shar"] = 1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, journey_schema())
