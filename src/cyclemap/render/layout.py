"""Running Graphviz's `dot` program: found on PATH, bounded in time, explained when missing."""

from __future__ import annotations

import shutil
import subprocess

from cyclemap.errors import CyclemapError

INSTALL_HINT = (
    "install Graphviz: `sudo apt-get install graphviz` (Debian/Ubuntu), `brew install graphviz` "
    "(macOS) or `choco install graphviz` (Windows); or ask for --format dot or mermaid, which "
    "need no program"
)


class RenderError(CyclemapError):
    """A map could not be drawn (Graphviz missing, layout too slow, layout failed)."""


def dot_program() -> str:
    found = shutil.which("dot")
    if found is None:
        raise RenderError(f"Graphviz's `dot` program was not found; {INSTALL_HINT}")
    return found


def run_dot(source: str, output_format: str, *, timeout: float, positioned: bool = False) -> bytes:
    """Lay out and draw DOT `source` as svg, png or pdf within `timeout` seconds; with
    `positioned`, every position is in the source already and Graphviz only draws
    (`neato -n2`)."""
    program = dot_program()
    arguments = [program, "-Kneato", "-n2"] if positioned else [program]
    try:
        completed = subprocess.run(
            [*arguments, f"-T{output_format}"],
            input=source.encode("utf-8"),
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise RenderError(
            f"the layout took longer than {timeout:g} s and was stopped; draw an overview with "
            "--collapse stage (or team), or allow more time with --timeout"
        ) from None
    except OSError as error:
        raise RenderError(f"could not run Graphviz's `dot`: {error.strerror}") from None
    if completed.returncode != 0 or not completed.stdout:
        detail = completed.stderr.decode("utf-8", errors="replace").strip().splitlines()
        raise RenderError("Graphviz's `dot` failed" + (f": {detail[-1]}" if detail else ""))
    return completed.stdout
