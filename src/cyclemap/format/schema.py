"""The JSON Schema of the journey format, generated from the models so it cannot drift."""

from __future__ import annotations

import ast
import inspect
import json
from functools import cache
from typing import Any

from pydantic import BaseModel

from cyclemap.format import model
from cyclemap.format.model import JourneyFile

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def journey_schema() -> dict[str, Any]:
    """The schema editors use for completion and checking (`yaml-language-server`)."""
    _describe_fields()
    generated = JourneyFile.model_json_schema()
    return {
        "$schema": SCHEMA_DIALECT,
        **generated,
    }


def schema_text() -> str:
    """The schema as committed in `schemas/journey.schema.json`: byte-stable."""
    return json.dumps(journey_schema(), indent=2, ensure_ascii=False) + "\n"


def attribute_docstrings(source: str) -> dict[str, dict[str, str]]:
    """Class name -> field name -> the docstring written under the field, in `source`."""
    found: dict[str, dict[str, str]] = {}
    for node in ast.parse(source).body:
        if not isinstance(node, ast.ClassDef):
            continue
        fields = found.setdefault(node.name, {})
        for statement, following in zip(node.body, node.body[1:], strict=False):
            if (
                isinstance(statement, ast.AnnAssign)
                and isinstance(statement.target, ast.Name)
                and isinstance(following, ast.Expr)
                and isinstance(following.value, ast.Constant)
                and isinstance(following.value.value, str)
            ):
                fields[statement.target.id] = inspect.cleandoc(following.value.value)
    return found


@cache
def _describe_fields() -> None:
    """Each field's description is the docstring under it in the model. They are read here,
    for the schema, rather than by pydantic whenever the models are defined
    (`use_attribute_docstrings`), which reads the module's source again on every run of every
    command; the models are then built again with them, smallest first."""
    documented = attribute_docstrings(inspect.getsource(model))
    for name, docstrings in documented.items():
        cls = getattr(model, name, None)
        if not (isinstance(cls, type) and issubclass(cls, BaseModel)):
            continue
        for field_name, info in cls.model_fields.items():
            if info.description is None and field_name in docstrings:
                info.description = docstrings[field_name]
        cls.model_rebuild(force=True)
