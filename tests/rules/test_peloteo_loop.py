"""peloteo-loop: cycles between teams that avoid every success step."""

from __future__ import annotations

from cyclemap.graph import JourneyGraph
from cyclemap.rules.peloteo_loop import witness
from tests.support.rules import found, load_fixture, messages, run_rule

RULE = "peloteo-loop"


def test_bounce_between_support_and_billing() -> None:
    assert found(RULE, "bounce-between-support-and-billing") == [
        (RULE, ("call", "billing-desk"), 9)
    ]


def test_message_names_teams_cycle_and_probability_when_shares_are_known() -> None:
    assert messages(RULE, "bounce-between-support-and-billing") == [
        "peloteo: customers are bounced between `support` and `billing`: "
        "call → billing-desk → call; 40% of the customers who reach `call` are sent round "
        "at least once"
    ]


def test_details_carry_teams_component_and_probability() -> None:
    [finding] = run_rule(RULE, load_fixture(RULE, "bounce-between-support-and-billing"))
    assert finding.details["teams"] == ["support", "billing"]
    assert finding.details["component"] == ["call", "billing-desk"]
    assert abs(finding.details["probability"] - 0.4) < 1e-9


def test_cycle_through_a_success_step_is_renewal_not_peloteo() -> None:
    assert found(RULE, "renewal-through-success") == []


def test_cycle_within_one_team_is_not_peloteo() -> None:
    assert found(RULE, "loop-within-one-team") == []


def test_self_loop_is_not_peloteo() -> None:
    assert found(RULE, "self-loop") == []


def test_team_less_steps_between_two_teams_still_make_a_peloteo() -> None:
    assert found(RULE, "loop-through-team-less-steps") == [
        (RULE, ("support-desk", "portal", "billing-desk", "form"), 12)
    ]
    [message] = messages(RULE, "loop-through-team-less-steps")
    assert "between `support` and `billing`" in message
    assert "support-desk → portal → billing-desk → form → support-desk" in message
    assert "50% of the customers who reach `support-desk`" in message


def test_two_separate_loops_give_two_findings() -> None:
    assert found(RULE, "two-separate-loops") == [
        (RULE, ("call", "billing-desk"), 11),
        (RULE, ("field-visit", "warehouse"), 16),
    ]
    first, second = messages(RULE, "two-separate-loops")
    assert "`support` and `billing`" in first and "20% of the customers" in first
    assert "`field-ops` and `logistics`" in second and "25% of the customers" in second


def test_witness_starts_where_customers_first_enter_the_loop() -> None:
    # `billing-desk` comes first in the file, but customers meet `support-desk` first.
    assert found(RULE, "witness-starts-where-customers-enter") == [
        (RULE, ("support-desk", "billing-desk"), 15)
    ]


def test_one_finding_per_tangle_with_a_shortest_example_and_no_guessed_probability() -> None:
    assert found(RULE, "tangle-of-three-teams") == [(RULE, ("call", "sales-desk"), 13)]
    [message] = messages(RULE, "tangle-of-three-teams")
    assert message == (
        "peloteo: customers are bounced between `support` and `sales`: call → sales-desk → call"
    )
    [finding] = run_rule(RULE, load_fixture(RULE, "tangle-of-three-teams"))
    assert "probability" not in finding.details
    assert finding.details["component"] == ["call", "billing-desk", "collections", "sales-desk"]


def test_witness_is_a_shortest_closed_walk_through_another_team() -> None:
    graph = JourneyGraph(load_fixture(RULE, "tangle-of-three-teams"))
    component = ["call", "billing-desk", "collections", "sales-desk"]
    assert witness(graph, component, "call") == ["call", "sales-desk"]
    assert witness(graph, component, "billing-desk") == ["billing-desk", "collections", "call"]


def test_clean() -> None:
    assert found(RULE, "clean") == []


def test_a_loop_behind_the_scenes_is_a_warning_that_says_the_customer_waits() -> None:
    [finding] = run_rule(RULE, load_fixture(RULE, "loop-behind-the-scenes"))
    assert (finding.steps, finding.line, finding.severity.value) == (
        ("check", "legal-review"),
        13,
        "warning",
    )
    assert finding.message.startswith("peloteo behind the scenes:")
    assert "the customer waits but is not bounced" in finding.message
    assert finding.details["backstage"] is True


def test_a_loop_the_customer_sees_stays_an_error_even_through_backstage_work() -> None:
    [finding] = run_rule(RULE, load_fixture(RULE, "loop-the-customer-sees"))
    assert finding.severity.value == "error"
    assert finding.message.startswith("peloteo: customers are bounced between")
    assert finding.details["backstage"] is False


def test_a_loop_behind_the_scenes_is_never_raised_above_a_warning_but_may_be_lowered() -> None:
    from cyclemap.engine import audit_journey
    from cyclemap.engine.config import Settings
    from cyclemap.findings import Severity

    journey = load_fixture(RULE, "loop-behind-the-scenes")
    for configured, expected in [
        (Severity.ERROR, Severity.WARNING),
        (Severity.INFO, Severity.INFO),
    ]:
        settings = Settings(selected=(RULE,), severities={RULE: configured})
        [finding] = audit_journey(journey, settings)
        assert finding.severity is expected
