"""The `cyclemap` program: the most common command lines run at once, the rest through typer.

Importing typer with the adapters it converts options through takes longer (about 0.1 s on a
shared 2-core machine) than checking a small journey does. So the launcher reads the command
lines it can read without a parsing library — `cyclemap --version`, and `cyclemap validate
PATHS` with its options written out plainly (`-f json`, `--output=report.txt`, `-v`,
`--lang es`) — and runs them through the same functions the typer application runs them
through (`cyclemap.terminal`). Anything else (help, a misspelt option or value, combined short
flags, `--`, shell completion) goes to typer, which explains it; a test checks that both ways
print the same and exit the same.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

VALUED = {
    "--format": "output_format",
    "-f": "output_format",
    "--output": "output",
    "-o": "output",
    "--lang": "lang",
}
"""`validate`'s options that take a value, and the parameter each one sets."""

FLAGS = {"--verbose": "verbose", "-v": "verbose"}

FORMATS = ("text", "json", "sarif", "junit", "github", "markdown")
LANGUAGES = ("en", "es")


def _choice(value: str, choices: Sequence[str]) -> str | None:
    """`value` as one of `choices`, ignoring case as the typer options do."""
    folded = value.casefold()
    return next((choice for choice in choices if choice.casefold() == folded), None)


def quick_validate(arguments: Sequence[str]) -> dict[str, Any] | None:
    """The options of `validate`'s arguments (those after the command), or None when they hold
    anything this reader leaves to typer."""
    options: dict[str, Any] = {"output_format": "text", "output": None, "verbose": False}
    language: str | None = None
    paths: list[Path] = []
    position = 0
    while position < len(arguments):
        argument = arguments[position]
        position += 1
        if not argument.startswith("-"):
            paths.append(Path(argument))
            continue
        name, equals, value = argument.partition("=")
        if name in FLAGS and not equals:
            options[FLAGS[name]] = True
            continue
        if name not in VALUED or (equals and not name.startswith("--")):
            return None  # unknown, or `-f=json` (which the option parser reads as `=json`)
        if not equals:
            if position >= len(arguments):
                return None
            value = arguments[position]
            position += 1
        if value.startswith("-") and value != "-":
            return None
        target = VALUED[name]
        if target == "output":
            options["output"] = value
            continue
        chosen = _choice(value, FORMATS if target == "output_format" else LANGUAGES)
        if chosen is None:
            return None
        if target == "lang":
            language = chosen
        else:
            options["output_format"] = chosen
    if not paths:
        return None
    return {"paths": paths, "language": language, **options}


def _validate(paths: list[Path], output_format: str, output: str | None, verbose: bool) -> int:
    import importlib

    from cyclemap.util.gcpause import collector_paused

    # Importing builds tens of thousands of objects that live as long as the process: the
    # collector, left on, would scan them again and again for nothing (a tenth of the time).
    with collector_paused():
        from cyclemap.engine.checking import validation_result
        from cyclemap.terminal import ReportFormat, report

        importlib.import_module(f"cyclemap.reporters.{output_format}")
    return report(validation_result(paths), ReportFormat(output_format), output, verbose)


def quick_command(arguments: Sequence[str]) -> Callable[[], int] | None:
    """The command line as a function returning its exit code, when the launcher runs it
    itself; None when typer must."""
    if any(name.startswith("_") and name.endswith("_COMPLETE") for name in os.environ):
        return None  # shell completion asks typer
    if list(arguments) == ["--version"]:
        return _version
    if arguments[:1] == ["validate"]:
        options = quick_validate(arguments[1:])
        if options is not None:
            from cyclemap.terminal import execute

            language = options.pop("language")
            return lambda: execute(_validate, language, **options)
    return None


def _version() -> int:
    from cyclemap.about import __version__

    sys.stdout.write(f"cyclemap {__version__}\n")
    return 0


def main() -> None:
    """Console-script entry point."""
    command = quick_command(sys.argv[1:])
    if command is None:
        from cyclemap.cli import main as through_typer

        through_typer()
        return
    from cyclemap.util.signals import stop_on_sigterm

    stop_on_sigterm()
    try:
        code = command()
    except KeyboardInterrupt:
        code = 130  # as typer ends on Ctrl-C
    except OSError as error:
        if error.errno != errno.EPIPE:
            raise
        _quiet_stdout()
        code = 1
    _exit(code)


def _exit(code: int) -> None:
    """Ends the process. A run that started no worker processes ends at once, once its output
    is flushed, as mypy does: taking the interpreter apart object by object would add a
    sixth to a small validation's time, and frees nothing the system does not."""
    if "multiprocessing" in sys.modules:
        sys.exit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:
        code = code or 1
    os._exit(code)


def _quiet_stdout() -> None:
    """The reader of standard output went away (`cyclemap validate . | head -1`): what is left
    to flush goes nowhere, rather than into a second error at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
