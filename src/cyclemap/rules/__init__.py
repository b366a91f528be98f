"""The rule catalog: the explicit registry of every rule, one module each.

The names are part of the format (`allow:` keys, `select`/`ignore` in the configuration), so they
are listed here without importing the rules; `registry()` imports the modules when an audit
needs them (validation stays fast). A test checks both lists agree.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cyclemap.rules.base import Rule

RULE_NAMES: tuple[str, ...] = (
    "peloteo-loop",
    "dead-end",
    "unreachable-step",
    "drop-off-point",
    "unowned-moment-of-truth",
    "unmeasured-moment-of-truth",
    "context-lost-handoff",
    "handoff-chain",
    "no-success-outcome",
    "unused-definition",
    "mixed-share-scales",
)
LOG_RULE_NAMES: tuple[str, ...] = (
    "unmapped-transition",
    "unused-transition",
    "unvisited-step",
    "unexpected-entry",
)
"""Conformance findings of `audit --log` (`cyclemap.engine.conformance`): selected, ignored, given a
severity and allowed on a step like the rules."""
ALL_RULE_NAMES = RULE_NAMES + LOG_RULE_NAMES


@cache
def registry() -> dict[str, Rule]:
    """Every rule by name, in catalog order."""
    from cyclemap.rules import (
        context_lost_handoff,
        dead_end,
        drop_off_point,
        handoff_chain,
        mixed_share_scales,
        no_success_outcome,
        peloteo_loop,
        unmeasured_moment_of_truth,
        unowned_moment_of_truth,
        unreachable_step,
        unused_definition,
    )
    from cyclemap.rules.base import Rule

    modules = (
        peloteo_loop,
        dead_end,
        unreachable_step,
        drop_off_point,
        unowned_moment_of_truth,
        unmeasured_moment_of_truth,
        context_lost_handoff,
        handoff_chain,
        no_success_outcome,
        unused_definition,
        mixed_share_scales,
    )
    return {rule.name: rule for rule in map(Rule.from_module, modules)}
