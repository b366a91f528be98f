"""unowned-moment-of-truth: moments of truth nobody answers for."""

from __future__ import annotations

from tests.support.rules import found, messages

RULE = "unowned-moment-of-truth"


def test_moment_without_owner_or_with_a_blank_owner() -> None:
    assert found(RULE, "moment-without-owner") == [
        (RULE, ("call",), 11),
        (RULE, ("fixed",), 24),
    ]
    assert messages(RULE, "moment-without-owner")[0] == (
        "the moment of truth at step `call` has no `owner`: nobody answers for it"
    )


def test_moment_of_truth_true_has_no_owner_and_no_measure() -> None:
    assert found(RULE, "moment-of-truth-true") == [(RULE, ("call",), 7)]
    assert found("unmeasured-moment-of-truth", "moment-of-truth-true") == [
        ("unmeasured-moment-of-truth", ("call",), 7)
    ]


def test_clean() -> None:
    assert found(RULE, "clean") == []
