"""SVG, PNG and PDF: what Graphviz draws from the DOT source, checked as files. What the
blueprint SVG holds (hooks, tooltips, hostile names) is in test_blueprint_svg."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.render import FLOW, HAS_DOT, HOSTILE, INTERNET, raw, render, svg_root, svg_texts

pytestmark = pytest.mark.skipif(not HAS_DOT, reason="needs Graphviz")

XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


@pytest.mark.parametrize("path", [INTERNET, HOSTILE, FLOW], ids=lambda p: p.name)
def test_svg_parses_and_shows_the_title(path: Path) -> None:
    root = svg_root(path)
    assert local(root.tag) == "svg"
    title = raw(path)["journey"]["name"]
    assert title in svg_texts(root)


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


@pytest.mark.parametrize("path", [INTERNET, HOSTILE], ids=lambda p: p.name)
def test_same_input_gives_the_same_svg(path: Path) -> None:
    assert render(path, "svg").data == render(path, "svg").data


def test_collapsed_svg_parses() -> None:
    root = svg_root(INTERNET, collapse="team")
    assert raw(INTERNET)["journey"]["name"] in svg_texts(root)


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
