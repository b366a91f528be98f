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

_PERCENT = re.compile(r"\s*([+-]?\d+(?:[.,]\d+)?)\s*%\s*\Z")
_GROUPED = re.compile(
    r"(?P<first>[1-9]\d{0,2})(?P<sep>[,. '\u00a0\u202f\u2019])\d{3}(?:(?P=sep)\d{3})*"
    r"(?:(?P<dec>[.,])(?P<decimals>\d+))?\Z"
)
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+\Z")
_DIGITS = re.compile(r"\d+\Z")

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
    percent = _PERCENT.match(text)
    if percent:
        return Written("percentage", Decimal(percent.group(1).replace(",", ".")))
    grouped = _GROUPED.match(text)
    if grouped and grouped.group("dec") != grouped.group("sep"):
        digits = re.sub(r"\D", "", text[: grouped.start("dec") if grouped.group("dec") else None])
        decimals = grouped.group("decimals")
        return Written("thousands", Decimal(digits + (f".{decimals}" if decimals else "")))
    if _DECIMAL_COMMA.match(text):
        return Written("decimal-comma", Decimal(text.replace(",", ".")))
    return None


def is_dotted_thousands(text: str) -> bool:
    """`4.000` or `12.500`: a whole number grouped by points, which YAML reads as a decimal
    (4.0); a count written so is almost surely meant in thousands."""
    grouped = _GROUPED.match(text.strip())
    return grouped is not None and grouped.group("sep") == "." and not grouped.group("dec")


def comma_split(first: str, fragments: list[str]) -> Written | None:
    """The number a flow mapping's comma cut into fields: `4` and [`000`] were `4,000`, `0`
    and [`3`] were `0,3`. None when the pieces do not make one number."""
    if not _DIGITS.match(first) or not fragments or not all(map(_DIGITS.match, fragments)):
        return None
    return read_written(",".join([first, *fragments]))
