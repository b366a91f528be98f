"""`cyclemap init`: a commented starter journey."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from cyclemap.cli.common import say


def init(
    path: Annotated[
        Optional[Path],
        typer.Argument(
            help="File to create, or a folder to create NAME.journey.yaml in "
            "(default: the current folder).",
            show_default=False,
        ),
    ] = None,
    name: Annotated[
        Optional[str],
        typer.Option(
            "--name",
            help="The journey's name, made its id and file name (default: the current folder's).",
        ),
    ] = None,
    lang: Annotated[
        str, typer.Option("--lang", help="Language of the starter's comments: en or es.")
    ] = "en",
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> int:
    """Write a commented starter journey that validates."""
    from cyclemap.format.starter import write_starter

    target = write_starter(path, name=name, language=lang, force=force)
    say(f"wrote {target}; check it with: cyclemap validate {target}")
    return 0
