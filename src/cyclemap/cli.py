"""The command line: options -> library call -> reporter -> exit code. No logic lives here."""

from __future__ import annotations

import enum
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from cyclemap import __version__
from cyclemap.errors import CyclemapError, InputOutputError

if TYPE_CHECKING:
    from cyclemap.findings import AuditResult

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


class ReportFormat(str, enum.Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    junit = "junit"
    github = "github"
    markdown = "markdown"


class FailOnChoice(str, enum.Enum):
    error = "error"
    warning = "warning"
    info = "info"
    never = "never"


FormatOption = Annotated[
    ReportFormat, typer.Option("--format", "-f", help="Report format.", case_sensitive=False)
]
OutputOption = Annotated[
    Optional[Path], typer.Option("--output", "-o", help="Write the report to this file.")
]
VerboseOption = Annotated[
    bool, typer.Option("--verbose", "-v", help="Also list clean and skipped files.")
]


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


def _report(
    result: AuditResult, output_format: ReportFormat, output: Optional[Path], verbose: bool
) -> None:
    from cyclemap.reporters import ReportOptions, render

    color = output is None and output_format is ReportFormat.text and _color_for(sys.stdout)
    text = render(result, output_format.value, ReportOptions(color=color, verbose=verbose))
    try:
        _emit(text, output)
    except InputOutputError as error:
        raise _fail(error) from None
    raise typer.Exit(result.exit_code)


@app.command(short_help="Check journeys against the format (file:line:col errors).")
def validate(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Journey files, or folders to search for them (recursively)."),
    ],
    output_format: FormatOption = ReportFormat.text,
    output: OutputOption = None,
    verbose: VerboseOption = False,
) -> None:
    """Check journey files against the format: exact errors with file:line:col and a hint."""
    from cyclemap.checking import validate as run_validation
    from cyclemap.engine import to_result

    _report(to_result(run_validation(paths)), output_format, output, verbose)


@app.command(short_help="Find where customers get hurt: run the rules, gate CI.")
def audit(
    paths: Annotated[
        Optional[list[Path]],
        typer.Argument(help="Journey files or folders (default: the whole repository)."),
    ] = None,
    output_format: FormatOption = ReportFormat.text,
    output: OutputOption = None,
    select: Annotated[
        Optional[list[str]],
        typer.Option("--select", help="Run only these rules (comma-separated or repeated)."),
    ] = None,
    ignore: Annotated[
        Optional[list[str]],
        typer.Option("--ignore", help="Skip these rules (comma-separated or repeated)."),
    ] = None,
    fail_on: Annotated[
        Optional[FailOnChoice],
        typer.Option("--fail-on", help="Least severity that fails the run (default: error)."),
    ] = None,
    config: Annotated[
        Optional[Path],
        typer.Option("--config", help="Configuration file (default: found upward)."),
    ] = None,
    baseline: Annotated[
        Optional[Path],
        typer.Option("--baseline", help="Report only findings this baseline file does not hold."),
    ] = None,
    write_baseline: Annotated[
        Optional[Path],
        typer.Option("--write-baseline", help="Record the current findings as the baseline."),
    ] = None,
    diff: Annotated[
        Optional[str],
        typer.Option("--diff", help="Report only findings that are new since this git revision."),
    ] = None,
    log: Annotated[
        Optional[Path],
        typer.Option("--log", help="Also compare the journey with this event log (csv/parquet)."),
    ] = None,
    verbose: VerboseOption = False,
) -> None:
    """Validate, then run the rules: peloteo loops, dead ends, drop-off points and more."""
    from dataclasses import replace

    from cyclemap.engine import audit as run_audit
    from cyclemap.errors import ConfigError
    from cyclemap.findings import FailOn
    from cyclemap.mining import LogError

    progress_bar = (
        _ProgressBar()
        if (output_format is ReportFormat.text and output is None and _color_for(sys.stderr))
        else None
    )
    try:
        result = run_audit(
            paths or [_repository_here()],
            config=config,
            select=select or (),
            ignore=ignore or (),
            fail_on=FailOn(fail_on.value) if fail_on is not None else None,
            wins=3 if output_format is ReportFormat.text else 0,
            baseline=baseline,
            diff=diff,
            progress=progress_bar,
            log=log,
        )
        if write_baseline is not None:
            from cyclemap.baseline import baseline_text
            from cyclemap.output import write_atomically

            write_atomically(write_baseline, baseline_text(result).encode("utf-8"))
            # Recording a baseline accepts today's findings: only invalid files still fail.
            result = replace(result, fail_on=FailOn.NEVER)
            typer.echo(
                f"wrote the baseline {write_baseline} ({len(result.findings)} "
                f"finding{'' if len(result.findings) == 1 else 's'})",
                err=True,
            )
    except (InputOutputError, LogError) as error:
        raise _fail(error) from None
    except ConfigError as error:
        for problem in error.problems:
            where = (
                f"{problem.file}:{problem.line}:{problem.column}" if problem.line else problem.file
            )
            typer.echo(f"{where}: error: {problem.message}", err=True)
            if problem.hint:
                typer.echo(f"    hint: {problem.hint}", err=True)
        raise typer.Exit(2) from None
    _report(result, output_format, output, verbose)


class MapFormat(str, enum.Enum):
    svg = "svg"
    png = "png"
    pdf = "pdf"
    dot = "dot"
    mermaid = "mermaid"
    mermaid_journey = "mermaid-journey"
    html = "html"


class GroupChoice(str, enum.Enum):
    stage = "stage"
    team = "team"
    channel = "channel"


class LaneChoice(str, enum.Enum):
    team = "team"
    channel = "channel"


class CollapseChoice(str, enum.Enum):
    stage = "stage"
    team = "team"


@app.command(short_help="Draw the journey map: svg, png, pdf, dot, mermaid, html.")
def render(
    paths: Annotated[list[Path], typer.Argument(help="Journey files or folders.")],
    output_format: Annotated[
        MapFormat, typer.Option("--format", "-f", help="Map format.", case_sensitive=False)
    ] = MapFormat.svg,
    output: Annotated[
        Optional[Path],
        typer.Option(
            "--output",
            "-o",
            help="Output file (or folder for several journeys; `-` for standard output). "
            "Default: beside each journey, with the format's suffix.",
        ),
    ] = None,
    lanes: Annotated[
        LaneChoice,
        typer.Option("--lanes", help="Blueprint lanes: one per team or per channel."),
    ] = LaneChoice.team,
    by: Annotated[
        Optional[GroupChoice],
        typer.Option("--by", hidden=True, help="Replaced by --lanes (team or channel)."),
    ] = None,
    width: Annotated[
        Optional[int],
        typer.Option(
            "--width",
            min=200,
            max=20000,
            help="Width in pixels for png (svg and pdf: at 96 pixels to the inch), e.g. 1920 "
            "for a slide.",
        ),
    ] = None,
    collapse: Annotated[
        Optional[CollapseChoice],
        typer.Option("--collapse", help="Overview: one box per stage or team, arrows by flow."),
    ] = None,
    no_findings: Annotated[
        bool, typer.Option("--no-findings", help="Do not highlight audit findings.")
    ] = False,
    log: Annotated[
        Optional[Path],
        typer.Option("--log", help="Overlay an event log: arrows as wide as the traffic seen."),
    ] = None,
    timeout: Annotated[
        float,
        typer.Option("--timeout", min=1, help="Seconds the layout may take (svg/png/pdf/html)."),
    ] = 60.0,
) -> None:
    """Draw each journey's map, highlighting peloteo loops, dead ends and drop-off points."""
    from cyclemap.checking import validate as run_validation
    from cyclemap.engine import to_result
    from cyclemap.output import write_atomically
    from cyclemap.render import SUFFIXES, TEXT_FORMATS, RenderError, RenderOptions, render_journey
    from cyclemap.reporters import ReportOptions
    from cyclemap.reporters import render as report

    report_result = run_validation(paths)
    result = to_result(report_result)
    if result.problems or result.failures:
        typer.echo(
            report(result, "text", ReportOptions(color=_color_for(sys.stderr))), err=True, nl=False
        )
    journeys = report_result.journeys
    to_stdout = output is not None and str(output) == "-"
    fmt = output_format.value
    if to_stdout and (fmt not in TEXT_FORMATS or len(journeys) > 1):
        typer.echo(
            "cyclemap: error: `-o -` writes one journey in a text format (svg, dot, "
            "mermaid, mermaid-journey, html)",
            err=True,
        )
        raise typer.Exit(2)
    if output is not None and not to_stdout and len(journeys) > 1 and not output.is_dir():
        typer.echo(
            f"cyclemap: error: {output} must be an existing folder to hold several maps", err=True
        )
        raise typer.Exit(2)
    if by is not None:
        if by is GroupChoice.stage:
            typer.echo(
                "note: --by is replaced by --lanes: stages are always the map's columns", err=True
            )
        else:
            typer.echo(f"note: --by is replaced by --lanes; drawing --lanes {by.value}", err=True)
            lanes = LaneChoice(by.value)
    options = RenderOptions(
        lanes=lanes.value,
        width=width,
        collapse=collapse.value if collapse is not None else None,
        findings=not no_findings,
        timeout=timeout,
    )
    overlay = None
    if log is not None:
        from cyclemap.mining import LogError, mine, observed_overlay

        if len(journeys) != 1:
            typer.echo(
                "cyclemap: error: --log overlays one journey's log: render a single journey",
                err=True,
            )
            raise typer.Exit(2)
        try:
            from cyclemap.config import load_settings
            from cyclemap.mining import Columns

            configured = load_settings(None, start=journeys[0].path).mine
            overlay = observed_overlay(
                mine(
                    log,
                    journeys[0],
                    Columns.configured(configured),
                    engine=configured.engine,
                )
            )
        except LogError as error:
            raise _fail(error) from None
    planned: list[tuple[Path | None, bytes]] = []
    for journey in journeys:
        try:
            rendered = render_journey(journey, fmt, options, observed=overlay)
        except RenderError as error:
            typer.echo(f"cyclemap: error: {journey.display}: {error}", err=True)
            raise typer.Exit(2) from None
        for note in rendered.notes:
            typer.echo(f"note: {note}", err=True)
        if to_stdout:
            target = None
        elif output is None:
            target = journey.path.with_suffix(SUFFIXES[fmt])
        elif output.is_dir():
            target = output / journey.path.with_suffix(SUFFIXES[fmt]).name
        else:
            target = output
        if target is not None and target.resolve() == journey.path.resolve():
            typer.echo(
                f"cyclemap: error: {target} is the journey itself; choose another output", err=True
            )
            raise typer.Exit(2)
        planned.append((target, rendered.data))
    targets = [target for target, _ in planned if target is not None]
    clashing = sorted({str(t) for t in targets if targets.count(t) > 1})
    if clashing:
        typer.echo(
            f"cyclemap: error: several journeys would be drawn into {clashing[0]}; "
            "render them into separate folders",
            err=True,
        )
        raise typer.Exit(2)
    # Everything rendered: only now write, each file atomically.
    for target, data in planned:
        if target is None:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
            continue
        try:
            write_atomically(target, data)
        except InputOutputError as error:
            raise _fail(error) from None
        typer.echo(f"wrote {target}", err=True)
    raise typer.Exit(result.exit_code)


class StatsFormat(str, enum.Enum):
    text = "text"
    json = "json"


class MineFormat(str, enum.Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


class MineEngine(str, enum.Enum):
    duckdb = "duckdb"
    spark = "spark"


@app.command(short_help="Customers lost per step and the fixes that pay back first.")
def stats(
    paths: Annotated[list[Path], typer.Argument(help="Journey files or folders.")],
    output_format: Annotated[
        StatsFormat, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)
    ] = StatsFormat.text,
    output: OutputOption = None,
    context_cost: Annotated[
        float,
        typer.Option(
            "--context-cost",
            min=0,
            max=1,
            help="Abandonment caused by a `context: lost` handoff (0..1).",
        ),
    ] = 0.1,
    top: Annotated[int, typer.Option("--top", min=0, help="How many quick wins to show.")] = 5,
) -> None:
    """Flow figures per entry and per step, peloteo bounces, and ranked quick wins."""
    from cyclemap.checking import validate as run_validation
    from cyclemap.engine import journey_stats, to_result
    from cyclemap.flow import FlowError
    from cyclemap.reporters import ReportOptions
    from cyclemap.reporters import render as report

    validation = run_validation(paths)
    result = to_result(validation)
    problems = list(result.failures) + result.problems
    if problems:
        typer.echo(
            report(result, "text", ReportOptions(color=_color_for(sys.stderr))), err=True, nl=False
        )
    reports = []
    trapped = False
    for journey in validation.journeys:
        try:
            reports.append(journey_stats(journey, context_cost=context_cost, top=top))
        except FlowError as error:
            typer.echo(f"{journey.display}: error: {error}", err=True)
            trapped = True
    if output_format is StatsFormat.json:
        from cyclemap.reporters.stats_json import render as render_json

        text = render_json(reports, problems)
    else:
        from cyclemap.reporters.stats_text import render as render_text

        text = render_text(reports, color=output is None and _color_for(sys.stdout))
    try:
        _emit(text, output)
    except InputOutputError as error:
        raise _fail(error) from None
    raise typer.Exit(result.exit_code or (1 if trapped else 0))


class _ProgressBar:
    """A progress bar on standard error for long runs; invisible for short ones."""

    SHOWN_FROM = 50

    def __init__(self) -> None:
        self._bar: object | None = None
        self._task: object | None = None

    def __call__(self, done: int, total: int) -> None:
        from rich.console import Console
        from rich.progress import Progress

        if total < self.SHOWN_FROM:
            return
        if self._bar is None:
            bar = Progress(console=Console(stderr=True), transient=True)
            bar.start()
            self._bar, self._task = bar, bar.add_task("auditing journeys", total=total)
        assert isinstance(self._bar, Progress)
        self._bar.update(self._task, completed=done)  # type: ignore[arg-type]
        if done >= total:
            self._bar.stop()


def _repository_here() -> Path:
    """With no path, `audit` checks the repository the current folder belongs to."""
    from cyclemap.loading import repository_root

    return repository_root(Path.cwd() / "cyclemap.toml")


@app.command(short_help="Read interaction logs: the map against what customers did.")
def mine(
    log: Annotated[
        str,
        typer.Argument(
            help="Event log: .csv or .parquet; with --engine spark also a URI (hdfs://, s3a://).",
            show_default=False,
        ),
    ],
    journey: Annotated[Path, typer.Option("--journey", "-j", help="The journey file.")],
    output_format: Annotated[
        MineFormat,
        typer.Option(
            "--format",
            "-f",
            help="text (tables), json, or markdown (a job summary or a pull-request comment).",
            case_sensitive=False,
        ),
    ] = MineFormat.text,
    output: OutputOption = None,
    case_column: Annotated[
        Optional[str], typer.Option("--case", help="Case id column (default: case_id).")
    ] = None,
    activity_column: Annotated[
        Optional[str],
        typer.Option(
            "--activity", help="Activity column, values are step ids (default: activity)."
        ),
    ] = None,
    timestamp_column: Annotated[
        Optional[str], typer.Option("--timestamp", help="Timestamp column (default: timestamp).")
    ] = None,
    team_column: Annotated[
        Optional[str], typer.Option("--team", help="Team column (default: the steps' teams).")
    ] = None,
    channel_column: Annotated[
        Optional[str],
        typer.Option("--channel", help="Channel column, compared with the steps' channels."),
    ] = None,
    write: Annotated[
        bool,
        typer.Option(
            "--write",
            help="Write the observed shares, abandonment and volumes "
            "into the journey, keeping its comments and layout.",
        ),
    ] = False,
    engine: Annotated[
        Optional[MineEngine],
        typer.Option(
            "--engine",
            help="duckdb (embedded, the default) or spark (pip install 'cyclemap[spark]'; "
            "local unless CYCLEMAP_SPARK_MASTER names a cluster); also `engine` under [mine].",
            case_sensitive=False,
        ),
    ] = None,
) -> None:
    """Observed transitions, abandonment, times between steps and peloteo, from a log."""
    from cyclemap import load
    from cyclemap.errors import LoadError
    from cyclemap.mining import Columns, LogError
    from cyclemap.mining import mine as run_mining
    from cyclemap.reporters import mine_json, mine_markdown, mine_text

    try:
        loaded = load(journey)
    except LoadError as error:
        for problem in error.problems:
            typer.echo(
                f"{problem.file}:{problem.line}:{problem.column}: error: {problem.message}",
                err=True,
            )
        raise typer.Exit(1) from None
    except InputOutputError as error:
        raise _fail(error) from None
    from dataclasses import replace

    from cyclemap.config import load_settings
    from cyclemap.errors import ConfigError

    try:
        mine_settings = load_settings(None, start=journey).mine
        configured = Columns.configured(mine_settings)
    except ConfigError as error:
        typer.echo(f"cyclemap: error: {error}", err=True)
        raise typer.Exit(2) from None
    columns = replace(
        configured,
        case=case_column or configured.case,
        activity=activity_column or configured.activity,
        timestamp=timestamp_column or configured.timestamp,
        team=team_column or configured.team,
        channel=channel_column or configured.channel,
    )
    try:
        chosen = engine.value if engine is not None else mine_settings.engine
        report = run_mining(log, loaded, columns, engine=chosen)
    except LogError as error:
        typer.echo(f"cyclemap: error: {error}", err=True)
        raise typer.Exit(1) from None
    if write:
        from cyclemap.calibrate import calibrate

        try:
            unseen = calibrate(journey, report)
        except InputOutputError as error:
            raise _fail(error) from None
        typer.echo(
            f"wrote the observed figures into {journey}; review them with git diff", err=True
        )
        if unseen:
            typer.echo(
                "never taken in the log, now at the smallest share: "
                + ", ".join(f"{source} → {target}" for source, target in unseen)
                + "; remove them if customers no longer go that way",
                err=True,
            )
    if output_format is MineFormat.json:
        text = mine_json.render(report)
    elif output_format is MineFormat.markdown:
        text = mine_markdown.render(report)
    else:
        text = mine_text.render(report, color=output is None and _color_for(sys.stdout))
    try:
        _emit(text, output)
    except InputOutputError as error:
        raise _fail(error) from None


@app.command(short_help="List the rules: name, severity and summary.")
def rules() -> None:
    """List every rule with its default severity and a one-line summary."""
    from rich.console import Console
    from rich.table import Table

    from cyclemap.rules import registry

    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    for column in ("rule", "severity", "summary"):
        table.add_column(column, no_wrap=column != "summary")
    for rule in registry().values():
        table.add_row(rule.name, rule.severity.value, rule.summary)
    from cyclemap.conformance import LOG_RULES

    for log_rule in LOG_RULES:
        table.add_row(log_rule.name, log_rule.severity.value, f"{log_rule.summary} (audit --log)")
    Console(no_color=not _color_for(sys.stdout), highlight=False, soft_wrap=False).print(table)


@app.command(short_help="Explain one rule, with a bad and a good example.")
def explain(rule: Annotated[str, typer.Argument(help="The rule name, e.g. peloteo-loop.")]) -> None:
    """Print a rule's full documentation: the customer problem, examples and options."""
    from cyclemap.conformance import LOG_RULES
    from cyclemap.loading.model_errors import did_you_mean
    from cyclemap.rules import ALL_RULE_NAMES, registry

    found = registry().get(rule)
    for log_rule in LOG_RULES:
        if log_rule.name == rule:
            typer.echo(
                f"{log_rule.name} (default severity: {log_rule.severity.value}; reported by "
                "`cyclemap audit FILE --log LOG`)\n"
            )
            typer.echo(log_rule.doc)
            return
    if found is None:
        guess = did_you_mean(rule, ALL_RULE_NAMES)
        typer.echo(
            f"cyclemap: error: `{rule}` is not a rule"
            + (f"; did you mean `{guess}`?" if guess else "; see `cyclemap rules`"),
            err=True,
        )
        raise typer.Exit(2)
    typer.echo(f"{found.name} (default severity: {found.severity.value})\n")
    typer.echo(found.doc)
    defaults = found.option_defaults()
    if defaults:
        typer.echo("\nOptions (in cyclemap.toml, under [rules." + found.name + "]):")
        for name, value in defaults.items():
            typer.echo(f"  {name} = {value!r}")


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
