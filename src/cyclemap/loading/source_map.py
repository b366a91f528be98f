"""From a field path back to the line and column where the user wrote it."""

from __future__ import annotations

from collections.abc import Sequence

from cyclemap.loading.yaml_nodes import MappingNode, Node, ScalarNode, SequenceNode

Loc = Sequence["int | str"]


def find_node(root: Node, loc: Loc) -> tuple[Node, tuple[int | str, ...]]:
    """The deepest node along `loc` that exists, and the part of `loc` that led to it.

    Elements of `loc` that do not name anything in the tree (pydantic's union tags, or a missing
    field) are skipped; `[key]` points at the mapping key itself rather than its value.
    """
    node: Node = root
    walked: list[int | str] = []
    key_node: ScalarNode | None = None
    for element in loc:
        if element == "[key]" and key_node is not None:
            return key_node, tuple(walked)
        if isinstance(node, MappingNode) and isinstance(element, str) and element in node.entries:
            key_node, node = node.entries[element]
            walked.append(element)
        elif (
            isinstance(node, SequenceNode)
            and isinstance(element, int)
            and 0 <= element < len(node.items)
        ):
            node = node.items[element]
            key_node = None
            walked.append(element)
    return node, tuple(walked)


def position(root: Node, loc: Loc) -> tuple[int, int]:
    """1-based line and column of the value at `loc` (or of the nearest enclosing node)."""
    node, _ = find_node(root, loc)
    return node.line + 1, node.column + 1


def key_position(root: Node, loc: Loc) -> tuple[int, int]:
    """1-based position of the key that names the value at `loc`, for "remove this key"."""
    if not loc:
        return 1, 1
    parent, walked = find_node(root, loc[:-1])
    if walked == tuple(loc[:-1]) and isinstance(parent, MappingNode):
        entry = parent.entries.get(str(loc[-1]))
        if entry is not None:
            return entry[0].line + 1, entry[0].column + 1
    return position(root, loc)


def format_path(loc: Loc) -> str:
    """`('steps', 2, 'next', 0, 'share')` -> `steps[2].next[0].share`."""
    text = ""
    for element in loc:
        if isinstance(element, int):
            text += f"[{element}]"
        else:
            text += f".{element}" if text else str(element)
    return text
