"""The journey map as a Mermaid flowchart, as GitHub renders it in Markdown.

One subgraph per swimlane, classes for findings and moments of truth, handoffs dotted. User
text goes only inside quoted labels, with every character Mermaid could read as syntax
(`"`, `#`, `<`, `>`, `&`, brackets, pipes, backticks) written as an entity code (`#35;`). The
title goes in the front matter as a YAML string (see `front_matter_title`).
"""

from __future__ import annotations

import json

from cyclemap.render.view import MapView
from cyclemap.util.i18n import _

_SPECIAL = set('"#<>&`[]{}()|;\\*_~=')
CLASSES = {
    "success": "fill:#c8e6c9,stroke:#2e7d32",
    "failure": "fill:#ffcdd2,stroke:#c62828",
    "moment": "stroke:#f9a825,stroke-width:3px",
    "finding": "stroke:#c62828,stroke-width:3px",
}


def text(value: str) -> str:
    """User text safe inside a quoted Mermaid label."""
    return "".join(f"#{ord(ch)};" if ch in _SPECIAL else ch for ch in value)


_LOOK_ALIKES = str.maketrans({"<": "\uff1c", ">": "\uff1e", "&": "\uff06"})


def front_matter_title(title: str) -> str:
    """The title for the front matter, where Mermaid reads no entity codes and cleans the text
    as HTML: `<script>…</script> Journey` would be cut to `Journey` and `&` shown as `&amp;`.
    `<`, `>` and `&` become their full-width forms, which read the same; the rest stays."""
    return title.translate(_LOOK_ALIKES)


def to_mermaid(view: MapView, *, findings: bool = True) -> str:
    lines = [
        "---",
        f"title: {json.dumps(front_matter_title(view.title), ensure_ascii=False)}",
        "---",
        "flowchart LR",
    ]
    for group in view.groups:
        lines.append(f'  subgraph {group.key}["{text(group.title)}"]')
        lines.extend(f"    {key}" for key in group.nodes)
        lines.append("  end")
    classes: dict[str, list[str]] = {name: [] for name in CLASSES}
    fills: list[str] = []
    for node in view.nodes:
        label = text(node.label) + (
            f"<br/><small>{text(node.detail)}</small>" if node.detail else ""
        )
        if node.moment_of_truth:
            label = "★ " + label
        open_, close = {
            "entry": ("([", "])"),
            "success": ("[[", "]]"),
            "failure": ("[[", "]]"),
            "abandoned": ("[[", "]]"),
            "link": (">", "]"),
        }.get(node.kind, ("[", "]"))
        lines.append(f'  {node.key}{open_}"{label}"{close}')
        if node.kind == "success":
            classes["success"].append(node.key)
        elif node.kind in ("failure", "abandoned"):
            classes["failure"].append(node.key)
        elif node.kind != "group":
            fills.append(f"  style {node.key} fill:{node.colour}")
        if node.moment_of_truth:
            classes["moment"].append(node.key)
        if findings and node.marks & {
            "peloteo-loop",
            "dead-end",
            "unreachable-step",
            "drop-off-point",
        }:
            classes["finding"].append(node.key)
    highlighted = []
    for index, edge in enumerate(view.edges):
        arrow = "-.->" if edge.handoff else "-->"
        label = edge.label + (" " + _("context lost") if edge.context_lost else "")
        shown = f'|"{text(label.strip())}"|' if label.strip() else ""
        lines.append(f"  {edge.source} {arrow}{shown} {edge.target}")
        if edge.context_lost or (findings and edge.peloteo):
            highlighted.append(str(index))
    lines.extend(fills)
    for name, style in CLASSES.items():
        lines.append(f"  classDef {name} {style}")
        if classes[name]:
            lines.append(f"  class {','.join(classes[name])} {name}")
    if highlighted:
        lines.append(f"  linkStyle {','.join(highlighted)} stroke:#c62828,stroke-width:3px")
    return "\n".join(lines) + "\n"
