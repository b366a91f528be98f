"""unused-transition: a transition of a visited step that nobody in the log takes (a log rule)."""

from __future__ import annotations

from tests.support.rules import detections, found, messages

RULE = "unused-transition"


def test_a_transition_nobody_takes_is_reported_at_its_place_in_next() -> None:
    assert found(RULE, "nobody-sent-to-the-expert") == [(RULE, ("diagnose", "expert"), 11)]
    (finding,) = detections(RULE, "nobody-sent-to-the-expert")
    assert finding.column == 37  # the `{` of the second item of `next`
    assert messages(RULE, "nobody-sent-to-the-expert") == [
        "no customer in the log goes from `diagnose` to `expert`"
    ]


def test_a_log_that_takes_every_transition_is_clean() -> None:
    assert found(RULE, "clean") == []
