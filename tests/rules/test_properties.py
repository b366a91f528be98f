"""Graph rules against brute force on random small journeys (hypothesis).

Journeys of up to eight steps, teams among three (or none), random outcomes, shares, abandon
rates and edges are written as YAML, loaded like any journey, and audited. `unreachable-step`
and `dead-end` are compared with plain searches; `peloteo-loop` with an exhaustive answer to
"can a customer walk a closed loop, avoiding every success, that meets two teams?", computed
pair by pair on the transitive closure; the most likely path (`handoff-chain`) with every
simple path.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cyclemap.engine import audit_journey
from cyclemap.engine.config import Settings
from cyclemap.findings import Finding
from cyclemap.graph import JourneyGraph
from cyclemap.loading import LoadedJourney, load_journey

pytestmark = pytest.mark.slow  # hypothesis against brute force

TEAMS = ("support", "billing", "sales")
RULES = ("peloteo-loop", "dead-end", "unreachable-step")


@dataclass(frozen=True)
class Node:
    id: str
    team: str | None
    outcome: str | None
    entry: bool
    abandon: float
    next: tuple[tuple[str, float | None], ...]


@st.composite
def journeys(draw: st.DrawFn) -> list[Node]:
    size = draw(st.integers(1, 8))
    ids = [f"s{index}" for index in range(size)]
    nodes = []
    for step_id in ids:
        outcome = draw(st.sampled_from([None, None, None, "success", "failure", "abandoned"]))
        targets: list[str] = []
        if outcome not in ("failure", "abandoned"):
            targets = draw(st.lists(st.sampled_from(ids), unique=True, max_size=3))
        nodes.append(
            Node(
                id=step_id,
                team=draw(st.sampled_from([None, *TEAMS])),
                outcome=outcome,
                entry=draw(st.booleans()) and draw(st.booleans()),
                abandon=draw(st.sampled_from([0.0, 0.0, 0.1, 0.5, 1.0])),
                next=tuple(
                    (target, draw(st.sampled_from([None, 1.0, 0.3, 2.0]))) for target in targets
                ),
            )
        )
    if not any(node.entry for node in nodes):
        first = draw(st.integers(0, size - 1))
        nodes[first] = Node(**{**nodes[first].__dict__, "entry": True})
    return nodes


def as_yaml(nodes: list[Node]) -> str:
    steps = []
    for node in nodes:
        step: dict[str, object] = {"id": node.id, "stage": "contact"}
        if node.team:
            step["team"] = node.team
        if node.outcome:
            step["outcome"] = node.outcome
        if node.entry:
            step["entry"] = True
        if node.abandon:
            step["abandon"] = node.abandon
        if node.next:
            step["next"] = [
                {"to": target, **({"share": share} if share is not None else {})}
                for target, share in node.next
            ]
        steps.append(step)
    document = {
        "cyclemap": 1,
        "journey": {"id": "random", "name": "Random"},
        "teams": {team: {} for team in TEAMS},
        "stages": [{"id": "contact", "name": "Contacto"}],
        "steps": steps,
    }
    return yaml.safe_dump(document, sort_keys=False)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("random-journeys")
    (path / "cyclemap.toml").write_text("", encoding="utf-8")
    return path


def audited(folder: Path, nodes: list[Node]) -> tuple[LoadedJourney, dict[str, list[Finding]]]:
    path = folder / "random.journey.yaml"
    path.write_text(as_yaml(nodes), encoding="utf-8")
    journey = load_journey(path)
    findings = audit_journey(journey, Settings(selected=RULES))
    crashed = [
        finding.message for finding in findings if "failed on this journey" in finding.message
    ]
    assert not crashed, crashed
    return journey, {rule: [f for f in findings if f.rule == rule] for rule in RULES}


def successors(nodes: list[Node]) -> dict[str, set[str]]:
    return {node.id: {target for target, _ in node.next} for node in nodes}


def descendants(edges: dict[str, set[str]], start: str) -> set[str]:
    """Every step reachable from `start` in one or more moves."""
    seen: set[str] = set()
    stack = list(edges[start])
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(edges[node])
    return seen


def closure(edges: dict[str, set[str]]) -> dict[str, set[str]]:
    """Warshall's transitive closure: `reach[a]` holds `b` when a walk of >= 1 move leads there."""
    reach = {node: set(targets) for node, targets in edges.items()}
    for middle in edges:
        for node in edges:
            if middle in reach[node]:
                reach[node] |= reach[middle]
    return reach


SETTINGS = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@SETTINGS
@given(nodes=journeys())
def test_unreachable_step_matches_brute_force(folder: Path, nodes: list[Node]) -> None:
    journey, found = audited(folder, nodes)
    edges = successors(nodes)
    reached = {node.id for node in nodes if node.entry}
    for node in nodes:
        if node.entry:
            reached |= descendants(edges, node.id)
    expected = [node.id for node in nodes if node.id not in reached]
    findings = found["unreachable-step"]
    assert_regions(nodes, findings, expected)
    lines = {node.id: journey.position("steps", index)[0] for index, node in enumerate(nodes)}
    assert [f.line for f in findings] == [lines[f.steps[0]] for f in findings]
    for finding in findings:  # where a region starts, nothing of the region leads
        region = set(finding.details["region"])
        for step in finding.steps:
            others = {n.id for n in nodes if step in successors(nodes)[n.id]} & region
            assert not others or step in descendants(successors(nodes), step)


def assert_regions(nodes: list[Node], findings: list[Finding], expected: list[str]) -> None:
    """One finding per region: the groups of `expected` steps that transitions join, in either
    direction (worked out here with networkx), each reported once at some of its steps."""
    order = [node.id for node in nodes]
    graph = nx.Graph()
    graph.add_nodes_from(expected)
    graph.add_edges_from(
        (node.id, target)
        for node in nodes
        for target, _ in node.next
        if node.id in graph and target in graph
    )
    regions = [sorted(component, key=order.index) for component in nx.connected_components(graph)]
    assert sorted(finding.details["region"] for finding in findings) == sorted(regions)
    for finding in findings:
        assert finding.steps and set(finding.steps) <= set(finding.details["region"])


@SETTINGS
@given(nodes=journeys())
def test_dead_end_matches_brute_force(folder: Path, nodes: list[Node]) -> None:
    _, found = audited(folder, nodes)
    edges = successors(nodes)
    outcome = {node.id: node.outcome for node in nodes}
    successes = {node.id for node in nodes if node.outcome == "success"}
    if successes:
        expected = [
            node.id
            for node in nodes
            if node.outcome not in ("failure", "abandoned")
            and not ({node.id} | descendants(edges, node.id)) & successes
        ]
    else:
        expected = [node.id for node in nodes if node.outcome is None and not node.next]
    assert_regions(nodes, found["dead-end"], expected)
    assert all(outcome[f.steps[0]] not in ("failure", "abandoned") for f in found["dead-end"])


@SETTINGS
@given(nodes=journeys())
def test_peloteo_loop_matches_brute_force(folder: Path, nodes: list[Node]) -> None:
    journey, found = audited(folder, nodes)
    team = {node.id: node.team for node in nodes}
    successes = {node.id for node in nodes if node.outcome == "success"}
    edges = {
        node.id: {target for target, _ in node.next if target not in successes}
        for node in nodes
        if node.id not in successes
    }
    reach = closure(edges)

    def together(a: str, b: str) -> bool:
        """On one closed walk that avoids every success."""
        return (a == b and a in reach[a]) or (b in reach[a] and a in reach[b])

    # Two steps of different teams on one closed walk: a peloteo. Group such steps by the
    # closed walks they share (mutual reachability), one group per expected finding.
    bouncing = {
        a
        for a, b in itertools.permutations(edges, 2)
        if team[a] and team[b] and team[a] != team[b] and together(a, b)
    }
    groups: list[set[str]] = []
    for node in bouncing:
        group = next((g for g in groups if together(node, next(iter(g)))), None)
        if group is None:
            groups.append({node})
        else:
            group.add(node)

    findings = found["peloteo-loop"]
    assert len(findings) == len(groups)
    matched = []
    lines = {node.id: journey.position("steps", index)[0] for index, node in enumerate(nodes)}
    all_edges = successors(nodes)
    for finding in findings:
        walk = finding.steps
        # A genuine closed walk along transitions, avoiding successes, meeting two teams.
        assert walk and not set(walk) & successes
        for source, target in zip(walk, (*walk[1:], walk[0]), strict=True):
            assert target in all_edges[source], (source, target)
        assert len({team[step] for step in walk} - {None}) >= 2
        assert team[walk[0]] is not None
        assert finding.line == lines[walk[0]]
        [group] = [g for g in groups if together(walk[0], next(iter(g)))]
        matched.append(id(group))
        probability = finding.details.get("probability")
        assert probability is None or -1e-9 <= probability <= 1 + 1e-9
    assert len(set(matched)) == len(groups), "two findings for one tangle of loops"


@SETTINGS
@given(nodes=journeys())
def test_most_likely_path_matches_every_simple_path(folder: Path, nodes: list[Node]) -> None:
    """handoff-chain follows the most probable path; compare it with every simple path."""
    path = folder / "random.journey.yaml"
    path.write_text(as_yaml(nodes), encoding="utf-8")
    graph = JourneyGraph(load_journey(path))
    successes = set(graph.successes)
    positive = nx.DiGraph(
        (edge.source, edge.target) for edge in graph.transitions() if edge.probability > 0
    )
    positive.add_nodes_from(graph.step_ids)

    def probability_of(walk: list[str]) -> float:
        moves = [graph.transition(source, target) for source, target in itertools.pairwise(walk)]
        return float(math.prod(move.probability for move in moves if move is not None))

    for entry in graph.entries:
        walks = [[entry]] if entry in successes else []
        walks += [
            walk
            for walk in nx.all_simple_paths(positive, entry, successes - {entry})
            if not set(walk[:-1]) & successes
        ]
        found = graph.most_likely_path(entry, successes)
        if not walks:
            assert found is None
            continue
        assert found is not None
        best, probability = found
        assert best[0] == entry and best[-1] in successes
        assert not set(best[:-1]) & successes, "the path goes on past a success"
        assert probability == pytest.approx(probability_of(best))
        assert probability == pytest.approx(max(map(probability_of, walks)))


@SETTINGS
@given(nodes=journeys(), removed=st.sets(st.sampled_from([f"s{index}" for index in range(8)])))
def test_components_and_region_starts_match_networkx(
    folder: Path, nodes: list[Node], removed: set[str]
) -> None:
    """The typed graph finds strongly connected components itself (no networkx inside);
    compare them, and where a region starts, with networkx's answers."""
    path = folder / "random.journey.yaml"
    path.write_text(as_yaml(nodes), encoding="utf-8")
    graph = JourneyGraph(load_journey(path))
    order = [node.id for node in nodes]
    reference = nx.DiGraph((edge.source, edge.target) for edge in graph.transitions())
    reference.add_nodes_from(order)
    kept = reference.subgraph(node for node in order if node not in removed)
    components = nx.strongly_connected_components(kept)
    expected = sorted(
        (sorted(component, key=order.index) for component in components),
        key=lambda component: order.index(component[0]),
    )
    assert graph.strongly_connected_components(without=removed) == expected
    region = [node for node in order if node not in removed]
    if region:
        condensed = nx.condensation(reference.subgraph(region))
        starts = sorted(
            (
                min(condensed.nodes[component]["members"], key=order.index)
                for component in condensed
                if condensed.in_degree(component) == 0
            ),
            key=order.index,
        )
        assert graph.first_steps(region) == starts
