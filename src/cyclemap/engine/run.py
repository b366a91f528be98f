"""Runs the selected rules on a journey and turns their detections into findings.

Here, and only here: the rule's name and configured severity are attached, `allow` is applied,
locations become lines, and a rule that crashes becomes a finding instead of a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable

from cyclemap.engine.config import Settings
from cyclemap.findings import Finding
from cyclemap.graph import JourneyGraph
from cyclemap.loading import LoadedJourney
from cyclemap.rules import registry
from cyclemap.util.gcpause import collector_paused


def allowed_rules(journey: LoadedJourney) -> dict[str, frozenset[str]]:
    """For each step that has `allow`, the rules it accepts."""
    return {step.id: frozenset(step.allow) for step in journey.document.steps if step.allow}


def audit_journey(
    journey: LoadedJourney, settings: Settings, *, linked_in: Iterable[str] = ()
) -> list[Finding]:
    """The findings of the selected rules on one valid journey, sorted (collector paused)."""
    with collector_paused():
        return audit_graph(JourneyGraph(journey, linked_in=linked_in), settings)


def audit_graph(graph: JourneyGraph, settings: Settings) -> list[Finding]:
    """The findings of the selected rules on one valid journey, sorted.

    `linked_in`: steps other journeys send customers to, which count as reached.
    """
    journey = graph.journey
    rules = registry()
    allowances = allowed_rules(journey)
    findings: list[Finding] = []
    for name in settings.selected:
        if name not in rules:
            continue  # a conformance finding: only `audit --log` reports it
        rule = rules[name]
        severity = settings.severities.get(name, rule.severity)
        options = settings.options.get(name) or rule.options()
        try:
            detections = list(rule.check(graph, options))
        except Exception as error:  # a bug in a rule must not hide the other rules' findings
            findings.append(
                Finding(
                    name,
                    severity,
                    journey.display,
                    1,
                    1,
                    journey.id,
                    (),
                    f"the rule `{name}` failed on this journey ({type(error).__name__}: {error}); "
                    "please report this",
                )
            )
            continue
        for detection in detections:
            if any(name in allowances.get(step, ()) for step in detection.steps):
                continue
            line, column = journey.position(*detection.at)
            findings.append(
                Finding(
                    name,
                    detection.severity(severity),
                    journey.display,
                    line,
                    column,
                    journey.id,
                    detection.steps,
                    detection.message,
                    detection.details,
                )
            )
    return sorted(findings, key=lambda finding: finding.sort_key)


