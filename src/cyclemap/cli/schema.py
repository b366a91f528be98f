"""`cyclemap schema`: the JSON Schema of the journey format, for editors and other tools."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from cyclemap.cli.common import emit
from cyclemap.util.i18n import N_


def schema(
    output: Annotated[
        Optional[str],
        typer.Option(
            "--output", "-o", metavar=N_("PATH"), help=N_("Write the schema to this file.")
        ),
    ] = None,
) -> int:
    """Print the JSON Schema of the journey format (for editors and other tools)."""
    from cyclemap.format.schema import schema_text

    emit(schema_text(), output)
    return 0
