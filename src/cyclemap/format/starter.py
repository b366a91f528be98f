"""`cyclemap init`: a commented starter journey that validates, to begin a map from."""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

from cyclemap.errors import UsageError
from cyclemap.util.files import write_output
from cyclemap.util.i18n import _, language

TEMPLATES = {"en": "templates/starter.journey.yaml", "es": "templates/starter.journey.es.yaml"}
"""The starter journey in each language: the same journey, commented in that language."""


def starter_text(code: str | None = None) -> bytes:
    """The starter journey in the language `code` (default: the current one)."""
    name = TEMPLATES.get(code or language(), TEMPLATES["en"])
    return files("cyclemap").joinpath(name).read_bytes()


def write_starter(path: Path, *, force: bool = False) -> Path:
    """Write the starter journey, in the current language, to `path` (a folder:
    `journey.yaml` in it) and return where; an existing file is replaced only with `force`."""
    target = path / "journey.yaml" if path.is_dir() else path
    if os.path.lexists(target) and not force:  # a dangling link too: it points somewhere
        raise UsageError(
            _("{path} already exists (use --force to overwrite it)").format(path=target)
        )
    write_output(target, starter_text())
    return target
