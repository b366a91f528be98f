"""Plane geometry for the map tests: rectangles, segments, and the shapes Graphviz writes into
SVG, all in points with y downwards (the blueprint's frame).

Kept apart from cyclemap's own code on purpose: the tests measure the drawing with their own
rulers, so a mistake in the renderer's geometry cannot hide itself.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

Point = tuple[float, float]
Segment = tuple[Point, Point]


@dataclass(frozen=True)
class Rect:
    left: float
    top: float
    right: float
    bottom: float

    @classmethod
    def of(cls, x: float, y: float, width: float, height: float) -> Rect:
        return cls(x, y, x + width, y + height)

    @classmethod
    def around(cls, points: Iterable[Point]) -> Rect:
        xs, ys = zip(*points, strict=True)
        return cls(min(xs), min(ys), max(xs), max(ys))

    @classmethod
    def centred(cls, centre: Point, width: float, height: float) -> Rect:
        x, y = centre
        return cls(x - width / 2, y - height / 2, x + width / 2, y + height / 2)

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top

    def shrunk(self, by: float) -> Rect:
        return Rect(self.left + by, self.top + by, self.right - by, self.bottom - by)

    def overlaps(self, other: Rect, tolerance: float = 0.0) -> bool:
        """The interiors share more than `tolerance` in both directions (touching is fine)."""
        across = min(self.right, other.right) - max(self.left, other.left)
        down = min(self.bottom, other.bottom) - max(self.top, other.top)
        return across > tolerance and down > tolerance

    def within(self, other: Rect, tolerance: float = 0.0) -> bool:
        return (
            self.left >= other.left - tolerance
            and self.right <= other.right + tolerance
            and self.top >= other.top - tolerance
            and self.bottom <= other.bottom + tolerance
        )

    def spans_horizontally_within(self, other: Rect, tolerance: float = 0.0) -> bool:
        return self.left >= other.left - tolerance and self.right <= other.right + tolerance

    def contains(self, point: Point, tolerance: float = 0.0) -> bool:
        x, y = point
        return (
            self.left - tolerance <= x <= self.right + tolerance
            and self.top - tolerance <= y <= self.bottom + tolerance
        )

    def on_border(self, point: Point, tolerance: float) -> bool:
        return self.contains(point, tolerance) and not self.shrunk(tolerance).contains(point)


def pieces(points: Sequence[Point]) -> list[Segment]:
    return list(itertools.pairwise(points))


def length(segment: Segment) -> float:
    return math.dist(*segment)


def axis_aligned(segment: Segment, tolerance: float = 1e-6) -> bool:
    (ax, ay), (bx, by) = segment
    return abs(ax - bx) <= tolerance or abs(ay - by) <= tolerance


def inside_length(segment: Segment, rect: Rect, tolerance: float = 1e-6) -> float:
    """How much of `segment` runs strictly inside `rect` shrunk by `tolerance` on every side
    (Liang-Barsky clipping); 0 when it only touches the sides or misses."""
    inner = rect.shrunk(tolerance)
    if inner.left >= inner.right or inner.top >= inner.bottom:
        return 0.0
    (x0, y0), (x1, y1) = segment
    dx, dy = x1 - x0, y1 - y0
    low, high = 0.0, 1.0
    for p, q in (
        (-dx, x0 - inner.left),
        (dx, inner.right - x0),
        (-dy, y0 - inner.top),
        (dy, inner.bottom - y0),
    ):
        if p == 0:
            if q <= 0:
                return 0.0
            continue
        t = q / p
        if p < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low >= high:
            return 0.0
    return (high - low) * math.hypot(dx, dy)


def shared_length(a: Segment, b: Segment, tolerance: float = 1e-6) -> float:
    """Length two segments have in common when they lie on one line; 0 when they only cross,
    touch at a point, or are apart."""
    (ax, ay), (bx, by) = a
    (cx, cy), (dx, dy) = b
    ux, uy = bx - ax, by - ay
    size = math.hypot(ux, uy)
    if size <= tolerance or math.hypot(dx - cx, dy - cy) <= tolerance:
        return 0.0
    ux, uy = ux / size, uy / size
    # Both ends of b within `tolerance` of a's line.
    for px, py in ((cx, cy), (dx, dy)):
        if abs((px - ax) * uy - (py - ay) * ux) > tolerance:
            return 0.0
    along = sorted(((cx - ax) * ux + (cy - ay) * uy, (dx - ax) * ux + (dy - ay) * uy))
    return max(0.0, min(size, along[1]) - max(0.0, along[0]))


def finite(values: Iterable[float]) -> bool:
    return all(math.isfinite(value) for value in values)


# --- what Graphviz writes into SVG ---------------------------------------------------------------

_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def numbers(text: str) -> list[float]:
    return [float(found) for found in _NUMBER.findall(text)]


def point_list(text: str) -> list[Point]:
    """An SVG `points` attribute (or the coordinates of a path) as points."""
    values = numbers(text)
    return list(zip(values[0::2], values[1::2], strict=True))


@dataclass(frozen=True)
class Transform:
    """`scale(sx sy) rotate(0) translate(tx ty)` of Graphviz's top group: the drawing's own
    coordinates (y upwards, negative) to the picture's (y downwards)."""

    sx: float
    sy: float
    tx: float
    ty: float

    @classmethod
    def parse(cls, text: str) -> Transform:
        scale = re.search(r"scale\(([^)]*)\)", text)
        translate = re.search(r"translate\(([^)]*)\)", text)
        rotate = re.search(r"rotate\(([^)]*)\)", text)
        assert rotate is None or numbers(rotate.group(1)) == [0.0], text
        sx, sy = numbers(scale.group(1)) if scale else (1.0, 1.0)
        tx, ty = numbers(translate.group(1)) if translate else (0.0, 0.0)
        return cls(sx, sy, tx, ty)

    def apply(self, point: Point) -> Point:
        """Graphviz's SVG applies translate, then scale."""
        return (self.sx * (point[0] + self.tx), self.sy * (point[1] + self.ty))


def cubic_pieces(d: str) -> list[tuple[Point, Point, Point, Point]]:
    """The cubic Bezier pieces of a Graphviz path (`M p C p p p p p p ...`)."""
    assert re.fullmatch(r"\s*M[^MC]*C[^MC]*", d), d
    points = point_list(d)
    assert (len(points) - 1) % 3 == 0, d
    return [tuple(points[i : i + 4]) for i in range(0, len(points) - 1, 3)]  # type: ignore[misc]


def cubic_at(piece: tuple[Point, Point, Point, Point], t: float) -> Point:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = piece
    u = 1 - t
    return (
        u**3 * x0 + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t**3 * x3,
        u**3 * y0 + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t**3 * y3,
    )


def is_straight(piece: tuple[Point, Point, Point, Point], tolerance: float = 0.01) -> bool:
    """All four control points on the segment between the first and the last."""
    start, end = piece[0], piece[3]
    return all(
        shared_length((start, end), (start, control), tolerance)
        >= math.dist(start, control) - tolerance
        or math.dist(start, control) <= tolerance
        for control in piece[1:3]
    )


def flatten(d: str, samples: int = 8) -> list[Point]:
    """A Graphviz path as a polyline close to the curve it draws: straight pieces as one
    segment each, curved ones sampled."""
    result: list[Point] = []
    for piece in cubic_pieces(d):
        if not result:
            result.append(piece[0])
        if is_straight(piece):
            result.append(piece[3])
        else:
            result += [cubic_at(piece, step / samples) for step in range(1, samples + 1)]
    return [point for i, point in enumerate(result) if i == 0 or point != result[i - 1]]


# --- a map, whichever way it was read --------------------------------------------------------


@dataclass
class Drawing:
    """What the invariants look at, read from the blueprint or from the SVG Graphviz drew."""

    bounds: Rect
    boxes: dict[str, Rect]
    """Step boxes by hook (`step-N`, `link-N`): the outline as drawn, outer ring included."""
    arrows: dict[str, list[Point]]
    """Each transition's line as a polyline, from its source box to the tip of its arrow."""
    labels: dict[str, Rect]
    stages: list[Rect]
    lanes: list[Rect]
    backstage_lanes: list[bool]
    visibility: float
    """y of the line of visibility."""
    heads: dict[str, list[Point]] = field(default_factory=dict)
    """Arrowhead outlines, when drawn."""


def buckets(rects: dict[str, Rect], size: float = 240.0) -> dict[tuple[int, int], list[str]]:
    """A coarse spatial index, so the checks stay near linear on big maps."""
    index: dict[tuple[int, int], list[str]] = {}
    for key, rect in rects.items():
        for column in range(math.floor(rect.left / size), math.floor(rect.right / size) + 1):
            for row in range(math.floor(rect.top / size), math.floor(rect.bottom / size) + 1):
                index.setdefault((column, row), []).append(key)
    return index


def near(index: dict[tuple[int, int], list[str]], rect: Rect, size: float = 240.0) -> set[str]:
    found: set[str] = set()
    for column in range(math.floor(rect.left / size), math.floor(rect.right / size) + 1):
        for row in range(math.floor(rect.top / size), math.floor(rect.bottom / size) + 1):
            found.update(index.get((column, row), ()))
    return found


def overlapping(rects: dict[str, Rect], tolerance: float = 0.0) -> list[tuple[str, str]]:
    """Pairs of rectangles whose interiors meet."""
    index = buckets(rects)
    return [
        (hook, other)
        for hook, rect in rects.items()
        for other in sorted(near(index, rect))
        if hook < other and rect.overlaps(rects[other], tolerance)
    ]


def overlapping_boxes(drawing: Drawing, tolerance: float = 0.0) -> list[str]:
    boxes = drawing.boxes
    return [f"{a} {boxes[a]} overlaps {b} {boxes[b]}" for a, b in overlapping(boxes, tolerance)]


def arrows_through_boxes(drawing: Drawing, tolerance: float) -> list[str]:
    """Every piece of every arrow (and arrowhead) against every box it comes near, its own
    ends included: an arrow may touch a box's side, never run inside it."""
    index = buckets(drawing.boxes)
    problems = []
    outlines = {hook: pieces(points) for hook, points in drawing.arrows.items()}
    for hook, outline in drawing.heads.items():
        outlines.setdefault(hook, [])
        outlines[hook] = outlines[hook] + pieces([*outline, outline[0]])
    for hook, segments in outlines.items():
        for segment in segments:
            for box in sorted(near(index, Rect.around(segment))):
                inside = inside_length(segment, drawing.boxes[box], tolerance)
                if inside > 0:
                    problems.append(
                        f"{hook}: segment {_rounded(segment)} runs {inside:.1f} pt inside "
                        f"{box} {drawing.boxes[box]}"
                    )
    return problems


def labels_on_boxes(drawing: Drawing, tolerance: float = 0.0) -> list[str]:
    index = buckets(drawing.boxes)
    return [
        f"label of {hook} {label} overlaps {box} {drawing.boxes[box]}"
        for hook, label in drawing.labels.items()
        for box in sorted(near(index, label))
        if label.overlaps(drawing.boxes[box], tolerance)
    ]


def labels_crossed(drawing: Drawing, tolerance: float = 0.0) -> list[str]:
    """Labels another arrow runs through, and labels on top of each other."""
    problems = []
    index = buckets(drawing.labels)
    for hook, points in drawing.arrows.items():
        for segment in pieces(points):
            for other in sorted(near(index, Rect.around(segment))):
                if other != hook and inside_length(segment, drawing.labels[other], tolerance):
                    problems.append(
                        f"{hook}: segment {_rounded(segment)} crosses the label of {other} "
                        f"{drawing.labels[other]}"
                    )
    problems += [
        f"label of {a} {drawing.labels[a]} overlaps the label of {b}"
        for a, b in overlapping(drawing.labels, tolerance)
    ]
    return problems


def shared_stretches(drawing: Drawing, tolerance: float) -> list[str]:
    """Pieces of two different arrows on one line and overlapping by more than `tolerance`."""
    by_line: dict[tuple[str, int], list[tuple[str, Segment]]] = {}
    for hook, points in drawing.arrows.items():
        for segment in pieces(points):
            (ax, ay), (bx, by) = segment
            if abs(ax - bx) <= tolerance and abs(ay - by) > tolerance:
                key = ("x", round(ax))
            elif abs(ay - by) <= tolerance and abs(ax - bx) > tolerance:
                key = ("y", round(ay))
            else:
                continue
            # Neighbouring keys too: a value near a rounding boundary lands in either.
            for shift in (-1, 0, 1):
                by_line.setdefault((key[0], key[1] + shift), []).append((hook, segment))
    problems: set[str] = set()
    for members in by_line.values():
        for (hook, segment), (other, second) in itertools.combinations(members, 2):
            if hook == other:
                continue
            shared = shared_length(segment, second, tolerance)
            if shared > tolerance:
                first, last = sorted([(hook, segment), (other, second)])
                problems.add(
                    f"{first[0]} {_rounded(first[1])} and {last[0]} {_rounded(last[1])} "
                    f"share {shared:.1f} pt"
                )
    return sorted(problems)


def outside(drawing: Drawing, tolerance: float = 0.0) -> list[str]:
    """Shapes not finite or not inside the drawing."""
    problems = []
    shapes: list[tuple[str, list[Point]]] = []
    for kind, rects in (("box", drawing.boxes), ("label", drawing.labels)):
        shapes += [
            (f"{kind} {hook}", [(r.left, r.top), (r.right, r.bottom)]) for hook, r in rects.items()
        ]
    shapes += [(f"arrow {hook}", points) for hook, points in drawing.arrows.items()]
    shapes += [(f"arrowhead {hook}", points) for hook, points in drawing.heads.items()]
    shapes += [
        (f"{kind} {i}", [(r.left, r.top), (r.right, r.bottom)])
        for kind, rects in (("stage", drawing.stages), ("lane", drawing.lanes))
        for i, r in enumerate(rects)
    ]
    for name, points in shapes:
        values = [value for point in points for value in point]
        if not finite(values):
            problems.append(f"{name}: coordinate not finite {points}")
        elif not all(drawing.bounds.contains(point, tolerance) for point in points):
            problems.append(f"{name}: {_rounded(points)} leaves the drawing {drawing.bounds}")
    if not finite([drawing.visibility]) or not (
        drawing.bounds.top <= drawing.visibility <= drawing.bounds.bottom
    ):
        problems.append(f"line of visibility at y={drawing.visibility} is off the drawing")
    return problems


def _rounded(points: Iterable[Point]) -> list[tuple[float, float]]:
    return [(round(x, 2), round(y, 2)) for x, y in points]
