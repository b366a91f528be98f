"""User text as Markdown text, never markup: what every Markdown report escapes with (the
rules are in `cyclemap.reporters.markdown`'s docstring)."""

from __future__ import annotations

import re
from collections.abc import Iterable

_REPLACEMENTS = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "`": "&#96;", "\\": "&#92;"}
_REPLACEMENTS.update({mark: "\\" + mark for mark in "*_[]~|"})
_SPECIAL = re.compile("[" + re.escape("".join(_REPLACEMENTS)) + "]")
_BREAKS = re.compile(r"\s*(?:\r\n|[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029])\s*")
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_REFERENCE = re.compile(r"([@#])(?=\w)")


def escape(text: str) -> str:
    """Plain text safe anywhere in a table cell or list item: one line, no markup."""
    text = _CONTROL.sub("\ufffd", _BREAKS.sub(" ", text))
    text = _REFERENCE.sub("\\1\u200b", text)
    return _SPECIAL.sub(lambda match: _REPLACEMENTS[match.group()], text)


def code(text: str) -> str:
    return f"<code>{escape(text)}</code>"


def inline(message: str) -> str:
    """A message with its backticked parts as `<code>`; unpaired backticks stay as text."""
    parts = message.split("`")
    if len(parts) % 2 == 0:
        return escape(message)
    return "".join(code(part) if odd else escape(part) for odd, part in _alternate(parts))


def _alternate(parts: list[str]) -> Iterable[tuple[bool, str]]:
    return ((position % 2 == 1, part) for position, part in enumerate(parts))
