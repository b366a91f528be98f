"""Shared test helpers: paths to the repository's examples and a journey writer."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
SARIF_SCHEMA = REPO / "tests" / "data" / "sarif" / "sarif-schema-2.1.0.json"
"""The official SARIF 2.1.0 schema, vendored with its source and licence beside it."""

MINIMAL_JOURNEY = """\
    cyclemap: 1
    journey: {id: demo, name: Demo}
    stages:
      - {id: contact, name: Contacto}
    steps:
      - id: ask
        stage: contact
        entry: true
        next: [{to: done}]
      - id: done
        stage: contact
        outcome: success
    """

BROKEN_JOURNEY = MINIMAL_JOURNEY.replace("next: [{to: done}]", "next: [{to: done, shar: 0.5}]")
"""A journey with one validation problem, at line 9, column 23."""


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests read English messages: the language is pinned, whatever the machine's locale
    (a Spanish one would otherwise make cyclemap speak Spanish). Tests of other languages set
    `CYCLEMAP_LANG`, `--lang` or the locale themselves."""
    monkeypatch.setenv("CYCLEMAP_LANG", "en")


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """Write dedented YAML text to a file under a temporary repository root."""
    (tmp_path / "cyclemap.toml").write_text("", encoding="utf-8")

    def _write(text: str, name: str = "demo.journey.yaml") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return _write


CHROMIUM = Path("/usr/bin/chromium")
"""Debian's Chromium, which Playwright drives (it downloads no browser of its own here)."""


def artifacts() -> Path:
    """Where screenshots are kept for CI (`CYCLEMAP_ARTIFACTS`, else build/artifacts)."""
    folder = Path(os.environ.get("CYCLEMAP_ARTIFACTS") or REPO / "build" / "artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium, once per test module (skipped where it or Playwright is missing)."""
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield launched
        launched.close()
