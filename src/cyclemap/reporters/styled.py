"""Styled lines for the terminal report, with rich loaded only when there is colour to show.

The text report is a few lines of text with styles (bold, red, dim). Without colour (a pipe, a
file, CI, `NO_COLOR`) the styles are dropped and the lines written as they are; with colour,
and for anything else printed (the tables of `stats` and `mine`), the lines go through rich.
Importing rich costs more than validating a small journey, and `validate` in CI never shows
colour.
"""

from __future__ import annotations

import io
from typing import Any, Union

Part = Union[str, tuple[str, str]]
"""Text, or (text, style) as rich writes styles: `"bold red"`."""


class Text:
    """A line of text made of styled pieces: the subset of `rich.text.Text` the reports use."""

    def __init__(self, text: str = "", style: str = "") -> None:
        self.style = style
        self.pieces: list[tuple[str, str]] = [(text, "")] if text else []

    @classmethod
    def assemble(cls, *parts: Part) -> Text:
        line = cls()
        for part in parts:
            if isinstance(part, str):
                line.append(part)
            else:
                line.append(*part)
        return line

    def append(self, text: str, style: str = "") -> Text:
        self.pieces.append((text, style))
        return self

    @property
    def plain(self) -> str:
        return "".join(text for text, _style in self.pieces)

    def as_rich(self) -> Any:
        from rich.text import Text as RichText

        line = RichText(style=self.style)
        for text, style in self.pieces:
            line.append(text, style=style or None)
        return line


class Console:
    """Writes lines into a buffer: plain text unless colour is forced, rich otherwise (the
    options are rich's `Console`'s)."""

    def __init__(self, *, file: io.StringIO, force_terminal: bool, **options: Any) -> None:
        self.file = file
        self.color = force_terminal
        self.options = options
        self._rich: Any = None

    def print(self, *objects: Any) -> None:
        if not self.color and all(isinstance(item, (Text, str)) for item in objects):
            self.file.write(" ".join(_plain(item) for item in objects) + "\n")
            return
        if self._rich is None:
            from rich.console import Console as RichConsole

            self._rich = RichConsole(file=self.file, force_terminal=self.color, **self.options)
        self._rich.print(*(item.as_rich() if isinstance(item, Text) else item for item in objects))


def _plain(item: Text | str) -> str:
    return item.plain if isinstance(item, Text) else item
