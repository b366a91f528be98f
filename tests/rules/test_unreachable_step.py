"""unreachable-step: steps no entry leads to."""

from __future__ import annotations

from pathlib import Path

from cyclemap.engine import audit_journey
from cyclemap.engine.config import Settings
from cyclemap.loading import load_journey
from tests.support.rules import detections, found, messages

RULE = "unreachable-step"


def test_step_nothing_points_to() -> None:
    assert found(RULE, "forgotten-survey") == [(RULE, ("survey",), 9)]
    assert messages(RULE, "forgotten-survey") == [
        "step `survey` cannot be reached from any entry: no path of `next` leads to it"
    ]


def test_steps_that_only_lead_to_each_other_are_one_region() -> None:
    assert found(RULE, "unreachable-island") == [(RULE, ("partner-portal",), 8)]
    assert messages(RULE, "unreachable-island") == [
        "3 steps cannot be reached from any entry: no path of `next` leads to "
        "`partner-portal`, where they start"
    ]
    (detection,) = detections(RULE, "unreachable-island")
    assert detection.details["region"] == ["partner-portal", "partner-desk", "partner-done"]


def test_one_broken_link_in_a_long_journey_is_one_finding(tmp_path: Path) -> None:
    """Issue 14: a 10,000-step journey with one broken link gave 9,839 findings."""
    size = 10_000
    steps = ["  - {id: s0, stage: contact, entry: true, next: [{to: s1}]}"]
    for index in range(1, size - 1):
        following = "" if index == 160 else f"{{to: s{index + 1}}}, "  # the broken link
        steps.append(f"  - {{id: s{index}, stage: contact, next: [{following}{{to: done}}]}}")
    steps.append(f"  - {{id: s{size - 1}, stage: contact, next: [{{to: done}}]}}")
    steps.append("  - {id: done, stage: contact, outcome: success}")
    text = (
        "cyclemap: 1\njourney: {id: long, name: Long}\nstages:\n  - {id: contact, name: C}\n"
        "steps:\n" + "\n".join(steps) + "\n"
    )
    path = tmp_path / "long.journey.yaml"
    path.write_text(text, encoding="utf-8")
    (finding,) = audit_journey(load_journey(path), Settings(selected=(RULE,)))
    assert finding.steps == ("s161",)
    assert finding.message.startswith(f"{size - 161:,} steps cannot be reached")


def test_every_entry_counts() -> None:
    assert found(RULE, "clean") == []
