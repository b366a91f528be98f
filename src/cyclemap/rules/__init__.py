"""The rule catalog: every module of this package but `base` is one rule, found, not listed.

A rule's name is its module's (`peloteo_loop` is `peloteo-loop`), so the names are known
without importing the rules (validation checks `allow:` keys against them and stays fast);
`registry()` imports the modules when an audit needs them. The log rules (compared with an
event log by `audit --log`) are rules like the others. Adding a rule is adding its module and
its fixtures (`tests/fixtures/<name>/`); the catalog test checks both, and the documentation.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from typing import TYPE_CHECKING

from cyclemap.errors import UsageError
from cyclemap.util.i18n import _
from cyclemap.util.text import did_you_mean, did_you_mean_text

if TYPE_CHECKING:
    from cyclemap.rules.base import Rule

LISTED_FIRST = (
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
    "unmapped-transition",
    "unused-transition",
    "unvisited-step",
    "unexpected-entry",
)
"""The order rules are listed in (`cyclemap rules`, SARIF's rule table, configuration hints):
the map rules from the most harmful to customers, then the log rules. It only orders: a rule
whose module exists is in the catalog whether or not it is named here (after these, by name)."""

NOT_RULES = frozenset({"base"})


@cache
def rule_names() -> tuple[str, ...]:
    """Every rule's name, in catalog order, from the modules of this package (not imported)."""
    found = {
        module.name.replace("_", "-")
        for module in pkgutil.iter_modules(__path__)
        if module.name not in NOT_RULES and not module.name.startswith("_")
    }
    first = [name for name in LISTED_FIRST if name in found]
    return (*first, *sorted(found - set(first)))


@cache
def registry() -> dict[str, Rule]:
    """Every rule by name, in catalog order (imports the rule modules)."""
    from cyclemap.rules.base import Rule

    return {
        name: Rule.from_module(importlib.import_module(f"{__name__}.{name.replace('-', '_')}"))
        for name in rule_names()
    }


def find_rule(name: str) -> Rule:
    """The rule called `name`; `UsageError` naming the nearest when there is none."""
    found = registry().get(name)
    if found is None:
        guess = did_you_mean(name, rule_names())
        message = _("`{name}` is not a rule").format(name=name)
        raise UsageError(
            did_you_mean_text(message, guess)
            if guess
            else _("{message}; see `cyclemap rules`").format(message=message)
        )
    return found
