"""Every figure agrees: what the maps, the HTML page, the audit's messages, its quick wins and
the Markdown report show is what `stats --format json` gives, for every example journey and
for generated ones.

Each output is produced through the command line, the way a person gets it, and read back as
text: the figures it shows are compared, at the precision shown, with the same figures taken
from the stats JSON (formatted the way the outputs format them). A figure that `stats` does not
list (the probability of a handoff chain's path) is worked out from the flow model's own
transition probabilities.
"""

from __future__ import annotations

import html
import itertools
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

import cyclemap
from cyclemap.cli import app
from cyclemap.graph import JourneyGraph
from cyclemap.graph.flow_model import flow_model
from cyclemap.render.view import shorten
from cyclemap.reporters.markdown import inline
from cyclemap.util.numbers import customers, percent
from tests.conftest import EXAMPLES
from tests.support.figures import random_journey
from tests.support.render import HAS_DOT

runner = CliRunner()
EXAMPLE_FILES = sorted(
    [*EXAMPLES.glob("*.journey.yaml"), *EXAMPLES.glob("journey-repo/journeys/*/*.journey.yaml")]
)
GENERATED = range(12)


def run(*arguments: str) -> str:
    """The command's output, in English (the maps of a Spanish journey are otherwise Spanish)."""
    result = runner.invoke(app, ["--lang", "en", *arguments])
    assert result.exit_code in (0, 1), (arguments, result.output)
    return result.stdout


@dataclass
class Shown:
    """One journey's stats JSON, and what the other outputs show of it."""

    path: Path
    stats: dict[str, Any]
    steps: list[dict[str, Any]]
    """The journey's steps as written (plain YAML)."""

    @property
    def by_volume(self) -> bool:
        return bool(self.stats["by_volume"])

    def amount(self, value: float) -> str:
        return customers(value) if self.by_volume else percent(value)

    def step(self, step_id: str) -> dict[str, Any]:
        """The stats figures of a step; a step stats does not list loses nobody."""
        found = [step for step in self.stats["steps"] if step["step"] == step_id]
        if found:
            return found[0]
        return {"step": step_id, "abandoned": 0.0, "stuck": 0.0, "lost": 0.0}


def shown(path: Path) -> Shown:
    document = json.loads(run("stats", str(path), "--format", "json"))
    (stats,) = document["journeys"]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Shown(path, stats, data["steps"])


def generated_journey(folder: Path, seed: int) -> Path:
    """A random journey of the simulation test, spread over two stages and three teams."""
    steps = random_journey(seed)
    ids = [step.id for step in steps]
    body = []
    for index, step in enumerate(steps):
        text = step.yaml(ids)
        if index % 3 == 1:
            text = text.replace("stage: contact", "stage: solution")
        body.append("  " + text.replace("\n", "\n  "))
    header = (
        "cyclemap: 1\n"
        f"journey: {{id: generated-{seed}, name: Generated {seed}}}\n"
        "teams: {t1: {name: Uno}, t2: {name: Dos}, t3: {name: Tres}}\n"
        "stages:\n  - {id: contact, name: Contacto}\n  - {id: solution, name: Solución}\n"
        "steps:\n"
    )
    (folder / "cyclemap.toml").write_text("", encoding="utf-8")
    path = folder / f"generated-{seed}.journey.yaml"
    path.write_text(header + "\n".join(body) + "\n", encoding="utf-8")
    return path


def journeys(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield from EXAMPLE_FILES
    folder = tmp_path_factory.mktemp("generated")
    for seed in GENERATED:
        yield generated_journey(folder, seed)


@pytest.fixture(scope="module")
def every_journey(tmp_path_factory: pytest.TempPathFactory) -> list[Shown]:
    found = [shown(path) for path in journeys(tmp_path_factory)]
    assert any(item.by_volume for item in found) and any(not item.by_volume for item in found)
    return found


# --- the maps ------------------------------------------------------------------------------

BOX = re.compile(r"^\s*sstep(\d+) \[.*?label=<(.*)>(?:, [^>]*)?\];$", re.M)
STAGE_HEADER = re.compile(r"^\s*stage(\d+) \[.*?label=<(.*)>(?:, [^>]*)?\];$", re.M)


def _text_of(label: str) -> str:
    """The words of an HTML-like Graphviz label, tags dropped and entities read."""
    return html.unescape(re.sub(r"<[^>]*>", " ", label))


def test_blueprint_boxes_show_the_customers_stats_counts(every_journey: list[Shown]) -> None:
    """Each step's box says how many customers abandon there and how many are stuck with no
    way forward, as `stats` counts them; each stage header how many customers reach the stage
    (each once) and are lost there."""
    compared = 0
    for journey in every_journey:
        dot = run("render", str(journey.path), "--format", "dot", "-o", "-")
        boxes = {int(index): _text_of(label) for index, label in BOX.findall(dot)}
        assert len(boxes) == len(journey.steps), journey.path.name
        for index, text in boxes.items():
            step = journey.steps[index]
            figures = journey.step(step["id"])
            abandon = step.get("abandon", 0)
            if abandon:
                expected = f"↘ {percent(abandon)}"
                if journey.by_volume:
                    expected += f" ({customers(figures['abandoned'])})"
                assert expected in text, (journey.path.name, step["id"], text)
                compared += 1
            else:
                assert "↘" not in text, (journey.path.name, step["id"])
            if figures["stuck"] > 0:
                assert f"⊘ {journey.amount(figures['stuck'])} stuck" in text, step["id"]
                compared += 1
            else:
                assert "⊘" not in text, (journey.path.name, step["id"])
        headers = {int(index): _text_of(label) for index, label in STAGE_HEADER.findall(dot)}
        for stage in journey.stats["stages"]:
            data = yaml.safe_load(journey.path.read_text(encoding="utf-8"))
            position = [s["id"] for s in data["stages"]].index(stage["stage"])
            if "after success: not in the figures" in headers[position]:
                # Reached only past a success, where the figures stop: stats counts nobody.
                assert stage["reached"] == stage["lost"] == 0, stage
                continue
            expected = f"{journey.amount(stage['reached'])} reach · "
            expected += f"{journey.amount(stage['lost'])} lost"
            assert expected in headers[position], (journey.path.name, stage["stage"])
            compared += 1
    assert compared > 40


GROUP_LABEL = re.compile(
    r'^\s*(g\d+) \[label=<<B>(.*?)</B><BR/><FONT POINT-SIZE="9">(.*?)</FONT>'
    r'(?:<BR/><FONT POINT-SIZE="9" COLOR="#c62828">([\d,]+) lost[^<]*</FONT>)?>',
    re.M,
)
MOVE_LABEL = re.compile(r'^\s*(g\d+) -> (g\d+) \[label="([^"]*)"', re.M)


def group_titles(journey: Shown, by: str) -> dict[str | None, str]:
    """Each stage's or team's box title, from the YAML: what the overview map labels it."""
    data = yaml.safe_load(journey.path.read_text(encoding="utf-8"))
    if by == "stage":
        return {stage["id"]: shorten(stage["name"], 60) for stage in data["stages"]}
    teams = dict(data.get("teams") or {})
    for catalog in data.get("imports") or []:
        imported = yaml.safe_load((journey.path.parent / catalog).read_text(encoding="utf-8"))
        teams.update(imported.get("teams") or {})
    titles: dict[str | None, str] = {
        team: shorten((value or {}).get("name") or team, 40) for team, value in teams.items()
    }
    titles[None] = "(no team)"
    return titles


@pytest.mark.parametrize("by", ["stage", "team"])
def test_overview_maps_show_customers_reached_visits_and_moves(
    every_journey: list[Shown], by: str
) -> None:
    for journey in every_journey:
        dot = run("render", str(journey.path), "--format", "dot", "--collapse", by, "-o", "-")
        titles = group_titles(journey, by)
        boxes = {
            key: (html.unescape(title), detail, lost)
            for key, title, detail, lost in GROUP_LABEL.findall(dot)
        }
        expected = {titles[group[by]]: group for group in journey.stats[f"{by}s"]}
        assert sorted(title for title, _, _ in boxes.values()) == sorted(expected), (
            journey.path.name
        )
        for title, detail, lost in boxes.values():
            group = expected[title]
            figures = detail.split(" · ", 1)[1]
            if journey.by_volume:
                assert figures == (
                    f"{customers(group['reached'])} customers · {customers(group['visits'])} visits"
                ), (journey.path.name, title)
                assert lost == (customers(group["lost"]) if customers(group["lost"]) != "0" else "")
            else:
                assert figures == (
                    f"{percent(group['reached'])} of customers · {group['visits']:.2f} visits each"
                ), (journey.path.name, title)
        title_of = {key: title for key, (title, _, _) in boxes.items()}
        drawn = {
            (title_of[source], title_of[target]): label
            for source, target, label in MOVE_LABEL.findall(dot)
        }
        moves = {
            (titles[move["from"]], titles[move["to"]]): move["moves"]
            for move in journey.stats["moves"][by]
        }
        assert set(drawn) == set(moves), journey.path.name
        for pair, label in drawn.items():
            amount = moves[pair]
            number = customers(amount) if journey.by_volume else f"{amount:.2f}"
            assert label == f"{number} moves", (journey.path.name, pair)


# --- the HTML page -------------------------------------------------------------------------


@pytest.mark.skipif(not HAS_DOT, reason="needs Graphviz")
def test_html_page_lists_the_losses_stats_lists(every_journey: list[Shown]) -> None:
    for journey in every_journey:
        page = run("render", str(journey.path), "--format", "html", "-o", "-")
        losing = sorted(
            (step for step in journey.stats["steps"] if step["lost"] > 0),
            key=lambda step: -step["lost"],
        )
        if not losing:
            assert "Where customers are lost" not in page
            continue
        section = page.split("<h2>Where customers are lost</h2>", 1)[1].split("</table>", 1)[0]
        rows = [
            [html.unescape(cell) for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", section)
        ][1:]
        by_id = {step["id"]: step for step in journey.steps}
        expected = [
            [
                marked_name(str(by_id[step["step"]].get("name", step["step"])), step),
                step["step"],
                "\u2014" if step["outcome"] else percent(step["abandon"]),
                journey.amount(step["abandoned"]),
                journey.amount(step["stuck"]),
                journey.amount(step["ended"] if step["outcome"] else 0.0),
                journey.amount(step["lost"]),
            ]
            for step in losing[:10]
        ]
        assert rows == expected, journey.path.name
        if len(losing) <= 10:
            # The rows account for every customer lost, as the page's headline counts them.
            endings = journey.stats["overall"]["endings"]
            scale = journey.stats["total_volume"] if journey.stats["by_volume"] else 1.0
            assert sum(step["lost"] for step in losing) == pytest.approx(
                scale * (endings["failure"] + endings["abandoned"] + endings["stuck"])
            )


def marked_name(name: str, step: dict[str, Any]) -> str:
    """A step's name as the tables of losses show it: an outcome step says which it is."""
    return f"{name} ({step['outcome']} outcome)" if step["outcome"] else name


# --- the audit -----------------------------------------------------------------------------


def audit_findings(journey: Shown) -> list[dict[str, Any]]:
    document = json.loads(run("audit", str(journey.path), "--format", "json"))
    return list(document["findings"])


def test_audit_messages_give_the_figures_stats_gives(every_journey: list[Shown]) -> None:
    checked: dict[str, int] = {}
    for journey in every_journey:
        graph = JourneyGraph(cyclemap.load(journey.path))
        for finding in audit_findings(journey):
            message, rule = finding["message"], finding["rule"]
            if rule == "drop-off-point" and journey.by_volume:
                (count,) = re.findall(
                    r"abandon there: about ([\d,]+) customers per period", message
                )
                assert count == customers(journey.step(finding["steps"][0])["abandoned"])
            elif rule == "peloteo-loop" and "sent round" in message:
                share, start = re.findall(r"; (\S+) of the customers who reach `([^`]+)`", message)[
                    0
                ]
                (loop,) = [loop for loop in journey.stats["loops"] if loop["start"] == start]
                assert share == percent(loop["round_probability"])
            elif rule == "dead-end" and journey.by_volume:
                (count,) = re.findall(r"about ([\d,]+) customers per period reach it", message)
                (region,) = [
                    region
                    for region in journey.stats["dead_ends"]
                    if region["steps"] == finding["steps"]
                ]
                assert count == customers(region["reached"])
            elif rule == "handoff-chain":
                (share,) = re.findall(r"; (\S+) of the customers take exactly this path", message)
                path = finding["steps"]
                model = flow_model(graph)
                chance = math.prod(model.transition(a, b) for a, b in itertools.pairwise(path))
                assert share == percent(chance)
            else:
                continue
            checked[rule] = checked.get(rule, 0) + 1
    assert set(checked) == {"drop-off-point", "peloteo-loop", "dead-end", "handoff-chain"}


def test_audit_quick_wins_are_those_of_stats(every_journey: list[Shown]) -> None:
    compared = 0
    for journey in every_journey:
        text = run("audit", str(journey.path))
        lines = [line.strip() for line in text.splitlines() if re.match(r"^    \d+\. ", line)]
        wins = journey.stats["quick_wins"][: len(lines)]
        assert len(lines) == min(3, len(journey.stats["quick_wins"])), journey.path.name
        for line, win in zip(lines, wins, strict=True):
            gain = (
                f"+{customers(win['gain'])} successful customers per period"
                if journey.by_volume
                else f"+{percent(win['gain'])} success probability"
            )
            assert line.split(". ", 1)[1].startswith(
                f"{win['description']}: {gain} ({win['assumption']}"
            ), journey.path.name
            compared += 1
    assert compared > 10


def test_markdown_shows_the_same_messages(every_journey: list[Shown]) -> None:
    for journey in every_journey:
        markdown = run("audit", str(journey.path), "--format", "markdown")
        for finding in audit_findings(journey):
            assert inline(finding["message"]) in markdown, (journey.path.name, finding["rule"])


# --- stats itself --------------------------------------------------------------------------


def test_stats_text_shows_the_json_figures(every_journey: list[Shown]) -> None:
    for journey in every_journey:
        text = run("stats", str(journey.path))
        overall = journey.stats["overall"]
        assert f"Success {percent(overall['endings']['success'])}" in text
        for loop in journey.stats["loops"]:
            if loop["sent_round"] is not None:
                assert f"{journey.amount(loop['sent_round'])}" in text
                assert f"{percent(loop['round_probability'])} of the" in text
        for stage in journey.stats["stages"]:
            row = next(line for line in text.splitlines() if f"│ {stage['stage']} " in line)
            assert journey.amount(stage["reached"]) in row, (journey.path.name, stage["stage"])
