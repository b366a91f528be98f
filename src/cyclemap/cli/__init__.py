"""The command line: one module per command, each `options -> one library call -> a reporter ->
an exit code`; `common` turns every error into a message and an exit code the same way, and
`localized` speaks the reader's language (`--lang`, `CYCLEMAP_LANG`, the locale).

Commands import the library when they run, so `cyclemap --help` and `--version` start fast.
"""

from __future__ import annotations

from typing import Annotated

import typer

from cyclemap.about import __version__
from cyclemap.cli import (
    audit,
    compare,
    explain,
    init,
    mine,
    render,
    rules,
    schema,
    serve,
    stats,
    validate,
)
from cyclemap.cli.common import LanguageOption, command
from cyclemap.cli.localized import LocalizedCommand, LocalizedGroup
from cyclemap.util.i18n import N_

app = typer.Typer(
    name="cyclemap",
    cls=LocalizedGroup,
    help=N_(
        "Find where customers get hurt in the service cycle: validate, audit and draw "
        "journey maps kept as YAML."
    ),
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

COMMANDS = (
    (
        validate.validate,
        N_("Check journeys against the format (file:line:col errors)."),
        N_("Check journey files against the format: exact errors with file:line:col and a hint."),
    ),
    (
        audit.audit,
        N_("Find where customers get hurt: run the rules, gate CI."),
        N_("Validate, then run the rules: peloteo loops, dead ends, drop-off points and more."),
    ),
    (
        render.render,
        N_("Draw the journey map: svg, png, pdf, dot, mermaid, html."),
        N_("Draw each journey's map, highlighting peloteo loops, dead ends and drop-off points."),
    ),
    (
        stats.stats,
        N_("Customers lost per step and the fixes that pay back first."),
        N_("Flow figures per entry and per step, peloteo bounces, and ranked quick wins."),
    ),
    (
        compare.compare,
        N_("What a change does to customers: before and after."),
        N_("Success, losses, handoffs, peloteo and findings before and after a change."),
    ),
    (
        mine.mine,
        N_("Read interaction logs: the map against what customers did."),
        N_("Observed transitions, abandonment, times between steps and peloteo, from a log."),
    ),
    (
        serve.serve,
        N_("Live preview in the browser: pages update as files are saved."),
        N_(
            "Show the journeys in the browser: an index with their status, and each journey's "
            "page, updated as its file is saved. Needs the extra: pip install 'cyclemap[serve]'."
        ),
    ),
    (
        rules.rules,
        N_("List the rules: name, severity and summary."),
        N_("List every rule with its default severity and a one-line summary."),
    ),
    (
        explain.explain,
        N_("Explain one rule, with a bad and a good example."),
        N_("Print a rule's full documentation: the customer problem, examples and options."),
    ),
    (
        schema.schema,
        N_("Print the JSON Schema of the journey format."),
        N_("Print the JSON Schema of the journey format (for editors and other tools)."),
    ),
    (
        init.init,
        N_("Write a commented starter journey."),
        N_("Write a commented starter journey that validates."),
    ),
)
for function, summary, description in COMMANDS:
    app.command(short_help=summary, help=description, cls=LocalizedCommand)(command(function))


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cyclemap {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help=N_("Show the version.")),
    ] = False,
    lang: LanguageOption = None,
) -> None:
    """The options of `cyclemap` itself; `--lang` was read before parsing (`localized`)."""


def main() -> None:
    """The typer application, for every command line (`cyclemap.launcher` runs the common ones
    without it)."""
    from cyclemap.util.signals import stop_on_sigterm

    stop_on_sigterm()
    app()
