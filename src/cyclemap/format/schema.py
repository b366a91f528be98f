"""The JSON Schema of the journey format, generated from the models so it cannot drift."""

from __future__ import annotations

import json
from typing import Any

from cyclemap.format.model import JourneyFile

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def journey_schema() -> dict[str, Any]:
    """The schema editors use for completion and checking (`yaml-language-server`)."""
    generated = JourneyFile.model_json_schema()
    return {
        "$schema": SCHEMA_DIALECT,
        **generated,
    }


def schema_text() -> str:
    """The schema as committed in `schemas/journey.schema.json`: byte-stable."""
    return json.dumps(journey_schema(), indent=2, ensure_ascii=False) + "\n"
