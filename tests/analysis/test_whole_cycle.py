"""`stats --follow-links`: the chain solved over linked journeys together, from the first
journey's entries, with each journey's part; checked against closed forms."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cyclemap.analysis.report import FlowReport
from cyclemap.cli import app
from cyclemap.engine.comparing import compare
from cyclemap.engine.stats import stats
from tests.support.links import BILLING, LOOP_BACK, SUPPORT

runner = CliRunner()


def linked(folder: Path, *, back: bool) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "support.journey.yaml").write_text(textwrap.dedent(SUPPORT), encoding="utf-8")
    billing = textwrap.dedent(BILLING).replace("BACK", LOOP_BACK if back else "")
    (folder / "billing.journey.yaml").write_text(billing, encoding="utf-8")
    return folder


def support_report(folder: Path, *, follow: bool) -> FlowReport:
    run = stats([folder], follow_links=follow)
    return next(report for report in run.reports if report.journey == "support")


def test_alone_customers_sent_to_billing_are_elsewhere(tmp_path: Path) -> None:
    report = support_report(linked(tmp_path, back=False), follow=False)
    assert report.overall.endings.success == pytest.approx(0.7)
    assert report.overall.endings.elsewhere == pytest.approx(0.3)
    assert report.parts == ()


def test_the_whole_cycle_follows_them_into_billing(tmp_path: Path) -> None:
    report = support_report(linked(tmp_path, back=False), follow=True)
    # 700 succeed in support; 300 go to billing's desk, where a tenth abandon.
    assert report.overall.endings.success == pytest.approx(0.97)
    assert report.overall.endings.abandoned == pytest.approx(0.03)
    parts = {part.journey: part for part in report.parts}
    assert list(parts) == ["support", "billing"]
    assert (parts["support"].reached, parts["support"].success) == pytest.approx((1000, 700))
    # Billing's own entry (`invoice`, 500 per period) is not part of support's customers.
    assert parts["billing"].reached == pytest.approx(300)
    assert parts["billing"].success == pytest.approx(270)
    assert parts["billing"].lost == pytest.approx(30)
    # Both journeys call their stage `s`: support's stage is support's alone.
    assert [(stage.group, stage.lost) for stage in report.stages] == [("s", 0)]


def test_a_loop_across_journeys(tmp_path: Path) -> None:
    report = support_report(linked(tmp_path, back=True), follow=True)
    # From `diagnose`: s = 0.7 + 0.3 * 0.9 * (0.6 + 0.4 s), so s = 0.862 / 0.892.
    assert report.overall.endings.success == pytest.approx(0.862 / 0.892)
    assert [loop.teams for loop in report.loops] == [("n1", "bill")]
    (loop,) = report.loops
    assert loop.round_probability == pytest.approx(0.3 * 0.9 * 0.4)


def test_compare_with_follow_links(tmp_path: Path) -> None:
    before = linked(tmp_path / "before", back=True)
    after = linked(tmp_path / "after", back=False)
    run = compare([before], [after], follow_links=True)
    change = next(change for change in run.changes if change.journey == "support")
    assert change.endings["success"].before == pytest.approx(0.862 / 0.892)
    assert change.endings["success"].after == pytest.approx(0.97)
    assert change.before is not None and change.before.parts
    # The loop across the two journeys is the support journey's finding, as `audit` says.
    assert [(f.rule, f.steps) for f in change.fixed_findings] == [
        ("peloteo-loop", ("support:diagnose", "billing:billing-desk"))
    ]
    text = runner.invoke(app, ["compare", str(before), str(after), "--follow-links"]).stdout
    assert "each journey's part (reached, success, lost):" in text
    assert "    billing: " in text


def test_stats_follow_links_shows_each_part(tmp_path: Path) -> None:
    folder = linked(tmp_path, back=False)
    text = runner.invoke(app, ["stats", str(folder), "--follow-links"]).stdout
    assert "Each journey's part of the whole cycle (customers per period)" in text
    document = json.loads(
        runner.invoke(app, ["stats", str(folder), "--follow-links", "-f", "json"]).stdout
    )
    support = next(j for j in document["journeys"] if j["journey"] == "support")
    assert [part["journey"] for part in support["parts"]] == ["support", "billing"]


def test_stats_diff_names_the_linked_journey_whose_figures_move(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only billing's file changes (it stops sending customers back to support); with
    --follow-links, support's whole cycle moves too, and `stats --diff` says so."""
    from tests.support.repo import commit_all, init_repo, isolate_git

    isolate_git(monkeypatch, tmp_path)
    root = linked(init_repo(tmp_path / "repo"), back=True)
    (root / "cyclemap.toml").write_text("", encoding="utf-8")
    commit_all(root)
    linked(root, back=False)
    monkeypatch.chdir(root)
    result = runner.invoke(app, ["stats", "--diff", "HEAD", "--follow-links", "-f", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    status = {journey["journey"]: journey["status"] for journey in document["journeys"]}
    assert status == {"billing": "changed", "support": "changed"}
    support = next(j for j in document["journeys"] if j["journey"] == "support")
    assert support["endings"]["success"]["before"] == pytest.approx(0.862 / 0.892)
    assert support["endings"]["success"]["after"] == pytest.approx(0.97)
    # Without --follow-links support's own figures do not move, but the loop across the two
    # journeys (its finding) is gone: it changed too.
    alone = runner.invoke(app, ["stats", "--diff", "HEAD", "-f", "json"])
    by_id = {j["journey"]: j for j in json.loads(alone.stdout)["journeys"]}
    assert by_id["support"]["endings"]["success"]["change"] == pytest.approx(0)
    assert [f["rule"] for f in by_id["support"]["findings"]["fixed"]] == ["peloteo-loop"]
