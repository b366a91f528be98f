"""mixed-share-scales: shares of one step written partly as fractions, partly as weights."""

from __future__ import annotations

import pytest

from cyclemap.graph import JourneyGraph
from cyclemap.graph.flow_model import flow_model
from tests.support.rules import detections, found, load_fixture, messages

RULE = "mixed-share-scales"


def test_a_percentage_among_fractions_is_reported_at_its_share() -> None:
    assert found(RULE, "percentage-among-fractions") == [(RULE, ("invoice", "collections"), 14)]
    (finding,) = detections(RULE, "percentage-among-fractions")
    assert finding.column == 34  # the `30` of `share: 30` itself
    assert messages(RULE, "percentage-among-fractions") == [
        "the shares of step `invoice` mix scales (0.45, 0.1, 0.15, 30): as written, `share: 30` "
        "sends 98% of the customers who go on from `invoice` to `collections`; write every "
        "share on one scale (all fractions or all weights)"
    ]


def test_the_share_named_is_the_one_the_flow_model_uses() -> None:
    graph = JourneyGraph(load_fixture(RULE, "percentage-among-fractions"))
    share = flow_model(graph).transition("invoice", "collections")
    # Shares are normalised after scaling by the largest, so the last bit may differ.
    assert share == pytest.approx(30 / (0.45 + 0.1 + 0.15 + 30), rel=1e-12)
    assert round(share * 100) == 98


def test_one_scale_per_step_is_fine() -> None:
    assert found(RULE, "clean") == []
