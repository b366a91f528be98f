"""How figures are written for people, the same in messages, maps and tables."""

from __future__ import annotations


def percent(value: float) -> str:
    """`0.183` -> `18%`; small values keep one decimal (`0.4%`), tiny ones say `<0.1%`."""
    shown = value * 100
    if 0 < shown < 0.05:
        return "<0.1%"
    if 0 < shown < 10 and round(shown, 1) != round(shown):
        return f"{shown:.1f}%"
    return f"{shown:.0f}%"


def customers(value: float) -> str:
    """A count of customers: `1,234`."""
    return f"{round(value):,}"
