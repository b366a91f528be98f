"""The DOT target: the blueprint with every position fixed, read by a DOT parser written for
these tests and by Graphviz itself (`neato -n2`, which draws the positions it is given).
The `--collapse` overviews still go through dot's own layout and are checked at the end."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from cyclemap.graph import JourneyGraph
from cyclemap.render.dot import layout_effort, to_dot
from cyclemap.render.view import build_view
from tests.support.render import (
    BLUEPRINT,
    EXAMPLES,
    FINDING_RED,
    FIXTURES,
    FLOW,
    HAS_DOT,
    HOSTILE,
    HOSTILE_CHANNELS,
    HOSTILE_FRAGMENTS,
    HOSTILE_LABELS,
    HOSTILE_STAGES,
    HOSTILE_TEAMS,
    HOSTILE_TITLE,
    INTERNET,
    MOMENT_GOLD,
    DotGraph,
    Tok,
    dot_json,
    dot_run,
    findings_of,
    generator,
    html_label_text,
    load,
    parse_dot,
    raw,
    render,
    step_keys,
    write_tamed,
)

pytestmark = pytest.mark.skipif(not HAS_DOT, reason="needs Graphviz")

JOURNEYS = [*sorted(EXAMPLES.glob("*.journey.yaml")), *sorted(FIXTURES.glob("*.yaml"))]
SYNTHETIC_NODE = re.compile(r"^[a-z]+[0-9]*(?:m[0-9]+)?$")
# Attributes Graphviz copies into SVG unescaped, or that become links, scripts or file reads.
FORBIDDEN_ATTRIBUTES = {
    *(
        f"{part}{kind}"
        for part in ("", "edge", "head", "tail", "label")
        for kind in ("URL", "href")
    ),
    *(
        f"{part}{kind}"
        for part in ("", "edge", "head", "tail", "label")
        for kind in ("tooltip", "target")
    ),
    "image",
    "imagepath",
    "shapefile",
    "fontpath",
    "stylesheet",
}
SAFE_VALUE = re.compile(r"^[#\w.,:!% -]*$")
"""Numbers, colours, positions, styles, and the synthetic ids and classes of the hooks."""
ICONS = "\u2605\u25b6\u2713\u2715\u2a2f\u21aa"
"""Put before a step's name: moment of truth, entry, success, failure, abandoned, link."""
SUCCESS_GREEN = "#1b5e20"


def dot_of(path: Path, **options: object) -> str:
    return render(path, "dot", **options).data.decode("utf-8")


def hooks(path: Path) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """(step id -> `step-N`, (source id, target id) -> `t-I-J`), from the YAML alone."""
    steps = raw(path)["steps"]
    position = {step["id"]: index for index, step in enumerate(steps)}
    transitions = {
        (step["id"], move["to"]): f"t-{position[step['id']]}-{position[move['to']]}"
        for step in steps
        for move in step.get("next") or []
        if move["to"] in position
    }
    return {step: f"step-{index}" for step, index in position.items()}, transitions


def rows(label: Tok) -> list[tuple[str, bool]]:
    """The lines of an HTML-like box label as (text, bold)."""
    assert label.kind == "html", label
    lines = []
    for row in label.text.split("<BR/>"):
        element = ET.fromstring(f"<L>{row}</L>")
        lines.append(("".join(element.itertext()), element.find(".//B") is not None))
    return lines


def cells(label: Tok) -> list[str]:
    """The text of each cell of an HTML-like table label, or its lines when it has none."""
    root = ET.fromstring(f"<L>{label.text}</L>")
    found = ["".join(cell.itertext()) for cell in root.iter("TD")]
    return found or html_label_text(label)


def name_of(label: Tok) -> str:
    """The step name a box shows, icons dropped and wrapped lines joined without spaces."""
    return re.sub(rf"[\s{ICONS}]+", "", "".join(text for text, bold in rows(label) if bold))


def classes(attributes: dict[str, Any]) -> set[str]:
    value = attributes.get("class", "")
    return set((value.text if isinstance(value, Tok) else value).split())


def value(attributes: dict[str, Tok], key: str, default: str = "") -> str:
    return attributes[key].text if key in attributes else default


# --- Graphviz reads it and only draws --------------------------------------------------------


@pytest.mark.parametrize("path", JOURNEYS, ids=lambda p: p.name)
def test_neato_draws_the_source_as_given(path: Path) -> None:
    source = dot_of(path)
    neato = shutil.which("neato")
    commands = [["-Kneato", "-n2"]] + ([[neato, "-n2"]] if neato else [])
    for command in commands:
        program = command if command[0] == neato else [shutil.which("dot") or "dot", *command]
        completed = subprocess.run(
            [*program, "-Tsvg"], input=source.encode(), capture_output=True, timeout=60, check=False
        )
        assert completed.returncode == 0, completed.stderr.decode()
        assert completed.stderr == b"", completed.stderr.decode()
        assert completed.stdout.lstrip().startswith(b"<?xml")
    laid = dot_json(source, positioned=True)
    written = parse_dot(source)
    for name, node in written.nodes.items():  # nothing was moved (json rounds to 0.1 pt)
        placed = [float(v) for v in laid.nodes[name]["pos"].split(",")]
        given = [float(v) for v in value(node, "pos").split(",")]
        assert all(abs(a - b) <= 0.06 for a, b in zip(placed, given, strict=True)), name
    data = raw(path)
    drawn = laid.by_id()
    steps = [key for key in drawn if key.startswith("step-")]
    assert sorted(steps) == sorted(f"step-{i}" for i in range(len(data["steps"])))
    transitions = [key for key in drawn if key.startswith("t-")]
    assert len(transitions) == sum(len(step.get("next") or []) for step in data["steps"])


def _skeleton(graph: DotGraph) -> tuple[Any, ...]:
    return (
        sorted((name, sorted(attributes)) for name, attributes in graph.nodes.items()),
        sorted((tail, head, sorted(attributes)) for tail, head, attributes in graph.edges),
        sorted(graph.clusters),
    )


def test_hostile_names_add_no_nodes_edges_or_attributes(tmp_path: Path) -> None:
    plain = write_tamed(HOSTILE, tmp_path)
    hostile, tame = parse_dot(dot_of(HOSTILE)), parse_dot(dot_of(plain))
    assert _skeleton(hostile) == _skeleton(tame)
    assert len(dot_json(dot_of(HOSTILE), positioned=True).nodes) == len(hostile.nodes)


def test_user_text_only_inside_labels_and_every_node_id_synthetic() -> None:
    graph = parse_dot(dot_of(HOSTILE))
    assert graph.name == "blueprint"
    ids = {step["id"] for step in raw(HOSTILE)["steps"]}
    for token in graph.node_ids:
        assert token.kind == "id" and SYNTHETIC_NODE.match(token.text), token
        assert token.text not in ids, token
    assert graph.clusters == {}
    every: list[dict[str, Tok]] = [graph.attrs, *graph.defaults.values(), *graph.nodes.values()]
    every += [attributes for _, _, attributes in graph.edges]
    for attributes in every:
        assert not FORBIDDEN_ATTRIBUTES & set(attributes), attributes
        for key, token in attributes.items():
            if key == "label":
                if token.kind == "html":
                    ET.fromstring(f"<L>{token.text}</L>")  # well-formed: nothing breaks out
                continue
            assert SAFE_VALUE.match(token.text), (key, token)
            assert not any(fragment in token.text for fragment in HOSTILE_FRAGMENTS)


def test_hostile_labels_are_markup_that_reads_as_the_names() -> None:
    graph = parse_dot(dot_of(HOSTILE))
    nodes = {value(node, "id"): node for node in graph.nodes.values() if "id" in node}
    steps = raw(HOSTILE)["steps"]
    for index, step in enumerate(steps):
        label = nodes[f"step-{index}"]["label"]
        tags = {element.tag for element in ET.fromstring(f"<L>{label.text}</L>").iter()}
        assert tags <= {"L", "B", "BR", "FONT"}, label
        shown, whole = name_of(label), re.sub(r"\s+", "", HOSTILE_LABELS[step["id"]])
        assert whole.startswith(shown.removesuffix("…")), (whole, shown)
        assert shown.endswith("…") or shown == whole, (whole, shown)
        details = [text for text, bold in rows(label) if not bold]
        if "channel" in step:  # lanes are teams, so the box names its channel
            assert details[0] == HOSTILE_CHANNELS[step["channel"]]
    title = cells(graph.nodes["title"]["label"])
    assert title[0] == HOSTILE_TITLE
    stages = sorted(
        (node for node in graph.nodes.values() if "stage" in classes(node)),
        key=lambda node: value(node, "id"),
    )
    assert [html_label_text(node["label"])[0] for node in stages] == HOSTILE_STAGES
    words = " ".join(
        line
        for node in graph.nodes.values()
        if "label" in node and node["label"].kind == "html"
        for line in html_label_text(node["label"])
    )
    for team in HOSTILE_TEAMS.values():
        assert team in words


def test_shape_record_is_never_used() -> None:
    for path in (HOSTILE, INTERNET):
        source = dot_of(path)
        assert not re.search(r"shape\s*=\s*\"?M?record", source, re.I)


@pytest.mark.parametrize("path", [INTERNET, HOSTILE, BLUEPRINT], ids=lambda p: p.name)
def test_same_input_gives_the_same_bytes(path: Path) -> None:
    assert render(path, "dot").data == render(path, "dot").data


def test_the_blueprint_asks_graphviz_for_no_layout() -> None:
    """Positions are cyclemap's: no ranking, clusters or layout effort for Graphviz to spend."""
    graph = parse_dot(dot_of(INTERNET))
    layout = {"rankdir", "rank", "nslimit", "nslimit1", "mclimit", "searchsize", "newrank"}
    assert not layout & set(graph.attrs)
    assert graph.clusters == {}
    assert all("pos" in node for node in graph.nodes.values())
    assert all("pos" in attributes for _, _, attributes in graph.edges)


# --- what the map shows ------------------------------------------------------------------------


def _laid(path: Path, **options: object) -> dict[str, dict[str, Any]]:
    return dot_json(dot_of(path, **options), positioned=True).by_id()


def test_peloteo_edges_are_thick_red_and_marked_and_only_those() -> None:
    drawn = _laid(INTERNET)
    _, transitions = hooks(INTERNET)
    loop = {
        transitions[("n1-diagnosis", "billing-desk")],
        transitions[("billing-desk", "n1-diagnosis")],
    }
    for hook in transitions.values():
        edge = drawn[hook]
        thick = float(edge.get("penwidth", "1")) >= 3
        if hook in loop:
            assert thick and edge["color"] == FINDING_RED and "peloteo" in classes(edge), edge
        else:
            assert not thick and "peloteo" not in classes(edge), (hook, edge)


def test_handoffs_are_dashed_and_other_transitions_are_not() -> None:
    drawn = _laid(INTERNET)
    team = {step["id"]: step.get("team") for step in raw(INTERNET)["steps"]}
    _, transitions = hooks(INTERNET)
    for (source, target), hook in transitions.items():
        edge = drawn[hook]
        handoff = None not in (team[source], team[target]) and team[source] != team[target]
        dashed = "dashed" in edge.get("style", "")
        assert dashed == handoff == ("handoff" in classes(edge)), (source, target, edge)


def test_context_lost_edges_are_red_and_marked() -> None:
    drawn = _laid(INTERNET, findings=False)
    _, transitions = hooks(INTERNET)
    lost = {
        (step["id"], move["to"])
        for step in raw(INTERNET)["steps"]
        for move in step.get("next") or []
        if move.get("context") == "lost"
    }
    assert len(lost) == 3
    for pair, hook in transitions.items():
        edge = drawn[hook]
        marked = "context-lost" in classes(edge)
        assert marked == (pair in lost) == (edge["color"] == FINDING_RED), (pair, edge)


def test_entries_outcomes_and_steps_have_distinct_looks_none_by_fill() -> None:
    drawn = _laid(INTERNET, findings=False)
    steps, _ = hooks(INTERNET)

    def look(step: str) -> tuple[str, str, str, str]:
        node = drawn[steps[step]]
        dashed = "dashed" if "dashed" in node.get("style", "") else ""
        return node.get("peripheries", "1"), node["color"], node.get("penwidth", "1"), dashed

    entries = {look(step) for step in ("call-line", "report-app", "web-chat", "outage-page")}
    success, abandoned, plain = look("service-restored"), look("files-complaint"), look("self-help")
    assert len(entries) == 1 and float(next(iter(entries))[2]) >= 2
    assert success[0] == "2" and success[1] == SUCCESS_GREEN
    assert abandoned[0] == "2" and abandoned[3] == "dashed"
    assert plain[0] == "1" and plain[3] == ""
    assert len({*entries, success, abandoned, plain}) == 4
    for step, kind in (("call-line", "entry"), ("service-restored", "success")):
        assert kind in classes(drawn[steps[step]])


def test_moments_of_truth_are_starred_in_the_legends_colour() -> None:
    graph = parse_dot(dot_of(INTERNET, findings=False))
    nodes = {value(node, "id"): node for node in graph.nodes.values() if "id" in node}
    legend = next(
        node
        for node in graph.nodes.values()
        if "legend" in classes(node) and "moment of truth" in node.get("label", Tok("id", "")).text
    )
    colour = re.search(r'COLOR="([^"]+)"', legend["label"].text)
    assert colour is not None
    for index, step in enumerate(raw(INTERNET)["steps"]):
        node = nodes[f"step-{index}"]
        starred = html_label_text(node["label"])[0].startswith("\u2605")
        assert starred == ("moment_of_truth" in step) == ("moment-of-truth" in classes(node))
        if starred:
            assert f'<FONT COLOR="{colour.group(1)}">\u2605</FONT>' in node["label"].text


def test_no_findings_removes_every_highlight() -> None:
    steps, transitions = hooks(INTERNET)
    marked = _laid(INTERNET)
    plain = _laid(INTERNET, findings=False)
    for step in ("call-line", "n1-diagnosis", "billing-desk"):  # drop-off point, peloteo
        assert "flagged" in classes(marked[steps[step]])
        assert marked[steps[step]]["color"] == FINDING_RED
        assert "flagged" not in classes(plain[steps[step]])
        assert plain[steps[step]]["color"] != FINDING_RED
    assert any("peloteo" in classes(marked[hook]) for hook in transitions.values())
    for hook in transitions.values():
        assert "peloteo" not in classes(plain[hook])
        assert float(plain[hook].get("penwidth", "1")) < 3
    for hook in steps.values():
        assert plain[hook]["color"] != FINDING_RED
        assert "flagged" not in classes(plain[hook])


def test_title_stages_in_order_and_a_legend_of_every_encoding() -> None:
    graph = parse_dot(dot_of(BLUEPRINT))
    data = raw(BLUEPRINT)
    title = cells(graph.nodes["title"]["label"])
    assert title[0] == data["journey"]["name"]
    assert data["journey"]["id"] in title[1] and data["journey"]["persona"] in title[1]
    stages = [node for node in graph.nodes.values() if "stage" in classes(node)]
    stages.sort(key=lambda node: float(value(node, "pos").split(",")[0]))
    assert [html_label_text(node["label"])[0] for node in stages] == [
        stage["name"] for stage in data["stages"]
    ]
    legend = " ".join(
        line
        for node in graph.nodes.values()
        if "legend" in classes(node) and node["label"].kind == "html"
        for line in cells(node["label"])
    )
    for encoding in (
        "entry",
        "success",
        "failure",
        "abandoned",
        "finding",
        "another journey",
        "handoff",
        "context lost",
        "peloteo",
        "moment of truth",
        "abandon",
        "pain point",
        "opportunity",
        "line of visibility",
        "feeling",
    ):
        assert encoding in legend, encoding


def test_html_like_label_is_not_injected_by_a_crafted_team_name(tmp_path: Path) -> None:
    """The attack graphviz.quote allows: a name that is itself `<...>` becomes markup."""
    path = tmp_path / "crafted.journey.yaml"
    path.write_text(
        "cyclemap: 1\n"
        "journey: {id: crafted, name: '<x> -> y'}\n"
        "teams: {t: {name: '<x>> n99 [label=<z>]; n98 -> n99 [label=<w'}}\n"
        "stages: [{id: a, name: '<a>'}]\n"
        "steps:\n"
        "  - {id: s, name: '<x>', stage: a, team: t, entry: true, next: [{to: d}]}\n"
        "  - {id: d, name: '>', stage: a, outcome: success}\n",
        encoding="utf-8",
    )
    source = dot_of(path)
    laid = dot_json(source, positioned=True)
    assert not {"n98", "n99"} & set(laid.nodes)
    drawn = laid.by_id()
    assert sorted(key for key in drawn if key.startswith(("step-", "t-"))) == [
        "step-0",
        "step-1",
        "t-0-1",
    ]
    assert all(SYNTHETIC_NODE.match(name) for name in laid.nodes)


def test_long_names_are_cut_well_below_dot_limits(tmp_path: Path) -> None:
    name = "x" * 5000
    path = tmp_path / "long.journey.yaml"
    path.write_text(
        "cyclemap: 1\n"
        f"journey: {{id: long, name: {name}}}\n"
        "stages: [{id: a, name: " + "s" * 3000 + "}]\n"
        "steps:\n"
        f"  - {{id: s, name: {name}, stage: a, entry: true, next: [{{to: d}}]}}\n"
        "  - {id: d, stage: a, outcome: success}\n",
        encoding="utf-8",
    )
    source = dot_of(path)
    graph = parse_dot(source)
    nodes = {value(node, "id"): node for node in graph.nodes.values() if "id" in node}
    shown = [text for text, bold in rows(nodes["step-0"]["label"]) if bold]
    assert len(shown) <= 3 and all(len(line) <= 80 for line in shown)
    assert shown[-1].endswith("…")
    assert all(len(line) <= 200 for line in cells(graph.nodes["title"]["label"]))
    assert len(source) < 20_000
    assert dot_run(source, "svg", positioned=True).returncode == 0


@pytest.mark.parametrize("lanes", ["team", "channel"])
def test_lanes_by_team_and_channel_are_drawn(lanes: str) -> None:
    source = dot_of(INTERNET, lanes=lanes)
    assert dot_run(source, "svg", positioned=True).returncode == 0
    lane_nodes = [node for node in parse_dot(source).nodes.values() if "lane" in classes(node)]
    # One lane per team (or channel) the customer deals with, and one per team working
    # backstage: internet-support's billing team has both.
    keys = {(step.get(lanes), bool(step.get("backstage"))) for step in raw(INTERNET)["steps"]}
    assert len(lane_nodes) == len(keys)
    assert sum("backstage" in classes(node) for node in lane_nodes) == sum(
        backstage for _, backstage in keys
    )


# --- the --collapse overviews (dot's own layout) ----------------------------------------------


def test_collapsed_map_has_group_boxes_and_no_legend_or_lanes() -> None:
    source = dot_of(INTERNET, collapse="stage")
    laid = dot_json(source)
    assert sorted(laid.nodes) == [f"g{i}" for i in range(5)]
    assert laid.clusters == {}
    assert dot_run(source, "svg").returncode == 0


def test_collapsed_arrows_grow_with_the_flow_they_carry() -> None:
    laid = dot_json(dot_of(FLOW, collapse="team"))
    widths = sorted(
        (float(edge["label"].split()[0].replace(",", "")), float(edge.get("penwidth", "1")))
        for _, _, edge in laid.edges
    )
    assert [amount for amount, _ in widths] == [360.0, 1260.0]
    assert widths[0][1] < widths[1][1]


def test_layout_effort_tiers() -> None:
    assert layout_effort(0) == {} and layout_effort(150) == {}
    middle = layout_effort(151)
    assert middle["nslimit"] and middle["mclimit"] and middle["remincross"] == "false"
    big = layout_effort(5000)
    assert float(big["nslimit"]) <= float(middle["nslimit"])
    assert float(big["mclimit"]) <= float(middle["mclimit"])
    assert big["splines"] == "line"


@pytest.mark.parametrize("steps", [200, 700])
def test_big_flowcharts_carry_the_effort_bounds(steps: int, tmp_path: Path) -> None:
    path = tmp_path / "big.journey.yaml"
    path.write_text(generator().journey_text(steps), encoding="utf-8")
    graph = parse_dot(to_dot(build_view(JourneyGraph(load(path)))))
    for key, expected in layout_effort(steps).items():
        assert graph.attrs[key].text == expected


def test_a_400_step_map_draws(tmp_path: Path) -> None:
    """How long it takes is measured by `benchmarks/run.py`, not asserted here."""
    path = tmp_path / "big.journey.yaml"
    path.write_text(generator().journey_text(400), encoding="utf-8")
    data = render(path, "svg", findings=False).data
    assert data.lstrip().startswith(b"<?xml")


def test_to_dot_without_findings_ignores_marks_already_in_the_view() -> None:
    journey = load(INTERNET)
    marked = build_view(JourneyGraph(journey), findings_of(journey))
    laid = dot_json(to_dot(marked, findings=False))
    keys = step_keys(INTERNET)
    assert laid.nodes[keys["call-line"]]["color"] == MOMENT_GOLD
    exit_edge = next(e for t, h, e in laid.edges if (t, h) == (keys["call-line"], "n0x"))
    assert exit_edge["color"] != FINDING_RED
    assert all(float(e.get("penwidth", "1")) < 3 for _, _, e in laid.edges)
    assert dot_json(to_dot(marked)).nodes[keys["call-line"]]["color"] == FINDING_RED
