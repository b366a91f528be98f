"""The rule catalog.

The names are part of the format (`allow:` keys, `select`/`ignore` in the configuration), so they
are fixed here before the rules themselves exist; each rule will live in a module of its own.
"""

from __future__ import annotations

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
)
