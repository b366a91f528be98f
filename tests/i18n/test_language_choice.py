"""Which language cyclemap speaks: `--lang`, else `CYCLEMAP_LANG`, else the locale (`LC_ALL`,
`LC_MESSAGES`, `LANG`), else English; and figures written the way that language writes them."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cyclemap.cli import app
from cyclemap.util.i18n import chosen_language
from cyclemap.util.numbers import customers, number, percent
from tests.conftest import BROKEN_JOURNEY, EXAMPLES

runner = CliRunner()

ENGLISH = "is not a field of a transition"
SPANISH = "no es un campo de una transición"
UNSET = ("CYCLEMAP_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")


def _validate(path: Path, *options: str, **environment: str) -> str:
    """What `validate` says of a broken journey, under exactly `environment`."""
    env: dict[str, str | None] = dict.fromkeys(UNSET)
    env.update(environment)
    result = runner.invoke(app, ["validate", str(path), *options], env=env)
    assert result.exit_code == 1, result.output
    said = result.stderr + result.stdout
    assert (ENGLISH in said) != (SPANISH in said), said
    return "es" if SPANISH in said else "en"


@pytest.fixture
def broken(write: Callable[..., Path]) -> Path:
    return write(BROKEN_JOURNEY)


@pytest.mark.parametrize(
    ("environment", "options", "expected"),
    [
        ({}, (), "en"),
        ({"LANG": "C"}, (), "en"),
        ({"LANG": "fr_FR.UTF-8"}, (), "en"),
        ({"LANG": "es_CO.UTF-8"}, (), "es"),
        ({"LANG": "es_CO.UTF-8"}, ("--lang", "en"), "en"),
        ({"LANG": "en_US.UTF-8", "LC_ALL": "es_MX.UTF-8"}, (), "es"),
        ({"LANG": "es_CO.UTF-8", "LC_MESSAGES": "en_US.UTF-8"}, (), "en"),
        ({"LANG": "es_CO.UTF-8", "CYCLEMAP_LANG": "en"}, (), "en"),
        ({"LANG": "en_US.UTF-8", "CYCLEMAP_LANG": "es"}, (), "es"),
        ({"CYCLEMAP_LANG": "es"}, ("--lang", "en"), "en"),
        ({"CYCLEMAP_LANG": "en"}, ("--lang", "es"), "es"),
        ({"CYCLEMAP_LANG": "fr", "LANG": "es_CO.UTF-8"}, (), "es"),
    ],
    ids=[
        "nothing set",
        "C locale",
        "a locale cyclemap does not speak",
        "LANG",
        "--lang over LANG",
        "LC_ALL over LANG",
        "LC_MESSAGES over LANG",
        "CYCLEMAP_LANG over LANG",
        "CYCLEMAP_LANG es",
        "--lang over CYCLEMAP_LANG",
        "--lang es",
        "an unknown CYCLEMAP_LANG falls back to the locale",
    ],
)
def test_the_language_is_chosen_in_order(
    broken: Path, environment: dict[str, str], options: tuple[str, ...], expected: str
) -> None:
    assert _validate(broken, *options, **environment) == expected


def test_lang_may_come_before_the_command(broken: Path) -> None:
    result = runner.invoke(app, ["--lang", "es", "validate", str(broken)])
    assert SPANISH in result.stderr + result.stdout


def test_a_spanish_locale_speaks_spanish_from_a_fresh_process(broken: Path) -> None:
    """The console script as a user runs it: nothing chosen in advance, only the locale."""
    env = {name: value for name, value in os.environ.items() if name not in UNSET}
    env["LANG"] = "es_CO.UTF-8"
    spanish = subprocess.run(
        [sys.executable, "-m", "cyclemap", "validate", str(broken)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert spanish.returncode == 1
    assert SPANISH in spanish.stderr + spanish.stdout
    english = subprocess.run(
        [sys.executable, "-m", "cyclemap", "--lang", "en", "validate", str(broken)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert ENGLISH in english.stderr + english.stdout


@pytest.mark.parametrize(
    ("code", "thousands", "decimal", "share", "count"),
    [("es", "1.234,5", "0,25", "18%", "12.000"), ("en", "1,234.5", "0.25", "18%", "12,000")],
)
def test_figures_are_written_the_language_s_way(
    code: str, thousands: str, decimal: str, share: str, count: str
) -> None:
    with chosen_language(code):
        assert number(1234.5, 1) == thousands
        assert number(0.25, 2) == decimal
        assert percent(0.18) == share
        assert customers(12000) == count


def test_stats_writes_figures_in_the_language_chosen() -> None:
    journey = str(EXAMPLES / "billing-collections.journey.yaml")
    spanish = runner.invoke(app, ["stats", journey, "--lang", "es"])
    english = runner.invoke(app, ["stats", journey, "--lang", "en"])
    assert spanish.exit_code == english.exit_code == 0
    assert "124.000 clientes por período" in spanish.stdout
    assert "124,000 customers per period" in english.stdout
