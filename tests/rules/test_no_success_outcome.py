"""no-success-outcome: the journey has no success a customer can reach."""

from __future__ import annotations

from tests.support.rules import found, messages

RULE = "no-success-outcome"


def test_no_success_step_defined_points_at_the_journey() -> None:
    assert found(RULE, "no-success-defined") == [(RULE, (), 4)]
    assert messages(RULE, "no-success-defined") == [
        "journey `no-success` has no step with `outcome: success`: customers can never reach "
        "their goal"
    ]


def test_success_steps_no_entry_leads_to() -> None:
    assert found(RULE, "success-unreachable") == [(RULE, ("approved", "approved-fast"), 3)]
    assert messages(RULE, "success-unreachable") == [
        "journey `unreachable-success` has success steps (`approved`, `approved-fast`) but no "
        "entry leads to any of them"
    ]


def test_clean() -> None:
    assert found(RULE, "clean") == []
