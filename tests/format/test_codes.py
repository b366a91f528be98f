"""Every link a problem or a rule gives lands on a section of the format reference.

A problem names a section (`see docs/format.md#step-abandon`): its field's, else its code's; a
rule names the section of its own name. A heading renamed in the reference, or a field added
to the model without its section, would leave a person at the top of a long page.
"""

from __future__ import annotations

import re

import pytest

from cyclemap.errors import FORMAT_REFERENCES
from cyclemap.format import model
from cyclemap.format.codes import CODES
from cyclemap.format.model import _Strict as Strict
from cyclemap.rules import registry
from tests.conftest import REPO

_ANCHOR = re.compile(r'<a id="([^"]+)"></a>')
REFERENCES = [REPO / path for path in FORMAT_REFERENCES.values() if (REPO / path).exists()]


def _models() -> list[type[Strict]]:
    """The mappings of the format: every model with a section of the reference."""
    return [
        value
        for value in vars(model).values()
        if isinstance(value, type) and issubclass(value, Strict) and value.section
    ]


def linked_sections() -> set[str]:
    sections = {code.section for code in CODES.values()}
    for journey_model in _models():
        sections.add(journey_model.section)
        sections.update(map(journey_model.field_section, journey_model.model_fields))
    return sections | set(registry())


def test_the_english_reference_exists() -> None:
    assert REPO / FORMAT_REFERENCES["en"] in REFERENCES


@pytest.mark.parametrize("reference", REFERENCES, ids=lambda path: path.name)
def test_every_linked_section_is_in_the_reference(reference: object) -> None:
    anchors = set(_ANCHOR.findall(REPO.joinpath(str(reference)).read_text(encoding="utf-8")))
    missing = sorted(linked_sections() - anchors)
    assert not missing, f"sections linked to but missing from {reference}: {missing}"


def test_codes_are_unique_and_stable_in_form() -> None:
    assert all(re.fullmatch(r"CM[0-3]\d\d", code) for code in CODES)
    assert len({code.name for code in CODES.values()}) == len(CODES)
    assert len(_models()) >= 8  # the walk over the model finds its mappings
