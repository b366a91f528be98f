"""Runs the selected rules on a journey and turns their detections into findings.

Here, and only here (`findings_of`): the rule's name and configured severity are attached,
`allow` is applied, locations become lines, and a rule that crashes becomes a finding instead
of a traceback. The map rules, the log rules and the peloteo loops across linked journeys all
go through it.
"""

from __future__ import annotations

from collections.abc import Iterable

from cyclemap.engine.config import Settings
from cyclemap.findings import Finding
from cyclemap.graph import JourneyGraph
from cyclemap.graph.observed import ObservedLog
from cyclemap.loading import LoadedJourney
from cyclemap.rules import registry
from cyclemap.rules.base import Detection, Rule
from cyclemap.util.gcpause import collector_paused
from cyclemap.util.i18n import N_, _


def findings_of(
    rule: Rule, graph: JourneyGraph, settings: Settings, *, log: ObservedLog | None = None
) -> list[Finding]:
    """The findings of one rule on a graph (a log rule compares it with `log`), unsorted."""
    severity = settings.severities.get(rule.name, rule.severity)
    options = settings.options.get(rule.name) or rule.options()
    try:
        found: list[Detection] = list(
            rule.check(graph, options, log) if rule.log else rule.check(graph, options)
        )
    except Exception as error:  # a bug in a rule must not hide the other rules' findings
        failed = N_(
            "the rule `{rule}` failed on this journey ({kind}: {error}); please report this"
        )
        values = {"rule": rule.name, "kind": type(error).__name__, "error": error}
        return [
            Finding(
                rule.name,
                severity,
                graph.journey.display,
                1,
                1,
                graph.id,
                (),
                _(failed).format(**values),
                subject=failed.format(**values),
            )
        ]
    findings = []
    for detection in found:
        if any(graph.allows(step, rule.name) for step in detection.steps):
            continue
        file, line, column, journey = graph.locate(detection.at)
        findings.append(
            Finding(
                rule.name,
                detection.severity(severity),
                file,
                line,
                column,
                journey,
                detection.steps,
                detection.message,
                detection.details,
                detection.subject,
            )
        )
    return findings


def audit_journey(
    journey: LoadedJourney, settings: Settings, *, linked_in: Iterable[str] = ()
) -> list[Finding]:
    """The findings of the selected rules on one valid journey, sorted (collector paused).

    `linked_in`: steps other journeys send customers to, which count as reached.
    """
    with collector_paused():
        return audit_graph(JourneyGraph(journey, linked_in=linked_in), settings)


def audit_graph(graph: JourneyGraph, settings: Settings) -> list[Finding]:
    """The findings of the selected map rules on one valid journey, sorted (the log rules run
    only with a log: `log_findings`)."""
    rules = registry()
    findings = [
        finding
        for name in settings.selected
        if not rules[name].log
        for finding in findings_of(rules[name], graph, settings)
    ]
    return sorted(findings, key=lambda finding: finding.sort_key)


def log_findings(graph: JourneyGraph, settings: Settings, log: ObservedLog) -> list[Finding]:
    """The findings of the selected log rules: where the journey and what `log` observed
    disagree."""
    rules = registry()
    findings = [
        finding
        for name in settings.selected
        if rules[name].log
        for finding in findings_of(rules[name], graph, settings, log=log)
    ]
    return sorted(findings, key=lambda finding: finding.sort_key)
