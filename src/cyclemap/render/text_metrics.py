"""How wide a line of text is, and how it wraps, without a font file.

The blueprint places every box and label itself, so it must know how much room text takes
before Graphviz draws it. Widths come from Helvetica's published character widths (the font
the maps ask for, metric-compatible with Arial and Liberation Sans); accented letters take the
width of their base letter, wide scripts and symbols a full em. The estimate errs on the wide
side so text stays inside its box whichever of those fonts the viewer has.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Helvetica widths in thousandths of an em, for the printable ASCII range 32..126.
_ASCII_WIDTHS = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,  # ' '../
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,  # 0..?
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,  # @..O
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,  # P.._
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,  # `..o
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,  # p..~
)  # fmt: skip
BOLD_FACTOR = 1.11
"""Helvetica Bold is on average this much wider than the regular face."""
SAFETY = 1.16
"""Extra room: Graphviz's PNG and PDF renderers (cairo with hinting) set small text up to
about 15% wider than the font's nominal widths (measured against `dot -Txdot`)."""


@lru_cache(maxsize=4096)
def _char_em(char: str) -> float:
    code = ord(char)
    if 32 <= code <= 126:
        return _ASCII_WIDTHS[code - 32] / 1000
    if unicodedata.combining(char):
        return 0.0
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.0
    base = unicodedata.normalize("NFD", char)[0]
    if base != char and 32 <= ord(base) <= 126:
        return _ASCII_WIDTHS[ord(base) - 32] / 1000
    if unicodedata.category(char).startswith("L"):
        return 0.62
    return 1.0  # symbols, arrows, emoji


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """Width in points of `text` set at `size` points."""
    width = sum(_char_em(char) for char in text) * size * SAFETY
    return width * BOLD_FACTOR if bold else width


def wrap(text: str, width: float, size: float, *, bold: bool = False, lines: int = 2) -> list[str]:
    """`text` broken at spaces into at most `lines` lines no wider than `width` points; a word
    too long for a line is cut, and text left over ends the last line with an ellipsis."""
    words = text.split()
    result: list[str] = []
    current = ""
    index = 0
    while index < len(words):
        word = words[index]
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, size, bold=bold) <= width:
            current = candidate
            index += 1
            continue
        if not current:  # a single word wider than the line: cut it
            cut = _fit(word, width, size, bold=bold)
            result.append(cut)
            words[index] = word[len(cut) :]
        else:
            result.append(current)
            current = ""
        if len(result) == lines:
            break
    if current and len(result) < lines:
        result.append(current)
        current = ""
    leftover = bool(current) or index < len(words)
    if leftover and result:
        result[-1] = ellipsize(result[-1] + " " + " ".join(words[index:]), width, size, bold=bold)
    return result


def ellipsize(text: str, width: float, size: float, *, bold: bool = False) -> str:
    """`text` on one line of at most `width` points, ending in `…` when cut."""
    if text_width(text, size, bold=bold) <= width:
        return text
    room = width - text_width("…", size, bold=bold)
    return _fit(text, room, size, bold=bold).rstrip() + "…"


def _fit(text: str, width: float, size: float, *, bold: bool) -> str:
    """The longest prefix of `text` (at least one character) that fits in `width`."""
    used = 0.0
    factor = size * SAFETY * (BOLD_FACTOR if bold else 1.0)
    for position, char in enumerate(text):
        used += _char_em(char) * factor
        if used > width:
            return text[: max(position, 1)]
    return text
