"""Journeys linked with `to: journey-id:step-id`: resolved across the repository, and audited
as one graph where a problem spans journeys."""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

import pytest

from cyclemap.engine import audit
from cyclemap.engine.checking import validate
from tests.support.links import BILLING, LOOP_BACK, SUPPORT


def _repository(tmp_path: Path, *, loop: bool) -> Path:
    (tmp_path / "cyclemap.toml").write_text("", encoding="utf-8")
    (tmp_path / "support.journey.yaml").write_text(textwrap.dedent(SUPPORT), encoding="utf-8")
    billing = textwrap.dedent(BILLING).replace("BACK", LOOP_BACK if loop else "")
    (tmp_path / "billing.journey.yaml").write_text(billing, encoding="utf-8")
    return tmp_path


def test_a_linked_step_counts_as_reached_and_as_a_way_forward(tmp_path: Path) -> None:
    result = audit([_repository(tmp_path, loop=False)])
    assert result.problems == []
    assert result.findings == []  # billing-desk is reached from support; diagnose is no dead end


def test_a_loop_through_two_journeys_is_one_peloteo_loop(tmp_path: Path) -> None:
    result = audit([_repository(tmp_path, loop=True)])
    [finding] = result.findings
    assert finding.rule == "peloteo-loop"
    assert finding.journey == "support"
    assert finding.steps == ("support:diagnose", "billing:billing-desk")
    assert Path(finding.file).name == "support.journey.yaml"
    assert finding.line == 7
    assert "11% of the customers who reach `support:diagnose`" in finding.message


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (
            "billng:billing-desk",
            "unknown journey `billng` in `billng:billing-desk`; did you mean `billing`?",
        ),
        (
            "billing:billing-dsk",
            "journey `billing` has no step `billing-dsk`; did you mean `billing-desk`?",
        ),
    ],
)
def test_broken_links_are_errors_with_a_suggestion(
    tmp_path: Path, target: str, message: str
) -> None:
    root = _repository(tmp_path, loop=False)
    support = root / "support.journey.yaml"
    support.write_text(support.read_text("utf-8").replace("billing:billing-desk", target), "utf-8")
    report = validate([support])  # the other journey is found in the repository
    [problem] = report.problems
    assert (problem.line, problem.column, problem.path) == (10, 42, "steps[1].next[1].to")
    assert problem.message == message


def test_diff_reports_the_new_cross_journey_loop_alone(tmp_path: Path) -> None:
    root = _repository(tmp_path, loop=False)
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    _repository(tmp_path, loop=True)
    result = audit([root], diff="HEAD")
    assert [(f.rule, f.steps) for f in result.findings] == [
        ("peloteo-loop", ("support:diagnose", "billing:billing-desk"))
    ]
    assert result.comparison is not None and result.comparison.fixed == ()


def test_journey_repo_example_loop_between_billing_and_support(tmp_path: Path) -> None:
    """Issue 6's acceptance: in examples/journey-repo, a change that bounces customers between
    billing's and support's journeys is reported by --diff as one new loop, and nothing old."""
    import shutil

    from tests.conftest import EXAMPLES

    root = tmp_path / "journey-repo"
    shutil.copytree(EXAMPLES / "journey-repo", root)
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    support = root / "journeys" / "posventa" / "soporte-tecnico.journey.yaml"
    billing = root / "journeys" / "posventa" / "facturacion.journey.yaml"
    support.write_text(
        support.read_text("utf-8").replace(
            "      - {to: reinicio-remoto, share: 0.55}\n",
            "      - {to: reinicio-remoto, share: 0.45}\n"
            "      - {to: facturacion:consulta-telefono, share: 0.1, context: kept}\n",
        ),
        "utf-8",
    )
    billing.write_text(
        billing.read_text("utf-8").replace(
            "      - {to: pago-app, share: 0.7, reason: Entiende el cargo y paga}\n",
            "      - {to: pago-app, share: 0.6, reason: Entiende el cargo y paga}\n"
            "      - {to: soporte-tecnico:diagnostico-n1, share: 0.1, context: kept}\n",
        ),
        "utf-8",
    )
    result = audit([root], diff="HEAD")
    assert result.problems == []
    [finding] = result.findings
    assert finding.rule == "peloteo-loop"
    assert {step.split(":")[0] for step in finding.steps} == {"soporte-tecnico", "facturacion"}
    assert result.comparison is not None and result.comparison.fixed == ()
