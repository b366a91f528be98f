"""The blueprint's geometry: boxes apart, arrows in the gaps, labels clear, stages across in
their order, lanes down with the line of visibility between front and backstage.

Checked twice with the same rulers (`tests.support.geometry`): on the `Blueprint` cyclemap
computes, and on the SVG that `neato -n2` draws from the DOT text, read back from the picture.
The inputs: every example, the render fixtures, generated journeys of a few sizes, and random
small journeys (a hypothesis property). Where each box must be comes from the YAML alone.
"""

from __future__ import annotations

import functools
import itertools
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cyclemap.render import RenderOptions, render_journey
from cyclemap.render.blueprint import LABEL_SIZE, Blueprint
from cyclemap.render.text_metrics import text_width
from tests.support.geometry import (
    Drawing,
    Point,
    Rect,
    Transform,
    arrows_through_boxes,
    axis_aligned,
    cubic_pieces,
    flatten,
    is_straight,
    labels_crossed,
    labels_on_boxes,
    outside,
    overlapping_boxes,
    pieces,
    point_list,
    shared_stretches,
)
from tests.support.render import (
    BLUEPRINT,
    EXAMPLES,
    FIXTURES,
    HAS_DOT,
    HOSTILE,
    INTERNET,
    REPO,
    blueprint_of,
    generator,
    load,
    raw,
)

needs_dot = pytest.mark.skipif(not HAS_DOT, reason="needs Graphviz")

GENERATED = (25, 100, 300)
"""Steps of the generated journeys (benchmarks/generate.py)."""
LOG = EXAMPLES / "logs" / "internet-support.csv"
CASES = [
    *(path.name.removesuffix(".journey.yaml") for path in sorted(EXAMPLES.glob("*.journey.yaml"))),
    *(
        f"fixture:{path.name.removesuffix('.journey.yaml')}"
        for path in sorted(FIXTURES.glob("*.yaml"))
    ),
    "internet-support@channel",
    "fixture:blueprint@channel",
    "internet-support+log",
    *(f"generated:{steps}" for steps in GENERATED if steps < 300),
    pytest.param("generated:300", marks=pytest.mark.slow),  # seconds per check
]
"""`name[@lanes][+log]`: an example, a fixture or a generated journey; lanes by channel; with
the example log's traffic drawn over it (longer labels, arrows as wide as their traffic)."""
SVG_TOLERANCE = 1.0
"""Points of slack on the drawn picture: Graphviz writes sizes in hundredths of an inch and
coordinates in hundredths of a point."""


@dataclass(frozen=True)
class Case:
    path: Path
    lanes: str = "team"
    log: bool = False


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("generated")
    (folder / "cyclemap.toml").write_text("", encoding="utf-8")
    for steps in GENERATED:
        text = generator().journey_text(steps)
        (folder / f"generated-{steps}.journey.yaml").write_text(text, encoding="utf-8")
    return folder


def case_of(name: str, generated: Path) -> Case:
    name, log, _ = name.partition("+log")
    name, _, lanes = name.partition("@")
    kind, _, stem = name.rpartition(":")
    if kind == "generated":
        path = generated / f"generated-{stem}.journey.yaml"
    else:
        path = (FIXTURES if kind == "fixture" else EXAMPLES) / f"{stem}.journey.yaml"
    return Case(path, lanes or "team", bool(log))


def overlay(case: Case) -> Any:
    """What `render --log` draws over the map, or None."""
    if not case.log:
        return None
    from cyclemap.engine.config import load_settings
    from cyclemap.mining import Columns, mine
    from cyclemap.render.view import Observed

    journey = load(case.path)
    settings = load_settings(None, start=case.path).mine
    return Observed.of(mine(LOG, journey, Columns.configured(settings), engine=settings.engine))


# --- what the YAML says about where things go ---------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """Read from the journey file alone, independently of cyclemap."""

    stage_of: dict[str, int]
    """Box hook -> index of its stage band (links: the band after the journey's stages)."""
    lane_key: dict[str, tuple[bool, str | None]]
    """Step hook -> (backstage, team or channel): steps with one key share one lane."""
    link_sources: dict[str, list[str]]
    stage_bands: int
    transitions: dict[str, tuple[str, str]]
    """`t-I-J` -> (source hook, target hook), one per `next` item."""
    scores: dict[str, int]


def facts(path: Path, lanes: str) -> Facts:
    data = raw(path)
    steps = data["steps"]
    position = {step["id"]: index for index, step in enumerate(steps)}
    links: dict[str, int] = {}
    for step in steps:
        for move in step.get("next") or []:
            if move["to"] not in position:
                links.setdefault(move["to"], len(links))

    def hook(target: str) -> tuple[str, int]:
        if target in position:
            return f"step-{position[target]}", position[target]
        return f"link-{links[target]}", len(steps) + links[target]

    stages = [stage["id"] for stage in data["stages"]]
    stage_of = {f"step-{i}": stages.index(step["stage"]) for i, step in enumerate(steps)}
    stage_of.update((f"link-{k}", len(stages)) for k in links.values())
    transitions: dict[str, tuple[str, str]] = {}
    link_sources: dict[str, list[str]] = {}
    for index, step in enumerate(steps):
        for move in step.get("next") or []:
            target, at = hook(move["to"])
            transitions[f"t-{index}-{at}"] = (f"step-{index}", target)
            if target.startswith("link-"):
                link_sources.setdefault(target, []).append(f"step-{index}")
    return Facts(
        stage_of=stage_of,
        lane_key={
            f"step-{i}": (bool(step.get("backstage", False)), step.get(lanes))
            for i, step in enumerate(steps)
        },
        link_sources=link_sources,
        stage_bands=len(stages) + (1 if links else 0),
        transitions=transitions,
        scores={f"step-{i}": step["score"] for i, step in enumerate(steps) if "score" in step},
    )


# --- reading a drawing --------------------------------------------------------------------------


def label_rect(text: str, centre: Point) -> Rect:
    return Rect.centred(centre, text_width(text, LABEL_SIZE), LABEL_SIZE + 2)


def blueprint_drawing(blueprint: Blueprint) -> Drawing:
    return Drawing(
        bounds=Rect(0, 0, blueprint.width, blueprint.height),
        boxes={
            box.hook: Rect.of(box.rect.x, box.rect.y, box.rect.width, box.rect.height)
            for box in blueprint.boxes
        },
        arrows={line.hook: list(line.points) for line in blueprint.lines},
        labels={
            line.hook: label_rect(line.label, line.label_at)
            for line in blueprint.lines
            if line.label and line.label_at is not None
        },
        stages=[Rect.of(s.rect.x, s.rect.y, s.rect.width, s.rect.height) for s in blueprint.stages],
        lanes=[Rect.of(b.rect.x, b.rect.y, b.rect.width, b.rect.height) for b in blueprint.lanes],
        backstage_lanes=[lane.backstage for lane in blueprint.lanes],
        visibility=blueprint.visibility[0][1],
    )


SVG = "{http://www.w3.org/2000/svg}"


def classes(element: ET.Element) -> list[str]:
    return element.get("class", "").split()


def shape_outlines(group: ET.Element, transform: Transform) -> list[list[Point]]:
    """Every polygon, path and ellipse of a group, as points in the picture's frame."""
    outlines = []
    for element in group:
        tag = element.tag.removeprefix(SVG)
        if tag == "polygon":
            points = point_list(element.get("points", ""))
        elif tag == "path":
            points = flatten(element.get("d", ""))
        elif tag == "ellipse":
            cx, cy = float(element.get("cx", 0)), float(element.get("cy", 0))
            rx, ry = float(element.get("rx", 0)), float(element.get("ry", 0))
            points = [(cx - rx, cy - ry), (cx + rx, cy + ry)]
        else:
            continue
        outlines.append([transform.apply(point) for point in points])
    return outlines


@dataclass
class Picture:
    drawing: Drawing
    inner: dict[str, Rect]
    """Each box's innermost outline (a success box has two)."""
    curves: dict[str, list[tuple[Point, Point, Point, Point]]]
    """Each transition's path as drawn: its Bezier pieces."""
    groups: dict[str, ET.Element]
    root: ET.Element


def read_svg(data: bytes) -> Picture:
    root = ET.fromstring(data)
    graph = next(g for g in root.iter(f"{SVG}g") if "graph" in classes(g))
    transform = Transform.parse(graph.get("transform", ""))
    x, y, width, height = (float(v) for v in root.get("viewBox", "").split())
    boxes: dict[str, Rect] = {}
    inner: dict[str, Rect] = {}
    arrows: dict[str, list[Point]] = {}
    heads: dict[str, list[Point]] = {}
    labels: dict[str, Rect] = {}
    curves: dict[str, list[Any]] = {}
    stages: dict[int, Rect] = {}
    lanes: dict[int, tuple[Rect, bool]] = {}
    visibility = float("nan")
    groups: dict[str, ET.Element] = {}
    for group in root.iter(f"{SVG}g"):
        kinds = classes(group)
        hook = group.get("id", "")
        if hook:
            groups[hook] = group
        outlines = shape_outlines(group, transform)
        if "node" in kinds and "step" in kinds:
            boxes[hook] = Rect.around(point for outline in outlines for point in outline)
            inner[hook] = min((Rect.around(o) for o in outlines), key=lambda r: r.width)
        elif "edge" in kinds and "transition" in kinds:
            path = group.find(f"{SVG}path")
            assert path is not None, hook
            curves[hook] = [
                tuple(transform.apply(p) for p in piece)  # type: ignore[misc]
                for piece in cubic_pieces(path.get("d", ""))
            ]
            arrows[hook] = [transform.apply(point) for point in flatten(path.get("d", ""))]
            head = group.find(f"{SVG}polygon")
            if head is not None:
                heads[hook] = [transform.apply(p) for p in point_list(head.get("points", ""))]
            text = group.find(f"{SVG}text")
            if text is not None and text.text:
                size = float(text.get("font-size", LABEL_SIZE))
                bx, by = transform.apply((float(text.get("x", 0)), float(text.get("y", 0))))
                labels[hook] = Rect(
                    bx - text_width(text.text, size) / 2,
                    by - 0.8 * size,
                    bx + text_width(text.text, size) / 2,
                    by + 0.25 * size,
                )
        elif "node" in kinds and "stage" in kinds:
            stages[int(hook.removeprefix("stage-"))] = Rect.around(outlines[0])
        elif "node" in kinds and "lane" in kinds:
            lanes[int(hook.removeprefix("lane-"))] = (
                Rect.around(outlines[0]),
                "backstage" in kinds,
            )
        elif "edge" in kinds and "visibility" in kinds:
            visibility = outlines[0][0][1]
    drawing = Drawing(
        bounds=Rect.of(x, y, width, height),
        boxes=boxes,
        arrows=arrows,
        labels=labels,
        stages=[stages[i] for i in sorted(stages)],
        lanes=[lanes[i][0] for i in sorted(lanes)],
        backstage_lanes=[lanes[i][1] for i in sorted(lanes)],
        visibility=visibility,
        heads=heads,
    )
    return Picture(drawing, inner, curves, groups, root)


# --- the invariants that need the YAML -----------------------------------------------------------


def stage_problems(drawing: Drawing, known: Facts, tolerance: float = 0.0) -> list[str]:
    problems = []
    if len(drawing.stages) != known.stage_bands:
        problems.append(f"{len(drawing.stages)} stage headers for {known.stage_bands} stages")
        return problems
    for index, (left, right) in enumerate(itertools.pairwise(drawing.stages)):
        if left.right > right.left + tolerance:
            problems.append(f"stage header {index} {left} does not end before {index + 1} {right}")
    for hook, stage in known.stage_of.items():
        band, box = drawing.stages[stage], drawing.boxes[hook]
        if not box.spans_horizontally_within(band, tolerance):
            problems.append(f"{hook} {box} is not under its stage header {stage} {band}")
    return problems


def lane_problems(drawing: Drawing, known: Facts, tolerance: float = 0.0) -> list[str]:
    problems = []
    lanes = drawing.lanes
    for index, (upper, lower) in enumerate(itertools.pairwise(lanes)):
        if upper.bottom > lower.top + tolerance:
            problems.append(f"lane {index} {upper} does not end above lane {index + 1} {lower}")
    for index, (lane, backstage) in enumerate(zip(lanes, drawing.backstage_lanes, strict=True)):
        if backstage and lane.top < drawing.visibility - tolerance:
            problems.append(f"backstage lane {index} {lane} reaches above the line of visibility")
        if not backstage and lane.bottom > drawing.visibility + tolerance:
            problems.append(f"frontstage lane {index} {lane} reaches below the line of visibility")
    flags = drawing.backstage_lanes
    if flags != sorted(flags):
        problems.append(f"a frontstage lane comes after a backstage one: {flags}")

    def lane_of(hook: str) -> int | None:
        holding = [i for i, lane in enumerate(lanes) if drawing.boxes[hook].within(lane, tolerance)]
        if len(holding) != 1:
            problems.append(f"{hook} {drawing.boxes[hook]} is inside lanes {holding}, not one")
            return None
        return holding[0]

    keys: dict[tuple[bool, str | None], set[int | None]] = {}
    for hook, key in known.lane_key.items():
        lane = lane_of(hook)
        keys.setdefault(key, set()).add(lane)
        if lane is not None and drawing.backstage_lanes[lane] != key[0]:
            problems.append(f"{hook} (backstage: {key[0]}) sits in lane {lane} of the other side")
    for key, held in keys.items():
        if len(held) != 1:
            problems.append(f"steps of {key} are spread over lanes {sorted(map(str, held))}")
    if len(keys) != len(lanes):
        problems.append(f"{len(lanes)} lanes for {len(keys)} (backstage, lane) keys")
    for link, sources in known.link_sources.items():
        lane = lane_of(link)
        if lane is not None and lane not in {lane_of(source) for source in sources}:
            problems.append(f"{link} is in lane {lane}, no lane of the steps leading to it")
    return problems


def transition_problems(drawing: Drawing, known: Facts, tolerance: float = 0.0) -> list[str]:
    """One arrow per `next` item, from its source box's side to its target box's side."""
    problems = []
    if set(drawing.arrows) != set(known.transitions):
        problems.append(
            f"arrows {sorted(set(drawing.arrows) - set(known.transitions))} drawn but not in "
            f"the file; {sorted(set(known.transitions) - set(drawing.arrows))} missing"
        )
    for hook, (source, target) in known.transitions.items():
        points = drawing.arrows.get(hook)
        if not points or len(points) < 2:
            continue
        if not drawing.boxes[source].on_border(points[0], tolerance or 1e-6):
            problems.append(f"{hook} starts at {points[0]}, not on the side of {source}")
        end = points[-1]
        if hook in drawing.heads:  # on the picture the line stops where its arrowhead starts
            end = min(drawing.heads[hook], key=lambda p: _distance_to(drawing.boxes[target], p))
        if not drawing.boxes[target].on_border(end, tolerance or 1e-6):
            problems.append(f"{hook} ends at {end}, not on the side of {target}")
    return problems


def _distance_to(rect: Rect, point: Point) -> float:
    x, y = point
    dx = max(rect.left - x, 0.0, x - rect.right)
    dy = max(rect.top - y, 0.0, y - rect.bottom)
    return (dx * dx + dy * dy) ** 0.5


# --- on the blueprint --------------------------------------------------------------------------


@functools.cache
def _blueprint(case: Case) -> Blueprint:
    return blueprint_of(case.path, case.lanes, observed=overlay(case))  # type: ignore[arg-type]


@pytest.fixture
def computed(request: pytest.FixtureRequest, generated: Path) -> tuple[Blueprint, Facts]:
    case = case_of(request.param, generated)
    return _blueprint(case), facts(case.path, case.lanes)


def each_case(test: Any) -> Any:
    return pytest.mark.parametrize("computed", CASES, indirect=True)(test)


@each_case
def test_step_boxes_do_not_overlap(computed: tuple[Blueprint, Facts]) -> None:
    blueprint, known = computed
    drawing = blueprint_drawing(blueprint)
    assert set(drawing.boxes) == set(known.stage_of)
    assert overlapping_boxes(drawing) == []


@each_case
def test_no_arrow_runs_inside_a_box_not_even_its_own_ends(
    computed: tuple[Blueprint, Facts],
) -> None:
    blueprint, known = computed
    drawing = blueprint_drawing(blueprint)
    assert arrows_through_boxes(drawing, tolerance=1e-6) == []
    assert transition_problems(drawing, known) == []


@each_case
def test_arrow_labels_are_placed_and_clear_of_boxes(computed: tuple[Blueprint, Facts]) -> None:
    blueprint, _ = computed
    unplaced = [line.hook for line in blueprint.lines if line.label and line.label_at is None]
    assert unplaced == []
    assert labels_on_boxes(blueprint_drawing(blueprint)) == []


@each_case
def test_labels_sit_on_their_own_arrow_clear_of_the_others(
    computed: tuple[Blueprint, Facts],
) -> None:
    """The issue's first complaint: a share crossed by another arrow, or two shares stacked."""
    blueprint, _ = computed
    assert labels_crossed(blueprint_drawing(blueprint)) == []


@each_case
def test_no_two_arrows_share_a_stretch(computed: tuple[Blueprint, Facts]) -> None:
    blueprint, _ = computed
    assert shared_stretches(blueprint_drawing(blueprint), tolerance=1e-6) == []


@each_case
def test_routes_are_orthogonal(computed: tuple[Blueprint, Facts]) -> None:
    blueprint, _ = computed
    oblique = [
        (line.hook, segment)
        for line in blueprint.lines
        for segment in pieces(line.points)
        if not axis_aligned(segment)
    ]
    assert oblique == []
    assert all(len(line.points) >= 2 for line in blueprint.lines)


@each_case
def test_stage_columns_follow_the_stage_order(computed: tuple[Blueprint, Facts]) -> None:
    blueprint, known = computed
    assert stage_problems(blueprint_drawing(blueprint), known) == []


@each_case
def test_lanes_are_disjoint_ordered_and_split_by_the_line_of_visibility(
    computed: tuple[Blueprint, Facts],
) -> None:
    blueprint, known = computed
    (x0, y0), (x1, y1) = blueprint.visibility
    assert y0 == y1 and x0 < x1
    assert lane_problems(blueprint_drawing(blueprint), known) == []


@each_case
def test_every_coordinate_is_finite_and_inside_the_drawing(
    computed: tuple[Blueprint, Facts],
) -> None:
    blueprint, _ = computed
    drawing = blueprint_drawing(blueprint)
    assert outside(drawing) == []
    extra: list[Point] = [*blueprint.visibility]
    if blueprint.emotion is not None:
        band = blueprint.emotion.band
        extra += [(band.x, band.y), (band.x + band.width, band.y + band.height)]
        extra += [point.at for point in blueprint.emotion.points] + list(blueprint.emotion.path)
    assert [p for p in extra if not drawing.bounds.contains(p)] == []


@each_case
def test_emotion_curve_plots_each_score_at_its_step(computed: tuple[Blueprint, Facts]) -> None:
    blueprint, known = computed
    emotion = blueprint.emotion
    if not known.scores:
        assert emotion is None
        return
    assert emotion is not None
    band = Rect.of(emotion.band.x, emotion.band.y, emotion.band.width, emotion.band.height)
    assert band.bottom <= min(lane.rect.y for lane in blueprint.lanes)
    assert band.top >= max(stage.rect.y + stage.rect.height for stage in blueprint.stages)
    boxes = {box.hook: box.rect for box in blueprint.boxes}
    plotted = {point.step: point for point in emotion.points}
    assert {hook: point.score for hook, point in plotted.items()} == known.scores
    for hook, point in plotted.items():
        assert point.at[0] == pytest.approx(boxes[hook].x + boxes[hook].width / 2), hook
        assert band.contains(point.at), (hook, point.at, band)
    by_score = sorted(plotted.values(), key=lambda point: point.score)
    for lower, higher in itertools.pairwise(by_score):
        assert lower.at[1] >= higher.at[1], "a better feeling is drawn higher"
        if lower.score < higher.score:
            assert lower.at[1] > higher.at[1]
    # The line joins the path's points as it moves right; a point of the path drawn left of
    # the one before (a wrapped stage, a loop) stays a point off the line.
    on_path = [point.at for point in emotion.points if point.on_path]
    assert set(emotion.path) <= set(on_path)
    assert not emotion.path or emotion.path[0] in on_path
    assert emotion.unscored == len(known.stage_of) - len(known.scores) - len(known.link_sources)


@each_case
def test_emotion_curve_runs_left_to_right(computed: tuple[Blueprint, Facts]) -> None:
    """The curve follows the customer's way through time: it never turns back leftwards."""
    blueprint, _ = computed
    if blueprint.emotion is None:
        return
    path = blueprint.emotion.path
    backwards = [(a, b) for a, b in itertools.pairwise(path) if b[0] < a[0]]
    assert backwards == []


def test_internet_support_is_at_most_two_and_a_half_times_as_wide_as_tall() -> None:
    blueprint = _blueprint(Case(INTERNET))
    assert blueprint.width <= 2.5 * blueprint.height


@pytest.mark.slow  # a fresh interpreter per hash seed
@pytest.mark.parametrize(
    "path", [INTERNET, HOSTILE, BLUEPRINT], ids=lambda path: path.name.split(".")[0]
)
def test_same_dot_bytes_across_processes_with_different_hash_seeds(path: Path) -> None:
    outputs = []
    for seed in ("0", "1", "4242"):
        completed = subprocess.run(
            [sys.executable, "-m", "cyclemap", "render", str(path), "-f", "dot", "-o", "-"],
            capture_output=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            cwd=REPO,
            timeout=120,
            check=False,
        )
        assert completed.returncode == 0, completed.stderr
        outputs.append(completed.stdout)
    assert outputs[0].startswith(b"digraph")
    assert outputs[0] == outputs[1] == outputs[2]


# --- on the picture Graphviz draws ---------------------------------------------------------------


@functools.cache
def _picture(case: Case) -> Picture:
    options = RenderOptions(lanes=case.lanes)  # type: ignore[arg-type]
    return read_svg(render_journey(load(case.path), "svg", options, observed=overlay(case)).data)


@pytest.fixture
def drawn(request: pytest.FixtureRequest, generated: Path) -> tuple[Picture, Blueprint, Facts]:
    case = case_of(request.param, generated)
    return _picture(case), _blueprint(case), facts(case.path, case.lanes)


def each_picture(test: Any) -> Any:
    return needs_dot(pytest.mark.parametrize("drawn", CASES, indirect=True)(test))


@each_picture
def test_drawn_boxes_are_where_the_blueprint_put_them(
    drawn: tuple[Picture, Blueprint, Facts],
) -> None:
    picture, blueprint, _ = drawn
    assert set(picture.drawing.boxes) == {box.hook for box in blueprint.boxes}
    moved = []
    for box in blueprint.boxes:
        # The box cyclemap placed is the whole box as drawn, its second outline included.
        planned = Rect.of(box.rect.x, box.rect.y, box.rect.width, box.rect.height)
        seen = picture.drawing.boxes[box.hook]
        gaps = [
            abs(a - b)
            for a, b in zip(
                (seen.left, seen.top, seen.right, seen.bottom),
                (planned.left, planned.top, planned.right, planned.bottom),
                strict=True,
            )
        ]
        if max(gaps) > SVG_TOLERANCE:
            moved.append((box.hook, planned, seen))
    assert moved == []


@each_picture
def test_drawn_arrows_follow_their_routes(drawn: tuple[Picture, Blueprint, Facts]) -> None:
    """The path starts where the route starts and its arrowhead's tip is the route's end."""
    picture, blueprint, _ = drawn
    off = []
    for line in blueprint.lines:
        start = picture.drawing.arrows[line.hook][0]
        head = picture.drawing.heads[line.hook]
        tip = min(head, key=lambda p, end=line.points[-1]: abs(p[0] - end[0]) + abs(p[1] - end[1]))
        for planned, seen in ((line.points[0], start), (line.points[-1], tip)):
            if abs(planned[0] - seen[0]) + abs(planned[1] - seen[1]) > SVG_TOLERANCE:
                off.append((line.hook, planned, seen))
    assert off == []


@each_picture
def test_drawn_boxes_do_not_overlap(drawn: tuple[Picture, Blueprint, Facts]) -> None:
    picture, _, known = drawn
    assert set(picture.drawing.boxes) == set(known.stage_of)
    assert overlapping_boxes(picture.drawing) == []


@each_picture
def test_drawn_arrow_lines_stay_out_of_every_box(drawn: tuple[Picture, Blueprint, Facts]) -> None:
    picture, _, _ = drawn
    lines = Drawing(**{**picture.drawing.__dict__, "heads": {}})
    assert arrows_through_boxes(lines, tolerance=SVG_TOLERANCE / 2) == []


@each_picture
def test_drawn_arrowheads_end_on_the_outline_of_their_target(
    drawn: tuple[Picture, Blueprint, Facts],
) -> None:
    """The tip touches the box as drawn (a success or failure box has a second, outer
    outline), and no arrowhead cuts into any box."""
    picture, _, known = drawn
    heads = Drawing(**{**picture.drawing.__dict__, "arrows": {}})
    assert arrows_through_boxes(heads, tolerance=SVG_TOLERANCE / 2) == []
    assert transition_problems(picture.drawing, known, tolerance=SVG_TOLERANCE) == []


@each_picture
def test_drawn_labels_are_clear_of_boxes_and_other_arrows(
    drawn: tuple[Picture, Blueprint, Facts],
) -> None:
    picture, blueprint, _ = drawn
    assert set(picture.drawing.labels) == {line.hook for line in blueprint.lines if line.label}
    assert labels_on_boxes(picture.drawing) == []
    assert labels_crossed(picture.drawing) == []


@each_picture
def test_drawn_arrows_are_orthogonal_with_small_rounded_corners_and_never_share_a_stretch(
    drawn: tuple[Picture, Blueprint, Facts],
) -> None:
    picture, _, _ = drawn
    wrong = []
    for hook, curve in picture.curves.items():
        for piece in curve:
            if is_straight(piece, 0.05):
                if not axis_aligned((piece[0], piece[3]), 0.05):
                    wrong.append((hook, "oblique", piece))
            else:
                extent = Rect.around(piece)
                if max(extent.width, extent.height) > 6:
                    wrong.append((hook, "a curve wider than a rounded corner", piece))
    assert wrong == []
    assert shared_stretches(picture.drawing, tolerance=0.5) == []


@each_picture
def test_drawn_stages_lanes_and_bounds(drawn: tuple[Picture, Blueprint, Facts]) -> None:
    picture, _, known = drawn
    assert stage_problems(picture.drawing, known, SVG_TOLERANCE) == []
    assert lane_problems(picture.drawing, known, SVG_TOLERANCE) == []
    assert outside(picture.drawing, SVG_TOLERANCE) == []


# --- random small journeys ---------------------------------------------------------------------


@st.composite
def journeys(draw: st.DrawFn) -> dict[str, Any]:
    """Valid journeys of 1 to 12 steps over 1 to 4 stages and up to 3 teams and channels:
    loops, back edges, self-loops, links to another journey, backstage steps, scores, notes."""
    count = draw(st.integers(1, 12))
    stages = draw(st.integers(1, 4))
    teams = draw(st.integers(0, 3))
    channels = draw(st.integers(0, 3))
    steps = []
    for index in range(count):
        step: dict[str, Any] = {
            "id": f"s{index}",
            "stage": f"g{draw(st.integers(0, stages - 1))}",
        }
        if teams and draw(st.booleans()):
            step["team"] = f"t{draw(st.integers(0, teams - 1))}"
        if channels and draw(st.booleans()):
            step["channel"] = f"c{draw(st.integers(0, channels - 1))}"
        if draw(st.integers(0, 3)) == 0:
            step["backstage"] = True
        if index == 0 or draw(st.integers(0, 5)) == 0:
            volume = draw(st.none() | st.integers(0, 5000))
            step["entry"] = True if volume is None else {"volume": volume}
        if draw(st.booleans()):
            step["score"] = draw(st.integers(1, 5))
        for key in ("pain_points", "opportunities"):
            notes = draw(st.integers(0, 2))
            if notes:
                step[key] = [f"{key} {n} of s{index}" for n in range(notes)]
        ending = draw(st.sampled_from(["go", "go", "go", "success", "failure", "abandoned"]))
        if ending != "go":
            step["outcome"] = ending
        if ending in ("go", "success"):
            targets = draw(st.lists(st.integers(0, count - 1), max_size=3, unique=True))
            moves: list[dict[str, Any]] = [{"to": f"s{t}"} for t in targets]
            if draw(st.integers(0, 5)) == 0:
                moves.append({"to": f"other:x{draw(st.integers(0, 1))}"})
            for move in moves:
                if draw(st.booleans()):
                    move["share"] = draw(st.integers(1, 9))
                if draw(st.integers(0, 3)) == 0:
                    move["context"] = "lost"
            if moves:
                step["next"] = moves
        if "abandon" not in step and ending == "go" and draw(st.booleans()):
            step["abandon"] = draw(st.sampled_from([0.05, 0.2, 0.5]))
        steps.append(step)
    return {
        "cyclemap": 1,
        "journey": {"id": "random", "name": "Random journey"},
        "teams": {f"t{i}": {"name": f"Team {i}"} for i in range(teams)},
        "channels": {f"c{i}": {"name": f"Channel {i}", "kind": "web"} for i in range(channels)},
        "stages": [{"id": f"g{i}", "name": f"Stage {i}"} for i in range(stages)],
        "steps": steps,
    }


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("random")
    (folder / "cyclemap.toml").write_text("", encoding="utf-8")
    other = {
        "cyclemap": 1,
        "journey": {"id": "other", "name": "Other"},
        "stages": [{"id": "a", "name": "A"}],
        "steps": [
            {"id": "x0", "stage": "a", "entry": True, "next": [{"to": "x1"}]},
            {"id": "x1", "stage": "a", "outcome": "success"},
        ],
    }
    (folder / "other.journey.yaml").write_text(json.dumps(other), encoding="utf-8")
    return folder


@pytest.mark.slow  # hypothesis
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(document=journeys(), lanes=st.sampled_from(["team", "channel"]))
def test_random_journeys_keep_every_invariant(
    scratch: Path, document: dict[str, Any], lanes: str
) -> None:
    path = scratch / "random.journey.yaml"
    path.write_text(json.dumps(document), encoding="utf-8")
    blueprint = blueprint_of(path, lanes)  # type: ignore[arg-type]
    known = facts(path, lanes)
    drawing = blueprint_drawing(blueprint)
    problems = [
        *overlapping_boxes(drawing),
        *arrows_through_boxes(drawing, tolerance=1e-6),
        *transition_problems(drawing, known),
        *labels_on_boxes(drawing),
        *labels_crossed(drawing),
        *shared_stretches(drawing, tolerance=1e-6),
        *stage_problems(drawing, known),
        *lane_problems(drawing, known),
        *outside(drawing),
        *(
            f"{line.hook} has an oblique segment {segment}"
            for line in blueprint.lines
            for segment in pieces(line.points)
            if not axis_aligned(segment)
        ),
    ]
    assert problems == [], json.dumps(document)
