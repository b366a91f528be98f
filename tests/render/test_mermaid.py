"""The Mermaid flowchart, checked against the grammar GitHub's Mermaid reads: every line must
be one of the statements the renderer means to write, and every label must decode to the
user's text with nothing of it read as syntax."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.support.render import (
    EXAMPLES,
    FLOW,
    HOSTILE,
    HOSTILE_CHANNELS,
    HOSTILE_LABELS,
    HOSTILE_STAGES,
    HOSTILE_TEAMS,
    HOSTILE_TITLE,
    INTERNET,
    mermaid_decode,
    mermaid_front_matter,
    raw,
    render,
    step_keys,
)

KEY = r"[ng]\d+"
SUBGRAPH = re.compile(r'^  subgraph (?P<key>g\d+)\["(?P<title>[^"]*)"\]$')
MEMBER = re.compile(r"^    (?P<key>n\d+)$")
END = re.compile(r"^  end$")
NODE = re.compile(
    rf'^  (?P<key>{KEY})(?P<open>\(\[|\[\[|\[)"(?P<label>[^"]*)"(?P<close>\]\)|\]\]|\])$'
)
EDGE = re.compile(
    rf'^  (?P<source>{KEY}) (?P<arrow>-->|-\.->)(?:\|"(?P<label>[^"]*)"\|)? (?P<target>{KEY})$'
)
STYLE = re.compile(r"^  style (?P<key>n\d+) fill:#[0-9a-f]{6}$")
CLASSDEF = re.compile(r"^  classDef (?P<name>\w+) [\w:#,.-]+$")
CLASS = re.compile(rf"^  class (?P<keys>{KEY}(?:,{KEY})*) (?P<name>\w+)$")
LINKSTYLE = re.compile(r"^  linkStyle (?P<indexes>\d+(?:,\d+)*) [\w:#,.-]+$")
PAIRS = {"([": "])", "[[": "]]", "[": "]"}
# Characters of user text Mermaid reads as syntax inside labels; all must be entity codes.
SYNTAX = set('"<>&#[]{}()|`;')


@dataclass
class Flowchart:
    title: str
    subgraphs: list[tuple[str, str, list[str]]] = field(default_factory=list)
    nodes: dict[str, tuple[str, str]] = field(default_factory=dict)
    """key -> (shape opening, raw label)."""
    edges: list[tuple[str, str, str | None, str]] = field(default_factory=list)
    styles: set[str] = field(default_factory=set)
    classdefs: set[str] = field(default_factory=set)
    classes: dict[str, list[str]] = field(default_factory=dict)
    linkstyles: list[int] = field(default_factory=list)


def parse(text: str) -> Flowchart:
    """Parse the flowchart; AssertionError on any line that is not a known statement."""
    assert text.endswith("\n")
    front, lines = mermaid_front_matter(text.rstrip("\n"))
    assert set(front) == {"title"}
    assert lines[0] == "flowchart LR"
    chart = Flowchart(front["title"])
    open_group: tuple[str, str, list[str]] | None = None
    for line in lines[1:]:
        if match := SUBGRAPH.match(line):
            assert open_group is None, "nested subgraph"
            open_group = (match["key"], match["title"], [])
        elif match := MEMBER.match(line):
            assert open_group is not None, "member outside a subgraph"
            open_group[2].append(match["key"])
        elif END.match(line):
            assert open_group is not None, "`end` without a subgraph"
            chart.subgraphs.append(open_group)
            open_group = None
        elif match := NODE.match(line):
            assert open_group is None
            assert PAIRS[match["open"]] == match["close"], line
            assert match["key"] not in chart.nodes, f"node defined twice: {line}"
            chart.nodes[match["key"]] = (match["open"], match["label"])
        elif match := EDGE.match(line):
            chart.edges.append((match["source"], match["arrow"], match["label"], match["target"]))
        elif match := STYLE.match(line):
            chart.styles.add(match["key"])
        elif match := CLASSDEF.match(line):
            chart.classdefs.add(match["name"])
        elif match := CLASS.match(line):
            assert match["name"] in chart.classdefs, "class before its classDef"
            chart.classes[match["name"]] = match["keys"].split(",")
        elif match := LINKSTYLE.match(line):
            chart.linkstyles += [int(index) for index in match["indexes"].split(",")]
        else:
            raise AssertionError(f"not a flowchart statement: {line!r}")
    assert open_group is None, "subgraph without `end`"
    known = set(chart.nodes)
    for _, _, members in chart.subgraphs:
        assert set(members) <= known
    for source, _, _, target in chart.edges:
        assert {source, target} <= known
    for keys in chart.classes.values():
        assert set(keys) <= known
    assert chart.styles <= known
    assert all(index < len(chart.edges) for index in chart.linkstyles)
    return chart


def mermaid(path: Path, **options: object) -> str:
    return render(path, "mermaid", **options).data.decode("utf-8")


def split_label(label: str) -> tuple[str, str]:
    """(main text, detail) of a node label, with the renderer's own markup removed."""
    main, _, detail = label.partition("<br/><small>")
    if detail:
        assert detail.endswith("</small>")
        detail = detail[: -len("</small>")]
    return main, detail


def assert_no_raw_syntax(fragment: str) -> None:
    leftover = re.sub(r"#\d+;", "", fragment)
    assert not SYNTAX & set(leftover), (fragment, SYNTAX & set(leftover))


@pytest.mark.parametrize(
    "path", [HOSTILE, FLOW, *sorted(EXAMPLES.glob("*.journey.yaml"))], ids=lambda p: p.name
)
@pytest.mark.parametrize("options", [{}, {"by": "team"}, {"by": "channel"}, {"collapse": "stage"}])
def test_every_line_is_a_well_formed_statement(path: Path, options: dict) -> None:
    chart = parse(mermaid(path, **options))
    assert chart.nodes


def test_one_subgraph_per_stage_in_stage_order() -> None:
    chart = parse(mermaid(INTERNET))
    data = raw(INTERNET)
    keys = step_keys(INTERNET)
    assert [mermaid_decode(title) for _, title, _ in chart.subgraphs] == [
        stage["name"] for stage in data["stages"]
    ]
    for (_, _, members), stage in zip(chart.subgraphs, data["stages"], strict=True):
        assert members == [keys[s["id"]] for s in data["steps"] if s["stage"] == stage["id"]]


def test_stages_without_steps_get_no_subgraph() -> None:
    chart = parse(mermaid(FLOW))
    assert [mermaid_decode(title) for _, title, _ in chart.subgraphs] == ["Alfa", "Beta"]


def test_hostile_labels_decode_to_the_names_and_carry_no_raw_syntax() -> None:
    chart = parse(mermaid(HOSTILE))
    keys = step_keys(HOSTILE)
    steps = {step["id"]: step for step in raw(HOSTILE)["steps"]}
    for step_id, expected in HOSTILE_LABELS.items():
        main, detail = split_label(chart.nodes[keys[step_id]][1])
        assert_no_raw_syntax(main)
        assert_no_raw_syntax(detail)
        star = "★ " if "moment_of_truth" in steps[step_id] else ""
        assert mermaid_decode(main) == star + expected
        step = steps[step_id]
        parts = [HOSTILE_CHANNELS[step["channel"]]] if "channel" in step else []
        parts += [HOSTILE_TEAMS[step["team"]]] if "team" in step else []
        assert mermaid_decode(detail) == " · ".join(parts)
    titles = [title for _, title, _ in chart.subgraphs]
    for title in titles:
        assert_no_raw_syntax(title)
    assert [mermaid_decode(title) for title in titles] == HOSTILE_STAGES


def test_entity_codes_written_by_the_user_survive_as_text() -> None:
    """`#35;` typed by the user must read `#35;`, not `#`."""
    chart = parse(mermaid(HOSTILE))
    main, _ = split_label(chart.nodes[step_keys(HOSTILE)["s9"]][1])
    assert "#35;35#59;" in main
    assert "#35;" in mermaid_decode(main)


def test_hostile_text_cannot_open_a_directive_or_comment_line() -> None:
    text = mermaid(HOSTILE)
    assert "%%{" not in text
    for line in text.split("\n"):
        assert not line.lstrip().startswith("%%")
        assert "click" not in line.split('"')[0]


def test_title_goes_through_front_matter_as_a_yaml_string() -> None:
    front, _ = mermaid_front_matter(mermaid(HOSTILE))
    # Mermaid cleans the front matter's title as HTML (checked with Mermaid 11: a title
    # `<script>alert(1)</script> Journey` was shown as `Journey`, `&` as `&amp;`), so `<`, `>`
    # and `&` come as their full-width forms; every other character is kept.
    wide = {"<": "\uff1c", ">": "\uff1e", "&": "\uff06"}
    shown = "".join(wide.get(character, character) for character in HOSTILE_TITLE)
    assert front["title"] == shown
    assert not set(front["title"]) & set("<>&")


def test_node_shapes_follow_the_kind_of_step() -> None:
    chart = parse(mermaid(INTERNET))
    keys = step_keys(INTERNET)
    for step in raw(INTERNET)["steps"]:
        shape = chart.nodes[keys[step["id"]]][0]
        if "outcome" in step:
            assert shape == "[["
        elif "entry" in step:
            assert shape == "(["
        else:
            assert shape == "["


def test_classes_for_findings_moments_and_outcomes() -> None:
    chart = parse(mermaid(INTERNET))
    keys = step_keys(INTERNET)
    steps = raw(INTERNET)["steps"]
    assert chart.classdefs == {"success", "failure", "moment", "finding"}
    # call-line: drop-off point; n1-diagnosis and billing-desk: the peloteo loop.
    assert sorted(chart.classes["finding"]) == sorted(
        keys[step] for step in ("call-line", "n1-diagnosis", "billing-desk")
    )
    assert chart.classes["moment"] == [keys[s["id"]] for s in steps if "moment_of_truth" in s]
    assert chart.classes["success"] == [keys["service-restored"]]
    assert chart.classes["failure"] == [keys["files-complaint"]]
    outcome_keys = {keys["service-restored"], keys["files-complaint"]}
    assert chart.styles == {keys[s["id"]] for s in steps} - outcome_keys


def test_no_findings_drops_the_finding_class() -> None:
    chart = parse(mermaid(INTERNET, findings=False))
    assert "finding" not in chart.classes
    assert "finding" in chart.classdefs  # defined, unused: harmless
    assert "moment" in chart.classes


def test_link_styles_mark_context_lost_edges() -> None:
    chart = parse(mermaid(INTERNET))
    keys = step_keys(INTERNET)
    lost = {
        (keys[step["id"]], keys[move["to"]])
        for step in raw(INTERNET)["steps"]
        for move in step.get("next") or []
        if move.get("context") == "lost"
    }
    marked = {(chart.edges[i][0], chart.edges[i][3]) for i in chart.linkstyles}
    assert marked == lost
    for index in chart.linkstyles:
        assert "context lost" in (chart.edges[index][2] or "")


PELOTEO = """\
cyclemap: 1
journey: {id: bounce, name: Peloteo}
teams:
  support: {name: Soporte}
  billing: {name: Facturación}
stages:
  - {id: contact, name: Contacto}
steps:
  - {id: call, stage: contact, team: support, entry: true, next: [{to: billing-desk}]}
  - id: billing-desk
    stage: contact
    team: billing
    next: [{to: call, share: 0.4}, {to: refund, share: 0.6}]
  - {id: refund, stage: contact, team: billing, outcome: success}
"""


def test_link_styles_mark_peloteo_edges_only_with_findings(tmp_path: Path) -> None:
    (tmp_path / "cyclemap.toml").write_text("", encoding="utf-8")
    path = tmp_path / "bounce.journey.yaml"
    path.write_text(PELOTEO, encoding="utf-8")
    chart = parse(mermaid(path))
    marked = {(chart.edges[i][0], chart.edges[i][3]) for i in chart.linkstyles}
    assert marked == {("n0", "n1"), ("n1", "n0")}
    assert sorted(chart.classes["finding"]) == ["n0", "n1"]
    plain = parse(mermaid(path, findings=False))
    assert plain.linkstyles == []


def test_handoffs_are_dotted_arrows() -> None:
    chart = parse(mermaid(INTERNET))
    keys = step_keys(INTERNET)
    steps = raw(INTERNET)["steps"]
    team = {keys[s["id"]]: s.get("team") for s in steps}
    assert len(chart.edges) == sum(len(s.get("next") or []) for s in steps)
    for source, arrow, _, target in chart.edges:
        handoff = team[source] and team[target] and team[source] != team[target]
        assert (arrow == "-.->") == bool(handoff), (source, target)


def test_collapsed_flowchart_carries_the_flow() -> None:
    chart = parse(mermaid(FLOW, collapse="team"))
    assert chart.subgraphs == []
    labels = {key: mermaid_decode(label) for key, (_, label) in chart.nodes.items()}
    assert labels == {
        "g0": "Equipo temprano<br/><small>2 steps · 1,000 customers · 1,810 visits</small>",
        "g1": "Equipo tardío<br/><small>2 steps · 900 customers · 1,260 visits</small>",
    }
    assert [(s, label, t) for s, _, label, t in chart.edges] == [
        ("g0", "1,260 moves", "g1"),
        ("g1", "360 moves", "g0"),
    ]


@pytest.mark.parametrize("path", [INTERNET, HOSTILE], ids=lambda p: p.name)
def test_same_input_gives_the_same_bytes(path: Path) -> None:
    assert render(path, "mermaid").data == render(path, "mermaid").data


def test_to_mermaid_without_findings_ignores_marks_already_in_the_view() -> None:
    from cyclemap.engine import audit_journey
    from cyclemap.engine.config import load_settings
    from cyclemap.graph import JourneyGraph
    from cyclemap.render.mermaid import to_mermaid
    from cyclemap.render.view import build_view
    from tests.support.render import load

    journey = load(INTERNET)
    findings = audit_journey(journey, load_settings(None, start=INTERNET))
    marked = build_view(JourneyGraph(journey), findings)
    assert parse(to_mermaid(marked)).classes["finding"]
    chart = parse(to_mermaid(marked, findings=False))
    assert "finding" not in chart.classes
    assert len(chart.linkstyles) == 3  # the context-lost edges stay marked: not a finding
