"""`cyclemap init`: a commented starter journey that validates, to begin a map from."""

from __future__ import annotations

import os
import re
from importlib.resources import files
from pathlib import Path

from cyclemap.errors import UsageError
from cyclemap.util.files import write_output
from cyclemap.util.i18n import _, language
from cyclemap.util.text import slugify

STARTERS = {"en": "starter.journey.yaml", "es": "starter.es.journey.yaml"}
"""The starter of each language: the same journey, commented in that language."""
TEMPLATE_ID = "my-journey"
"""The journey id the templates carry, replaced by the name of the new journey."""


def starter_name(name: str | None, folder: Path) -> str:
    """The new journey's id and file name: `name` if given, else the folder's, as an id."""
    return slugify(name if name is not None else folder.resolve().name) or TEMPLATE_ID


def starter_text(journey_id: str, code: str | None = None) -> str:
    """The starter journey commented in the language `code` (default: the current one), with
    `journey_id` as its id."""
    template_name = STARTERS.get(code or language(), STARTERS["en"])
    template = files("cyclemap").joinpath(f"templates/{template_name}").read_text("utf-8")
    written = re.search(rf"id: {TEMPLATE_ID}( *)(?=#)", template)
    assert written is not None, "the starter's journey id is followed by a comment"
    padding = " " * max(1, len(written.group(1)) + len(TEMPLATE_ID) - len(journey_id))
    return template.replace(written.group(), f"id: {journey_id}{padding}", 1)


def write_starter(path: Path | None, *, name: str | None = None, force: bool = False) -> Path:
    """Write the starter journey, commented in the current language, and return where: to
    `path` when it names a file, else as `NAME.journey.yaml` in the folder `path` (or the
    current one), NAME from `name` or the current folder's name; an existing file is replaced
    only with `force`."""
    journey_id = starter_name(name, Path.cwd())
    text = starter_text(journey_id)
    if path is None or path.is_dir():
        target = (path or Path()) / f"{journey_id}.journey.yaml"
    else:
        target = path
    if os.path.lexists(target) and not force:  # a dangling link too: it points somewhere
        raise UsageError(
            _("{path} already exists (use --force to overwrite it)").format(path=target)
        )
    write_output(target, text.encode("utf-8"))
    return target
