"""unused-definition: stages, channels and teams of the journey that no step uses."""

from __future__ import annotations

from tests.support.rules import found, messages

RULE = "unused-definition"


def test_unused_stage_channel_and_team_of_the_journey_but_not_of_the_catalog() -> None:
    assert found(RULE, "unused-stage-channel-team") == [
        (RULE, (), 9),
        (RULE, (), 12),
        (RULE, (), 15),
    ]
    assert messages(RULE, "unused-stage-channel-team") == [
        "channel `kiosk` is defined but no step uses it",
        "team `legacy-desk` is defined but no step uses it",
        "stage `follow-up` is defined but no step is in it",
    ]


def test_unused_catalog_entries_are_not_reported() -> None:
    assert found(RULE, "catalog-entries-not-flagged") == []


def test_journey_owner_and_moment_of_truth_owner_count_as_used() -> None:
    assert found(RULE, "owners-count-as-used") == []


def test_clean() -> None:
    assert found(RULE, "clean") == []
