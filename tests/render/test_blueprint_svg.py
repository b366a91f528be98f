"""The blueprint SVG as tools and people read it: stable hooks (ids and classes), tooltips,
numbered notes, the legend, hostile names kept as text, and the png and pdf a deck takes.

Expectations come from the journey file read as plain YAML; the SVG is read with an XML parser.
"""

from __future__ import annotations

import json
import re
import struct
import textwrap
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cyclemap.cli import app
from cyclemap.render import render_journey
from tests.support.geometry import Rect, point_list
from tests.support.links import BILLING, SUPPORT
from tests.support.render import (
    BLUEPRINT,
    EXAMPLES,
    FIXTURES,
    FLOW,
    HAS_DOT,
    HOSTILE,
    HOSTILE_FRAGMENTS,
    HOSTILE_LABELS,
    HOSTILE_STAGES,
    HOSTILE_TEAMS,
    HOSTILE_TITLE,
    INTERNET,
    SCORES,
    SVG_NS,
    blueprint_of,
    copy_examples,
    load,
    raw,
    render,
    svg_classes,
    svg_groups,
    svg_root,
    svg_texts,
    svg_title,
    write_tamed,
)

pytestmark = pytest.mark.skipif(not HAS_DOT, reason="needs Graphviz")
runner = CliRunner()

JOURNEYS = [*sorted(EXAMPLES.glob("*.journey.yaml")), *sorted(FIXTURES.glob("*.yaml"))]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
ICONS = "\u2605\u25b6\u2713\u2715\u2a2f"
"""What the map puts before a step's name: moment of truth, entry, success, failure, abandoned."""


def by_id(root: ET.Element) -> dict[str, ET.Element]:
    return {element.get("id", ""): element for element in root.iter() if element.get("id")}


def flat(text: str) -> str:
    """User text as a map shows it: control and format characters dropped, spaces folded."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def expected_transitions(data: dict[str, Any]) -> list[str]:
    """`t-I-J` for every `next` item (steps of other journeys numbered after the file's)."""
    steps = data["steps"]
    position = {step["id"]: i for i, step in enumerate(steps)}
    links: dict[str, int] = {}
    hooks = []
    for index, step in enumerate(steps):
        for move in step.get("next") or []:
            target = move["to"]
            if target not in position:
                links.setdefault(target, len(steps) + len(links))
            hooks.append(f"t-{index}-{position.get(target, links.get(target))}")
    return hooks


# --- hooks ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", JOURNEYS, ids=lambda p: p.name)
def test_svg_parses_and_every_id_is_unique(path: Path) -> None:
    data = render(path, "svg").data
    root = ET.fromstring(data)
    assert root.tag == f"{SVG_NS}svg"
    ids = Counter(element.get("id") for element in root.iter() if element.get("id"))
    assert [hook for hook, count in ids.items() if count > 1] == []


@pytest.mark.parametrize("path", JOURNEYS, ids=lambda p: p.name)
def test_each_step_has_its_group_with_the_step_class(path: Path) -> None:
    steps = raw(path)["steps"]
    groups = by_id(svg_root(path))
    for index, step in enumerate(steps):
        group = groups[f"step-{index}"]
        kinds = svg_classes(group)
        assert group.tag == f"{SVG_NS}g" and "step" in kinds, (index, kinds)
        assert ("backstage" in kinds) == bool(step.get("backstage")), (index, kinds)
        assert svg_title(group).startswith(f"{flat(step.get('name', step['id']))} ({step['id']})")


@pytest.mark.parametrize("path", JOURNEYS, ids=lambda p: p.name)
def test_the_step_class_marks_the_journeys_steps_and_nothing_else(path: Path) -> None:
    marked = [group.get("id") for group in svg_groups(svg_root(path), "step")]
    assert marked == [f"step-{index}" for index in range(len(raw(path)["steps"]))]


@pytest.mark.parametrize("path", JOURNEYS, ids=lambda p: p.name)
def test_each_transition_has_its_group_with_the_transition_class(path: Path) -> None:
    root = svg_root(path)
    drawn = [group.get("id") for group in svg_groups(root, "transition")]
    assert sorted(drawn) == sorted(expected_transitions(raw(path)))
    assert all(group.tag == f"{SVG_NS}g" for group in svg_groups(root, "transition"))


def test_a_step_of_another_journey_is_drawn_but_is_not_one_of_this_journeys_steps(
    tmp_path: Path,
) -> None:
    """`.step` must select this journey's steps: a tool counting them, and the page's click
    handlers, must not pick up the box standing for another journey's step."""
    (tmp_path / "cyclemap.toml").write_text("", encoding="utf-8")
    billing = textwrap.dedent(BILLING).replace("BACK", "")
    (tmp_path / "billing.journey.yaml").write_text(billing, encoding="utf-8")
    path = tmp_path / "support.journey.yaml"
    path.write_text(textwrap.dedent(SUPPORT), encoding="utf-8")  # links to billing:billing-desk
    root = ET.fromstring(render(path, "svg").data)
    assert sorted(group.get("id") for group in svg_groups(root, "transition")) == [
        "t-0-1",
        "t-1-2",
        "t-1-3",
    ]
    assert [group.get("id") for group in svg_groups(root, "step")] == ["step-0", "step-1", "step-2"]
    assert any("billing:billing-desk" in " ".join(svg_texts(g)) for g in root.iter(f"{SVG_NS}g"))


@pytest.mark.parametrize("path", JOURNEYS, ids=lambda p: p.name)
def test_one_stage_header_per_stage_in_order(path: Path) -> None:
    stages = raw(path)["stages"]
    headers = svg_groups(svg_root(path), "stage")
    assert len(headers) == len(stages)
    for header, stage in zip(headers, stages, strict=True):
        assert header.tag == f"{SVG_NS}g"
        shown = " ".join(svg_texts(header))
        assert shown.startswith(" ".join(flat(stage["name"]).split()[:1])), (shown, stage)
        assert svg_title(header) == flat(stage["name"])


def lane_names(root: ET.Element) -> list[tuple[str, bool]]:
    """(name, backstage) of every lane, from its tooltip `team: NAME (backstage)`."""
    names = []
    for lane in svg_groups(root, "lane"):
        title = svg_title(lane)
        backstage = title.endswith(" (backstage)")
        names.append((title.split(": ", 1)[1].removesuffix(" (backstage)"), backstage))
        assert backstage == ("backstage" in svg_classes(lane))
    return names


def names_of(path: Path, kind: str) -> dict[str, str]:
    """Team or channel id -> name, from the file and the catalogs it imports."""
    data = raw(path)
    named: dict[str, str] = {}
    for catalog in data.get("imports") or []:
        entries = raw(path.parent / catalog).get(kind) or {}
        named.update((key, flat(value["name"])) for key, value in entries.items())
    named.update((key, flat(value["name"])) for key, value in (data.get(kind) or {}).items())
    return named


def lanes_expected(path: Path, by: str) -> set[tuple[str, bool]]:
    data = raw(path)
    named = names_of(path, f"{by}s")
    return {
        (
            named[step[by]] if step.get(by) else f"(no {by})",
            bool(step.get("backstage")),
        )
        for step in data["steps"]
    }


@pytest.mark.parametrize("path", [INTERNET, BLUEPRINT, HOSTILE, FLOW], ids=lambda p: p.name)
@pytest.mark.parametrize("by", ["team", "channel"])
def test_one_lane_per_team_or_channel_and_side_of_the_line(path: Path, by: str) -> None:
    root = svg_root(path, lanes=by)
    names = lane_names(root)
    assert len(names) == len(set(names))
    assert set(names) == lanes_expected(path, by)
    assert all(svg_title(lane).startswith(f"{by}: ") for lane in svg_groups(root, "lane"))


@pytest.mark.parametrize("path", JOURNEYS, ids=lambda p: p.name)
def test_one_line_of_visibility_and_an_emotion_curve_when_a_step_has_a_score(path: Path) -> None:
    root = svg_root(path)
    assert len(svg_groups(root, "visibility")) == 1
    scored = [step for step in raw(path)["steps"] if "score" in step]
    emotion = svg_groups(root, "emotion")
    assert bool(emotion) == bool(scored)
    if scored:  # a point on the curve above each scored step's box
        groups = by_id(root)
        shaped = [g for g in emotion if "node" in svg_classes(g) and has_shape(g)]
        points = [bbox(g) for g in shaped if bbox(g).width < 20]
        for index, step in enumerate(raw(path)["steps"]):
            if "score" in step:
                box = bbox(groups[f"step-{index}"])
                centre = (box.left + box.right) / 2
                above = [p for p in points if abs((p.left + p.right) / 2 - centre) < 1]
                assert above and all(p.bottom < box.top for p in above), (index, above)


SHAPES = {f"{SVG_NS}{tag}" for tag in ("polygon", "path", "ellipse")}


def has_shape(group: ET.Element) -> bool:
    return any(element.tag in SHAPES for element in group)


def bbox(group: ET.Element) -> Rect:
    """The outline of a group's shapes, as Graphviz wrote them: the y axis is only shifted
    (negative values), so smaller y is still higher on the picture."""
    points: list[tuple[float, float]] = []
    for element in group:
        tag = element.tag.removeprefix(SVG_NS)
        if tag == "polygon":
            points += point_list(element.get("points", ""))
        elif tag == "path":
            points += point_list(element.get("d", ""))
        elif tag == "ellipse":
            cx, cy = float(element.get("cx", 0)), float(element.get("cy", 0))
            rx, ry = float(element.get("rx", 0)), float(element.get("ry", 0))
            points += [(cx - rx, cy - ry), (cx + rx, cy + ry)]
    return Rect.around(points)


# --- what the map says without the YAML ----------------------------------------------------------


def test_step_tooltips_carry_team_duration_score_and_the_moment_of_truth() -> None:
    data = raw(BLUEPRINT)
    teams = names_of(BLUEPRINT, "teams")
    groups = by_id(svg_root(BLUEPRINT))
    for index, step in enumerate(data["steps"]):
        title = svg_title(groups[f"step-{index}"])
        wanted = [teams[step["team"]]]
        if "duration" in step:
            wanted.append(str(step["duration"]))
        if "score" in step:
            wanted.append(str(step["score"]))
        moment = step.get("moment_of_truth")
        if moment:
            measure = moment["measure"]
            wanted += [moment["requirement"], moment["owner"], measure["metric"]]
            wanted += [str(measure["target"]), measure["survey"]]
        wanted += step.get("pain_points", []) + step.get("opportunities", [])
        assert [text for text in wanted if text not in title] == [], (index, title)


def test_transition_tooltips_carry_the_handoff_reason_and_lost_context() -> None:
    data = raw(BLUEPRINT)
    position = {step["id"]: i for i, step in enumerate(data["steps"])}
    groups = by_id(svg_root(BLUEPRINT))
    lost = 0
    for index, step in enumerate(data["steps"]):
        for move in step.get("next") or []:
            title = svg_title(groups[f"t-{index}-{position[move['to']]}"])
            if "reason" in move:
                assert move["reason"] in title
            lost += move.get("context") == "lost"
            assert ("context lost" in title) == (move.get("context") == "lost"), title
    assert lost == 2


INTERNAL = re.compile(r"^(?:[a-z]+\d+(?:m\d+)?|title|notes|emotion\w*|legend\d*)(?:->.*)?$")


@pytest.mark.parametrize("path", [BLUEPRINT, INTERNET], ids=lambda p: p.name)
def test_no_tooltip_shows_an_internal_node_name(path: Path) -> None:
    """Hovering a pain marker, a legend sample or the line of visibility must not show
    Graphviz's node names (`sstep2m1`, `legend7`, `p4->p5`)."""
    root = svg_root(path)
    graph = next(g for g in svg_groups(root, "graph"))
    shown = [
        (group.get("id"), svg_title(group))
        for group in root.iter(f"{SVG_NS}g")
        if group is not graph and INTERNAL.match(svg_title(group))
    ]
    assert shown == []


def test_pain_points_and_opportunities_are_numbered_on_their_steps_and_listed() -> None:
    data = raw(BLUEPRINT)
    root = svg_root(BLUEPRINT)
    notes = [
        (index, kind, text)
        for index, step in enumerate(data["steps"])
        for kind, key in (("pain", "pain_points"), ("opportunity", "opportunities"))
        for text in step.get(key, [])
    ]
    markers = svg_groups(root, "marker")
    numbers = sorted(int(svg_texts(marker)[0]) for marker in markers)
    assert numbers == list(range(1, len(notes) + 1))
    listing: dict[int, str] = {}
    number = 0
    for text in svg_texts(by_id(root)["notes"])[1:]:  # after the heading: number, then note
        if text.strip().isdigit():
            number = int(text)
        else:
            listing[number] = flat(text)
    groups = by_id(root)
    boxes = {i: bbox(groups[f"step-{i}"]) for i in range(len(data["steps"]))}
    names = {i: flat(step["name"]) for i, step in enumerate(data["steps"])}
    placed = []
    for marker in markers:
        number = int(svg_texts(marker)[0])
        kind = "pain" if "pain" in svg_classes(marker) else "opportunity"
        spot = bbox(marker)
        x, y = (spot.left + spot.right) / 2, (spot.top + spot.bottom) / 2
        # The box the marker sits on: its centre on the box's top edge, within its width.
        on = [i for i, box in boxes.items() if box.left <= x <= box.right and abs(box.top - y) <= 8]
        assert len(on) == 1, (number, on)
        placed.append((on[0], kind))
        assert listing.get(number) in {
            f"{names[on[0]]}: {flat(text)}" for i, k, text in notes if (i, k) == (on[0], kind)
        }, (number, listing)
    assert sorted(placed) == sorted((i, k) for i, k, _ in notes)


def test_header_shows_the_persona_and_where_customers_enter() -> None:
    data = raw(BLUEPRINT)
    header = " ".join(svg_texts(by_id(svg_root(BLUEPRINT))["title"]))
    assert data["journey"]["name"] in header
    assert data["journey"]["persona"] in header
    for step in data["steps"]:
        entry = step.get("entry")
        if isinstance(entry, dict):
            shown = rf"{re.escape(step['name'])} \({entry['volume']:,}\)(?:\D|$)"
            assert re.search(shown, header), (
                step["name"],
                header,
            )


def test_stage_headers_count_the_customers_lost_as_stats_does() -> None:
    result = runner.invoke(app, ["stats", str(BLUEPRINT), "-f", "json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)["journeys"][0]
    endings = figures["overall"]["endings"]
    lost = figures["total_volume"] * (endings["failure"] + endings["abandoned"] + endings["stuck"])
    headers = svg_groups(svg_root(BLUEPRINT), "stage")
    counted = 0.0
    for header in headers:
        found = re.search(r"([\d,]+) lost", " ".join(svg_texts(header)))
        assert found is not None, svg_texts(header)
        counted += float(found.group(1).replace(",", ""))
    assert abs(counted - lost) <= len(headers) / 2  # each header rounds to a whole customer


def test_fill_is_the_team_alone_and_every_team_colour_is_in_the_legend() -> None:
    """Outcomes are told by border and icon, never by a fill a team could have."""
    for path in (INTERNET, BLUEPRINT):
        data = raw(path)
        root = svg_root(path)
        fills: dict[str | None, set[str]] = {}
        for index, step in enumerate(data["steps"]):
            shape = by_id(root)[f"step-{index}"].find(f"{SVG_NS}path")
            assert shape is not None
            fills.setdefault(step.get("team"), set()).add(shape.get("fill", ""))
        assert all(len(colours) == 1 for colours in fills.values()), fills
        colours = [next(iter(c)) for team, c in fills.items() if team is not None]
        assert len(set(colours)) == len(colours)
        legend = svg_groups(root, "legend")
        swatches = {
            shape.get("fill")
            for group in legend
            for shape in group
            if shape.tag in (f"{SVG_NS}polygon", f"{SVG_NS}path")
        }
        assert set(colours) <= swatches
        lines = [text for group in legend for text in svg_texts(group)]
        teams = names_of(path, "teams")
        for team in fills:
            if team is not None:  # a long name may be cut short with an ellipsis
                name = teams[team]
                assert any(
                    line == name or (line.endswith("…") and name.startswith(line[:-1].rstrip()))
                    for line in lines
                ), name


# --- hostile names -------------------------------------------------------------------------------


def _shape_of(root: ET.Element) -> Counter[tuple[str, tuple[str, ...]]]:
    """Elements (but lines of text, which wrap by length) with their attribute names."""
    return Counter(
        (element.tag, tuple(sorted(element.attrib)))
        for element in root.iter()
        if element.tag != f"{SVG_NS}text"
    )


def test_hostile_names_add_no_element_or_attribute(tmp_path: Path) -> None:
    tame = write_tamed(HOSTILE, tmp_path)
    hostile, plain = svg_root(HOSTILE), ET.fromstring(render_journey(load(tame), "svg").data)
    assert _shape_of(hostile) == _shape_of(plain)


def test_hostile_names_are_drawn_as_text_and_kept_whole_in_tooltips() -> None:
    root = svg_root(HOSTILE)
    groups = by_id(root)
    steps = raw(HOSTILE)["steps"]
    for index, step in enumerate(steps):
        expected = HOSTILE_LABELS[step["id"]]
        assert svg_title(groups[f"step-{index}"]).split("\n")[0] == f"{expected} ({step['id']})"
        name = "".join(
            "".join(text.itertext())
            for text in groups[f"step-{index}"].iter(f"{SVG_NS}text")
            if text.get("font-weight") == "bold"
        )
        # Wrapped into lines, maybe cut with an ellipsis: the same characters, in order.
        shown = re.sub(rf"[\s{ICONS}]+", "", name)
        whole = re.sub(r"\s+", "", expected)
        assert whole.startswith(shown.removesuffix("…")), (expected, name)
        assert shown.endswith("…") or shown == whole, (expected, name)
    every = svg_texts(root)
    assert HOSTILE_TITLE in every
    for stage in HOSTILE_STAGES:
        assert stage in " ".join(every)
    assert HOSTILE_TEAMS["weird"] in every  # lane header or legend


def test_hostile_svg_attributes_carry_no_user_text() -> None:
    root = svg_root(HOSTILE)
    for element in root.iter():
        assert element.tag.removeprefix(SVG_NS) not in {"script", "foreignObject", "a", "image"}
        for name, value in element.attrib.items():
            assert not name.removeprefix("{").startswith("on"), (element.tag, name)
            assert "href" not in name, (element.tag, name)
            for fragment in HOSTILE_FRAGMENTS:
                assert fragment not in value, (element.tag, name, value)


# --- png, pdf and sizes ------------------------------------------------------------------------


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk, which always comes first."""
    assert data.startswith(PNG_MAGIC) and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize(
    "path",
    [INTERNET, BLUEPRINT, EXAMPLES / "datasheet-download.journey.yaml"],
    ids=lambda p: p.name,
)
def test_png_width_1920_is_exactly_1920_pixels_wide(path: Path, tmp_path: Path) -> None:
    folder = copy_examples(tmp_path)
    journey = folder / path.name
    journey.write_bytes(path.read_bytes())
    result = runner.invoke(app, ["render", str(journey), "-f", "png", "--width", "1920"])
    assert result.exit_code == 0, result.output
    data = journey.with_name(path.name.replace(".yaml", ".png")).read_bytes()
    width, height = png_size(data)
    assert width == 1920
    blueprint = blueprint_of(path)  # scaled, not cropped or stretched
    assert abs(height - width * blueprint.height / blueprint.width) <= 2
    assert data.endswith(b"IEND\xaeB`\x82")


@pytest.mark.parametrize("width", [None, 1920])
def test_pdf_is_a_pdf(width: int | None) -> None:
    data = render(BLUEPRINT, "pdf", width=width).data
    assert data.startswith(b"%PDF-")
    assert b"%%EOF" in data[-64:]



NARROW = """\
cyclemap: 1
journey: {id: narrow, name: Estrecho}
teams:
  first: {name: Mesa de ayuda de primer nivel con nombre largo}
  second: {name: Equipo de facturación y cobranza regional}
  third: {name: Oficina de reclamaciones y peticiones formales}
stages: [{id: only, name: Única}]
steps:
  - id: ask
    name: Pregunta
    stage: only
    team: first
    entry: {volume: 100}
    score: 2
    pain_points: [Nadie contesta]
    opportunities: [Devolver la llamada]
    next: [{to: bill, context: lost}]
  - id: bill
    name: Cobro
    stage: only
    team: second
    score: 4
    next: [{to: done}]
  - id: done
    name: Listo
    stage: only
    team: third
    outcome: success
"""
"""One narrow column, three teams with long names, notes, a feeling curve and a lost
handoff: every kind of legend row at once, on a map too narrow to hold them in five rows."""


def _text_ys(element: ET.Element) -> list[float]:
    """The baselines of every line of text inside `element` (Graphviz draws upwards: from
    minus the drawing's height at the top to 0 at its foot)."""
    return [float(text.get("y", "0")) for text in element.iter(f"{SVG_NS}text")]


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("name", ["narrow", "flow", "scores", "blueprint", "internet"])
def test_the_legend_takes_the_rows_it_needs_and_the_notes_start_below_it(
    name: str, language: str, tmp_path: Path
) -> None:
    """A narrow map, or the longer Spanish words, wrap the legend onto more rows: the notes
    and the foot of the drawing move down, nothing is drawn over anything else."""
    from cyclemap.util.i18n import chosen_language

    paths = {"flow": FLOW, "scores": SCORES, "blueprint": BLUEPRINT, "internet": INTERNET}
    path = paths.get(name) or tmp_path / "narrow.journey.yaml"
    if name == "narrow":
        path.write_text(NARROW, encoding="utf-8")
    with chosen_language(language):
        root = svg_root(path)
    legend = [y for group in svg_groups(root, "legend") for y in _text_ys(group)]
    assert legend
    height = float(root.get("viewBox", "0 0 0 0").split()[3])
    assert all(-height < y < 0 for y in legend)
    notes = by_id(root).get("notes")
    if name in ("narrow", "blueprint"):
        assert notes is not None
    if notes is not None:
        assert max(legend) + 8 <= min(_text_ys(notes))
        assert max(_text_ys(notes)) < 0
