"""Many files are checked in worker processes; the report must not depend on it."""

from __future__ import annotations

import concurrent.futures
import importlib.util
import json
import os
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import ClassVar

import pytest
from typer.testing import CliRunner

import cyclemap.engine.checking
from cyclemap.cli import app
from cyclemap.engine.checking import check_file, map_files
from cyclemap.loading.discovery import discover
from tests.conftest import REPO
from tests.support.repo import isolate_git, write

runner = CliRunner()
JOURNEYS = 60


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "cyclemap_generate", REPO / "benchmarks" / "generate.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BROKEN = """\
cyclemap: 1
journey: {id: broken, name: Broken}
stages:
  - {id: contact, name: Contacto}
steps:
  - {id: call, stage: contact, entry: true, next: [{to: done, shar: 0.5}]}
  - {id: done, stage: contact, outcom: success}
"""


@pytest.fixture
def generated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository of 60 small generated journeys in a few folders, plus one broken file."""
    isolate_git(monkeypatch, tmp_path)
    journey_text: Callable[..., str] = load_generator().journey_text
    root = tmp_path / "repo"
    write(root / "cyclemap.toml", "")
    for index in range(JOURNEYS):
        text = journey_text(12 + index % 9, seed=index, journey_id=f"journey-{index:02d}")
        write(root / f"area-{index % 4}" / f"j{index:02d}.journey.yaml", text)
    write(root / "area-2" / "j30b.journey.yaml", BROKEN)
    monkeypatch.chdir(tmp_path)
    return root


class Recording(concurrent.futures.ProcessPoolExecutor):
    """The real pool, counting how often it is started."""

    started: ClassVar[list[int]] = []

    def __init__(self, *args: object, **kwargs: object) -> None:
        Recording.started.append(os.getpid())
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


def run_parallel(monkeypatch: pytest.MonkeyPatch, parallel: bool) -> None:
    Recording.started = []
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Recording)
    if parallel:
        monkeypatch.setattr(cyclemap.engine.checking, "PARALLEL_FROM", 2)
        monkeypatch.setattr(cyclemap.engine.checking.os, "cpu_count", lambda: 4)
    else:
        monkeypatch.setattr(cyclemap.engine.checking, "PARALLEL_FROM", 1_000_000)


def report(monkeypatch: pytest.MonkeyPatch, parallel: bool, output_format: str) -> str:
    with monkeypatch.context() as patch:
        run_parallel(patch, parallel)
        result = runner.invoke(app, ["audit", "repo", "--format", output_format])
        assert Recording.started == ([os.getpid()] if parallel else [])
    assert result.exit_code == 1, result.output
    return result.stdout


@pytest.mark.parametrize("output_format", ["json", "sarif"])
def test_parallel_and_serial_reports_are_byte_identical(
    generated: Path, monkeypatch: pytest.MonkeyPatch, output_format: str
) -> None:
    serial = report(monkeypatch, False, output_format)
    parallel = report(monkeypatch, True, output_format)
    assert parallel == serial
    document = json.loads(serial)
    if output_format == "json":
        assert document["summary"]["journeys"] == JOURNEYS + 1
        assert document["summary"]["findings"] > JOURNEYS  # not an empty comparison
        assert document["files"] == sorted(document["files"])


def test_broken_file_is_reported_the_same_both_ways(
    generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial = json.loads(report(monkeypatch, False, "json"))
    parallel = json.loads(report(monkeypatch, True, "json"))
    for document in (serial, parallel):
        assert document["summary"]["invalid"] == 1
        assert {error["file"] for error in document["errors"]} == {"repo/area-2/j30b.journey.yaml"}
        messages = [error["message"] for error in document["errors"]]
        assert any("`shar`" in message for message in messages)
        assert any("`outcom`" in message for message in messages)
        # The other journeys are audited all the same.
        assert len({finding["journey"] for finding in document["findings"]}) == JOURNEYS
    assert parallel["errors"] == serial["errors"]
    assert parallel["findings"] == serial["findings"]


def test_map_files_keeps_the_candidates_order_and_reports_progress(
    generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    candidates, failures = discover([generated])
    assert failures == []
    assert len(candidates) == JOURNEYS + 1
    runs = {}
    for parallel in (False, True):
        seen: list[tuple[int, int]] = []
        with monkeypatch.context() as patch:
            run_parallel(patch, parallel)
            results = map_files(check_file, candidates, progress=record(seen))
        assert [result.file for result in results] == [c.display for c in candidates]
        assert seen == [(done, len(candidates)) for done in range(1, len(candidates) + 1)]
        runs[parallel] = results
    assert runs[True] == runs[False]


def record(seen: list[tuple[int, int]]) -> Callable[[int, int], None]:
    return lambda done, total: seen.append((done, total))
