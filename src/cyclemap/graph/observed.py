"""What an event log shows of a journey, as the log rules read it: the moves customers made,
the steps they visited and where their cases started. `cyclemap.mining` computes it from a
log; the log rules compare it with the graph."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ObservedLog:
    transitions: Mapping[tuple[str, str], int]
    """(source step, target step) -> how many times customers moved so."""
    visits: Mapping[str, int]
    """Step -> events at it (steps nobody visits are left out)."""
    starts: Mapping[str, int]
    """Step -> cases whose first event is there."""
