"""The composer: YAML text -> nodes with positions, under YAML 1.2 core rules and hard limits.

Positions here are the composer's own: 0-based line and column, columns counting code points.
"""

from __future__ import annotations

import math

import pytest
import yaml

from cyclemap.format.codes import YAML_FEATURE
from cyclemap.loading.yaml_nodes import (
    MAX_DEPTH,
    MappingNode,
    NodeError,
    ScalarNode,
    SequenceNode,
    YamlFloat,
    YamlInt,
    compose,
    problem_at,
    to_data,
)


def refused(text: str) -> tuple[int, int, str]:
    """(line, column, message) of the composer's refusal of `text` (0-based positions)."""
    with pytest.raises(NodeError) as caught:
        compose(text)
    return caught.value.line, caught.value.column, caught.value.message


def value_node(text: str, key: str = "a") -> ScalarNode:
    """The scalar node of `key` in a one-mapping document."""
    root = compose(text)
    assert isinstance(root, MappingNode)
    node = root.entries[key][1]
    assert isinstance(node, ScalarNode)
    return node


# --- YAML 1.2 core resolution --------------------------------------------------------------


@pytest.mark.parametrize("word", ["no", "No", "NO", "on", "yes", "off", "y", "n", "Off", "YES"])
def test_yaml_1_1_booleans_stay_text(word: str) -> None:
    node = value_node(f"a: {word}\n")
    assert node.value == word
    assert type(node.value) is str


def test_yaml_1_1_boolean_keys_stay_text() -> None:
    root = compose("on: 1\nno: 2\nyes: 3\noff: 4\n")
    assert isinstance(root, MappingNode)
    assert list(root.entries) == ["on", "no", "yes", "off"]


@pytest.mark.parametrize(
    "text", ["1:30", "190:20:30", "2024-01-01", "2001-12-14t21:59:43.10-05:00"]
)
def test_sexagesimal_and_timestamps_stay_text(text: str) -> None:
    node = value_node(f"a: {text}\n")
    assert node.value == text
    assert type(node.value) is str


def test_leading_zero_is_a_decimal_int_that_remembers_its_text() -> None:
    node = value_node("a: 010\n")
    assert isinstance(node.value, YamlInt)
    assert node.value == 10  # YAML 1.2: decimal, not octal 8
    assert node.value.text == "010"
    assert node.text == "010"


def test_float_remembers_its_text() -> None:
    node = value_node("a: 3.10\n")
    assert isinstance(node.value, YamlFloat)
    assert node.value == 3.1
    assert node.value.text == "3.10"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0o17", 15),
        ("0x1F", 31),
        ("-7", -7),
        ("+7", 7),
        ("1e3", 1000.0),
        ("-.5", -0.5),
        ("1.", 1.0),
    ],
)
def test_core_schema_numbers(text: str, expected: float) -> None:
    node = value_node(f"a: {text}\n")
    assert node.value == expected
    assert type(node.value) is (YamlFloat if isinstance(expected, float) else YamlInt)
    assert node.value.text == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("true", True),
        ("True", True),
        ("TRUE", True),
        ("false", False),
        ("FALSE", False),
        ("null", None),
        ("Null", None),
        ("~", None),
        ("", None),
    ],
)
def test_core_schema_booleans_and_null(text: str, expected: object) -> None:
    assert value_node(f"a: {text}\n").value is expected


@pytest.mark.parametrize("text", [".inf", "+.inf", ".Inf", ".INF"])
def test_positive_infinity(text: str) -> None:
    value = value_node(f"a: {text}\n").value
    assert isinstance(value, float)
    assert value == math.inf


def test_negative_infinity() -> None:
    assert value_node("a: -.inf\n").value == -math.inf


@pytest.mark.parametrize("text", [".nan", ".NaN", ".NAN"])
def test_nan(text: str) -> None:
    value = value_node(f"a: {text}\n").value
    assert isinstance(value, float)
    assert math.isnan(value)


@pytest.mark.parametrize("text", ["'no'", '"010"', "'true'", '"null"', "'3.10'"])
def test_quoted_scalars_are_text_and_not_plain(text: str) -> None:
    node = value_node(f"a: {text}\n")
    assert node.value == text[1:-1]
    assert node.plain is False


def test_to_data_gives_plain_python() -> None:
    root = compose("a: [1, x, {b: null}]\nc: {}\n")
    assert root is not None
    assert to_data(root) == {"a": [1, "x", {"b": None}], "c": {}}


def test_empty_document_is_none() -> None:
    assert compose("") is None
    assert compose("# only a comment\n") is None


# --- positions ------------------------------------------------------------------------------


def test_positions_are_zero_based() -> None:
    root = compose("a: 1\nlist:\n  - x\n  - {k: v}\n")
    assert isinstance(root, MappingNode)
    assert (root.line, root.column) == (0, 0)
    key, value = root.entries["a"]
    assert (key.line, key.column, value.line, value.column) == (0, 0, 0, 3)
    sequence = root.entries["list"][1]
    assert isinstance(sequence, SequenceNode)
    assert (sequence.line, sequence.column) == (2, 2)
    first, second = sequence.items
    assert (first.line, first.column) == (2, 4)
    assert isinstance(second, MappingNode)
    assert (second.line, second.column) == (3, 4)
    k_key, v_value = second.entries["k"]
    assert (k_key.line, k_key.column, v_value.line, v_value.column) == (3, 5, 3, 8)


def test_columns_count_code_points_after_emoji() -> None:
    # Each emoji is one code point (4 UTF-8 bytes, 2 UTF-16 units): columns count it once.
    root = compose("😀😀: x\nname: {😀: 1, b: 2}\n")
    assert isinstance(root, MappingNode)
    key, value = root.entries["😀😀"]
    assert (key.line, key.column, value.column) == (0, 0, 4)
    inner = root.entries["name"][1]
    assert isinstance(inner, MappingNode)
    emoji_key, emoji_value = inner.entries["😀"]
    b_key, b_value = inner.entries["b"]
    assert (emoji_key.column, emoji_value.column) == (7, 10)
    assert (b_key.column, b_value.column) == (13, 16)


def test_problem_at_makes_positions_one_based() -> None:
    error = NodeError(4, 2, "message", "hint", YAML_FEATURE)
    problem = problem_at("f.yaml", error, "steps[0]")
    assert (problem.file, problem.line, problem.column) == ("f.yaml", 5, 3)
    assert (problem.path, problem.message, problem.hint) == ("steps[0]", "message", "hint")
    assert (problem.code, problem.see) == ("CM006", "docs/format.md#yaml")


# --- duplicate keys ------------------------------------------------------------------------


def test_duplicate_key_names_both_lines() -> None:
    assert refused("a: 1\nb: 2\na: 3\n") == (2, 0, "duplicate key `a` (first written at line 1)")


def test_duplicate_key_nested_in_flow_mapping() -> None:
    text = "steps:\n  - id: x\n    next: {to: a, share: 1, to: b}\n"
    assert refused(text) == (2, 28, "duplicate key `to` (first written at line 3)")


def test_quoted_and_plain_spellings_of_a_key_are_duplicates() -> None:
    assert refused('id: x\n"id": y\n') == (1, 0, "duplicate key `id` (first written at line 1)")


def test_same_key_in_different_mappings_is_fine() -> None:
    assert to_data(compose("a: {id: 1}\nb: {id: 2}\n")) == {"a": {"id": 1}, "b": {"id": 2}}  # type: ignore[arg-type]


# --- anchors, aliases, merge keys, tags ----------------------------------------------------


def test_anchor_refused() -> None:
    assert refused("a: &x 1\nb: 2\n") == (0, 3, "anchors (`&x`) are not allowed in journeys")


def test_alias_refused() -> None:
    # The parser does not check that the anchor exists; the composer refuses every alias.
    assert refused("a: 1\nb: *x\n") == (1, 3, "aliases (`*x`) are not allowed in journeys")


def test_anchor_is_refused_before_its_alias() -> None:
    assert refused("a: &x [1]\nb: *x\n") == (0, 3, "anchors (`&x`) are not allowed in journeys")


def test_alias_bomb_refused_at_the_first_anchor() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
    )
    assert refused(bomb) == (0, 3, "anchors (`&a`) are not allowed in journeys")


def test_merge_key_refused() -> None:
    assert refused("a:\n  <<: {b: 1}\n") == (1, 2, "merge keys (`<<`) are not allowed in journeys")


def test_quoted_merge_key_is_an_ordinary_key() -> None:
    assert to_data(compose("'<<': 1\n")) == {"<<": 1}  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("a: !!python/object:os.system x\n", "!!python/object:os.system"),
        ("a: !!python/object/apply:os.system [ls]\n", "!!python/object/apply:os.system"),
        ("a: !!binary aGVsbG8=\n", "!!binary"),
        ("a: !custom x\n", "!custom"),
        ("a: !!str 1\n", "!!str"),
        ("a: !!map {b: 1}\n", "!!map"),
    ],
)
def test_explicit_tags_refused(text: str, shown: str) -> None:
    assert refused(text) == (0, 3, f"YAML tags (`{shown}`) are not allowed in journeys")


def test_non_scalar_key_refused() -> None:
    assert refused("? [a, b]\n: 1\n") == (0, 2, "a mapping key must be a plain value")


# --- limits --------------------------------------------------------------------------------


def test_nesting_at_the_limit_is_accepted() -> None:
    depth = MAX_DEPTH
    root = compose("[" * depth + "]" * depth)
    for _ in range(depth - 1):
        assert isinstance(root, SequenceNode)
        root = root.items[0]
    assert root == SequenceNode(0, depth - 1, [])


def test_nesting_one_past_the_limit_is_refused() -> None:
    depth = MAX_DEPTH + 1
    assert refused("[" * depth + "]" * depth) == (
        0,
        MAX_DEPTH,
        f"the document is nested more than {MAX_DEPTH} levels deep",
    )


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        pytest.param("[" * 100_000 + "]" * 100_000, 0, MAX_DEPTH, id="flow-sequences"),
        pytest.param(
            "a: " + "{a: " * 100_000 + "}" * 100_000, 0, 3 + 4 * (MAX_DEPTH - 1), id="flow-mappings"
        ),
        pytest.param("[" * 100_000, 0, MAX_DEPTH, id="flow-unclosed"),
        pytest.param("- " * 100_000 + "x\n", 0, 2 * MAX_DEPTH, id="block-sequences"),
        pytest.param(
            "x:\n" + "- " * 100_000 + "x\n", 1, 2 * (MAX_DEPTH - 1), id="block-in-mapping"
        ),
        # Block mappings need one more space per level, so 100,000 levels would be 5 GB of
        # indentation; 2,000 levels (2 MB) is far past the limit all the same.
        pytest.param(
            "".join(" " * i + f"k{i}:\n" for i in range(2_000)),
            MAX_DEPTH,
            MAX_DEPTH,
            id="block-mappings",
        ),
    ],
)
def test_deep_nesting_fails_fast_with_a_clear_message(text: str, line: int, column: int) -> None:
    # The C parser segfaults and recursive composers raise RecursionError on input like this;
    # the composer must stop at the limit while streaming, before anything recursive runs.
    assert refused(text) == (
        line,
        column,
        f"the document is nested more than {MAX_DEPTH} levels deep",
    )


class _RefusingLoader:
    """Stands in for a libyaml build that refuses deep flow nesting itself, in its own words."""

    def __init__(self, text: str) -> None:
        self.mark = yaml.Mark("<unicode string>", 1000, 0, 1000, None, None)

    def get_event(self) -> None:
        raise yaml.scanner.ScannerError(
            "while increasing flow level", self.mark, "exceeded maximum nesting depth", self.mark
        )

    def dispose(self) -> None:
        pass


@pytest.mark.parametrize("c_parser_refuses", [False, True])
def test_deep_nesting_message_is_the_same_whoever_notices_first(
    monkeypatch: pytest.MonkeyPatch, c_parser_refuses: bool
) -> None:
    """Whether the installed libyaml stops deep flow nesting itself or lets it stream to the
    depth check, the person reads one message, at the place this file passed its limit, and
    never that a closed bracket is unclosed."""
    if c_parser_refuses:
        monkeypatch.setattr("cyclemap.loading.yaml_nodes._EventLoader", _RefusingLoader)
        monkeypatch.setattr("cyclemap.loading.yaml_nodes.C_PARSER", True)
    text = "[" * 5_000 + "]" * 5_000
    assert refused(text) == (
        0,
        MAX_DEPTH,
        f"the document is nested more than {MAX_DEPTH} levels deep",
    )


def test_other_syntax_errors_of_the_c_parser_pass_through(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(yaml.YAMLError):
        compose("a: [1, 2\n")


def test_second_document_refused() -> None:
    assert refused("a: 1\n---\nb: 2\n") == (1, 0, "the file holds more than one YAML document")


def test_second_document_after_end_marker_refused() -> None:
    assert refused("a: 1\n...\n---\nb: 2\n") == (2, 0, "the file holds more than one YAML document")


def test_one_document_with_markers_is_fine() -> None:
    assert to_data(compose("%YAML 1.2\n---\na: 1\n...\n")) == {"a": 1}  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("escape", "code"),
    [("\\x1b", "001B"), ("\\u0007", "0007"), ("\\0", "0000"), ("\\x7f", "007F"), ("\\b", "0008")],
)
def test_control_characters_from_escapes_refused(escape: str, code: str) -> None:
    assert refused(f'a: "x{escape}y"\n') == (
        0,
        3,
        f"the text contains the control character U+{code}",
    )


def test_control_character_in_a_key_refused() -> None:
    assert refused('"a\\x1b": 1\n') == (0, 0, "the text contains the control character U+001B")


def test_tab_newline_and_return_escapes_are_allowed() -> None:
    assert value_node('a: "x\\ty\\nz\\r"\n').value == "x\ty\nz\r"


def test_lone_surrogate_escape_is_a_syntax_error() -> None:
    with pytest.raises(yaml.YAMLError, match="invalid Unicode character escape code"):
        compose('a: "\\ud800"\n')


def test_int_over_4300_digits_is_too_large() -> None:
    assert refused("a: " + "1" * 4301 + "\n") == (
        0,
        3,
        "the number `11111111111111111111...` is too large",
    )


def test_int_of_4300_digits_is_fine() -> None:
    value = value_node("a: " + "7" * 4300 + "\n").value
    assert isinstance(value, YamlInt)
    assert len(value.text) == 4300


def test_huge_float_is_infinity_not_an_error() -> None:
    assert value_node("a: 1e400\n").value == math.inf
