"""Orthogonal routes for the blueprint's arrows, in the gaps between boxes.

Boxes sit on a grid (see `grid`). Between every two columns runs a vertical gap, between every
two rows a horizontal gap; no box is ever inside a gap, so a route that keeps to the gaps never
crosses a box. An arrow leaves its source from the right side, at one of the side's slots,
turns into the vertical gap on that side, travels to the horizontal gap beside its target's
row (or straight along its target's row when they share it), runs along that gap to the
vertical gap left of the target, and enters the target from the left. Loops and back edges
take the same path, so they go visibly round the boxes between.

Parallel segments never overlap: each segment in a gap gets a track of its own (interval
partitioning, as few tracks as possible), each arrow end a slot of its own on its box's side,
and an arrow along a row whose cells in between are empty is drawn straight through them at
the row's centre, which nothing else uses. Each arrow's label sits just above its first
segment, in a zone of the gap kept for labels, where no box or other segment is.

Planning is topological (grid indices only) so the gaps can be sized from their track counts
before anything has coordinates: O(e log e) for e arrows.
"""

from __future__ import annotations

import bisect
import heapq
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Arrow:
    source: int
    target: int
    label: tuple[float, float] | None = None
    """(width, height) of the label in points, or None."""
    weight: float = 0.0
    """How many customers take it: heavier arrows are drawn straight first."""


@dataclass(slots=True)
class _Stub:
    arrow: int
    outgoing: bool
    group: int
    """0 heads up, 1 level, 2 heads down: the order of slots from the top of the side."""
    reach: float
    """How far along its gap the stub's segment goes, to order slots within a group."""


@dataclass(slots=True)
class _Plan:
    straight: bool = False
    out_gap: int = 0
    in_gap: int = 0
    out_row: int = 0
    in_row: int = 0
    via: int | None = None
    """Horizontal gap the arrow runs along, or None when it needs none."""
    out_slot: tuple[int, int] = (0, 1)
    """(index, count) of its slot on the source side."""
    in_slot: tuple[int, int] = (0, 1)
    out_track: int = 0
    in_track: int = 0
    via_track: int = 0


@dataclass(frozen=True)
class Frame:
    """Coordinates of the grid, y downwards, in points."""

    column_left: Sequence[float]
    column_width: float
    row_top: Sequence[float]
    row_height: Sequence[float]
    vertical_gap_left: Sequence[float]
    """Left edge of vertical gap g (gap g is left of column g; the last is right of all)."""
    horizontal_gap_top: Sequence[float]
    """Top of horizontal gap h (gap h is above row h; the last is below all)."""
    horizontal_gap_reserved: Sequence[float] = ()
    """Points at the top of each horizontal gap kept free of tracks (the line of visibility)."""


@dataclass(frozen=True)
class Route:
    points: tuple[Point, ...]
    label_at: Point | None
    """Centre of the label, or None."""


TRACK = 7.0
"""Distance between two parallel tracks in a gap."""
MARGIN = 6.0
"""Space between a gap's edge (or its label zone) and its first track."""
ARROW_ROOM = 12.0
"""Room between a gap's last track and the box an arrow enters, for the arrowhead."""
SLOT = 14.0
"""Least distance between two slots on a box side: a label fits between them."""


@dataclass
class RoutePlan:
    """Where every arrow goes, in grid terms; `routes(frame)` turns it into points."""

    cells: Sequence[tuple[int, int]]
    arrows: Sequence[Arrow]
    columns: int
    rows: int
    plans: list[_Plan] = field(init=False)
    vertical_tracks: list[int] = field(init=False)
    horizontal_tracks: list[int] = field(init=False)
    label_zone: list[float] = field(init=False)
    slots_per_row: list[int] = field(init=False)

    def __post_init__(self) -> None:
        self.plans = [_Plan() for _ in self.arrows]
        self._choose_straight()
        self._choose_channels()
        self._assign_slots()
        self._assign_tracks()

    # --- planning -------------------------------------------------------------------------

    def _choose_straight(self) -> None:
        """Arrows along a row whose cells in between are empty go straight, heaviest first,
        each taking the centre slot of both box sides (a side has one centre)."""
        occupied: dict[int, list[int]] = defaultdict(list)
        for column, row in self.cells:
            occupied[row].append(column)
        for columns in occupied.values():
            columns.sort()
        taken_right: set[int] = set()
        taken_left: set[int] = set()
        order = sorted(range(len(self.arrows)), key=lambda i: (-self.arrows[i].weight, i))
        for index in order:
            arrow = self.arrows[index]
            (source_column, source_row) = self.cells[arrow.source]
            (target_column, target_row) = self.cells[arrow.target]
            if source_row != target_row or target_column <= source_column:
                continue
            taken = occupied[source_row]
            between = bisect.bisect_left(taken, target_column) - bisect.bisect_right(
                taken, source_column
            )
            if between or arrow.source in taken_right or arrow.target in taken_left:
                continue
            taken_right.add(arrow.source)
            taken_left.add(arrow.target)
            self.plans[index].straight = True

    def _choose_channels(self) -> None:
        for index, arrow in enumerate(self.arrows):
            plan = self.plans[index]
            source_column, source_row = self.cells[arrow.source]
            target_column, target_row = self.cells[arrow.target]
            plan.out_gap, plan.out_row = source_column + 1, source_row
            plan.in_gap, plan.in_row = target_column, target_row
            if plan.straight or plan.out_gap == plan.in_gap:
                plan.via = None
            elif target_row > source_row:
                plan.via = target_row  # the gap just above the target's row
            elif target_row < source_row:
                plan.via = target_row + 1  # just below it
            else:
                # Same row with boxes between: forward over the top, back round the bottom.
                plan.via = source_row if target_column > source_column else source_row + 1

    def _assign_slots(self) -> None:
        """Give each arrow end a slot on its box side: ends heading up at the top, straight
        ones at the centre, ends heading down at the bottom."""
        sides: dict[tuple[int, int], list[_Stub]] = defaultdict(list)
        straight_at: dict[tuple[int, int], int] = {}
        for index, plan in enumerate(self.plans):
            if plan.straight:
                straight_at[(plan.out_gap, plan.out_row)] = index
                straight_at[(plan.in_gap, plan.in_row)] = index
                continue
            out_group, out_reach = self._heading(plan, outgoing=True)
            in_group, in_reach = self._heading(plan, outgoing=False)
            sides[(plan.out_gap, plan.out_row)].append(_Stub(index, True, out_group, out_reach))
            sides[(plan.in_gap, plan.in_row)].append(_Stub(index, False, in_group, in_reach))
        self.slots_per_row = [1] * self.rows
        for key in set(sides) | set(straight_at):
            row = key[1]
            stubs = sorted(sides.get(key, []), key=lambda s: (s.group, s.reach, s.arrow))
            straight = straight_at.get(key)
            if straight is None:
                count = len(stubs)
                indices = list(range(count))
            else:
                count = len(stubs) + 1
                count += 1 - count % 2  # odd, so the middle slot is the exact centre
                middle = count // 2
                indices = [i for i in range(count) if i != middle][: len(stubs)]
                self.plans[straight].out_slot = (middle, count)
                self.plans[straight].in_slot = (middle, count)
            for stub, slot in zip(stubs, indices, strict=True):
                plan = self.plans[stub.arrow]
                if stub.outgoing:
                    plan.out_slot = (slot, count)
                else:
                    plan.in_slot = (slot, count)
            self.slots_per_row[row] = max(self.slots_per_row[row], count)

    def _heading(self, plan: _Plan, *, outgoing: bool) -> tuple[int, float]:
        """(group, reach) of one end: which way its vertical segment goes, and how far."""
        row, other = (plan.out_row, plan.in_row) if outgoing else (plan.in_row, plan.out_row)
        # Where the segment from this end goes, in half-rows: gap h is at 2h, row r at 2r+1.
        towards = 2 * plan.via if plan.via is not None else 2 * other + 1
        here = 2 * row + 1
        # Within a group, the end whose segment reaches furthest takes the outermost slot:
        # its segment then runs outside the others' instead of across them.
        if towards < here:
            return 0, float(towards)
        if towards > here:
            return 2, float(towards)
        return 1, 0.0

    def _slot_position(self, row: int, slot: tuple[int, int]) -> float:
        """Slot position in half-rows: row r spans (2r, 2r + 2), gaps sit on even numbers."""
        index, count = slot
        return 2 * row + 2 * (index + 1) / (count + 1)

    def _assign_tracks(self) -> None:
        vertical: dict[int, list[_Segment]] = defaultdict(list)
        horizontal: dict[int, list[_Segment]] = defaultdict(list)
        for index, plan in enumerate(self.plans):
            if plan.straight:
                continue
            start = self._slot_position(plan.out_row, plan.out_slot)
            end = self._slot_position(plan.in_row, plan.in_slot)
            if plan.via is None:
                vertical[plan.out_gap].append(_Segment(start, end, index, "out", start))
                continue
            level = 2.0 * plan.via
            vertical[plan.out_gap].append(_Segment(start, level, index, "out", start))
            vertical[plan.in_gap].append(_Segment(level, end, index, "in", end))
            horizontal[plan.via].append(
                _Segment(2.0 * plan.out_gap, 2.0 * plan.in_gap, index, "via", 0.0)
            )
        self.vertical_tracks = [0] * (self.columns + 1)
        self.horizontal_tracks = [0] * (self.rows + 1)
        for gap, segments in vertical.items():
            self.vertical_tracks[gap] = self._vertical_tracks(segments)
        for gap, segments in horizontal.items():
            self.horizontal_tracks[gap] = self._record(segments, _partition(segments))
        self.label_zone = [0.0] * (self.columns + 1)
        for index, plan in enumerate(self.plans):
            label = self.arrows[index].label
            if label is not None:
                self.label_zone[plan.out_gap] = max(self.label_zone[plan.out_gap], label[0] + 4)

    def _vertical_tracks(self, segments: list[_Segment]) -> int:
        """Tracks in a vertical gap: segments leaving the box on the left take the tracks
        nearest it, segments entering the box on the right the tracks nearest that one, each
        side ordered so an outer slot gets the inner track and segments cross as little as
        they can. Very busy gaps fall back to the fewest tracks, ordered by position."""
        if len(segments) > _ORDERED_LIMIT:
            return self._record(segments, _partition(segments))
        leaving = [s for s in segments if s.role == "out"]
        entering = [s for s in segments if s.role != "out"]
        left = _first_fit(sorted(leaving, key=_leaving_order))
        right = _first_fit(sorted(entering, key=_leaving_order))
        width = max(left.values(), default=-1) + 1
        total = width + max(right.values(), default=-1) + 1
        tracks = dict(left)
        tracks.update((id(s), total - 1 - right[id(s)]) for s in entering)
        return self._record(segments, tracks)

    def _record(self, segments: list[_Segment], tracks: dict[int, int]) -> int:
        for segment in segments:
            track = tracks[id(segment)]
            plan = self.plans[segment.arrow]
            if segment.role == "out":
                plan.out_track = track
            elif segment.role == "in":
                plan.in_track = track
            else:
                plan.via_track = track
        return max(tracks.values(), default=-1) + 1

    # --- sizes and points -------------------------------------------------------------------

    def vertical_gap_width(self, gap: int) -> float:
        tracks = self.vertical_tracks[gap]
        zone = self.label_zone[gap]
        return zone + MARGIN + max(tracks - 1, 0) * TRACK + ARROW_ROOM

    def horizontal_gap_height(self, gap: int) -> float:
        return 2 * MARGIN + max(self.horizontal_tracks[gap] - 1, 0) * TRACK

    def least_row_height(self, row: int) -> float:
        return (self.slots_per_row[row] + 1) * SLOT

    def routes(self, frame: Frame) -> list[Route]:
        def slot_y(row: int, slot: tuple[int, int]) -> float:
            index, count = slot
            return frame.row_top[row] + frame.row_height[row] * (index + 1) / (count + 1)

        def track_x(gap: int, track: int) -> float:
            return frame.vertical_gap_left[gap] + self.label_zone[gap] + MARGIN + track * TRACK

        def track_y(gap: int, track: int) -> float:
            reserved = frame.horizontal_gap_reserved[gap] if frame.horizontal_gap_reserved else 0
            return frame.horizontal_gap_top[gap] + reserved + MARGIN + track * TRACK

        routes = []
        for index, plan in enumerate(self.plans):
            arrow = self.arrows[index]
            source_column = self.cells[arrow.source][0]
            target_column = self.cells[arrow.target][0]
            start_x = frame.column_left[source_column] + frame.column_width
            end_x = frame.column_left[target_column]
            start_y = slot_y(plan.out_row, plan.out_slot)
            end_y = slot_y(plan.in_row, plan.in_slot)
            points: list[Point] = [(start_x, start_y)]
            if not plan.straight:
                out_x = track_x(plan.out_gap, plan.out_track)
                points.append((out_x, start_y))
                if plan.via is None:
                    points.append((out_x, end_y))
                else:
                    level = track_y(plan.via, plan.via_track)
                    in_x = track_x(plan.in_gap, plan.in_track)
                    points += [(out_x, level), (in_x, level), (in_x, end_y)]
            points.append((end_x, end_y))
            label_at = None
            if arrow.label is not None:
                width, height = arrow.label
                label_at = (start_x + 3 + width / 2, start_y - 2 - height / 2)
            routes.append(Route(_simplify(points), label_at))
        return routes


@dataclass(slots=True)
class _Segment:
    start: float
    end: float
    arrow: int
    role: str
    """out (leaves the box left of its gap), in (enters the box right of it) or via."""
    slot: float
    """Position of the slot it starts or ends at, in half-rows."""

    @property
    def low(self) -> float:
        return min(self.start, self.end)

    @property
    def high(self) -> float:
        return max(self.start, self.end)


_ORDERED_LIMIT = 400
"""Above this many segments in one gap, tracks are packed without ordering them."""


def _leaving_order(segment: _Segment) -> tuple[int, float, int]:
    """Segments heading up first, from the highest slot down; then those heading down,
    from the lowest slot up: each then takes the track nearest its box that is free."""
    other = segment.end if segment.slot == segment.start else segment.start
    if other < segment.slot:
        return (0, segment.slot, segment.arrow)
    return (1, -segment.slot, segment.arrow)


def _first_fit(segments: list[_Segment]) -> dict[int, int]:
    """The lowest track on which each segment, in turn, overlaps nothing (closed intervals)."""
    tracks: list[list[tuple[float, float]]] = []
    chosen: dict[int, int] = {}
    for segment in segments:
        low, high = segment.low, segment.high
        for number, taken in enumerate(tracks):
            position = bisect.bisect_left(taken, (low, high))
            clear_before = position == 0 or taken[position - 1][1] < low
            clear_after = position == len(taken) or taken[position][0] > high
            if clear_before and clear_after:
                taken.insert(position, (low, high))
                chosen[id(segment)] = number
                break
        else:
            tracks.append([(low, high)])
            chosen[id(segment)] = len(tracks) - 1
    return chosen


def _partition(segments: list[_Segment]) -> dict[int, int]:
    """As few tracks as overlapping segments (closed intervals) allow: interval partitioning."""
    busy: list[tuple[float, int]] = []  # (end, track) of the segments still open
    free: list[int] = []
    chosen: dict[int, int] = {}
    tracks = 0
    for segment in sorted(segments, key=lambda s: (s.low, s.high, s.arrow)):
        while busy and busy[0][0] < segment.low:
            heapq.heappush(free, heapq.heappop(busy)[1])
        if free:
            track = heapq.heappop(free)
        else:
            track = tracks
            tracks += 1
        heapq.heappush(busy, (segment.high, track))
        chosen[id(segment)] = track
    return chosen


def _simplify(points: list[Point]) -> tuple[Point, ...]:
    """Drop repeated points and points in the middle of a straight run."""
    kept: list[Point] = []
    for point in points:
        if kept and kept[-1] == point:
            continue
        if len(kept) >= 2:
            (ax, ay), (bx, by) = kept[-2], kept[-1]
            if (ax == bx == point[0]) or (ay == by == point[1]):
                kept[-1] = point
                continue
        kept.append(point)
    return tuple(kept)
