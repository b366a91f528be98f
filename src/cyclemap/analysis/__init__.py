"""What a journey's flow costs and which fix pays back first: the `stats` report (`report`)
and the what-if ranking of quick wins (`quick_wins`), both computed from the graph's flow
model and the audit's findings."""

from __future__ import annotations

DEFAULT_CONTEXT_COST = 0.1
"""Share of the customers crossing a `context: lost` handoff assumed to abandon because of it
(`stats --context-cost`); here, where the command line reads it without loading the models."""
