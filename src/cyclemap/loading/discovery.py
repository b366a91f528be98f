"""Command-line paths -> the YAML files to check, in a stable order.

Folders are searched recursively for `*.yaml`/`*.yml`. Inside a git work tree the files git
ignores (`.gitignore`, `.git/info/exclude`, the global excludes) are left out, as git itself
lists them; elsewhere hidden folders and dependency folders are skipped. `include`/`exclude`
globs from the configuration (`**` spans folders) narrow the search further.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cyclemap.errors import InputOutputError
from cyclemap.util.i18n import _
from cyclemap.util.paths import display_path

YAML_SUFFIXES = (".yaml", ".yml")
SKIPPED_FOLDERS = frozenset({"node_modules", "__pycache__", "venv", "site-packages"})
_LOOKS_LIKE_JOURNEY = re.compile(rb"^(\xef\xbb\xbf)?cyclemap\s*:", re.MULTILINE)


@dataclass(frozen=True)
class Candidate:
    """A file to check; `explicit` when the user named it rather than a folder holding it."""

    path: Path
    display: str
    explicit: bool
    origin: int = 0
    """Which command-line path it was found under: ids must be unique within one."""


@dataclass(frozen=True)
class Selection:
    """Which files in folders are considered: globs relative to `base` (the config's folder)."""

    include: tuple[str, ...] = ("**/*.yaml", "**/*.yml")
    exclude: tuple[str, ...] = ()
    base: Path | None = None

    def accepts(self, file: Path) -> bool:
        base = self.base or Path.cwd()
        try:
            relative = file.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            relative = file.name
        return any(glob_matches(pattern, relative) for pattern in self.include) and not any(
            glob_matches(pattern, relative) for pattern in self.exclude
        )


def glob_matches(pattern: str, path: str) -> bool:
    """Whether a `/`-separated relative `path` matches a configuration glob: a `**` segment
    spans any number of folders (none too), `*` any characters within one name, `?` one.

    Matched segment by segment, keeping the set of pattern positions reached, in time
    proportional to (pattern segments x path segments); a translation to a regular
    expression backtracks exponentially on repeated `**/` (twelve took minutes).
    """
    parts = _segments(pattern)
    reached = _after_any_folders(parts, {0})
    for name in path.split("/"):
        following: set[int] = set()
        for index in reached:
            if index == len(parts):
                continue
            if parts[index] == "**":
                following.add(index)
            elif _name_matches(parts[index], name):
                following.add(index + 1)
        reached = _after_any_folders(parts, following)
        if not reached:
            return False
    return len(parts) in reached


@cache
def _segments(pattern: str) -> tuple[str, ...]:
    parts: list[str] = []
    for part in pattern.strip("/").split("/"):
        if part == "**" and parts and parts[-1] == "**":
            continue  # `**/**/` spans what one `**/` does
        parts.append(part)
    return tuple(parts)


def _after_any_folders(parts: tuple[str, ...], reached: set[int]) -> set[int]:
    """`reached` plus the positions after each `**`, which may span no folder at all."""
    closed = set(reached)
    for index in sorted(reached):
        while index < len(parts) and parts[index] == "**":
            index += 1
            closed.add(index)
    return closed


def _name_matches(pattern: str, name: str) -> bool:
    """`*` and `?` wildcards within one name, greedy with one backtrack point (linear-ish:
    at most len(pattern) x len(name) steps, never exponential)."""
    p = n = 0
    star, resume = -1, 0
    while n < len(name):
        if p < len(pattern) and pattern[p] in ("?", name[n]) and pattern[p] != "*":
            p, n = p + 1, n + 1
        elif p < len(pattern) and pattern[p] == "*":
            star, resume = p, n
            p += 1
        elif star >= 0:
            p, resume = star + 1, resume + 1
            n = resume
        else:
            return False
    while p < len(pattern) and pattern[p] == "*":
        p += 1
    return p == len(pattern)


def discover(
    paths: Sequence[Path], selection: Selection | None = None
) -> tuple[list[Candidate], list[InputOutputError]]:
    """The files under `paths` (folders searched recursively) and the paths that failed."""
    selection = selection or Selection()
    found: dict[str, Candidate] = {}
    failures: list[InputOutputError] = []
    for origin, path in enumerate(paths):
        shown = display_path(path)
        if path.is_dir():
            listed = _git_listed(path)
            files = listed if listed is not None else _walk(path, failures)
            for file in files:
                if not selection.accepts(file):
                    continue
                candidate = Candidate(file, display_path(file), explicit=False, origin=origin)
                found.setdefault(candidate.display, candidate)
        elif path.exists() or path.is_symlink():
            found[shown] = Candidate(path, shown, explicit=True, origin=origin)
        else:
            failures.append(InputOutputError(shown, _("no such file or folder")))
    return sorted(found.values(), key=lambda c: c.display), failures


def _walk(folder: Path, failures: list[InputOutputError]) -> list[Path]:
    def on_error(error: OSError) -> None:
        failures.append(
            InputOutputError(
                display_path(Path(error.filename)),
                _("cannot read the folder ({reason})").format(reason=error.strerror),
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


def _git(folder: Path, *arguments: str) -> list[str] | None:
    """The NUL-separated names `git ls-files` prints in `folder`; None outside a work tree."""
    import subprocess  # here: most runs name files, and never ask git

    try:
        completed = subprocess.run(
            ["git", "-C", str(folder), "ls-files", "-z", *arguments],
            capture_output=True,
            check=False,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if completed.returncode != 0:
        return None
    text = completed.stdout.decode("utf-8", "surrogateescape")
    return [name for name in text.split("\0") if name]


def _git_listed(folder: Path) -> list[Path] | None:
    """YAML files under `folder` that git does not ignore; None outside a work tree.

    A repository nested inside (neither tracked nor ignored) shows as one folder entry; its
    own files are listed by its own git.
    """
    names = _git(folder, "--cached", "--others", "--exclude-standard", "--", "*.yaml", "*.yml")
    if names is None:
        return None
    files = {folder / name for name in names if (folder / name).is_file()}
    untracked = _git(folder, "--others", "--exclude-standard", "--directory") or []
    for name in untracked:
        if name.endswith("/"):
            for nested in _nested_repositories(folder / name):
                files.update(_git_listed(nested) or [])
    return sorted(files)


def _nested_repositories(folder: Path) -> list[Path]:
    """Work trees inside an untracked folder (git lists such a folder as one entry)."""
    found = []
    for current, folders, _names in os.walk(folder):
        if ".git" in folders or Path(current, ".git").is_file():
            found.append(Path(current))
            folders.clear()
        else:
            folders[:] = [name for name in folders if name not in SKIPPED_FOLDERS]
    return found


def looks_like_journey(path: Path) -> bool:
    """Whether a file that failed to parse was meant as a journey (a top-level `cyclemap:`)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(256 * 1024)
    except OSError:
        return False
    return bool(_LOOKS_LIKE_JOURNEY.search(head))
