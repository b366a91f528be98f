"""YAML text -> a tree of nodes that remember where they were written.

PyYAML's own loaders are unsafe for files written by strangers: composing is recursive (the C
loader segfaults on deep nesting), aliases can expand a few hundred bytes into gigabytes once
anything walks the result, duplicate keys are silently overwritten, and YAML 1.1 turns `no`,
`on`, `1:30` and `010` into booleans and numbers. So the document is built here from the parser's
event stream, in one iterative pass that enforces the limits before anything can grow: no
anchors, aliases or tags, a maximum depth, one document, no duplicate keys. Plain scalars are
resolved with the YAML 1.2 core schema, and every scalar keeps the text that was written so
fields that want text (ids, names) get exactly what the user typed.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Union

import yaml

from cyclemap.errors import Problem

try:  # libyaml's C parser when PyYAML was built with it; the pure-Python parser otherwise
    from yaml import CSafeLoader as _EventLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _EventLoader  # type: ignore[assignment]

MAX_DEPTH = 32
"""Deepest nesting of mappings and sequences accepted; a journey needs fewer than ten."""


@dataclass(slots=True)
class ScalarNode:
    value: object
    text: str
    line: int
    column: int
    plain: bool = True


@dataclass(slots=True)
class MappingNode:
    line: int
    column: int
    entries: dict[str, tuple[ScalarNode, Node]] = field(default_factory=dict)


@dataclass(slots=True)
class SequenceNode:
    line: int
    column: int
    items: list[Node] = field(default_factory=list)


Node = Union[ScalarNode, MappingNode, SequenceNode]


class YamlInt(int):
    """An int that remembers how it was written (`010`), for fields that want text."""

    text: str


class YamlFloat(float):
    """A float that remembers how it was written (`3.10`), for fields that want text."""

    text: str


class NodeError(Exception):
    """Raised inside the composer; carries a problem without a file name yet."""

    def __init__(self, line: int, column: int, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.message = message
        self.hint = hint


_INT_DECIMAL = re.compile(r"[-+]?[0-9]+\Z")
_INT_OCTAL = re.compile(r"0o[0-7]+\Z")
_INT_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_INF = re.compile(r"[-+]?\.(inf|Inf|INF)\Z")
_NAN = re.compile(r"\.(nan|NaN|NAN)\Z")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_FORBIDDEN_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def resolve_plain(text: str, line: int, column: int) -> object:
    """Resolve a plain scalar with the YAML 1.2 core schema (no YAML 1.1 surprises)."""
    if text in _NULLS:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    try:
        if _INT_DECIMAL.match(text):
            number: YamlInt | YamlFloat = YamlInt(text, 10)
        elif _INT_OCTAL.match(text):
            number = YamlInt(text[2:], 8)
        elif _INT_HEX.match(text):
            number = YamlInt(text[2:], 16)
        elif _FLOAT.match(text):
            number = YamlFloat(text)
        elif _NAN.match(text):
            number = YamlFloat(math.nan)
        elif _INF.match(text):
            number = YamlFloat(math.copysign(math.inf, -1.0 if text.startswith("-") else 1.0))
        else:
            return text
    except ValueError:  # Python refuses ints of more than 4,300 digits
        raise NodeError(
            line,
            column,
            f"the number `{text[:20]}...` is too large",
            "write a number of reasonable size",
        ) from None
    number.text = text
    return number


def _check_text(text: str, line: int, column: int) -> None:
    bad = _FORBIDDEN_CHARS.search(text)
    if bad:
        code = ord(bad.group())
        raise NodeError(
            line,
            column,
            f"the text contains the control character U+{code:04X}",
            "remove the escape sequence that produces it",
        )


def _event_position(event: yaml.Event) -> tuple[int, int]:
    mark = event.start_mark
    return (mark.line, mark.column) if mark is not None else (0, 0)


def compose(text: str) -> Node | None:
    """Build the node tree of a one-document YAML text; None when the document is empty.

    Raises `NodeError` for anything refused here and lets `yaml.YAMLError` through for syntax
    errors, which the caller turns into positioned problems.
    """
    root: Node | None = None
    documents = 0
    # Each open collection with, for mappings, the key waiting for its value.
    stack: list[tuple[MappingNode | SequenceNode, ScalarNode | None]] = []

    def attach(node: Node) -> None:
        nonlocal root
        if not stack:
            root = node
            return
        parent, pending_key = stack[-1]
        if isinstance(parent, SequenceNode):
            parent.items.append(node)
        elif pending_key is None:
            if not isinstance(node, ScalarNode):
                raise NodeError(
                    node.line,
                    node.column,
                    "a mapping key must be a plain value",
                    "use a simple name as the key",
                )
            key_text = node.text
            if key_text == "<<" and node.plain:
                raise NodeError(
                    node.line,
                    node.column,
                    "merge keys (`<<`) are not allowed in journeys",
                    "write the fields out in full",
                )
            if key_text in parent.entries:
                first = parent.entries[key_text][0]
                raise NodeError(
                    node.line,
                    node.column,
                    f"duplicate key `{key_text}` (first written at line {first.line + 1})",
                    "keep only one of them",
                )
            stack[-1] = (parent, node)
        else:
            parent.entries[pending_key.text] = (pending_key, node)
            stack[-1] = (parent, None)

    for event in yaml.parse(text, Loader=_EventLoader):
        if isinstance(event, (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent)):
            continue
        line, column = _event_position(event)
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise NodeError(
                    line,
                    column,
                    "the file holds more than one YAML document",
                    "keep one journey per file and remove the extra `---` document",
                )
            continue
        if isinstance(event, yaml.AliasEvent):
            raise NodeError(
                line,
                column,
                f"aliases (`*{event.anchor}`) are not allowed in journeys",
                "write the value out in full instead of referring to an anchor",
            )
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            finished, _ = stack.pop()
            attach(finished)
            continue
        assert isinstance(event, yaml.NodeEvent)
        if event.anchor is not None:
            raise NodeError(
                line,
                column,
                f"anchors (`&{event.anchor}`) are not allowed in journeys",
                "remove the anchor and write each value out in full",
            )
        tag = getattr(event, "tag", None)
        if tag is not None:
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            raise NodeError(
                line,
                column,
                f"YAML tags (`{shown}`) are not allowed in journeys",
                "remove the tag; quote the value if it must be text",
            )
        if isinstance(event, yaml.ScalarEvent):
            value_text = event.value
            _check_text(value_text, line, column)
            plain = not event.style
            value = resolve_plain(value_text, line, column) if plain else value_text
            attach(ScalarNode(value, value_text, line, column, plain))
            continue
        if len(stack) >= MAX_DEPTH:
            raise NodeError(
                line,
                column,
                f"the document is nested more than {MAX_DEPTH} levels deep",
                "a journey needs only a few levels; check the indentation",
            )
        collection: MappingNode | SequenceNode
        if isinstance(event, yaml.MappingStartEvent):
            collection = MappingNode(line, column)
        else:
            collection = SequenceNode(line, column)
        stack.append((collection, None))
    return root


def to_data(node: Node) -> object:
    """Plain Python data for validation (depth is bounded by `compose`)."""
    if isinstance(node, ScalarNode):
        return node.value
    if isinstance(node, MappingNode):
        return {key: to_data(value) for key, (_, value) in node.entries.items()}
    return [to_data(item) for item in node.items]


def problem_at(file: str, error: NodeError, path: str = "") -> Problem:
    return Problem(file, error.line + 1, error.column + 1, path, error.message, error.hint)
