"""Reporting only what is new: against a recorded baseline, or against a git revision.

A baseline is the list of findings a team has accepted for now (`--write-baseline FILE`);
`--baseline FILE` then reports only findings it does not hold and says which of its entries
are fixed. `--diff REF` does the same against the findings of the journeys as they were at git
revision REF (checked out in a temporary detached work tree), which is what a pull request
check wants. Findings are matched by
`Finding.fingerprint`, which survives moved lines and reordered steps.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from cyclemap.errors import ConfigError, Problem
from cyclemap.findings import AuditResult, Comparison, Finding
from cyclemap.util.files import remember_input
from cyclemap.util.i18n import _
from cyclemap.util.paths import display_path
from cyclemap.util.signals import sigterm_held

BASELINE_VERSION = 1


def baseline_entry(finding: Finding) -> dict[str, Any]:
    return {
        "fingerprint": finding.fingerprint,
        "rule": finding.rule,
        "journey": finding.journey,
        "steps": list(finding.steps),
        "message": finding.message,
    }


def baseline_findings(result: AuditResult) -> list[Finding]:
    """Every finding of the run, the new ones and those a baseline or revision already had:
    writing a baseline accepts them all, or the accepted ones would fail the next run."""
    accepted = result.comparison.accepted if result.comparison is not None else ()
    return [*result.findings, *accepted]


def baseline_text(result: AuditResult) -> str:
    """The baseline file for a run: stable, sorted, reviewable in a pull request."""
    entries = sorted(
        (baseline_entry(finding) for finding in baseline_findings(result)),
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
                    _("write it again with `cyclemap audit --write-baseline`"),
                )
            ]
        )

    remember_input(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise refuse(_("the baseline file does not exist")) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise refuse(_("the baseline file cannot be read: {error}").format(error=error)) from None
    if not isinstance(document, dict):
        raise refuse(_("this is not a cyclemap baseline (version 1)"))
    entries = document.get("findings")
    if document.get("cyclemap-baseline") != BASELINE_VERSION or not isinstance(entries, list):
        raise refuse(_("this is not a cyclemap baseline (version 1)"))
    for index, entry in enumerate(entries):
        wrong = _entry_problem(entry)
        if wrong is not None:
            raise refuse(f"findings[{index}]: {wrong}")
    return entries


def _entry_problem(entry: object) -> str | None:
    """What is wrong with one baseline entry (a committed file a pull request can edit)."""
    if not isinstance(entry, dict):
        return _("each entry must be an object")
    for key in ("fingerprint", "rule", "journey", "message"):
        if (key in entry or key == "fingerprint") and not isinstance(entry.get(key), str):
            return _("`{key}` must be text").format(key=key)
    steps = entry.get("steps", [])
    if not isinstance(steps, list) or not all(isinstance(step, str) for step in steps):
        return _("`steps` must be a list of step ids")
    return None


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
    accepted = []
    reports = []
    for report in result.reports:
        kept = []
        for finding in report.findings:
            if remaining[finding.fingerprint] > 0:
                remaining[finding.fingerprint] -= 1
                accepted.append(finding)
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
        comparison=Comparison(
            against,
            tuple(fixed),
            known=len(accepted),
            accepted=tuple(accepted),
            not_checked=tuple(not_checked),
            invalid_files=invalid,
        ),
    )


def _diff_problem(message: str, hint: str) -> ConfigError:
    return ConfigError([Problem("--diff", 0, 0, "", message, hint)])


def _git(root: Path, *arguments: str, hint: str = "", failure: str = "") -> bytes:
    """git's output; its failure told as `failure` (git's own words kept as detail) and `hint`."""
    try:
        completed = subprocess.run(
            ["git", "-C", str(root), *arguments], capture_output=True, check=False, timeout=120
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise _diff_problem(
            _("cannot run git: {error}").format(error=error), _("check that git is installed")
        ) from None
    if completed.returncode != 0:
        detail = completed.stderr.decode("utf-8", "replace").strip().splitlines()
        if failure:
            message = (
                _("{failure} (git: {detail})").format(failure=failure, detail=detail[-1])
                if detail
                else failure
            )
        else:
            message = (
                _("git failed: {detail}").format(detail=detail[-1]) if detail else _("git failed")
            )
        raise _diff_problem(
            message,
            hint or _("check the revision exists (`git fetch` it first in a shallow CI checkout)"),
        )
    return completed.stdout


def _remove_work_tree(top: Path, tree: Path) -> None:
    """Remove the temporary work tree and git's record of it, whatever state an interrupted
    `worktree add` left (never raising: this runs while another exception, or SIGTERM's
    exit, is on its way)."""

    def quietly(*arguments: str) -> None:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            subprocess.run(
                ["git", "-C", str(top), *arguments], capture_output=True, check=False, timeout=120
            )

    # An `add` cut short leaves the work tree locked ("initializing"): unlocked and forced
    # twice, or `remove` and `prune` both leave it registered.
    quietly("worktree", "unlock", str(tree))
    quietly("worktree", "remove", "--force", "--force", str(tree))
    shutil.rmtree(tree, ignore_errors=True)
    quietly("worktree", "prune")


def _inside(path: Path, top: Path) -> Path:
    """`path` relative to the repository's top folder, by its own name or where it leads."""
    for candidate in (Path(os.path.abspath(path)), path.resolve()):
        try:
            return candidate.relative_to(top)
        except ValueError:
            continue
    raise _diff_problem(
        _("{path} is outside the git repository {top}").format(
            path=display_path(path), top=display_path(top)
        ),
        _("--diff compares journeys of one repository: audit the others in a separate run"),
    )


@contextlib.contextmanager
def revision_tree(revision: str, paths: list[Path]) -> Iterator[tuple[Path, list[Path]]]:
    """The same `paths` as they were at git `revision`, in a temporary detached work tree:
    (the tree's top folder, the paths that existed then). The tree is removed on leaving,
    whatever happens (Ctrl-C, SIGTERM) inside."""
    start = paths[0] if paths else Path(".")
    folder = start if start.is_dir() else start.parent or Path(".")
    shown = _git(
        folder,
        "rev-parse",
        "--show-toplevel",
        failure=_("the folder {folder} is not in a git repository").format(
            folder=display_path(folder)
        ),
        hint=_("--diff compares with a git revision: run it on journeys inside a git work tree"),
    )
    top = Path(os.fsdecode(shown.rstrip(b"\n"))).resolve()
    relative = [_inside(path, top) for path in paths]
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
                    _("git does not know the revision `{revision}`").format(revision=revision),
                    _(
                        "check the name; in a shallow CI checkout, `git fetch` the base branch "
                        "first"
                    ),
                )
            ]
        ) from None
    # SIGTERM (a cancelled CI job) ends the run through SystemExit (see `cyclemap.cli.main`),
    # so these `finally` clauses remove the work tree as they do on Ctrl-C.
    with tempfile.TemporaryDirectory(prefix="cyclemap-diff-", ignore_cleanup_errors=True) as temp:
        tree = Path(temp) / "tree"
        try:
            with sigterm_held():  # a checkout cut short goes on writing in another process
                _git(top, "worktree", "add", "--detach", "--quiet", str(tree), revision)
            yield tree, [tree / part for part in relative if (tree / part).exists()]
        finally:
            _remove_work_tree(top, tree)


def findings_at_revision(
    revision: str,
    paths: list[Path],
    run: Callable[[list[Path]], AuditResult],
) -> list[dict[str, Any]]:
    """Baseline entries for the same paths as they were at git `revision`."""
    with revision_tree(revision, paths) as (_tree, old_paths):
        old_result = run(old_paths) if old_paths else None
    if old_result is None:
        return []
    return [baseline_entry(finding) for finding in old_result.findings]
