"""GitHub workflow commands: read back line by line, as the Actions runner reads them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cyclemap.engine import audit
from cyclemap.errors import Problem
from cyclemap.findings import AuditResult, Severity
from cyclemap.reporters import render
from cyclemap.reporters.github import escape_data, escape_property
from tests.reporters.conftest import (
    BROKEN_JOURNEY,
    finding,
    hostile_result,
    result_of,
    write_journey,
)

COMMAND = re.compile(r"::(?P<kind>error|warning|notice) (?P<properties>[^:]*)::(?P<message>.*)")
KINDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def unescape(text: str) -> str:
    for escaped, raw in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, raw)
    return text


def commands(result: AuditResult) -> list[tuple[str, dict[str, str], str]]:
    """The commands as the runner sees them; the last line must be a plain summary."""
    text = render(result, "github")
    assert text.endswith("\n")
    lines = text[:-1].split("\n")
    assert all("\r" not in line for line in lines)
    *command_lines, summary = lines
    assert not summary.startswith("::")
    assert summary.startswith("cyclemap ")
    parsed = []
    for line in command_lines:
        match = COMMAND.fullmatch(line)
        assert match, line
        properties = dict(item.split("=", 1) for item in match["properties"].split(","))
        parsed.append(
            (
                match["kind"],
                {key: unescape(value) for key, value in properties.items()},
                unescape(match["message"]),
            )
        )
    return parsed


def test_each_finding_is_one_line_with_its_severity(examples_result: AuditResult) -> None:
    parsed = commands(examples_result)
    findings = examples_result.findings
    assert len(parsed) == len(findings) > 0
    for (kind, properties, message), found in zip(parsed, findings, strict=True):
        assert kind == KINDS[found.severity]
        assert properties == {
            "file": found.file,
            "line": str(found.line),
            "col": str(found.column),
            "title": f"cyclemap {found.rule}",
        }
        assert message == found.message


def test_a_newline_cannot_start_a_second_command() -> None:
    text = render(result_of(finding("all good\n::error::injected\r::warning::again")), "github")
    lines = text.splitlines()
    assert len(lines) == 2
    assert not any(line.startswith("::error::") or line.startswith("::warning::") for line in lines)
    assert "all good%0A::error::injected%0D::warning::again" in lines[0]


def test_file_names_are_escaped_as_properties() -> None:
    name = "odd %25 dir:a,b.yaml"
    (line, _) = render(result_of(finding("m", file=name)), "github").splitlines()
    assert "file=odd %2525 dir%3Aa%2Cb.yaml," in line
    assert escape_property("a%:,\r\n") == "a%25%3A%2C%0D%0A"
    assert escape_data("100%\r\n: ,") == "100%25%0D%0A: ,"


def test_hostile_text_round_trips_and_stays_on_its_line() -> None:
    result = hostile_result()
    parsed = commands(result)
    # 1 unreadable path + 1 problem + 3 findings (the skipped file is not annotated).
    assert [kind for kind, _, _ in parsed] == ["error", "error", "error", "notice", "warning"]
    for _, properties, message in parsed:
        assert "\x01" not in message and "\x1b" not in message and "\u202e" not in message
        assert "שלום" in message and "😀" in message
        assert "::error::injected" in message
        assert set(properties) <= {"file", "line", "col", "title"}
    files = [properties["file"] for _, properties, _ in parsed]
    assert files[0] == "missing\n::error::x.yaml"
    assert files[2] == "odd %25 dir:a,b/we ird\n::error::x <script>.journey.yaml"
    assert "\udcff" not in render(result, "github")


def test_invalid_files_and_unreadable_paths_are_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = write_journey(tmp_path, BROKEN_JOURNEY, "broken.journey.yaml")
    ((kind, properties, message),) = commands(audit([path]))
    assert kind == "error"
    assert properties == {
        "file": "broken.journey.yaml",
        "line": "9",
        "col": "23",
        "title": "cyclemap invalid-journey",
    }
    assert message.startswith("`shar` is not a field")
    assert "\nhint: " in message

    missing = Problem("gone.yaml", 0, 0, "", "no such file or folder")
    ((kind, properties, message),) = commands(result_of(failures=(missing,)))
    assert kind == "error"
    assert properties == {"file": "gone.yaml", "title": "cyclemap cannot read"}
    assert message == "no such file or folder"


def test_clean_run_is_only_the_summary() -> None:
    assert commands(result_of()) == []
    assert render(result_of(), "github") == (
        "cyclemap audit: 0 files checked, 0 errors, 0 warnings, 0 info, 0 invalid; exit 0\n"
    )


def test_files_are_named_from_the_repository_root_wherever_cyclemap_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "journeys").mkdir()
    path = write_journey(tmp_path / "journeys", BROKEN_JOURNEY, "broken.journey.yaml")
    monkeypatch.chdir(tmp_path / "journeys")
    ((kind, properties, _),) = commands(audit([path.name]))
    assert kind == "error"
    assert properties["file"] == "journeys/broken.journey.yaml"
