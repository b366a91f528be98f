"""context-lost-handoff: one finding per transition with `context: lost`."""

from __future__ import annotations

from tests.support.rules import found, load_fixture, messages, run_rule

RULE = "context-lost-handoff"


def test_one_finding_per_lost_transition_at_its_next_item() -> None:
    assert found(RULE, "story-told-again") == [
        (RULE, ("call", "billing-desk"), 20),
        (RULE, ("billing-desk", "call"), 29),
    ]
    assert messages(RULE, "story-told-again") == [
        "context is lost from `call` to `billing-desk` (from `support` to `billing`): the "
        "customer must tell the story again",
        "context is lost from `billing-desk` to `call` (from `billing` to `support`): the "
        "customer must tell the story again",
    ]


def test_column_points_at_the_next_item() -> None:
    first, second = run_rule(RULE, load_fixture(RULE, "story-told-again"))
    assert (first.line, first.column) == (20, 9)
    assert (second.line, second.column) == (29, 9)


def test_lost_context_within_one_team_is_reported_without_naming_teams() -> None:
    assert found(RULE, "lost-within-one-team") == [(RULE, ("call", "callback"), 9)]
    assert messages(RULE, "lost-within-one-team") == [
        "context is lost from `call` to `callback`: the customer must tell the story again"
    ]


def test_clean() -> None:
    assert found(RULE, "clean") == []
