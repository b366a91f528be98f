"""unreachable-step: steps no entry leads to."""

from __future__ import annotations

from tests.rules.helpers import found, messages

RULE = "unreachable-step"


def test_step_nothing_points_to() -> None:
    assert found(RULE, "forgotten-survey") == [(RULE, ("survey",), 9)]
    assert messages(RULE, "forgotten-survey") == [
        "step `survey` cannot be reached from any entry: no path of `next` leads to it"
    ]


def test_steps_that_only_lead_to_each_other_are_each_reported_in_file_order() -> None:
    assert found(RULE, "unreachable-island") == [
        (RULE, ("partner-portal",), 8),
        (RULE, ("partner-desk",), 10),
        (RULE, ("partner-done",), 13),
    ]


def test_every_entry_counts() -> None:
    assert found(RULE, "clean") == []
