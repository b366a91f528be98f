"""The engine: everything a run does over a set of files, between loading and the outputs.

`config` (settings and their overrides), `checking` (validate many files, in parallel, and
the checks across them), `run` (rules -> findings: severity, `allow`, crash guard, in one
place), `links` (journeys linked to each other), `audit` (the whole audit, and `validate`'s
result), `baseline` (only what is new), `stats` (figures with the findings they need),
`logs` (`mine` and `--log`, read as the configuration says).
"""

from __future__ import annotations

from cyclemap.engine.audit import (
    audit,
    check_and_audit,
    repository_here,
    to_result,
    validation_result,
)
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
    "repository_here",
    "to_result",
    "validation_result",
]
