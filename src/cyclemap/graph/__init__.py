"""The journey as a graph, and the questions rules, figures and maps ask of it.

`journey`: one journey's typed graph (`StepNode`, `TransitionEdge`) and its shared queries;
`joined`: linked journeys as one graph; `solver`: the sparse solver of absorbing chains;
`flow_model`: the one flow model every customer figure comes from (rules use it too, so it
lives beside the graph).
"""

from __future__ import annotations

from cyclemap.graph.journey import JourneyGraph, StepNode, TransitionEdge, reachable_from

__all__ = ["JourneyGraph", "StepNode", "TransitionEdge", "reachable_from"]
