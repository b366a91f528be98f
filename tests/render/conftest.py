"""The render tests read the maps' labels in English (see `maps_in_english`); tests of a
journey's own language opt out with `@pytest.mark.journey_language`."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def english_maps(request: pytest.FixtureRequest) -> None:
    if not request.node.get_closest_marker("journey_language"):
        request.getfixturevalue("maps_in_english")
