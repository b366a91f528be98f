"""The rule catalog keeps its promises: every rule is documented, configurable and tested.

Adding a rule means one module, its fixtures and one line in the registry; this file fails until
all three are there, and until the rule's documented bad example is reported and its good one
is not.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from cyclemap import validate
from cyclemap.findings import Severity
from cyclemap.loading import load_journey
from cyclemap.rules import RULE_NAMES, registry
from cyclemap.rules.base import Rule, RuleOptions
from tests.rules.helpers import FIXTURES, run_rule

RULES = list(registry().values())
YAML_BLOCK = re.compile(r"```yaml\n(.*?)```", re.DOTALL)


def yaml_examples(rule: Rule) -> list[str]:
    return YAML_BLOCK.findall(rule.doc)


def fixtures_of(rule: Rule) -> list[Path]:
    return sorted((FIXTURES / rule.name).glob("*.journey.yaml"))


def test_rule_names_are_the_registry_in_order() -> None:
    assert tuple(registry()) == RULE_NAMES
    assert len(set(RULE_NAMES)) == len(RULE_NAMES) == 11


def test_rule_modules_follow_the_naming() -> None:
    for rule in RULES:
        assert rule.check.__module__ == "cyclemap.rules." + rule.name.replace("-", "_")


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.name)
def test_rule_has_summary_severity_and_options(rule: Rule) -> None:
    assert isinstance(rule.severity, Severity)
    summary = rule.summary.strip()
    assert summary and "\n" not in summary and summary.endswith(".")
    assert issubclass(rule.options, RuleOptions)
    defaults = rule.option_defaults()
    assert rule.options.model_validate(defaults) == rule.options()
    with pytest.raises(ValueError):
        rule.options.model_validate({"no-such-option": 1})


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.name)
def test_rule_doc_explains_with_a_bad_and_a_good_yaml_example(rule: Rule) -> None:
    assert rule.doc.startswith(f"{rule.name}: ")
    assert "Bad" in rule.doc and "Good" in rule.doc
    assert rule.doc.index("Bad") < rule.doc.index("Good")
    examples = yaml_examples(rule)
    assert len(examples) >= 2, f"{rule.name} needs a bad and a good ```yaml example"
    for example in examples:
        assert yaml.safe_load(example) is not None
    for option in rule.option_defaults():
        assert f"`{option}`" in rule.doc, f"option `{option}` of {rule.name} is not documented"


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.name)
def test_rule_has_failing_and_passing_fixtures_that_are_valid(rule: Rule) -> None:
    paths = fixtures_of(rule)
    assert paths, f"no fixtures in tests/fixtures/{rule.name}/"
    counts = [len(run_rule(rule.name, load_journey(path))) for path in paths]
    assert any(counts), f"no fixture of {rule.name} shows the problem"
    assert not all(counts), f"no fixture of {rule.name} is clean"
    assert (FIXTURES / rule.name / "clean.journey.yaml") in paths


def test_rule_fixtures_are_valid_journeys() -> None:
    report = validate([FIXTURES / name for name in RULE_NAMES])
    assert report.problems == []
    assert report.exit_code == 0
    expected = [path for name in RULE_NAMES for path in (FIXTURES / name).glob("*.journey.yaml")]
    assert len(report.journeys) == len(expected)


OTHER_FIXTURE_FOLDERS = {"validity", "render", "flow"}
"""Fixture folders of the loader, render and flow tests; every other folder is a rule's."""


def test_every_fixture_folder_belongs_to_a_rule() -> None:
    folders = {path.parent.name for path in FIXTURES.glob("*/*.journey.yaml")}
    assert folders - OTHER_FIXTURE_FOLDERS <= set(RULE_NAMES)


def _as_journey(example: Any) -> dict[str, Any]:
    """A whole valid journey around a documentation fragment (steps, a `next`, a moment...)."""
    stages: list[dict[str, str]] = []
    if isinstance(example, list):
        steps = example
    elif "steps" in example or "stages" in example:
        steps = example.get("steps") or []
        stages = example.get("stages") or []
    elif "next" in example:
        steps = [{"id": "start", "stage": "contact", "team": "support", **example}]
    elif "moment_of_truth" in example:
        steps = [{"id": "start", "stage": "contact", **example, "next": [{"to": "done"}]}]
    else:  # pragma: no cover - a new kind of example needs teaching here
        raise AssertionError(f"cannot build a journey around {example!r}")
    steps = [dict(step) for step in steps]
    if not steps:
        steps = [{"id": "start", "stage": stages[0]["id"], "outcome": "success"}]
    if not any("entry" in step for step in steps):
        steps[0]["entry"] = True
    known = {step["id"] for step in steps}
    targets = [item["to"] for step in steps for item in step.get("next", [])]
    for target in dict.fromkeys(targets):
        if target not in known:
            steps.append({"id": target, "stage": steps[0]["stage"], "outcome": "success"})
            known.add(target)
    if not stages:
        stages = [
            {"id": stage, "name": stage} for stage in dict.fromkeys(s["stage"] for s in steps)
        ]
    teams: dict[str, dict[str, str]] = {step["team"]: {} for step in steps if "team" in step}
    return {
        "cyclemap": 1,
        "journey": {"id": "example", "name": "Example"},
        **({"teams": teams} if teams else {}),
        "stages": stages,
        "steps": steps,
    }


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.name)
def test_documented_bad_example_is_reported_and_good_example_is_not(
    rule: Rule, tmp_path: Path
) -> None:
    (tmp_path / "cyclemap.toml").write_text("", encoding="utf-8")
    bad, good = (yaml.safe_load(example) for example in yaml_examples(rule)[:2])
    counts = []
    for name, example in (("bad", bad), ("good", good)):
        path = tmp_path / f"{name}.journey.yaml"
        path.write_text(yaml.safe_dump(_as_journey(example), allow_unicode=True), "utf-8")
        counts.append(len(run_rule(rule.name, load_journey(path))))
    assert counts[0] >= 1, f"the bad example of {rule.name} is not reported"
    assert counts[1] == 0, f"the good example of {rule.name} is reported"
