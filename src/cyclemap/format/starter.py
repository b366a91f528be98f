"""`cyclemap init`: a commented starter journey that validates, to begin a map from."""

from __future__ import annotations

import os
import re
from importlib.resources import files
from pathlib import Path

import yaml

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


def starter_text(journey_id: str, code: str | None = None, name: str | None = None) -> str:
    """The starter journey commented in the language `code` (default: the current one), with
    `journey_id` as its id and `name` (when given) as its name."""
    template_name = STARTERS.get(code or language(), STARTERS["en"])
    template = files("cyclemap").joinpath(f"templates/{template_name}").read_text("utf-8")
    written = re.search(rf"id: {TEMPLATE_ID}( *)(?=#)", template)
    assert written is not None, "the starter's journey id is followed by a comment"
    padding = " " * max(1, len(written.group(1)) + len(TEMPLATE_ID) - len(journey_id))
    text = template.replace(written.group(), f"id: {journey_id}{padding}", 1)
    if name is not None:
        line = f"  name: {_yaml_text(name)}"
        text = re.sub(r"(?m)^  name: .*$", lambda _match: line, text, count=1)
    return text


def _yaml_text(value: str) -> str:
    """`value` as a YAML scalar that reads back as exactly this text: plain when it can be."""
    try:
        plain = yaml.safe_load(f"k: {value}")
    except yaml.YAMLError:
        plain = None
    if isinstance(plain, dict) and plain.get("k") == value:
        return value
    return yaml.safe_dump(value, allow_unicode=True, default_style='"', width=10_000).strip()


def write_starter(path: Path | str | None, *, name: str | None = None, force: bool = False) -> Path:
    """Write the starter journey, commented in the current language, and return where: to
    `path` when it names a file, else as `NAME.journey.yaml` in the folder `path` (or the
    current one; a path ending in a slash is a folder, created if need be), NAME from `name`
    or the folder's name; an existing file is replaced only with `force`."""
    shown = str(path) if path is not None else ""
    folder_meant = path is None or shown.endswith(("/", os.sep)) or Path(shown).is_dir()
    folder = Path(shown) if folder_meant and path is not None else Path()
    journey_id = starter_name(name, folder if folder_meant else Path.cwd())
    text = starter_text(journey_id, name=name)
    target = folder / f"{journey_id}.journey.yaml" if folder_meant else Path(shown)
    if os.path.lexists(target) and not force:  # a dangling link too: it points somewhere
        raise UsageError(
            _("{path} already exists (use --force to overwrite it)").format(path=target)
        )
    if folder_meant and not folder.is_dir():
        try:
            folder.mkdir(parents=True)
        except OSError as error:
            raise UsageError(
                _("cannot create the folder {path} ({reason})").format(
                    path=folder, reason=error.strerror
                )
            ) from None
    write_output(target, text.encode("utf-8"))
    return target
