"""The journey as a service blueprint, laid out by cyclemap: the drawing with coordinates.

Stages are columns, in their order, each under a header with the customers who reach it and
those lost there. Lanes are rows: one per team (or channel) the customer deals with, above the
line of visibility, and one per team doing backstage work, below it. Each step is a box in its
(stage, lane) cell (`grid`), each transition an orthogonal arrow routed in the gaps between
boxes (`routing`). Above the lanes, the emotion curve plots each scored step's `score` at its
column, joined along the most likely way from the main entry to success.

Everything is placed here, in points with y downwards, so the drawing is the same bytes for the
same journey and costs O(n log n); the Graphviz target (`blueprint_dot`) only draws it. Text
shown is shortened to fit its box; the full text goes into tooltips.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from cyclemap.findings import Finding
from cyclemap.graph import JourneyGraph, TransitionEdge
from cyclemap.graph.flow_model import FlowError, FlowModel, flow_model
from cyclemap.render.grid import GridItem, place
from cyclemap.render.routing import Arrow, Frame, RoutePlan
from cyclemap.render.text_metrics import ellipsize, text_width, wrap
from cyclemap.render.view import finding_marks
from cyclemap.util.i18n import _, ngettext
from cyclemap.util.numbers import customers, number, percent

Lanes = Literal["team", "channel"]
Point = tuple[float, float]

# Sizes in points.
BOX_WIDTH = 172.0
BOX_HEIGHT = 74.0
NAME_SIZE = 10.5
SMALL_SIZE = 8.5
LABEL_SIZE = 8.0
PADDING = 7.0
LANE_HEADER = 132.0
STAGE_HEADER = 48.0
EMOTION_BAND = 92.0
TITLE_SIZE = 19.0
MARGIN = 18.0
MIN_COLUMN_GAP = 22.0
MIN_ROW_GAP = 14.0
LANE_PADDING = 10.0
VISIBILITY_ROOM = 22.0
TITLE_HEIGHT = 64.0
MARKER = 13.0

# Colour-blind-safe pale fills for teams (Paul Tol's "pale" scheme, then his "light" scheme
# lightened so black text stays readable): no outcome or finding is ever shown by a fill, so a
# team's colour cannot be mistaken for one.
TEAM_FILLS = (
    "#bbccee",
    "#cceeff",
    "#ccddaa",
    "#eeeebb",
    "#ffcccc",
    "#dddddd",
    "#add0ee",
    "#8fd6c2",
    "#d6e085",
    "#f5b8a3",
    "#ffccd6",
    "#f5ebb8",
)
NO_LANE_FILL = "#f2f2f2"
FINDING = "#c62828"
SUCCESS = "#1b5e20"
ENDED = "#37474f"
MOMENT = "#e65100"
PAIN = "#b71c1c"
OPPORTUNITY = "#1b5e20"
HANDOFF = "#455a64"
ARROW = "#37474f"
LANE_SHADES = ("#f7f8fa", "#ffffff")
BACKSTAGE_SHADES = ("#eef0f3", "#f6f7f9")


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height

    @property
    def centre(self) -> Point:
        return (self.x + self.width / 2, self.y + self.height / 2)

    def overlaps(self, other: Rect, gap: float = 0.0) -> bool:
        return (
            self.x < other.right + gap
            and other.x < self.right + gap
            and self.y < other.bottom + gap
            and other.y < self.bottom + gap
        )


@dataclass(frozen=True)
class Box:
    """A step (or a step of another journey, `kind == "link"`)."""

    hook: str
    """`step-N`, N its 0-based position in the file; `link-N` for other journeys' steps."""
    rect: Rect
    name: tuple[str, ...]
    detail: str
    figures: str
    kind: str
    """step, entry, success, failure, abandoned or link."""
    fill: str
    backstage: bool
    moment_of_truth: bool
    marks: frozenset[str]
    tooltip: str
    pain_points: tuple[int, ...] = ()
    opportunities: tuple[int, ...] = ()


@dataclass(frozen=True)
class Line:
    """A transition."""

    hook: str
    """`t-I-J`: the file positions of its source and target."""
    source: str
    target: str
    points: tuple[Point, ...]
    label: str
    label_at: Point | None
    handoff: bool
    context_lost: bool
    peloteo: bool
    tooltip: str
    weight: float | None = None
    """0..1 share of the busiest observed traffic (a log overlay), else None."""
    colour: str | None = None
    """A colour of its own (the change map's), drawn over every other."""


@dataclass(frozen=True)
class Band:
    """A lane (or a stage column header)."""

    rect: Rect
    title: tuple[str, ...]
    subtitle: str
    fill: str
    backstage: bool = False
    tooltip: str = ""


@dataclass(frozen=True)
class EmotionPoint:
    at: Point
    score: int
    step: str
    """The step's hook."""
    on_path: bool
    moment_of_truth: bool


@dataclass(frozen=True)
class Emotion:
    band: Rect
    points: tuple[EmotionPoint, ...]
    path: tuple[Point, ...]
    unscored: int
    """Steps without a score, left out of the curve."""

    def y_of(self, score: float) -> float:
        return self.band.bottom - 12 - (score - 1) / 4 * (self.band.height - 24)


@dataclass(frozen=True)
class Note:
    """A pain point or an opportunity, numbered on the map and listed under it."""

    number: int
    kind: Literal["pain", "opportunity"]
    step: str
    step_name: str
    text: str


@dataclass(frozen=True)
class Blueprint:
    width: float
    height: float
    title: str
    subtitle: str
    summary: str
    boxes: tuple[Box, ...]
    lines: tuple[Line, ...]
    lanes: tuple[Band, ...]
    stages: tuple[Band, ...]
    visibility: tuple[Point, Point]
    emotion: Emotion | None
    notes: tuple[Note, ...]
    legend_top: float
    notes_top: float
    legend_fills: tuple[tuple[str, str], ...]
    """(lane name, fill) of every team or channel with a colour."""
    lanes_by: Lanes
    observed: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    change_legend: tuple[tuple[str, str, str], ...] = ()
    """The change map's legend: (kind, colour, words), kind `fill`, `arrow` or `words`; when
    given, fills mean the change, not teams."""


def _model_of(graph: JourneyGraph) -> FlowModel | None:
    """The journey's flow figures, or None when they do not exist (customers can be trapped
    forever: `dead-end` says where)."""
    try:
        return flow_model(graph)
    except FlowError:
        return None


def flow_order(graph: JourneyGraph) -> dict[str, int]:
    """Breadth-first from the entries (steps no entry reaches follow in file order)."""
    order = graph.entry_order()
    for node in graph.in_file_order(graph.step_ids):
        order.setdefault(node, len(order))
    return order


@dataclass(frozen=True)
class _Lane:
    key: str | None
    backstage: bool
    title: str


def _lane_name(graph: JourneyGraph, lanes_by: Lanes, key: str | None) -> str:
    if key is None:
        return _("(no team)") if lanes_by == "team" else _("(no channel)")
    definitions: Any = graph.journey.teams if lanes_by == "team" else graph.journey.channels
    definition = definitions.get(key)
    name = definition.value.name if definition is not None else None
    return " ".join((name or key).split())


def _flat(text: str) -> str:
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def build_blueprint(
    graph: JourneyGraph,
    findings: Sequence[Finding] = (),
    *,
    lanes_by: Lanes = "team",
    observed: Any = None,
    aspect: float = 2.0,
) -> Blueprint:
    """Lay the journey out as a blueprint (see the module docstring)."""
    return _Builder(graph, findings, lanes_by, observed, aspect).build()


class _Builder:
    def __init__(
        self,
        graph: JourneyGraph,
        findings: Sequence[Finding],
        lanes_by: Lanes,
        observed: Any,
        aspect: float,
    ) -> None:
        self.graph = graph
        self.findings = findings
        self.lanes_by = lanes_by
        self.observed = observed
        self.aspect = aspect
        self.document = graph.journey.document
        self.steps = self.document.steps
        self.order = flow_order(graph)
        self.model = _model_of(graph)
        self.by_volume = self.model is not None and self.model.by_volume

    # --- the grid -----------------------------------------------------------------------

    def _lanes(self) -> tuple[list[_Lane], dict[str, int]]:
        """Lanes in the order customers first meet them; frontstage above backstage."""
        first: dict[tuple[bool, str | None], int] = {}
        for step in self.steps:
            key = (step.backstage, getattr(step, self.lanes_by))
            position = self.order[step.id]
            first[key] = min(first.get(key, position), position)
        for node in self.graph.external:
            source = self.graph.in_file_order(self.graph.predecessors(node))[0]
            came_from = self.graph.step(source)
            key = (came_from.backstage, getattr(came_from, self.lanes_by))
            first.setdefault(key, self.order[node])
        ordered = sorted(first, key=lambda key: (key[0], first[key]))
        lanes = [
            _Lane(key, backstage, _lane_name(self.graph, self.lanes_by, key))
            for backstage, key in ordered
        ]
        index = {(lane.backstage, lane.key): position for position, lane in enumerate(lanes)}
        lane_of: dict[str, int] = {}
        for step in self.steps:
            lane_of[step.id] = index[(step.backstage, getattr(step, self.lanes_by))]
        for node in self.graph.external:
            source = self.graph.in_file_order(self.graph.predecessors(node))[0]
            lane_of[node] = lane_of[source]
        return lanes, lane_of

    def build(self) -> Blueprint:
        graph = self.graph
        stage_ids = [stage.id for stage in self.document.stages]
        stage_index = {stage: position for position, stage in enumerate(stage_ids)}
        lanes, lane_of = self._lanes()
        externals = graph.in_file_order(graph.external)
        columns_of_stages = len(stage_ids) + (1 if externals else 0)
        nodes = [step.id for step in self.steps] + externals
        position = {node: i for i, node in enumerate(nodes)}
        items = [
            GridItem(
                stage=stage_index[self.steps[i].stage] if i < len(self.steps) else len(stage_ids),
                lane=lane_of[node],
                order=self.order[node],
            )
            for i, node in enumerate(nodes)
        ]
        transitions = sorted(
            graph.transitions(), key=lambda edge: (position[edge.source], edge.position)
        )
        pairs = [(position[edge.source], position[edge.target]) for edge in transitions]
        marks, loop_edges = finding_marks(self.findings)
        arrows = []
        labels = []
        busiest = 0
        if self.observed is not None:
            busiest = max(self.observed.counts.values(), default=0)
        for edge in transitions:
            label = self._arrow_label(edge)
            labels.append(label)
            size = (text_width(label, LABEL_SIZE), LABEL_SIZE + 2) if label else None
            moving = self._moving(edge)
            arrows.append(Arrow(position[edge.source], position[edge.target], size, moving))

        fixed_height = self._header_height() + LEGEND_HEIGHT + 16 + self._notes_height() + MARGIN

        def estimate(columns: int, rows: int) -> tuple[float, float]:
            """The drawing's size before routing: gaps and rows at their usual sizes."""
            width = 2 * MARGIN + LANE_HEADER + columns * (BOX_WIDTH + 44) + 30
            height = fixed_height + rows * (BOX_HEIGHT + 22) + len(lanes) * LANE_PADDING
            return width, height

        placement = place(
            items,
            pairs,
            stages=columns_of_stages,
            lanes=len(lanes),
            size=estimate,
            aspect=self.aspect,
        )
        plan = RoutePlan(placement.cells, arrows, placement.columns, placement.rows)
        frame, geometry = self._frame(placement, plan, lanes)
        routes = plan.routes(frame)
        # Stage boundaries run between the labels of the column before and the first track.
        boundaries = [
            frame.vertical_gap_left[first] + plan.label_zone[first] + 3 if first else MARGIN
            for first, _width in placement.stage_columns
        ]

        # --- boxes
        notes: list[Note] = []
        fills = self._fills()
        boxes = []
        for i, node in enumerate(nodes):
            column, row = placement.cells[i]
            rect = Rect(
                frame.column_left[column], frame.row_top[row], BOX_WIDTH, frame.row_height[row]
            )
            boxes.append(self._box(node, i, rect, fills, marks, notes))
        hooks = {node: boxes[i].hook for i, node in enumerate(nodes)}
        lines = []
        for edge, route, label in zip(transitions, routes, labels, strict=True):
            source, target = edge.source, edge.target
            weight: float | None = None
            bounced = False
            if self.observed is not None:
                seen = self.observed.counts.get((source, target), 0)
                weight = seen / busiest if busiest else 0.0
                teams = frozenset({graph.step(source).team, graph.step(target).team})
                bounced = edge.handoff and teams in self.observed.bounced_teams
            lines.append(
                Line(
                    hook=f"t-{position[source]}-{position[target]}",
                    source=hooks[source],
                    target=hooks[target],
                    points=route.points,
                    label=label,
                    label_at=route.label_at,
                    handoff=edge.handoff,
                    context_lost=edge.context == "lost",
                    peloteo=(source, target) in loop_edges or bounced,
                    tooltip=self._arrow_tooltip(edge),
                    weight=weight,
                )
            )
        lane_bands = self._lane_bands(lanes, placement, frame, geometry)
        stage_bands = self._stage_bands(stage_ids, externals, placement, boundaries, geometry)
        emotion = self._emotion(boxes, nodes, geometry)
        return Blueprint(
            width=geometry["width"],
            height=geometry["height"],
            title=_flat(self.document.journey.name),
            subtitle=self._subtitle(),
            summary=self._summary(),
            boxes=tuple(boxes),
            lines=tuple(lines),
            lanes=tuple(lane_bands),
            stages=tuple(stage_bands),
            visibility=(
                (MARGIN, geometry["visibility_y"]),
                (geometry["grid_right"], geometry["visibility_y"]),
            ),
            emotion=emotion,
            notes=tuple(notes),
            legend_top=geometry["legend_top"],
            notes_top=geometry["notes_top"],
            legend_fills=tuple((name, colour) for name, colour in fills["legend"]),
            lanes_by=self.lanes_by,
            observed=self.observed is not None,
            extra={"backstage_lanes": sum(1 for lane in lanes if lane.backstage)},
        )

    # --- coordinates ------------------------------------------------------------------------

    def _frame(
        self, placement: Any, plan: RoutePlan, lanes: list[_Lane]
    ) -> tuple[Frame, dict[str, float]]:
        """Column and row positions, each gap as wide as its tracks and labels need."""
        lane_first_rows = {first for first, _width in placement.lane_rows}
        backstage_first = next(
            (placement.lane_rows[i][0] for i, lane in enumerate(lanes) if lane.backstage),
            placement.rows,
        )
        stage_top = MARGIN + TITLE_HEIGHT
        emotion_top = stage_top + STAGE_HEADER + 6
        grid_top = self._header_height()
        x = MARGIN + LANE_HEADER
        vertical_left: list[float] = []
        column_left: list[float] = []
        for gap in range(placement.columns + 1):
            vertical_left.append(x)
            x += max(MIN_COLUMN_GAP, plan.vertical_gap_width(gap))
            if gap < placement.columns:
                column_left.append(x)
                x += BOX_WIDTH
        grid_right = x
        y = grid_top
        horizontal_top: list[float] = []
        reserved: list[float] = []
        row_top: list[float] = []
        row_height: list[float] = []
        visibility_y = 0.0
        for gap in range(placement.rows + 1):
            horizontal_top.append(y)
            # Lanes stand apart a little more than rows; the gap where backstage begins (or
            # the last one, when nothing is backstage) keeps room for the line of visibility.
            room = LANE_PADDING / 2 if gap in lane_first_rows or gap == placement.rows else 0.0
            if gap == backstage_first:
                visibility_y = y + VISIBILITY_ROOM / 2
                room = VISIBILITY_ROOM
            reserved.append(room)
            y += room + max(MIN_ROW_GAP, plan.horizontal_gap_height(gap))
            if gap < placement.rows:
                row_top.append(y)
                height = max(BOX_HEIGHT, plan.least_row_height(gap))
                row_height.append(height)
                y += height
        grid_bottom = y
        frame = Frame(
            column_left=column_left,
            column_width=BOX_WIDTH,
            row_top=row_top,
            row_height=row_height,
            vertical_gap_left=vertical_left,
            horizontal_gap_top=horizontal_top,
            horizontal_gap_reserved=reserved,
        )
        notes_height = self._notes_height()
        legend_top = grid_bottom + 16
        geometry = {
            "stage_top": stage_top,
            "emotion_top": emotion_top,
            "grid_top": grid_top,
            "grid_bottom": grid_bottom,
            "grid_right": grid_right,
            "visibility_y": visibility_y,
            "backstage_gap": float(backstage_first),
            "legend_top": legend_top,
            "notes_top": legend_top + LEGEND_HEIGHT,
            "width": max(grid_right + MARGIN, 760.0),
            "height": legend_top + LEGEND_HEIGHT + notes_height + MARGIN,
        }
        return frame, geometry

    def _header_height(self) -> float:
        """Title, stage headers and the emotion band: everything above the lanes."""
        emotion = EMOTION_BAND if self._has_scores() else 0.0
        return MARGIN + TITLE_HEIGHT + STAGE_HEADER + 6 + emotion + 4

    def _notes_height(self) -> float:
        count = sum(len(s.pain_points) + len(s.opportunities) for s in self.steps)
        return 0.0 if not count else 13.0 * (min(count, NOTES_SHOWN) + 2)

    def _has_scores(self) -> bool:
        return any(step.score is not None for step in self.steps)

    # --- contents ---------------------------------------------------------------------------

    def _fills(self) -> dict[str, Any]:
        """A fill per team (or channel) in order of first appearance along the flow."""
        keys: dict[str, None] = {}
        for step in sorted(self.steps, key=lambda s: self.order[s.id]):
            key = getattr(step, "team" if self.lanes_by == "team" else "channel")
            if key is not None:
                keys.setdefault(key)
        colours = {key: TEAM_FILLS[i % len(TEAM_FILLS)] for i, key in enumerate(keys)}
        legend = [(_lane_name(self.graph, self.lanes_by, key), c) for key, c in colours.items()]
        return {"by_key": colours, "legend": legend}

    def _box(
        self,
        node: str,
        i: int,
        rect: Rect,
        fills: dict[str, Any],
        marks: dict[str, set[str]],
        notes: list[Note],
    ) -> Box:
        graph = self.graph
        if graph.step(node).external:
            name = wrap("↪ " + node, BOX_WIDTH - 2 * PADDING, NAME_SIZE, bold=True, lines=2)
            return Box(
                hook=f"link-{i - len(self.steps)}",
                rect=rect,
                name=tuple(name),
                detail=_("another journey"),
                figures="",
                kind="link",
                fill="#ffffff",
                backstage=False,
                moment_of_truth=False,
                marks=frozenset(),
                tooltip=node + "\n" + _("customers continue in another journey"),
            )
        step = self.steps[i]
        kind = step.outcome or ("entry" if step.entry is not None else "step")
        icon = OUTCOME_ICONS.get(kind, "")
        if step.moment_of_truth is not None:
            icon = "★ " + icon
        name_lines = 3 if rect.height >= BOX_HEIGHT else 2
        name = wrap(
            icon + _flat(step.label),
            BOX_WIDTH - 2 * PADDING,
            NAME_SIZE,
            bold=True,
            lines=name_lines,
        )
        other = "channel" if self.lanes_by == "team" else "team"
        detail_key = getattr(step, other)
        detail = ""
        if detail_key is not None:
            detail = _lane_name(graph, other, detail_key)  # type: ignore[arg-type]
        if step.backstage:
            detail = (_("backstage") + " · " + detail) if detail else _("backstage")
        detail = ellipsize(detail, BOX_WIDTH - 2 * PADDING, SMALL_SIZE)
        figures = ellipsize(self._figures(node, step), BOX_WIDTH - 2 * PADDING, SMALL_SIZE)
        pains = []
        for text in step.pain_points:
            notes.append(Note(len(notes) + 1, "pain", f"step-{i}", _flat(step.label), _flat(text)))
            pains.append(len(notes))
        opportunities = []
        for text in step.opportunities:
            notes.append(
                Note(len(notes) + 1, "opportunity", f"step-{i}", _flat(step.label), _flat(text))
            )
            opportunities.append(len(notes))
        lane_key = getattr(step, self.lanes_by)
        return Box(
            hook=f"step-{i}",
            rect=rect,
            name=tuple(name),
            detail=detail,
            figures=figures,
            kind=kind,
            fill=fills["by_key"].get(lane_key, NO_LANE_FILL),
            backstage=step.backstage,
            moment_of_truth=step.moment_of_truth is not None,
            marks=frozenset(marks.get(node, ())),
            tooltip=self._step_tooltip(node, step),
            pain_points=tuple(pains),
            opportunities=tuple(opportunities),
        )

    def _amount(self, value: float) -> str:
        return customers(value) if self.by_volume else percent(value)

    def _figures(self, node: str, step: Any) -> str:
        """Customers entering, abandoning and stuck here, as `stats` counts them."""
        parts = []
        if step.entry is not None and step.entry.volume is not None:
            parts.append(_("{count} enter").format(count=customers(step.entry.volume)))
        flow = self.model.step(node) if self.model is not None else None
        if step.abandon > 0:
            text = f"↘ {percent(step.abandon)}"
            if flow is not None and self.by_volume:
                text += f" ({customers(flow.abandoned)})"
            parts.append(text)
        if flow is not None and flow.stuck > 0:
            parts.append("⊘ " + _("{amount} stuck").format(amount=self._amount(flow.stuck)))
        return " · ".join(parts)

    def _moving(self, edge: TransitionEdge) -> float:
        """Customers taking a transition (a tiny weight without figures): heavier arrows are
        drawn straight first."""
        probability = edge.probability
        if self.model is None:
            return probability * 1e-9
        return self.model.arrivals[edge.source] * probability or probability * 1e-9

    def _arrow_label(self, edge: TransitionEdge) -> str:
        following = self.graph.successors(edge.source)
        label = percent(edge.share) if len(following) > 1 or edge.share_given else ""
        if self.observed is not None:
            seen = self.observed.counts.get((edge.source, edge.target), 0)
            seen_text = _("{count} seen").format(count=customers(seen))
            label = f"{label} · {seen_text}".strip(" ·")
        return label

    def _step_tooltip(self, node: str, step: Any) -> str:
        graph = self.graph
        lines = [f"{_flat(step.label)} ({step.id})"]
        stage = next(s for s in self.document.stages if s.id == step.stage)
        lines.append(_("stage: {name}").format(name=_flat(stage.name)))
        if step.team is not None:
            lines.append(_("team: {name}").format(name=_lane_name(graph, "team", step.team)))
        if step.channel is not None:
            channel = _lane_name(graph, "channel", step.channel)
            lines.append(_("channel: {name}").format(name=channel))
        if step.backstage:
            lines.append(_("backstage: the customer does not see this step"))
        if step.description:
            lines.append(_flat(step.description))
        if step.duration is not None:
            lines.append(_("duration: {duration}").format(duration=_duration(step.duration)))
        if step.score is not None:
            lines.append(_("feeling: {score} of 5").format(score=step.score))
        if self.model is not None:
            flow = self.model.step(node)
            reached = flow.reached if flow.reached is not None else flow.visits
            lines.append(_("customers reaching it: {amount}").format(amount=self._amount(reached)))
            if flow.visits > reached * 1.0005:
                lines.append(
                    _("visits (a customer may come back): {amount}").format(
                        amount=self._amount(flow.visits)
                    )
                )
            if flow.lost > 0:
                lines.append(
                    _("customers lost here: {amount}").format(amount=self._amount(flow.lost))
                )
        if step.abandon:
            lines.append(_("abandon: {share}").format(share=percent(step.abandon)))
        moment = step.moment_of_truth
        if moment is not None:
            lines.append(_("moment of truth"))
            lines += ["  " + line for line in _moment_lines(moment)]
        lines += [_("pain point: {text}").format(text=_flat(text)) for text in step.pain_points]
        lines += [_("opportunity: {text}").format(text=_flat(text)) for text in step.opportunities]
        return "\n".join(lines)

    def _arrow_tooltip(self, edge: TransitionEdge) -> str:
        graph = self.graph
        ends = (edge.source, edge.target)
        names = [_flat(graph.step(node).label) for node in ends]
        lines = [f"{names[0]} → {names[1]}", _("share: {share}").format(share=percent(edge.share))]
        if edge.handoff:
            teams = [_lane_name(graph, "team", graph.step(node).team) for node in ends]
            lines.append(_("handoff: {source} → {target}").format(source=teams[0], target=teams[1]))
        if edge.reason:
            lines.append(_("reason: {text}").format(text=_flat(edge.reason)))
        if edge.context == "lost":
            lines.append(_("context lost: the customer tells the story again"))
        return "\n".join(lines)

    def _subtitle(self) -> str:
        info = self.document.journey
        parts = [info.id]
        if info.persona:
            parts.append(_("persona: {text}").format(text=_flat(info.persona)))
        if info.owner:
            parts.append(_("owner: {text}").format(text=_flat(info.owner)))
        return " · ".join(parts)

    def _summary(self) -> str:
        entries = [s for s in self.steps if s.entry is not None]
        named = [
            f"{_flat(s.label)} ({customers(s.entry.volume)})"
            if s.entry is not None and s.entry.volume is not None
            else _flat(s.label)
            for s in entries
        ]
        text = _("Customers enter at {steps}").format(steps="; ".join(named[:4]))
        if len(named) > 4:
            more = len(named) - 4
            text += "; " + ngettext("and {count} more", "and {count} more", more).format(count=more)
        return text

    def _lane_bands(
        self,
        lanes: list[_Lane],
        placement: Any,
        frame: Frame,
        geometry: dict[str, float],
    ) -> list[Band]:
        """Lanes meet halfway across the gap between them, or on the line of visibility."""

        def boundary(gap: int) -> float:
            if gap == geometry["backstage_gap"]:
                return geometry["visibility_y"]
            if gap == 0:
                return geometry["grid_top"]
            if gap == placement.rows:
                return geometry["grid_bottom"]
            return (frame.horizontal_gap_top[gap] + frame.row_top[gap]) / 2

        bands = []
        for index, lane in enumerate(lanes):
            first, count = placement.lane_rows[index]
            top, bottom = boundary(first), boundary(first + count)
            shades = BACKSTAGE_SHADES if lane.backstage else LANE_SHADES
            title = wrap(lane.title, LANE_HEADER - 26, 10, bold=True, lines=3)
            bands.append(
                Band(
                    rect=Rect(MARGIN, top, geometry["grid_right"] - MARGIN, bottom - top),
                    title=tuple(title),
                    subtitle=_("backstage") if lane.backstage else "",
                    fill=shades[index % 2],
                    backstage=lane.backstage,
                    tooltip=_lane_tooltip(self.lanes_by, lane),
                )
            )
        return bands

    def _stage_bands(
        self,
        stage_ids: list[str],
        externals: list[str],
        placement: Any,
        boundaries: list[float],
        geometry: dict[str, float],
    ) -> list[Band]:
        groups = self.model.groups("stage") if self.model is not None else {}
        after_success = self._stages_after_success()
        bands = []
        names = [_flat(stage.name) for stage in self.document.stages]
        if externals:
            names.append(_("Other journeys"))
        edges = [*boundaries[1:], geometry["grid_right"]]
        for index, name in enumerate(names):
            left = boundaries[index] + (2 if index else MARGIN + LANE_HEADER - MARGIN)
            right = edges[index] - 2
            title = wrap(name, right - left - 12, 11, bold=True, lines=2)
            subtitle = ""
            if index < len(stage_ids) and stage_ids[index] in groups:
                group = groups[stage_ids[index]]
                subtitle = _("{reached} reach · {lost} lost").format(
                    reached=self._amount(group.reached), lost=self._amount(group.lost)
                )
                if stage_ids[index] in after_success:
                    # The figures follow a customer to their first success; what comes after
                    # (installation, after-sale) is the cycle going on, not counted there.
                    subtitle = _("after success: not in the figures")
                subtitle = ellipsize(subtitle, right - left - 12, SMALL_SIZE)
            bands.append(
                Band(
                    rect=Rect(left, geometry["stage_top"], right - left, STAGE_HEADER),
                    title=tuple(title),
                    subtitle=subtitle,
                    fill="#e8eaf0" if index % 2 == 0 else "#f1f3f7",
                    tooltip=name,
                )
            )
        return bands

    def _stages_after_success(self) -> set[str]:
        """Stages customers reach only past a `success` step: the flow figures stop at the
        first success, so they count nobody there."""
        graph = self.graph
        successes = set(graph.successes)
        before = set(graph.entries)
        queue = [node for node in before if node not in successes]
        while queue:
            node = queue.pop()
            for following in graph.successors(node):
                if following not in before:
                    before.add(following)
                    if following not in successes:
                        queue.append(following)
        reached = {graph.step(node).stage for node in graph.reachable}
        counted = {graph.step(node).stage for node in before}
        return {stage for stage in reached - counted if stage is not None}

    def _emotion(
        self, boxes: list[Box], nodes: list[str], geometry: dict[str, float]
    ) -> Emotion | None:
        if not self._has_scores():
            return None
        band = Rect(
            MARGIN + LANE_HEADER,
            geometry["emotion_top"],
            geometry["grid_right"] - MARGIN - LANE_HEADER,
            EMOTION_BAND,
        )
        path = self._main_path()
        on_path = set(path)
        points = []
        by_node = {node: boxes[i] for i, node in enumerate(nodes)}
        emotion = Emotion(band, (), (), 0)
        for i, step in enumerate(self.steps):
            if step.score is None:
                continue
            x = boxes[i].rect.centre[0]
            points.append(
                EmotionPoint(
                    at=(x, emotion.y_of(step.score)),
                    score=step.score,
                    step=f"step-{i}",
                    on_path=step.id in on_path,
                    moment_of_truth=step.moment_of_truth is not None,
                )
            )
        # A curve reads left to right: a step of the path drawn left of the one before (a
        # stage that wraps, a loop) keeps its point but does not bend the line back.
        curve: list[Point] = []
        for node in path:
            score = self.graph.step(node).score
            x = by_node[node].rect.centre[0]
            if score is not None and (not curve or x > curve[-1][0]):
                curve.append((x, emotion.y_of(score)))
        unscored = sum(1 for step in self.steps if step.score is None)
        return Emotion(band, tuple(points), tuple(curve), unscored)

    def _main_path(self) -> list[str]:
        """The most likely way from the main entry (the busiest) to a success."""
        graph = self.graph
        entries = [s for s in self.steps if s.entry is not None]
        if not entries or not graph.successes:
            return []

        def busiest(step: Any) -> tuple[float, int]:
            return (step.entry.volume or 0.0, -self.order[step.id])

        main = max(entries, key=busiest)
        found = graph.most_likely_path(main.id, set(graph.successes))
        return found[0] if found is not None else []


LEGEND_HEIGHT = 104.0
"""Four rows of the legend (a fifth when team colours wrap)."""
OUTCOME_ICONS = {"success": "✓ ", "failure": "✕ ", "abandoned": "\u2a2f ", "entry": "▶ "}
"""Outcomes and entries are told by an icon and their border, never by a fill."""
NOTES_SHOWN = 60
"""Pain points and opportunities listed under the map; the page lists them all."""


def _duration(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            value = seconds / size
            return number(value, 1, trim=True, grouped=False) + unit
    return number(seconds, grouped=False) + "s"


def _moment_lines(moment: Any) -> list[str]:
    """A moment of truth in the step's tooltip: its requirement, owner and measure."""
    lines = []
    if moment.requirement:
        lines.append(_("requirement: {text}").format(text=_flat(moment.requirement)))
    owner = _flat(moment.owner) if moment.owner else _("nobody")
    lines.append(_("owner: {text}").format(text=owner))
    measure = moment.measure
    if measure is None:
        lines.append(_("measure: {text}").format(text=_("none")))
        return lines
    text = _flat(measure.metric)
    if measure.target is not None:
        text += ", " + _("target {value}").format(value=measure.target)
    if measure.survey:
        text += f" ({_flat(measure.survey)})"
    lines.append(_("measure: {text}").format(text=text))
    return lines


def _lane_tooltip(lanes_by: Lanes, lane: _Lane) -> str:
    text = (_("team: {name}") if lanes_by == "team" else _("channel: {name}")).format(
        name=lane.title
    )
    return text + (" " + _("(backstage)") if lane.backstage else "")
