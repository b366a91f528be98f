"""pydantic's validation errors rewritten for the people who wrote the YAML.

pydantic says `Extra inputs are not permitted` at `('steps', 3, 'next', 0, 'shar')`; the user
needs `journey.yaml:41:9: `shar` is not a field of a transition; did you mean `share`?`.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from cyclemap.errors import Problem
from cyclemap.format.codes import (
    DECIMAL_COMMA,
    EMPTY_LIST,
    EMPTY_REASON,
    FORMAT_VERSION,
    FRACTION_ABOVE_ONE,
    INVALID_DURATION,
    INVALID_ID,
    MISSING_FIELD,
    NOT_A_NUMBER,
    NOT_ONE_OF,
    OUT_OF_RANGE,
    PERCENTAGE,
    THOUSANDS_SEPARATOR,
    UNKNOWN_FIELD,
    WRONG_TYPE,
    Code,
)
from cyclemap.format.model import LARGEST
from cyclemap.format.numbers import plain, read_written
from cyclemap.loading.source_map import find_node, format_path, key_position
from cyclemap.loading.yaml_nodes import (
    CommaSplit,
    MappingNode,
    Node,
    ScalarNode,
    find_comma_split,
    resolve_plain,
)
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


@dataclass(frozen=True)
class _Said:
    """What one problem says: the message, the hint, its code and, when it is about no one
    field, the section of the format reference that explains it."""

    message: str
    hint: str
    code: Code
    section: str = ""


def _written(node: Node) -> tuple[str, bool]:
    """The scalar's text as written and whether it was quoted."""
    if isinstance(node, ScalarNode):
        return node.text, not node.plain
    return "", False


def _example(model: type[BaseModel] | None, name: str) -> str:
    """`name: <example>` from the field's examples in the model, or empty."""
    field = model.model_fields.get(name) if model is not None else None
    examples = field.examples if field is not None else None
    return f"`{name}: {examples[0]}`" if examples else ""


def _is_fraction(model: type[BaseModel] | None, name: str) -> bool:
    """A field holding a share of customers: `abandon` (0..1) and a transition's `share`,
    which is a weight but is written as a fraction in every example."""
    if model is None or name not in model.model_fields:
        return False
    if name == "share":
        return True
    metadata = model.model_fields[name].metadata
    return any(getattr(item, "le", None) == 1 for item in metadata)


def _limit(value: object) -> str:
    """A bound as a person writes it: `1`, not `1.0`; `1e+15` for the largest."""
    if isinstance(value, (int, float)) and float(value).is_integer():
        return f"{value:g}" if abs(value) >= 1e6 else str(int(value))
    return str(value)


def _not_a_number(name: str, parent: type[BaseModel] | None, node: Node, value: object) -> _Said:
    """Text where a number belongs: what the person most likely meant, and how to write it."""
    text, quoted = _written(node)
    field = f"`{name}`"
    written = read_written(text) if isinstance(value, str) else None
    if written is not None and written.kind == "percentage":
        if not _is_fraction(parent, name):
            example = _example(parent, name)
            return _Said(
                f"{field} must be a number, not a percentage (got {_shown(value)})",
                f"write the number itself, e.g. {example}" if example else "write the number",
                PERCENTAGE,
            )
        fraction = written.number / 100
        if fraction > 1 and name == "abandon":
            return _Said(
                f"{field} must be a fraction from 0 to 1, and {_shown(value)} is more than all "
                "the customers",
                "write the share of the customers who leave here: 0 is nobody, 1 is everybody",
                PERCENTAGE,
            )
        return _Said(
            f"{field} must be a fraction, not a percentage (got {_shown(value)})",
            f"write `{name}: {plain(fraction)}` ({plain(written.number)}% is {plain(fraction)})",
            PERCENTAGE,
        )
    if written is not None and written.kind == "thousands":
        return _Said(
            f"{field} must be written without thousands separators (got {_shown(value)})",
            f"write `{name}: {plain(written.number)}`, without the separator",
            THOUSANDS_SEPARATOR,
        )
    if written is not None:
        return _Said(
            f"{field} must be written with a decimal point, not a comma (got {_shown(value)})",
            f"write `{name}: {plain(written.number)}`",
            DECIMAL_COMMA,
        )
    if quoted and isinstance(resolve_plain(text.strip(), 0, 0), (int, float)):
        return _Said(
            f"{field} must be a number, not text (got {_shown(value)} in quotes)",
            f"write it without quotes: `{name}: {text.strip()}`",
            NOT_A_NUMBER,
        )
    example = _example(parent, name)
    return _Said(
        f"{field} must be a number (got {_shown(value)})",
        f"write a number, e.g. {example}" if example else "write a number",
        NOT_A_NUMBER,
    )


_RANGE_HINTS = {
    "abandon": "write the share of the customers who leave here: 0 is nobody, 1 is everybody",
    "score": "write a whole number from 1 (awful) to 5 (delighted)",
    "volume": "write how many customers enter here in the period, 0 or more",
    "share": "a share is a weight above 0; remove the transition if no customer takes it",
}
_TRUE_WORDS = frozenset({"yes", "y", "on", "si", "sí", "verdadero", "cierto"})
_FALSE_WORDS = frozenset({"no", "n", "off", "falso"})


def _out_of_range(
    kind: str, name: str, parent: type[BaseModel] | None, value: object, limit: object
) -> _Said:
    words = {
        "greater_than": "greater than",
        "greater_than_equal": "at least",
        "less_than": "less than",
        "less_than_equal": "at most",
    }
    message = f"`{name}` must be {words[kind]} {_limit(limit)} (got {_shown(value)})"
    if (
        kind == "less_than_equal"
        and limit == 1
        and _is_fraction(parent, name)
        and isinstance(value, (int, float))
        and 2 <= value <= 100  # 1.5 is as likely a slip as 1.5%
    ):
        percent = Decimal(getattr(value, "text", None) or str(value))
        return _Said(
            f"{message}: it is a fraction, not a percentage",
            f"write `{name}: {plain(percent / 100)}` for {plain(percent)}%",
            FRACTION_ABOVE_ONE,
        )
    if isinstance(limit, (int, float)) and limit >= LARGEST:
        return _Said(message, "write a number of reasonable size", OUT_OF_RANGE)
    return _Said(message, _RANGE_HINTS.get(name, "write a value within those limits"), OUT_OF_RANGE)


def _describe(
    error: ErrorDetails, model: type[BaseModel], path: tuple[int | str, ...], root: Node
) -> _Said:
    """What to say about one pydantic error at a cleaned path."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    last = path[-1] if path else ""
    field = f"`{last}`" if isinstance(last, str) and last else f"`{format_path(path)}`"
    parent = model_at(model, path[:-1])
    if kind == "missing":
        noun = _noun(model, path[:-1], root)
        return _Said(f"{field} is required on {noun}", f"add `{last}:` to it", MISSING_FIELD)
    if kind == "extra_forbidden":
        known = sorted(parent.model_fields) if parent is not None else []
        noun = _noun(model, path[:-1], root, named=False)
        guess = did_you_mean(str(last), known)
        message = f"{field} is not a field of {noun}"
        section = str(getattr(parent, "section", ""))
        if guess:
            return _Said(
                f"{message}; did you mean `{guess}`?",
                f"rename it to `{guess}`",
                UNKNOWN_FIELD,
                section,
            )
        return _Said(message, "known fields: " + ", ".join(known), UNKNOWN_FIELD, section)
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", "")
        options = [option.strip() for option in expected.replace(" or ", ", ").split(",")]
        message = f"{field} must be one of {', '.join(options)} (got {_shown(value)})"
        guess = did_you_mean(str(value), options) if isinstance(value, str) else None
        if guess:
            return _Said(
                f"{message}; did you mean `{guess}`?", f"write `{last}: {guess}`", NOT_ONE_OF
            )
        return _Said(message, f"write one of: {', '.join(options)}", NOT_ONE_OF)
    if kind in ("float_type", "float_parsing"):
        if isinstance(value, int) and not isinstance(value, bool):
            return _Said(
                f"{field} is too large a number", "write a number of reasonable size", NOT_A_NUMBER
            )
        if not isinstance(value, str):
            example = _example(parent, str(last))
            return _Said(
                f"{field} must be a number (got {_shown(value)})",
                f"write a number, e.g. {example}" if example else "write a number",
                NOT_A_NUMBER,
            )
        node, _ = find_node(root, path)
        return _not_a_number(str(last), parent, node, value)
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return _Said(
            f"{field} must be a whole number (got {_shown(value)})",
            _RANGE_HINTS.get(str(last), "write e.g. `3`"),
            NOT_A_NUMBER,
        )
    if kind == "finite_number":
        return _Said(
            f"{field} must be a finite number, not NaN or infinity",
            "write an ordinary number",
            NOT_A_NUMBER,
        )
    if kind == "string_type":
        return _Said(
            f"{field} must be text (got {_shown(value)})",
            "write the text after the colon"
            if value is None
            else "quote it if it is meant as text",
            WRONG_TYPE,
        )
    if kind == "bool_type":
        word = str(value).strip().lower() if isinstance(value, str) else ""
        answer = "true" if word in _TRUE_WORDS else "false" if word in _FALSE_WORDS else ""
        return _Said(
            f"{field} must be true or false (got {_shown(value)})",
            f"write `{last}: {answer}`" if answer else "write `true` or `false`",
            WRONG_TYPE,
        )
    if kind in ("list_type", "tuple_type"):
        return _Said(
            f"{field} must be a list (got {_shown(value)})", "start each item with `- `", WRONG_TYPE
        )
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return _Said(
            f"{field} must be a mapping of fields (got {_shown(value)})",
            "write `key: value` pairs indented under it",
            WRONG_TYPE,
        )
    if kind == "too_short":
        return _Said(
            f"{field} must have at least {ctx.get('min_length', 1)} item(s)", "add one", EMPTY_LIST
        )
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        return _out_of_range(kind, str(last), parent, value, next(iter(ctx.values()), ""))
    if kind == "cyclemap_thousands":
        return _Said(
            f"{field} is written `{ctx['value']}`, which YAML reads as {ctx['read']}: the point "
            "is a decimal point, not a thousands separator",
            f"write `{last}: {ctx['meant']}`, without the separator",
            THOUSANDS_SEPARATOR,
        )
    if kind in _CUSTOM:
        return _Said(error["msg"], str(ctx.get("hint", "")), _CUSTOM[kind])
    return _Said(f"{field}: {error['msg']}", "", WRONG_TYPE)


_CUSTOM = {
    "cyclemap_slug": INVALID_ID,
    "cyclemap_reason": EMPTY_REASON,
    "cyclemap_duration": INVALID_DURATION,
    "cyclemap_version": FORMAT_VERSION,
}


def _field_section(model: type[BaseModel], path: tuple[int | str, ...]) -> str:
    """The format reference's section of the field nearest the end of `path`."""
    for at in range(len(path) - 1, -1, -1):
        name = path[at]
        if isinstance(name, str):
            parent = model_at(model, path[:at])
            if parent is not None and name in parent.model_fields:
                field_section = getattr(parent, "field_section", None)
                return field_section(name) if callable(field_section) else ""
    return ""


def _comma_split(root: Node, loc: tuple[int | str, ...]) -> CommaSplit | None:
    """The number cut by a flow mapping's comma, when the unknown field at `loc` is a piece of
    it (`{volume: 4,000}` read as `volume: 4` and a field `000`)."""
    parent, walked = find_node(root, loc[:-1])
    if walked != loc[:-1] or not isinstance(parent, MappingNode):
        return None
    entries = list(parent.entries.values())
    at = next((index for index, (key, _) in enumerate(entries) if key.text == loc[-1]), None)
    return None if at is None else find_comma_split(entries[: at + 1])


def translate(
    error: ValidationError, *, model: type[BaseModel], root: Node, file: str
) -> list[Problem]:
    """One problem per offending place, positioned on the node the user wrote."""
    problems: dict[str, Problem] = {}
    details = error.errors(include_url=False)
    # A number cut by a comma in `{...}` is said once, at the number: its pieces' unknown fields
    # and the value's own problems (`share: 0,3` is a share of 0) follow from it.
    cut: set[str] = set()
    for detail in details:
        loc = tuple(detail["loc"])
        split = _comma_split(root, loc) if detail["type"] == "extra_forbidden" else None
        if split is None:
            continue
        message, hint, code = split.said()
        at = (*loc[:-1], split.key.text)
        problems.setdefault(
            format_path(at),
            code.problem(
                file,
                split.value.line + 1,
                split.value.column + 1,
                format_path(at),
                message,
                hint,
                section=_field_section(model, at),
            ),
        )
        cut.update((format_path(at), *(format_path((*loc[:-1], piece)) for piece in split.pieces)))
    for detail in details:
        loc = tuple(detail["loc"])
        node, walked = find_node(root, loc)
        path = walked
        if detail["type"] == "missing" and loc and loc[-1] not in walked:
            path = (*walked, loc[-1])
        shown_path = format_path(path)
        if shown_path in cut:
            continue
        if detail["type"] == "extra_forbidden":
            line, column = key_position(root, walked)
        else:
            line, column = node.line + 1, node.column + 1
        said = _describe(detail, model, path, root)
        # A union reports once per member it tried; the user needs one message per place.
        problems.setdefault(
            shown_path,
            said.code.problem(
                file,
                line,
                column,
                shown_path,
                said.message,
                said.hint,
                section=said.section or _field_section(model, path),
            ),
        )
    return list(problems.values())
