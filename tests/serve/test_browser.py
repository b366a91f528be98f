"""`cyclemap serve` as a person uses it, in a real headless Chromium (Playwright): the index,
a journey's page, a typo saved into the file shown as an error within 2 s, the fix bringing
the map back, and a finding selecting its steps. No console error either: the page's
Content-Security-Policy lets everything the page needs run, and nothing else."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import artifacts
from tests.support.render import HAS_DOT
from tests.support.serve import SERVED, repository, served

pytestmark = pytest.mark.skipif(not HAS_DOT, reason="needs Graphviz")

LIVE = 2_000
"""Milliseconds a saved change may take to show in the open page."""


@pytest.mark.slow  # starts the server and Chromium
def test_edit_break_fix_and_select_in_chromium(browser: Any, tmp_path: Path) -> None:
    root = repository(tmp_path / "repo")
    path = root / SERVED[0]
    good = path.read_text(encoding="utf-8")
    with served(root) as server:
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        outside: list[str] = []
        page.on(
            "request", lambda r: None if r.url.startswith(server.url) else outside.append(r.url)
        )

        # The index lists both journeys, live.
        page.goto(server.url)
        page.wait_for_selector(".cm-live.on", timeout=LIVE)
        files = page.eval_on_selector_all(
            ".cm-journeys a", "links => links.map(a => a.textContent)"
        )
        assert files == sorted(SERVED)

        # A journey: its map and findings.
        page.click(f"text={SERVED[0]}")
        page.wait_for_selector(".map svg")
        page.wait_for_selector(".cm-live.on", timeout=LIVE)
        title = page.inner_text("h1")
        assert page.query_selector(".cm-errors") is None

        # A typo, saved: the error, where it is, over the last map dimmed.
        path.write_text(good.replace("    stage: ", "    stgae: ", 1), encoding="utf-8")
        page.wait_for_selector(".cm-errors", timeout=LIVE)
        errors = page.inner_text(".cm-errors")
        assert re.search(r"internet-support\.journey\.yaml:\d+:5", errors), errors
        assert "`stgae` is not a field of a step" in errors
        marked = page.locator(".cm-errors pre .cm-at").all_inner_texts()
        assert any("stgae: " in line for line in marked), marked
        assert page.get_attribute("body", "class") == "cm-stale"
        assert page.inner_text("h1") == title  # the last valid map stays, dimmed
        opacity = page.eval_on_selector(".map", "e => getComputedStyle(e).opacity")
        assert float(opacity) < 1
        page.wait_for_selector(".cm-live.on", timeout=LIVE)
        page.screenshot(path=str(artifacts() / "serve-error.png"))

        # Fixed: the map again, not dimmed.
        path.write_text(good, encoding="utf-8")
        page.wait_for_selector(".cm-errors", state="detached", timeout=LIVE)
        page.wait_for_selector(".map svg")
        assert page.get_attribute("body", "class") is None

        # A finding selects its steps on the map.
        page.wait_for_selector(".cm-live.on", timeout=LIVE)
        finding = page.query_selector(".finding[data-steps]")
        assert finding is not None
        wanted = sorted(set((finding.get_attribute("data-steps") or "").split()))
        assert wanted
        finding.click()
        selected = page.eval_on_selector_all(".step.selected", "els => els.map(e => e.id)")
        assert sorted(selected) == wanted
        page.screenshot(path=str(artifacts() / "serve-finding.png"))

        # Back to the index, which follows a change too.
        page.click(".cm-bar a")
        page.wait_for_selector(".cm-live.on", timeout=LIVE)
        (root / SERVED[1]).unlink()
        page.wait_for_function(
            "() => document.querySelectorAll('.cm-journeys a').length === 1", timeout=LIVE
        )
        page.close()
        server.stop()
    assert problems == []
    assert outside == []
