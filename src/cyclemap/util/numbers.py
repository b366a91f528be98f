"""How figures are written for people, the same in messages, maps and tables."""

from __future__ import annotations

import json
import math
from typing import Any


def percent(value: float) -> str:
    """`0.183` -> `18%`; small values keep one decimal (`0.4%`), tiny ones say `<0.1%`."""
    if not math.isfinite(value):
        return "?%"
    shown = value * 100
    if 0 < shown < 0.05:
        return "<0.1%"
    if 0 < shown < 10 and round(shown, 1) != round(shown):
        return f"{shown:.1f}%"
    return f"{shown:.0f}%"


def customers(value: float) -> str:
    """A count of customers: `1,234`."""
    if not math.isfinite(value):
        return "?"
    return f"{round(value):,}"


def json_text(document: Any) -> str:
    """`document` as JSON, indented: a number that is not finite becomes `null` (JSON has no
    `Infinity` or `NaN`, and parsers refuse them)."""
    return json.dumps(_finite(document), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    return value
