"""The journey map as Graphviz DOT: swimlanes, team colours, highlighted findings.

Every piece of user text reaches DOT through `_text` (HTML-escaped inside HTML-like labels,
control characters removed, length capped), and nodes and clusters get synthetic ids, so a step
named `<script>` or `a"b\\c` is drawn as text and can never add nodes or attributes. Nothing of
the user's goes into URL, href or tooltip attributes (dot copies those into SVG unescaped).
"""

from __future__ import annotations

import html
import itertools
from dataclasses import replace

import graphviz

from cyclemap.render.view import MapEdge, MapNode, MapView
from cyclemap.util.i18n import _
from cyclemap.util.numbers import customers, percent

FINDING_COLOUR = "#c62828"
SUCCESS = ("#c8e6c9", "#2e7d32")
FAILURE = ("#ffcdd2", "#c62828")
MOMENT_COLOUR = "#f9a825"


def _text(value: str) -> str:
    return html.escape(value, quote=True)


def layout_effort(size: int) -> dict[str, str]:
    """Graph attributes that bound dot's work as the map grows.

    dot's network simplex, crossing minimisation and curved edge routing explode on big maps
    with long back edges (measured with dot 2.43 on generated journeys: 200 steps 0.4 s, but
    400 steps 24-54 s with curved edges and 0.5 s with straight ones). Past 150 steps the
    iterations are capped, the extra crossing pass is skipped and edges are drawn straight.
    """
    if size <= 150:
        return {}
    return {
        "nslimit": "1",
        "nslimit1": "1",
        "mclimit": "0.1",
        "remincross": "false",
        "searchsize": "10",
        "splines": "line",
    }


def _node_label(node: MapNode) -> str:
    star = "★ " if node.moment_of_truth else ("↪ " if node.kind == "link" else "")
    rows = [f"<B>{_text(star + node.label)}</B>"]
    if node.detail:
        rows.append(f'<FONT POINT-SIZE="9">{_text(node.detail)}</FONT>')
    if node.kind == "group" and node.lost:
        rows.append(
            f'<FONT POINT-SIZE="9" COLOR="{FINDING_COLOUR}">'
            + _text(
                _("{count} lost (abandon or no way forward)").format(count=customers(node.lost))
            )
            + "</FONT>"
        )
    return "<" + "<BR/>".join(rows) + ">"


def _node_attributes(node: MapNode) -> dict[str, str]:
    attributes = {"fillcolor": node.colour, "color": "#555555", "penwidth": "1"}
    if node.kind == "entry":
        attributes.update(shape="cds", penwidth="2")
    elif node.kind == "success":
        attributes.update(fillcolor=SUCCESS[0], color=SUCCESS[1], peripheries="2")
    elif node.kind in ("failure", "abandoned"):
        attributes.update(fillcolor=FAILURE[0], color=FAILURE[1], peripheries="2")
    elif node.kind == "link":
        attributes.update(fillcolor="#ffffff", style="rounded,filled,dashed", shape="box")
    if node.moment_of_truth:
        attributes.update(color=MOMENT_COLOUR, penwidth="3")
    if node.marks & {"dead-end", "unreachable-step"}:
        attributes.update(color=FINDING_COLOUR, penwidth="3", style="rounded,filled,dashed")
    elif node.marks & {"peloteo-loop", "drop-off-point"}:
        attributes.update(color=FINDING_COLOUR, penwidth="3")
    return attributes


def _edge_attributes(edge: MapEdge, *, findings: bool) -> dict[str, str]:
    attributes: dict[str, str] = {}
    if edge.label:
        attributes["label"] = _text(edge.label)
    styles = []
    if edge.handoff:
        styles.append("dashed")
    if edge.context_lost:
        attributes.update(color=FINDING_COLOUR, fontcolor=FINDING_COLOUR)
        attributes["label"] = _text((edge.label + " " if edge.label else "") + _("context lost"))
    if edge.peloteo and findings:
        attributes.update(color=FINDING_COLOUR, penwidth="3.5")
        styles.append("bold")
    if edge.weight is not None:
        attributes["penwidth"] = f"{1 + 5 * edge.weight:.2f}"
    if styles:
        attributes["style"] = ",".join(styles)
    return attributes


def _drop_off(dot: graphviz.Digraph, node: MapNode, *, findings: bool) -> None:
    text = _("abandon {share}").format(share=percent(node.abandon))
    if node.lost is not None:
        text += f" (≈{customers(node.lost)})"
    exit_key = f"{node.key}x"
    dot.node(
        exit_key,
        label=_text(text),
        shape="plaintext",
        fontsize="9",
        fillcolor="none",
        fontcolor="#777777",
    )
    highlight = findings and "drop-off-point" in node.marks
    dot.edge(
        node.key,
        exit_key,
        style="dotted",
        arrowhead="tee",
        color=FINDING_COLOUR if highlight else "#999999",
        penwidth="2.5" if highlight else "1",
    )


def _stuck(dot: graphviz.Digraph, node: MapNode) -> None:
    """Customers left with no way forward at a step with no `next` (a `dead-end`)."""
    exit_key = f"{node.key}s"
    dot.node(
        exit_key,
        label=_text(_("no way forward (≈{count})").format(count=customers(node.stuck or 0.0))),
        shape="plaintext",
        fontsize="9",
        fillcolor="none",
        fontcolor=FINDING_COLOUR,
    )
    dot.edge(node.key, exit_key, style="dotted", arrowhead="tee", color=FINDING_COLOUR)


def _legend(dot: graphviz.Digraph, view: MapView) -> None:
    heading = _("Legend")
    rows = [f'<TR><TD COLSPAN="2"><B>{_text(heading)}</B></TD></TR>']
    rows += [
        f'<TR><TD BGCOLOR="{colour}" WIDTH="18"> </TD><TD ALIGN="LEFT">{_text(name)}</TD></TR>'
        for name, colour in view.legend
    ]
    samples = (
        (f' BGCOLOR="{SUCCESS[0]}"', " ", _("success")),
        (f' BGCOLOR="{FAILURE[0]}"', " ", _("failure / abandoned")),
        ("", "★", _("moment of truth")),
        ("", "- -", _("handoff between teams")),
        (
            "",
            f'<FONT COLOR="{FINDING_COLOUR}">━</FONT>',
            _("finding (peloteo, dead end, drop-off)"),
        ),
    )
    rows += [
        f"<TR><TD{cell}>{sample}</TD>" f'<TD ALIGN="LEFT">{_text(words)}</TD></TR>'
        for cell, sample, words in samples
    ]
    table = '<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="3">'
    dot.node(
        "legend",
        label=table + "".join(rows) + "</TABLE>>",
        shape="plaintext",
        fillcolor="none",
        fontsize="10",
    )


def to_dot(view: MapView, *, findings: bool = True) -> str:
    """DOT source of the map; the same view gives the same bytes."""
    dot = graphviz.Digraph("journey")
    notes = "".join(f'<BR/><FONT POINT-SIZE="9">{_text(note)}</FONT>' for note in view.notes)
    title = (
        f'<<B>{_text(view.title)}</B><BR/><FONT POINT-SIZE="10">{_text(view.subtitle)}</FONT>'
        f"{notes}>"
    )
    dot.attr(
        rankdir="LR",
        label=title,
        labelloc="t",
        fontname="Helvetica",
        fontsize="18",
        compound="true",
        newrank="true",
        **layout_effort(len(view.nodes)),
    )
    dot.attr("node", shape="box", style="rounded,filled", fontname="Helvetica", fontsize="11")
    dot.attr("edge", fontname="Helvetica", fontsize="9", color="#555555")
    by_key = {node.key: node for node in view.nodes}
    grouped = {key for group in view.groups for key in group.nodes}
    for group in view.groups:
        with dot.subgraph(name=f"cluster_{group.key}") as lane:
            lane.attr(
                label=f"<<B>{_text(group.title)}</B>>",
                style="rounded,filled",
                fillcolor="#fafafa",
                color="#bbbbbb",
                fontsize="12",
            )
            for key in group.nodes:
                _add_node(lane, by_key[key], findings=findings)
    for node in view.nodes:
        if node.key not in grouped:
            _add_node(dot, node, findings=findings)
    # Keep the swimlanes in their order: invisible, heavy edges from each lane to the next.
    for before, after in itertools.pairwise(view.groups):
        dot.edge(before.nodes[0], after.nodes[0], style="invis", weight="20")
    for edge in view.edges:
        dot.edge(edge.source, edge.target, **_edge_attributes(edge, findings=findings))
    if view.legend and not view.collapsed:
        _legend(dot, view)
    source: str = dot.source
    return source


def _add_node(dot: graphviz.Digraph, node: MapNode, *, findings: bool) -> None:
    shown = node if findings else replace(node, marks=frozenset())
    dot.node(node.key, label=_node_label(node), **_node_attributes(shown))
    if node.volume is not None:
        dot.node(
            f"{node.key}e",
            label=_text(customers(node.volume)),
            shape="plaintext",
            fontsize="9",
            fillcolor="none",
        )
        dot.edge(f"{node.key}e", node.key, style="bold", arrowhead="vee")
    if node.kind != "group" and node.abandon > 0:
        _drop_off(dot, shown, findings=findings)
    if node.kind != "group" and node.stuck:
        _stuck(dot, shown)
