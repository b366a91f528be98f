"""The command line: options -> library call -> reporter -> exit code. No logic lives here."""

from __future__ import annotations

import enum
import functools
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from cyclemap.about import __version__
from cyclemap.errors import CyclemapError, InputOutputError, Problem

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
    Optional[str], typer.Option("--output", "-o", help="Write the report to this file.")
]
VerboseOption = Annotated[
    bool, typer.Option("--verbose", "-v", help="Also list clean and skipped files.")
]


def _color_for(stream: object) -> bool:
    """Colours only on a terminal, never with NO_COLOR set (https://no-color.org) nor on a
    terminal that says it has none (`TERM=dumb`)."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _emit(text: str, output: Optional[str]) -> None:
    from cyclemap.util.files import write_output

    if output is None or output == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        write_output(output, text.encode("utf-8"))


def _say(message: str) -> None:
    """One line for the person at the terminal (standard error), user text made safe in it."""
    from cyclemap.util.text import one_line

    typer.echo(one_line(message), err=True)


def _fail(error: CyclemapError, code: int = 2) -> typer.Exit:
    _say(f"cyclemap: error: {error}")
    return typer.Exit(code)


def _tell_problems(problems: Iterable[Problem]) -> None:
    """Configuration and load problems as `file:line:col: error: ...` lines with their hints."""
    for problem in problems:
        where = f"{problem.file}:{problem.line}:{problem.column}" if problem.line else problem.file
        _say(f"{where}: error: {problem.message}")
        if problem.hint:
            _say(f"    hint: {problem.hint}")


def _errors_told(command: Callable[..., None]) -> Callable[..., None]:
    """Every command's errors as messages and exit codes, the same way: a broken
    configuration (exit 2), a journey that cannot be loaded (1), anything else cyclemap
    refuses (2). A command handles its own errors first where it knows better."""

    @functools.wraps(command)
    def run(*arguments: Any, **options: Any) -> None:
        from cyclemap.errors import ConfigError, LoadError
        from cyclemap.util.files import forget_inputs

        forget_inputs()  # one command, one run (tests run many in one process)
        try:
            command(*arguments, **options)
        except ConfigError as error:
            _tell_problems(error.problems)
            raise typer.Exit(2) from None
        except LoadError as error:
            _tell_problems(error.problems)
            raise typer.Exit(1) from None
        except CyclemapError as error:
            raise _fail(error) from None

    return run


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
    result: AuditResult,
    output_format: ReportFormat,
    output: Optional[str],
    verbose: bool,
    exit_code: int | None = None,
) -> None:
    from cyclemap.reporters import ReportOptions, render

    color = output is None and output_format is ReportFormat.text and _color_for(sys.stdout)
    text = render(result, output_format.value, ReportOptions(color=color, verbose=verbose))
    _emit(text, output)
    raise typer.Exit(result.exit_code if exit_code is None else exit_code)


@app.command(short_help="Check journeys against the format (file:line:col errors).")
@_errors_told
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
    from cyclemap.engine import to_result
    from cyclemap.engine.checking import validate as run_validation

    _report(to_result(run_validation(paths)), output_format, output, verbose)


@app.command(short_help="Find where customers get hurt: run the rules, gate CI.")
@_errors_told
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
    allow_empty: Annotated[
        bool,
        typer.Option(
            "--allow-empty",
            help="Succeed when no journey is found (default: exit 2, a gate "
            "that checks nothing is a mistake).",
        ),
    ] = False,
    verbose: VerboseOption = False,
) -> None:
    """Validate, then run the rules: peloteo loops, dead ends, drop-off points and more."""
    from dataclasses import replace

    from cyclemap.engine import audit as run_audit
    from cyclemap.findings import FailOn

    if baseline is not None and diff is not None:
        _say(
            "cyclemap: error: --baseline and --diff both choose what counts as new; "
            "give one of them"
        )
        raise typer.Exit(2)
    if (
        output not in (None, "-")
        and write_baseline is not None
        and os.path.abspath(str(output)) == os.path.abspath(write_baseline)
    ):
        _say("cyclemap: error: the report and the baseline would be the same file")
        raise typer.Exit(2)
    progress_bar = (
        _ProgressBar()
        if (output_format is ReportFormat.text and output is None and _color_for(sys.stderr))
        else None
    )
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
    if output is not None and output != "-":
        from cyclemap.util.files import check_output

        check_output(output)  # before the baseline is written: nothing at all, or both
    if write_baseline is not None:
        from cyclemap.engine.baseline import baseline_findings, baseline_text
        from cyclemap.util.files import write_output

        # The baseline read may be updated; no other input may be written over.
        write_output(
            write_baseline,
            baseline_text(result).encode("utf-8"),
            allowed=[baseline] if baseline is not None else [],
        )
        # Recording a baseline accepts today's findings: only invalid files still fail.
        result = replace(result, fail_on=FailOn.NEVER)
        recorded = len(baseline_findings(result))
        _say(
            f"wrote the baseline {write_baseline} ({recorded} "
            f"finding{'' if recorded == 1 else 's'})"
        )
    empty = not result.reports and not result.failures and not allow_empty
    if empty:
        _say(
            "cyclemap: error: no journey was checked: the paths hold no YAML file that the "
            "configuration's include/exclude select; check them, or pass --allow-empty"
        )
    _report(result, output_format, output, verbose, exit_code=2 if empty else None)


DEFAULT_TIMEOUT = 60.0
MAX_TIMEOUT = 86_400.0
"""A day: any longer is a mistake (and `inf` would overflow the timer)."""
DEFAULT_MEMORY_MIB = 2048
"""Address space `dot` may take; the layouts of the largest example journeys take < 100 MiB."""


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
@_errors_told
def render(
    paths: Annotated[list[Path], typer.Argument(help="Journey files or folders.")],
    output_format: Annotated[
        MapFormat, typer.Option("--format", "-f", help="Map format.", case_sensitive=False)
    ] = MapFormat.svg,
    output: Annotated[
        Optional[str],
        typer.Option(
            "--output",
            "-o",
            help="Output file, or folder (ending in `/`, or existing; created when missing) for "
            "several journeys; `-` for standard output. Default: beside each journey, with "
            "the format's suffix.",
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
        typer.Option(
            "--timeout",
            min=1,
            max=MAX_TIMEOUT,
            help="Seconds the layout may take (svg/png/pdf/html).",
        ),
    ] = DEFAULT_TIMEOUT,
    memory: Annotated[
        int,
        typer.Option(
            "--memory",
            min=64,
            max=1024 * 1024,
            help="MiB of memory the layout may take (svg/png/pdf/html).",
        ),
    ] = DEFAULT_MEMORY_MIB,
) -> None:
    """Draw each journey's map, highlighting peloteo loops, dead ends and drop-off points."""
    from cyclemap.engine import to_result
    from cyclemap.engine.checking import validate as run_validation
    from cyclemap.render import SUFFIXES, TEXT_FORMATS, RenderError, RenderOptions, render_journey
    from cyclemap.reporters import ReportOptions
    from cyclemap.reporters import render as report
    from cyclemap.util.files import check_output, write_output

    if timeout != timeout:  # NaN passes the range check
        raise typer.BadParameter("not a number of seconds", param_hint="'--timeout'")
    report_result = run_validation(paths)
    result = to_result(report_result)
    if result.problems or result.failures:
        typer.echo(
            report(result, "text", ReportOptions(color=_color_for(sys.stderr))), err=True, nl=False
        )
    journeys = report_result.journeys
    to_stdout = output == "-"
    fmt = output_format.value
    if to_stdout and (fmt not in TEXT_FORMATS or len(journeys) > 1):
        _say(
            "cyclemap: error: `-o -` writes one journey in a text format (svg, dot, "
            "mermaid, mermaid-journey, html)"
        )
        raise typer.Exit(2)
    if by is not None:
        if by is GroupChoice.stage:
            _say("note: --by is replaced by --lanes: stages are always the map's columns")
        else:
            _say(f"note: --by is replaced by --lanes; drawing --lanes {by.value}")
            lanes = LaneChoice(by.value)
    folder = _output_folder(output, several=len(journeys) > 1)
    options = RenderOptions(
        lanes=lanes.value,
        width=width,
        collapse=collapse.value if collapse is not None else None,
        findings=not no_findings,
        timeout=timeout,
        memory_mib=memory,
    )
    overlay = None
    if log is not None:
        from cyclemap.mining import LogError, mine
        from cyclemap.render.view import Observed

        if len(journeys) != 1:
            _say("cyclemap: error: --log overlays one journey's log: render a single journey")
            raise typer.Exit(2)
        try:
            from cyclemap.engine.config import load_settings
            from cyclemap.mining import Columns

            configured = load_settings(None, start=journeys[0].path).mine
            overlay = Observed.of(
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
    notes: list[str] = []
    for journey in journeys:
        try:
            rendered = render_journey(journey, fmt, options, observed=overlay)
        except RenderError as error:
            _say(f"cyclemap: error: {journey.display}: {error}")
            raise typer.Exit(2) from None
        notes.extend(rendered.notes)
        if to_stdout:
            target = None
        elif output is None:
            target = journey.path.with_suffix(SUFFIXES[fmt])
        elif folder is not None:
            target = folder / journey.path.with_suffix(SUFFIXES[fmt]).name
        else:
            target = Path(output)
        planned.append((target, rendered.data))
    for note in notes:
        _say(f"note: {note}")
    targets = [target for target, _ in planned if target is not None]
    clashing = sorted({str(t) for t in targets if targets.count(t) > 1})
    if clashing:
        _say(
            f"cyclemap: error: several journeys would be drawn into {clashing[0]}; "
            "render them into separate folders"
        )
        raise typer.Exit(2)
    for target in targets:  # every output checked before the first is written
        check_output(target)
    # Everything rendered and checked: only now write, each file atomically.
    for planned_target, data in planned:
        if planned_target is None:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
            continue
        write_output(planned_target, data)
        _say(f"wrote {planned_target}")
    raise typer.Exit(result.exit_code)


def _output_folder(output: str | None, *, several: bool) -> Path | None:
    """The folder `render -o` names, created when it ends in `/` and is missing; None when it
    names a file. Several maps need a folder."""
    if output is None or output == "-":
        return None
    if output.endswith(("/", os.sep)):
        folder = Path(output)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise InputOutputError(output, f"cannot create the folder ({error.strerror})") from None
        return folder
    if Path(output).is_dir():
        return Path(output)
    if several:
        _say(
            f"cyclemap: error: {output} must be an existing folder to hold several maps "
            "(or end it with `/` to have it created)"
        )
        raise typer.Exit(2)
    return None


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
@_errors_told
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
    from cyclemap.engine import journey_stats, to_result
    from cyclemap.engine.checking import validate as run_validation
    from cyclemap.graph.flow_model import FlowError
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
            _say(f"{journey.display}: error: {error}")
            trapped = True
    if output_format is StatsFormat.json:
        from cyclemap.reporters.stats_json import render as render_json

        text = render_json(reports, problems)
    else:
        from cyclemap.reporters.stats_text import render as render_text

        text = render_text(reports, color=output is None and _color_for(sys.stdout))
    _emit(text, output)
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
@_errors_told
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
    from dataclasses import replace

    from cyclemap import load
    from cyclemap.engine.config import load_settings
    from cyclemap.mining import Columns, LogError
    from cyclemap.mining import mine as run_mining
    from cyclemap.reporters import mine_json, mine_markdown, mine_text
    from cyclemap.util.files import check_output

    loaded = load(journey)  # a LoadError is told with every problem (exit 1)
    mine_settings = load_settings(None, start=journey).mine
    configured = Columns.configured(mine_settings)
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
        raise _fail(error, 1) from None
    if output is not None and output != "-":
        check_output(output)  # before the journey is rewritten: nothing at all, or both
    if write:
        from cyclemap.mining.calibrate import calibrate

        unseen = calibrate(loaded, report)
        _say(f"wrote the observed figures into {journey}; review them with git diff")
        if unseen:
            _say(
                "never taken in the log, now at the smallest share: "
                + ", ".join(f"{source} → {target}" for source, target in unseen)
                + "; remove them if customers no longer go that way"
            )
    if output_format is MineFormat.json:
        text = mine_json.render(report)
    elif output_format is MineFormat.markdown:
        text = mine_markdown.render(report)
    else:
        text = mine_text.render(report, color=output is None and _color_for(sys.stdout))
    _emit(text, output)


@app.command(short_help="List the rules: name, severity and summary.")
@_errors_told
def rules() -> None:
    """List every rule with its default severity and a one-line summary."""
    from rich.console import Console
    from rich.table import Table

    from cyclemap.rules import registry

    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    for column in ("rule", "severity", "summary"):
        table.add_column(column, no_wrap=column != "summary")
    for rule in registry().values():
        summary = f"{rule.summary} (audit --log)" if rule.log else rule.summary
        table.add_row(rule.name, rule.severity.value, summary)
    Console(no_color=not _color_for(sys.stdout), highlight=False, soft_wrap=False).print(table)


@app.command(short_help="Explain one rule, with a bad and a good example.")
@_errors_told
def explain(rule: Annotated[str, typer.Argument(help="The rule name, e.g. peloteo-loop.")]) -> None:
    """Print a rule's full documentation: the customer problem, examples and options."""
    from cyclemap.rules import registry, rule_names
    from cyclemap.util.text import did_you_mean

    found = registry().get(rule)
    if found is None:
        guess = did_you_mean(rule, rule_names())
        _say(
            f"cyclemap: error: `{rule}` is not a rule"
            + (f"; did you mean `{guess}`?" if guess else "; see `cyclemap rules`")
        )
        raise typer.Exit(2)
    reported = "; reported by `cyclemap audit FILE --log LOG`" if found.log else ""
    typer.echo(f"{found.name} (default severity: {found.severity.value}{reported})\n")
    typer.echo(found.doc)


@app.command(short_help="Print the JSON Schema of the journey format.")
@_errors_told
def schema(
    output: Annotated[
        Optional[str], typer.Option("--output", "-o", help="Write the schema to this file.")
    ] = None,
) -> None:
    """Print the JSON Schema of the journey format (for editors and other tools)."""
    from cyclemap.format.schema import schema_text

    _emit(schema_text(), output)


@app.command(short_help="Write a commented starter journey.")
@_errors_told
def init(
    path: Annotated[
        Path, typer.Argument(help="File to create, or a folder to create it in.")
    ] = Path("journey.yaml"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented starter journey that validates."""
    from importlib.resources import files

    from cyclemap.util.files import write_output

    target = path / "journey.yaml" if path.is_dir() else path
    if os.path.lexists(target) and not force:  # a dangling link too: it points somewhere
        _say(f"cyclemap: error: {target} already exists (use --force to overwrite it)")
        raise typer.Exit(2)
    starter = files("cyclemap").joinpath("templates/starter.journey.yaml").read_bytes()
    write_output(target, starter)
    _say(f"wrote {target}; check it with: cyclemap validate {target}")


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
