"""`cyclemap init`: a commented starter journey."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cyclemap.cli.common import say


def init(
    path: Annotated[
        Path, typer.Argument(help="File to create, or a folder to create it in.")
    ] = Path("journey.yaml"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> int:
    """Write a commented starter journey that validates."""
    from cyclemap.format.starter import write_starter

    target = write_starter(path, force=force)
    say(f"wrote {target}; check it with: cyclemap validate {target}")
    return 0
