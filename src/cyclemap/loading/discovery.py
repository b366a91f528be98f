"""Command-line paths -> the YAML files to check, in a stable order."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from cyclemap.errors import InputOutputError
from cyclemap.loading.imports import display_path

YAML_SUFFIXES = (".yaml", ".yml")
SKIPPED_FOLDERS = frozenset({"node_modules", "__pycache__", "venv", "site-packages"})
_LOOKS_LIKE_JOURNEY = re.compile(rb"^(\xef\xbb\xbf)?cyclemap\s*:", re.MULTILINE)


@dataclass(frozen=True)
class Candidate:
    """A file to check; `explicit` when the user named it rather than a folder holding it."""

    path: Path
    display: str
    explicit: bool


def discover(paths: list[Path]) -> tuple[list[Candidate], list[InputOutputError]]:
    """The files under `paths` (folders searched recursively) and the paths that failed."""
    found: dict[str, Candidate] = {}
    failures: list[InputOutputError] = []
    for path in paths:
        shown = display_path(path)
        if path.is_dir():
            for file in _walk(path, failures):
                candidate = Candidate(file, display_path(file), explicit=False)
                found.setdefault(candidate.display, candidate)
        elif path.exists() or path.is_symlink():
            found[shown] = Candidate(path, shown, explicit=True)
        else:
            failures.append(InputOutputError(shown, "no such file or folder"))
    return sorted(found.values(), key=lambda c: c.display), failures


def _walk(folder: Path, failures: list[InputOutputError]) -> list[Path]:
    def on_error(error: OSError) -> None:
        failures.append(
            InputOutputError(
                display_path(Path(error.filename)), f"cannot read the folder ({error.strerror})"
            )
        )

    files: list[Path] = []
    for current, folders, names in os.walk(folder, onerror=on_error):
        # Hidden folders (.git, .venv) and dependency folders hold no journeys of the user's.
        folders[:] = sorted(
            name for name in folders if not name.startswith(".") and name not in SKIPPED_FOLDERS
        )
        files.extend(Path(current, name) for name in sorted(names) if name.endswith(YAML_SUFFIXES))
    return files


def looks_like_journey(path: Path) -> bool:
    """Whether a file that failed to parse was meant as a journey (a top-level `cyclemap:`)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(256 * 1024)
    except OSError:
        return False
    return bool(_LOOKS_LIKE_JOURNEY.search(head))
