"""The rule catalog for people: the table `cyclemap rules` prints and the page `cyclemap
explain` prints for one rule."""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table

from cyclemap.errors import FORMAT_REFERENCE
from cyclemap.rules.base import Rule


def rule_table(rules: Iterable[Rule]) -> Table:
    """Each rule with its default severity and summary; a log rule says it needs `--log`."""
    table = Table(
        show_header=True,
        header_style="bold",
        box=None,
        pad_edge=False,
        caption=f"each rule's section of the format reference: {FORMAT_REFERENCE}#<rule>",
        caption_justify="left",
    )
    for column in ("rule", "severity", "summary"):
        table.add_column(column, no_wrap=column != "summary")
    for rule in rules:
        summary = f"{rule.summary} (audit --log)" if rule.log else rule.summary
        table.add_row(rule.name, rule.severity.value, summary)
    return table


def explanation(rule: Rule) -> str:
    """A rule's whole documentation under a line with its default severity."""
    reported = "; reported by `cyclemap audit FILE --log LOG`" if rule.log else ""
    heading = f"{rule.name} (default severity: {rule.severity.value}{reported}; see {rule.see})"
    return f"{heading}\n\n{rule.doc}\n"
