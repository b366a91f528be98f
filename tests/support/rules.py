"""The rule tester: load a fixture journey, run one rule through the engine, list what it found.

Rules are checked by the exact `(rule, steps, line)` list they produce on a fixture, so a test
fails on a missing finding, an extra one, a wrong location or a wrong step order alike. A log
rule's fixture `<name>.journey.yaml` comes with its log, `<name>.csv` beside it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cyclemap
from cyclemap.engine import audit_journey
from cyclemap.engine.config import Settings
from cyclemap.engine.run import log_findings
from cyclemap.findings import Finding
from cyclemap.graph import JourneyGraph
from cyclemap.loading import LoadedJourney
from cyclemap.mining import mine
from cyclemap.rules import registry

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

Found = tuple[str, tuple[str, ...], int]


def fixture_path(rule: str, name: str, fixtures: Path = FIXTURES) -> Path:
    """`tests/fixtures/<rule>/<name>.journey.yaml` (the suffix may be left out)."""
    file = name if name.endswith((".yaml", ".yml")) else f"{name}.journey.yaml"
    path = fixtures / rule / file
    assert path.is_file(), f"no fixture {path}"
    return path


def log_of(journey: Path) -> Path:
    """The log that goes with a log rule's fixture journey."""
    return journey.with_name(journey.name.removesuffix(".journey.yaml") + ".csv")


def load_fixture(rule: str, name: str) -> LoadedJourney:
    return cyclemap.load(fixture_path(rule, name))


def run_rule(
    rule: str, journey: LoadedJourney | Path, *, log: Path | None = None, **options: Any
) -> list[Finding]:
    """The findings of `rule` alone on `journey`, through the engine (allow, sorting); a log
    rule compares the journey with `log` (by default the fixture's own)."""
    if isinstance(journey, Path):
        journey = cyclemap.load(journey)
    settings = Settings(selected=(rule,), options={rule: registry()[rule].options(**options)})
    if registry()[rule].log:
        observed = mine(log or log_of(journey.path), journey).observed()
        findings = log_findings(JourneyGraph(journey), settings, observed)
    else:
        findings = audit_journey(journey, settings)
    assert all(finding.rule == rule for finding in findings)
    crashed = [
        finding.message for finding in findings if "failed on this journey" in finding.message
    ]
    assert not crashed, crashed
    return findings


def found(rule: str, name: str, **options: Any) -> list[Found]:
    """The exact `(rule, steps, line)` list `rule` reports on the fixture `name`."""
    findings = run_rule(rule, load_fixture(rule, name), **options)
    return [(finding.rule, finding.steps, finding.line) for finding in findings]


def messages(rule: str, name: str, **options: Any) -> list[str]:
    """The messages of `rule` on the fixture `name`, in the order of the findings."""
    return [finding.message for finding in run_rule(rule, load_fixture(rule, name), **options)]


def detections(rule: str, name: str, **options: Any) -> list[Finding]:
    """The findings of `rule` on the fixture `name`, with their details (regions, figures)."""
    return run_rule(rule, load_fixture(rule, name), **options)
