"""`cyclemap.toml` or `[tool.cyclemap]` in `pyproject.toml`: which rules run, and how.

```toml
select = ["peloteo-loop", "dead-end"]   # default: every rule
ignore = ["unused-definition"]
fail-on = "warning"                      # error (default), warning, info or never

[rules.drop-off-point]
severity = "error"
threshold = 0.2
```

Found by walking up from the audited path; the first folder holding `cyclemap.toml`, or a
`pyproject.toml` with a `[tool.cyclemap]` table, wins. Every mistake is reported with the file
and the key, and suggests the nearest rule or option name.
"""

from __future__ import annotations

import dataclasses
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cyclemap.errors import ConfigError, Problem
from cyclemap.findings import FailOn, Severity
from cyclemap.loading.discovery import Selection
from cyclemap.loading.model_errors import describe_setting
from cyclemap.mining.settings import MineFile
from cyclemap.rules import registry, rule_names
from cyclemap.util.files import remember_input
from cyclemap.util.i18n import _
from cyclemap.util.paths import display_path
from cyclemap.util.text import did_you_mean, did_you_mean_text

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


class ConfigFile(BaseModel):
    """The configuration as written."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    select: list[str] | None = None
    ignore: list[str] = Field(default_factory=list)
    include: list[str] | None = None
    exclude: list[str] = Field(default_factory=list)
    fail_on: FailOn | None = Field(None, alias="fail-on")
    rules: dict[str, dict[str, Any]] = Field(default_factory=dict)
    mine: MineFile | None = None


@dataclass(frozen=True)
class Settings:
    """What an audit runs: the selected rules with their severity and options."""

    selected: tuple[str, ...] = field(default_factory=rule_names)
    severities: dict[str, Severity] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    fail_on: FailOn = FailOn.ERROR
    source: str | None = None
    """The configuration file these settings came from, if any."""
    selection: Selection = field(default_factory=Selection)
    """Which files in folders are audited (`include`/`exclude`, relative to the config)."""
    mine: MineFile = field(default_factory=MineFile)
    """How logs are read (`[mine]`; its defaults when the configuration has none)."""


def find_config(start: Path) -> Path | None:
    """The nearest `cyclemap.toml`, or `pyproject.toml` with `[tool.cyclemap]`, above `start`."""
    folder = start.resolve()
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        own = candidate / "cyclemap.toml"
        if own.is_file():
            return own
        project = candidate / "pyproject.toml"
        if project.is_file():
            try:
                tool = tomllib.loads(project.read_text("utf-8")).get("tool")
                if isinstance(tool, dict) and "cyclemap" in tool:
                    return project
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                continue
    return None


def _problem(file: str, path: str, message: str, hint: str = "") -> Problem:
    """A problem with a key; `_placed` finds its line once the text is at hand."""
    return Problem(file, 0, 0, path, message, hint)


_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^(\s*)((?:\"[^\"]*\"|'[^']*'|[A-Za-z0-9_.\- ]+?))\s*=")


def _key_parts(text: str) -> list[str]:
    return [part.strip().strip("\"'") for part in text.split(".")]


def _placed(problem: Problem, text: str, prefix: tuple[str, ...]) -> Problem:
    """The problem at the line and column of its key (`rules.dead-end.severity`), or at the
    table or key that comes closest; without a position when none is written."""
    wanted = [*prefix, *(part for part in problem.path.split(".") if part and not part.isdigit())]
    if len(wanted) == len(prefix):
        return problem
    best = (0, 0, 0)  # (parts matched, line, column)
    table: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            table = _key_parts(header.group(1))
            found, column = table, line.index("[") + 1
        else:
            key = _KEY.match(line)
            if key is None:
                continue
            found, column = [*table, *_key_parts(key.group(2))], len(key.group(1)) + 1
        matched = 0
        for have, want in zip(found, wanted, strict=False):
            if have != want:
                break
            matched += 1
        if matched == len(found) and matched > best[0]:
            best = (matched, number, column)
    if best[0] <= len(prefix):
        return problem
    return dataclasses.replace(problem, line=best[1], column=best[2])


def _read(path: Path) -> tuple[dict[str, Any], str]:
    shown = display_path(path)
    remember_input(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(
            [_problem(shown, "", _("cannot read the configuration: {error}").format(error=error))]
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        # `lineno`/`colno` exist from Python 3.14; before, the position is only in the text.
        where = re.search(r"\(at line (\d+), column (\d+)\)", str(error))
        last = (len(text.splitlines()) or 1, 1)  # "at end of document"
        line = getattr(error, "lineno", None) or (int(where.group(1)) if where else last[0])
        column = getattr(error, "colno", None) or (int(where.group(2)) if where else last[1])
        message = re.sub(r" \(at (line \d+, column \d+|end of document)\)$", "", str(error))
        raise ConfigError(
            [
                Problem(
                    shown,
                    line,
                    column,
                    "",
                    _("invalid TOML: {message}").format(message=message),
                    _("check the quoting and brackets on this line"),
                )
            ]
        ) from None
    if path.name == "pyproject.toml":
        tool = data.get("tool")
        section = tool.get("cyclemap", {}) if isinstance(tool, dict) else {}
        return (dict(section) if isinstance(section, dict) else {"": section}), text
    return dict(data), text


def _not_a_rule(name: object) -> tuple[str, str]:
    """(message, hint) for a rule name that is not one."""
    guess = did_you_mean(str(name), rule_names())
    message = _("`{name}` is not a rule name").format(name=name)
    hint = _("rule names: {names}").format(names=", ".join(rule_names()))
    return (did_you_mean_text(message, guess) if guess else message), hint


def _check_rule_name(name: object, file: str, path: str, problems: list[Problem]) -> bool:
    if name in rule_names():
        return True
    problems.append(_problem(file, path, *_not_a_rule(name)))
    return False


def settings_from(data: dict[str, Any], file: str, base: Path | None = None) -> Settings:
    """Validated settings from a configuration's contents; `ConfigError` lists every mistake."""
    problems: list[Problem] = []
    try:
        config = ConfigFile.model_validate(data)
    except ValidationError as error:
        for detail in error.errors(include_url=False):
            path = ".".join(str(part) for part in detail["loc"])
            if detail["type"] == "extra_forbidden":
                guess = did_you_mean(
                    path, ["select", "ignore", "include", "exclude", "fail-on", "rules"]
                )
                message = _("`{key}` is not a configuration key").format(key=path)
                problems.append(
                    _problem(
                        file,
                        path,
                        did_you_mean_text(message, guess) if guess else message,
                        _("keys: select, ignore, include, exclude, fail-on, [rules.<name>]"),
                    )
                )
            else:
                problems.append(_problem(file, path, *describe_setting(detail, ConfigFile)))
        raise ConfigError(problems) from None
    for key in ("select", "ignore"):
        for name in getattr(config, key) or []:
            _check_rule_name(name, file, key, problems)
    rules = registry()
    severities: dict[str, Severity] = {}
    options: dict[str, Any] = {}
    for name, table in config.rules.items():
        if not _check_rule_name(name, file, f"rules.{name}", problems):
            continue
        values = dict(table)
        severity = values.pop("severity", None)
        if severity is not None:
            try:
                severities[name] = Severity(severity)
            except ValueError:
                problems.append(
                    _problem(
                        file,
                        f"rules.{name}.severity",
                        _("`{severity}` is not a severity").format(severity=severity),
                        _("write error, warning or info"),
                    )
                )
        try:
            options[name] = rules[name].options.model_validate(values)
        except ValidationError as error:
            known = list(rules[name].options.model_fields)
            for detail in error.errors(include_url=False):
                key = ".".join(str(part) for part in detail["loc"])
                if detail["type"] == "extra_forbidden":
                    guess = did_you_mean(key, known)
                    message = _("`{key}` is not an option of `{rule}`").format(key=key, rule=name)
                    if guess:
                        message = did_you_mean_text(message, guess)
                    hint = _("options: {names}").format(names=", ".join(["severity", *known]))
                else:
                    message, hint = describe_setting(detail, rules[name].options)
                    message = _("`{rule}`: {message}").format(rule=name, message=message)
                problems.append(_problem(file, f"rules.{name}.{key}", message, hint))
    if problems:
        raise ConfigError(problems)
    selected = [name for name in (config.select or rule_names()) if name not in config.ignore]
    return Settings(
        selected=tuple(name for name in rule_names() if name in selected),
        severities=severities,
        options=options,
        fail_on=config.fail_on or FailOn.ERROR,
        source=file,
        mine=config.mine or MineFile(),
        selection=Selection(
            include=tuple(config.include) if config.include is not None else Selection.include,
            exclude=tuple(config.exclude),
            base=base,
        ),
    )


def load_settings(path: Path | None, *, start: Path) -> Settings:
    """Settings from `path`, or from the configuration found above `start`, or the defaults."""
    found = path if path is not None else find_config(start)
    if found is None:
        return Settings()
    if path is not None and not path.is_file():
        raise ConfigError(
            [_problem(display_path(path), "", _("the configuration file does not exist"))]
        )
    data, text = _read(found)
    try:
        return settings_from(data, display_path(found), found.resolve().parent)
    except ConfigError as error:
        prefix = ("tool", "cyclemap") if found.name == "pyproject.toml" else ()
        raise ConfigError([_placed(problem, text, prefix) for problem in error.problems]) from None


def _rule_list(values: Iterable[str], option: str) -> list[str]:
    names = [name.strip() for value in values for name in value.split(",") if name.strip()]
    for name in names:
        if name not in rule_names():
            raise ConfigError([Problem(option, 0, 0, "", *_not_a_rule(name))])
    return names


def apply_overrides(
    settings: Settings,
    *,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    fail_on: FailOn | None = None,
) -> Settings:
    """Command-line `--select`, `--ignore` and `--fail-on` over the configuration."""
    chosen = _rule_list(select, "--select") or list(settings.selected)
    ignored = set(_rule_list(ignore, "--ignore"))
    return dataclasses.replace(
        settings,
        selected=tuple(name for name in rule_names() if name in chosen and name not in ignored),
        fail_on=fail_on or settings.fail_on,
    )
