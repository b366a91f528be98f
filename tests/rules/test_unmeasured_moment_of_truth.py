"""unmeasured-moment-of-truth: moments of truth nobody measures."""

from __future__ import annotations

from tests.support.rules import found, messages

RULE = "unmeasured-moment-of-truth"


def test_moment_without_measure() -> None:
    assert found(RULE, "moment-without-measure") == [(RULE, ("visit",), 18)]
    assert messages(RULE, "moment-without-measure") == [
        "the moment of truth at step `visit` has no `measure`: nobody will know how it goes"
    ]


def test_moment_of_truth_true_has_no_measure_and_no_owner() -> None:
    assert found(RULE, "moment-of-truth-true") == [(RULE, ("call",), 7)]
    assert found("unowned-moment-of-truth", "moment-of-truth-true") == [
        ("unowned-moment-of-truth", ("call",), 7)
    ]


def test_measured_without_owner_is_not_this_rules_business() -> None:
    assert found(RULE, "clean") == []
