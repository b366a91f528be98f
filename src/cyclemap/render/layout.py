"""Running Graphviz's `dot` program: found on PATH, bounded in time, explained when missing."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable

from cyclemap.errors import CyclemapError
from cyclemap.util.i18n import N_, _, reader_language

DEFAULT_TIMEOUT = 60.0
"""Seconds Graphviz may take to lay a map out (`render --timeout`)."""
DEFAULT_MEMORY_MIB = 2048
"""Address space `dot` may take (`render --memory`); the layouts of the largest example
journeys take < 100 MiB."""

INSTALL_HINT = N_(
    "install Graphviz: `sudo apt-get install graphviz` (Debian/Ubuntu), `brew install graphviz` "
    "(macOS) or `choco install graphviz` (Windows); or ask for --format dot or mermaid, which "
    "need no program"
)


class RenderError(CyclemapError):
    """A map could not be drawn (Graphviz missing, layout too slow, layout failed)."""


def dot_program() -> str:
    found = shutil.which("dot")
    if found is None:
        raise RenderError(
            _("Graphviz's `dot` program was not found; {hint}").format(hint=_(INSTALL_HINT))
        )
    return found


def _memory_bound(mib: int) -> Callable[[], None]:
    """What the child runs before `dot`: its address space capped at `mib` MiB, so a dense
    graph makes `dot` fail instead of taking the machine's memory."""

    def limit() -> None:
        import resource

        size = mib * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (size, size))

    return limit


def _out_of_memory(completed: subprocess.CompletedProcess[bytes], error: str) -> bool:
    """`dot` failed for want of memory: it says so, or its allocator aborts or it crashes."""
    if completed.returncode < 0:  # killed by a signal: SIGABRT, SIGSEGV after a failed malloc
        return True
    lowered = error.lower()
    return "memory" in lowered or "alloc" in lowered


def run_dot(
    source: str,
    output_format: str,
    *,
    timeout: float,
    memory_mib: int = DEFAULT_MEMORY_MIB,
    positioned: bool = False,
) -> bytes:
    """Lay out and draw DOT `source` as svg, png or pdf within `timeout` seconds and
    `memory_mib` MiB; with `positioned`, every position is in the source already and Graphviz
    only draws (`neato -n2`)."""
    with reader_language():  # what goes wrong is told to the reader, whatever the map's language
        return _run(source, output_format, timeout, memory_mib, positioned)


def _run(
    source: str, output_format: str, timeout: float, memory_mib: int, positioned: bool
) -> bytes:
    program = dot_program()
    arguments = [program, "-Kneato", "-n2"] if positioned else [program]
    try:
        completed = subprocess.run(
            [*arguments, f"-T{output_format}"],
            input=source.encode("utf-8"),
            capture_output=True,
            timeout=timeout,
            check=False,
            preexec_fn=_memory_bound(memory_mib) if os.name == "posix" else None,
        )
    except subprocess.TimeoutExpired:
        raise RenderError(
            _(
                "the layout took longer than {seconds} s and was stopped; draw an overview with "
                "--collapse stage (or team), or allow more time with --timeout"
            ).format(seconds=f"{timeout:g}")
        ) from None
    except OSError as error:
        raise RenderError(
            _("could not run Graphviz's `dot`: {reason}").format(reason=error.strerror)
        ) from None
    if completed.returncode != 0 or not completed.stdout:
        said = completed.stderr.decode("utf-8", errors="replace").strip()
        if _out_of_memory(completed, said):
            raise RenderError(
                _(
                    "the layout needed more than {memory} MiB of memory and was stopped; draw "
                    "an overview with --collapse stage (or team), or allow more memory with "
                    "--memory (e.g. --memory {more})"
                ).format(memory=memory_mib, more=memory_mib * 4)
            )
        detail = said.splitlines()
        if detail:
            raise RenderError(_("Graphviz's `dot` failed: {reason}").format(reason=detail[-1]))
        raise RenderError(_("Graphviz's `dot` failed"))
    return completed.stdout
