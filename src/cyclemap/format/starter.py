"""`cyclemap init`: a commented starter journey that validates, to begin a map from."""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

from cyclemap.errors import UsageError
from cyclemap.util.files import write_output


def write_starter(path: Path, *, force: bool = False) -> Path:
    """Write the starter journey to `path` (a folder: `journey.yaml` in it) and return where;
    an existing file is replaced only with `force`."""
    target = path / "journey.yaml" if path.is_dir() else path
    if os.path.lexists(target) and not force:  # a dangling link too: it points somewhere
        raise UsageError(f"{target} already exists (use --force to overwrite it)")
    write_output(target, files("cyclemap").joinpath("templates/starter.journey.yaml").read_bytes())
    return target
