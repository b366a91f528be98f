"""The blueprint as Graphviz DOT with every position fixed, drawn by `neato -n2`.

cyclemap has placed every box, lane, header and arrow (`blueprint`), so Graphviz does no
layout: each node carries its `pos` and size, each edge its spline, and `neato -n2` only draws
them (linear in the size of the map, unlike dot's ranking). The DOT text is what `--format dot`
writes; `neato -n2 -Tsvg` reproduces the map from it.

User text reaches DOT only through `_text` (escaped inside HTML-like labels, control
characters removed) and node names are synthetic, so no name can add nodes, edges or
attributes; nothing of the user's goes into URL, href or tooltip attributes (Graphviz copies
those into SVG unescaped). Tooltips are written into the SVG's `<title>` elements afterwards,
escaped by this module (`add_titles`).

Stable hooks for tools and tests: each step's group has `id="step-N"` (N its 0-based position
in the file) and class `step` (plus `backstage`); each transition `id="t-I-J"` and class
`transition`; stage headers class `stage`, lanes class `lane`, the line of visibility class
`visibility`, the emotion curve class `emotion`.
"""

from __future__ import annotations

import dataclasses
import html
import itertools
import math
import re
from collections.abc import Sequence

from cyclemap.render.blueprint import (
    ARROW,
    ENDED,
    FINDING,
    HANDOFF,
    LABEL_SIZE,
    LANE_HEADER,
    MARGIN,
    MARKER,
    MOMENT,
    NAME_SIZE,
    NOTES_SHOWN,
    OPPORTUNITY,
    PAIN,
    SMALL_SIZE,
    SUCCESS,
    TITLE_SIZE,
    Band,
    Blueprint,
    Box,
    EmotionPoint,
    Line,
    Point,
    Rect,
)
from cyclemap.render.text_metrics import ellipsize, text_width, wrap
from cyclemap.util.i18n import _, ngettext

FONT = "Helvetica"
ARROW_SIZE = 0.7
"""Arrowheads are 10 * ARROW_SIZE points long."""
CORNER = 5.0
"""Radius of the rounded corners of arrows."""
GRAPH_ID = "blueprint"


def _text(value: str) -> str:
    flat = "".join(ch if ch.isprintable() else " " for ch in value)
    return html.escape(flat, quote=True)


def _number(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


class _Writer:
    def __init__(self, blueprint: Blueprint) -> None:
        self.blueprint = blueprint
        self.height = blueprint.height
        self.lines: list[str] = []
        self.points = 0

    def y(self, value: float) -> float:
        return self.height - value

    def pos(self, point: Point) -> str:
        return f"{_number(point[0])},{_number(self.y(point[1]))}"

    def node(self, name: str, rect: Rect, **attributes: str) -> None:
        attributes.setdefault("label", '""')
        items = [
            f'pos="{self.pos(rect.centre)}"',
            f"width={_number(rect.width / 72 + 0.00005)}",
            f"height={_number(rect.height / 72 + 0.00005)}",
            *(f"{key}={value}" for key, value in attributes.items()),
        ]
        self.lines.append(f"  {name} [{', '.join(items)}];")

    def point(self, at: Point, **attributes: str) -> str:
        """An invisible anchor for a line that belongs to no box."""
        name = f"p{self.points}"
        self.points += 1
        self.node(name, Rect(at[0], at[1], 0, 0), shape="point", style="invis")
        return name

    def edge(self, source: str, target: str, spline: str, **attributes: str) -> None:
        items = [f'pos="{spline}"', *(f"{key}={value}" for key, value in attributes.items())]
        self.lines.append(f"  {source} -> {target} [{', '.join(items)}];")

    def straight(self, points: Sequence[Point]) -> str:
        """A spline through `points` made of straight pieces (no arrowhead)."""
        spline = [self.pos(points[0])]
        for before, after in itertools.pairwise(points):
            spline += [self.pos(before), self.pos(after), self.pos(after)]
        return " ".join(spline)


def _text_box(
    writer: _Writer,
    name: str,
    rect: Rect,
    rows: Sequence[str],
    *,
    align: str = "LEFT",
    **attributes: str,
) -> None:
    """Text (HTML-like rows, already escaped) set in a table exactly `rect` in size, so it
    starts where cyclemap placed it whatever width Graphviz measures for it."""
    width, height = max(int(rect.width + 0.5), 1), max(int(rect.height + 0.5), 1)
    cells = "".join(f'<TR><TD ALIGN="{align}" BALIGN="{align}">{row}</TD></TR>' for row in rows)
    label = (
        '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0" FIXEDSIZE="TRUE" '
        f'WIDTH="{width}" HEIGHT="{height}">{cells}</TABLE>>'
    )
    writer.node(
        name,
        Rect(rect.x, rect.y, width, height),
        shape="plaintext",
        label=label,
        **attributes,
    )


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_blueprint_dot(
    blueprint: Blueprint, *, findings: bool = True, width: int | None = None
) -> str:
    """Positioned DOT source of the blueprint; the same blueprint gives the same bytes.
    `width`: pixels across (at 96 to the inch) the drawing is scaled to."""
    blueprint = _with_room_for_legend(blueprint)
    writer = _Writer(blueprint)
    out = writer.lines
    out.append(f"digraph {GRAPH_ID} {{")
    size = ""
    if width is not None:
        inches = width / 96
        # The height is only a bound: kept a little above the drawing's, so the width decides.
        tall = inches * blueprint.height / blueprint.width + 0.05
        size = f'size="{_number(inches)},{_number(tall)}!", '
    out.append(
        f'  graph [bb="0,0,{_number(blueprint.width)},{_number(blueprint.height)}", {size}'
        f'outputorder=nodesfirst, pad="0", margin="0", fontname="{FONT}", bgcolor="white", '
        "splines=true];"
    )
    out.append(
        f'  node [fixedsize=true, fontname="{FONT}", fontsize="{SMALL_SIZE}", shape=box, '
        'margin="0"];'
    )
    out.append(f'  edge [fontname="{FONT}", fontsize="{LABEL_SIZE}", arrowsize={ARROW_SIZE}];')
    # Two invisible corners: Graphviz sizes the drawing by what it holds, so these make
    # it exactly the blueprint's size.
    writer.point((0.0, 0.0))
    writer.point((blueprint.width, blueprint.height))
    _title(writer)
    _lanes(writer)
    _stages(writer)
    _emotion_band(writer)
    for box in blueprint.boxes:
        _box(writer, box, findings=findings)
    _legend(writer)
    _notes(writer)
    _visibility(writer)
    _separators(writer)
    _emotion_curve(writer)
    for line in blueprint.lines:
        _line(writer, line, findings=findings)
    out.append("}")
    return "\n".join(out) + "\n"


def _title(writer: _Writer) -> None:
    blueprint = writer.blueprint
    room = blueprint.width - 2 * MARGIN
    title = _text(ellipsize(blueprint.title, room, TITLE_SIZE, bold=True))
    subtitle = _text(ellipsize(blueprint.subtitle, room, 10))
    summary = _text(ellipsize(blueprint.summary, room, 10))
    rows = [
        f'<FONT POINT-SIZE="{TITLE_SIZE}"><B>{title}</B></FONT>',
        f'<FONT POINT-SIZE="10" COLOR="#555555">{subtitle}</FONT>',
        f'<FONT POINT-SIZE="10">{summary}</FONT>',
    ]
    _text_box(
        writer, "title", Rect(MARGIN, MARGIN, room, 60), rows, id='"title"', **{"class": '"title"'}
    )


def _band_rows(band: Band, size: float, colour: str) -> list[str]:
    """A lane's or stage header's title lines in bold, then its figures or note."""
    rows = [f"<B>{_text(line)}</B>" for line in band.title]
    if band.subtitle:
        rows.append(f'<FONT POINT-SIZE="{size}" COLOR="{colour}">{_text(band.subtitle)}</FONT>')
    return rows


def _lanes(writer: _Writer) -> None:
    for index, lane in enumerate(writer.blueprint.lanes):
        lines = _band_rows(lane, 8, "#666666")
        header = '<BR ALIGN="LEFT"/>'.join(lines) + '<BR ALIGN="LEFT"/>'
        width = max(int(lane.rect.width), 1)
        height = max(int(lane.rect.height), 1)
        label = (
            f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0" FIXEDSIZE="TRUE" '
            f'WIDTH="{width}" HEIGHT="{height}"><TR>'
            f'<TD FIXEDSIZE="TRUE" WIDTH="{int(LANE_HEADER) - 8}" HEIGHT="{height}" '
            f'ALIGN="LEFT" VALIGN="MIDDLE">{header}</TD>'
            f'<TD FIXEDSIZE="TRUE" WIDTH="{width - int(LANE_HEADER) + 8}" HEIGHT="{height}"> '
            "</TD></TR></TABLE>>"
        )
        classes = "lane backstage" if lane.backstage else "lane"
        writer.node(
            f"lane{index}",
            lane.rect,
            id=f'"lane-{index}"',
            **{"class": f'"{classes}"'},
            style="filled",
            color='"#d5d9e0"',
            penwidth="0.6",
            fillcolor=f'"{lane.fill}"',
            fontsize="10",
            label=label,
        )


def _stages(writer: _Writer) -> None:
    for index, stage in enumerate(writer.blueprint.stages):
        rows = _band_rows(stage, SMALL_SIZE, "#37474f")
        writer.node(
            f"stage{index}",
            stage.rect,
            id=f'"stage-{index}"',
            **{"class": '"stage"'},
            style='"rounded,filled"',
            color='"#c5cad3"',
            fillcolor=f'"{stage.fill}"',
            fontsize="11",
            label="<" + "<BR/>".join(rows) + ">",
        )


def _emotion_band(writer: _Writer) -> None:
    emotion = writer.blueprint.emotion
    if emotion is None:
        return
    band = emotion.band
    writer.node(
        "emotion",
        band,
        id='"emotion"',
        **{"class": '"emotion"'},
        style="filled",
        color='"#e0e3e8"',
        fillcolor='"#fbfbfd"',
    )
    # Words measured with a little room to spare: Graphviz's own measure of a font can be a
    # few points wider than ours, and a longer language's words wrap instead of spilling out.
    room = LANE_HEADER - 20
    heading = wrap(_("Customer feeling"), room, 10, bold=True)
    scale = wrap(_("score 5 delighted … 1 awful"), room, SMALL_SIZE)
    rows = [f'<FONT POINT-SIZE="10"><B>{_text(line)}</B></FONT>' for line in heading]
    rows += [
        f'<FONT POINT-SIZE="{SMALL_SIZE}" COLOR="#555555">{_text(line)}</FONT>' for line in scale
    ]
    height = 14.0 * len(heading) + 12.0 * len(scale) + 2
    axis = Rect(MARGIN + 4, band.y + band.height / 2 - height / 2, LANE_HEADER - 12, height)
    _text_box(writer, "emotionaxis", axis, rows, **{"class": '"emotion"'})
    for score in (1, 3, 5):
        y = emotion.y_of(score)
        _text_box(
            writer,
            f"emotiontick{score}",
            Rect(band.x + 3, y - 5, 10, 10),
            [f'<FONT POINT-SIZE="7" COLOR="#888888">{score}</FONT>'],
            **{"class": '"emotion"'},
        )


def _emotion_curve(writer: _Writer) -> None:
    emotion = writer.blueprint.emotion
    if emotion is None:
        return
    band = emotion.band
    for score in (1, 3, 5):  # faint guides
        y = emotion.y_of(score)
        left = writer.point((band.x + 16, y))
        right = writer.point((band.right - 4, y))
        writer.edge(
            left,
            right,
            writer.straight([(band.x + 16, y), (band.right - 4, y)]),
            **{"class": '"emotion"'},
            color='"#e3e6ea"',
            arrowhead="none",
        )
    if len(emotion.path) >= 2:
        anchors = [writer.point(point) for point in emotion.path]
        for (a, b), (start, end) in zip(
            itertools.pairwise(anchors), itertools.pairwise(emotion.path), strict=True
        ):
            writer.edge(
                a,
                b,
                writer.straight([start, end]),
                **{"class": '"emotion"'},
                color='"#5c6bc0"',
                penwidth="2.2",
                arrowhead="none",
            )
    for index, point in enumerate(emotion.points):
        size = 11.0 if point.moment_of_truth else 8.0
        rect = Rect(point.at[0] - size / 2, point.at[1] - size / 2, size, size)
        attributes = {
            "shape": "star" if point.moment_of_truth else "circle",
            "style": "filled",
            "fillcolor": f'"{_emotion_fill(point)}"',
            "color": f'"{MOMENT if point.moment_of_truth else "#5c6bc0"}"',
            "penwidth": "1.2",
        }
        writer.node(
            f"feel{index}",
            rect,
            id=f'"feel-{point.step}"',
            **{"class": '"emotion"'},
            **attributes,
        )


def _emotion_fill(point: EmotionPoint) -> str:
    if point.moment_of_truth:
        return MOMENT
    return "#5c6bc0" if point.on_path else "#ffffff"


def _box(writer: _Writer, box: Box, *, findings: bool) -> None:
    rows = []
    for line in box.name:
        shown = _text(line)
        shown = shown.replace("★", f'<FONT COLOR="{MOMENT}">★</FONT>', 1)
        rows.append(f'<FONT POINT-SIZE="{NAME_SIZE}"><B>{shown}</B></FONT>')
    if box.detail:
        rows.append(f'<FONT POINT-SIZE="{SMALL_SIZE}" COLOR="#37474f">{_text(box.detail)}</FONT>')
    if box.figures:
        colour = FINDING if ("↘" in box.figures or "⊘" in box.figures) else "#263238"
        rows.append(f'<FONT POINT-SIZE="{SMALL_SIZE}" COLOR="{colour}">{_text(box.figures)}</FONT>')
    # Steps of this journey are `step`; another journey's step is only `link`. A step with a
    # finding is `flagged` (the page's list of findings uses `finding`).
    classes = ["link"] if box.kind == "link" else ["step"]
    if box.kind not in ("step", "link"):
        classes.append(box.kind)
    if box.backstage:
        classes.append("backstage")
    if box.moment_of_truth:
        classes.append("moment-of-truth")
    marks = box.marks if findings else frozenset()
    if marks:
        classes.append("flagged")
    attributes = {
        "id": f'"{box.hook}"',
        "class": f'"{" ".join(classes)}"',
        "style": '"rounded,filled"',
        "fillcolor": f'"{box.fill}"',
        "color": '"#546e7a"',
        "penwidth": "1",
        "label": "<" + "<BR/>".join(rows) + ">",
    }
    if box.kind == "entry":
        attributes.update(penwidth="2.4", color='"#263238"')
    elif box.kind == "success":
        attributes.update(peripheries="2", color=f'"{SUCCESS}"', penwidth="1.4")
    elif box.kind in ("failure", "abandoned"):
        style = '"rounded,filled,dashed"' if box.kind == "abandoned" else '"rounded,filled"'
        attributes.update(peripheries="2", color=f'"{ENDED}"', penwidth="1.4", style=style)
    elif box.kind == "link":
        attributes.update(style='"rounded,filled,dashed"')
    if marks:
        attributes.update(color=f'"{FINDING}"', penwidth="3")
        if marks & {"dead-end", "unreachable-step"}:
            attributes["style"] = '"rounded,filled,dashed"'
    name = "s" + box.hook.replace("-", "")
    drawn = box.rect
    if attributes.get("peripheries") == "2":
        # Graphviz draws the second outline 4 points outside the node: the node is made that
        # much smaller, so the outer outline is the box cyclemap placed.
        drawn = Rect(drawn.x + 4, drawn.y + 4, drawn.width - 8, drawn.height - 8)
    writer.node(name, drawn, **attributes)
    # Pain points, then opportunities, numbered left to right along the top edge and ending
    # at its right corner; as many as fit on the edge.
    markers = [(n, PAIN, "pain") for n in box.pain_points]
    markers += [(n, OPPORTUNITY, "opportunity") for n in box.opportunities]
    sizes = [MARKER + (3 if number >= 10 else 0) for number, _, _ in markers]
    while markers and sum(size + 2 for size in sizes) > box.rect.width - 16:
        markers.pop()
        sizes.pop()
    x = box.rect.right - 8 - sum(size + 2 for size in sizes)
    for offset, ((number, colour, kind), size) in enumerate(zip(markers, sizes, strict=True)):
        writer.node(
            f"{name}m{offset}",
            Rect(x, box.rect.y - size / 2 + 1, size, size),
            id=f'"{kind}-{number}"',
            **{"class": f'"marker {kind}"'},
            shape="circle",
            style="filled",
            color='"white"',
            fillcolor=f'"{colour}"',
            fontcolor='"white"',
            fontsize="7.5",
            label=f'"{number}"',
        )
        x += size + 2


LEGEND_ROW = 20.0
"""From one legend row's top to the next."""


class _LegendRow:
    """Samples and their words, left to right, wrapping onto a new row when full."""

    def __init__(self, writer: _Writer, top: float) -> None:
        self.writer = writer
        self.x = MARGIN
        self.y = top
        self.count = 0

    def _room(self, width: float) -> None:
        if self.x + width > self.writer.blueprint.width - MARGIN and self.x > MARGIN:
            self.newline()

    def newline(self) -> None:
        self.x = MARGIN
        self.y += LEGEND_ROW

    def words(self, text: str, colour: str = "#263238") -> None:
        width = text_width(text, SMALL_SIZE) + 6
        self._room(width)
        _text_box(
            self.writer,
            f"legend{self.count}",
            Rect(self.x, self.y - 1, width, 16),
            [f'<FONT POINT-SIZE="{SMALL_SIZE}" COLOR="{colour}">{_text(text)}</FONT>'],
            **{"class": '"legend"'},
        )
        self.count += 1
        self.x += width + 12

    def box(self, text: str, **style: str) -> None:
        self._room(28 + text_width(text, SMALL_SIZE))
        attributes = {
            "style": '"rounded,filled"',
            "fillcolor": '"#ffffff"',
            "color": '"#546e7a"',
            **style,
        }
        self.writer.node(
            f"legend{self.count}",
            Rect(self.x, self.y, 22, 14),
            **{"class": '"legend"'},
            **attributes,
        )
        self.count += 1
        self.x += 28
        self.words(text)

    def arrow(self, text: str, *, head: bool = True, **style: str) -> None:
        self._room(36 + text_width(text, SMALL_SIZE))
        writer = self.writer
        y = self.y + 7
        start = writer.point((self.x, y))
        end = writer.point((self.x + 30, y))
        if head:
            spline = f"e,{writer.pos((self.x + 30, y))} " + writer.straight(
                [(self.x, y), (self.x + 30 - 10 * ARROW_SIZE, y)]
            )
        else:
            spline = writer.straight([(self.x, y), (self.x + 30, y)])
            style.setdefault("arrowhead", "none")
        writer.edge(start, end, spline, **{"class": '"legend"'}, **style)
        self.x += 36
        self.words(text)

    def marker(self, number: str, colour: str, text: str) -> None:
        self._room(MARKER + 6 + text_width(text, SMALL_SIZE))
        self.writer.node(
            f"legend{self.count}",
            Rect(self.x, self.y, MARKER, MARKER),
            **{"class": '"legend"'},
            shape="circle",
            style="filled",
            color='"white"',
            fillcolor=f'"{colour}"',
            fontcolor='"white"',
            fontsize="7.5",
            label=f'"{number}"',
        )
        self.count += 1
        self.x += MARKER + 6
        self.words(text)

    def swatch(self, text: str, colour: str) -> None:
        self._room(20 + text_width(text, SMALL_SIZE))
        self.writer.node(
            f"legend{self.count}",
            Rect(self.x, self.y + 1, 16, 12),
            **{"class": '"legend"'},
            style="filled",
            color='"#90a4ae"',
            fillcolor=f'"{colour}"',
        )
        self.count += 1
        self.x += 20
        self.words(text)


def _with_room_for_legend(blueprint: Blueprint) -> Blueprint:
    """The legend wraps onto as many rows as the map's width and the language's words need:
    drawn once on paper that is thrown away, then the notes and the drawing's foot move down
    by what did not fit in the room the layout kept for it."""
    bottom = _legend(_Writer(blueprint))
    overflow = bottom - blueprint.notes_top
    if overflow <= 0:
        return blueprint
    return dataclasses.replace(
        blueprint, notes_top=blueprint.notes_top + overflow, height=blueprint.height + overflow
    )


def _legend(writer: _Writer) -> float:
    """Every visual encoding of the map, each drawn as it appears there. Returns where the
    legend's last row ends (with the gap the notes keep below it)."""
    blueprint = writer.blueprint
    row = _LegendRow(writer, blueprint.legend_top)
    row.words(_("Legend"))
    row.box(_("entry: ▶ and the customers entering"), penwidth="2.4", color='"#263238"')
    row.box("✓ " + _("success"), peripheries="2", color=f'"{SUCCESS}"')
    row.box("✕ " + _("failure"), peripheries="2", color=f'"{ENDED}"')
    dashed = '"rounded,filled,dashed"'
    row.box("\u2a2f " + _("abandoned"), peripheries="2", color=f'"{ENDED}"', style=dashed)
    changes = bool(blueprint.change_legend)  # a change map: colours tell the change only
    if not changes:
        row.box(_("finding of the audit"), penwidth="3", color=f'"{FINDING}"')
    row.box("↪ " + _("step of another journey"), style='"rounded,filled,dashed"')
    row.newline()
    if not changes:
        row.arrow(_("customers moving on (their share)"), color=f'"{ARROW}"')
    row.arrow(_("handoff between teams"), color=f'"{HANDOFF}"', style="dashed")
    if not changes:
        row.arrow(_("context lost: the story is told again"), color=f'"{FINDING}"', style="dashed")
        row.arrow(_("peloteo loop"), color=f'"{FINDING}"', penwidth="3")
    if blueprint.observed:
        row.arrow(_("as wide as the traffic the log saw"), color=f'"{ARROW}"', penwidth="4")
    row.words("★ " + _("moment of truth"), MOMENT)
    if not changes:
        row.words("↘ " + _("customers who abandon at the step"), FINDING)
        row.words("⊘ " + _("customers stuck with no way forward"), FINDING)
    row.newline()
    row.marker("1", PAIN, _("pain point, listed below"))
    row.marker("1", OPPORTUNITY, _("opportunity, listed below"))
    row.arrow(_visibility_label(), head=False, color='"#8e24aa"', style="dashed")
    emotion = blueprint.emotion
    if emotion is not None:
        text = _("feeling along the most likely way to success; ○ other scored steps")
        if emotion.unscored:
            text += "; " + ngettext(
                "{count} step without a score is not on the curve",
                "{count} steps without a score are not on the curve",
                emotion.unscored,
            ).format(count=emotion.unscored)
        row.arrow(text, head=False, color='"#5c6bc0"', penwidth="2.2")
    if blueprint.change_legend:
        row.newline()
        for kind, colour, text in blueprint.change_legend:
            if kind == "fill":
                row.swatch(text, colour)
            elif kind == "arrow":
                row.arrow(text, color=f'"{colour}"', penwidth="2.4")
            else:
                row.words(text, colour)
    elif blueprint.legend_fills:
        row.newline()
        row.words(_("fill = team:") if blueprint.lanes_by == "team" else _("fill = channel:"))
        for name, colour in blueprint.legend_fills:
            row.swatch(ellipsize(name, 260, SMALL_SIZE), colour)
    return row.y + LEGEND_ROW


def _notes(writer: _Writer) -> None:
    blueprint = writer.blueprint
    notes = blueprint.notes
    if not notes:
        return
    room = blueprint.width - 2 * MARGIN
    heading = _("Pain points and opportunities")
    rows = [f"<B>{_text(heading)}</B>"]
    for note in notes[:NOTES_SHOWN]:
        colour = PAIN if note.kind == "pain" else OPPORTUNITY
        text = ellipsize(f"{note.step_name}: {note.text}", room - 30, SMALL_SIZE)
        rows.append(f'<FONT COLOR="{colour}"><B>{note.number}</B></FONT>  {_text(text)}')
    if len(notes) > NOTES_SHOWN:
        more = len(notes) - NOTES_SHOWN
        rows.append(
            "… "
            + _text(
                ngettext(
                    "and {count} more, listed on the HTML page",
                    "and {count} more, listed on the HTML page",
                    more,
                ).format(count=more)
            )
        )
    height = 13.0 * len(rows)
    _text_box(
        writer,
        "notes",
        Rect(MARGIN, blueprint.notes_top, room, height),
        [f'<FONT POINT-SIZE="{SMALL_SIZE}">{row}</FONT>' for row in rows],
        id='"notes"',
        **{"class": '"notes"'},
    )


def _visibility_label() -> str:
    return _("line of visibility: the customer sees what is above it")


def _visibility(writer: _Writer) -> None:
    start, end = writer.blueprint.visibility
    a, b = writer.point(start), writer.point(end)
    label = _visibility_label()
    if not writer.blueprint.extra.get("backstage_lanes"):
        label += " " + _("(no backstage steps)")
    width = text_width(label, SMALL_SIZE)
    writer.edge(
        a,
        b,
        writer.straight([start, end]),
        id='"visibility"',
        **{"class": '"visibility"'},
        style="dashed",
        color='"#8e24aa"',
        penwidth="1.4",
        arrowhead="none",
        label=_quote(label),
        fontcolor='"#8e24aa"',
        fontsize=f'"{SMALL_SIZE}"',
        lp=f'"{writer.pos((start[0] + 4 + width / 2, start[1] - 6))}"',
    )


def _separators(writer: _Writer) -> None:
    """Thin lines between stage columns, across the lanes."""
    blueprint = writer.blueprint
    if not blueprint.lanes:
        return
    top = blueprint.lanes[0].rect.y
    bottom = blueprint.lanes[-1].rect.bottom
    for stage in blueprint.stages[1:]:
        x = stage.rect.x - 2  # the boundary between this stage and the one before
        a, b = writer.point((x, top)), writer.point((x, bottom))
        writer.edge(
            a,
            b,
            writer.straight([(x, top), (x, bottom)]),
            **{"class": '"separator"'},
            color='"#c5cad3"',
            style="dotted",
            arrowhead="none",
        )


def _rounded(points: Sequence[Point]) -> list[Point]:
    """Bezier control points for an orthogonal polyline with rounded corners."""
    controls: list[Point] = [points[0]]
    current = points[0]
    for index in range(1, len(points) - 1):
        before, corner, after = points[index - 1], points[index], points[index + 1]
        into = math.dist(before, corner)
        out = math.dist(corner, after)
        radius = min(CORNER, into / 2, out / 2)
        if radius <= 0.01:
            continue
        enter = _towards(corner, before, radius)
        leave = _towards(corner, after, radius)
        controls += [current, enter, enter]
        controls += [corner, corner, leave]
        current = leave
    end = points[-1]
    controls += [current, end, end]
    return controls


def _towards(origin: Point, target: Point, distance: float) -> Point:
    length = math.dist(origin, target)
    if length == 0:
        return origin
    return (
        origin[0] + (target[0] - origin[0]) * distance / length,
        origin[1] + (target[1] - origin[1]) * distance / length,
    )


def _line(writer: _Writer, line: Line, *, findings: bool) -> None:
    points = list(line.points)
    tip = points[-1]
    head = 10 * ARROW_SIZE
    points[-1] = _towards(tip, points[-2], head)  # the spline stops where the arrowhead begins
    controls = _rounded(points)
    spline = f"e,{writer.pos(tip)} " + " ".join(writer.pos(p) for p in controls)
    classes = ["transition"]
    attributes: dict[str, str] = {"color": f'"{ARROW}"', "penwidth": "1.1"}
    styles = []
    if line.handoff:
        classes.append("handoff")
        styles.append("dashed")
        attributes["color"] = f'"{HANDOFF}"'
    if line.context_lost:
        classes.append("context-lost")
        attributes.update(color=f'"{FINDING}"', fontcolor=f'"{FINDING}"')
    if line.peloteo and findings:
        classes.append("peloteo")
        attributes.update(color=f'"{FINDING}"', penwidth="3")
    if line.weight is not None:
        attributes["penwidth"] = _number(1 + 5 * line.weight)
    if line.colour is not None:
        attributes.update(color=f'"{line.colour}"', penwidth="2.4")
    if styles:
        attributes["style"] = ",".join(styles)
    if line.label and line.label_at is not None:
        attributes["label"] = _quote(_flat_label(line.label))
        attributes["lp"] = f'"{writer.pos(line.label_at)}"'
    source = "s" + line.source.replace("-", "")
    target = "s" + line.target.replace("-", "")
    writer.edge(
        source,
        target,
        spline,
        id=f'"{line.hook}"',
        **{"class": f'"{" ".join(classes)}"'},
        **attributes,
    )


def _flat_label(text: str) -> str:
    return "".join(ch if ch.isprintable() else " " for ch in text)


_GROUP = re.compile(r'(<g id="([^"]+)" class="[^"]*">)(\s*)<title>[^<]*</title>')


def add_titles(svg: bytes, blueprint: Blueprint) -> bytes:
    """Put each step's and transition's tooltip into its SVG `<title>` (escaped here)."""
    titles = {box.hook: box.tooltip for box in blueprint.boxes}
    titles.update((line.hook, line.tooltip) for line in blueprint.lines)
    titles.update((f"lane-{i}", lane.tooltip) for i, lane in enumerate(blueprint.lanes))
    titles.update((f"stage-{i}", stage.tooltip) for i, stage in enumerate(blueprint.stages))
    titles.update((f"{note.kind}-{note.number}", note.text) for note in blueprint.notes)
    if blueprint.emotion is not None:
        names = {box.hook: box.tooltip.split("\n", 1)[0] for box in blueprint.boxes}
        titles.update(
            (
                f"feel-{point.step}",
                f"{names[point.step]}: " + _("feeling {score} of 5").format(score=point.score),
            )
            for point in blueprint.emotion.points
        )

    def replace(match: re.Match[str]) -> str:
        """The element's tooltip; Graphviz's own names (`title`, `p4->p5`) are dropped."""
        title = titles.get(html.unescape(match.group(2)))
        if title is None:
            return match.group(1)
        escaped = html.escape(_flat_title(title), quote=False)
        return f"{match.group(1)}{match.group(3)}<title>{escaped}</title>"

    text = svg.decode("utf-8")
    return _GROUP.sub(replace, text).encode("utf-8")


def _flat_title(text: str) -> str:
    return "".join(ch if ch.isprintable() or ch == "\n" else " " for ch in text)
