"""User text made safe to show in a terminal or a CI log: the one cleaning function.

Anything a user or a pull request controls (file names, ids, names, log values, configuration
keys, git's messages) can hold an escape sequence (`ESC]52` writes the clipboard, `ESC[2K`
erases a line), a line break that starts a forged line (`::error` in a GitHub Actions log), or
a bidi override that shows text in another order than it is. Every message that carries such
text goes through `one_line` (or `neutralise`, where the line breaks are escaped later, as in
workflow commands), so those characters become U+FFFD: visible, and inert.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from cyclemap.util.i18n import _

REPLACEMENT = "\ufffd"

_UNSAFE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # C0 but tab and line breaks, DEL, C1 (0x9b CSI)
    "\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"  # line separators, bidi controls
    "\ud800-\udfff]"  # lone surrogates (undecodable bytes of a file name)
)
_BREAKS = re.compile("\r\n|[\r\n\t]")

MAX_SHOWN = 400
"""Longest piece of user text shown in one message; beyond, it is cut with `…`."""


def neutralise(text: str) -> str:
    """`text` with escape, control and bidi characters replaced; tabs and line breaks kept."""
    return _UNSAFE.sub(REPLACEMENT, text)


def one_line(text: object, *, limit: int | None = None) -> str:
    """`text` as one safe line: line breaks and tabs become spaces (`\\r`, `\\n` inside a value
    can no longer start a line of their own), everything else unsafe becomes U+FFFD; cut
    at `limit` characters when given."""
    flat = neutralise(_BREAKS.sub(" ", str(text)))
    if limit is not None and len(flat) > limit:
        return flat[:limit] + "…"
    return flat


def is_safe(text: str) -> bool:
    """Whether `text` holds nothing `one_line` would change (for tests and assertions)."""
    return _UNSAFE.search(text) is None and _BREAKS.search(text) is None


def slugify(text: str) -> str:
    """`text` as an id: lowercase ASCII letters and digits, `-`, `_` and `.`, accents dropped
    (`Atención al cliente` -> `atencion-al-cliente`); empty when nothing is left."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9_.-]+", "-", ascii_text).strip("-_.")


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """The closest of `choices` to a misspelt `word`, if any is close enough."""
    import difflib  # here: only a misspelling needs it

    matches = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean_text(message: str, guess: str) -> str:
    """`message` followed by the suggestion of `guess`, in the current language."""
    return _("{message}; did you mean `{guess}`?").format(message=message, guess=guess)


def listing(items: Iterable[str]) -> str:
    """`a`, `a and b`, `a, b and c`, in the current language."""
    items = list(items)
    if len(items) < 2:
        return "".join(items)
    return _("{items} and {last}").format(items=", ".join(items[:-1]), last=items[-1])
