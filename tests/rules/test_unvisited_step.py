"""unvisited-step: a step no event of the log is at (a log rule)."""

from __future__ import annotations

from tests.support.rules import found, messages

RULE = "unvisited-step"


def test_a_step_nobody_reaches_is_reported() -> None:
    assert found(RULE, "expert-nobody-reaches") == [(RULE, ("expert",), 12)]
    assert messages(RULE, "expert-nobody-reaches") == [
        "no customer in the log reaches step `expert`"
    ]


def test_a_log_that_visits_every_step_is_clean() -> None:
    assert found(RULE, "clean") == []
