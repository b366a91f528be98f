"""SARIF 2.1.0 for GitHub code scanning (and any other SARIF viewer).

One run whose `tool.driver.rules` holds every registered rule (its summary, and its docstring
as help) plus `invalid-journey`, the rule under which validation problems and unreadable paths
are reported at level `error`. Choices:

- `uri` is relative to the repository root (the nearest folder up holding `.git`), with
  `uriBaseId` `%SRCROOT%`, wherever cyclemap runs from: GitHub matches alerts to files by
  their path from the root of the repository. Outside a repository the path is relative to the
  working folder, and outside that an absolute `file:` URI.
- A result gets a region (`startLine`, and `startColumn`) when its file exists and it has a
  line; a result on a path that does not exist (an unreadable path) never gets one.
- SARIF counts columns in UTF-16 code units, cyclemap in code points: the column is converted
  with the line's text when the file can still be read, else kept as it is.
- `partialFingerprints["cyclemap/v1"]` hashes the file's path from the repository root and the
  finding's own fingerprint (rule, journey id, steps as a set or a peloteo loop's teams; see
  `Finding.fingerprint`), or for validation problems the field path and the problem's code
  (not its message, which is in the reader's language), but never a line, so alerts survive
  edits above them, runs from any folder and any language; a repeat in one run gets a counter
  so fingerprints stay unique.
- GitHub keeps at most 25,000 results a run: past that the most severe are kept and a
  notification says how many were left out.
- Lone surrogates (from undecodable file names) become U+FFFD so the JSON is valid UTF-8;
  JSON escaping itself makes any other text safe.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from cyclemap.about import HOMEPAGE, __version__
from cyclemap.errors import Problem
from cyclemap.findings import AuditResult, Finding, Severity
from cyclemap.reporters.common import ReportOptions, advice, reference, source_path
from cyclemap.rules import registry
from cyclemap.util.i18n import _
from cyclemap.util.numbers import number

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
MAX_RESULTS = 25_000
INVALID_RULE = "invalid-journey"
UNREADABLE = "unreadable"
"""What identifies a path that could not be read, in place of a problem's code."""
FINGERPRINT = "cyclemap/v1"
SOURCE_ROOT = "%SRCROOT%"
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_RANK = {"error": 0, "warning": 1, "note": 2}
_SURROGATE = re.compile("[\ud800-\udfff]")
_YAML_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def _invalid_rule() -> dict[str, Any]:
    """The rule under which invalid and unreadable files are reported, in the current language."""
    description = _(
        "cyclemap reports every problem it finds while reading and validating a file (YAML "
        "syntax, unknown fields, wrong types, ids that do not exist) at the line and column "
        "where it is, with a hint."
    )
    codes = f"{reference()}#codes"
    doc = "\n\n".join(
        (
            _("invalid-journey: the file is not a valid cyclemap journey, or could not be read."),
            "## " + _("What it does"),
            description,
            "## " + _("Why is this bad?"),
            _(
                "The rules cannot run on an invalid journey, so fix these first: `cyclemap "
                "validate` lists them all. Each problem has a code (`CM105`) and names the section "
                "of the format reference that says what to write instead; the codes are listed "
                "in {where}."
            ).format(where=codes),
        )
    )
    summary = _("The file is not a valid journey: the rules cannot run on it.")
    return _rule(INVALID_RULE, "error", summary, description, doc, codes)


def _clean(value: Any) -> Any:
    """The document with every lone surrogate replaced, so it encodes as UTF-8."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_clean(item) for item in value]
    if isinstance(value, dict):
        return {_clean(key): _clean(item) for key, item in value.items()}
    return value


def _rule(
    rule_id: str, level: str, summary: str, description: str, doc: str, see: str
) -> dict[str, Any]:
    return {
        "id": rule_id,
        "name": "".join(part.capitalize() for part in rule_id.split("-")),
        "shortDescription": {"text": summary},
        "fullDescription": {"text": description},
        "help": {"text": doc, "markdown": doc},
        "defaultConfiguration": {"level": level},
        "properties": {"tags": ["cyclemap", "customer-journey"], "see": see},
    }


def _rules() -> list[dict[str, Any]]:
    """Every rule of the catalog (the log rules too), then the rule of invalid files."""
    rules = [
        _rule(rule.name, _LEVELS[rule.severity], rule.summary, rule.description, rule.doc, rule.see)
        for rule in registry().values()
    ]
    rules.append(_invalid_rule())
    return rules


class _Lines:
    """Reads each reported file once, to turn code-point columns into UTF-16 ones."""

    def __init__(self) -> None:
        self._files: dict[str, list[str] | None] = {}

    def _lines(self, file: str) -> list[str] | None:
        if file not in self._files:
            try:
                text = Path(file).read_bytes().decode("utf-8-sig", errors="replace")
            except (OSError, ValueError):
                self._files[file] = None
            else:
                self._files[file] = _YAML_BREAK.split(text)
        return self._files[file]

    def exists(self, file: str) -> bool:
        return self._lines(file) is not None

    def utf16_column(self, file: str, line: int, column: int) -> int:
        lines = self._lines(file)
        if lines is None or not 1 <= line <= len(lines) or column < 1:
            return column
        before = lines[line - 1][: column - 1]
        wide = sum(1 for character in before if ord(character) > 0xFFFF)
        return column + wide


def _uri(file: str) -> dict[str, str]:
    relative = source_path(file)
    if relative is None:
        return {"uri": Path(os.path.abspath(file)).as_uri()}
    return {
        "uri": quote(relative, safe="/", errors="surrogateescape"),
        "uriBaseId": SOURCE_ROOT,
    }


def _location(file: str, line: int, column: int, lines: _Lines) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": _uri(file)}
    if line >= 1 and lines.exists(file):
        region: dict[str, int] = {"startLine": line}
        if column >= 1:
            region["startColumn"] = lines.utf16_column(file, line, column)
        physical["region"] = region
    return {"physicalLocation": physical}


def _fingerprint(*parts: object) -> str:
    identity = json.dumps(parts, ensure_ascii=True)
    return hashlib.sha256(identity.encode("utf-8", errors="surrogatepass")).hexdigest()[:32]


def _identity(file: str) -> str:
    """The file as it is known wherever cyclemap runs: its path from the repository root."""
    return source_path(file) or Path(os.path.abspath(file)).as_posix()


def _finding(finding: Finding, index: dict[str, int], lines: _Lines) -> dict[str, Any]:
    return {
        "ruleId": finding.rule,
        "ruleIndex": index[finding.rule],
        "level": _LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [_location(finding.file, finding.line, finding.column, lines)],
        "partialFingerprints": {
            FINGERPRINT: _fingerprint(_identity(finding.file), finding.fingerprint)
        },
        "properties": {"journey": finding.journey, "steps": list(finding.steps)},
    }


def _problem(problem: Problem, index: dict[str, int], lines: _Lines) -> dict[str, Any]:
    text = problem.coded
    if advice(problem):
        text += " (" + _("hint: {hint}").format(hint=advice(problem)) + ")"
    # The code names the kind of problem in every language; the message is translated.
    kind = problem.code or UNREADABLE
    identity = _fingerprint(INVALID_RULE, _identity(problem.file), problem.path, kind)
    return {
        "ruleId": INVALID_RULE,
        "ruleIndex": index[INVALID_RULE],
        "level": "error",
        "message": {"text": text},
        "locations": [_location(problem.file, problem.line, problem.column, lines)],
        "partialFingerprints": {FINGERPRINT: identity},
        "properties": {"path": problem.path}
        | ({"code": problem.code, "see": problem.see} if problem.code else {}),
    }


def _unique_fingerprints(results: list[dict[str, Any]]) -> None:
    seen: dict[str, int] = {}
    for result in results:
        value = result["partialFingerprints"][FINGERPRINT]
        seen[value] = seen.get(value, 0) + 1
        if seen[value] > 1:
            result["partialFingerprints"][FINGERPRINT] = f"{value}:{seen[value]}"


def _results(result: AuditResult, index: dict[str, int]) -> list[dict[str, Any]]:
    lines = _Lines()
    results = [_problem(problem, index, lines) for problem in result.failures]
    for report in result.reports:
        results += [_problem(problem, index, lines) for problem in sorted(report.problems)]
        ordered = sorted(report.findings, key=lambda finding: finding.sort_key)
        results += [_finding(finding, index, lines) for finding in ordered]
    _unique_fingerprints(results)
    return results


def _cap(results: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    """At most `MAX_RESULTS`, the most severe first chosen, in their original order."""
    if len(results) <= MAX_RESULTS:
        return results, 0
    chosen = sorted(range(len(results)), key=lambda at: (_RANK[results[at]["level"]], at))
    kept = sorted(chosen[:MAX_RESULTS])
    return [results[at] for at in kept], len(results) - MAX_RESULTS


def render(result: AuditResult, options: ReportOptions) -> str:
    rules = _rules()
    index = {rule["id"]: position for position, rule in enumerate(rules)}
    results, left_out = _cap(_results(result, index))
    notifications: list[dict[str, Any]] = []
    if left_out:
        notifications.append(
            {
                "level": "warning",
                "message": {
                    "text": _(
                        "{left_out} of {total} results were left out: GitHub accepts at most "
                        "{most} a run (the most severe are kept)"
                    ).format(
                        left_out=number(left_out),
                        total=number(len(results) + left_out),
                        most=number(MAX_RESULTS),
                    )
                },
            }
        )
    notifications += [
        {
            "level": "error",
            "message": {"text": f"{failure.file}: {failure.message}"},
            "locations": [_location(failure.file, 0, 0, _Lines())],
        }
        for failure in result.failures
    ]
    invocation: dict[str, Any] = {
        "executionSuccessful": not result.failures,
        "exitCode": result.exit_code,
    }
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    document = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "cyclemap",
                        "informationUri": HOMEPAGE,
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {
                    SOURCE_ROOT: {
                        "description": {
                            "text": _(
                                "The root of the repository (the folder holding .git); "
                                "outside a repository, the folder cyclemap ran in."
                            )
                        }
                    }
                },
                "invocations": [invocation],
                "columnKind": "utf16CodeUnits",
                "results": results,
            }
        ],
    }
    return json.dumps(_clean(document), indent=2, ensure_ascii=False) + "\n"
