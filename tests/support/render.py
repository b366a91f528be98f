"""Helpers for the render tests: fixtures, a DOT parser, Mermaid decoders and a small
re-implementation of Mermaid's `journey` lexer, so each output is checked the way its real
consumer reads it (the `dot` program for DOT, XML parsers for SVG, html.parser for HTML).
"""

from __future__ import annotations

import html
import importlib.util
import itertools
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cyclemap.findings import Finding
from cyclemap.loading import LoadedJourney, load_journey
from cyclemap.render import Rendered, RenderOptions, render_journey
from cyclemap.render.blueprint import Blueprint, Lanes

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
FIXTURES = REPO / "tests" / "fixtures" / "render"
HOSTILE = FIXTURES / "hostile.journey.yaml"
BLUEPRINT = FIXTURES / "blueprint.journey.yaml"
"""Backstage steps, pain points, opportunities, a self-loop and every tooltip field."""
SCORES = FIXTURES / "scores.journey.yaml"
FLOW = FIXTURES / "flow.journey.yaml"
INTERNET = EXAMPLES / "internet-support.journey.yaml"
DOT = shutil.which("dot") or "dot"
HAS_DOT = shutil.which("dot") is not None

FINDING_RED = "#c62828"
MOMENT_GOLD = "#f9a825"

# What each hostile step must read as once drawn: control characters and bidi overrides
# removed, the newline folded into a space, everything else exactly as written.
HOSTILE_LABELS = {
    "s0": "<script>alert(1)</script>",
    "s1": 'a"b\\c',
    "s2": "line one line two",
    "s3": "]; n9 [label=x",
    "s4": "</TD></TABLE>",
    "s5": "<<HTML>>",
    "s6": "🚀 Cohete 👍🏽 listo",
    "s7": "שלום עולם مرحبا بالعالم",
    "s8": "evil reversed isolate",
    "s9": '" onmouseover="alert(1)" x=" --> %% #35; `code` |pipe| : colon',
    "s10": '-- "]]; click s0 href "javascript:alert(1)"',
}
HOSTILE_FRAGMENTS = ("alert", "script", "onmouseover", "javascript", "label=", "TABLE", "HTML")
"""Pieces of the hostile file's names that must never reach an attribute or an element."""
HOSTILE_TITLE = 'Hostile <i>names</i> & "quotes" ]; x [label=y'
HOSTILE_STAGES = ["[Stage] (one) {x} <1>", "Second: stage; end"]
HOSTILE_TEAMS = {"weird": "<b>Bold</b> & Co", "other": 'Other "team" #35; %% comment'}
HOSTILE_CHANNELS = {
    "evil": 'javascript:x" onmouseover="y',
    "phone": "Phone | pipe; semi -- > arrow",
}


def load(path: Path) -> LoadedJourney:
    return load_journey(path)


def render(path: Path, fmt: str, **options: Any) -> Rendered:
    return render_journey(load(path), fmt, RenderOptions(**options))


def findings_of(journey: LoadedJourney) -> list[Finding]:
    """What `audit` finds in the journey, with the settings of its repository: what `render`
    highlights."""
    from cyclemap.engine import audit_journey
    from cyclemap.engine.config import load_settings

    return audit_journey(journey, load_settings(None, start=journey.path))


def blueprint_of(path: Path, lanes: Lanes = "team", observed: Any = None) -> Blueprint:
    """The blueprint `render` draws for `path`, findings highlighted."""
    from cyclemap.graph import JourneyGraph
    from cyclemap.render.blueprint import build_blueprint

    journey = load(path)
    return build_blueprint(
        JourneyGraph(journey), findings_of(journey), lanes_by=lanes, observed=observed
    )


def raw(path: Path) -> dict[str, Any]:
    """The journey file as plain YAML data, read independently of cyclemap."""
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


_USER_TEXT = {"name", "description", "owner", "requirement", "reason", "persona", "survey"}


def tamed(data: Any) -> Any:
    """Journey data with every piece of free text replaced by a plain word: its map must have
    the same nodes, edges, elements and attributes as the original's."""
    if isinstance(data, dict):
        return {
            key: "Plain" if key in _USER_TEXT and isinstance(item, str) else tamed(item)
            for key, item in data.items()
        }
    if isinstance(data, list):
        return [tamed(item) for item in data]
    return data


def write_tamed(path: Path, folder: Path) -> Path:
    """`tamed` copy of the journey at `path`, written under `folder` (a repository root)."""
    (folder / "cyclemap.toml").write_text("", encoding="utf-8")
    target = folder / path.name
    target.write_text(yaml.safe_dump(tamed(raw(path)), allow_unicode=True), encoding="utf-8")
    return target


def step_keys(path: Path) -> dict[str, str]:
    """Step id -> the synthetic node id the maps use (`n` + position in the file)."""
    return {step["id"]: f"n{index}" for index, step in enumerate(raw(path)["steps"])}


def generator() -> Any:
    """benchmarks/generate.py as a module (the folder is not a package)."""
    spec = importlib.util.spec_from_file_location(
        "cyclemap_benchmark_generate", REPO / "benchmarks" / "generate.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def copy_examples(target: Path) -> Path:
    """A copy of the example journeys and their catalog under a temporary repository root
    (only those: other material in examples/ is not ours to depend on)."""
    (target / "cyclemap.toml").write_text("", encoding="utf-8")
    folder = target / "examples"
    shutil.copytree(EXAMPLES / "catalog", folder / "catalog")
    for journey in EXAMPLES.glob("*.journey.yaml"):
        shutil.copy(journey, folder / journey.name)
    return folder


# --- SVG ------------------------------------------------------------------------------------

SVG_NS = "{http://www.w3.org/2000/svg}"


def svg_root(path: Path, **options: Any) -> ET.Element:
    """The SVG map of `path`, parsed as XML."""
    return ET.fromstring(render(path, "svg", **options).data)


def svg_classes(element: ET.Element) -> list[str]:
    return element.get("class", "").split()


def svg_texts(element: ET.Element) -> list[str]:
    """Every line of text drawn inside `element`."""
    return ["".join(text.itertext()) for text in element.iter(f"{SVG_NS}text")]


def svg_groups(root: ET.Element, kind: str) -> list[ET.Element]:
    """The `<g>` groups whose class includes `kind`, in document order."""
    return [group for group in root.iter(f"{SVG_NS}g") if kind in svg_classes(group)]


def svg_title(element: ET.Element) -> str:
    title = element.find(f"{SVG_NS}title")
    return "" if title is None else "".join(title.itertext())


# --- Graphviz -------------------------------------------------------------------------------


def dot_run(
    source: bytes | str, fmt: str, timeout: float = 30, *, positioned: bool = False
) -> subprocess.CompletedProcess[bytes]:
    """Graphviz on `source`: `dot` laying it out, or with `positioned` only drawing the
    positions the source gives (`-Kneato -n2`, as `render` does for the blueprint)."""
    data = source.encode("utf-8") if isinstance(source, str) else source
    engine = ["-Kneato", "-n2"] if positioned else []
    return subprocess.run(
        [DOT, *engine, f"-T{fmt}"], input=data, capture_output=True, timeout=timeout, check=False
    )


@dataclass
class Laid:
    """What Graphviz's `-Tjson` made of a graph: nodes and clusters by name, edges by names."""

    nodes: dict[str, dict[str, Any]]
    clusters: dict[str, dict[str, Any]]
    edges: list[tuple[str, str, dict[str, Any]]]

    def by_id(self) -> dict[str, dict[str, Any]]:
        """Nodes and edges by their `id` attribute (the SVG hooks: `step-N`, `t-I-J`)."""
        found = {node["id"]: node for node in self.nodes.values() if "id" in node}
        found.update((edge["id"], edge) for _, _, edge in self.edges if "id" in edge)
        return found


def dot_json(source: bytes | str, *, positioned: bool = False) -> Laid:
    completed = dot_run(source, "json", positioned=positioned)
    assert completed.returncode == 0, completed.stderr.decode()
    data = json.loads(completed.stdout)
    objects = data.get("objects", [])
    names = {obj["_gvid"]: obj["name"] for obj in objects}
    nodes = {obj["name"]: obj for obj in objects if "bb" not in obj}
    clusters = {obj["name"]: obj for obj in objects if "bb" in obj}
    edges = [(names[edge["tail"]], names[edge["head"]], edge) for edge in data.get("edges", [])]
    return Laid(nodes, clusters, edges)


_DOT_TOKEN = re.compile(
    r"""
    (?P<space>\s+|//[^\n]*|/\*.*?\*/)
  | (?P<edgeop>->|--)
  | (?P<quoted>"(?:[^"\\]|\\.)*")
  | (?P<number>-?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?))
  | (?P<id>[A-Za-z_\x80-\U0010ffff][A-Za-z_0-9\x80-\U0010ffff]*)
  | (?P<punct>[{}\[\];=,:])
  | (?P<html><)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Tok:
    kind: str  # id, quoted, html, punct, edgeop
    text: str  # for quoted: unescaped content; for html: the content between the outer < >


def dot_tokens(source: str) -> list[Tok]:
    tokens: list[Tok] = []
    position = 0
    while position < len(source):
        match = _DOT_TOKEN.match(source, position)
        if match is None:
            raise SyntaxError(f"DOT: unexpected {source[position : position + 20]!r}")
        kind = match.lastgroup
        assert kind is not None
        if kind == "html":
            depth, end = 0, position
            while True:
                if end >= len(source):
                    raise SyntaxError("DOT: unterminated HTML string")
                if source[end] == "<":
                    depth += 1
                elif source[end] == ">":
                    depth -= 1
                    if depth == 0:
                        break
                end += 1
            tokens.append(Tok("html", source[position + 1 : end]))
            position = end + 1
            continue
        position = match.end()
        if kind == "space":
            continue
        text = match.group()
        if kind == "quoted":
            tokens.append(Tok("quoted", re.sub(r'\\(["\\])', r"\1", text[1:-1])))
        elif kind == "number":
            tokens.append(Tok("id", text))
        else:
            tokens.append(Tok(kind, text))
    return tokens


@dataclass
class DotGraph:
    name: str
    attrs: dict[str, Tok] = field(default_factory=dict)
    defaults: dict[str, dict[str, Tok]] = field(default_factory=dict)
    nodes: dict[str, dict[str, Tok]] = field(default_factory=dict)
    edges: list[tuple[str, str, dict[str, Tok]]] = field(default_factory=list)
    clusters: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Subgraph name -> {"attrs": ..., "nodes": [...]}."""
    node_ids: list[Tok] = field(default_factory=list)
    """Every token used as a node id (statements and edge ends), as written."""


class _DotParser:
    def __init__(self, source: str) -> None:
        self.tokens = dot_tokens(source)
        self.at = 0

    def peek(self, offset: int = 0) -> Tok | None:
        index = self.at + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def take(self, kind: str | None = None, text: str | None = None) -> Tok:
        token = self.peek()
        if token is None or (kind and token.kind != kind) or (text and token.text != text):
            raise SyntaxError(f"DOT: expected {kind or ''} {text or ''}, got {token}")
        self.at += 1
        return token

    def value(self) -> Tok:
        token = self.peek()
        if token is None or token.kind not in ("id", "quoted", "html"):
            raise SyntaxError(f"DOT: expected a value, got {token}")
        self.at += 1
        return token

    def attr_list(self) -> dict[str, Tok]:
        attrs: dict[str, Tok] = {}
        while self.peek() is not None and self.peek() == Tok("punct", "["):
            self.take("punct", "[")
            while self.peek() != Tok("punct", "]"):
                key = self.take("id")
                self.take("punct", "=")
                attrs[key.text] = self.value()
                if self.peek() in (Tok("punct", ","), Tok("punct", ";")):
                    self.at += 1
            self.take("punct", "]")
        return attrs

    def parse(self) -> DotGraph:
        if self.peek() == Tok("id", "strict"):
            self.at += 1
        kind = self.take("id")
        if kind.text not in ("graph", "digraph"):
            raise SyntaxError(f"DOT: not a graph: {kind}")
        name = self.take("id").text if self.peek() and self.peek().kind == "id" else ""  # type: ignore[union-attr]
        graph = DotGraph(name)
        self.take("punct", "{")
        self.statements(graph, None)
        self.take("punct", "}")
        if self.peek() is not None:
            raise SyntaxError(f"DOT: text after the graph: {self.peek()}")
        return graph

    def statements(self, graph: DotGraph, cluster: str | None) -> None:
        while self.peek() != Tok("punct", "}"):
            token = self.peek()
            if token is None:
                raise SyntaxError("DOT: unterminated block")
            if token == Tok("punct", ";"):
                self.at += 1
                continue
            if token.kind == "id" and token.text in ("graph", "node", "edge"):
                self.at += 1
                attrs = self.attr_list()
                if token.text == "graph":
                    self._graph_attrs(graph, cluster).update(attrs)
                else:
                    graph.defaults.setdefault(token.text, {}).update(attrs)
                continue
            if token.kind == "id" and token.text == "subgraph":
                self.at += 1
                sub = self.take("id").text
                graph.clusters[sub] = {"attrs": {}, "nodes": []}
                self.take("punct", "{")
                self.statements(graph, sub)
                self.take("punct", "}")
                continue
            if self.peek(1) == Tok("punct", "="):
                key = self.take("id")
                self.take("punct", "=")
                self._graph_attrs(graph, cluster)[key.text] = self.value()
                continue
            ends = [self.value()]
            while self.peek() is not None and self.peek().kind == "edgeop":  # type: ignore[union-attr]
                self.at += 1
                ends.append(self.value())
            attrs = self.attr_list()
            graph.node_ids.extend(ends)
            if len(ends) == 1:
                graph.nodes.setdefault(ends[0].text, {}).update(attrs)
                if cluster is not None:
                    graph.clusters[cluster]["nodes"].append(ends[0].text)
            else:
                for tail, head in itertools.pairwise(ends):
                    graph.edges.append((tail.text, head.text, attrs))

    @staticmethod
    def _graph_attrs(graph: DotGraph, cluster: str | None) -> dict[str, Tok]:
        if cluster is None:
            return graph.attrs
        attrs: dict[str, Tok] = graph.clusters[cluster]["attrs"]
        return attrs


def parse_dot(source: str) -> DotGraph:
    return _DotParser(source).parse()


def html_label_text(label: Tok) -> list[str]:
    """The lines of text of an HTML-like label, as dot reads them (tags dropped, entities
    decoded); raises if the label is not well-formed markup."""
    import xml.etree.ElementTree as ET

    assert label.kind == "html", label
    root = ET.fromstring(f"<L>{label.text}</L>")
    lines: list[str] = [""]

    def walk(element: ET.Element) -> None:
        if element.text:
            lines[-1] += element.text
        for child in element:
            if child.tag == "BR":
                lines.append("")
            else:
                walk(child)
            if child.tail:
                lines[-1] += child.tail

    walk(root)
    return lines


def html_label_tags(label: Tok) -> set[str]:
    import xml.etree.ElementTree as ET

    return {element.tag for element in ET.fromstring(f"<L>{label.text}</L>").iter()} - {"L"}


# --- Mermaid --------------------------------------------------------------------------------


def mermaid_decode(text: str) -> str:
    """A Mermaid label as shown: `#NN;` entity codes decoded."""
    return re.sub(r"#(\d+);", lambda match: chr(int(match.group(1))), text)


def mermaid_front_matter(text: str) -> tuple[dict[str, Any], list[str]]:
    """(front matter as YAML data, the diagram's lines)."""
    lines = text.split("\n")
    assert lines[0] == "---", lines[:3]
    end = lines.index("---", 1)
    data: dict[str, Any] = yaml.safe_load("\n".join(lines[1:end]))
    return data, lines[end + 1 :]


# Mermaid's journey lexer (packages/mermaid/src/diagrams/user-journey/parser/journey.jison):
# case-insensitive, the first rule that matches wins; jison adds `\b` to a rule that ends in
# a letter, so "journey" is `journey\b`.
_JOURNEY_RULES: list[tuple[str | None, re.Pattern[str]]] = [
    (None, re.compile(r"%%(?!\{)[^\n]*", re.I)),
    (None, re.compile(r"[^}]%%[^\n]*", re.I)),
    ("NEWLINE", re.compile(r"\n+")),
    (None, re.compile(r"\s+")),
    (None, re.compile(r"#[^\n]*")),
    ("journey", re.compile(r"journey\b", re.I)),
    ("title", re.compile(r"title\s[^#\n;]+", re.I)),
    ("acc_title", re.compile(r"accTitle\s*:\s*", re.I)),
    ("acc_descr", re.compile(r"accDescr\s*:\s*", re.I)),
    ("acc_descr_multiline", re.compile(r"accDescr\s*\{\s*", re.I)),
    ("section", re.compile(r"section\s[^#:\n;]+", re.I)),
    ("taskName", re.compile(r"[^#:\n;]+", re.I)),
    ("taskData", re.compile(r":[^#\n;]+", re.I)),
    (":", re.compile(r":")),
    ("INVALID", re.compile(r".", re.S)),
]


def journey_lex(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        kind, match = next(
            (kind, found)
            for kind, pattern in _JOURNEY_RULES
            if (found := pattern.match(text, position)) is not None
        )
        position = match.end()
        if kind is not None:
            tokens.append((kind, match.group()))
    return tokens


@dataclass
class JourneyDiagram:
    title: str | None = None
    sections: list[str] = field(default_factory=list)
    tasks: list[dict[str, Any]] = field(default_factory=list)
    """Each: section, task, score (float, NaN when unreadable), people (list)."""


def mermaid_encode_entities(text: str) -> str:
    """What Mermaid's `encodeEntities` does to a diagram before parsing it (mermaidAPI, Mermaid
    11): `style`/`classDef` lines lose a last `;`, and every `#name;` or `#123;` becomes a
    placeholder the parser does not split on, turned back into `&name;`/`&#123;` in the SVG."""
    text = re.sub(r"style.*:\S*#.*;", lambda match: match.group()[:-1], text)
    text = re.sub(r"classDef.*:\S*#.*;", lambda match: match.group()[:-1], text)

    def placeholder(match: re.Match[str]) -> str:
        inner = match.group()[1:-1]
        return ("ﬂ°°" if re.fullmatch(r"\+?\d+", inner) else "ﬂ°") + inner + "¶ß"

    return re.sub(r"#\w+;", placeholder, text)


def mermaid_shown(text: str) -> str:
    """The text a reader sees once Mermaid has put the entities back into the SVG."""
    entities = text.replace("ﬂ°°", "&#").replace("ﬂ°", "&").replace("¶ß", ";")
    return html.unescape(entities)


def parse_mermaid_journey(text: str) -> JourneyDiagram:
    """What Mermaid's parser and journeyDb make of a journey diagram (after its entity
    encoding), with every text as it is shown; SyntaxError where Mermaid would fail."""
    diagram = _parse_journey_tokens(mermaid_encode_entities(text))
    diagram.title = mermaid_shown(diagram.title) if diagram.title is not None else None
    diagram.sections = [mermaid_shown(section) for section in diagram.sections]
    for task in diagram.tasks:
        task["section"] = mermaid_shown(task["section"])
        task["task"] = mermaid_shown(task["task"])
        task["people"] = [mermaid_shown(person) for person in task["people"]]
    return diagram


def _parse_journey_tokens(text: str) -> JourneyDiagram:
    tokens = [token for token in journey_lex(text) if token[0] != "NEWLINE"]
    if not tokens or tokens[0][0] != "journey":
        raise SyntaxError(f"journey: must start with `journey`, got {tokens[:1]}")
    diagram = JourneyDiagram()
    section = ""
    index = 1
    while index < len(tokens):
        kind, value = tokens[index]
        if kind == "title":
            diagram.title = value[6:]
        elif kind == "section":
            section = value[8:]
            diagram.sections.append(section)
        elif kind == "taskName":
            if index + 1 >= len(tokens) or tokens[index + 1][0] != "taskData":
                raise SyntaxError(f"journey: task {value!r} has no `: score`")
            data = tokens[index + 1][1]
            pieces = data[1:].split(":")
            try:
                score = float(pieces[0].strip())
            except ValueError:
                score = float("nan")
            people = [p.strip() for p in pieces[1].split(",")] if len(pieces) > 1 else []
            diagram.tasks.append(
                {"section": section, "task": value, "score": score, "people": people}
            )
            index += 1
        else:
            raise SyntaxError(f"journey: unexpected {kind} {value!r}")
        index += 1
    return diagram
