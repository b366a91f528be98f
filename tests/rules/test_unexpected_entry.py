"""unexpected-entry: cases that start at a step that is not an entry (a log rule)."""

from __future__ import annotations

from tests.support.rules import found, messages

RULE = "unexpected-entry"


def test_cases_starting_elsewhere_than_an_entry_are_counted() -> None:
    assert found(RULE, "cases-start-at-diagnosis") == [(RULE, ("diagnose",), 8)]
    assert messages(RULE, "cases-start-at-diagnosis") == [
        "1 case starts at `diagnose`, which is not an entry"
    ]


def test_a_log_whose_cases_start_at_entries_is_clean() -> None:
    assert found(RULE, "clean") == []
