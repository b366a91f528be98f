"""`cyclemap render` through typer's runner: where maps are written, what is refused, and that
a failure never leaves a half-written or temporary file behind."""

from __future__ import annotations

import os
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cyclemap.cli import app
from cyclemap.render import RenderError
from tests.support.render import FLOW, HAS_DOT, copy_examples, generator, render

runner = CliRunner()
needs_dot = pytest.mark.skipif(not HAS_DOT, reason="needs Graphviz")

BROKEN = """\
cyclemap: 1
journey: {id: broken, name: Broken}
stages: [{id: a, name: A}]
steps:
  - {id: s, stage: a, entry: true, nxt: []}
"""
NO_SCORES = """\
cyclemap: 1
journey: {id: plain, name: Plain}
stages: [{id: a, name: A}]
steps:
  - {id: s, stage: a, entry: true, next: [{to: d}]}
  - {id: d, stage: a, outcome: success}
"""


def invoke(*args: str | Path) -> Result:
    return runner.invoke(app, ["render", *(str(arg) for arg in args)])


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A temporary repository with a copy of the examples (and their catalog)."""
    copy_examples(tmp_path)
    return tmp_path


@pytest.fixture
def flow(tmp_path: Path) -> Path:
    (tmp_path / "cyclemap.toml").write_text("", encoding="utf-8")
    folder = tmp_path / "maps"
    folder.mkdir()
    target = folder / "flow.journey.yaml"
    shutil.copy(FLOW, target)
    return target


def leftovers(folder: Path) -> list[str]:
    """Temporary files the atomic writer may have left (`.NAME.XXXX.tmp`)."""
    return sorted(p.name for p in folder.rglob("*") if p.suffix == ".tmp" or ".tmp" in p.name)


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --- where the maps go -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "suffix"),
    [
        ("svg", ".journey.svg"),
        ("dot", ".journey.dot"),
        ("mermaid", ".journey.mmd"),
        ("mermaid-journey", ".journey.satisfaction.mmd"),
        pytest.param("png", ".journey.png", marks=needs_dot),
        pytest.param("pdf", ".journey.pdf", marks=needs_dot),
        pytest.param("html", ".journey.html", marks=needs_dot),
    ],
)
def test_default_output_is_beside_the_journey(repo: Path, fmt: str, suffix: str) -> None:
    if fmt == "svg" and not HAS_DOT:
        pytest.skip("needs Graphviz")
    journey = repo / "examples" / "internet-support.journey.yaml"
    result = invoke(journey, "-f", fmt)
    assert result.exit_code == 0, result.stderr
    target = repo / "examples" / f"internet-support{suffix}"
    assert target.is_file() and target.stat().st_size > 0
    assert f"wrote {target}" in result.stderr
    assert result.stdout == ""
    assert leftovers(repo) == []


@needs_dot
def test_default_format_is_svg(flow: Path) -> None:
    result = invoke(flow)
    assert result.exit_code == 0, result.stderr
    target = flow.with_name("flow.journey.svg")
    assert ET.parse(target).getroot().tag.endswith("svg")


def test_output_file(flow: Path, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.dot"
    result = invoke(flow, "-f", "dot", "-o", target)
    assert result.exit_code == 0, result.stderr
    assert target.read_text(encoding="utf-8").startswith("digraph ")
    assert files(flow.parent) == ["flow.journey.yaml"]


def test_output_file_replaces_an_old_one(flow: Path, tmp_path: Path) -> None:
    target = tmp_path / "map.mmd"
    target.write_text("old", encoding="utf-8")
    assert invoke(flow, "-f", "mermaid", "-o", target).exit_code == 0
    assert "flowchart LR" in target.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["dot", "mermaid", "mermaid-journey", "svg", "html"])
def test_dash_writes_text_formats_to_stdout(repo: Path, fmt: str) -> None:
    if fmt in ("svg", "html") and not HAS_DOT:
        pytest.skip("needs Graphviz")
    journey = repo / "examples" / "internet-support.journey.yaml"
    before = files(journey.parent)
    result = invoke(journey, "-f", fmt, "-o", "-")
    assert result.exit_code == 0, result.stderr
    first = {"dot": "digraph", "mermaid": "---", "mermaid-journey": "journey", "svg": "<?xml"}
    assert result.stdout.startswith(first.get(fmt, "<!DOCTYPE html>"))
    assert "wrote" not in result.stderr
    assert files(journey.parent) == before


@pytest.mark.parametrize("fmt", ["png", "pdf"])
def test_dash_is_refused_for_binary_formats(flow: Path, fmt: str) -> None:
    result = invoke(flow, "-f", fmt, "-o", "-")
    assert result.exit_code == 2
    assert "`-o -`" in result.stderr and "text format" in result.stderr
    assert result.stdout_bytes == b""
    assert files(flow.parent) == ["flow.journey.yaml"]


def test_dash_is_refused_for_several_journeys(repo: Path) -> None:
    result = invoke(repo / "examples", "-f", "dot", "-o", "-")
    assert result.exit_code == 2
    assert "one journey" in result.stderr
    assert result.stdout == ""
    assert not list((repo / "examples").glob("*.dot"))


def test_a_folder_renders_each_journey(repo: Path) -> None:
    folder = repo / "examples"
    journeys = sorted(p.name for p in folder.glob("*.journey.yaml"))
    result = invoke(folder, "-f", "mermaid")
    assert result.exit_code == 0, result.stderr
    drawn = sorted(p.name for p in folder.glob("*.mmd"))
    assert drawn == [name.replace(".yaml", ".mmd") for name in journeys]
    assert not (folder / "catalog" / "company.mmd").exists()  # a catalog is not a journey
    assert result.stderr.count("wrote ") == len(journeys)


def test_several_journeys_into_an_existing_folder(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    result = invoke(repo / "examples", "-f", "dot", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert files(out) == sorted(
        p.name.replace(".yaml", ".dot") for p in (repo / "examples").glob("*.journey.yaml")
    )


@pytest.mark.parametrize("output", ["maps.dot", "missing-folder"])
def test_several_journeys_need_an_existing_folder(repo: Path, tmp_path: Path, output: str) -> None:
    result = invoke(repo / "examples", "-f", "dot", "-o", tmp_path / output)
    assert result.exit_code == 2
    assert "must be an existing folder" in result.stderr
    assert not (tmp_path / output).exists()
    assert not list((repo / "examples").glob("*.dot"))


def test_an_invalid_journey_fails_but_the_valid_ones_render(flow: Path) -> None:
    (flow.parent / "broken.journey.yaml").write_text(BROKEN, encoding="utf-8")
    result = invoke(flow.parent, "-f", "dot")
    assert result.exit_code == 1
    assert "broken.journey.yaml:5:" in result.stderr and "`nxt`" in result.stderr
    assert "did you mean `next`" in result.stderr
    assert (flow.parent / "flow.journey.dot").is_file()
    assert not (flow.parent / "broken.journey.dot").exists()
    assert result.stdout == ""


def test_only_an_invalid_journey_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "cyclemap.toml").write_text("", encoding="utf-8")
    broken = tmp_path / "broken.journey.yaml"
    broken.write_text(BROKEN, encoding="utf-8")
    result = invoke(broken, "-f", "mermaid")
    assert result.exit_code == 1
    assert "broken.journey.yaml" in result.stderr
    assert files(tmp_path) == ["broken.journey.yaml", "cyclemap.toml"]


@pytest.mark.parametrize("spelling", ["same", "dotted"])
def test_output_equal_to_the_input_is_refused(flow: Path, spelling: str) -> None:
    before = flow.read_bytes()
    (flow.parent / "sub").mkdir()
    output = flow if spelling == "same" else flow.parent / "sub" / ".." / flow.name
    result = invoke(flow, "-f", "dot", "-o", output)
    assert result.exit_code == 2
    assert "an input of this run" in result.stderr
    assert flow.read_bytes() == before
    assert leftovers(flow.parent) == []


def test_two_journeys_never_overwrite_each_others_map(flow: Path, tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        text = flow.read_text(encoding="utf-8").replace("id: flow,", f"id: flow-{name},")
        (tmp_path / name / "flow.journey.yaml").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    result = invoke(tmp_path / "a", tmp_path / "b", "-f", "dot", "-o", out)
    # Both files are named flow.journey.yaml, so both maps would be out/flow.journey.dot: the
    # README promises a refusal that names the clash, and nothing written at all.
    assert result.exit_code == 2, result.output
    assert "several journeys would be drawn into" in result.stderr
    assert str(out / "flow.journey.dot") in result.stderr
    assert list(out.iterdir()) == []


# --- failures leave nothing behind -----------------------------------------------------------


def test_failed_render_writes_nothing_not_even_the_maps_that_worked(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cyclemap.render.layout as layout

    real = layout.run_dot
    calls: list[int] = []

    def flaky(source: str, output_format: str, *, timeout: float, **options: object) -> bytes:
        calls.append(1)
        if len(calls) == 3:
            raise RenderError("Graphviz's `dot` failed: simulated")
        return real(source, output_format, timeout=timeout, **options)

    monkeypatch.setattr(layout, "run_dot", flaky)
    folder = repo / "examples"
    old = folder / "internet-support.journey.svg"
    old.write_bytes(b"old map")
    result = invoke(folder, "-f", "svg")
    assert result.exit_code == 2
    assert "simulated" in result.stderr
    assert len(calls) == 3
    assert sorted(p.name for p in folder.glob("*.svg")) == ["internet-support.journey.svg"]
    assert old.read_bytes() == b"old map"
    assert leftovers(repo) == []
    assert "wrote" not in result.stderr


def test_failed_write_removes_its_temporary_file(
    flow: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = flow.with_name("flow.journey.dot")
    target.write_bytes(b"old map")

    def refuse(source: object, destination: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    result = invoke(flow, "-f", "dot")
    monkeypatch.undo()
    assert result.exit_code == 2
    assert "No space left on device" in result.stderr
    assert target.read_bytes() == b"old map"
    assert leftovers(flow.parent) == []


@pytest.mark.parametrize("fmt", ["svg", "png", "pdf", "html"])
def test_graphviz_missing_says_how_to_install_it(
    flow: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    import cyclemap.render.layout as layout

    monkeypatch.setattr(layout.shutil, "which", lambda name, *args, **kwargs: None)
    result = invoke(flow, "-f", fmt)
    assert result.exit_code == 2
    message = result.stderr
    assert "Graphviz" in message
    for installer in ("apt", "brew", "choco"):
        assert installer in message
    assert "--format dot" in message or "dot or mermaid" in message
    assert files(flow.parent) == ["flow.journey.yaml"]


@pytest.mark.parametrize("fmt", ["dot", "mermaid", "mermaid-journey"])
def test_text_formats_need_no_graphviz(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    import cyclemap.render.layout as layout

    monkeypatch.setattr(layout.shutil, "which", lambda name, *args, **kwargs: None)
    (tmp_path / "cyclemap.toml").write_text("", encoding="utf-8")
    journey = tmp_path / "scored.journey.yaml"
    journey.write_text(NO_SCORES.replace("entry: true,", "entry: true, score: 4,"), "utf-8")
    result = invoke(journey, "-f", fmt, "-o", "-")
    assert result.exit_code == 0, result.stderr
    assert result.stdout


def test_journey_diagram_without_scores_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "cyclemap.toml").write_text("", encoding="utf-8")
    journey = tmp_path / "plain.journey.yaml"
    journey.write_text(NO_SCORES, encoding="utf-8")
    result = invoke(journey, "-f", "mermaid-journey")
    assert result.exit_code == 2
    assert "plain.journey.yaml" in result.stderr and "no step has a `score`" in result.stderr
    assert files(tmp_path) == ["cyclemap.toml", "plain.journey.yaml"]


def test_journey_diagram_notes_the_steps_left_out(tmp_path: Path) -> None:
    (tmp_path / "cyclemap.toml").write_text("", encoding="utf-8")
    journey = tmp_path / "half.journey.yaml"
    journey.write_text(NO_SCORES.replace("entry: true,", "entry: true, score: 4,"), "utf-8")
    result = invoke(journey, "-f", "mermaid-journey", "-o", "-")
    assert result.exit_code == 0
    assert "note:" in result.stderr and "left out 1 step with no score: d" in result.stderr
    assert "note:" not in result.stdout


def test_timeout_stops_graphviz_and_suggests_an_overview(
    flow: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Graphviz that never finishes (a stand-in that sleeps) is stopped at --timeout."""
    import cyclemap.render.layout as layout

    stuck = tmp_path / "stuck-dot"
    stuck.write_text("#!/bin/sh\nexec sleep 60\n", encoding="utf-8")
    stuck.chmod(0o755)
    monkeypatch.setattr(layout.shutil, "which", lambda name, *args, **kwargs: str(stuck))
    old = flow.with_name("flow.journey.svg")
    old.write_bytes(b"old map")
    result = invoke(flow, "--timeout", "1", "--no-findings")
    assert result.exit_code == 2
    assert "took longer than 1 s" in result.stderr
    assert "--collapse" in result.stderr and "--timeout" in result.stderr
    assert old.read_bytes() == b"old map"
    assert leftovers(flow.parent) == []


@needs_dot
def test_the_suggested_overview_of_a_huge_journey_renders(tmp_path: Path) -> None:
    (tmp_path / "cyclemap.toml").write_text("", encoding="utf-8")
    journey = tmp_path / "huge.journey.yaml"
    journey.write_text(generator().journey_text(2000), encoding="utf-8")
    result = invoke(journey, "--collapse", "stage", "--no-findings", "--timeout", "10")
    assert result.exit_code == 0, result.stderr
    root = ET.parse(tmp_path / "huge.journey.svg").getroot()
    shown = ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "Stage 0" in shown and "Stage 9" in shown


def test_timeout_below_one_second_is_a_usage_error(flow: Path) -> None:
    result = invoke(flow, "--timeout", "0.5")
    assert result.exit_code == 2
    assert files(flow.parent) == ["flow.journey.yaml"]


def test_unknown_format_is_a_usage_error(flow: Path) -> None:
    result = invoke(flow, "-f", "jpeg")
    assert result.exit_code == 2
    assert files(flow.parent) == ["flow.journey.yaml"]


def test_collapse_and_no_findings_reach_the_mermaid_renderer(flow: Path) -> None:
    result = invoke(flow, "-f", "mermaid", "-o", "-", "--collapse", "team")
    assert result.exit_code == 0
    assert "Equipo temprano" in result.stdout and "subgraph" not in result.stdout
    with_findings = invoke(flow, "-f", "mermaid", "-o", "-").stdout
    without = invoke(flow, "-f", "mermaid", "-o", "-", "--no-findings").stdout
    assert "class n1 finding" in with_findings  # a2 is a drop-off point
    assert "class n1 finding" not in without


def test_lanes_width_and_no_findings_reach_the_blueprint(flow: Path) -> None:
    for arguments, options in (
        (["--lanes", "channel"], {"lanes": "channel"}),
        (["--lanes", "team", "--no-findings"], {"findings": False}),
        (["--width", "1920"], {"width": 1920}),
    ):
        result = invoke(flow, "-f", "dot", "-o", "-", *arguments)
        assert result.exit_code == 0, result.stderr
        assert result.stdout_bytes == render(flow, "dot", **options).data, arguments


@pytest.mark.parametrize("by", ["team", "channel"])
def test_by_is_a_hidden_alias_of_lanes_with_a_note(flow: Path, by: str) -> None:
    aliased = invoke(flow, "-f", "dot", "-o", "-", "--by", by)
    assert aliased.exit_code == 0, aliased.stderr
    assert "note:" in aliased.stderr and "--lanes" in aliased.stderr
    assert aliased.stdout == invoke(flow, "-f", "dot", "-o", "-", "--lanes", by).stdout
    assert "--by" not in runner.invoke(app, ["render", "--help"]).stdout


def test_by_stage_says_stages_are_always_the_columns(flow: Path) -> None:
    result = invoke(flow, "-f", "dot", "-o", "-", "--by", "stage")
    assert result.exit_code == 0, result.stderr
    assert "note:" in result.stderr and "columns" in result.stderr
    assert result.stdout == invoke(flow, "-f", "dot", "-o", "-").stdout


def test_width_out_of_range_is_a_usage_error(flow: Path) -> None:
    for width in ("10", "999999"):
        result = invoke(flow, "-f", "png", "--width", width)
        assert result.exit_code == 2
        assert files(flow.parent) == ["flow.journey.yaml"]
