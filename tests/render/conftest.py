"""The render tests read the maps' labels in English: the example journeys say they are
Spanish (`language: es`), so their maps are drawn in Spanish for anyone, and these tests
choose English, as `--lang en` would. Tests of a journey's own language opt out with
`@pytest.mark.journey_language`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cyclemap.util.i18n import chosen_language


@pytest.fixture(autouse=True)
def english_maps(request: pytest.FixtureRequest) -> Iterator[None]:
    if request.node.get_closest_marker("journey_language"):
        yield
        return
    with chosen_language("en"):
        yield
