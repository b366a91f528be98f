"""`cyclemap serve`: a live preview of the journeys in the browser (extra `cyclemap[serve]`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cyclemap.cli.common import say
from cyclemap.util.i18n import N_, _

DEFAULT_PORT = 8000


def serve(
    path: Annotated[
        Path,
        typer.Argument(
            metavar=N_("PATH"), help=N_("A journey repository (folder) or one journey file.")
        ),
    ] = Path("."),
    host: Annotated[
        str,
        typer.Option(
            "--host",
            help=N_(
                "Address to listen on. The default, 127.0.0.1, is this machine only; another "
                "address lets other machines read the journeys."
            ),
        ),
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=0, max=65535, help=N_("Port; 0 picks a free one."))
    ] = DEFAULT_PORT,
    open_browser: Annotated[
        bool, typer.Option("--open", help=N_("Open the index in the web browser."))
    ] = False,
) -> int:
    """Show the journeys in the browser, each page updating as its file is saved."""
    from cyclemap.errors import InputOutputError
    from cyclemap.serve import require_extra
    from cyclemap.util.paths import display_path

    require_extra()
    if not path.exists():
        raise InputOutputError(display_path(path), _("no such file or folder"))
    from cyclemap.serve.server import run

    run(
        path,
        host=host,
        port=port,
        open_browser=open_browser,
        tell=say,
        show_url=lambda url: typer.echo(_("cyclemap serve: {url}").format(url=url)),
    )
    return 0
