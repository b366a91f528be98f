"""Where each step sits in the blueprint: stage columns across, lanes down, ordered by flow.

Each step belongs to one cell, (its stage, its lane). Inside a stage, steps take sub-columns by
their rank along the flow within that stage (a step comes one sub-column after the last step of
the same stage that leads to it), so a handoff from one lane to another reads left to right and
steps that follow each other line up across lanes. Steps of one lane with the same rank are
stacked. A stage with a long chain wraps: its ranks are cut into blocks of at most `cap`
sub-columns that stack downwards in each lane, and `cap` is chosen so the whole map comes close
to the widest shape allowed (a little wider than a 16:9 slide).

Everything here is counting on integer positions: O(n log n) for n steps and transitions.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class GridItem:
    stage: int
    lane: int
    order: int
    """Position along the flow (unique): what comes first is placed first."""


@dataclass(frozen=True)
class Placement:
    cells: tuple[tuple[int, int], ...]
    """(column, row) of each item, in the order the items were given."""
    stage_columns: tuple[tuple[int, int], ...]
    """(first column, number of columns) of each stage."""
    lane_rows: tuple[tuple[int, int], ...]
    """(first row, number of rows) of each lane."""
    columns: int
    rows: int


def within_stage_ranks(items: Sequence[GridItem], edges: Sequence[tuple[int, int]]) -> list[int]:
    """Each item's rank inside its stage: one more than the highest-ranked item of the same
    stage that leads to it and comes before it in the flow (later ones are loops back)."""
    predecessors: dict[int, list[int]] = defaultdict(list)
    for source, target in edges:
        same_stage = items[source].stage == items[target].stage
        if same_stage and items[source].order < items[target].order:
            predecessors[target].append(source)
    ranks = [0] * len(items)
    for index in sorted(range(len(items)), key=lambda i: items[i].order):
        before = predecessors.get(index)
        if before:
            ranks[index] = 1 + max(ranks[source] for source in before)
    return ranks


class _Stacks:
    """Items grouped by (stage, lane, rank), each group in flow order."""

    def __init__(self, items: Sequence[GridItem], ranks: list[int], stages: int) -> None:
        groups: dict[tuple[int, int, int], list[int]] = defaultdict(list)
        for index in sorted(range(len(items)), key=lambda i: items[i].order):
            item = items[index]
            groups[(item.stage, item.lane, ranks[index])].append(index)
        self.groups = groups
        self.stage_ranks = [1] * stages
        for stage, _, rank in groups:
            self.stage_ranks[stage] = max(self.stage_ranks[stage], rank + 1)

    def widths(self, cap: int) -> list[int]:
        return [min(ranks, cap) for ranks in self.stage_ranks]

    def block_rows(self, widths: list[int]) -> dict[tuple[int, int, int], int]:
        """Rows taken by each (stage, lane, block): its tallest stack."""
        tallest: dict[tuple[int, int, int], int] = defaultdict(int)
        for (stage, lane, rank), members in self.groups.items():
            key = (stage, lane, rank // widths[stage])
            tallest[key] = max(tallest[key], len(members))
        return tallest

    def lane_heights(self, widths: list[int], lanes: int) -> list[int]:
        per_cell: dict[tuple[int, int], int] = defaultdict(int)
        for (stage, lane, _), rows in self.block_rows(widths).items():
            per_cell[(stage, lane)] += rows
        heights = [1] * lanes
        for (_, lane), rows in per_cell.items():
            heights[lane] = max(heights[lane], rows)
        return heights


def place(
    items: Sequence[GridItem],
    edges: Sequence[tuple[int, int]],
    *,
    stages: int,
    lanes: int,
    size: Callable[[int, int], tuple[float, float]] | None = None,
    aspect: float = 2.0,
) -> Placement:
    """The cell of every item. `size(columns, rows)` estimates the drawing's width and height
    in points; with it, long stages wrap so width / height stays at most `aspect`."""
    ranks = within_stage_ranks(items, edges)
    stacks = _Stacks(items, ranks, stages)
    widths = list(stacks.stage_ranks)
    if size is not None:
        widths = _best_widths(stacks, lanes, size, aspect)
    block_rows = stacks.block_rows(widths)
    heights = stacks.lane_heights(widths, lanes)
    stage_start = [0] * stages
    for stage in range(1, stages):
        stage_start[stage] = stage_start[stage - 1] + widths[stage - 1]
    lane_start = [0] * lanes
    for lane in range(1, lanes):
        lane_start[lane] = lane_start[lane - 1] + heights[lane - 1]
    # Row offset of each block inside its (stage, lane) cell: the blocks above it, stacked.
    block_offset: dict[tuple[int, int, int], int] = {}
    for stage in range(stages):
        blocks = math.ceil(stacks.stage_ranks[stage] / widths[stage])
        for lane in range(lanes):
            offset = 0
            for block in range(blocks):
                block_offset[(stage, lane, block)] = offset
                offset += block_rows.get((stage, lane, block), 0)
    cells: list[tuple[int, int]] = [(0, 0)] * len(items)
    for (stage, lane, rank), members in stacks.groups.items():
        block, column = divmod(rank, widths[stage])
        top = lane_start[lane] + block_offset[(stage, lane, block)]
        for position, index in enumerate(members):
            cells[index] = (stage_start[stage] + column, top + position)
    return Placement(
        cells=tuple(cells),
        stage_columns=tuple((stage_start[s], widths[s]) for s in range(stages)),
        lane_rows=tuple((lane_start[lane], heights[lane]) for lane in range(lanes)),
        columns=sum(widths),
        rows=sum(heights),
    )


def _best_widths(
    stacks: _Stacks, lanes: int, size: Callable[[int, int], tuple[float, float]], aspect: float
) -> list[int]:
    """Sub-columns per stage for a drawing at most `aspect` times as wide as it is tall.

    Wider caps give wider drawings, so a binary search finds the widest cap every stage can
    share; then, longest stages first, each stage that can take one more sub-column without
    passing `aspect` gets it (1 sub-column each when even that is too wide).
    """

    def shape(widths: list[int]) -> float:
        width, height = size(sum(widths), sum(stacks.lane_heights(widths, lanes)))
        return width / max(height, 1.0)

    low, high = 1, max(stacks.stage_ranks, default=1)
    while low < high:
        middle = (low + high + 1) // 2
        if shape(stacks.widths(middle)) <= aspect:
            low = middle
        else:
            high = middle - 1
    widths = stacks.widths(low)
    longest_first = sorted(range(len(widths)), key=lambda s: (-stacks.stage_ranks[s], s))
    for stage in longest_first:
        if widths[stage] < stacks.stage_ranks[stage]:
            widths[stage] += 1
            if shape(widths) > aspect:
                widths[stage] -= 1
    return widths
