"""How figures are written for people, the same in messages, maps and tables: the one place.

Digits are rounded here, the way Python rounds, and then written the current language's way,
with its CLDR symbols: `1,234.5` and `18%` in English, `1.234,5` and `18%` in Spanish. The
symbols of each language are written out below (a test checks every figure against Babel's
formatting with the same locale): formatting through Babel costs tens of microseconds a
figure, and a large journey's audit and figures write hundreds of thousands of them.
Values a person typed and would type again (an option's `0.05`, a YAML `share: 0.3`) are code,
not figures: they are shown as written, never through these.
"""

from __future__ import annotations

import math
from functools import cache
from typing import Any

from cyclemap.util.i18n import language

_BABEL_LOCALES = {"en": "en", "es": "es"}
"""The CLDR locale whose symbols each language uses: one per language, so a map is the same
bytes on every machine (`es`: `1.234,5`, as most of Latin America writes figures)."""

SYMBOLS = {"en": (".", ","), "es": (",", ".")}
"""The decimal and grouping symbols of each language's locale in `_BABEL_LOCALES`."""


@cache
def _symbols(code: str) -> dict[int, str]:
    """Python's `.` and `,` -> the language's decimal and grouping symbols."""
    decimal, group = SYMBOLS.get(code, SYMBOLS["en"])
    return str.maketrans({".": decimal, ",": group})


def number(value: float, digits: int = 0, *, trim: bool = False, grouped: bool = True) -> str:
    """`value` rounded to `digits` decimals (`trim`: only those that are not 0), grouped by
    thousands: `1,234.5` / `1.234,5`; `?` when it is not finite."""
    if not math.isfinite(value):
        return "?"
    text = f"{value:{',' if grouped else ''}.{digits}f}"
    if trim and digits:
        text = text.rstrip("0").rstrip(".")
    return text.translate(_symbols(language()))


def percent(value: float) -> str:
    """`0.183` -> `18%`; small values keep one decimal (`0.4%`), tiny ones say `<0.1%`."""
    if not math.isfinite(value):
        return "?%"
    shown = value * 100
    if 0 < shown < 0.05:
        return "<" + number(0.1, 1) + "%"
    if 0 < shown < 10 and round(shown, 1) != round(shown):
        return number(shown, 1) + "%"
    return number(shown) + "%"


def customers(value: float) -> str:
    """A count of customers: `1,234` / `1.234`."""
    if not math.isfinite(value):
        return "?"
    return number(round(value))


def json_text(document: Any) -> str:
    """`document` as JSON, indented: a number that is not finite becomes `null` (JSON has no
    `Infinity` or `NaN`, and parsers refuse them)."""
    import json  # only the commands that write JSON need it

    return json.dumps(_finite(document), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    return value
