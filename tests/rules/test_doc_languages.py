"""Every rule's documentation in English and in Spanish, one page each, with the same shape.

A rule's page is written once per language (its docstring, and `DOC_ES` beside it) and its
examples once, in the docstring: these tests hold the two together, so a section or an example
added to one and not the other is caught.
"""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from cyclemap.cli import app
from cyclemap.rules import registry
from cyclemap.rules.base import EXAMPLE, SECTIONS, Rule
from cyclemap.util.i18n import chosen_language, translated

RULES = list(registry().values())
CODE = re.compile(r"```(\w+)\n(.*?)```", re.DOTALL)
WRITTEN = tuple(section for section in SECTIONS if section != "Options")


def examples(text: str) -> list[tuple[str, str]]:
    """The code blocks of a section."""
    return CODE.findall(text)


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.name)
def test_every_rule_has_a_spanish_page_with_the_english_sections(rule: Rule) -> None:
    assert "es" in rule.pages, f"{rule.name} has no Spanish documentation (DOC_ES)"
    english_title, english = rule.page("en")
    spanish_title, spanish = rule.page("es")
    assert tuple(spanish) == tuple(english) == WRITTEN, (
        f"{rule.name}: the Spanish sections are {list(spanish)}, the English {list(english)}"
    )
    assert spanish_title and spanish_title != english_title
    assert rule.pages["es"].startswith(f"{rule.name}: ")
    assert "```" not in rule.pages["es"], f"{rule.name}: DOC_ES writes an example of its own"
    assert EXAMPLE not in "".join(spanish.values()), f"{rule.name}: an [example] with none"
    for heading in WRITTEN:
        assert spanish[heading].strip(), f"{rule.name}: the Spanish {heading} is empty"
        assert examples(spanish[heading]) == examples(english[heading]), (
            f"{rule.name}: the examples of {heading} differ between the languages"
        )
        if not examples(english[heading]):
            assert spanish[heading] != english[heading], f"{rule.name}: {heading} untranslated"


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.name)
def test_the_spanish_page_is_shown_in_spanish(rule: Rule) -> None:
    with chosen_language("es"):
        doc = rule.doc
    headings = [line[3:] for line in doc.splitlines() if line.startswith("## ")]
    assert headings == [translated(heading, "es") for heading in SECTIONS]
    assert not set(headings) & set(SECTIONS) - {"Options"}
    assert "(predeterminado " in doc


def test_an_unknown_heading_breaks_the_sections() -> None:
    """The shape check can fail: a misspelt Spanish heading is a section of its own."""
    rule = RULES[0]
    broken = rule.pages["es"].replace("## Qué hace", "## Que hace")
    spanish = Rule.page(
        Rule(
            rule.name,
            rule.severity,
            rule.english_summary,
            {**rule.pages, "es": broken},
            rule.options,
            rule.check,
        ),
        "es",
    )[1]
    assert tuple(spanish) != WRITTEN


def test_explain_prints_the_spanish_page() -> None:
    result = CliRunner().invoke(app, ["explain", "--lang", "es", "peloteo-loop"])
    assert result.exit_code == 0, result.output
    assert "## ¿Por qué es un problema?" in result.output
    assert "Why is this bad?" not in result.output
    result = CliRunner().invoke(app, ["explain", "--lang", "en", "peloteo-loop"])
    assert "## Why is this bad?" in result.output
