"""`cyclemap explain RULE`: one rule's documentation."""

from __future__ import annotations

from typing import Annotated

import typer

from cyclemap.cli.common import emit
from cyclemap.util.i18n import N_


def explain(
    rule: Annotated[
        str, typer.Argument(metavar=N_("RULE"), help=N_("The rule name, e.g. peloteo-loop."))
    ],
) -> int:
    """Print a rule's full documentation: the customer problem, examples and options."""
    from cyclemap.reporters.rules import explanation
    from cyclemap.rules import find_rule

    emit(explanation(find_rule(rule)))
    return 0
