"""Property-based fuzzing: whatever the file holds, the command line answers 0, 1 or 2.

Two generators: arbitrary text (mostly YAML-like fragments, with hostile characters), and
structured documents close to real journeys (right keys, wrong or odd values), which reach the
model, the semantic checks, the rules and the reporters.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cyclemap.cli import app

pytestmark = pytest.mark.slow  # hypothesis fuzzing

runner = CliRunner()
FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

FRAGMENTS = st.sampled_from(
    [
        "cyclemap: 1\n",
        "journey: {id: j, name: J}\n",
        "stages: [{id: s, name: S}]\n",
        "steps:\n",
        "  - id: a\n",
        "    stage: s\n",
        "    entry: true\n",
        "    next: [{to: b}]\n",
        "  - {id: b, stage: s, outcome: success}\n",
        "&a ",
        "*a",
        "<<: ",
        "!!python/object ",
        "- ",
        "{",
        "}",
        "[",
        "]",
        ": ",
        "\t",
        "\r\n",
        "'",
        '"',
        "#",
        "\\x1b",
        "\ufeff",
        "010",
        "no",
        "1:30",
        ".nan",
        "1e999",
        "9" * 30,
        "😀",
        "\u202e",
        "\x00",
        "\x07",
        "---\n",
        "...\n",
    ]
)


def _run(tmp_path: Path, text: str, command: str, *options: str) -> None:
    (tmp_path / "cyclemap.toml").write_text("", encoding="utf-8")
    path = tmp_path / "fuzz.journey.yaml"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    result = runner.invoke(app, [command, str(path), *options])
    assert result.exit_code in (0, 1, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output


@FUZZ
@given(st.lists(FRAGMENTS | st.text(max_size=12), max_size=30).map("".join))
def test_any_text_gets_an_answer_not_a_traceback(tmp_path: Path, text: str) -> None:
    _run(tmp_path, text, "audit", "--format", "json")


SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-5, 10**6)
    | st.floats(allow_nan=True)
    | st.text(max_size=8)
    | st.sampled_from(["s", "a", "b", "success", "lost", "4m", "no"])
)
IDS = st.sampled_from(["a", "b", "c", "d", "s", "t"])


@st.composite
def journeys(draw: st.DrawFn) -> dict[str, object]:
    steps = []
    for step_id in draw(st.lists(IDS, min_size=1, max_size=5)):
        step: dict[str, object] = {"id": step_id, "stage": draw(st.sampled_from(["s", "t"]))}
        for key in draw(
            st.sets(
                st.sampled_from(
                    [
                        "team",
                        "channel",
                        "entry",
                        "abandon",
                        "duration",
                        "score",
                        "outcome",
                        "next",
                        "moment_of_truth",
                        "allow",
                        "shar",
                    ]
                )
            )
        ):
            if key == "next":
                step[key] = [
                    {"to": draw(IDS), "share": draw(SCALARS), "context": draw(SCALARS)}
                    for _ in range(draw(st.integers(0, 3)))
                ]
            elif key == "entry":
                step[key] = draw(st.booleans() | st.fixed_dictionaries({"volume": SCALARS}))
            elif key == "allow":
                step[key] = {draw(st.sampled_from(["dead-end", "peloteo", "x"])): draw(SCALARS)}
            elif key == "moment_of_truth":
                step[key] = draw(st.booleans() | st.fixed_dictionaries({"owner": SCALARS}))
            else:
                step[key] = draw(SCALARS)
        steps.append(step)
    return {
        "cyclemap": draw(st.sampled_from([1, 1, 1, 2, "1"])),
        "journey": {"id": "fuzz", "name": draw(st.text(max_size=10))},
        "teams": {"x": {"name": "X"}, "y": None},
        "channels": {"phone": {"kind": draw(st.sampled_from(["voice", "fax"]))}},
        "stages": [{"id": "s", "name": "S"}, {"id": "t", "name": "T"}],
        "steps": steps,
    }


@FUZZ
@given(journeys(), st.sampled_from(["text", "json", "sarif", "junit", "github", "markdown"]))
def test_any_journey_shaped_document_gets_an_answer(
    tmp_path: Path, document: dict[str, object], output_format: str
) -> None:
    text = yaml.safe_dump(document, allow_unicode=True)
    _run(tmp_path, text, "audit", "--format", output_format)


@FUZZ
@given(journeys())
def test_stats_and_render_answer_too(tmp_path: Path, document: dict[str, object]) -> None:
    text = yaml.safe_dump(document, allow_unicode=True)
    _run(tmp_path, text, "stats", "--format", "json")
    _run(tmp_path, text, "render", "--format", "mermaid", "-o", "-")
