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
import sys
from dataclasses import dataclass, field
from typing import Any, Union

import yaml

from cyclemap.errors import PicklableError, Problem
from cyclemap.format.codes import (
    DECIMAL_COMMA,
    DUPLICATE_KEY,
    FILE_TOO_LARGE,
    FORBIDDEN_CHARACTER,
    NOT_A_NUMBER,
    ONE_DOCUMENT,
    THOUSANDS_SEPARATOR,
    YAML_FEATURE,
    Code,
)
from cyclemap.format.numbers import Written, comma_split, plain
from cyclemap.util.i18n import _, ngettext
from cyclemap.util.numbers import number

try:  # libyaml's C parser when PyYAML was built with it; the pure-Python parser otherwise
    from yaml import CSafeLoader as _EventLoader

    C_PARSER = True
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _EventLoader  # type: ignore[assignment]

    C_PARSER = False

MAX_DEPTH = 32
"""Deepest nesting of mappings and sequences accepted; a journey needs fewer than ten."""

RESOLVED_KEPT = 4096
"""Most distinct plain numbers and words kept, once resolved, for their next occurrences."""

_UNRESOLVED = object()

MAX_EVENTS = 6_000_000
"""Most YAML events (values, keys, collections) read from one file: a 100,000-step journey has
about 4 million; a hostile 30 MB list of tiny values would otherwise take a minute and gigabytes."""


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


class NodeError(PicklableError):
    """Raised inside the composer; carries a problem without a file name yet."""

    def __init__(self, line: int, column: int, message: str, hint: str, code: Code) -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.message = message
        self.hint = hint
        self.code = code


@dataclass(frozen=True)
class CommaSplit:
    """A number that a flow mapping's commas cut into pieces: `{volume: 4,000}` is read as
    `volume: 4` and a key `000` without a value."""

    key: ScalarNode
    value: ScalarNode
    pieces: tuple[str, ...]
    meant: Written

    def said(self) -> tuple[str, str, Code]:
        """(message, hint, code) for the person who wrote it."""
        name, first = self.key.text, self.value.text
        message = ngettext(
            "`{name}: {written}` is read as `{name}: {first}` and a field {keys}: inside "
            "`{{...}}` a comma separates fields",
            "`{name}: {written}` is read as `{name}: {first}` and fields {keys}: inside "
            "`{{...}}` a comma separates fields",
            len(self.pieces),
        ).format(
            name=name,
            written=",".join([first, *self.pieces]),
            first=first,
            keys=", ".join(f"`{piece}`" for piece in self.pieces),
        )
        meant = plain(self.meant.number)
        if self.meant.kind == "thousands":
            hint = _("write `{name}: {number}`, without the separator")
            return message, hint.format(name=name, number=meant), THOUSANDS_SEPARATOR
        hint = _("write `{name}: {number}`, with a decimal point")
        return message, hint.format(name=name, number=meant), DECIMAL_COMMA


def find_comma_split(
    entries: list[tuple[ScalarNode, Node]], *, then: str | None = None
) -> CommaSplit | None:
    """The number cut into the last of a mapping's `entries` (and a key `then` still to come),
    if they end in keys of digits without values after a whole number, on one line."""
    pieces = [then] if then is not None else []
    line = entries[-1][0].line if entries else -1
    for key, value in reversed(entries):
        if key.line != line or not key.plain or not isinstance(value, ScalarNode):
            return None
        if value.value is None and key.text.isdigit() and key.text.isascii():
            pieces.insert(0, key.text)
            continue
        if not pieces or not value.plain or type(value.value) is not YamlInt:
            return None
        meant = comma_split(value.text, pieces)
        return CommaSplit(key, value, tuple(pieces), meant) if meant is not None else None
    return None


_INT_DECIMAL = re.compile(r"[-+]?[0-9]+\Z")
_INT_OCTAL = re.compile(r"0o[0-7]+\Z")
_INT_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_INF = re.compile(r"[-+]?\.(inf|Inf|INF)\Z")
_NAN = re.compile(r"\.(nan|NaN|NAN)\Z")
_WORDS: dict[str, object] = {
    **dict.fromkeys(("", "~", "null", "Null", "NULL"), None),
    **dict.fromkeys(("true", "True", "TRUE"), True),
    **dict.fromkeys(("false", "False", "FALSE"), False),
}
_NOT_A_WORD = object()
_NUMBER_STARTS = frozenset("0123456789+-.~")
_FORBIDDEN_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def resolve_plain(text: str, line: int, column: int) -> object:
    """Resolve a plain scalar with the YAML 1.2 core schema (no YAML 1.1 surprises)."""
    word = _WORDS.get(text, _NOT_A_WORD)
    if word is not _NOT_A_WORD:
        return word
    if text[:1] not in _NUMBER_STARTS:
        return text
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
            _("the number `{number}...` is too large").format(number=text[:20]),
            _("write a number of reasonable size"),
            NOT_A_NUMBER,
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
            _("the text contains the control character U+{code:04X}").format(code=code),
            _("remove the escape sequence that produces it"),
            FORBIDDEN_CHARACTER,
        )


def _refuse_node_event(event: yaml.NodeEvent, line: int, column: int) -> None:
    """Anchors, aliases and tags: journeys never need them, and they are how YAML is abused."""
    if isinstance(event, yaml.AliasEvent):
        raise NodeError(
            line,
            column,
            _("aliases (`*{anchor}`) are not allowed in journeys").format(anchor=event.anchor),
            _("write the value out in full instead of referring to an anchor"),
            YAML_FEATURE,
        )
    if event.anchor is not None:
        raise NodeError(
            line,
            column,
            _("anchors (`&{anchor}`) are not allowed in journeys").format(anchor=event.anchor),
            _("remove the anchor and write each value out in full"),
            YAML_FEATURE,
        )
    tag = getattr(event, "tag", None)
    if tag is not None:
        shown = tag.replace("tag:yaml.org,2002:", "!!")
        raise NodeError(
            line,
            column,
            _("YAML tags (`{tag}`) are not allowed in journeys").format(tag=shown),
            _("remove the tag; quote the value if it must be text"),
            YAML_FEATURE,
        )


def _check_key(parent: MappingNode, key: ScalarNode) -> None:
    if key.text == "<<" and key.plain:
        raise NodeError(
            key.line,
            key.column,
            _("merge keys (`<<`) are not allowed in journeys"),
            _("write the fields out in full"),
            YAML_FEATURE,
        )
    if key.text in parent.entries:
        split = find_comma_split(list(parent.entries.values()), then=key.text)
        if split is not None:  # `{volume: 4,000,000}` repeats the key `000`
            raise NodeError(split.value.line, split.value.column, *split.said())
        first = parent.entries[key.text][0]
        raise NodeError(
            key.line,
            key.column,
            _("duplicate key `{key}` (first written at line {line})").format(
                key=key.text, line=first.line + 1
            ),
            _("keep only one of them"),
            DUPLICATE_KEY,
        )


def compose(text: str) -> Node | None:
    """Build the node tree of a one-document YAML text; None when the document is empty.

    Raises `NodeError` for anything refused here and lets `yaml.YAMLError` through for syntax
    errors, which the caller turns into positioned problems.
    """
    try:
        return _compose(text, _EventLoader)
    except yaml.YAMLError as error:
        if not (C_PARSER and _is_nesting_refusal(error)):
            raise
    # Newer libyaml builds refuse deep flow nesting themselves, while scanning ahead and before
    # any event for the nested collections reaches the depth check below, and say so in their
    # own words at their own (much deeper) limit. The pure-Python parser streams the same
    # events without that limit, so the depth check fires where this file passed its own limit.
    return _compose(text, yaml.SafeLoader)


def _is_nesting_refusal(error: yaml.YAMLError) -> bool:
    return "nesting depth" in str(getattr(error, "problem", "") or "")


def _compose(text: str, loader_class: type[Any]) -> Node | None:
    """`compose` with the given event source. This loop runs once per YAML event (tens per
    step), so it is written for speed: the common scalar case comes first, the open collection
    and its waiting key are kept in local variables, and the rare checks are behind cheap
    tests. Keys are interned and a value on its key's line shares the key's line number: a
    100,000-step journey has millions of both."""
    root: Node | None = None
    documents = 0
    # The open collections below the current one, each with the key it waits to fill.
    stack: list[tuple[MappingNode | SequenceNode, ScalarNode | None]] = []
    current: MappingNode | SequenceNode | None = None
    in_mapping = False
    key: ScalarNode | None = None  # the current mapping's key waiting for its value
    loader = loader_class(text)
    get_event = loader.get_event
    scalar_event, alias_event = yaml.ScalarEvent, yaml.AliasEvent
    mapping_start, sequence_start = yaml.MappingStartEvent, yaml.SequenceStartEvent
    mapping_end, sequence_end = yaml.MappingEndEvent, yaml.SequenceEndEvent
    scalar_node, intern = ScalarNode, sys.intern
    resolved: dict[str, object] = {}  # `0.7` written many times is one number (with its text)
    budget = MAX_EVENTS
    try:
        while True:
            event: Any = get_event()
            if event is None:
                break
            budget -= 1
            if not budget:
                _too_many_events(event)
            kind = type(event)
            node: Node
            if kind is scalar_event:
                mark = event.start_mark
                line, column = mark.line, mark.column
                if event.anchor is not None or event.tag is not None:
                    _refuse_node_event(event, line, column)
                value_text = event.value
                if not value_text.isprintable():
                    _check_text(value_text, line, column)
                plain = not event.style
                if in_mapping and key is None:
                    assert isinstance(current, MappingNode)
                    value_text = intern(value_text)
                    key = scalar_node(value_text, value_text, line, column, plain)
                    if value_text in current.entries or value_text == "<<":
                        _check_key(current, key)
                    continue
                if key is not None and key.line == line:
                    line = key.line  # one int object for both
                if plain:
                    value = resolved.get(value_text, _UNRESOLVED)
                    if value is _UNRESOLVED:
                        value = resolve_plain(value_text, line, column)
                        if value is not value_text and len(resolved) < RESOLVED_KEPT:
                            resolved[value_text] = value
                else:
                    value = value_text
                node = scalar_node(value, value_text, line, column, plain)
            elif kind is mapping_start or kind is sequence_start or kind is alias_event:
                mark = event.start_mark
                line, column = mark.line, mark.column
                if event.anchor is not None or kind is alias_event or event.tag is not None:
                    _refuse_node_event(event, line, column)
                if len(stack) + (current is not None) >= MAX_DEPTH:
                    raise NodeError(
                        line,
                        column,
                        _("the document is nested more than {depth} levels deep").format(
                            depth=MAX_DEPTH
                        ),
                        _("a journey needs only a few levels; check the indentation"),
                        FILE_TOO_LARGE,
                    )
                if current is not None:
                    stack.append((current, key))
                if kind is mapping_start:
                    current, in_mapping = MappingNode(line, column), True
                else:
                    current, in_mapping = SequenceNode(line, column), False
                key = None
                continue
            elif kind is mapping_end or kind is sequence_end:
                assert current is not None
                node = current
                if stack:
                    current, key = stack.pop()
                    in_mapping = type(current) is MappingNode
                else:
                    current, key, in_mapping = None, None, False
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    mark = event.start_mark
                    raise NodeError(
                        mark.line,
                        mark.column,
                        _("the file holds more than one YAML document"),
                        _("keep one journey per file and remove the extra `---` document"),
                        ONE_DOCUMENT,
                    )
                continue
            else:  # stream start and end, document end
                continue
            # Attach the finished node to its parent.
            if current is None:
                root = node
            elif not in_mapping:
                current.items.append(node)  # type: ignore[union-attr]
            elif key is None:
                raise NodeError(
                    node.line,
                    node.column,
                    _("a mapping key must be a plain value"),
                    _("use a simple name as the key"),
                    YAML_FEATURE,
                )
            else:
                current.entries[key.text] = (key, node)  # type: ignore[union-attr]
                key = None
    finally:
        loader.dispose()
    return root


def _too_many_events(event: Any) -> None:
    mark = event.start_mark
    raise NodeError(
        mark.line,
        mark.column,
        _("the file holds more than {count} values; far more than a journey").format(
            count=number(MAX_EVENTS)
        ),
        _("split it into several journeys, or check that this is the right file"),
        FILE_TOO_LARGE,
    )


def to_data(node: Node) -> object:
    """Plain Python data for validation (depth is bounded by `compose`)."""
    if isinstance(node, ScalarNode):
        return node.value
    if isinstance(node, MappingNode):
        return {key: to_data(value) for key, (_, value) in node.entries.items()}
    return [to_data(item) for item in node.items]


def problem_at(file: str, error: NodeError, path: str = "") -> Problem:
    line, column = error.line + 1, error.column + 1
    return error.code.problem(file, line, column, path, error.message, error.hint)
