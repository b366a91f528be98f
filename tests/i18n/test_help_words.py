"""Help pages and usage lines name values in words, in the reader's language: `PATHS...`,
`BEFORE AFTER`, `-o, --output PATH`, never `{paths}` or a Python type (`<list[Path]>`)."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from cyclemap.cli import COMMANDS, app

runner = CliRunner()

COMMAND_NAMES = [function.__name__ for function, _summary, _description in COMMANDS]


def help_page(command: str, language: str) -> str:
    result = runner.invoke(app, [command, "--help", "--lang", language], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("command", COMMAND_NAMES)
def test_help_shows_no_braces_or_python_types(command: str, language: str) -> None:
    page = help_page(command, language)
    assert not re.search(r"\{\w+\}", page)
    assert not re.search(r"<(str|path|list\[\w+\]|int range|float range|texto|ruta)>", page)


@pytest.mark.parametrize(
    ("language", "usage", "output"),
    [
        ("en", "cyclemap compare [OPTIONS] BEFORE AFTER", "-o, --output PATH "),
        ("es", "cyclemap compare [OPCIONES] ANTES DESPUÉS", "-o, --output RUTA "),
    ],
)
def test_compare_usage_names_its_arguments(language: str, usage: str, output: str) -> None:
    page = help_page("compare", language)
    assert usage in page
    assert output in page


@pytest.mark.parametrize(("language", "name"), [("en", "PATHS"), ("es", "RUTAS")])
def test_a_missing_argument_is_named_as_in_the_usage_line(language: str, name: str) -> None:
    result = runner.invoke(app, ["validate", "--lang", language])
    assert result.exit_code == 2
    assert f"validate [{'OPTIONS' if language == 'en' else 'OPCIONES'}] {name}..." in result.stderr
    assert f"'{name}'" in result.stderr
