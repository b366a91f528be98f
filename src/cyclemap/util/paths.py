"""How paths are shown to people, the same in every message and report."""

from __future__ import annotations

import os
from pathlib import Path


def display_path(path: Path) -> str:
    """How a path is shown to the user: relative to the working folder when inside it.

    Bytes of a file name that are not UTF-8 are shown as U+FFFD, so reports stay valid text.
    """
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        relative = ".." + os.sep
    shown = (
        Path(os.path.abspath(path)).as_posix()
        if relative.startswith("..")
        else Path(relative).as_posix()
    )
    return shown.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
