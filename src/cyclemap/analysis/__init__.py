"""What a journey's flow costs and which fix pays back first: the `stats` report (`report`)
and the what-if ranking of quick wins (`quick_wins`), both computed from the graph's flow
model and the audit's findings."""

from __future__ import annotations

from cyclemap.analysis.quick_wins import QuickWin
from cyclemap.analysis.report import (
    DeadEndFigures,
    FlowReport,
    LoopFigures,
    analyse,
)
from cyclemap.graph.flow_model import FlowError, TrappedError

__all__ = [
    "DeadEndFigures",
    "FlowError",
    "FlowReport",
    "LoopFigures",
    "QuickWin",
    "TrappedError",
    "analyse",
]
