"""The abstract map every target draws: swimlanes, kinds, colours, highlights and, collapsed,
the flow of customers between stages or teams (checked against figures worked out by hand)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cyclemap.engine import audit_journey
from cyclemap.engine.config import load_settings
from cyclemap.graph import JourneyGraph
from cyclemap.graph.flow_model import flow_model
from cyclemap.render.view import NO_TEAM_COLOUR, TEAM_COLOURS, MapView, build_view, shorten
from tests.support.render import FLOW, HOSTILE, HOSTILE_TEAMS, INTERNET, load, raw, step_keys


def view(path: Path, *, audited: bool = False, **options: object) -> MapView:
    journey = load(path)
    findings = audit_journey(journey, load_settings(None, start=path)) if audited else []
    return build_view(JourneyGraph(journey), findings, **options)  # type: ignore[arg-type]


def amount(label: str) -> float:
    """The number of an overview arrow's label (`1,260 moves`)."""
    number, word = label.split(" ")
    assert word == "moves"
    return float(number.replace(",", ""))


def test_groups_by_stage_in_stage_order() -> None:
    mapped = view(INTERNET)
    data = raw(INTERNET)
    keys = step_keys(INTERNET)
    assert [g.title for g in mapped.groups] == [s["name"] for s in data["stages"]]
    for group, stage in zip(mapped.groups, data["stages"], strict=True):
        assert list(group.nodes) == [
            keys[s["id"]] for s in data["steps"] if s["stage"] == stage["id"]
        ]
    assert [n.key for n in mapped.nodes] == [f"n{i}" for i in range(len(data["steps"]))]


def test_empty_stage_is_left_out_and_keys_stay_synthetic() -> None:
    mapped = view(FLOW)
    assert [g.title for g in mapped.groups] == ["Alfa", "Beta"]
    assert all(g.key.startswith("g") and g.key[1:].isdigit() for g in mapped.groups)


def test_groups_by_team_in_order_of_first_appearance_with_a_lane_for_no_team() -> None:
    mapped = view(HOSTILE, by="team")
    assert [g.title for g in mapped.groups] == [
        HOSTILE_TEAMS["weird"],
        HOSTILE_TEAMS["other"],
        "(no team)",
    ]
    assert mapped.groups[2].nodes == ("n6", "n10")
    # grouped by team, the team is not repeated under each step
    for node in mapped.nodes:
        assert (
            HOSTILE_TEAMS["weird"] not in node.detail and HOSTILE_TEAMS["other"] not in node.detail
        )


def test_groups_by_channel() -> None:
    mapped = view(FLOW, by="channel")
    assert [g.title for g in mapped.groups] == ["Teléfono", "Portal", "(no channel)"]
    assert [g.nodes for g in mapped.groups] == [("n0", "n2"), ("n1",), ("n3",)]
    assert mapped.nodes[0].detail == "Teléfono · Equipo temprano"


def test_kinds_of_boxes() -> None:
    keys = step_keys(INTERNET)
    kinds = {node.key: node.kind for node in view(INTERNET).nodes}
    assert kinds[keys["call-line"]] == "entry"
    assert kinds[keys["service-restored"]] == "success"
    assert kinds[keys["files-complaint"]] == "abandoned"
    assert kinds[keys["self-help"]] == "step"
    assert view(HOSTILE).nodes[10].kind == "failure"


def test_team_colours_in_order_of_first_appearance() -> None:
    mapped = view(FLOW)
    # `late` is declared first, but `early` is the first team a step uses.
    assert mapped.legend == (
        ("Equipo temprano", TEAM_COLOURS[0]),
        ("Equipo tardío", TEAM_COLOURS[1]),
    )
    colours = [node.colour for node in mapped.nodes]
    assert colours == [TEAM_COLOURS[0], TEAM_COLOURS[1], TEAM_COLOURS[0], TEAM_COLOURS[1]]


def test_steps_without_team_are_grey_and_twelve_teams_get_twelve_colours(tmp_path: Path) -> None:
    assert view(HOSTILE).nodes[6].colour == NO_TEAM_COLOUR
    teams = "".join(f"  t{i}: {{name: Team {i}}}\n" for i in range(12))
    steps = "".join(
        f"  - {{id: s{i}, stage: a, team: t{11 - i}, next: [{{to: s{i + 1}}}]"
        + (", entry: true" if i == 0 else "")
        + "}\n"
        for i in range(12)
    )
    path = tmp_path / "teams.journey.yaml"
    path.write_text(
        "cyclemap: 1\njourney: {id: teams, name: Teams}\nteams:\n" + teams
        + "stages: [{id: a, name: A}]\nsteps:\n" + steps
        + "  - {id: s12, stage: a, outcome: success}\n",
        encoding="utf-8",
    )  # fmt: skip
    mapped = view(path)
    assert [name for name, _ in mapped.legend] == [f"Team {11 - i}" for i in range(12)]
    assert [colour for _, colour in mapped.legend] == list(TEAM_COLOURS[:12])


def test_findings_mark_steps_and_loop_edges() -> None:
    keys = step_keys(INTERNET)
    mapped = view(INTERNET, audited=True)
    marks = {node.key: node.marks for node in mapped.nodes}
    assert marks[keys["call-line"]] == {"drop-off-point"}
    assert marks[keys["n1-diagnosis"]] == {"peloteo-loop"}
    assert marks[keys["billing-desk"]] == {"peloteo-loop"}
    # context-lost-handoff is drawn on the edge, not on the steps
    assert marks[keys["web-chat"]] == frozenset()
    loop = {(e.source, e.target) for e in mapped.edges if e.peloteo}
    assert loop == {
        (keys["n1-diagnosis"], keys["billing-desk"]),
        (keys["billing-desk"], keys["n1-diagnosis"]),
    }
    lost = {(e.source, e.target) for e in mapped.edges if e.context_lost}
    assert lost == {
        (keys["web-chat"], keys["chat-agent"]),
        (keys["n1-diagnosis"], keys["billing-desk"]),
        (keys["billing-desk"], keys["n1-diagnosis"]),
    }


def test_without_findings_nothing_is_marked() -> None:
    mapped = view(INTERNET)
    assert all(not node.marks for node in mapped.nodes)
    assert not any(edge.peloteo for edge in mapped.edges)


def test_edge_labels_show_shares_only_where_they_mean_something() -> None:
    mapped = view(FLOW)
    labels = {(e.source, e.target): e.label for e in mapped.edges}
    assert labels == {("n0", "n1"): "50%", ("n0", "n2"): "50%", ("n1", "n2"): "", ("n2", "n3"): ""}
    handoffs = {(e.source, e.target) for e in mapped.edges if e.handoff}
    assert handoffs == {("n0", "n1"), ("n1", "n2"), ("n2", "n3")}


def test_lost_customers_per_step() -> None:
    mapped = view(FLOW)
    assert mapped.by_volume
    lost = {node.key: node.lost for node in mapped.nodes}
    assert lost["n0"] == pytest.approx(100)
    assert lost["n1"] == pytest.approx(90)
    assert lost["n2"] is None and lost["n3"] is None


# --- collapsed -------------------------------------------------------------------------------


def test_collapse_by_stage_matches_the_hand_computed_flow() -> None:
    mapped = view(FLOW, collapse="stage")
    assert mapped.collapsed and mapped.groups == () and mapped.legend == ()
    nodes = {node.key: node for node in mapped.nodes}
    assert [n.label for n in mapped.nodes] == ["Alfa", "Beta"]
    alpha, beta = mapped.nodes
    # 1000 customers reach Alfa; 1000 visits at a1 + 450 at a2 (some come back round).
    assert alpha.detail == "2 steps · 1,000 customers · 1,450 visits"
    # 810 customers reach Beta: 810 visits at b1 + 810 arrivals at done.
    assert beta.detail == "2 steps · 810 customers · 1,620 visits"
    assert alpha.lost == pytest.approx(190) and beta.lost == pytest.approx(0)
    assert [(e.source, e.target, e.label) for e in mapped.edges] == [
        (alpha.key, beta.key, "810 moves")
    ]
    # conservation: what enters Alfa leaves it or is lost there; Beta's all succeed
    assert amount(mapped.edges[0].label) + alpha.lost == 1000
    assert set(nodes) == {alpha.key, beta.key}


def test_collapse_by_team_matches_the_hand_computed_flow() -> None:
    mapped = view(FLOW, collapse="team")
    early, late = mapped.nodes
    assert (early.label, late.label) == ("Equipo temprano", "Equipo tardío")
    assert (early.colour, late.colour) == (TEAM_COLOURS[0], TEAM_COLOURS[1])
    flows = {(e.source, e.target): amount(e.label) for e in mapped.edges}
    assert flows == {(early.key, late.key): 1260, (late.key, early.key): 360}
    assert early.lost == pytest.approx(100) and late.lost == pytest.approx(90)
    # in + entries == out + lost + succeeded, for each team
    assert 1000 + flows[(late.key, early.key)] == pytest.approx(
        flows[(early.key, late.key)] + early.lost
    )
    assert flows[(early.key, late.key)] == pytest.approx(
        flows[(late.key, early.key)] + late.lost + 810
    )
    weights = {(e.source, e.target): e.weight for e in mapped.edges}
    assert weights[(early.key, late.key)] == 1.0
    assert weights[(late.key, early.key)] == pytest.approx(360 / 1260)


def test_collapse_without_volumes_gives_shares(tmp_path: Path) -> None:
    path = tmp_path / "flow.journey.yaml"
    path.write_text(FLOW.read_text(encoding="utf-8").replace("{volume: 1000}", "true"), "utf-8")
    mapped = view(path, collapse="stage")
    assert not mapped.by_volume
    assert [e.label for e in mapped.edges] == ["0.81 moves"]
    assert mapped.nodes[0].detail == "2 steps · 100% of customers · 1.45 visits each"
    assert mapped.nodes[0].lost is None


@pytest.mark.parametrize("by", ["stage", "team"])
def test_collapsed_flow_is_conserved_on_a_real_journey(by: str) -> None:
    """For every box: customers entering there + arrows in = arrows out + customers lost there
    (abandoning, stuck, or ending at a failure or abandoned outcome) + customers whose path
    ends there happily (a success, even one that goes on: the model ends a path at its first
    success)."""
    graph = JourneyGraph(load(INTERNET))
    steps = flow_model(graph).steps
    mapped = build_view(graph, collapse=by)  # type: ignore[arg-type]
    box = {node.label: node.key for node in mapped.nodes}
    entries: dict[str, float] = {}
    ended: dict[str, float] = {}
    for step_id in graph.step_ids:
        step = graph.step(step_id)
        key = box[_title(graph, by, getattr(step, by))]
        entries[key] = entries.get(key, 0.0) + (step.volume or 0.0)
        if step.outcome not in ("failure", "abandoned"):  # those are lost, counted above
            ended[key] = ended.get(key, 0.0) + steps[step_id].ended
    tolerance = len(mapped.edges)  # labels are rounded to whole customers
    for node in mapped.nodes:
        inflow = sum(amount(e.label) for e in mapped.edges if e.target == node.key)
        outflow = sum(amount(e.label) for e in mapped.edges if e.source == node.key)
        assert entries.get(node.key, 0.0) + inflow == pytest.approx(
            outflow + (node.lost or 0.0) + ended.get(node.key, 0.0), abs=tolerance
        ), node.label
    assert sum(entries.values()) == 34000


def _title(graph: JourneyGraph, by: str, value: str) -> str:
    """The title of a stage's or team's box (team names are cut to 40 characters)."""
    if by == "stage":
        return next(s.name for s in graph.journey.document.stages if s.id == value)
    return shorten(graph.journey.teams[value].value.name or value, 40)


def test_shorten_flattens_and_cuts() -> None:
    assert shorten("a\nb\tc") == "a b c"
    assert shorten("\u202eevil\u202c x") == "evil x"
    assert shorten("x" * 100) == "x" * 79 + "…"
    assert shorten("x" * 80) == "x" * 80
    assert len(shorten("y" * 10, 5)) == 5
