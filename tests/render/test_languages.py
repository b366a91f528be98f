"""Maps and pages in the reader's language, or in the journey's own.

Every example is drawn in Spanish and in English, and the Spanish drawing is read the way a
person reads it: every piece of text a viewer sees (SVG text and tooltips, the page's text and
button titles). Once the journey's own words are taken out (names, descriptions, ids: what the
author wrote), no word of the English drawing may be left in the Spanish one unless Spanish
uses it too (`id`, `html`, `cyclemap`): an English label nobody marked for translation would
be the same in both drawings, and is caught here.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from pydantic import BaseModel

from cyclemap.loading import LoadedJourney
from cyclemap.render import RenderOptions, render_journey
from cyclemap.rules import registry
from cyclemap.util.i18n import LOCALE_DIR, chosen_language
from tests.support.render import EXAMPLES, HAS_DOT, load

pytestmark = pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot is not installed")

JOURNEYS = sorted(EXAMPLES.rglob("*.journey.yaml"))
WORD = re.compile(r"[^\W\d_]{2,}")
"""A word: two letters or more (Graphviz names its shapes `g0`, `g0->g1`)."""


CUT = re.compile(r"[^\W\d_]+…")
"""A word shortened to fit its box (`gest…`): part of the author's words, whatever it was."""


RULE_NAMES = re.compile("|".join(sorted(map(re.escape, registry()), key=len, reverse=True)))
"""Rule names (`drop-off-point`) are identifiers, the same in every language."""


def words(text: str) -> set[str]:
    text = RULE_NAMES.sub(" ", CUT.sub("…", text))
    return {word.casefold() for word in WORD.findall(text)}


def authored(value: Any) -> Iterator[str]:
    """Every piece of text the journey's author wrote (or that names their file)."""
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from authored(getattr(value, name))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from authored(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from authored(item)
    elif isinstance(value, (str, int, float)):
        yield str(value)


def authors_words(journey: LoadedJourney) -> set[str]:
    texts = [*authored(journey.document), journey.display, str(journey.path)]
    for definitions in (journey.teams, journey.channels):
        for key, definition in definitions.items():
            texts += [key, *authored(definition.value)]
    texts += [link for step in journey.document.steps for link in (t.to for t in step.next)]
    return set().union(*(words(text) for text in texts))


@cache
def spanish_vocabulary() -> frozenset[str]:
    """Every word of the Spanish catalog's translations: words Spanish text may contain."""
    with (LOCALE_DIR / "es" / "LC_MESSAGES" / "cyclemap.po").open("rb") as handle:
        catalog = read_po(handle)
    found: set[str] = set()
    for message in catalog:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            found |= words(string or "")
    return frozenset(found)


class Seen(HTMLParser):
    """The text a person sees on a page: text outside scripts and styles, and titles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.hidden = 0
        self.lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.hidden += 1
        if tag == "html":
            self.lang = dict(attrs).get("lang")
        self.texts += [value for name, value in attrs if name == "title" and value]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden and data.strip():
            self.texts.append(data)


def page_texts(text: str) -> tuple[list[str], str | None]:
    seen = Seen()
    seen.feed(text)
    seen.close()
    return seen.texts, seen.lang


def svg_texts(data: bytes) -> list[str]:
    root = ET.fromstring(data)
    return [
        "".join(element.itertext())
        for element in root.iter()
        if element.tag.rpartition("}")[2] in ("text", "title")
    ]


def drawn(journey: LoadedJourney, language: str, view: str) -> list[str]:
    """What a viewer reads on the drawing `view`: the page, or an overview by team."""
    with chosen_language(language):
        if view == "html":
            texts, lang = page_texts(render_journey(journey, "html").data.decode("utf-8"))
            assert lang == language
            return texts
        options = RenderOptions(collapse="team")
        return svg_texts(render_journey(journey, "svg", options).data)


@pytest.mark.parametrize("view", ["html", "overview"])
@pytest.mark.parametrize("path", JOURNEYS, ids=lambda path: path.name)
def test_the_spanish_drawing_has_no_english_label_left(path: Path, view: str) -> None:
    journey = load(path)
    english, spanish = drawn(journey, "en", view), drawn(journey, "es", view)
    theirs = authors_words(journey)
    english_only = set().union(*map(words, english)) - theirs - spanish_vocabulary()
    assert english_only, "the English drawing has words of its own"
    left = {
        text.strip(): sorted(words(text) & english_only)
        for text in spanish
        if words(text) & english_only
    }
    assert not left, f"English left in the Spanish drawing of {path.name}: {left}"


def test_the_check_catches_a_label_nobody_translated(monkeypatch: pytest.MonkeyPatch) -> None:
    """The detector's own test: an English label drawn as is in Spanish is found."""
    import cyclemap.render.html as page

    monkeypatch.setattr(page, "_footer", lambda: "Drag the map to move it.")
    journey = load(JOURNEYS[0])
    english = set().union(*map(words, drawn(journey, "en", "html")))
    spanish = drawn(journey, "es", "html")
    english_only = english - authors_words(journey) - spanish_vocabulary()
    assert any(words(text) & english_only for text in spanish)


def test_numbers_on_the_map_are_written_the_languages_way() -> None:
    journey = load(EXAMPLES / "internet-support.journey.yaml")
    with chosen_language("es"):
        spanish = render_journey(journey, "svg").data.decode("utf-8")
    with chosen_language("en"):
        english = render_journey(journey, "svg").data.decode("utf-8")
    assert "entran 14.000" in spanish and "14,000 enter" in english
    assert "14,000" not in spanish and "14.000" not in english


def with_language(path: Path, folder: Path, language: str | None) -> Path:
    text = re.sub(r"^  language: \w+\n", "", path.read_text(encoding="utf-8"), flags=re.M)
    if language is not None:
        text = re.sub(
            r"^journey:\n", f"journey:\n  language: {language}\n", text, count=1, flags=re.M
        )
        assert f"language: {language}" in text
    target = folder / path.name
    target.write_text(text, encoding="utf-8")
    return target


@pytest.fixture
def spanish_journey(tmp_path: Path) -> LoadedJourney:
    return load(with_language(EXAMPLES / "medical-appointment.journey.yaml", tmp_path, "es"))


@pytest.mark.journey_language
def test_a_spanish_journey_draws_a_spanish_map_and_page_whatever_the_locale(
    spanish_journey: LoadedJourney, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CYCLEMAP_LANG", "en")
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    texts, lang = page_texts(render_journey(spanish_journey, "html").data.decode("utf-8"))
    assert lang == "es"
    assert "Dónde se pierden los clientes" in texts and "Where customers are lost" not in texts
    labels = svg_texts(render_journey(spanish_journey, "svg").data)
    assert "Leyenda" in labels and "Legend" not in labels


def test_lang_still_overrides_the_journeys_language(spanish_journey: LoadedJourney) -> None:
    with chosen_language("en"):
        texts, lang = page_texts(render_journey(spanish_journey, "html").data.decode("utf-8"))
        labels = svg_texts(render_journey(spanish_journey, "svg").data)
    assert lang == "en"
    assert "Where customers are lost" in texts and "Dónde se pierden los clientes" not in texts
    assert "Legend" in labels and "Leyenda" not in labels


@pytest.mark.journey_language
def test_english_is_the_same_whether_chosen_or_by_default(tmp_path: Path) -> None:
    """A journey without `language:` is drawn in the reader's language: English readers get
    the same page whichever way they said so, and `language: en` draws it for anyone."""
    example = EXAMPLES / "medical-appointment.journey.yaml"
    (tmp_path / "plain").mkdir()
    path = with_language(example, tmp_path / "plain", None)
    plain = render_journey(load(path), "html").data
    with chosen_language("en"):
        assert render_journey(load(path), "html").data == plain
    with chosen_language(None):
        english = load(with_language(example, tmp_path, "en"))
        texts, lang = page_texts(render_journey(english, "html").data.decode("utf-8"))
    assert lang == "en" and "Where customers are lost" in texts
