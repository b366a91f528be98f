"""The engine: one place for allow, select/ignore, severities, crashes, order and exit codes."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from cyclemap.engine import apply_overrides, audit, audit_journey
from cyclemap.engine.config import Settings
from cyclemap.errors import ConfigError
from cyclemap.findings import AuditResult, FailOn, FileReport, Finding, Severity
from cyclemap.loading import load_journey
from cyclemap.rules import drop_off_point, registry, rule_names
from cyclemap.rules.base import Detection

Write = Callable[..., Path]

ALLOWED_DROP_OFF = """\
    cyclemap: 1
    journey: {id: allowed, name: Permitido}
    stages:
      - {id: contact, name: Contacto}
    steps:
      - id: call
        stage: contact
        entry: true
        abandon: 0.3
        moment_of_truth: {requirement: Contestan rápido}
        next: [{to: form}]
        allow:
          drop-off-point: Campaña temporal; se revisa en enero
      - {id: form, stage: contact, abandon: 0.3, next: [{to: done}]}
      - {id: done, stage: contact, outcome: success}
    """

BOUNCE = """\
    cyclemap: 1
    journey: {id: bounce, name: Peloteo}
    teams:
      support: {}
      billing: {}
    stages:
      - {id: contact, name: Contacto}
    steps:
      - {id: call, stage: contact, team: support, entry: true, next: [{to: billing-desk}]}
      - id: billing-desk
        stage: contact
        team: billing
        next: [{to: call}, {to: refund}]
        allow: {ALLOW}
      - {id: refund, stage: contact, team: billing, outcome: success}
    """

ONLY_WARNING = """\
    cyclemap: 1
    journey: {id: warned, name: Solo advertencias}
    stages:
      - {id: contact, name: Contacto}
    steps:
      - {id: call, stage: contact, entry: true, abandon: 0.5, next: [{to: done}]}
      - {id: done, stage: contact, outcome: success}
    """

ONLY_INFO = """\
    cyclemap: 1
    journey: {id: informed, name: Solo información}
    stages:
      - {id: contact, name: Contacto}
      - {id: unused, name: Sin pasos}
    steps:
      - {id: call, stage: contact, entry: true, next: [{to: done}]}
      - {id: done, stage: contact, outcome: success}
    """


def triples(findings: list[Finding]) -> list[tuple[str, tuple[str, ...], int]]:
    return [(finding.rule, finding.steps, finding.line) for finding in findings]


def run(path: Path, settings: Settings | None = None) -> list[Finding]:
    return audit_journey(load_journey(path), settings or Settings())


def test_allow_silences_that_rule_on_that_step_only(write: Write) -> None:
    findings = run(write(ALLOWED_DROP_OFF))
    assert triples(findings) == [
        ("unmeasured-moment-of-truth", ("call",), 10),
        ("unowned-moment-of-truth", ("call",), 10),
        ("drop-off-point", ("form",), 14),
    ]


def test_allow_on_any_step_of_a_loop_silences_the_loop(write: Write) -> None:
    allowed = run(write(BOUNCE.replace("{ALLOW}", "{peloteo-loop: Se corrige en marzo}")))
    assert [finding.rule for finding in allowed] == []
    other_rule = run(write(BOUNCE.replace("{ALLOW}", "{dead-end: No aplica}")))
    assert triples(other_rule) == [("peloteo-loop", ("call", "billing-desk"), 9)]


def test_default_settings_run_every_rule_with_its_default_severity(write: Write) -> None:
    findings = run(write(ALLOWED_DROP_OFF))
    severities = {finding.rule: finding.severity for finding in findings}
    assert severities == {
        name: registry()[name].severity
        for name in ("unmeasured-moment-of-truth", "unowned-moment-of-truth", "drop-off-point")
    }
    assert Settings().selected == rule_names()  # the log rules too, with --log


def test_only_selected_rules_run(write: Write) -> None:
    path = write(ALLOWED_DROP_OFF)
    settings = Settings(selected=("unowned-moment-of-truth",))
    assert triples(run(path, settings)) == [("unowned-moment-of-truth", ("call",), 10)]
    assert run(path, Settings(selected=())) == []


def test_severity_override(write: Write) -> None:
    settings = Settings(severities={"drop-off-point": Severity.ERROR})
    findings = run(write(ALLOWED_DROP_OFF), settings)
    assert {(finding.rule, finding.severity) for finding in findings} == {
        ("unmeasured-moment-of-truth", Severity.WARNING),
        ("unowned-moment-of-truth", Severity.WARNING),
        ("drop-off-point", Severity.ERROR),
    }


def test_options_reach_the_rule(write: Write) -> None:
    options = drop_off_point.Options(threshold=0.5)
    settings = Settings(selected=("drop-off-point",), options={"drop-off-point": options})
    assert run(write(ALLOWED_DROP_OFF), settings) == []


def test_select_and_ignore_overrides() -> None:
    both = apply_overrides(Settings(), select=["dead-end,peloteo-loop"])
    assert both.selected == ("peloteo-loop", "dead-end")  # catalog order, not command order
    repeated = apply_overrides(Settings(), select=["dead-end", " unreachable-step "])
    assert repeated.selected == ("dead-end", "unreachable-step")
    ignored = apply_overrides(Settings(), ignore=["unused-definition", "drop-off-point"])
    assert ignored.selected == tuple(
        name for name in rule_names() if name not in ("unused-definition", "drop-off-point")
    )
    mixed = apply_overrides(Settings(), select=["dead-end,peloteo-loop"], ignore=["dead-end"])
    assert mixed.selected == ("peloteo-loop",)
    configured = Settings(selected=("dead-end", "drop-off-point"), fail_on=FailOn.WARNING)
    assert apply_overrides(configured).selected == ("dead-end", "drop-off-point")
    assert apply_overrides(configured).fail_on is FailOn.WARNING
    assert apply_overrides(configured, fail_on=FailOn.NEVER).fail_on is FailOn.NEVER


def test_unknown_rule_on_the_command_line_suggests_the_nearest() -> None:
    with pytest.raises(ConfigError) as error:
        apply_overrides(Settings(), select=["dead-ends"])
    [problem] = error.value.problems
    assert problem.file == "--select"
    assert problem.message == "`dead-ends` is not a rule name; did you mean `dead-end`?"
    assert "peloteo-loop" in problem.hint
    with pytest.raises(ConfigError, match="`peloteo` is not a rule name"):
        apply_overrides(Settings(), ignore=["peloteo"])


def test_audit_select_and_ignore(write: Write) -> None:
    path = write(ALLOWED_DROP_OFF)
    selected = audit([path], select=["drop-off-point"])
    assert [finding.rule for finding in selected.findings] == ["drop-off-point"]
    ignored = audit([path], ignore=["unowned-moment-of-truth,unmeasured-moment-of-truth"])
    assert [finding.rule for finding in ignored.findings] == ["drop-off-point"]


def test_a_rule_that_raises_becomes_a_finding(
    write: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(graph: Any, options: Any) -> Iterator[Detection]:
        yield Detection(("steps", 0), ("call",), "never reported")
        raise RuntimeError("boom")

    rule = registry()["drop-off-point"]
    monkeypatch.setitem(registry(), "drop-off-point", dataclasses.replace(rule, check=broken))
    path = write(ALLOWED_DROP_OFF)
    findings = run(path)
    assert triples(findings) == [
        ("drop-off-point", (), 1),
        ("unmeasured-moment-of-truth", ("call",), 10),
        ("unowned-moment-of-truth", ("call",), 10),
    ]
    crash = findings[0]
    assert crash.severity is Severity.WARNING
    assert (crash.column, crash.journey) == (1, "allowed")
    assert crash.message == (
        "the rule `drop-off-point` failed on this journey (RuntimeError: boom); please report this"
    )
    assert audit([path]).exit_code == 0  # a warning, like the rule's other findings


def test_findings_are_sorted_by_file_line_rule(write: Write) -> None:
    write(ALLOWED_DROP_OFF, "b.journey.yaml")
    folder = write(ONLY_WARNING, "a.journey.yaml").parent
    result = audit([folder])
    assert [(Path(f.file).name, f.line, f.rule) for f in result.findings] == [
        ("a.journey.yaml", 6, "drop-off-point"),
        ("b.journey.yaml", 10, "unmeasured-moment-of-truth"),
        ("b.journey.yaml", 10, "unowned-moment-of-truth"),
        ("b.journey.yaml", 14, "drop-off-point"),
    ]
    assert [Path(report.file).name for report in result.reports] == [
        "a.journey.yaml",
        "b.journey.yaml",
    ]


@pytest.mark.parametrize(
    ("text", "fail_on", "code"),
    [
        (ONLY_WARNING, None, 0),
        (ONLY_WARNING, FailOn.ERROR, 0),
        (ONLY_WARNING, FailOn.WARNING, 1),
        (ONLY_WARNING, FailOn.INFO, 1),
        (ONLY_WARNING, FailOn.NEVER, 0),
        (ONLY_INFO, FailOn.WARNING, 0),
        (ONLY_INFO, FailOn.INFO, 1),
        (BOUNCE.replace("{ALLOW}", "{}"), None, 1),
        (BOUNCE.replace("{ALLOW}", "{}"), FailOn.NEVER, 0),
    ],
)
def test_exit_code_policy(write: Write, text: str, fail_on: FailOn | None, code: int) -> None:
    assert audit([write(text)], fail_on=fail_on).exit_code == code


def test_invalid_files_fail_even_with_fail_on_never(write: Write) -> None:
    path = write(ONLY_WARNING.replace("abandon: 0.5", "abandon: 1.5"))
    result = audit([path], fail_on=FailOn.NEVER)
    assert result.exit_code == 1
    assert result.findings == []


def test_missing_path_exits_2(tmp_path: Path) -> None:
    (tmp_path / "cyclemap.toml").write_text("", encoding="utf-8")
    assert audit([tmp_path / "missing.journey.yaml"]).exit_code == 2


def test_exit_code_counts_every_file() -> None:
    def finding(severity: Severity) -> Finding:
        return Finding("dead-end", severity, "f.yaml", 1, 1, "j", (), "m")

    reports = (
        FileReport("a.yaml", findings=(finding(Severity.INFO),)),
        FileReport("b.yaml", findings=(finding(Severity.WARNING),)),
    )
    assert AuditResult(reports, fail_on=FailOn.ERROR).exit_code == 0
    assert AuditResult(reports, fail_on=FailOn.WARNING).exit_code == 1
    assert AuditResult((), fail_on=FailOn.INFO).exit_code == 0
