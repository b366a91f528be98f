"""The engine: everything a run does over a set of files, between loading and the outputs.

`config` (settings and their overrides), `checking` (validate many files, in parallel, the
checks across them, and `validate`'s result), `run` (rules -> findings: severity, `allow`,
crash guard, in one place), `links` (journeys linked to each other), `auditing` (the whole
audit), `baseline` (only what is new), `stats` (figures with the findings they need), `logs`
(`mine` and `--log`, read as the configuration says).

The names below are found on first use (PEP 562), so that `validate`, which needs only
`checking`, does not load the rules, the graph and the figures at start-up.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cyclemap.engine.auditing import audit, check_and_audit, repository_here
    from cyclemap.engine.checking import to_result, validation_result
    from cyclemap.engine.config import apply_overrides
    from cyclemap.engine.run import audit_graph, audit_journey
    from cyclemap.engine.stats import journey_stats

_HOMES = {
    "apply_overrides": "config",
    "audit": "auditing",
    "audit_graph": "run",
    "audit_journey": "run",
    "check_and_audit": "auditing",
    "journey_stats": "stats",
    "repository_here": "auditing",
    "to_result": "checking",
    "validation_result": "checking",
}
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


def __getattr__(name: str) -> object:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)
