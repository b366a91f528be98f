"""The rule catalog keeps its promises: every rule is found, documented, configurable and tested.

Adding a rule is adding its module to `cyclemap/rules/` and its fixtures to
`tests/fixtures/<rule>/`; nothing else lists it. This file fails until both are there, until
its documentation has every section, and until its documented Example is reported and its Use
instead is not, the log rules included (their examples carry a log). The last test adds a rule
that way, and checks that everything picks it up.
"""

from __future__ import annotations

import pkgutil
import re
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

import cyclemap.rules
from cyclemap import validate
from cyclemap.engine import audit
from cyclemap.engine.config import Settings
from cyclemap.findings import Severity
from cyclemap.rules import LISTED_FIRST, registry, rule_names
from cyclemap.rules.base import SECTIONS, Rule, RuleOptions
from tests.conftest import REPO
from tests.support.rules import FIXTURES, log_of, run_rule

RULES = list(registry().values())
YAML_BLOCK = re.compile(r"```yaml\n(.*?)```", re.DOTALL)
CSV_BLOCK = re.compile(r"```csv\n(.*?)```", re.DOTALL)
WRITTEN_SECTIONS = tuple(section for section in SECTIONS if section != "Options")
"""The sections a rule's docstring has; Options is written from the options model."""


def rule_modules() -> list[str]:
    return [
        module.name
        for module in pkgutil.iter_modules(cyclemap.rules.__path__)
        if module.name != "base"
    ]


def fixtures_of(rule: Rule, fixtures: Path = FIXTURES) -> list[Path]:
    return sorted((fixtures / rule.name).glob("*.journey.yaml"))


# --- the checks every rule passes (used on the catalog, and on a rule added by a test) ------


def check_metadata(rule: Rule) -> None:
    assert rule.check.__module__ == "cyclemap.rules." + rule.name.replace("-", "_")
    assert isinstance(rule.severity, Severity)
    summary = rule.summary.strip()
    assert summary and "\n" not in summary and summary.endswith(".")
    assert issubclass(rule.options, RuleOptions)
    assert rule.options.model_validate(rule.option_defaults()) == rule.options()
    with pytest.raises(ValueError):
        rule.options.model_validate({"no-such-option": 1})


def check_documentation(rule: Rule) -> None:
    assert rule.title, f"{rule.name}: the docstring starts with `{rule.name}: what goes wrong`"
    assert tuple(rule.sections) == WRITTEN_SECTIONS, (
        f"{rule.name}: the docstring's sections are {list(rule.sections)}, "
        f"not {list(WRITTEN_SECTIONS)}"
    )
    assert all(rule.sections.values()), f"{rule.name}: a section is empty"
    for heading in ("Example", "Use instead"):
        assert YAML_BLOCK.search(rule.sections[heading]), f"{rule.name}: {heading} has no YAML"
    if rule.log:
        assert CSV_BLOCK.search(rule.sections["Example"]), f"{rule.name}: the Example has no log"
    for name, field in rule.options.model_fields.items():
        assert field.description, f"option `{name}` of {rule.name} has no docstring"
    doc = rule.doc
    assert doc.startswith(f"{rule.name}: {rule.title}\n\n## What it does\n")
    assert [line[3:] for line in doc.splitlines() if line.startswith("## ")] == list(SECTIONS)
    options = doc.split("## Options\n\n")[1].split("\n## ")[0]
    for name in ("severity", *rule.options.model_fields):
        assert options.count(f"- `{name}` (default ") == 1, f"{rule.name}: `{name}` not once"


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


def example_findings(rule: Rule, section: str, folder: Path) -> int:
    """How many findings the rule reports on the YAML of a documentation section (with the
    section's log, or the Example's, for a log rule)."""
    text = rule.sections[section]
    (block,) = YAML_BLOCK.findall(text)
    path = folder / f"{section.replace(' ', '-').lower()}.journey.yaml"
    document = _as_journey(yaml.safe_load(block))
    path.write_text(yaml.safe_dump(document, allow_unicode=True), "utf-8")
    log = None
    if rule.log:
        (csv,) = CSV_BLOCK.findall(text) or CSV_BLOCK.findall(rule.sections["Example"])
        log = path.with_suffix(".csv")
        log.write_text(csv, "utf-8")
    return len(run_rule(rule.name, path, log=log))


def check_examples(rule: Rule, folder: Path) -> None:
    (folder / "cyclemap.toml").write_text("", encoding="utf-8")
    assert example_findings(rule, "Example", folder) >= 1, f"{rule.name}: Example not reported"
    assert example_findings(rule, "Use instead", folder) == 0, f"{rule.name}: Use instead reported"


def check_fixtures(rule: Rule, fixtures: Path = FIXTURES) -> None:
    paths = fixtures_of(rule, fixtures)
    assert paths, f"no fixtures in {fixtures / rule.name}"
    assert (fixtures / rule.name / "clean.journey.yaml") in paths
    if rule.log:
        missing = [path.name for path in paths if not log_of(path).is_file()]
        assert not missing, f"{rule.name}: fixtures without their log (.csv): {missing}"
    counts = [len(run_rule(rule.name, path)) for path in paths]
    assert any(counts), f"no fixture of {rule.name} shows the problem"
    assert counts[paths.index(fixtures / rule.name / "clean.journey.yaml")] == 0


# --- the catalog -------------------------------------------------------------------------


def test_every_rule_module_is_a_rule_named_after_it() -> None:
    modules = rule_modules()
    assert rule_names() == tuple(registry())
    assert sorted(rule_names()) == sorted(module.replace("_", "-") for module in modules)
    assert len(set(rule_names())) == len(modules)
    for rule in RULES:
        assert rule.name == rule.check.__module__.rpartition(".")[2].replace("_", "-")


def test_the_listing_order_names_only_rules() -> None:
    assert set(LISTED_FIRST) <= set(rule_names())
    assert rule_names()[: len(LISTED_FIRST)] == LISTED_FIRST


def test_the_log_rules_are_rules() -> None:
    log_rules = [rule.name for rule in RULES if rule.log]
    assert log_rules == [
        "unmapped-transition",
        "unused-transition",
        "unvisited-step",
        "unexpected-entry",
    ]


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.name)
def test_rule_has_summary_severity_and_options(rule: Rule) -> None:
    check_metadata(rule)


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.name)
def test_rule_doc_has_every_section_and_options_once(rule: Rule) -> None:
    check_documentation(rule)


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.name)
def test_documented_example_is_reported_and_use_instead_is_not(rule: Rule, tmp_path: Path) -> None:
    check_examples(rule, tmp_path)


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.name)
def test_rule_has_failing_and_passing_fixtures(rule: Rule) -> None:
    check_fixtures(rule)


def test_rule_fixtures_are_valid_journeys() -> None:
    report = validate([FIXTURES / name for name in rule_names()])
    assert report.problems == []
    assert report.exit_code == 0
    expected = [path for name in rule_names() for path in (FIXTURES / name).glob("*.journey.yaml")]
    assert len(report.journeys) == len(expected)


OTHER_FIXTURE_FOLDERS = {"validity", "render", "flow"}
"""Fixture folders of the loader, render and flow tests; every other folder is a rule's."""


def test_every_fixture_folder_belongs_to_a_rule() -> None:
    folders = {path.parent.name for path in FIXTURES.glob("*/*.journey.yaml")}
    assert folders - OTHER_FIXTURE_FOLDERS <= set(rule_names())


# --- adding a rule -----------------------------------------------------------------------

NEW_RULE = '''\
"""silent-step: a step with no name says nothing to the people who read the map.

## What it does

Reports every step without a `name`.

## Why is this bad?

The id is for the file; the name is what the map shows.

## Example

```yaml
- {id: call, stage: contact, entry: true, next: [{to: done}]}
```

## Use instead

```yaml
- {id: call, name: Llamada, stage: contact, entry: true, next: [{to: done}]}
```

## Known problems

None: it is a test's rule.
"""

from collections.abc import Iterator

from pydantic import Field

from cyclemap.findings import Severity
from cyclemap.graph import JourneyGraph
from cyclemap.rules.base import Detection, RuleOptions, step_at

NAME = "silent-step"
SEVERITY = Severity.INFO
SUMMARY = "A step without a name."


class Options(RuleOptions):
    outcomes: bool = Field(False)
    """Also report outcome steps."""


def check(graph: JourneyGraph, options: Options) -> Iterator[Detection]:
    for node in graph.own_steps:
        step = graph.step(node)
        if step.label == node and (options.outcomes or step.outcome is None):
            yield Detection(step_at(graph, node), (node,), f"step `{node}` has no name")
'''

NEW_FIXTURES = {
    "clean": "- {id: call, name: Llamada, stage: contact, entry: true, next: [{to: done}]}\n"
    "- {id: done, stage: contact, outcome: success}\n",
    "call-without-a-name": "- {id: call, stage: contact, entry: true, next: [{to: done}]}\n"
    "- {id: done, stage: contact, outcome: success}\n",
}


@pytest.fixture
def dropped_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A rule module dropped into the rules package (a second folder of it, for the test's
    life) and its two fixtures; the folder of fixtures is returned."""
    package = tmp_path / "package"
    package.mkdir()
    (package / "silent_step.py").write_text(NEW_RULE, encoding="utf-8")
    monkeypatch.setattr(cyclemap.rules, "__path__", [*cyclemap.rules.__path__, str(package)])
    fixtures = tmp_path / "fixtures"
    (fixtures / "silent-step").mkdir(parents=True)
    (fixtures / "cyclemap.toml").write_text("", encoding="utf-8")
    for name, steps in NEW_FIXTURES.items():
        text = f"cyclemap: 1\njourney: {{id: {name}, name: J}}\n"
        text += "stages: [{id: contact, name: C}]\nsteps:\n" + textwrap.indent(steps, "  ")
        (fixtures / "silent-step" / f"{name}.journey.yaml").write_text(text, encoding="utf-8")
    rule_names.cache_clear()
    registry.cache_clear()
    yield fixtures
    monkeypatch.undo()
    rule_names.cache_clear()
    registry.cache_clear()


def test_a_rule_is_one_module_and_its_fixtures(dropped_in: Path, tmp_path: Path) -> None:
    assert rule_names()[-1] == "silent-step"  # listed after the others
    assert len(rule_names()) == len(RULES) + 1
    rule = registry()["silent-step"]
    check_metadata(rule)
    check_documentation(rule)
    check_examples(rule, tmp_path)
    check_fixtures(rule, dropped_in)
    assert "silent-step" in Settings().selected  # on by default, like every rule
    result = audit([dropped_in / "silent-step"])
    flagged = [f for f in result.findings if f.rule == "silent-step"]
    assert [(Path(f.file).name, f.steps) for f in flagged] == [
        ("call-without-a-name.journey.yaml", ("call",))
    ]
    assert validate([dropped_in]).problems == []
    allowed = dropped_in / "silent-step" / "call-without-a-name.journey.yaml"
    text = allowed.read_text("utf-8")
    allowed.write_text(text.replace("entry: true,", "entry: true, allow: {silent-step: ok},"))
    assert validate([allowed]).problems == []  # `allow:` knows the new name
    assert not [f for f in audit([allowed]).findings if f.rule == "silent-step"]


def readme_rule_table() -> list[tuple[str, str]]:
    """(rule, default severity) of each row of the README's rule table, in order."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    table = text.split("| rule | default | finds |", 1)[1].split("\n\n", 1)[0]
    rows = re.findall(r"^\| `([a-z-]+)` \| (error|warning|info) \|", table, re.MULTILINE)
    return [(name, severity) for name, severity in rows]


def test_the_readme_lists_the_catalog() -> None:
    assert readme_rule_table() == [(rule.name, rule.severity.value) for rule in RULES]
