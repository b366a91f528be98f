"""The saved validators validate exactly as the models do, and a bad cache is never trusted."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from cyclemap.format import validators
from cyclemap.format.model import CatalogFile, JourneyFile
from cyclemap.loading.reading import parse
from cyclemap.loading.yaml_nodes import to_data
from tests.conftest import EXAMPLES, REPO

DOCUMENTS = sorted(
    path
    for folder in (EXAMPLES, REPO / "tests" / "fixtures")
    for path in folder.rglob("*.yaml")
    if path.is_file()
)


def _outcome(validate: object, data: object) -> tuple[str, object]:
    assert callable(validate)
    try:
        return "valid", validate(data)
    except ValidationError as error:
        return "invalid", (error.title, error.errors(include_url=False), str(error))


def _data(path: Path) -> object:
    try:
        root = parse(path.read_text(encoding="utf-8"), path.name)
    except Exception:  # a fixture of broken YAML: nothing to validate
        return None
    return None if root is None else to_data(root)


@pytest.mark.parametrize("model", [JourneyFile, CatalogFile], ids=lambda model: model.__name__)
def test_they_give_what_the_models_give_on_every_example_and_fixture(
    model: type[BaseModel],
) -> None:
    checked = 0
    for path in DOCUMENTS:
        data = _data(path)
        if data is None:
            continue
        ours = _outcome(validators.validator(model).validate_python, data)
        assert ours == _outcome(model.model_validate, data), path
        checked += 1
    assert checked > 50


def test_a_stale_or_broken_cache_is_built_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "validators.pickle"
    monkeypatch.setattr(validators, "_cache_file", lambda: cache)
    monkeypatch.setattr(validators.sys, "dont_write_bytecode", False)
    data = _data(EXAMPLES / "internet-support.journey.yaml")
    for content in (b"not a pickle", pickle.dumps((("another", "tag"), {"JourneyFile": None}))):
        cache.write_bytes(content)
        validators._validators.cache_clear()
        assert validators.validator(JourneyFile).validate_python(
            data
        ) == JourneyFile.model_validate(data)
        tag, schemas = pickle.loads(cache.read_bytes())  # written again, current
        assert tag == validators._tag()
        assert set(schemas) == {"JourneyFile", "CatalogFile"}
    validators._validators.cache_clear()
