"""The self-contained HTML page, read with the standard library's html.parser, compared with
what `stats` and `audit` say, and driven in a real headless Chromium (Playwright)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cyclemap.cli import app
from cyclemap.render import render_journey
from tests.conftest import artifacts
from tests.support.figures import write_journey
from tests.support.render import (
    BLUEPRINT,
    EXAMPLES,
    FLOW,
    HAS_DOT,
    HOSTILE,
    HOSTILE_LABELS,
    HOSTILE_TITLE,
    INTERNET,
    REPO,
    load,
    raw,
    render,
    write_tamed,
)

pytestmark = pytest.mark.skipif(not HAS_DOT, reason="needs Graphviz")
runner = CliRunner()

VOID = {"meta", "br", "img", "input", "link", "hr", "area", "base", "col", "embed", "source", "wbr"}
ALLOWED = {
    "html", "head", "meta", "title", "style", "body", "header", "main", "section", "footer",
    "aside", "div", "h1", "h2", "h3", "p", "b", "span", "code", "ol", "li", "dl", "table", "tr",
    "th", "td", "button", "script",
    "svg", "g", "polygon", "path", "text", "ellipse", "polyline",
}  # fmt: skip
LINK_ATTRIBUTES = {"src", "href", "xlink:href", "action", "formaction", "srcset", "poster", "data"}
NAMESPACES = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
SEVERITY = {"error": 0, "warning": 1, "info": 2}


class Page(HTMLParser):
    """Records every tag, attribute and piece of text, and any nesting error."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[str, str, Any]] = []
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(("start", tag, attrs))
        if tag not in VOID:
            self.stack.append(tag)
        if tag == "script":
            self.scripts.append((dict(attrs), ""))

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
        where = self.stack[-1] if self.stack else ""
        self.events.append(("data", where, data))
        if where == "script":
            attributes, text = self.scripts[-1]
            self.scripts[-1] = (attributes, text + data)

    @property
    def tags(self) -> set[str]:
        return {tag for kind, tag, _ in self.events if kind == "start"}

    def attributes(self) -> list[tuple[str, str, str]]:
        return [
            (tag, name, value or "")
            for kind, tag, attrs in self.events
            if kind == "start"
            for name, value in attrs
        ]

    def text_of(self, tag: str) -> list[str]:
        return [str(data) for kind, where, data in self.events if kind == "data" and where == tag]

    def elements(self, tag: str, kind: str) -> list[tuple[dict[str, str], str]]:
        """(attributes, text inside) of every `tag` whose class includes `kind`."""
        found: list[tuple[dict[str, str], str]] = []
        depth = 0
        current: dict[str, str] | None = None
        text = ""
        for event, name, data in self.events:
            if event == "start" and name == tag:
                attributes = {key: value or "" for key, value in data}
                if current is None and kind in attributes.get("class", "").split():
                    current, text, depth = attributes, "", 0
                elif current is not None:
                    depth += 1
            elif event == "end" and name == tag and current is not None:
                if depth == 0:
                    found.append((current, text))
                    current = None
                else:
                    depth -= 1
            elif event == "data" and current is not None:
                text += str(data)
        return found

    def table_after(self, heading: str) -> list[list[str]]:
        """Rows (cell texts, `<code>` left out) of the first table after the <h2> `heading`."""
        rows: list[list[str]] = []
        seen_heading = in_table = in_cell = in_code = False
        for kind, tag, data in self.events:
            if kind == "data" and tag == "h2" and data == heading:
                seen_heading = True
            elif seen_heading and kind == "start" and tag == "table":
                in_table = True
            elif in_table and kind == "start" and tag == "tr":
                rows.append([])
            elif in_table and tag in ("td", "th") and kind in ("start", "end"):
                in_cell = kind == "start"
                if in_cell:
                    rows[-1].append("")
            elif in_table and tag == "code" and kind in ("start", "end"):
                in_code = kind == "start"
            elif in_cell and not in_code and kind == "data":
                rows[-1][-1] += str(data)
            elif in_table and kind == "end" and tag == "table":
                break
        return [[cell.strip() for cell in row] for row in rows]

    def enclosing(self, tag: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
        """The elements open around the first `tag`, outermost first."""
        stack: list[tuple[str, list[tuple[str, str | None]]]] = []
        for kind, name, data in self.events:
            if kind == "start" and name == tag:
                return stack
            if kind == "start" and name not in VOID:
                stack.append((name, data))
            elif kind == "end" and stack and stack[-1][0] == name:
                stack.pop()
        return stack

    def cards(self) -> list[tuple[str, str]]:
        """(figure, words) of each card of the header: its `<b>` figure, then its words."""
        found: list[tuple[str, str]] = []
        depth: int | None = None
        figure: str | None = None
        words = ""
        bold = False
        for kind, tag, data in self.events:
            if kind == "start" and tag == "div" and "card" in (dict(data).get("class") or ""):
                depth, figure, words = 0, None, ""
            elif depth is None:
                continue
            elif tag == "div":
                depth += 1 if kind == "start" else -1
                if depth < 0:
                    found.append((figure or "", words))
                    depth = None
            elif tag == "b" and kind in ("start", "end"):
                bold = kind == "start" and figure is None
            elif kind == "data" and bold:
                figure = str(data)
            elif kind == "data":
                words += str(data)
        return found


def parse(text: str) -> Page:
    parser = Page()
    parser.feed(text)
    parser.close()
    return parser


def page(path: Path, **options: object) -> tuple[str, Page]:
    text = render(path, "html", **options).data.decode("utf-8")
    return text, parse(text)


def cli_json(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, [*args, "-f", "json"])
    assert result.exit_code in (0, 1), result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def number(text: str) -> float:
    return float(text.replace(",", "").rstrip("%"))


# --- the page as markup ------------------------------------------------------------------------


@pytest.mark.parametrize("path", [INTERNET, HOSTILE, FLOW, BLUEPRINT], ids=lambda p: p.name)
def test_page_parses_with_balanced_tags(path: Path) -> None:
    text, parser = page(path)
    assert text.startswith("<!DOCTYPE html>")
    assert parser.errors == []
    assert parser.stack == []
    assert parser.tags <= ALLOWED, parser.tags - ALLOWED


@pytest.mark.parametrize("path", [INTERNET, HOSTILE, BLUEPRINT], ids=lambda p: p.name)
def test_page_is_self_contained_with_one_script_of_its_own(path: Path) -> None:
    text, parser = page(path)
    for tag in ("<link", "<iframe", "<img", "<object", "<embed", "<base"):
        assert tag not in text.lower()
    for tag, name, value in parser.attributes():
        assert name not in LINK_ATTRIBUTES, (tag, name, value)
        assert not name.startswith("on"), (tag, name)
        assert "javascript:" not in value.lower(), (tag, name, value)
        urls = re.findall(r"[a-z][a-z0-9+.-]*://[^\s\"')]+", value.lower())
        assert not [url for url in urls if not (name.startswith("xmlns") and url in NAMESPACES)]
    style = "".join(parser.text_of("style"))
    assert "url(" not in style and "@import" not in style
    executable = [code for attributes, code in parser.scripts if attributes.get("type") is None]
    data = [
        code for attributes, code in parser.scripts if attributes.get("type") == "application/json"
    ]
    assert len(parser.scripts) == len(executable) + len(data)
    assert len(executable) == 1 and len(data) == 1
    for forbidden in (
        "http:",
        "https:",
        "fetch(",
        "XMLHttpRequest",
        "import(",
        "eval(",
        "innerHTML",
    ):
        assert forbidden not in executable[0], forbidden
    json.loads(data[0])


SCRIPT_BREAKERS = """\
cyclemap: 1
journey:
  id: breakers
  name: "</script><script>alert('name')</script>"
  description: "<!-- <script> </ScRiPt > -->"
teams: {t: {name: "</SCRIPT ><script>alert(2)</script>"}}
stages: [{id: a, name: "<!--"}]
steps:
  - id: s
    name: "</script\\t><img src=x onerror=alert(3)>"
    stage: a
    team: t
    entry: {volume: 10}
    pain_points: ["</script>", "<!--<script>"]
    next: [{to: d, reason: "</script>&lt;script&gt;"}]
  - {id: d, name: "\\u2028\\u2029 ]]> --> done", stage: a, outcome: success}
"""


def test_no_text_can_close_the_data_block_or_add_a_script(tmp_path: Path) -> None:
    (tmp_path / "cyclemap.toml").write_text("", encoding="utf-8")
    path = tmp_path / "breakers.journey.yaml"
    path.write_text(SCRIPT_BREAKERS, encoding="utf-8")
    text, parser = page(path)
    assert parser.errors == [] and parser.stack == []
    assert [attributes.get("type") for attributes, _ in parser.scripts] == [
        "application/json",
        None,
    ]
    attributes, block = parser.scripts[0]
    assert attributes.get("id") == "cyclemap-data"
    assert "</script" not in block.lower() and "<!--" not in block
    details = json.loads(block)
    titles = [entry["title"] for entry in details["steps"].values()]
    assert any(title.startswith("</script") for title in titles), titles
    assert "<img" not in text


def test_page_holds_the_map_inline() -> None:
    text, parser = page(INTERNET)
    holder = parser.enclosing("svg")[-1]
    assert holder[0] == "div" and ("class", "map") in holder[1]
    assert "<?xml" not in text and "<!DOCTYPE svg" not in text
    assert raw(INTERNET)["journey"]["name"] in parser.text_of("text")


# --- what the page says ------------------------------------------------------------------------


@pytest.mark.parametrize("path", [INTERNET, BLUEPRINT, FLOW], ids=lambda p: p.name)
def test_summary_figures_equal_what_stats_gives(path: Path) -> None:
    figures = cli_json("stats", str(path))["journeys"][0]
    endings = figures["overall"]["endings"]
    _, parser = page(path)
    cards = {words.strip(): figure for figure, words in parser.cards()}
    success = next(value for text, value in cards.items() if "success" in text)
    assert abs(number(success) - 100 * endings["success"]) <= 0.5
    lost_share = 1 - endings["success"] - endings.get("elsewhere", 0.0)
    if figures["by_volume"]:
        text, value = next((t, v) for t, v in cards.items() if "customers lost" in t)
        assert abs(number(value) - figures["total_volume"] * lost_share) <= 0.5
        assert re.search(rf"of {figures['total_volume']:,.0f}\b", text), text
    else:
        value = next(v for t, v in cards.items() if "lost" in t)
        assert abs(number(value) - 100 * lost_share) <= 0.5
    wins = [item for _, item in parser.elements("ol", "wins")]
    stated = [win["description"] for win in figures["quick_wins"][:3]]
    assert len(wins) == (1 if stated else 0)
    if stated:
        items = [text for kind, tag, text in parser.events if kind == "data" and tag == "li"]
        assert [item.split(": +")[0].rstrip(": ") for item in items[: len(stated)]] == stated


def test_header_counts_the_findings_by_severity() -> None:
    findings = cli_json("audit", str(INTERNET), "--fail-on", "never")["findings"]
    _, parser = page(INTERNET)
    card = next(words for figure, words in parser.cards() if "error" in words)
    counts = Counter(finding["severity"] for finding in findings)
    for severity in SEVERITY:
        found = re.search(rf"(\d+) {severity}", card)
        assert found is not None and int(found.group(1)) == counts[severity], card


@pytest.mark.parametrize("path", [INTERNET, BLUEPRINT, HOSTILE], ids=lambda p: p.name)
def test_findings_most_severe_first_each_naming_its_steps_on_the_map(path: Path) -> None:
    findings = cli_json("audit", str(path), "--fail-on", "never")["findings"]
    _, parser = page(path)
    listed = parser.elements("li", "finding")
    assert len(listed) == len(findings) > 0
    ranks = []
    for attributes, _ in listed:
        severity = [s for s in SEVERITY if s in attributes["class"].split()]
        assert len(severity) == 1, attributes
        ranks.append(SEVERITY[severity[0]])
    assert ranks == sorted(ranks)
    steps = {step["id"]: index for index, step in enumerate(raw(path)["steps"])}
    names = {
        step["id"]: " ".join(step.get("name", step["id"]).split()) for step in raw(path)["steps"]
    }
    map_ids = {value for tag, name, value in parser.attributes() if tag == "g" and name == "id"}
    expected = Counter(
        (finding["severity"], " ".join(f"step-{steps[s]}" for s in finding["steps"] if s in steps))
        for finding in findings
    )
    seen = Counter()
    for attributes, inside in listed:
        hooks = attributes["data-steps"].split()
        assert set(hooks) <= map_ids, hooks
        severity = next(s for s in SEVERITY if s in attributes["class"].split())
        seen[(severity, " ".join(hooks))] += 1
        for hook in hooks:
            step = next(s for s, i in steps.items() if f"step-{i}" == hook)
            assert "".join(names[step].split()) in "".join(inside.split()), (names[step], inside)
    assert seen == expected


@pytest.mark.parametrize("path", [INTERNET, BLUEPRINT], ids=lambda p: p.name)
def test_the_finding_class_is_the_findings_list_alone(path: Path) -> None:
    """Scripts and tests pick the findings with `.finding`: a box on the map with the same
    class is picked too (the page's own script binds a finding's click to it)."""
    _, parser = page(path)
    marked = [
        (tag, dict(attrs).get("id"))
        for kind, tag, attrs in parser.events
        if kind == "start" and "finding" in (dict(attrs).get("class") or "").split()
    ]
    assert marked and all(tag == "li" for tag, _ in marked), marked


def test_where_customers_are_lost_lists_the_steps_that_lose_them() -> None:
    _, parser = page(INTERNET)
    rows = parser.table_after("Where customers are lost")
    names = {s["name"] for s in raw(INTERNET)["steps"] if s.get("abandon", 0) > 0}
    # Customers who end at a failure or abandoned outcome are lost there too, marked so.
    names |= {
        f"{s['name']} ({s['outcome']} outcome)"
        for s in raw(INTERNET)["steps"]
        if s.get("outcome") in ("failure", "abandoned")
    }
    assert {row[0] for row in rows[1:]} == names
    assert rows[1][0] == "Llama a la línea 01-8000 y recorre el menú IVR"  # the most lost


def test_pain_points_and_opportunities_are_listed_with_their_numbers() -> None:
    _, parser = page(BLUEPRINT)
    rows = parser.table_after("Pain points and opportunities")
    notes = [
        (step["name"], text)
        for step in raw(BLUEPRINT)["steps"]
        for key in ("pain_points", "opportunities")
        for text in step.get(key, [])
    ]
    assert sorted((row[2], row[3]) for row in rows[1:]) == sorted(notes)
    assert sorted(int(row[0]) for row in rows[1:]) == list(range(1, len(notes) + 1))


def test_clean_journey_says_so() -> None:
    _, parser = page(EXAMPLES / "insurance-quote.journey.yaml")  # clean on purpose
    assert "No findings: the audit found nothing to fix." in parser.text_of("p")


def test_hostile_names_appear_only_as_text(tmp_path: Path) -> None:
    _, parser = page(HOSTILE)
    assert parser.text_of("h1") == [HOSTILE_TITLE]
    assert parser.text_of("title")[0].startswith(HOSTILE_TITLE)
    data = raw(HOSTILE)
    assert data["journey"]["description"] in parser.text_of("p")
    plain = parse(render_journey(load(write_tamed(HOSTILE, tmp_path)), "html").data.decode())

    def skeleton(parsed: Page) -> Counter[tuple[str, tuple[str, ...]]]:
        return Counter(
            (tag, tuple(sorted(name for name, _ in attrs)))
            for kind, tag, attrs in parsed.events
            if kind == "start" and tag != "text"
        )

    assert skeleton(parser) == skeleton(plain)
    rows = parser.table_after("Where customers are lost")
    (s0,) = [row for row in rows[1:] if row[1] == "s0"]
    assert s0[0].startswith(HOSTILE_LABELS["s0"])
    details = json.loads(parser.scripts[0][1])
    assert details["steps"]["step-0"]["title"] == f"{HOSTILE_LABELS['s0']} (s0)"


def test_same_input_gives_the_same_page() -> None:
    assert render(HOSTILE, "html").data == render(HOSTILE, "html").data


def test_no_findings_does_not_claim_the_journey_is_clean_nor_highlight() -> None:
    text, parser = page(INTERNET, findings=False)
    assert "the audit found nothing to fix" not in text
    assert parser.elements("li", "finding") == []
    classes = [value.split() for tag, name, value in parser.attributes() if name == "class"]
    assert not [c for c in classes if {"finding", "flagged", "peloteo"} & set(c)]


# --- in a real browser ---------------------------------------------------------------------------

VIEWPORT = {"width": 1600, "height": 1000}


class Opened:
    """A page of the browser with the map loaded, and every console or page error seen."""

    def __init__(self, browser: Any, html: Path) -> None:
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page = browser.new_page(viewport=VIEWPORT)
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.goto(html.as_uri())
        self.page.wait_for_load_state("load")

    def rect(self, selector: str) -> dict[str, float]:
        box: dict[str, float] = self.page.eval_on_selector(
            selector,
            "e => { const r = e.getBoundingClientRect();"
            " return {x: r.left, y: r.top, right: r.right, bottom: r.bottom}; }",
        )
        return box


def inside(inner: dict[str, float], outer: dict[str, float], slack: float = 1.0) -> bool:
    return (
        inner["x"] >= outer["x"] - slack
        and inner["y"] >= outer["y"] - slack
        and inner["right"] <= outer["right"] + slack
        and inner["bottom"] <= outer["bottom"] + slack
    )


VIEW = {"x": 0.0, "y": 0.0, "right": VIEWPORT["width"], "bottom": VIEWPORT["height"]}


@pytest.mark.slow  # starts Chromium
@pytest.mark.parametrize("path", [INTERNET, HOSTILE], ids=lambda p: p.name.split(".")[0])
def test_in_chromium_the_map_fits_and_findings_and_steps_respond(
    browser: Any, path: Path, tmp_path: Path
) -> None:
    html = tmp_path / path.name.replace(".yaml", ".html")
    html.write_bytes(render(path, "html").data)
    opened = Opened(browser, html)
    page = opened.page
    name = path.name.split(".")[0]
    page.screenshot(path=str(artifacts() / f"blueprint-{name}.png"))
    assert opened.errors == []
    assert [url for url in opened.requests if not url.startswith("file:")] == []

    # At load, the map and the whole drawing inside it are on screen.
    the_map = opened.rect(".map")
    assert inside(the_map, VIEW), the_map
    assert inside(opened.rect(".map svg"), VIEW)
    assert inside(opened.rect(".map svg g.graph"), the_map), opened.rect(".map svg g.graph")

    # A finding selects exactly its steps and brings them into the visible map.
    findings = page.query_selector_all(".finding[data-steps]")
    assert findings
    for finding in findings:
        wanted = sorted(set((finding.get_attribute("data-steps") or "").split()))
        finding.click()
        selected = sorted(page.eval_on_selector_all(".selected", "els => els.map(e => e.id)"))
        assert selected == wanted, finding.inner_text()
        shown = opened.rect(".map")
        for hook in wanted:
            step = opened.rect(f"#{hook}")
            assert inside(step, shown) and inside(step, VIEW), (hook, step, shown)
    page.screenshot(path=str(artifacts() / f"blueprint-{name}-finding.png"))

    # A step shows its details.
    page.click("#zoom-fit")
    steps = raw(path)["steps"]
    index = len(steps) // 2
    page.eval_on_selector(".map", "e => e.scrollIntoView()")
    page.click(f"#step-{index}")
    panel = page.locator("#details")
    assert panel.is_visible()
    heading = panel.locator("h3").inner_text()
    written = steps[index].get("name", steps[index]["id"])
    expected = " ".join("".join(c if c.isprintable() else " " for c in written).split())
    assert heading.startswith(expected), (heading, expected)
    assert opened.errors == []
    page.screenshot(path=str(artifacts() / f"blueprint-{name}-details.png"))
    page.close()


def test_the_default_artifacts_folder_is_ignored_by_git() -> None:
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    completed = subprocess.run(
        ["git", "check-ignore", "-q", "build/artifacts/blueprint-internet-support.png"],
        cwd=REPO,
        capture_output=True,
        check=False,
    )
    assert completed.returncode == 0, "build/artifacts/ must stay out of commits"


def test_the_page_counts_the_losses_at_outcomes_as_stats_does(tmp_path: Path) -> None:
    path = write_journey(
        tmp_path,
        """
        - {id: a, stage: contact, entry: {volume: 1000}, abandon: 0.1,
           next: [{to: done, share: 0.7}, {to: refused, share: 0.2}, {to: complaint, share: 0.1}]}
        - {id: done, stage: contact, outcome: success}
        - {id: refused, stage: contact, outcome: failure}
        - {id: complaint, stage: contact, outcome: abandoned}
        """,
    )
    _, parser = page(path)
    rows = parser.table_after("Where customers are lost")
    assert rows[1:] == [
        ["refused (failure outcome)", "refused", "—", "0", "0", "180", "180"],
        ["a", "a", "10%", "100", "0", "0", "100"],
        ["complaint (abandoned outcome)", "complaint", "—", "0", "0", "90", "90"],
    ]
    # Every customer lost (10% abandon at `a`, 18% fail, 9% abandon at the outcome) is a row.
    assert sum(int(row[-1]) for row in rows[1:]) == 370


def test_names_in_finding_messages_are_set_as_code_not_shown_with_backticks() -> None:
    """A director reads the page: `n1` in a message becomes <code>n1</code>, escaped."""
    page = render(INTERNET, "html").data.decode("utf-8")
    findings = page[page.index('<ol class="findings">') :]
    findings = findings[: findings.index("</ol>")]
    assert "`" not in findings
    assert findings.count("<code>") > findings.count('<li class="finding')
