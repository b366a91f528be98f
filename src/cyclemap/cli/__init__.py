"""The command line: one module per command, each `options -> one library call -> a reporter ->
an exit code`; `common` turns every error into a message and an exit code the same way.

Commands import the library when they run, so `cyclemap --help` and `--version` start fast.
"""

from __future__ import annotations

from typing import Annotated

import typer

from cyclemap.about import __version__
from cyclemap.cli import audit, explain, init, mine, render, rules, schema, stats, validate
from cyclemap.cli.common import command

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

COMMANDS = (
    (validate.validate, "Check journeys against the format (file:line:col errors)."),
    (audit.audit, "Find where customers get hurt: run the rules, gate CI."),
    (render.render, "Draw the journey map: svg, png, pdf, dot, mermaid, html."),
    (stats.stats, "Customers lost per step and the fixes that pay back first."),
    (mine.mine, "Read interaction logs: the map against what customers did."),
    (rules.rules, "List the rules: name, severity and summary."),
    (explain.explain, "Explain one rule, with a bad and a good example."),
    (schema.schema, "Print the JSON Schema of the journey format."),
    (init.init, "Write a commented starter journey."),
)
for function, summary in COMMANDS:
    app.command(short_help=summary)(command(function))


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


def _stop_on_sigterm() -> None:
    """SIGTERM (what CI sends a cancelled job) ends the run as Ctrl-C does: through the
    `finally` clauses and context managers, so temporary work trees and files are removed."""
    import signal

    def stop(number: int, _frame: object) -> None:
        signal.signal(number, signal.SIG_IGN)  # a second SIGTERM must not cut the cleaning short
        raise SystemExit(128 + number)

    signal.signal(signal.SIGTERM, stop)


def main() -> None:
    """Console-script entry point."""
    _stop_on_sigterm()
    app()
