"""The DOT target, read by a DOT parser written for these tests and by the real `dot`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cyclemap.graph import JourneyGraph
from cyclemap.render.dot import layout_effort, to_dot
from cyclemap.render.view import build_view
from tests.render import (
    EXAMPLES,
    FINDING_RED,
    FLOW,
    HAS_DOT,
    HOSTILE,
    HOSTILE_CHANNELS,
    HOSTILE_LABELS,
    HOSTILE_STAGES,
    HOSTILE_TEAMS,
    HOSTILE_TITLE,
    INTERNET,
    MOMENT_GOLD,
    REPO,
    DotGraph,
    dot_json,
    dot_run,
    generator,
    html_label_tags,
    html_label_text,
    load,
    parse_dot,
    raw,
    render,
    step_keys,
)

pytestmark = pytest.mark.skipif(not HAS_DOT, reason="needs Graphviz")

SYNTHETIC_NODE = re.compile(r"^(n\d+[exs]?|legend|g\d+)$")
# Attributes dot copies into SVG without escaping, or that turn into links and handlers.
FORBIDDEN_ATTRIBUTES = {"URL", "href", "tooltip", "target", "id", "class", "edgeURL", "headURL"}
SAFE_VALUE = re.compile(r"^[#\w.,%-]*$")


def dot_of(path: Path, **options: object) -> str:
    return render(path, "dot", **options).data.decode("utf-8")


def expected_counts(path: Path) -> tuple[set[str], int]:
    """The nodes and the number of edges the map of `path` must have, from the YAML alone:
    one node per step, `n<i>e` per entry with a volume, `n<i>x` per step with abandonment,
    `n<i>s` per step with no way forward that customers reach (when every entry has a volume),
    the legend when some step has a team; edges: transitions, their helper edges, and one
    invisible edge between consecutive swimlanes."""
    data = raw(path)
    steps = data["steps"]
    nodes: set[str] = set()
    edges = 0
    for index in _stuck_steps(steps):
        nodes.add(f"n{index}s")
        edges += 1
    for index, step in enumerate(steps):
        nodes.add(f"n{index}")
        edges += len(step.get("next") or [])
        entry = step.get("entry")
        if isinstance(entry, dict) and "volume" in entry:
            nodes.add(f"n{index}e")
            edges += 1
        if step.get("abandon", 0) > 0:
            nodes.add(f"n{index}x")
            edges += 1
    if any(step.get("team") for step in steps):
        nodes.add("legend")
    lanes = {step["stage"] for step in steps}
    edges += len(lanes) - 1
    return nodes, edges


def _stuck_steps(steps: list[dict]) -> list[int]:  # type: ignore[type-arg]
    """Steps with no `next` that are not outcomes and that customers walk to from an entry
    (never past an outcome, nor past a step everybody abandons), when volumes are known."""
    entries = [index for index, step in enumerate(steps) if step.get("entry")]
    if not all(isinstance(steps[index]["entry"], dict) for index in entries):
        return []
    position = {step["id"]: index for index, step in enumerate(steps)}
    seen, stack = set(entries), list(entries)
    while stack:
        step = steps[stack.pop()]
        if step.get("outcome") or step.get("abandon", 0) >= 1:
            continue
        for item in step.get("next") or []:
            following = position.get(item["to"])
            if following is not None and following not in seen:
                seen.add(following)
                stack.append(following)
    return sorted(
        index
        for index in seen
        if not steps[index].get("next")
        and not steps[index].get("outcome")
        and steps[index].get("abandon", 0) < 1
    )


@pytest.mark.parametrize(
    "path",
    [INTERNET, HOSTILE, FLOW, *sorted(EXAMPLES.glob("*.journey.yaml"))],
    ids=lambda p: p.name,
)
def test_real_dot_accepts_the_source_and_draws_exactly_the_expected_graph(path: Path) -> None:
    source = dot_of(path)
    completed = dot_run(source, "svg")
    assert completed.returncode == 0, completed.stderr.decode()
    assert b"Error" not in completed.stderr, completed.stderr
    laid = dot_json(source)
    nodes, edge_count = expected_counts(path)
    assert set(laid.nodes) == nodes
    assert len(laid.edges) == edge_count
    assert all(SYNTHETIC_NODE.match(name) for name in laid.nodes)
    assert all(re.fullmatch(r"cluster_g\d+", name) for name in laid.clusters)


def test_hostile_names_add_no_nodes_edges_or_clusters() -> None:
    source = dot_of(HOSTILE)
    laid = dot_json(source)
    assert sorted(laid.nodes) == sorted([f"n{i}" for i in range(11)] + ["n0e", "n0x", "legend"])
    transitions = {("n0", "n1"), ("n0", "n2"), ("n1", "n3"), ("n2", "n3"), ("n3", "n4")}
    transitions |= {("n4", "n5"), ("n5", "n6"), ("n6", "n7"), ("n7", "n8")}
    transitions |= {("n8", "n9"), ("n8", "n10")}
    helpers = {("n0e", "n0"), ("n0", "n0x"), ("n0", "n4")}  # volume, abandon, lane order
    assert sorted((tail, head) for tail, head, _ in laid.edges) == sorted(transitions | helpers)
    assert sorted(laid.clusters) == ["cluster_g0", "cluster_g1"]


def test_user_text_only_inside_labels_and_every_node_id_synthetic() -> None:
    graph = parse_dot(dot_of(HOSTILE))
    assert graph.name == "journey"
    for token in graph.node_ids:
        assert token.kind == "id" and SYNTHETIC_NODE.match(token.text), token
    assert set(graph.clusters) == {"cluster_g0", "cluster_g1"}
    every: list[dict] = [graph.attrs, *graph.defaults.values(), *graph.nodes.values()]
    every += [attrs for _, _, attrs in graph.edges]
    every += [cluster["attrs"] for cluster in graph.clusters.values()]
    for attrs in every:
        assert not FORBIDDEN_ATTRIBUTES & set(attrs), attrs
        for key, value in attrs.items():
            if key != "label":
                assert SAFE_VALUE.match(value.text), (key, value)


def test_hostile_labels_are_well_formed_markup_that_reads_as_the_names() -> None:
    graph = parse_dot(dot_of(HOSTILE))
    keys = step_keys(HOSTILE)
    data = {step["id"]: step for step in raw(HOSTILE)["steps"]}
    for step_id, expected in HOSTILE_LABELS.items():
        label = graph.nodes[keys[step_id]]["label"]
        assert html_label_tags(label) <= {"B", "BR", "FONT"}, label
        lines = html_label_text(label)
        star = "★ " if "moment_of_truth" in data[step_id] else ""
        assert lines[0] == star + expected
        step = data[step_id]
        detail = [HOSTILE_CHANNELS[step["channel"]]] if "channel" in step else []
        detail += [HOSTILE_TEAMS[step["team"]]] if "team" in step else []
        assert lines[1:] == ([" · ".join(detail)] if detail else [])
    assert html_label_text(graph.attrs["label"])[0] == HOSTILE_TITLE
    titles = [html_label_text(c["attrs"]["label"])[0] for c in graph.clusters.values()]
    assert titles == HOSTILE_STAGES
    legend = graph.nodes["legend"]["label"]
    assert html_label_tags(legend) <= {"TABLE", "TR", "TD", "B", "FONT"}
    texts = html_label_text(legend)[0]
    for team in HOSTILE_TEAMS.values():
        assert team in texts


def test_shape_record_is_never_used() -> None:
    for path in (HOSTILE, INTERNET):
        source = dot_of(path)
        assert not re.search(r"shape\s*=\s*\"?M?record", source, re.I)


@pytest.mark.parametrize("path", [INTERNET, HOSTILE], ids=lambda p: p.name)
def test_same_input_gives_the_same_bytes(path: Path) -> None:
    assert render(path, "dot").data == render(path, "dot").data


def test_same_bytes_across_processes_with_different_hash_seeds() -> None:
    outputs = []
    for seed in ("1", "2"):
        environment = {**os.environ, "PYTHONHASHSEED": seed}
        completed = subprocess.run(
            [sys.executable, "-m", "cyclemap", "render", str(INTERNET), "-f", "dot", "-o", "-"],
            capture_output=True,
            env=environment,
            cwd=REPO,
            timeout=60,
            check=False,
        )
        assert completed.returncode == 0, completed.stderr
        outputs.append(completed.stdout)
    assert outputs[0] == outputs[1]


# --- what the map shows (checked on dot's own reading: -Tjson) -----------------------------


def _styles(edge: dict) -> set[str]:
    return set(filter(None, edge.get("style", "").split(",")))


def _internet_pairs() -> dict[tuple[str, str], tuple[str, str]]:
    """(source node, target node) -> (source step, target step), for every transition."""
    keys = step_keys(INTERNET)
    return {
        (keys[step["id"]], keys[move["to"]]): (step["id"], move["to"])
        for step in raw(INTERNET)["steps"]
        for move in step.get("next") or []
    }


def test_peloteo_edges_are_thick_and_red_and_only_those() -> None:
    laid = dot_json(dot_of(INTERNET))
    keys = step_keys(INTERNET)
    loop = {
        (keys["n1-diagnosis"], keys["billing-desk"]),
        (keys["billing-desk"], keys["n1-diagnosis"]),
    }
    pairs = _internet_pairs()
    seen = set()
    for tail, head, edge in laid.edges:
        if (tail, head) not in pairs:
            continue
        thick = float(edge.get("penwidth", "1")) >= 3
        if (tail, head) in loop:
            seen.add((tail, head))
            assert thick and edge["color"] == FINDING_RED and "bold" in _styles(edge), edge
        else:
            assert not thick and "bold" not in _styles(edge), (tail, head, edge)
    assert seen == loop


def test_handoffs_are_dashed_and_other_transitions_are_not() -> None:
    laid = dot_json(dot_of(INTERNET))
    data = raw(INTERNET)
    team = {step["id"]: step.get("team") for step in data["steps"]}
    pairs = _internet_pairs()
    checked = 0
    for tail, head, edge in laid.edges:
        if (tail, head) not in pairs:
            continue
        source, target = pairs[(tail, head)]
        handoff = (
            team[source] is not None and team[target] is not None and team[source] != team[target]
        )
        assert ("dashed" in _styles(edge)) == handoff, (source, target, edge)
        checked += 1
    assert checked == sum(len(step.get("next") or []) for step in data["steps"])


def test_context_lost_edges_are_red_and_say_so() -> None:
    laid = dot_json(dot_of(INTERNET))
    pairs = _internet_pairs()
    lost = {
        (step["id"], move["to"])
        for step in raw(INTERNET)["steps"]
        for move in step.get("next") or []
        if move.get("context") == "lost"
    }
    assert len(lost) == 3
    for tail, head, edge in laid.edges:
        if (tail, head) not in pairs:
            continue
        if pairs[(tail, head)] in lost:
            assert edge["color"] == FINDING_RED and "context lost" in edge["label"], edge
        else:
            assert edge["color"] != FINDING_RED and "context lost" not in edge.get("label", "")


def test_entries_outcomes_and_steps_have_distinct_looks() -> None:
    laid = dot_json(dot_of(INTERNET, findings=False))
    keys = step_keys(INTERNET)

    def look(step_id: str) -> tuple[str, str, str]:
        node = laid.nodes[keys[step_id]]
        return node.get("shape", "box"), node.get("peripheries", "1"), node["fillcolor"]

    entries = {look(step) for step in ("call-line", "report-app", "web-chat", "outage-page")}
    success = look("service-restored")
    abandoned = look("files-complaint")
    plain = look("self-help")
    assert {shape for shape, _, _ in entries} == {"cds"}
    assert plain[0] == "box" and plain[1] == "1"
    assert success[1] == "2" and abandoned[1] == "2"
    assert success[2] != abandoned[2]
    assert len({entries.pop()[:2], success[:2], plain[:2]}) == 3


def test_moments_of_truth_are_starred_and_outlined() -> None:
    graph = parse_dot(dot_of(INTERNET, findings=False))
    keys = step_keys(INTERNET)
    for step in raw(INTERNET)["steps"]:
        node = graph.nodes[keys[step["id"]]]
        first = html_label_text(node["label"])[0]
        if "moment_of_truth" in step:
            assert first.startswith("★ ")
            assert node["color"].text == MOMENT_GOLD and float(node["penwidth"].text) >= 2
        else:
            assert not first.startswith("★")
            assert node["color"].text != MOMENT_GOLD


def test_no_findings_removes_every_highlight() -> None:
    keys = step_keys(INTERNET)
    with_findings = dot_json(dot_of(INTERNET))
    without = dot_json(dot_of(INTERNET, findings=False))
    # With findings: the drop-off step and the peloteo steps are outlined in red.
    for step in ("call-line", "n1-diagnosis", "billing-desk"):
        assert with_findings.nodes[keys[step]]["color"] == FINDING_RED
        assert without.nodes[keys[step]]["color"] == MOMENT_GOLD
    exit_edge = next(e for t, h, e in with_findings.edges if (t, h) == ("n0", "n0x"))
    assert exit_edge["color"] == FINDING_RED
    exit_edge = next(e for t, h, e in without.edges if (t, h) == ("n0", "n0x"))
    assert exit_edge["color"] != FINDING_RED
    for _, _, edge in without.edges:
        assert "bold" not in _styles(edge) or edge.get("arrowhead") == "vee"  # volume arrows
        assert float(edge.get("penwidth", "1")) < 3
    # Nothing red is left but failure/abandoned outcomes and lost context.
    red_nodes = {name for name, node in without.nodes.items() if node.get("color") == FINDING_RED}
    assert red_nodes == {keys["files-complaint"]}


def test_graph_has_title_lanes_in_stage_order_and_legend() -> None:
    graph = parse_dot(dot_of(INTERNET))
    data = raw(INTERNET)
    assert html_label_text(graph.attrs["label"]) == [data["journey"]["name"], data["journey"]["id"]]
    titles = [html_label_text(cluster["attrs"]["label"])[0] for cluster in graph.clusters.values()]
    assert titles == [stage["name"] for stage in data["stages"]]
    keys = step_keys(INTERNET)
    for cluster, stage in zip(graph.clusters.values(), data["stages"], strict=True):
        members = [n for n in cluster["nodes"] if re.fullmatch(r"n\d+", n)]
        assert members == [keys[s["id"]] for s in data["steps"] if s["stage"] == stage["id"]]
    assert "legend" in graph.nodes


def test_collapsed_map_has_group_boxes_and_no_legend_or_lanes() -> None:
    source = dot_of(INTERNET, collapse="stage")
    laid = dot_json(source)
    assert sorted(laid.nodes) == [f"g{i}" for i in range(5)]
    assert laid.clusters == {}
    assert dot_run(source, "svg").returncode == 0


def test_collapsed_arrows_grow_with_the_flow_they_carry() -> None:
    laid = dot_json(dot_of(FLOW, collapse="team"))
    widths = sorted(
        (float(edge["label"].removesuffix(" moves").replace(",", "")), float(edge["penwidth"]))
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
def test_big_maps_carry_the_effort_bounds(steps: int, tmp_path: Path) -> None:
    path = tmp_path / "big.journey.yaml"
    path.write_text(generator().journey_text(steps), encoding="utf-8")
    graph = parse_dot(to_dot(build_view(JourneyGraph(load(path)))))
    for key, value in layout_effort(steps).items():
        assert graph.attrs[key].text == value


def test_small_maps_are_not_bounded() -> None:
    graph = parse_dot(dot_of(INTERNET))
    assert not {"nslimit", "nslimit1", "mclimit", "searchsize"} & set(graph.attrs)


def test_a_400_step_map_lays_out(tmp_path: Path) -> None:
    """A bounded layout still finishes and gives a drawing; how long it takes is measured by
    `benchmarks/run.py`, not asserted here (a busy machine is not a broken layout)."""
    path = tmp_path / "big.journey.yaml"
    path.write_text(generator().journey_text(400), encoding="utf-8")
    data = render(path, "svg", findings=False).data
    assert data.lstrip().startswith(b"<?xml")


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
    laid = dot_json(dot_of(path))
    assert sorted(laid.nodes) == ["legend", "n0", "n1"]
    assert [(t, h) for t, h, _ in laid.edges] == [("n0", "n1")]


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
    assert len(html_label_text(graph.nodes["n0"]["label"])[0]) <= 80
    assert len(html_label_text(graph.attrs["label"])[0]) <= 120
    assert dot_run(source, "svg").returncode == 0


def test_group_by_team_and_channel_are_accepted_by_dot() -> None:
    for by in ("team", "channel"):
        source = dot_of(INTERNET, by=by)
        assert dot_run(source, "svg").returncode == 0
        graph: DotGraph = parse_dot(source)
        assert graph.clusters


def test_to_dot_without_findings_ignores_marks_already_in_the_view() -> None:
    from cyclemap.config import load_settings
    from cyclemap.engine import audit_journey

    journey = load(INTERNET)
    findings = audit_journey(journey, load_settings(None, start=INTERNET))
    marked = build_view(JourneyGraph(journey), findings)
    laid = dot_json(to_dot(marked, findings=False))
    keys = step_keys(INTERNET)
    assert laid.nodes[keys["call-line"]]["color"] == MOMENT_GOLD
    exit_edge = next(e for t, h, e in laid.edges if (t, h) == (keys["call-line"], "n0x"))
    assert exit_edge["color"] != FINDING_RED
    assert all(float(e.get("penwidth", "1")) < 3 for _, _, e in laid.edges)
    assert dot_json(to_dot(marked)).nodes[keys["call-line"]]["color"] == FINDING_RED
