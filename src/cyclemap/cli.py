"""The command line: options -> library call -> reporter -> exit code. No logic lives here."""

from __future__ import annotations

import enum
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from cyclemap import __version__
from cyclemap.errors import CyclemapError, InputOutputError

app = typer.Typer(
    name="cyclemap",
    help="Find where customers get hurt in the service cycle: validate, audit and draw "
    "journey maps kept as YAML.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class ValidateFormat(str, enum.Enum):
    text = "text"
    json = "json"


def _color_for(stream: object) -> bool:
    """Colours only on a terminal, never with NO_COLOR set (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _emit(text: str, output: Optional[Path]) -> None:
    from cyclemap.output import write_atomically

    if output is None or str(output) == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        write_atomically(output, text.encode("utf-8"))


def _fail(error: CyclemapError) -> typer.Exit:
    typer.echo(f"cyclemap: error: {error}", err=True)
    return typer.Exit(2)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cyclemap {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Find where customers get hurt in the service cycle."""


@app.command(short_help="Check journeys against the format (file:line:col errors).")
def validate(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Journey files, or folders to search for them (recursively)."),
    ],
    output_format: Annotated[
        ValidateFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ValidateFormat.text,
    output: Annotated[
        Optional[Path], typer.Option("--output", "-o", help="Write the report to this file.")
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Also list valid and skipped files.")
    ] = False,
) -> None:
    """Check journey files against the format: exact errors with file:line:col."""
    from cyclemap.checking import validate as run_validation

    report = run_validation(paths)
    if output_format is ValidateFormat.json:
        from cyclemap.reporters.json import render_validation as render_json

        text = render_json(report)
    else:
        from cyclemap.reporters.text import render_validation as render_text

        text = render_text(report, color=output is None and _color_for(sys.stdout), verbose=verbose)
    try:
        _emit(text, output)
    except InputOutputError as error:
        raise _fail(error) from None
    raise typer.Exit(report.exit_code)


@app.command(short_help="Print the JSON Schema of the journey format.")
def schema(
    output: Annotated[
        Optional[Path], typer.Option("--output", "-o", help="Write the schema to this file.")
    ] = None,
) -> None:
    """Print the JSON Schema of the journey format (for editors and other tools)."""
    from cyclemap.schema import schema_text

    try:
        _emit(schema_text(), output)
    except InputOutputError as error:
        raise _fail(error) from None


@app.command(short_help="Write a commented starter journey.")
def init(
    path: Annotated[
        Path, typer.Argument(help="File to create, or a folder to create it in.")
    ] = Path("journey.yaml"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented starter journey that validates."""
    from importlib.resources import files

    from cyclemap.output import write_atomically

    target = path / "journey.yaml" if path.is_dir() else path
    if target.exists() and not force:
        typer.echo(
            f"cyclemap: error: {target} already exists (use --force to overwrite it)", err=True
        )
        raise typer.Exit(2)
    starter = files("cyclemap").joinpath("templates/starter.journey.yaml").read_bytes()
    try:
        write_atomically(target, starter)
    except InputOutputError as error:
        raise _fail(error) from None
    typer.echo(f"wrote {target}; check it with: cyclemap validate {target}")


def main() -> None:
    """Console-script entry point."""
    app()
