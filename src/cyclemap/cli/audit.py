"""`cyclemap audit`: validate, then run the rules; the gate of a CI pipeline."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from cyclemap.cli.common import (
    FormatOption,
    OutputOption,
    ProgressBar,
    ReportFormat,
    VerboseOption,
    color_for,
    report,
    tell,
)
from cyclemap.findings import FailOn
from cyclemap.util.i18n import N_

QUICK_WINS = 3
"""Quick wins the text report shows per journey (the other formats have none)."""


def audit(
    paths: Annotated[
        Optional[list[Path]],
        typer.Argument(
            metavar=N_("PATHS"),
            help=N_("Journey files or folders (default: the whole repository)."),
        ),
    ] = None,
    output_format: FormatOption = ReportFormat.text,
    output: OutputOption = None,
    select: Annotated[
        Optional[list[str]],
        typer.Option("--select", help=N_("Run only these rules (comma-separated or repeated).")),
    ] = None,
    ignore: Annotated[
        Optional[list[str]],
        typer.Option("--ignore", help=N_("Skip these rules (comma-separated or repeated).")),
    ] = None,
    fail_on: Annotated[
        Optional[FailOn],
        typer.Option("--fail-on", help=N_("Least severity that fails the run (default: error).")),
    ] = None,
    config: Annotated[
        Optional[Path],
        typer.Option("--config", help=N_("Configuration file (default: found upward).")),
    ] = None,
    baseline: Annotated[
        Optional[Path],
        typer.Option(
            "--baseline", help=N_("Report only findings this baseline file does not hold.")
        ),
    ] = None,
    write_baseline: Annotated[
        Optional[Path],
        typer.Option("--write-baseline", help=N_("Record the current findings as the baseline.")),
    ] = None,
    diff: Annotated[
        Optional[str],
        typer.Option(
            "--diff", help=N_("Report only findings that are new since this git revision.")
        ),
    ] = None,
    log: Annotated[
        Optional[Path],
        typer.Option(
            "--log", help=N_("Also compare the journey with this event log (csv/parquet).")
        ),
    ] = None,
    allow_empty: Annotated[
        bool,
        typer.Option(
            "--allow-empty",
            help=N_(
                "Succeed when no journey is found (default: exit 2, a gate "
                "that checks nothing is a mistake)."
            ),
        ),
    ] = False,
    verbose: VerboseOption = False,
) -> int:
    """Validate, then run the rules: peloteo loops, dead ends, drop-off points and more."""
    from cyclemap.engine.auditing import audit as run_audit
    from cyclemap.engine.auditing import repository_here

    text = output_format is ReportFormat.text
    targets = paths or [repository_here()]
    result = run_audit(
        targets,
        config=config,
        select=select or (),
        ignore=ignore or (),
        fail_on=fail_on,
        wins=QUICK_WINS if text else 0,
        baseline=baseline,
        diff=diff,
        write_baseline=write_baseline,
        report_file=output,
        allow_empty=allow_empty,
        progress=ProgressBar() if text and output is None and color_for(sys.stderr) else None,
        log=log,
    )
    tell(result.notes)
    customers = None
    if diff is not None and output_format is ReportFormat.markdown:
        from cyclemap.engine.comparing import compare_with_revision

        customers = compare_with_revision(diff, targets, config=config)
    return report(result, output_format, output, verbose, customers)
