"""What `serve` shows, kept current: every journey under the root with its status, findings and
success rate, and each journey's page, re-checked whenever a file changes.

This module knows nothing of HTTP. `Site.refresh` re-validates the whole root (a catalog or
the configuration can change any journey, and checking is fast) and tells which pages
changed; a journey's page is drawn once per version of what it reads and kept, with the last
valid one, so that a broken file is shown over the map it had before. Only files found under
the root (symlinks resolved) are ever listed, read or drawn: the index's keys are the only
names a request can reach.
"""

from __future__ import annotations

import functools
import hashlib
import re
import stat
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from cyclemap.engine.checking import FileResult, Status, check_file, one_version_of_truth
from cyclemap.engine.config import load_settings
from cyclemap.engine.run import audit_journey
from cyclemap.errors import CyclemapError, Problem
from cyclemap.findings import Finding, Severity
from cyclemap.loading import LoadedJourney
from cyclemap.loading.discovery import Candidate, discover
from cyclemap.util.files import forget_inputs
from cyclemap.util.i18n import chosen, chosen_language, document_language

T = TypeVar("T")

SOURCE_LIMIT = 32 * 2**20
"""The largest file whose lines an error is shown with (the loader refuses larger ones)."""


@dataclass(frozen=True)
class Entry:
    """One file of the index: a journey, or a file that failed to become one."""

    key: str
    """Its path under the root, `/`-separated: its name in the page's address."""
    path: Path
    status: Status
    kind: str
    name: str = ""
    problems: tuple[Problem, ...] = ()
    note: str = ""
    """Why an unreadable file could not be read."""
    journey: LoadedJourney | None = field(default=None, compare=False, repr=False)
    findings: tuple[Finding, ...] = ()
    success: float | None = None
    """The share of customers reaching success; None when the figures do not exist."""
    signature: str = ""
    """Changes whenever anything shown of the entry does (its inputs, checks, settings)."""

    def count(self, severity: Severity) -> int:
        return sum(1 for finding in self.findings if finding.severity is severity)


@dataclass
class _Page:
    signature: str
    html: str


class Site:
    """The journeys under `root` (a folder, or one file) as the server shows them."""

    def __init__(self, root: Path) -> None:
        self.root = root.absolute()
        self.folder = self.root if self.root.is_dir() else self.root.parent
        """Where keys start: the root, or the folder of the one file served."""
        self._real_folder = self.folder.resolve()
        self.entries: dict[str, Entry] = {}
        self.version = 0
        self._pages: dict[str, _Page] = {}
        """Key -> the last page drawn from a valid version of the file."""
        self._lock = threading.RLock()
        self._language = chosen()

    def in_language(self, function: Callable[..., T], *arguments: Any) -> T:
        """`function(*arguments)` in the language the server was started in, whichever thread
        or task runs it."""
        with chosen_language(self._language):
            return function(*arguments)

    # -- checking -------------------------------------------------------------------------

    def refresh(self) -> list[str]:
        """Check every file again; the keys whose entry changed (added and removed ones too),
        with the version raised when there is any."""
        with self._lock, chosen_language(self._language):
            forget_inputs()  # a long-running process: nothing is written, nothing to guard
            fresh = {entry.key: entry for entry in self._check_all()}
            old = self.entries
            changed = sorted(
                key
                for key in {*old, *fresh}
                if key not in old or key not in fresh or old[key].signature != fresh[key].signature
            )
            self.entries = fresh
            for key in list(self._pages):
                if key not in fresh:
                    del self._pages[key]
            if changed or not old:
                self.version += 1
            return changed

    def _check_all(self) -> list[Entry]:
        try:
            selection = load_settings(None, start=self.folder).selection
        except CyclemapError:
            selection = None  # the configuration's own problems are shown on each journey
        candidates, _failures = discover([self.root], selection)
        inside = [candidate for candidate in candidates if self.key_of(candidate.path)]
        results = one_version_of_truth([check_file(candidate) for candidate in inside])
        # Journeys, and whatever fails to be one; a valid catalog shows in the journeys it feeds.
        return [
            self._entry(candidate, result)
            for candidate, result in zip(inside, results, strict=True)
            if result.status is not Status.SKIPPED
            and (result.kind == "journey" or result.status is not Status.VALID)
        ]

    def key_of(self, path: Path) -> str:
        """The file's name under the root, or "" when it is not inside it (a symlink leading
        out, a name that is not text)."""
        try:
            key = path.absolute().relative_to(self.folder).as_posix()
            path.resolve().relative_to(self._real_folder)
            key.encode("utf-8")
        except (OSError, ValueError, UnicodeError, RuntimeError):
            return ""
        return key

    def _entry(self, candidate: Candidate, result: FileResult) -> Entry:
        inputs = [Path(name) for name in result.inputs] or [candidate.path]
        entry = functools.partial(
            Entry, self.key_of(candidate.path), candidate.path, kind=result.kind
        )
        if result.journey is None:
            shown = repr((result.status, result.problems, result.note))
            return entry(
                result.status,
                problems=result.problems,
                note=result.note,
                signature=_signature(inputs, shown),
            )
        journey = result.journey
        name = journey.document.journey.name
        try:
            settings = load_settings(None, start=journey.path or candidate.path)
        except CyclemapError as error:
            return entry(
                Status.INVALID,
                name=name,
                problems=tuple(error.problems),
                note="" if error.problems else str(error),
                signature=_signature(inputs, repr(error.problems) + str(error)),
            )
        # The findings are shown on the journey's page, so in the page's language.
        with document_language(journey.document.journey.language):
            findings = tuple(audit_journey(journey, settings))
        return entry(
            Status.VALID,
            name=name,
            journey=journey,
            findings=findings,
            success=_success(journey),
            signature=_signature(inputs, repr(settings)),
        )

    # -- pages ----------------------------------------------------------------------------

    def drawn(self, key: str) -> tuple[str | None, bool, str]:
        """(the last page drawn from a valid version of the file, whether it is the current
        version, why the current version could not be drawn ("" when it was or is invalid)).

        Draws the page when the file is valid and its page is older than it."""
        from cyclemap.render import RenderError, render_journey

        with self._lock, chosen_language(self._language):
            entry = self.entries.get(key)
            kept = self._pages.get(key)
            if entry is None or entry.journey is None:
                return (kept.html if kept else None), False, ""
            if kept is not None and kept.signature == entry.signature:
                return kept.html, True, ""
            try:
                page = render_journey(entry.journey, "html", findings=list(entry.findings))
            except (RenderError, CyclemapError) as error:
                return (kept.html if kept else None), False, str(error)
            html = page.data.decode("utf-8")
            self._pages[key] = _Page(entry.signature, html)
            return html, True, ""

    def source_lines(self, file: str) -> list[str]:
        """The lines of a file a problem names (as shown: relative to the working folder, or
        absolute), when it is under the root; none otherwise."""
        path = Path(file)
        try:
            path.resolve().relative_to(self._real_folder)
            info = path.stat()
            if not stat.S_ISREG(info.st_mode) or info.st_size > SOURCE_LIMIT:
                return []
            with path.open("rb") as handle:
                data = handle.read(SOURCE_LIMIT)
        except (OSError, ValueError, RuntimeError):
            return []
        text = data.decode("utf-8", "replace").removeprefix("\ufeff")
        return re.split(r"\r\n|\r|\n", text)

    def redraw(self, keys: Iterable[str]) -> None:
        """Draw again the pages of `keys` that were drawn before (someone is looking at them),
        so that the reload the change triggers finds them ready."""
        for key in keys:
            if key in self._pages:
                self.drawn(key)


def _signature(inputs: list[Path], extra: str) -> str:
    """A digest of `extra` and of what the files hold: their bytes when they are regular files
    of at most `SOURCE_LIMIT` bytes, else their kind, size and time (a FIFO is never opened, a
    huge file never read whole)."""
    digest = hashlib.sha256(extra.encode("utf-8", "replace"))
    for path in inputs:
        digest.update(str(path).encode("utf-8", "replace"))
        try:
            info = path.stat()
            digest.update(repr((info.st_mode, info.st_size, info.st_mtime_ns)).encode())
            if stat.S_ISREG(info.st_mode) and info.st_size <= SOURCE_LIMIT:
                with path.open("rb") as handle:
                    digest.update(handle.read(SOURCE_LIMIT))
        except OSError:
            digest.update(b"\0unreadable")
    return digest.hexdigest()


def _success(journey: LoadedJourney) -> float | None:
    from cyclemap.graph import JourneyGraph
    from cyclemap.graph.flow_model import FlowError, flow_model

    try:
        return float(flow_model(JourneyGraph(journey)).overall.endings.success)
    except FlowError:
        return None
