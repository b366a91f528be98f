"""SVG, PNG and PDF: what dot draws from the DOT source, checked as files."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.render import (
    FLOW,
    HAS_DOT,
    HOSTILE,
    HOSTILE_LABELS,
    HOSTILE_STAGES,
    HOSTILE_TEAMS,
    HOSTILE_TITLE,
    INTERNET,
    raw,
    render,
)

pytestmark = pytest.mark.skipif(not HAS_DOT, reason="needs Graphviz")

SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


def svg_root(path: Path, **options: object) -> ET.Element:
    data = render(path, "svg", **options).data
    return ET.fromstring(data)


def texts(root: ET.Element) -> list[str]:
    return ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


@pytest.mark.parametrize("path", [INTERNET, HOSTILE, FLOW], ids=lambda p: p.name)
def test_svg_parses_and_shows_the_title(path: Path) -> None:
    root = svg_root(path)
    assert local(root.tag) == "svg"
    title = raw(path)["journey"]["name"]
    assert title in texts(root)


@pytest.mark.parametrize("path", [INTERNET, HOSTILE], ids=lambda p: p.name)
def test_svg_has_no_script_handlers_or_links(path: Path) -> None:
    root = svg_root(path)
    for element in root.iter():
        assert local(element.tag) not in {"script", "foreignobject", "a", "iframe", "image"}
        for name in element.attrib:
            bare = local(name)
            assert not bare.startswith("on"), (element.tag, name)
            assert bare != "href" and name != XLINK_HREF, (element.tag, name)
    data = render(path, "svg").data.lower()
    assert b"<script" not in data


def test_hostile_names_are_drawn_as_text() -> None:
    shown = texts(svg_root(HOSTILE))
    for step_id, label in HOSTILE_LABELS.items():
        star = "★ " if step_id == "s0" else ""
        assert star + label in shown, (step_id, label)
    assert HOSTILE_TITLE in shown
    for stage in HOSTILE_STAGES:
        assert stage in shown
    assert HOSTILE_TEAMS["weird"] in shown  # in the legend


def test_hostile_svg_attributes_carry_no_user_text() -> None:
    root = svg_root(HOSTILE)
    for element in root.iter():
        for value in element.attrib.values():
            for fragment in ("alert", "script", "onmouseover", "javascript", "label=x", "TABLE"):
                assert fragment not in value, (element.tag, value)


@pytest.mark.parametrize("path", [INTERNET, HOSTILE], ids=lambda p: p.name)
def test_same_input_gives_the_same_svg(path: Path) -> None:
    assert render(path, "svg").data == render(path, "svg").data


def test_collapsed_svg_parses() -> None:
    root = svg_root(INTERNET, collapse="team")
    assert raw(INTERNET)["journey"]["name"] in texts(root)


@pytest.mark.parametrize(
    ("fmt", "magic"), [("png", b"\x89PNG\r\n\x1a\n"), ("pdf", b"%PDF-")], ids=["png", "pdf"]
)
@pytest.mark.parametrize("path", [INTERNET, HOSTILE], ids=lambda p: p.name)
def test_binary_formats_start_with_their_magic_bytes(path: Path, fmt: str, magic: bytes) -> None:
    data = render(path, fmt).data
    assert data.startswith(magic)
    assert len(data) > 1000


def test_pdf_ends_like_a_pdf() -> None:
    data = render(HOSTILE, "pdf").data
    assert b"%%EOF" in data[-64:]


def test_png_has_an_end_chunk() -> None:
    data = render(INTERNET, "png").data
    assert data.endswith(b"IEND\xaeB`\x82")
