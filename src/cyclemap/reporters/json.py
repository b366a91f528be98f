"""The report for machines: stable keys, stable order, the same bytes for the same input.

`validate` writes `{"files", "errors"}`; `audit` adds `findings` (the fixed keys of a finding)
and a `summary`. Unreadable paths are errors with line and column 0.
"""

from __future__ import annotations

import json
from typing import Any

from cyclemap.findings import AuditResult
from cyclemap.reporters.common import ReportOptions


def summary(result: AuditResult) -> dict[str, Any]:
    counts = result.counts()
    return {
        "files": len(result.reports),
        "journeys": sum(report.kind == "journey" for report in result.reports),
        "invalid": counts["invalid"],
        "findings": len(result.findings),
        "error": counts["error"],
        "warning": counts["warning"],
        "info": counts["info"],
        "exit_code": result.exit_code,
    }


def render(result: AuditResult, options: ReportOptions) -> str:
    document: dict[str, Any] = {
        "files": [report.file for report in result.reports],
        "errors": [problem.as_dict() for problem in (*result.failures, *result.problems)],
    }
    if result.audited:
        document["findings"] = [finding.as_dict() for finding in result.findings]
        document["summary"] = summary(result)
    if result.comparison is not None:
        document["comparison"] = {
            "against": result.comparison.against,
            "known": result.comparison.known,
            "fixed": list(result.comparison.fixed),
            "not_checked": list(result.comparison.not_checked),
            "invalid_files": list(result.comparison.invalid_files),
        }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
