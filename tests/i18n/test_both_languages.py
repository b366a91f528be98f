"""Every example in Spanish and in English: the same findings, rule ids and fingerprints.

Only text for people may change with the language. Each report is produced in both languages
and the two documents are walked side by side: same keys, same lists, same numbers and the
same strings, except under the keys that hold prose (a message, a description, a link to the
format reference in the reader's language). A finding id, a rule id, a fingerprint, a test
case's name or a JSON key that followed the language would show up as a difference elsewhere.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from typer.testing import CliRunner

from cyclemap.cli import app
from tests.conftest import EXAMPLES, REPO

runner = CliRunner()

INVALID = REPO / "tests" / "fixtures" / "validity"
LOG = EXAMPLES / "logs" / "internet-support.csv"
PROSE = frozenset({"message", "hint", "text", "markdown", "see", "description", "assumption"})
"""The keys whose strings are text for people (the rest are identities and figures)."""

RUNS = {
    "audit": ["audit", str(EXAMPLES)],
    "audit --log": ["audit", str(EXAMPLES / "internet-support.journey.yaml"), "--log", str(LOG)],
    "validate": ["validate", str(EXAMPLES), str(INVALID)],
}


def run(arguments: list[str], language: str) -> str:
    result = runner.invoke(app, [*arguments, "--lang", language])
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def differences(spanish: Any, english: Any, path: tuple[str | int, ...] = ()) -> set[str]:
    """The keys under which the two documents hold different strings; anything else that
    differs (a key, a number, a list's length) fails at once."""
    where = "/".join(map(str, path))
    if isinstance(english, dict):
        assert isinstance(spanish, dict) and spanish.keys() == english.keys(), where
        found: set[str] = set()
        for key in english:
            found |= differences(spanish[key], english[key], (*path, key))
        return found
    if isinstance(english, list):
        assert isinstance(spanish, list) and len(spanish) == len(english), where
        found = set()
        for position, (left, right) in enumerate(zip(spanish, english, strict=True)):
            found |= differences(left, right, (*path, position))
        return found
    if spanish == english:
        return set()
    assert isinstance(spanish, str) and isinstance(english, str), f"{where}: {spanish!r}"
    key = next((part for part in reversed(path) if isinstance(part, str)), "")
    assert key in PROSE, f"{where} changes with the language: {spanish!r} / {english!r}"
    return {key}


@pytest.mark.parametrize("run_name", sorted(RUNS))
@pytest.mark.parametrize("report_format", ["json", "sarif"])
def test_reports_are_the_same_but_for_their_prose(run_name: str, report_format: str) -> None:
    arguments = [*RUNS[run_name], "--format", report_format]
    spanish = json.loads(run(arguments, "es"))
    english = json.loads(run(arguments, "en"))
    changed = differences(spanish, english)
    assert "message" in changed or "text" in changed  # the prose itself was translated
    if report_format == "sarif":
        results = english["runs"][0]["results"]
        assert results and all(result["partialFingerprints"] for result in results)
    else:
        assert english.get("findings") or english.get("errors")


def test_audit_finds_the_same_findings_with_the_same_fingerprints() -> None:
    """The identities themselves, from the library: rule, place, steps and fingerprint."""
    from cyclemap.engine import audit
    from cyclemap.util.i18n import chosen_language

    def identities(language: str) -> list[tuple[object, ...]]:
        with chosen_language(language):
            result = audit([EXAMPLES])
        return sorted(
            (found.rule, found.file, found.line, found.steps, found.fingerprint)
            for found in result.findings
        )

    english = identities("en")
    assert english
    assert identities("es") == english


def test_stats_are_the_same_figures_in_both_languages() -> None:
    spanish = json.loads(run(["stats", str(EXAMPLES), "--format", "json"], "es"))
    english = json.loads(run(["stats", str(EXAMPLES), "--format", "json"], "en"))
    assert differences(spanish, english) <= PROSE
    assert len(english["journeys"]) >= 10


def test_junit_test_cases_keep_their_names() -> None:
    """A CI dashboard follows a test case by its name: the same in every language."""

    def cases(language: str) -> list[tuple[str | None, str | None]]:
        root = ET.fromstring(run(["audit", str(EXAMPLES), "--format", "junit"], language))
        return [(case.get("classname"), case.get("name")) for case in root.iter("testcase")]

    english = cases("en")
    assert english
    assert cases("es") == english



def test_quick_wins_that_tie_are_ordered_by_what_they_change_not_how_it_is_worded() -> None:
    """Two wins gaining the same keep one order whatever their descriptions say, as the same
    wins worded in Spanish and in English must (`halve ...` / `reducir ...`)."""
    from cyclemap.analysis.quick_wins import QuickWin, _best_first

    def wins(first: str, second: str) -> list[QuickWin]:
        return [
            QuickWin("restore-context", ("a", "b"), first, "", 0.1, 0.9),
            QuickWin("halve-abandon", ("c",), second, "", 0.1, 0.9),
        ]

    def order(worded: list[QuickWin]) -> list[str]:
        return [win.kind for win in sorted(worded, key=_best_first)]

    assert order(wins("keep the story", "halve abandonment")) == order(
        wins("conservar la historia", "reducir el abandono")
    )
