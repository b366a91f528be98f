"""`cyclemap mine`: the map against what customers did, from an interaction log."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from cyclemap.cli.common import OutputOption, color_for, emit, tell
from cyclemap.util.i18n import N_


class MineFormat(str, enum.Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


class MineEngine(str, enum.Enum):
    duckdb = "duckdb"
    spark = "spark"


def mine(
    log: Annotated[
        str,
        typer.Argument(
            metavar=N_("LOG"),
            help=N_(
                "Event log: .csv or .parquet; with --engine spark also a URI (hdfs://, s3a://)."
            ),
            show_default=False,
        ),
    ],
    journey: Annotated[Path, typer.Option("--journey", "-j", help=N_("The journey file."))],
    output_format: Annotated[
        MineFormat,
        typer.Option(
            "--format",
            "-f",
            help=N_("text (tables), json, or markdown (a job summary or a pull-request comment)."),
            case_sensitive=False,
        ),
    ] = MineFormat.text,
    output: OutputOption = None,
    case_column: Annotated[
        Optional[str], typer.Option("--case", help=N_("Case id column (default: case_id)."))
    ] = None,
    activity_column: Annotated[
        Optional[str],
        typer.Option(
            "--activity", help=N_("Activity column, values are step ids (default: activity).")
        ),
    ] = None,
    timestamp_column: Annotated[
        Optional[str],
        typer.Option("--timestamp", help=N_("Timestamp column (default: timestamp).")),
    ] = None,
    team_column: Annotated[
        Optional[str], typer.Option("--team", help=N_("Team column (default: the steps' teams)."))
    ] = None,
    channel_column: Annotated[
        Optional[str],
        typer.Option("--channel", help=N_("Channel column, compared with the steps' channels.")),
    ] = None,
    write: Annotated[
        bool,
        typer.Option(
            "--write",
            help=N_(
                "Write the observed shares, abandonment and volumes "
                "into the journey, keeping its comments and layout."
            ),
        ),
    ] = False,
    engine: Annotated[
        Optional[MineEngine],
        typer.Option(
            "--engine",
            help=N_(
                "duckdb (embedded, the default) or spark (pip install 'cyclemap[spark]'; "
                "local unless CYCLEMAP_SPARK_MASTER names a cluster); also `engine` under [mine]."
            ),
            case_sensitive=False,
        ),
    ] = None,
) -> int:
    """Observed transitions, abandonment, times between steps and peloteo, from a log."""
    from cyclemap.engine.logs import mine_log
    from cyclemap.reporters import mine_report

    run = mine_log(
        log,
        journey,
        case=case_column,
        activity=activity_column,
        timestamp=timestamp_column,
        team=team_column,
        channel=channel_column,
        engine=engine.value if engine is not None else None,
        write=write,
        report_file=output,
    )
    tell(run.notes)
    color = output is None and color_for(sys.stdout)
    emit(mine_report(run.report, output_format.value, color=color), output)
    return 0
