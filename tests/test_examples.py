"""The examples are documentation: each says in its opening comment which findings it has on
purpose, and `cyclemap audit` must report exactly those and nothing else."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cyclemap.engine import audit
from cyclemap.rules import registry
from tests.conftest import EXAMPLES

JOURNEYS = sorted(EXAMPLES.glob("*.journey.yaml"))
MAP_RULES = [name for name, rule in registry().items() if not rule.log]
"""The rules the examples show (the log rules need a log: `audit --log`)."""
_CLAIM = re.compile(r"^#\s{2,}(?P<rule>[a-z]+(?:-[a-z]+)+)\s+(?P<rest>.*)$")


def claimed(path: Path) -> list[tuple[str, str]]:
    """(rule, text) for each finding the opening comment promises, skipping accepted ones."""
    claims = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("cyclemap:"):
            break
        match = _CLAIM.match(line)
        if match and match["rule"] in MAP_RULES and "accepted with `allow:`" not in line:
            claims.append((match["rule"], match["rest"]))
    return claims


@pytest.fixture(scope="module")
def findings_by_file() -> dict[str, list[tuple[str, tuple[str, ...], str]]]:
    result = audit([EXAMPLES])
    assert result.problems == [], "every example must be valid"
    found: dict[str, list[tuple[str, tuple[str, ...], str]]] = {}
    for finding in result.findings:
        found.setdefault(Path(finding.file).name, []).append(
            (finding.rule, finding.steps, finding.message)
        )
    return found


@pytest.mark.parametrize("path", JOURNEYS, ids=[path.name for path in JOURNEYS])
def test_example_reports_exactly_what_its_comment_claims(
    path: Path, findings_by_file: dict[str, list[tuple[str, tuple[str, ...], str]]]
) -> None:
    claims = claimed(path)
    found = findings_by_file.get(path.name, [])
    assert sorted(rule for rule, _ in claims) == sorted(rule for rule, _, _ in found)
    for rule, steps, message in found:
        if steps and rule != "no-success-outcome":
            anchor = steps[0]
        else:
            named = re.search(r"`([^`]+)`", message)
            anchor = named.group(1) if named and rule == "unused-definition" else ""
        assert any(claim_rule == rule and anchor in rest for claim_rule, rest in claims), (
            f"{path.name}: unexpected {rule} finding at {anchor!r}: {message}"
        )


def test_every_rule_is_shown_by_some_example(
    findings_by_file: dict[str, list[tuple[str, tuple[str, ...], str]]],
) -> None:
    shown = {rule for found in findings_by_file.values() for rule, _, _ in found}
    assert shown == set(MAP_RULES)


def test_clean_examples_say_so() -> None:
    for path in JOURNEYS:
        if not claimed(path):
            assert "Clean on purpose" in path.read_text(encoding="utf-8"), path.name
