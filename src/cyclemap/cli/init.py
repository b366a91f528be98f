"""`cyclemap init`: a commented starter journey."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cyclemap.cli.common import say
from cyclemap.util.i18n import N_, _


def init(
    path: Annotated[
        Path, typer.Argument(help=N_("File to create, or a folder to create it in."))
    ] = Path("journey.yaml"),
    force: Annotated[bool, typer.Option("--force", help=N_("Overwrite an existing file."))] = False,
) -> int:
    """Write a commented starter journey that validates."""
    from cyclemap.format.starter import write_starter

    target = write_starter(path, force=force)
    say(_("wrote {path}; check it with: cyclemap validate {path}").format(path=target))
    return 0
