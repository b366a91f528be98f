"""Spanish that reads right: counts agree with their noun, decimals take a comma in prose,
a `{` is a brace (una llave), git's failure is explained in Spanish, and the catalog
addresses the reader one way (usted) throughout."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from typer.testing import CliRunner

from cyclemap.cli import app
from cyclemap.errors import LoadError
from cyclemap.findings import Comparison
from cyclemap.loading.reading import read_document
from cyclemap.util.i18n import chosen_language
from tests.conftest import EXAMPLES, REPO

runner = CliRunner()

JOURNEY = EXAMPLES / "internet-support.journey.yaml"
SPANISH = REPO / "src" / "cyclemap" / "locale" / "es" / "LC_MESSAGES" / "cyclemap.po"


def spanish(arguments: list[str]) -> str:
    result = runner.invoke(app, [*arguments, "--lang", "es"], env={"COLUMNS": "200"})
    assert result.exit_code in (0, 1, 2), result.output
    return result.stdout + result.stderr


def test_one_drop_off_point_is_singular() -> None:
    text = spanish(["audit", str(JOURNEY)])
    ranks = re.findall(r"n\.º \d+ de (\d+) (puntos?) de abandono", text)
    assert ranks, text
    assert all((count == "1") == (noun == "punto") for count, noun in ranks)


@pytest.mark.parametrize(
    ("known", "fixed", "expected"),
    [
        (1, 1, "1 hallazgo conocido omitido, 1 corregido"),
        (2, 1, "2 hallazgos conocidos omitidos, 1 corregido"),
        (1, 3, "1 hallazgo conocido omitido, 3 corregidos"),
    ],
)
def test_baseline_summary_agrees_with_each_count(known: int, fixed: int, expected: str) -> None:
    comparison = Comparison(against="main", fixed=tuple({} for _ in range(fixed)), known=known)
    with chosen_language("es"):
        assert comparison.summary().startswith(expected)


def test_context_cost_figures_take_a_decimal_comma_in_spanish_prose() -> None:
    text = spanish(["stats", str(JOURNEY)])
    assert "--context-cost de 0,05 a 0,2" in text or "con 0,05" in text
    assert not re.search(r"(de|a|con) 0\.\d", text)


def test_an_unclosed_brace_is_una_llave(tmp_path: Path) -> None:
    path = tmp_path / "j.journey.yaml"
    path.write_text("a: {b: 1\nc: 2\n", encoding="utf-8")
    with chosen_language("es"), pytest.raises(LoadError) as caught:
        read_document(path, "j.journey.yaml")
    assert "la llave abierta en la línea 1" in caught.value.problems[0].hint


def test_diff_outside_a_git_repository_says_so_in_spanish(tmp_path: Path) -> None:
    journey = tmp_path / "j.journey.yaml"
    journey.write_text(JOURNEY.read_text(encoding="utf-8"), encoding="utf-8")
    text = spanish(["stats", str(tmp_path), "--diff", "main"])
    assert "no está en un repositorio git" in text
    assert "git falló" not in text


TU_IMPERATIVES = re.compile(
    r"\b(escribe uno|guárdalo|corrígelo|corrige el|quita -o|elige otro|revísalo|ábrelo|cámbialo"
    r"|puedes|tu|tus)\b",
    re.IGNORECASE,
)
"""Ways of addressing the reader as `tú`; the catalog says `usted` (`escriba`, `guárdelo`)."""


def test_the_catalog_addresses_the_reader_as_usted() -> None:
    with open(SPANISH, "rb") as handle:
        catalog = read_po(handle)
    found = []
    for message in catalog:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        found += [text for text in strings if text and TU_IMPERATIVES.search(text)]
    assert found == []
