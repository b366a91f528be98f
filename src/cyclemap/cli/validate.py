"""`cyclemap validate`: check journey files against the format."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cyclemap.cli.common import FormatOption, OutputOption, ReportFormat, VerboseOption, report
from cyclemap.util.i18n import N_


def validate(
    paths: Annotated[
        list[Path],
        typer.Argument(
            metavar=N_("PATHS"),
            help=N_("Journey files, or folders to search for them (recursively)."),
        ),
    ],
    output_format: FormatOption = ReportFormat.text,
    output: OutputOption = None,
    verbose: VerboseOption = False,
) -> int:
    """Check journey files against the format: exact errors with file:line:col and a hint."""
    from cyclemap.engine.checking import validation_result

    return report(validation_result(paths), output_format, output, verbose)
