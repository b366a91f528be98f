"""The engine: everything a run does over a set of files, between loading and the outputs.

`config` (settings and their overrides), `checking` (validate many files, in parallel, and
the checks across them), `run` (rules -> findings: severity, `allow`, crash guard, in one
place), `links` (journeys linked to each other), `audit` (the whole audit), `baseline`
(only what is new), `stats` (one journey's figures with its findings).
"""

from __future__ import annotations

from cyclemap.engine.audit import audit, check_and_audit, to_result
from cyclemap.engine.config import apply_overrides
from cyclemap.engine.run import audit_graph, audit_journey
from cyclemap.engine.stats import journey_stats

__all__ = [
    "apply_overrides",
    "audit",
    "audit_graph",
    "audit_journey",
    "check_and_audit",
    "journey_stats",
    "to_result",
]
