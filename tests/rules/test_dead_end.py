"""dead-end: steps from which no success can be reached."""

from __future__ import annotations

import pytest

from tests.support.rules import detections, found, messages

RULE = "dead-end"


def test_step_with_no_next_that_is_not_an_outcome() -> None:
    assert found(RULE, "step-with-no-next") == [(RULE, ("technician-visit",), 11)]
    assert messages(RULE, "step-with-no-next") == [
        "step `technician-visit` has no `next` and is not an outcome: customers who reach it "
        "have no way forward"
    ]


def test_a_loop_with_no_way_out_is_one_dead_end_where_customers_come_in() -> None:
    assert found(RULE, "trapped-loop") == [(RULE, ("wait-callback",), 11)]
    assert messages(RULE, "trapped-loop") == [
        "from step `wait-callback` no success step can be reached (2 steps): customers end in "
        "failure, abandonment or a loop they cannot leave"
    ]
    (detection,) = detections(RULE, "trapped-loop")
    assert detection.details["region"] == ["wait-callback", "check-status"]


def test_a_region_after_a_step_with_no_way_on_is_one_finding_with_its_customers() -> None:
    assert found(RULE, "region-with-volumes") == [(RULE, ("review",), 11)]
    (message,) = messages(RULE, "region-with-volumes")
    assert message.startswith(
        "from step `review` no success step can be reached (3 steps): `archive` has no `next` "
        "and is not an outcome, so customers have no way forward; about "
    )
    (detection,) = detections(RULE, "region-with-volumes")
    # 1000 enter, 40% go to review; nobody comes back out of the region.
    assert detection.details["customers"] == pytest.approx(400)
    assert message.endswith("about 400 customers per period reach it")


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
