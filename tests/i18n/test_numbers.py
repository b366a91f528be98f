"""English figures are written without Babel (a faster start), exactly as Babel writes them."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_decimal
from hypothesis import given
from hypothesis import strategies as st

from cyclemap.util.i18n import chosen_language
from cyclemap.util.numbers import number


def _babel(value: float, digits: int, trim: bool, grouped: bool) -> str:
    whole = "#,##0" if grouped else "0"
    pattern = whole + ("." + ("#" if trim else "0") * digits if digits else "")
    return str(format_decimal(Decimal(f"{value:.{digits}f}"), format=pattern, locale="en"))


@given(
    value=st.floats(min_value=-1e12, max_value=1e12, allow_nan=False)
    | st.sampled_from([0.0, -0.0, 0.05, 0.5, 1.5, 2.5, 999.95, 1234.5, 1e6, -1234.5]),
    digits=st.integers(min_value=0, max_value=3),
    trim=st.booleans(),
    grouped=st.booleans(),
)
def test_english_figures_are_babel_s(value: float, digits: int, trim: bool, grouped: bool) -> None:
    with chosen_language("en"):
        assert number(value, digits, trim=trim, grouped=grouped) == _babel(
            value, digits, trim, grouped
        )
