"""YAML syntax errors a person actually makes in a journey, each told where to fix it and how,
in the reader's language (the parser's own phrases are looked up in the catalog)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cyclemap.errors import LoadError, Problem
from cyclemap.loading.reading import YAML_WORDS, read_document
from cyclemap.util.i18n import catalog, chosen_language

JOURNEY_START = "id: reclamos\nname: Reclamos\nstages:\n  - id: contacto\n"


def problem(tmp_path: Path, text: str, language: str = "en") -> Problem:
    path = tmp_path / "j.journey.yaml"
    path.write_text(text, encoding="utf-8")
    with chosen_language(language), pytest.raises(LoadError) as caught:
        read_document(path, "j.journey.yaml")
    [found] = caught.value.problems
    return found


def test_a_share_written_with_a_leading_percent_suggests_a_decimal(tmp_path: Path) -> None:
    found = problem(tmp_path, "abandon: %18\n")
    assert "0.18" in found.hint
    assert "@" not in found.hint


def test_a_value_starting_with_at_still_suggests_quotes(tmp_path: Path) -> None:
    assert "quote" in problem(tmp_path, "owner: @cx\n").hint


def test_a_phone_short_code_read_as_an_alias_suggests_quotes(tmp_path: Path) -> None:
    found = problem(tmp_path, "name: *123 sin internet\n")
    assert "quotes" in found.hint and "*123" in found.hint


def test_a_name_starting_with_a_dash_suggests_quotes(tmp_path: Path) -> None:
    found = problem(tmp_path, JOURNEY_START + "    name: - Llama a la línea\n")
    assert "list item" in found.hint and "quotes" in found.hint


def test_an_unclosed_quote_is_placed_where_it_opened(tmp_path: Path) -> None:
    text = 'name: "Llama a la línea\n' + "".join(f"k{n}: v\n" for n in range(40))
    found = problem(tmp_path, text)
    assert (found.line, found.column) == (1, 7)
    assert "line 1, column 7" in found.hint


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(JOURNEY_START + "    name: - Llama\n", id="dash"),
        pytest.param(JOURNEY_START + "    name: Llama: 01-8000\n", id="colon"),
        pytest.param("owner: @cx\n", id="at"),
        pytest.param("abandon: %18\n", id="percent"),
        pytest.param('name: "abierta\nk: v\n', id="quote"),
        pytest.param("a: [1, 2\n", id="bracket"),
    ],
)
def test_spanish_syntax_errors_hold_no_english_parser_words(tmp_path: Path, text: str) -> None:
    english = problem(tmp_path, text)
    spanish = problem(tmp_path, text, "es")
    for phrase in YAML_WORDS:
        if phrase in english.message:
            assert phrase not in spanish.message
    assert "while " not in spanish.message and "not allowed" not in spanish.message
    assert spanish.hint != english.hint


def test_every_parser_phrase_has_a_spanish_translation() -> None:
    spanish = catalog("es")
    assert [phrase for phrase in YAML_WORDS if spanish.gettext(phrase) == phrase] == []
