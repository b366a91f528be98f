"""`cyclemap rules`: the rule catalog, one line each."""

from __future__ import annotations

import sys

from cyclemap.cli.common import color_for


def rules() -> int:
    """List every rule with its default severity and a one-line summary."""
    from rich.console import Console

    from cyclemap.reporters.rules import rule_table
    from cyclemap.rules import registry

    console = Console(no_color=not color_for(sys.stdout), highlight=False, soft_wrap=False)
    console.print(rule_table(registry().values()))
    return 0
