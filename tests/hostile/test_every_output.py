"""Hostile names (quotes, backslashes, newlines, `<script>`, emoji, right-to-left and bidi
overrides) through every report format, every map target and `stats`: each output still
parses with its consumer's parser and no user text becomes markup, a command or a script."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cyclemap.cli import app
from tests.conftest import REPO

runner = CliRunner()
HOSTILE = REPO / "tests" / "fixtures" / "render" / "hostile.journey.yaml"


@pytest.fixture
def journey(tmp_path: Path) -> Path:
    (tmp_path / "cyclemap.toml").write_text("", encoding="utf-8")
    target = tmp_path / HOSTILE.name
    shutil.copy(HOSTILE, target)
    return target


def _report(journey: Path, output_format: str) -> str:
    result = runner.invoke(app, ["audit", str(journey), "-f", output_format, "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_json_and_sarif_parse(journey: Path) -> None:
    assert json.loads(_report(journey, "json"))["findings"]
    sarif = json.loads(_report(journey, "sarif"))
    assert sarif["runs"][0]["results"]


def _report_failing_on(journey: Path, output_format: str, fail_on: str) -> str:
    result = runner.invoke(app, ["audit", str(journey), "-f", output_format, "--fail-on", fail_on])
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def test_junit_carries_every_finding_with_its_text_intact(journey: Path) -> None:
    """Not only parseable: each finding's message comes back out of the XML exactly, hostile
    names included, and the counts a dashboard shows agree with the testcases."""
    root = ElementTree.fromstring(_report_failing_on(journey, "junit", "warning").encode("utf-8"))
    findings = json.loads(_report(journey, "json"))["findings"]
    assert findings
    carried = " ".join(
        " ".join([element.text or "", *element.attrib.values()]) for element in root.iter()
    )
    for finding in findings:
        assert finding["message"] in carried, finding["message"]
    suites = list(root.iter("testsuite"))
    assert suites
    for suite in suites:
        cases = suite.findall("testcase")
        assert int(suite.attrib["tests"]) == len(cases)
        failing = [case for case in cases if case.find("failure") is not None]
        assert int(suite.attrib["failures"]) == len(failing) > 0


def test_github_annotations_cannot_start_commands(journey: Path) -> None:
    lines = _report(journey, "github").splitlines()
    commands = [line for line in lines if line.startswith("::")]
    assert len(commands) == len(json.loads(_report(journey, "json"))["findings"])
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in commands)


def test_markdown_table_rows_keep_their_cells(journey: Path) -> None:
    rows = [line for line in _report(journey, "markdown").splitlines() if line.startswith("| ")]
    widths = {len(row.replace("\\|", "").split("|")) for row in rows}
    assert len(widths) == 1
    assert "<script>" not in _report(journey, "markdown")


def test_text_report_has_no_escape_sequences(journey: Path) -> None:
    text = _report(journey, "text")
    assert "\x1b" not in text and "\u202e" not in text


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.scripts: list[str | None] = []
        """The `type` of each `<script>`."""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "script":
            self.scripts.append(dict(attrs).get("type"))
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            assert "javascript:" not in (value or ""), (tag, name, value)


@pytest.mark.parametrize("target", ["dot", "mermaid", "mermaid-journey", "svg", "html"])
def test_every_map_target_keeps_names_as_text(journey: Path, target: str) -> None:
    result = runner.invoke(app, ["render", str(journey), "-f", target, "-o", "-"])
    assert result.exit_code == 0, result.output
    output = result.stdout
    if target == "svg":
        root = ElementTree.fromstring(output.encode("utf-8"))
        assert not [e for e in root.iter() if e.tag.endswith("script")]
    if target in ("svg", "html"):
        parser = _Tags()
        parser.feed(output)
        # The page's own script and its JSON data block; the SVG has none.
        assert sorted(parser.scripts, key=str) == (
            [None, "application/json"] if target == "html" else []
        )
    if target == "mermaid":
        assert "<script>" not in output
    if target == "dot":
        assert "<script>" not in output.replace("&lt;script&gt;", "")


def test_stats_text_and_json(journey: Path) -> None:
    text = runner.invoke(app, ["stats", str(journey)])
    assert text.exit_code == 0 and "\x1b" not in text.stdout
    document = runner.invoke(app, ["stats", str(journey), "-f", "json"])
    assert json.loads(document.stdout)["journeys"][0]["journey"] == "hostile"


def test_compare_in_every_format(journey: Path, tmp_path: Path) -> None:
    """A change to the hostile journey: its names reach every output of `compare` as text."""
    after = tmp_path / "after" / journey.name
    after.parent.mkdir()
    after.write_text(
        journey.read_text(encoding="utf-8").replace("abandon: 0.1", "abandon: 0.05", 1),
        encoding="utf-8",
    )

    def output(*options: str) -> str:
        result = runner.invoke(app, ["compare", str(journey), str(after), *options])
        assert result.exit_code == 0, result.output
        return result.stdout

    text = output()
    assert "hostile" in text and "\x1b" not in text
    assert "s0" in text and "<script>alert(1)</script>" in text  # shown as written, as text
    markdown = output("-f", "markdown")
    assert "<script>" not in markdown and "&lt;script&gt;" in markdown
    assert json.loads(output("-f", "json"))["journeys"][0]["status"] == "changed"
    svg = output("-f", "svg")
    ElementTree.fromstring(svg.encode("utf-8"))
    assert "<script>" not in svg
    page = output("-f", "html")
    assert "<script>" not in page
    HTMLParser().feed(page)
