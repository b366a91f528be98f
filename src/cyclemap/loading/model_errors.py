"""pydantic's validation errors rewritten for the people who wrote the YAML.

pydantic says `Extra inputs are not permitted` at `('steps', 3, 'next', 0, 'shar')`; the user
needs `journey.yaml:41:9: `shar` is not a field of a transition; did you mean `share`?`.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from cyclemap.errors import Problem
from cyclemap.loading.source_map import find_node, format_path, key_position
from cyclemap.loading.yaml_nodes import MappingNode, Node, ScalarNode
from cyclemap.util.text import did_you_mean


def _strip_annotation(annotation: Any) -> list[Any]:
    """The concrete types an annotation may hold (Annotated, Optional and unions opened)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _strip_annotation(typing.get_args(annotation)[0])
    if origin is typing.Union or origin is types.UnionType:
        found: list[Any] = []
        for arg in typing.get_args(annotation):
            if arg is not type(None):
                found.extend(_strip_annotation(arg))
        return found
    return [annotation]


def model_at(model: type[BaseModel], loc: Sequence[int | str]) -> type[BaseModel] | None:
    """The model class that validates the value at `loc`, following fields, lists and dicts."""
    current: list[Any] = [model]
    for element in loc:
        following: list[Any] = []
        for candidate in current:
            origin = typing.get_origin(candidate)
            args = typing.get_args(candidate)
            if origin is list and isinstance(element, int):
                following.extend(_strip_annotation(args[0]))
            elif origin is dict and isinstance(element, str):
                following.extend(_strip_annotation(args[1]))
            elif isinstance(candidate, type) and issubclass(candidate, BaseModel):
                field = candidate.model_fields.get(str(element))
                if field is not None:
                    following.extend(_strip_annotation(field.annotation))
        if following:
            current = following
    for candidate in current:
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _shown(value: Any) -> str:
    text = getattr(value, "text", None)
    if text is None:
        if isinstance(value, dict):
            return "a mapping"
        if isinstance(value, list):
            return "a list"
        if value is None:
            return "nothing"
        text = str(value).lower() if isinstance(value, bool) else str(value)
    return f"`{text[:40]}{'...' if len(text) > 40 else ''}`"


def _noun(
    model: type[BaseModel], loc: Sequence[int | str], root: Node, *, named: bool = True
) -> str:
    """What the mapping at `loc` is, named by its id when it has one (`step `call-line``)."""
    found = model_at(model, loc)
    noun = getattr(found, "noun", None)
    if not isinstance(noun, str):
        return "this mapping"
    node, walked = find_node(root, loc)
    if (
        named
        and noun.startswith(("a ", "an "))
        and walked == tuple(loc)
        and isinstance(node, MappingNode)
    ):
        for field, template in (("id", "{kind} `{value}`"), ("to", "the {kind} to `{value}`")):
            entry = node.entries.get(field)
            if entry is not None and isinstance(entry[1], ScalarNode) and entry[1].text:
                return template.format(kind=noun.split(" ", 1)[-1], value=entry[1].text[:60])
    return noun


def _describe(
    error: ErrorDetails, model: type[BaseModel], path: tuple[int | str, ...], root: Node
) -> tuple[str, str]:
    """(message, hint) for one pydantic error at a cleaned path."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    last = path[-1] if path else ""
    field = f"`{last}`" if isinstance(last, str) and last else f"`{format_path(path)}`"
    if kind == "missing":
        noun = _noun(model, path[:-1], root)
        return f"{field} is required on {noun}", f"add `{last}:` to it"
    if kind == "extra_forbidden":
        parent = model_at(model, path[:-1])
        known = sorted(parent.model_fields) if parent is not None else []
        noun = _noun(model, path[:-1], root, named=False)
        guess = did_you_mean(str(last), known)
        message = f"{field} is not a field of {noun}"
        if guess:
            return f"{message}; did you mean `{guess}`?", f"rename it to `{guess}`"
        return message, "known fields: " + ", ".join(known)
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", "")
        options = [option.strip() for option in expected.replace(" or ", ", ").split(",")]
        message = f"{field} must be one of {', '.join(options)} (got {_shown(value)})"
        guess = did_you_mean(str(value), options) if isinstance(value, str) else None
        if guess:
            return f"{message}; did you mean `{guess}`?", f"write `{last}: {guess}`"
        return message, f"write one of: {', '.join(options)}"
    if kind in ("float_type", "float_parsing"):
        if isinstance(value, int) and not isinstance(value, bool):
            return f"{field} is too large a number", "write a number of reasonable size"
        if not isinstance(value, str):
            return f"{field} must be a number (got {_shown(value)})", "write a number, e.g. `0.5`"
        return f"{field} must be a number (got {_shown(value)})", "write it without quotes"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"{field} must be a whole number (got {_shown(value)})", "write e.g. `3`"
    if kind == "finite_number":
        return f"{field} must be a finite number, not NaN or infinity", "write an ordinary number"
    if kind == "string_type":
        return f"{field} must be text (got {_shown(value)})", "quote it if it is meant as text"
    if kind == "bool_type":
        return f"{field} must be true or false (got {_shown(value)})", "write `true` or `false`"
    if kind in ("list_type", "tuple_type"):
        return f"{field} must be a list (got {_shown(value)})", "start each item with `- `"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return (
            f"{field} must be a mapping of fields (got {_shown(value)})",
            "write `key: value` pairs indented under it",
        )
    if kind == "too_short":
        return f"{field} must have at least {ctx.get('min_length', 1)} item(s)", "add one"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        words = {
            "greater_than": "greater than",
            "greater_than_equal": "at least",
            "less_than": "less than",
            "less_than_equal": "at most",
        }
        limit = next(iter(ctx.values()), "")
        if isinstance(limit, float) and limit.is_integer() and abs(limit) >= 1e6:
            limit = f"{limit:g}"
        return f"{field} must be {words[kind]} {limit} (got {_shown(value)})", "fix the value"
    if kind.startswith("cyclemap_"):
        return error["msg"], str(ctx.get("hint", ""))
    return f"{field}: {error['msg']}", ""


def translate(
    error: ValidationError, *, model: type[BaseModel], root: Node, file: str
) -> list[Problem]:
    """One problem per offending place, positioned on the node the user wrote."""
    problems: dict[str, Problem] = {}
    for detail in error.errors(include_url=False):
        loc = tuple(detail["loc"])
        node, walked = find_node(root, loc)
        path = walked
        if detail["type"] == "missing" and loc and loc[-1] not in walked:
            path = (*walked, loc[-1])
        if detail["type"] == "extra_forbidden":
            line, column = key_position(root, walked)
        else:
            line, column = node.line + 1, node.column + 1
        message, hint = _describe(detail, model, path, root)
        shown_path = format_path(path)
        # A union reports once per member it tried; the user needs one message per place.
        problems.setdefault(shown_path, Problem(file, line, column, shown_path, message, hint))
    return list(problems.values())
