"""`cyclemap init`: a commented starter journey, in the language chosen (`--lang`)."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from cyclemap.cli.common import say
from cyclemap.util.i18n import N_, _


def init(
    path: Annotated[
        Optional[str],  # text, not a Path: a trailing slash says a folder is meant
        typer.Argument(
            metavar=N_("PATH"),
            help=N_(
                "File to create, or a folder (an existing one, or a path ending in /) to "
                "create NAME.journey.yaml in (default: the current folder)."
            ),
            show_default=False,
        ),
    ] = None,
    name: Annotated[
        Optional[str],
        typer.Option(
            "--name",
            help=N_("The journey's name, also made its id and file name (default: the folder's)."),
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help=N_("Overwrite an existing file."))] = False,
) -> int:
    """Write a commented starter journey that validates, commented in the language chosen."""
    from cyclemap.format.starter import write_starter

    target = write_starter(path, name=name, force=force)
    say(_("wrote {path}; check it with: cyclemap validate {path}").format(path=target))
    return 0
