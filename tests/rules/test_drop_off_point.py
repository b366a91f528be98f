"""drop-off-point: steps where too many customers abandon."""

from __future__ import annotations

from tests.support.rules import found, load_fixture, messages, run_rule

RULE = "drop-off-point"


def test_exactly_at_the_default_threshold_is_reported_just_below_is_not() -> None:
    assert found(RULE, "at-threshold") == [(RULE, ("call",), 7)]
    assert messages(RULE, "at-threshold") == [
        "15% of the customers who reach step `call` abandon there"
    ]


def test_threshold_option() -> None:
    assert found(RULE, "at-threshold", threshold=0.149) == [
        (RULE, ("call",), 7),
        (RULE, ("form",), 8),
    ]
    assert found(RULE, "at-threshold", threshold=0.16) == []
    # A threshold of 0 reports every step that loses anyone, never one that loses nobody.
    assert found(RULE, "at-threshold", threshold=0.0) == [
        (RULE, ("call",), 7),
        (RULE, ("form",), 8),
    ]


def test_with_volumes_customers_lost_are_counted_through_loops_and_ranked() -> None:
    assert found(RULE, "ranked-by-customers-lost") == [
        (RULE, ("call",), 8),
        (RULE, ("form",), 9),
    ]
    assert messages(RULE, "ranked-by-customers-lost") == [
        "20% of the customers who reach step `call` abandon there: about 250 customers per "
        "period (#2 of 2 drop-off points)",
        "50% of the customers who reach step `form` abandon there: about 500 customers per "
        "period (#1 of 2 drop-off points)",
    ]
    call, form = run_rule(RULE, load_fixture(RULE, "ranked-by-customers-lost"))
    assert abs(call.details["customers_lost"] - 250) < 1e-6 and call.details["rank"] == 2
    assert abs(form.details["customers_lost"] - 500) < 1e-6 and form.details["rank"] == 1


def test_without_a_volume_on_every_entry_only_rates_are_given() -> None:
    assert found(RULE, "volume-missing-on-one-entry") == [
        (RULE, ("call",), 7),
        (RULE, ("office",), 8),
    ]
    assert messages(RULE, "volume-missing-on-one-entry") == [
        "30% of the customers who reach step `call` abandon there",
        "25% of the customers who reach step `office` abandon there",
    ]


def test_allow_accepts_one_step_and_keeps_the_other() -> None:
    assert found(RULE, "accepted-with-allow") == [(RULE, ("form",), 14)]


def test_clean() -> None:
    assert found(RULE, "clean") == []
