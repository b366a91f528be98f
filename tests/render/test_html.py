"""The self-contained HTML page, read with the standard library's html.parser."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from cyclemap.config import load_settings
from cyclemap.engine import audit_journey
from tests.render import (
    EXAMPLES,
    FLOW,
    HAS_DOT,
    HOSTILE,
    HOSTILE_LABELS,
    HOSTILE_TITLE,
    INTERNET,
    load,
    raw,
    render,
)

pytestmark = pytest.mark.skipif(not HAS_DOT, reason="needs Graphviz")

VOID = {"meta", "br", "img", "input", "link", "hr", "area", "base", "col", "embed", "source", "wbr"}
ALLOWED = {
    "html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "div", "table", "tr",
    "th", "td", "svg", "g", "polygon", "path", "text", "ellipse", "polyline",
}  # fmt: skip
LINK_ATTRIBUTES = {"src", "href", "xlink:href", "action", "formaction", "srcset", "poster", "data"}


class Page(HTMLParser):
    """Records every tag, attribute and piece of text, and any nesting error."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[str, str, object]] = []
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(("start", tag, attrs))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(("start", tag, attrs))
        self.events.append(("end", tag, None))

    def handle_endtag(self, tag: str) -> None:
        self.events.append(("end", tag, None))
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.events.append(("data", self.stack[-1] if self.stack else "", data))

    @property
    def tags(self) -> set[str]:
        return {tag for kind, tag, _ in self.events if kind == "start"}

    def attributes(self) -> list[tuple[str, str, str]]:
        return [
            (tag, name, value or "")
            for kind, tag, attrs in self.events
            if kind == "start"
            for name, value in attrs  # type: ignore[union-attr]
        ]

    def text_of(self, tag: str) -> list[str]:
        return [str(data) for kind, where, data in self.events if kind == "data" and where == tag]

    def table_after(self, heading: str) -> list[list[str]]:
        """Rows (cell texts) of the first table after the <h2> saying `heading`."""
        rows: list[list[str]] = []
        seen_heading = in_table = False
        for index, (kind, tag, data) in enumerate(self.events):
            if kind == "data" and tag == "h2" and data == heading:
                seen_heading = True
            elif seen_heading and kind == "start" and tag == "table":
                in_table = True
            elif in_table and kind == "start" and tag == "tr":
                rows.append([])
            elif in_table and kind == "data" and tag in ("td", "th"):
                rows[-1].append(str(data))
            elif (in_table and kind == "end" and tag == "table") or (
                seen_heading and not in_table and kind == "start" and tag == "h2" and index
            ):
                return rows
        return rows


def page(path: Path, **options: object) -> tuple[str, Page]:
    text = render(path, "html", **options).data.decode("utf-8")
    parser = Page()
    parser.feed(text)
    parser.close()
    return text, parser


@pytest.mark.parametrize("path", [INTERNET, HOSTILE, FLOW], ids=lambda p: p.name)
def test_page_parses_with_balanced_tags(path: Path) -> None:
    text, parser = page(path)
    assert text.startswith("<!DOCTYPE html>")
    assert parser.errors == []
    assert parser.stack == []
    assert parser.tags <= ALLOWED, parser.tags - ALLOWED


@pytest.mark.parametrize("path", [INTERNET, HOSTILE], ids=lambda p: p.name)
def test_page_is_self_contained(path: Path) -> None:
    text, parser = page(path)
    assert "<script" not in text.lower()
    assert "<link" not in text.lower() and "<iframe" not in text.lower()
    for tag, name, value in parser.attributes():
        assert name not in LINK_ATTRIBUTES, (tag, name, value)
        assert not name.startswith("on"), (tag, name)
        assert "javascript:" not in value.lower(), (tag, name, value)
    style = "".join(parser.text_of("style"))
    assert "url(" not in style and "@import" not in style


def test_page_holds_the_map_inline() -> None:
    text, parser = page(INTERNET)
    assert "<svg" in text
    events = parser.events
    start = next(i for i, (k, t, _) in enumerate(events) if k == "start" and t == "svg")
    holder = [e for e in events[:start] if e[0] == "start"][-1]
    assert holder[1] == "div" and ("class", "map") in holder[2]  # type: ignore[operator]
    assert "<?xml" not in text and "<!DOCTYPE svg" not in text
    assert raw(INTERNET)["journey"]["name"] in parser.text_of("text")


def test_findings_table_has_one_row_per_finding() -> None:
    journey = load(INTERNET)
    findings = audit_journey(journey, load_settings(None, start=INTERNET))
    assert len(findings) == 5  # documented at the top of the example
    _, parser = page(INTERNET)
    rows = parser.table_after("Findings")
    assert rows[0] == ["severity", "rule", "line", "finding"]
    assert len(rows) - 1 == len(findings)
    assert sorted(row[1] for row in rows[1:]) == sorted(f.rule for f in findings)


def test_flow_table_lists_the_steps_that_lose_customers() -> None:
    _, parser = page(INTERNET)
    rows = parser.table_after("Where customers are lost")
    names = {s["name"] for s in raw(INTERNET)["steps"] if s.get("abandon", 0) > 0}
    assert {row[0] for row in rows[1:]} == names
    assert rows[1][0] == "Llama a la línea 01-8000 y recorre el menú IVR"  # the most lost


def test_clean_journey_says_so() -> None:
    _, parser = page(EXAMPLES / "insurance-quote.journey.yaml")  # clean on purpose
    assert "No findings: the audit found nothing to fix." in parser.text_of("p")


def test_hostile_names_appear_only_as_text() -> None:
    text, parser = page(HOSTILE)
    assert parser.text_of("h1") == [HOSTILE_TITLE]
    assert parser.text_of("title")[0].startswith(HOSTILE_TITLE)
    data = raw(HOSTILE)
    assert data["journey"]["description"] in parser.text_of("p")
    for tag in ("<i>", "<b>", "<img", "<script"):
        assert tag not in text
    shown = parser.text_of("text")
    assert "★ " + HOSTILE_LABELS["s0"] in shown
    assert HOSTILE_LABELS["s5"] in shown
    rows = parser.table_after("Where customers are lost")
    assert rows[1][0] == HOSTILE_LABELS["s0"]


def test_same_input_gives_the_same_page() -> None:
    assert render(HOSTILE, "html").data == render(HOSTILE, "html").data


def test_no_findings_does_not_claim_the_journey_is_clean() -> None:
    text, _ = page(INTERNET, findings=False)
    assert "the audit found nothing to fix" not in text
