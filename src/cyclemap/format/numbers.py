"""Numbers as people write them in documents and spreadsheets, which YAML does not read as the
number meant: `30%`, `4,000`, `4.000`, `4 000`, `0,18`.

YAML takes `30%` and `4,000` as text and `4.000` as four; inside `{...}` a comma even separates
fields, so `{volume: 4,000}` is a volume of 4 and a field called `000`. Recognising these is
what lets a message say what to write instead (`0.3`, `4000`) rather than only that the value
is not a number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

# The patterns are compiled (and cached by `re`) the first time a value needs them: most
# journeys never do, and a command starts faster without.

_PERCENT = r"\s*([+-]?\d+(?:[.,]\d+)?)\s*%\s*\Z"
_GROUPED = (
    r"(?P<first>[1-9]\d{0,2})(?P<sep>[,. '\u00a0\u202f\u2019])\d{3}(?:(?P=sep)\d{3})*"
    r"(?:(?P<dec>[.,])(?P<decimals>\d+))?\Z"
)
_DECIMAL_COMMA = r"[+-]?\d+,\d+\Z"
_DIGITS = r"\d+\Z"

Kind = Literal["percentage", "thousands", "decimal-comma"]


@dataclass(frozen=True)
class Written:
    """What a piece of text meant as a number says: its kind and the number it stands for
    (for a percentage, the percentage itself: `30%` is 30)."""

    kind: Kind
    number: Decimal


def plain(number: Decimal) -> str:
    """A number as YAML reads it: `4000`, `0.3`, never `4E+3` or `0.30`."""
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "+0") else text


def read_written(text: str) -> Written | None:
    """The number `text` stands for when written as a percentage, with thousands separators or
    with a decimal comma; None for anything else (plain numbers included)."""
    text = text.strip()
    percent = re.match(_PERCENT, text)
    if percent:
        return Written("percentage", Decimal(percent.group(1).replace(",", ".")))
    grouped = re.match(_GROUPED, text)
    if grouped and grouped.group("dec") != grouped.group("sep"):
        digits = re.sub(r"\D", "", text[: grouped.start("dec") if grouped.group("dec") else None])
        decimals = grouped.group("decimals")
        return Written("thousands", Decimal(digits + (f".{decimals}" if decimals else "")))
    if re.match(_DECIMAL_COMMA, text):
        return Written("decimal-comma", Decimal(text.replace(",", ".")))
    return None


def is_dotted_thousands(text: str) -> bool:
    """`4.000` or `12.500`: a whole number grouped by points, which YAML reads as a decimal
    (4.0); a count written so is almost surely meant in thousands."""
    grouped = re.match(_GROUPED, text.strip())
    return grouped is not None and grouped.group("sep") == "." and not grouped.group("dec")


def comma_split(first: str, fragments: list[str]) -> Written | None:
    """The number a flow mapping's comma cut into fields: `4` and [`000`] were `4,000`, `0`
    and [`3`] were `0,3`. None when the pieces do not make one number."""
    if not re.match(_DIGITS, first) or not fragments:
        return None
    if not all(re.match(_DIGITS, fragment) for fragment in fragments):
        return None
    return read_written(",".join([first, *fragments]))
