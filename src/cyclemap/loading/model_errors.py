"""pydantic's validation errors rewritten for the people who wrote the YAML.

pydantic says `Extra inputs are not permitted` at `('steps', 3, 'next', 0, 'shar')`; the user
needs `journey.yaml:41:9: `shar` is not a field of a transition; did you mean `share`?`.
"""

from __future__ import annotations

import json
import re
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


def _noun(
    model: type[BaseModel], loc: Sequence[int | str], root: Node | None
) -> tuple[str, str, str]:
    """What the mapping at `loc` is: (its noun, the field naming it, the name), the last two
    empty when it is not named by an `id` (or, a transition, a `to`)."""
    found = model_at(model, loc)
    noun = getattr(found, "noun", None)
    if not isinstance(noun, str) or noun not in _NOT_A_FIELD or root is None:
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


@dataclass(frozen=True)
class _Said:
    """What one problem says: the message, the hint, its code and, when it is about no one
    field, the section of the format reference that explains it."""

    message: str
    hint: str
    code: Code
    section: str = ""


def _written(node: Node | None, value: object) -> tuple[str, bool]:
    """The scalar's text as written and whether it was quoted (without a YAML node, as in a
    TOML file, a text value was written in quotes)."""
    if isinstance(node, ScalarNode):
        return node.text, not node.plain
    if node is None and isinstance(value, str):
        return value, True
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


def _not_a_number(
    name: str, parent: type[BaseModel] | None, node: Node | None, value: object
) -> _Said:
    """Text where a number belongs: what the person most likely meant, and how to write it."""
    text, quoted = _written(node, value)
    values = {"field": f"`{name}`", "value": _shown(value), "name": name}
    written = read_written(text) if isinstance(value, str) else None
    if written is not None and written.kind == "percentage":
        if not _is_fraction(parent, name):
            example = _example(parent, name)
            return _Said(
                _("{field} must be a number, not a percentage (got {value})").format(**values),
                _("write the number itself, e.g. {example}").format(example=example)
                if example
                else _("write the number"),
                PERCENTAGE,
            )
        fraction = written.number / 100
        if fraction > 1 and name == "abandon":
            return _Said(
                _(
                    "{field} must be a fraction from 0 to 1, and {value} is more than all "
                    "the customers"
                ).format(**values),
                _(_LEAVE_HINT),
                PERCENTAGE,
            )
        return _Said(
            _("{field} must be a fraction, not a percentage (got {value})").format(**values),
            _("write `{name}: {fraction}` ({percent} is {fraction})").format(
                name=name, fraction=plain(fraction), percent=plain(written.number) + "%"
            ),
            PERCENTAGE,
        )
    if written is not None and written.kind == "thousands":
        return _Said(
            _("{field} must be written without thousands separators (got {value})").format(
                **values
            ),
            _("write `{name}: {number}`, without the separator").format(
                name=name, number=plain(written.number)
            ),
            THOUSANDS_SEPARATOR,
        )
    if written is not None:
        return _Said(
            _("{field} must be written with a decimal point, not a comma (got {value})").format(
                **values
            ),
            _("write `{name}: {number}`").format(name=name, number=plain(written.number)),
            DECIMAL_COMMA,
        )
    if quoted and isinstance(resolve_plain(text.strip(), 0, 0), (int, float)):
        return _Said(
            _("{field} must be a number, not text (got {value} in quotes)").format(**values),
            _("write it without quotes: `{name}: {number}`").format(name=name, number=text.strip()),
            NOT_A_NUMBER,
        )
    return _Said(
        _("{field} must be a number (got {value})").format(**values),
        _write_a_number(parent, name),
        NOT_A_NUMBER,
    )


def _write_a_number(parent: type[BaseModel] | None, name: str) -> str:
    example = _example(parent, name)
    return _("write a number, e.g. {example}").format(example=example) if example else _(
        "write a number"
    )


_LEAVE_HINT = N_("write the share of the customers who leave here: 0 is nobody, 1 is everybody")
_RANGE_HINTS = {
    "abandon": _LEAVE_HINT,
    "score": N_("write a whole number from 1 (awful) to 5 (delighted)"),
    "volume": N_("write how many customers enter here in the period, 0 or more"),
    "share": N_("a share is a weight above 0; remove the transition if no customer takes it"),
}
_TRUE_WORDS = frozenset({"yes", "y", "on", "si", "sí", "verdadero", "cierto"})
_FALSE_WORDS = frozenset({"no", "n", "off", "falso"})


def _out_of_range(
    kind: str, name: str, parent: type[BaseModel] | None, value: object, limit: object
) -> _Said:
    message = _compared(kind).format(field=f"`{name}`", limit=_limit(limit), value=_shown(value))
    if (
        kind == "less_than_equal"
        and limit == 1
        and _is_fraction(parent, name)
        and isinstance(value, (int, float))
        and 2 <= value <= 100  # 1.5 is as likely a slip as 1.5%
    ):
        percent = Decimal(getattr(value, "text", None) or str(value))
        return _Said(
            _("{message}: it is a fraction, not a percentage").format(message=message),
            _("write `{name}: {fraction}` for {percent}").format(
                name=name, fraction=plain(percent / 100), percent=plain(percent) + "%"
            ),
            FRACTION_ABOVE_ONE,
        )
    if isinstance(limit, (int, float)) and limit >= LARGEST:
        return _Said(message, _("write a number of reasonable size"), OUT_OF_RANGE)
    advice = _RANGE_HINTS.get(name)
    hint = _(advice) if advice else _("write a value within those limits")
    return _Said(message, hint, OUT_OF_RANGE)


def _describe(
    error: ErrorDetails,
    model: type[BaseModel],
    path: tuple[int | str, ...],
    root: Node | None,
    *,
    named: str = "",
) -> _Said:
    """What to say about one pydantic error at a cleaned path (`named`: the field as the
    message names it, else by its key)."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    last = path[-1] if path else ""
    field = f"`{last}`" if isinstance(last, str) and last else f"`{format_path(path)}`"
    field = f"`{named}`" if named else field
    parent = model_at(model, path[:-1])
    values = {"field": field, "value": _shown(value)}
    if kind == "missing":
        noun, by, name = _noun(model, path[:-1], root)
        template = _REQUIRED_ON_NAMED[(noun, by)] if by else _REQUIRED[noun]
        return _Said(
            _(template).format(field=field, name=name),
            _("add `{field}:` to it").format(field=last),
            MISSING_FIELD,
        )
    if kind == "extra_forbidden":
        known = sorted(parent.model_fields) if parent is not None else []
        noun, _by, _name = _noun(model, path[:-1], root)
        guess = did_you_mean(str(last), known)
        message = _(_NOT_A_FIELD[noun]).format(field=field)
        section = str(getattr(parent, "section", ""))
        if guess:
            return _Said(
                did_you_mean_text(message, guess),
                _("rename it to `{guess}`").format(guess=guess),
                UNKNOWN_FIELD,
                section,
            )
        hint = _("known fields: {fields}").format(fields=", ".join(known))
        return _Said(message, hint, UNKNOWN_FIELD, section)
    if kind in ("literal_error", "enum"):
        expected = str(ctx.get("expected", "")).replace("'", "")
        options = [option.strip() for option in expected.replace(" or ", ", ").split(",")]
        message = _("{field} must be one of {options} (got {value})").format(
            options=", ".join(options), **values
        )
        guess = did_you_mean(str(value), options) if isinstance(value, str) else None
        if guess:
            return _Said(
                did_you_mean_text(message, guess),
                _("write `{field}: {guess}`").format(field=last, guess=guess),
                NOT_ONE_OF,
            )
        hint = _("write one of: {options}").format(options=", ".join(options))
        return _Said(message, hint, NOT_ONE_OF)
    if kind in ("float_type", "float_parsing"):
        if isinstance(value, int) and not isinstance(value, bool):
            return _Said(
                _("{field} is too large a number").format(**values),
                _("write a number of reasonable size"),
                NOT_A_NUMBER,
            )
        if not isinstance(value, str):
            return _Said(
                _("{field} must be a number (got {value})").format(**values),
                _write_a_number(parent, str(last)),
                NOT_A_NUMBER,
            )
        node = find_node(root, path)[0] if root is not None else None
        return _not_a_number(str(last), parent, node, value)
    if kind in ("int_type", "int_parsing", "int_from_float"):
        whole = _RANGE_HINTS.get(str(last))
        return _Said(
            _("{field} must be a whole number (got {value})").format(**values),
            _(whole) if whole else _("write e.g. `3`"),
            NOT_A_NUMBER,
        )
    if kind == "finite_number":
        return _Said(
            _("{field} must be a finite number, not NaN or infinity").format(**values),
            _("write an ordinary number"),
            NOT_A_NUMBER,
        )
    if kind == "string_type":
        return _Said(
            _("{field} must be text (got {value})").format(**values),
            _("write the text after the colon")
            if value is None
            else _("quote it if it is meant as text"),
            WRONG_TYPE,
        )
    if kind == "bool_type":
        word = str(value).strip().lower() if isinstance(value, str) else ""
        answer = "true" if word in _TRUE_WORDS else "false" if word in _FALSE_WORDS else ""
        return _Said(
            _("{field} must be true or false (got {value})").format(**values),
            _("write `{field}: {answer}`").format(field=last, answer=answer)
            if answer
            else _("write `true` or `false`"),
            WRONG_TYPE,
        )
    if kind in ("list_type", "tuple_type"):
        return _Said(
            _("{field} must be a list (got {value})").format(**values),
            _("start each item with `- `"),
            WRONG_TYPE,
        )
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return _Said(
            _("{field} must be a mapping of fields (got {value})").format(**values),
            _("write `key: value` pairs indented under it"),
            WRONG_TYPE,
        )
    if kind == "too_short":
        least = int(ctx.get("min_length", 1))
        return _Said(
            ngettext(
                "{field} must have at least {count} item",
                "{field} must have at least {count} items",
                least,
            ).format(field=field, count=least),
            _("add one"),
            EMPTY_LIST,
        )
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        return _out_of_range(kind, str(last), parent, value, next(iter(ctx.values()), ""))
    if kind == "cyclemap_thousands":
        return _Said(
            _(
                "{field} is written `{written}`, which YAML reads as {read}: the point "
                "is a decimal point, not a thousands separator"
            ).format(field=field, written=ctx["value"], read=ctx["read"]),
            _("write `{name}: {number}`, without the separator").format(
                name=last, number=ctx["meant"]
            ),
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


def describe_setting(error: ErrorDetails, model: type[BaseModel]) -> tuple[str, str]:
    """(message, hint) for a value of a configuration file, which has no YAML to point into
    (`fail-on = "warnings"`, a rule option out of its range), said as a journey's are."""
    path = tuple(error["loc"])
    said = _describe(error, model, path, None, named=".".join(map(str, path)))
    return said.message, re.sub(_YAML_PAIR, _as_toml, said.hint)


_YAML_PAIR = r"`([\w.-]+): ([^`]*)`"


def _as_toml(pair: re.Match[str]) -> str:
    """A hint's `key: value` as TOML writes it: `key = "value"` (numbers and true/false bare)."""
    key, value = pair.group(1), pair.group(2)
    bare = value in ("true", "false") or re.fullmatch(r"-?\d+(\.\d+)?", value) is not None
    return f"`{key} = {value if bare else json.dumps(value)}`"


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
