"""`cyclemap compare`, `stats --diff` and the customer change in `audit --diff`'s Markdown,
on a git fixture repository whose working tree fixes the peloteo loop of its last commit."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cyclemap.cli import app
from tests.support.repo import SUPPORT, support_repo, support_without_loop, write

runner = CliRunner()
JOURNEY = Path("journeys") / "soporte.journey.yaml"
SUCCESS = "success 77.3% → 80.0% (+2.7 points), +27 successful customers per period"
"""`SUPPORT`: from `call`, s = 0.8 (0.7 + 0.3 (0.5 + 0.5 s)) = 0.68 / 0.88; without the loop,
0.8; 1,000 customers enter per period."""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository whose last commit has the loop, and whose working tree removes it."""
    root = support_repo(tmp_path, monkeypatch, SUPPORT)
    write(root / JOURNEY, support_without_loop())
    return root


def test_stats_diff_prints_the_success_change_in_percent_and_customers(repo: Path) -> None:
    result = runner.invoke(app, ["stats", "--diff", "HEAD", "journeys"])
    assert result.exit_code == 0, result.output
    assert SUCCESS in result.stdout
    assert "journeys/soporte.journey.yaml  soporte — Soporte hogar: changed" in result.stdout
    assert "limpio" not in result.stdout  # unchanged journeys are only counted
    assert "2 journeys compared: changed: 1, unchanged: 1" in result.stdout
    assert "`billing-desk` → `call`: removed" in result.stdout


def test_stats_diff_json_compares_the_revision_with_the_working_tree(repo: Path) -> None:
    result = runner.invoke(app, ["stats", "--diff", "HEAD", "journeys", "-f", "json"])
    document = json.loads(result.stdout)
    assert document["before"] == "git HEAD"
    by_id = {journey["journey"]: journey for journey in document["journeys"]}
    assert by_id["limpio"]["status"] == "unchanged"
    success = by_id["soporte"]["customers"]["success"]
    assert success["before"] == pytest.approx(1000 * 0.68 / 0.88)
    assert success["after"] == pytest.approx(800)
    assert [f["rule"] for f in by_id["soporte"]["findings"]["fixed"]] == ["peloteo-loop"]


def test_audit_diff_markdown_carries_the_customer_change(repo: Path) -> None:
    result = runner.invoke(app, ["audit", "--diff", "HEAD", "--format", "markdown"])
    text = result.stdout
    assert "### What this change does to customers" in text
    rows = [line for line in text.splitlines() if line.startswith("| <code>soporte</code>")]
    assert rows == [
        "| <code>soporte</code> changed | 77.3% → 80.0% (+2.7 points) | +27 (773 → 800) "
        "| 22.7% → 20.0% (-2.7 points) | 1.27 → 1.00 (-0.27) | — → — | 120 → 0 (-120) |"
    ]
    # The audit's own part is still there, before it.
    assert text.index("## cyclemap audit") < text.index("What this change does to customers")


def test_audit_diff_in_other_formats_has_no_customer_section(repo: Path) -> None:
    result = runner.invoke(app, ["audit", "--diff", "HEAD", "--format", "json"])
    assert "customers" not in json.loads(result.stdout)


def test_compare_two_files(tmp_path: Path) -> None:
    before = write(tmp_path / "a.journey.yaml", SUPPORT)
    after = write(tmp_path / "b.journey.yaml", support_without_loop())
    text = runner.invoke(app, ["compare", str(before), str(after)]).stdout
    assert SUCCESS in text
    assert re.search(r"peloteo +120 → 0 \(-120\) customers sent round at least once", text)
    markdown = runner.invoke(app, ["compare", str(before), str(after), "-f", "markdown"]).stdout
    assert markdown.startswith("## cyclemap compare\n")
    assert "| <code>soporte</code> changed |" in markdown


def test_compare_speaks_spanish(tmp_path: Path) -> None:
    before = write(tmp_path / "a.journey.yaml", SUPPORT)
    after = write(tmp_path / "b.journey.yaml", support_without_loop())
    text = runner.invoke(app, ["compare", str(before), str(after), "--lang", "es"]).stdout
    assert (
        "éxito 77,3 % → 80,0 % (+2,7 puntos)" in text or "éxito 77,3% → 80,0% (+2,7 puntos)" in text
    )


def test_stats_markdown_needs_diff(tmp_path: Path) -> None:
    journey = write(tmp_path / "a.journey.yaml", SUPPORT)
    result = runner.invoke(app, ["stats", str(journey), "-f", "markdown"])
    assert result.exit_code == 2
    assert "--diff" in result.stderr


def test_compare_missing_file_exits_2(tmp_path: Path) -> None:
    journey = write(tmp_path / "a.journey.yaml", SUPPORT)
    result = runner.invoke(app, ["compare", str(journey), str(tmp_path / "missing.yaml")])
    assert result.exit_code == 2


def test_change_map_colours_and_legend(tmp_path: Path) -> None:
    before = write(tmp_path / "a.journey.yaml", SUPPORT)
    after = write(tmp_path / "b.journey.yaml", support_without_loop())
    out = tmp_path / "change.svg"
    result = runner.invoke(app, ["compare", str(before), str(after), "-f", "svg", "-o", str(out)])
    assert result.exit_code == 0, result.output
    svg = out.read_text(encoding="utf-8")
    for words in ("more customers pass", "fewer customers pass", "new step", "no change"):
        assert words in svg
    assert "removed: billing&#45;desk → call" in svg
    # `fixed` gains customers (773 → 800): its box is filled with the "more" tint.
    assert "773 → 800" in svg
    assert "#cde3f3" in svg


def test_render_compare_draws_the_change_map_beside_the_journey(repo: Path) -> None:
    result = runner.invoke(app, ["render", "journeys", "--compare", "HEAD"])
    assert result.exit_code == 0, result.output
    drawn = repo / "journeys" / "soporte.journey.change.svg"
    assert "wrote journeys/soporte.journey.change.svg" in result.stderr
    assert "more customers pass" in drawn.read_text(encoding="utf-8")
    # The unchanged journey gets no change map.
    assert not (repo / "journeys" / "clean.journey.change.svg").exists()


def test_render_compare_needs_a_drawing_format(repo: Path) -> None:
    result = runner.invoke(app, ["render", "journeys", "--compare", "HEAD", "-f", "mermaid"])
    assert result.exit_code == 2
    assert "svg, png or html" in result.stderr


def test_a_png_change_map_needs_a_file(tmp_path: Path) -> None:
    before = write(tmp_path / "a.journey.yaml", SUPPORT)
    after = write(tmp_path / "b.journey.yaml", support_without_loop())
    result = runner.invoke(app, ["compare", str(before), str(after), "-f", "png"])
    assert result.exit_code == 2
    assert "-o FILE.png" in result.stderr
    out = tmp_path / "change.png"
    drawn = runner.invoke(app, ["compare", str(before), str(after), "-f", "png", "-o", str(out)])
    assert drawn.exit_code == 0, drawn.output
    assert out.read_bytes().startswith(b"\x89PNG")


def test_the_markdown_says_fixed_findings_in_spanish(tmp_path: Path) -> None:
    before = write(tmp_path / "a.journey.yaml", SUPPORT)
    after = write(tmp_path / "b.journey.yaml", support_without_loop())
    markdown = runner.invoke(
        app, ["compare", str(before), str(after), "-f", "markdown", "--lang", "es"]
    ).stdout
    assert "- corregido: " in markdown and "- fixed: " not in markdown


def test_change_map_page_is_a_page_in_the_journeys_language(tmp_path: Path) -> None:
    """`--format html` is a page like `render`'s overview: a language, a title saying what the
    map is, the map inline (no XML prologue inside the body); a Spanish journey's page is
    Spanish whoever reads it."""
    from html.parser import HTMLParser

    def in_spanish(text: str) -> str:
        marked = text.replace("name: Soporte hogar}", "name: Soporte hogar, language: es}", 1)
        assert "language: es" in marked
        return marked

    before = write(tmp_path / "a.journey.yaml", in_spanish(SUPPORT))
    after = write(tmp_path / "b.journey.yaml", in_spanish(support_without_loop()))
    out = tmp_path / "change.html"
    arguments = ["compare", str(before), str(after), "-f", "html", "-o", str(out)]
    result = runner.invoke(app, arguments)
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert page.startswith('<!DOCTYPE html>\n<html lang="es">')
    assert "<?xml" not in page and "<!DOCTYPE svg" not in page
    assert "mapa del cambio" in page and "change map" not in page

    class Tags(HTMLParser):
        seen: list[str] = []  # noqa: RUF012

        def handle_starttag(self, tag: str, attrs: object) -> None:
            self.seen.append(tag)

    parser = Tags()
    parser.feed(page)
    assert {"html", "head", "title", "body", "h1", "svg"} <= set(parser.seen)


def test_change_map_says_where_fewer_customers_are_lost_though_as_many_pass(
    tmp_path: Path,
) -> None:
    """Halving `call`'s abandonment keeps the 1,000 customers who enter there, so its fill
    says "no change"; its box still says how many fewer it loses. Visits to `call`, sent back
    by billing (0.3 * 0.5 of those who stay): 1000 / (1 - 0.8 * 0.15) = 1136.4 before, 1000 /
    (1 - 0.9 * 0.15) = 1156.1 after; lost there 0.2 * 1136.4 = 227.3 → 0.1 * 1156.1 = 115.6,
    printed 227 → 116: -111."""
    halved = SUPPORT.replace("    abandon: 0.2\n", "    abandon: 0.1\n", 1)
    assert halved != SUPPORT
    before = write(tmp_path / "a.journey.yaml", SUPPORT)
    after = write(tmp_path / "b.journey.yaml", halved)
    out = tmp_path / "change.svg"
    result = runner.invoke(app, ["compare", str(before), str(after), "-f", "svg", "-o", str(out)])
    assert result.exit_code == 0, result.output
    svg = out.read_text(encoding="utf-8")
    assert "1,000 → 1,000 · lost &#45;111" in svg  # Graphviz writes the minus as an entity
    assert "lost ±N: change in the customers lost at the step" in svg
