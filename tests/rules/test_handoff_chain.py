"""handoff-chain: too many handoffs on the most likely way to success."""

from __future__ import annotations

from tests.support.rules import found, load_fixture, messages, run_rule

RULE = "handoff-chain"
LONG_PATH = ("call", "escalate", "visit", "adjust-bill")


def test_exactly_three_handoffs_is_not_reported() -> None:
    assert found(RULE, "three-handoffs") == []


def test_four_handoffs_are_reported_with_the_path_and_teams() -> None:
    assert found(RULE, "four-handoffs") == [(RULE, (*LONG_PATH, "confirm"), 12)]
    assert messages(RULE, "four-handoffs") == [
        "the most likely way from entry `call` to success crosses 4 handoffs (more than 3): "
        "`n1` → `n2` → `field-ops` → `billing` → `n1`; 100% of the customers take exactly "
        "this path"
    ]
    [finding] = run_rule(RULE, load_fixture(RULE, "four-handoffs"))
    assert finding.details["handoffs"] == 4
    assert finding.details["teams"] == ["n1", "n2", "field-ops", "billing", "n1"]


def test_max_option() -> None:
    assert found(RULE, "four-handoffs", max=4) == []
    assert found(RULE, "three-handoffs", max=2) == [
        (RULE, ("call", "escalate", "visit", "confirm"), 11)
    ]
    assert "crosses 3 handoffs (more than 2)" in messages(RULE, "three-handoffs", max=2)[0]


def test_the_most_likely_path_of_each_entry_is_followed() -> None:
    assert found(RULE, "most-likely-path-per-entry") == [(RULE, (*LONG_PATH, "done"), 13)]
    [message] = messages(RULE, "most-likely-path-per-entry")
    assert message.startswith("the most likely way from entry `call` to success crosses 4")
    assert message.endswith("; 40% of the customers take exactly this path")


def test_clean() -> None:
    assert found(RULE, "clean") == []


def test_backstage_teams_are_not_handoffs_the_customer_feels() -> None:
    """The same four teams as `four-handoffs`, two of them backstage: one handoff is felt."""
    assert found(RULE, "four-handoffs-two-backstage") == []
    assert found(RULE, "four-handoffs-two-backstage", max=0) == [
        (RULE, ("call", "escalate", "visit", "adjust-bill", "confirm"), 13)
    ]
    [finding] = run_rule(RULE, load_fixture(RULE, "four-handoffs-two-backstage"), max=0)
    assert finding.details["teams"] == ["n1", "billing", "n1"]
