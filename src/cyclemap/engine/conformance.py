"""Conformance: where the journey map and an interaction log disagree.

Four findings, reported by `cyclemap audit FILE --log LOG` in every format beside the rules'
findings: a transition customers take that the map lacks, a mapped transition nobody takes,
a step nobody visits, and cases that start at a step that is not an entry. The map is what
the team believes; the log is what customers did.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from cyclemap.findings import Finding, Severity
from cyclemap.loading import LoadedJourney
from cyclemap.mining import MiningReport
from cyclemap.util.numbers import customers


@dataclass(frozen=True)
class LogRule:
    name: str
    severity: Severity
    summary: str
    doc: str


LOG_RULES = (
    LogRule(
        "unmapped-transition",
        Severity.WARNING,
        "Customers move between two steps, and the map has no such transition.",
        "unmapped-transition: the log shows customers going from one step to another that the "
        "map does not connect.\n\nEither the map is missing a real path (add it to `next`), or "
        "customers are taking a detour the service did not design.",
    ),
    LogRule(
        "unused-transition",
        Severity.INFO,
        "A transition of the map that no customer in the log takes.",
        "unused-transition: a `next` of a visited step that nobody in the log follows.\n\n"
        "The path may be obsolete, or the log may cover too short a period.",
    ),
    LogRule(
        "unvisited-step",
        Severity.INFO,
        "A step of the map that no customer in the log reaches.",
        "unvisited-step: no event of the log is at this step.\n\nThe touchpoint may no longer "
        "exist, or the activity may be recorded under another name.",
    ),
    LogRule(
        "unexpected-entry",
        Severity.WARNING,
        "Cases start at a step that is not an entry of the map.",
        "unexpected-entry: the first event of some cases is at a step without `entry:`.\n\n"
        "Customers reach the company there: mark it as an entry, or check the log's cut.",
    ),
)
SEVERITY = {rule.name: rule.severity for rule in LOG_RULES}


def conformance_findings(journey: LoadedJourney, report: MiningReport) -> list[Finding]:
    """The disagreements between `journey` and what the log `report` observed."""
    steps = journey.document.steps
    index = {step.id: position for position, step in enumerate(steps)}
    observed = {(item.source, item.target): item.count for item in report.transitions}
    visited = {item.step for item in report.steps if item.visits}
    starts = Counter(dict(report.entries))
    findings: list[Finding] = []

    def add(rule: str, loc: tuple[int | str, ...], involved: tuple[str, ...], text: str) -> None:
        line, column = journey.position(*loc)
        findings.append(
            Finding(rule, SEVERITY[rule], journey.display, line, column, journey.id, involved, text)
        )

    mapped = set()
    for position, step in enumerate(steps):
        for number, transition in enumerate(step.next):
            mapped.add((step.id, transition.to))
            if step.id in visited and (step.id, transition.to) not in observed:
                add(
                    "unused-transition",
                    ("steps", position, "next", number),
                    (step.id, transition.to),
                    f"no customer in the log goes from `{step.id}` to `{transition.to}`",
                )
        if step.id not in visited:
            add(
                "unvisited-step",
                ("steps", position),
                (step.id,),
                f"no customer in the log reaches step `{step.id}`",
            )
        if step.entry is None and starts.get(step.id):
            add(
                "unexpected-entry",
                ("steps", position),
                (step.id,),
                f"{customers(starts[step.id])} cases start at `{step.id}`, which is not an entry",
            )
    for (source, target), count in sorted(observed.items()):
        if (source, target) not in mapped:
            add(
                "unmapped-transition",
                ("steps", index[source]),
                (source, target),
                f"{customers(count)} times customers go from `{source}` to `{target}`, a "
                "transition the map does not have",
            )
    return sorted(findings, key=lambda finding: finding.sort_key)


def _times(count: int, word: str) -> str:
    return f"{customers(count)} {word}{'' if count == 1 else 's'}"
