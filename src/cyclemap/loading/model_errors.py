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
from cyclemap.util.i18n import N_, _, ngettext
from cyclemap.util.text import did_you_mean, did_you_mean_text


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


_NOT_A_FIELD = {
    "this mapping": N_("{field} is not a field of this mapping"),
    "a channel": N_("{field} is not a field of a channel"),
    "a team": N_("{field} is not a field of a team"),
    "a stage": N_("{field} is not a field of a stage"),
    "a measure": N_("{field} is not a field of a measure"),
    "a moment of truth": N_("{field} is not a field of a moment of truth"),
    "an entry": N_("{field} is not a field of an entry"),
    "a transition": N_("{field} is not a field of a transition"),
    "a step": N_("{field} is not a field of a step"),
    "`journey`": N_("{field} is not a field of `journey`"),
    "the top level of a journey": N_("{field} is not a field of the top level of a journey"),
    "a catalog": N_("{field} is not a field of a catalog"),
}
"""`field` is not a field of the mapping, by the mapping's noun (the model's `noun`)."""

_REQUIRED = {
    "this mapping": N_("{field} is required on this mapping"),
    "a channel": N_("{field} is required on a channel"),
    "a team": N_("{field} is required on a team"),
    "a stage": N_("{field} is required on a stage"),
    "a measure": N_("{field} is required on a measure"),
    "a moment of truth": N_("{field} is required on a moment of truth"),
    "an entry": N_("{field} is required on an entry"),
    "a transition": N_("{field} is required on a transition"),
    "a step": N_("{field} is required on a step"),
    "`journey`": N_("{field} is required on `journey`"),
    "the top level of a journey": N_("{field} is required on the top level of a journey"),
    "a catalog": N_("{field} is required on a catalog"),
}
_REQUIRED_ON_NAMED = {
    ("a stage", "id"): N_("{field} is required on stage `{name}`"),
    ("a step", "id"): N_("{field} is required on step `{name}`"),
    ("a transition", "to"): N_("{field} is required on the transition to `{name}`"),
}
"""`field` is required on a mapping named by its `id` (or, a transition, by its `to`)."""


def _shown(value: Any) -> str:
    text = getattr(value, "text", None)
    if text is None:
        if isinstance(value, dict):
            return _("a mapping")
        if isinstance(value, list):
            return _("a list")
        if value is None:
            return _("nothing")
        text = str(value).lower() if isinstance(value, bool) else str(value)
    return f"`{text[:40]}{'...' if len(text) > 40 else ''}`"


def _noun(model: type[BaseModel], loc: Sequence[int | str], root: Node) -> tuple[str, str, str]:
    """What the mapping at `loc` is: (its noun, the field naming it, the name), the last two
    empty when it is not named by an `id` (or, a transition, a `to`)."""
    found = model_at(model, loc)
    noun = getattr(found, "noun", None)
    if not isinstance(noun, str) or noun not in _NOT_A_FIELD:
        return "this mapping", "", ""
    node, walked = find_node(root, loc)
    if walked == tuple(loc) and isinstance(node, MappingNode):
        for field in ("id", "to"):
            entry = node.entries.get(field)
            if (
                (noun, field) in _REQUIRED_ON_NAMED
                and entry is not None
                and isinstance(entry[1], ScalarNode)
                and entry[1].text
            ):
                return noun, field, entry[1].text[:60]
    return noun, "", ""


def _compared(kind: str) -> str:
    """`{field} must be greater than {limit} (got {value})` and the like."""
    return {
        "greater_than": _("{field} must be greater than {limit} (got {value})"),
        "greater_than_equal": _("{field} must be at least {limit} (got {value})"),
        "less_than": _("{field} must be less than {limit} (got {value})"),
        "less_than_equal": _("{field} must be at most {limit} (got {value})"),
    }[kind]


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
        noun, by, name = _noun(model, path[:-1], root)
        template = _REQUIRED_ON_NAMED[(noun, by)] if by else _REQUIRED[noun]
        return (
            _(template).format(field=field, name=name),
            _("add `{field}:` to it").format(field=last),
        )
    if kind == "extra_forbidden":
        parent = model_at(model, path[:-1])
        known = sorted(parent.model_fields) if parent is not None else []
        noun, _by, _name = _noun(model, path[:-1], root)
        guess = did_you_mean(str(last), known)
        message = _(_NOT_A_FIELD[noun]).format(field=field)
        if guess:
            return did_you_mean_text(message, guess), _("rename it to `{guess}`").format(
                guess=guess
            )
        return message, _("known fields: {fields}").format(fields=", ".join(known))
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", "")
        options = [option.strip() for option in expected.replace(" or ", ", ").split(",")]
        message = _("{field} must be one of {options} (got {value})").format(
            field=field, options=", ".join(options), value=_shown(value)
        )
        guess = did_you_mean(str(value), options) if isinstance(value, str) else None
        if guess:
            return did_you_mean_text(message, guess), _("write `{field}: {guess}`").format(
                field=last, guess=guess
            )
        return message, _("write one of: {options}").format(options=", ".join(options))
    values = {"field": field, "value": _shown(value)}
    if kind in ("float_type", "float_parsing"):
        if isinstance(value, int) and not isinstance(value, bool):
            return (
                _("{field} is too large a number").format(**values),
                _("write a number of reasonable size"),
            )
        if not isinstance(value, str):
            return (
                _("{field} must be a number (got {value})").format(**values),
                _("write a number, e.g. `0.5`"),
            )
        return (
            _("{field} must be a number (got {value})").format(**values),
            _("write it without quotes"),
        )
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return (
            _("{field} must be a whole number (got {value})").format(**values),
            _("write e.g. `3`"),
        )
    if kind == "finite_number":
        return (
            _("{field} must be a finite number, not NaN or infinity").format(**values),
            _("write an ordinary number"),
        )
    if kind == "string_type":
        return (
            _("{field} must be text (got {value})").format(**values),
            _("quote it if it is meant as text"),
        )
    if kind == "bool_type":
        return (
            _("{field} must be true or false (got {value})").format(**values),
            _("write `true` or `false`"),
        )
    if kind in ("list_type", "tuple_type"):
        return (
            _("{field} must be a list (got {value})").format(**values),
            _("start each item with `- `"),
        )
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return (
            _("{field} must be a mapping of fields (got {value})").format(**values),
            _("write `key: value` pairs indented under it"),
        )
    if kind == "too_short":
        least = int(ctx.get("min_length", 1))
        return (
            ngettext(
                "{field} must have at least {count} item",
                "{field} must have at least {count} items",
                least,
            ).format(field=field, count=least),
            _("add one"),
        )
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        limit = next(iter(ctx.values()), "")
        if isinstance(limit, float) and limit.is_integer() and abs(limit) >= 1e6:
            limit = f"{limit:g}"
        return _compared(kind).format(limit=limit, **values), _("fix the value")
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
