"""For the tests of the repository features (discovery, one version of the truth, parallel
runs, baselines, `--diff`, `cyclemap audit` with no path): journeys and git repositories."""

from __future__ import annotations

import os
import subprocess
import textwrap
from pathlib import Path

import pytest

COMMITTER = ("-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false")


def isolate_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Git (ours and cyclemap's) sees no user or system configuration and no repository
    above `tmp_path`, so a global excludes file or a checkout around /tmp cannot interfere."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(name, raising=False)


def git(folder: Path, *arguments: str) -> str:
    completed = subprocess.run(
        ["git", *arguments], cwd=folder, capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


def init_repo(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    git(folder, "init", "-q")
    return folder


def commit_all(folder: Path, message: str = "journeys") -> None:
    git(folder, "add", "-A")
    git(folder, *COMMITTER, "commit", "-q", "-m", message)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def support_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, committed: str) -> Path:
    """A git repository, the working folder, whose last commit holds a clean journey and
    `committed` as `journeys/soporte.journey.yaml`, with an empty configuration."""
    isolate_git(monkeypatch, tmp_path)
    root = init_repo(tmp_path / "repo")
    write(root / "cyclemap.toml", "")
    write(root / "journeys" / "clean.journey.yaml", clean_journey("limpio"))
    write(root / "journeys" / "soporte.journey.yaml", committed)
    commit_all(root)
    monkeypatch.chdir(root)
    return root


def clean_journey(journey_id: str, *, header: str = "") -> str:
    """A journey with no findings at all: two teams, no loop, everything used."""
    return header + textwrap.dedent(
        f"""\
        cyclemap: 1
        journey: {{id: {journey_id}, name: Journey {journey_id}}}
        teams:
          support: {{name: Soporte}}
          billing: {{name: Facturación}}
        stages:
          - {{id: contact, name: Contacto}}
        steps:
          - {{id: call, stage: contact, team: support, entry: true, next: [{{to: billing-desk}}]}}
          - {{id: billing-desk, stage: contact, team: billing, next: [{{to: refund}}]}}
          - {{id: refund, stage: contact, team: billing, outcome: success}}
        """
    )


SUPPORT = """\
cyclemap: 1
journey: {id: soporte, name: Soporte hogar}
channels:
  phone: {name: Línea, kind: voice}
  web: {name: Portal, kind: web}
  fax: {name: Fax, kind: other}
teams:
  n1: {name: Nivel 1}
  billing: {name: Facturación}
  field: {name: Técnicos}
stages:
  - {id: contact, name: Contacto}
  - {id: resolution, name: Resolución}
steps:
  - id: call
    stage: contact
    channel: phone
    team: n1
    entry: {volume: 1000}
    abandon: 0.2
    moment_of_truth: {requirement: Contestan rápido}
    next:
      - {to: billing-desk, share: 0.3, context: lost}
      - {to: visit, share: 0.7}
  - id: billing-desk
    stage: contact
    channel: web
    team: billing
    next: [{to: call, share: 0.5}, {to: fixed, share: 0.5}]
  - id: visit
    stage: resolution
    team: field
    next: [{to: fixed}]
  - id: fixed
    stage: resolution
    outcome: success
"""
"""A journey with six findings of six rules: an unused channel (`fax`), a drop-off, a peloteo
loop `call` <-> `billing-desk`, an unmeasured and an unowned moment of truth, a lost context."""

SUPPORT_RULES = [
    "context-lost-handoff",
    "drop-off-point",
    "peloteo-loop",
    "unmeasured-moment-of-truth",
    "unowned-moment-of-truth",
    "unused-definition",
]

LOOP_BACK = "next: [{to: call, share: 0.5}, {to: fixed, share: 0.5}]"
NO_LOOP_BACK = "next: [{to: fixed}]"


def support_without_loop() -> str:
    """`SUPPORT` with `billing-desk` no longer sending customers back to `call`."""
    assert LOOP_BACK in SUPPORT
    return SUPPORT.replace(LOOP_BACK, NO_LOOP_BACK)


def move_lines(text: str) -> str:
    """The same journey with its lines moved: comments on top, the steps in reverse order."""
    head, steps = text.split("steps:\n")
    blocks = ["  - id:" + block for block in steps.split("  - id:")[1:]]
    assert len(blocks) > 1
    moved = "# moved down by a comment\n# and another\n\n" + head + "steps:\n"
    return moved + "".join(reversed(blocks))


def comparison_line(
    text: str, against: str, *, known: int, fixed: int, not_checked: str = ""
) -> str:
    """The text report's one `compared with ...` line, checked for its counts."""
    lines = [line for line in text.splitlines() if line.startswith("compared with ")]
    assert len(lines) == 1, text
    line = lines[0]
    assert line.startswith(f"compared with {against}: {known} known finding"), line
    assert line.endswith(f" left out, {fixed} fixed{not_checked}"), line
    return line
