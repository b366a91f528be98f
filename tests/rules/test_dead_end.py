"""dead-end: steps from which no success can be reached."""

from __future__ import annotations

from tests.rules.helpers import found, messages

RULE = "dead-end"


def test_step_with_no_next_that_is_not_an_outcome() -> None:
    assert found(RULE, "step-with-no-next") == [(RULE, ("technician-visit",), 11)]
    assert messages(RULE, "step-with-no-next") == [
        "step `technician-visit` has no `next` and is not an outcome: customers who reach it "
        "have no way forward"
    ]


def test_every_step_of_a_loop_with_no_way_out_is_a_dead_end() -> None:
    assert found(RULE, "trapped-loop") == [
        (RULE, ("wait-callback",), 11),
        (RULE, ("check-status",), 12),
    ]
    for message in messages(RULE, "trapped-loop"):
        assert "no success step can be reached" in message
        assert "a loop they cannot leave" in message


def test_step_leading_only_to_failure_or_abandonment_but_not_the_outcomes_themselves() -> None:
    assert found(RULE, "leads-only-to-failure") == [(RULE, ("manual-review",), 11)]
    assert messages(RULE, "leads-only-to-failure") == [
        "from step `manual-review` customers can only end in failure or abandonment: no "
        "success is reachable"
    ]


def test_success_with_next_and_failure_outcomes_are_fine() -> None:
    assert found(RULE, "success-with-next") == []


def test_without_any_success_only_steps_with_no_way_forward_are_reported() -> None:
    # `retention-offer` cannot reach a success either, but that is no-success-outcome's finding.
    assert found(RULE, "no-success-at-all") == [(RULE, ("in-process",), 13)]


def test_clean() -> None:
    assert found(RULE, "clean") == []
