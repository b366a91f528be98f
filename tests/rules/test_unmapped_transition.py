"""unmapped-transition: customers move between two steps the map does not join (a log rule)."""

from __future__ import annotations

from tests.support.rules import found, messages

RULE = "unmapped-transition"


def test_a_move_the_map_lacks_is_reported_at_its_source_step() -> None:
    assert found(RULE, "customers-sent-back-to-the-call") == [(RULE, ("diagnose", "call"), 8)]
    assert messages(RULE, "customers-sent-back-to-the-call") == [
        "customers go from `diagnose` to `call` 1 time, a transition the map does not have"
    ]


def test_a_log_that_follows_the_map_is_clean() -> None:
    assert found(RULE, "clean") == []
