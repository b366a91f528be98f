"""The rule catalog for people: the table `cyclemap rules` prints and the page `cyclemap
explain` prints for one rule."""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table

from cyclemap.reporters.common import reference
from cyclemap.rules.base import Rule
from cyclemap.util.i18n import _


def rule_table(rules: Iterable[Rule]) -> Table:
    """Each rule with its default severity and summary; a log rule says it needs `--log`."""
    table = Table(
        show_header=True,
        header_style="bold",
        box=None,
        pad_edge=False,
        caption=_("each rule's section of the format reference: {reference}#<rule>").format(
            reference=reference()
        ),
        caption_justify="left",
    )
    for column in (_("rule"), _("severity"), _("summary")):
        table.add_column(column, no_wrap=column != _("summary"))
    for rule in rules:
        summary = (
            _("{summary} (audit --log)").format(summary=rule.summary) if rule.log else rule.summary
        )
        table.add_row(rule.name, rule.severity.label, summary)
    return table


def explanation(rule: Rule) -> str:
    """A rule's whole documentation under a line with its default severity."""
    severity = rule.severity.label
    if rule.log:
        heading = _(
            "{rule} (default severity: {severity}; reported by `cyclemap audit FILE --log LOG`; "
            "see {where})"
        )
    else:
        heading = _("{rule} (default severity: {severity}; see {where})")
    return heading.format(rule=rule.name, severity=severity, where=rule.see) + f"\n\n{rule.doc}\n"
