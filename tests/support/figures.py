"""For the tests of the flow figures (`cyclemap.analysis`, the graph's flow model): journeys
written and analysed, and random journeys built without cyclemap."""

from __future__ import annotations

import random
import textwrap
from dataclasses import dataclass, field
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


JOURNEYS = 20
"""Random journeys each check of the flow figures runs on (fixed seeds)."""


@dataclass
class Step:
    id: str
    team: str | None = None
    abandon: float = 0.0
    duration: int | None = None
    outcome: str | None = None
    volume: int | None = None
    entry: bool = False
    next: list[tuple[int, float | None]] = field(default_factory=list)

    def yaml(self, ids: list[str]) -> str:
        lines = [f"- id: {self.id}", "  stage: contact"]
        if self.team:
            lines.append(f"  team: {self.team}")
        if self.entry:
            lines.append(f"  entry: {{volume: {self.volume}}}" if self.volume else "  entry: true")
        if self.abandon:
            lines.append(f"  abandon: {self.abandon}")
        if self.duration is not None:
            lines.append(f"  duration: {self.duration}s")
        if self.outcome:
            lines.append(f"  outcome: {self.outcome}")
        if self.next:
            items = [
                f"{{to: {ids[target]}}}"
                if share is None
                else f"{{to: {ids[target]}, share: {share}}}"
                for target, share in self.next
            ]
            lines.append(f"  next: [{', '.join(items)}]")
        return "\n".join(lines)

    def probabilities(self) -> list[float]:
        """Normalised shares, worked out here independently of cyclemap."""
        given = [share for _, share in self.next if share is not None]
        default = sum(given) / len(given) if given else 1.0
        weights = [default if share is None else share for _, share in self.next]
        return [weight / sum(weights) for weight in weights]


def _reaches_success(steps: list[Step], start: int) -> bool:
    seen, stack = {start}, [start]
    while stack:
        node = steps[stack.pop()]
        if node.outcome == "success":
            return True
        if node.outcome is None and node.abandon < 1:
            for target, _ in node.next:
                if target not in seen:
                    seen.add(target)
                    stack.append(target)
    return False


def random_journey(seed: int) -> list[Step]:
    """A random journey where nobody can be trapped and a success is reachable from `s0`.

    Every step that is not an outcome either has no `next` (a dead end: customers get stuck) or
    has a transition to a later step, and the last step is a success: from anywhere, an ending
    can be reached.
    """
    rng = random.Random(seed)
    while True:
        count = rng.randint(5, 15)
        steps = [Step(f"s{index}") for index in range(count)]
        steps[-1].outcome = "success"
        for step in steps[1:-1]:
            if rng.random() < 0.2:
                step.outcome = rng.choice(("success", "failure", "abandoned"))
        for index, step in enumerate(steps):
            step.team = rng.choice((None, "t1", "t2", "t3"))
            if rng.random() < 0.6:
                step.duration = rng.randint(1, 600)
            if step.outcome in ("failure", "abandoned"):
                continue
            if step.outcome == "success":
                if rng.random() < 0.5:  # the cycle goes on after a success
                    targets = rng.sample(range(count), rng.randint(1, 2))
                    step.next = [(target, None) for target in targets]
                continue
            step.abandon = rng.choice((0.0, 0.0, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0))
            if index > 0 and rng.random() < 0.1:
                continue  # a dead end
            targets = [rng.randrange(index + 1, count)]
            for _ in range(rng.randint(0, 2)):
                target = rng.randrange(count)  # anywhere: back edges, self loops
                if target not in targets:
                    targets.append(target)
            step.next = [
                (
                    target,
                    None if rng.random() < 0.3 else rng.choice((1, 2, 3, 5, 0.25, 0.5, 0.75)),
                )
                for target in targets
            ]
        transient = [index for index, step in enumerate(steps) if step.outcome is None]
        entries = [0, *rng.sample(transient[1:], min(len(transient) - 1, rng.randint(0, 2)))]
        with_volume = rng.random() < 0.6
        for index in entries:
            steps[index].entry = True
            steps[index].volume = rng.randint(100, 5000) if with_volume else None
        if _reaches_success(steps, 0):
            return steps
