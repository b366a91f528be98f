"""Configuration: found upward, read from cyclemap.toml or pyproject.toml, mistakes explained."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cyclemap.cli import app
from cyclemap.engine import audit
from cyclemap.engine.config import Settings, find_config, load_settings, settings_from
from cyclemap.errors import ConfigError, Problem
from cyclemap.findings import FailOn, Finding, Severity
from cyclemap.rules import rule_names

runner = CliRunner()

# One info (unused-definition: stage `later`, line 5), one warning (drop-off-point, line 7).
JOURNEY = """\
    cyclemap: 1
    journey: {id: configured, name: Configurado}
    stages:
      - {id: contact, name: Contacto}
      - {id: later, name: Después}
    steps:
      - {id: call, stage: contact, entry: true, abandon: 0.3, next: [{to: done}]}
      - {id: done, stage: contact, outcome: success}
    """


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A repository root (a `.git` folder) with no configuration of its own."""
    (tmp_path / ".git").mkdir()
    return tmp_path


def problems_of(text: str, name: str = "cyclemap.toml", *, folder: Path) -> list[Problem]:
    path = write(folder / name, text)
    with pytest.raises(ConfigError) as error:
        load_settings(path, start=folder)
    return error.value.problems


def rules_found(findings: list[Finding]) -> list[str]:
    return [finding.rule for finding in findings]


# -- finding the configuration ---------------------------------------------------------------


def test_cyclemap_toml_is_found_upward_from_the_audited_path(root: Path) -> None:
    config = write(root / "cyclemap.toml", 'ignore = ["unused-definition"]\n')
    journey = write(root / "journeys" / "deep" / "a.journey.yaml", JOURNEY)
    assert find_config(journey) == config.resolve()
    assert find_config(journey.parent) == config.resolve()
    assert rules_found(audit([journey]).findings) == ["drop-off-point"]
    assert rules_found(audit([journey.parent]).findings) == ["drop-off-point"]


def test_the_nearest_configuration_wins(root: Path) -> None:
    write(root / "cyclemap.toml", 'ignore = ["unused-definition"]\n')
    nearer = write(root / "journeys" / "cyclemap.toml", 'ignore = ["drop-off-point"]\n')
    journey = write(root / "journeys" / "a.journey.yaml", JOURNEY)
    assert find_config(journey) == nearer.resolve()
    assert rules_found(audit([journey]).findings) == ["unused-definition"]


def test_tool_cyclemap_in_pyproject(root: Path) -> None:
    project = write(
        root / "pyproject.toml",
        """\
        [project]
        name = "journeys"

        [tool.cyclemap]
        select = ["drop-off-point"]
        fail-on = "warning"

        [tool.cyclemap.rules.drop-off-point]
        severity = "info"
        """,
    )
    journey = write(root / "a.journey.yaml", JOURNEY)
    assert find_config(journey) == project.resolve()
    settings = load_settings(None, start=journey)
    assert settings.selected == ("drop-off-point",)
    assert settings.fail_on is FailOn.WARNING
    assert settings.severities == {"drop-off-point": Severity.INFO}
    assert settings.source is not None and settings.source.endswith("pyproject.toml")
    result = audit([journey])
    assert [(f.rule, f.severity) for f in result.findings] == [("drop-off-point", Severity.INFO)]
    assert result.exit_code == 0


def test_pyproject_without_the_table_is_passed_over(root: Path) -> None:
    config = write(root / "cyclemap.toml", 'select = ["dead-end"]\n')
    write(root / "sub" / "pyproject.toml", '[project]\nname = "x"\n')
    write(root / "sub" / "broken" / "pyproject.toml", "[project\n")
    journey = write(root / "sub" / "broken" / "a.journey.yaml", JOURNEY)
    assert find_config(journey) == config.resolve()


def test_cyclemap_toml_beats_pyproject_in_the_same_folder(root: Path) -> None:
    config = write(root / "cyclemap.toml", "")
    write(root / "pyproject.toml", '[tool.cyclemap]\nselect = ["dead-end"]\n')
    assert find_config(root) == config.resolve()


def test_defaults_without_any_configuration(tmp_path: Path) -> None:
    # `tmp_path` may sit under folders with configurations of their own: stop at an empty one.
    write(tmp_path / "cyclemap.toml", "")
    settings = load_settings(None, start=tmp_path)
    assert settings.selected == rule_names()  # the map rules, then the log rules
    assert settings.fail_on is FailOn.ERROR
    assert (settings.severities, settings.options) == ({}, {})


def test_full_configuration(root: Path) -> None:
    settings = settings_from(
        {
            "select": ["drop-off-point", "dead-end", "handoff-chain"],
            "ignore": ["handoff-chain"],
            "fail-on": "info",
            "rules": {
                "drop-off-point": {"severity": "error", "threshold": 0.2},
                "handoff-chain": {"max": 5},
            },
        },
        "cyclemap.toml",
    )
    assert settings.selected == ("dead-end", "drop-off-point")
    assert settings.fail_on is FailOn.INFO
    assert settings.severities == {"drop-off-point": Severity.ERROR}
    assert settings.options["drop-off-point"].threshold == 0.2
    assert settings.options["handoff-chain"].max == 5
    assert (
        settings_from({"rules": {"drop-off-point": {"threshold": 1}}}, "c")
        .options["drop-off-point"]
        .threshold
        == 1.0
    )


def test_threshold_from_the_configuration_reaches_the_rule(root: Path) -> None:
    write(root / "cyclemap.toml", "[rules.drop-off-point]\nthreshold = 0.35\n")
    journey = write(root / "a.journey.yaml", JOURNEY)
    assert rules_found(audit([journey]).findings) == ["unused-definition"]
    write(root / "cyclemap.toml", "[rules.drop-off-point]\nthreshold = 0.3\n")
    assert rules_found(audit([journey]).findings) == ["unused-definition", "drop-off-point"]


# -- mistakes ---------------------------------------------------------------------------------


def test_broken_toml_gives_the_line(root: Path) -> None:
    [problem] = problems_of('select = ["dead-end"]\nignore = [\n\nfail-on = "info"\n', folder=root)
    assert problem.file.endswith("cyclemap.toml")
    assert problem.line == 4
    assert problem.message.startswith("invalid TOML: ")
    assert "(at line" not in problem.message


def test_broken_toml_in_pyproject_gives_the_line(root: Path) -> None:
    [problem] = problems_of(
        '[tool.cyclemap]\nselect = ["dead-end"]\nfail-on = = "info"\n',
        "pyproject.toml",
        folder=root,
    )
    assert (problem.line, problem.column) == (3, 11)
    assert problem.message == "invalid TOML: Invalid value"


def test_unknown_key_suggests_the_nearest(root: Path) -> None:
    [problem] = problems_of('selct = ["dead-end"]\n', folder=root)
    assert problem.path == "selct"
    assert problem.message == "`selct` is not a configuration key; did you mean `select`?"
    assert "select, ignore, include, exclude, fail-on" in problem.hint


def test_unknown_rule_names_suggest_the_nearest(root: Path) -> None:
    found = problems_of(
        'select = ["peloteo-loops"]\nignore = ["dead-ends"]\n[rules.drop-of-point]\n',
        folder=root,
    )
    assert sorted(problem.message for problem in found) == [
        "`dead-ends` is not a rule name; did you mean `dead-end`?",
        "`drop-of-point` is not a rule name; did you mean `drop-off-point`?",
        "`peloteo-loops` is not a rule name; did you mean `peloteo-loop`?",
    ]
    assert {problem.path for problem in found} == {"select", "ignore", "rules.drop-of-point"}


def test_unknown_option_suggests_the_nearest(root: Path) -> None:
    [problem] = problems_of("[rules.drop-off-point]\ntreshold = 0.2\n", folder=root)
    assert problem.path == "rules.drop-off-point.treshold"
    assert problem.message == (
        "`treshold` is not an option of `drop-off-point`; did you mean `threshold`?"
    )
    assert problem.hint == "options: severity, threshold"
    [other] = problems_of("[rules.dead-end]\nmax = 2\n", folder=root)
    assert other.message == "`max` is not an option of `dead-end`"


def test_bad_severity(root: Path) -> None:
    [problem] = problems_of('[rules.dead-end]\nseverity = "fatal"\n', folder=root)
    assert problem.path == "rules.dead-end.severity"
    assert problem.message == "`fatal` is not a severity"
    assert problem.hint == "write error, warning or info"


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("1.5", "`threshold` must be at most 1 (got `1.5`)"),
        ("-0.1", "`threshold` must be at least 0 (got `-0.1`)"),
        ('"high"', "`threshold` must be a number (got `high`)"),
    ],
)
def test_bad_threshold(root: Path, value: str, fragment: str) -> None:
    [problem] = problems_of(f"[rules.drop-off-point]\nthreshold = {value}\n", folder=root)
    assert problem.path == "rules.drop-off-point.threshold"
    assert problem.message.startswith("`drop-off-point`: ")
    assert fragment in problem.message


def test_bad_max_and_fail_on(root: Path) -> None:
    [problem] = problems_of("[rules.handoff-chain]\nmax = -1\n", folder=root)
    assert problem.message.startswith("`handoff-chain`: `max` must be at least")
    [problem] = problems_of('fail-on = "sometimes"\n', folder=root)
    assert problem.path == "fail-on"
    assert "must be one of error, warning, info, never (got `sometimes`)" in problem.message
    [problem] = problems_of('fail-on = "warnings"\n', folder=root)
    assert "did you mean `warning`?" in problem.message
    assert problem.hint == 'write `fail-on = "warning"`'  # TOML, not YAML


def test_configuration_mistakes_are_told_in_spanish(root: Path) -> None:
    from cyclemap.util.i18n import chosen_language

    with chosen_language("es"):
        [problem] = problems_of('fail-on = "warnings"\n', folder=root)
        [option] = problems_of("[rules.drop-off-point]\nthreshold = 1.5\n", folder=root)
    assert "debe ser uno de error, warning, info, never" in problem.message
    assert problem.hint == 'escriba `fail-on = "warning"`'
    assert option.message == (
        "`drop-off-point`: `threshold` debe ser como máximo 1 (se encontró `1.5`)"
    )


def test_every_mistake_is_reported_at_once(root: Path) -> None:
    found = problems_of(
        '[rules.dead-end]\nseverity = "loud"\n[rules.drop-off-point]\nthreshold = 2\n',
        folder=root,
    )
    assert [problem.path for problem in found] == [
        "rules.dead-end.severity",
        "rules.drop-off-point.threshold",
    ]


def test_missing_explicit_configuration(root: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(root / "nope.toml", start=root)


def test_explicit_configuration_beats_the_one_found(root: Path) -> None:
    write(root / "cyclemap.toml", 'select = ["dead-end"]\n')
    other = write(root / "other" / "strict.toml", 'select = ["drop-off-point"]\n')
    assert load_settings(other, start=root).selected == ("drop-off-point",)
    assert load_settings(None, start=root).selected == ("dead-end",)
    assert isinstance(load_settings(None, start=root), Settings)


# -- through the command line -----------------------------------------------------------------


def cli_rules(output: str) -> list[tuple[str, str]]:
    return [(finding["rule"], finding["severity"]) for finding in json.loads(output)["findings"]]


def test_cli_config_option(root: Path) -> None:
    journey = write(root / "a.journey.yaml", JOURNEY)
    config = write(
        root / "ci" / "audit.toml",
        'ignore = ["unused-definition"]\n[rules.drop-off-point]\nseverity = "error"\n',
    )
    result = runner.invoke(app, ["audit", str(journey), "--config", str(config), "-f", "json"])
    assert result.exit_code == 1, result.output
    assert cli_rules(result.stdout) == [("drop-off-point", "error")]


def test_cli_select_ignore_and_fail_on(root: Path) -> None:
    journey = write(root / "a.journey.yaml", JOURNEY)
    base = ["audit", str(journey), "-f", "json"]
    result = runner.invoke(app, base)
    assert result.exit_code == 0
    assert cli_rules(result.stdout) == [  # the stage (line 5) comes before the step (line 7)
        ("unused-definition", "info"),
        ("drop-off-point", "warning"),
    ]
    result = runner.invoke(app, [*base, "--select", "unused-definition"])
    assert cli_rules(result.stdout) == [("unused-definition", "info")]
    result = runner.invoke(app, [*base, "--ignore", "unused-definition,dead-end"])
    assert cli_rules(result.stdout) == [("drop-off-point", "warning")]
    assert runner.invoke(app, [*base, "--fail-on", "warning"]).exit_code == 1
    assert runner.invoke(app, [*base, "--fail-on", "info", "--select", "dead-end"]).exit_code == 0
    assert runner.invoke(app, [*base, "--fail-on", "never"]).exit_code == 0
    ignored = runner.invoke(app, [*base, "--fail-on", "info", "--ignore", "unused-definition"])
    assert ignored.exit_code == 1


def test_cli_fail_on_overrides_the_configuration(root: Path) -> None:
    journey = write(root / "a.journey.yaml", JOURNEY)
    write(root / "cyclemap.toml", 'fail-on = "warning"\n')
    assert runner.invoke(app, ["audit", str(journey)]).exit_code == 1
    assert runner.invoke(app, ["audit", str(journey), "--fail-on", "error"]).exit_code == 0


def test_cli_broken_configuration_exits_2_with_a_message_and_no_traceback(root: Path) -> None:
    journey = write(root / "a.journey.yaml", JOURNEY)
    write(root / "cyclemap.toml", '[rules.drop-off-point]\ntreshold = 0.2\nseverity = "loud"\n')
    result = runner.invoke(app, ["audit", str(journey)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert "cyclemap.toml:3:1: error: `loud` is not a severity" in result.stderr  # its line
    assert (
        "error: `treshold` is not an option of `drop-off-point`; did you mean `threshold`?"
        in result.stderr
    )
    assert "hint: write error, warning or info" in result.stderr
    assert not isinstance(result.exception, ConfigError)


def test_cli_broken_toml_exits_2_with_the_line(root: Path) -> None:
    journey = write(root / "a.journey.yaml", JOURNEY)
    write(root / "cyclemap.toml", 'select = ["dead-end"]\nignore = "x\n')
    result = runner.invoke(app, ["audit", str(journey)])
    assert result.exit_code == 2
    assert "cyclemap.toml:2:" in result.stderr and "invalid TOML" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_unknown_rule_and_missing_config_exit_2(root: Path) -> None:
    journey = write(root / "a.journey.yaml", JOURNEY)
    result = runner.invoke(app, ["audit", str(journey), "--select", "peloteo"])
    assert result.exit_code == 2
    assert "`peloteo` is not a rule name; did you mean `peloteo-loop`?" in result.stderr
    missing = runner.invoke(app, ["audit", str(journey), "--config", str(root / "no.toml")])
    assert missing.exit_code == 2
    assert "the configuration file does not exist" in missing.stderr
