"""Reporting only what is new: against a recorded baseline, or against a git revision.

A baseline is the list of findings a team has accepted for now (`--write-baseline FILE`);
`--baseline FILE` then reports only findings it does not hold and says which of its entries
are fixed. `--diff REF` does the same against the findings of the journeys as they were at git
revision REF (checked out in a temporary detached work tree), which is what a pull request
check wants. Findings are matched by
`Finding.fingerprint`, which survives moved lines and reordered steps.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from cyclemap.errors import ConfigError, Problem
from cyclemap.findings import AuditResult, Comparison, Finding
from cyclemap.loading.imports import display_path

BASELINE_VERSION = 1


def baseline_entry(finding: Finding) -> dict[str, Any]:
    return {
        "fingerprint": finding.fingerprint,
        "rule": finding.rule,
        "journey": finding.journey,
        "steps": list(finding.steps),
        "message": finding.message,
    }


def baseline_text(result: AuditResult) -> str:
    """The baseline file for a run: stable, sorted, reviewable in a pull request."""
    entries = sorted(
        (baseline_entry(finding) for finding in result.findings),
        key=lambda entry: (entry["journey"], entry["rule"], entry["fingerprint"]),
    )
    document = {"cyclemap-baseline": BASELINE_VERSION, "findings": entries}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def read_baseline(path: Path) -> list[dict[str, Any]]:
    shown = display_path(path)

    def refuse(message: str) -> ConfigError:
        return ConfigError(
            [
                Problem(
                    shown,
                    0,
                    0,
                    "",
                    message,
                    "write it again with `cyclemap audit --write-baseline`",
                )
            ]
        )

    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise refuse("the baseline file does not exist") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise refuse(f"the baseline file cannot be read: {error}") from None
    if not isinstance(document, dict):
        raise refuse("this is not a cyclemap baseline (version 1)")
    entries = document.get("findings")
    if (
        document.get("cyclemap-baseline") != BASELINE_VERSION
        or not isinstance(entries, list)
        or (
            not all(
                isinstance(entry, dict) and isinstance(entry.get("fingerprint"), str)
                for entry in entries
            )
        )
    ):
        raise refuse("this is not a cyclemap baseline (version 1)")
    return entries


def compare(result: AuditResult, entries: Iterable[dict[str, Any]], against: str) -> AuditResult:
    """The result with the baseline's findings left out, and the baseline's fixed entries.

    An entry is fixed only when its journey was audited in this run and the finding is gone; an
    entry of a journey that was not audited (its file does not validate, or was not among the
    paths) is "not checked": a broken file must never read as a fix.
    """
    entries = list(entries)
    audited = {
        report.journey
        for report in result.reports
        if report.valid and report.kind == "journey" and report.journey is not None
    }
    remaining = Counter(entry["fingerprint"] for entry in entries)
    known = 0
    reports = []
    for report in result.reports:
        kept = []
        for finding in report.findings:
            if remaining[finding.fingerprint] > 0:
                remaining[finding.fingerprint] -= 1
                known += 1
            else:
                kept.append(finding)
        reports.append(replace(report, findings=tuple(kept)))
    fixed: list[dict[str, Any]] = []
    not_checked: list[dict[str, Any]] = []
    for entry in entries:
        if remaining[entry["fingerprint"]] > 0:
            remaining[entry["fingerprint"]] -= 1
            shown = {
                "rule": str(entry.get("rule", "")),
                "journey": str(entry.get("journey", "")),
                "steps": list(entry.get("steps") or []),
                "message": str(entry.get("message", "")),
            }
            (fixed if shown["journey"] in audited else not_checked).append(shown)
    invalid = tuple(report.file for report in result.reports if not report.valid)
    return replace(
        result,
        reports=tuple(reports),
        comparison=Comparison(against, tuple(fixed), known, tuple(not_checked), invalid),
    )


def _git(root: Path, *arguments: str) -> bytes:
    try:
        completed = subprocess.run(
            ["git", "-C", str(root), *arguments], capture_output=True, check=False, timeout=120
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ConfigError([Problem("--diff", 0, 0, "", f"cannot run git: {error}")]) from None
    if completed.returncode != 0:
        detail = completed.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ConfigError(
            [
                Problem(
                    "--diff",
                    0,
                    0,
                    "",
                    "git failed" + (f": {detail[-1]}" if detail else ""),
                    "check the revision exists (`git fetch` it first in a shallow CI checkout)",
                )
            ]
        )
    return completed.stdout


def findings_at_revision(
    revision: str,
    paths: list[Path],
    run: Callable[[list[Path]], AuditResult],
) -> list[dict[str, Any]]:
    """Baseline entries for the same paths as they were at git `revision`."""
    start = paths[0] if paths else Path(".")
    top = Path(
        _git(start if start.is_dir() else start.parent or Path("."), "rev-parse", "--show-toplevel")
        .decode()
        .strip()
    )
    # A detached work tree of the revision: a real checkout, so discovery (git's ignore rules,
    # hidden folders) and the repository root are exactly as they were then.
    try:
        _git(top, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    except ConfigError:
        raise ConfigError(
            [
                Problem(
                    "--diff",
                    0,
                    0,
                    "",
                    f"git does not know the revision `{revision}`",
                    "check the name; in a shallow CI checkout, `git fetch` the base branch first",
                )
            ]
        ) from None
    with tempfile.TemporaryDirectory(prefix="cyclemap-diff-") as folder:
        tree = Path(folder) / "tree"
        _git(top, "worktree", "add", "--detach", "--quiet", str(tree), revision)
        try:
            old_paths = []
            for path in paths:
                old = tree / path.resolve().relative_to(top.resolve())
                if old.exists():
                    old_paths.append(old)
            old_result = run(old_paths) if old_paths else None
        finally:
            _git(top, "worktree", "remove", "--force", str(tree))
    if old_result is None:
        return []
    return [baseline_entry(finding) for finding in old_result.findings]
