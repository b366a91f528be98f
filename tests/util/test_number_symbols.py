"""Figures are written exactly as Babel writes them with each language's CLDR locale."""

from __future__ import annotations

import math
import random
from decimal import Decimal

import pytest
from babel import Locale
from babel.numbers import format_decimal

from cyclemap.util import numbers
from cyclemap.util.i18n import LANGUAGES, chosen_language


def _babel(value: float, digits: int, trim: bool, grouped: bool, code: str) -> str:
    """What the formatting through Babel wrote (rounded as Python rounds, then Babel's
    pattern): the reference the fast formatting must equal."""
    rounded = Decimal(f"{value:.{digits}f}")
    whole = "#,##0" if grouped else "0"
    pattern = whole + ("." + ("#" if trim else "0") * digits if digits else "")
    locale = Locale.parse(numbers.BABEL_LOCALES[code])
    return str(format_decimal(rounded, format=pattern, locale=locale))


def _values() -> list[float]:
    rng = random.Random(20)
    chosen = [0.0, -0.0, 0.5, 1.5, 2.5, -0.04, 0.004, 999.95, 1000.0, 1234.5, -1234.5, 1e15, 1e20]
    chosen += [rng.uniform(-1e7, 1e7) for _ in range(300)]
    chosen += [rng.uniform(0, 100) for _ in range(300)]
    chosen += [float(rng.randrange(0, 10**9)) / 10 ** rng.randrange(0, 4) for _ in range(300)]
    return chosen


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_figure_is_written_as_babel_writes_it(code: str) -> None:
    with chosen_language(code):
        for value in _values():
            for digits in (0, 1, 2, 3):
                for trim in (False, True):
                    for grouped in (True, False):
                        expected = _babel(value, digits, trim, grouped, code)
                        shown = numbers.number(value, digits, trim=trim, grouped=grouped)
                        assert shown == expected, (value, digits, trim, grouped)


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_symbols_are_the_locales(code: str) -> None:
    symbols = Locale.parse(numbers.BABEL_LOCALES[code]).number_symbols
    symbols = symbols.get("latn", symbols)
    assert numbers.SYMBOLS[code] == (symbols["decimal"], symbols["group"])


def test_what_is_not_a_number_is_a_question_mark() -> None:
    assert numbers.number(math.nan) == "?"
    assert numbers.number(math.inf, 2) == "?"
