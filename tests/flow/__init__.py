"""Tests of the flow figures (`cyclemap.analysis`): helpers to write and analyse journeys."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import cyclemap
from cyclemap.analysis.report import FlowReport, analyse
from cyclemap.engine import audit_journey
from cyclemap.engine.config import Settings
from cyclemap.graph import JourneyGraph

HEADER = """\
cyclemap: 1
journey: {id: flow-test, name: Flow test}
teams:
  t1: {name: Team one}
  t2: {name: Team two}
  t3: {name: Team three}
stages:
  - {id: contact, name: Contact}
steps:
"""


def journey_text(steps: str) -> str:
    """A whole journey around `steps` (YAML list items, any indentation)."""
    return HEADER + textwrap.indent(textwrap.dedent(steps).strip("\n"), "  ") + "\n"


def write_journey(folder: Path, steps: str, name: str = "flow.journey.yaml") -> Path:
    """Write a journey with the given steps under `folder` (a repository root)."""
    (folder / "cyclemap.toml").write_text("", encoding="utf-8")
    path = folder / name
    path.write_text(journey_text(steps), encoding="utf-8")
    return path


def analyse_file(path: Path, *, findings: bool = True, **options: Any) -> FlowReport:
    """Load a journey and analyse it, with the default rules' findings unless told not to."""
    journey = cyclemap.load(path)
    found = audit_journey(journey, Settings()) if findings else []
    return analyse(JourneyGraph(journey), found, **options)


def analyse_steps(
    folder: Path, steps: str, name: str = "flow.journey.yaml", **options: Any
) -> FlowReport:
    """Write `steps` as a journey under `folder` and analyse it."""
    return analyse_file(write_journey(folder, steps, name), **options)


def step_figures(report: FlowReport) -> dict[str, Any]:
    return {step.step: step for step in report.steps}


def entry_figures(report: FlowReport) -> dict[str, Any]:
    return {entry.entry: entry for entry in report.entries}
