"""The report for machines: stable keys, stable order, the same bytes for the same input."""

from __future__ import annotations

import json

from cyclemap.checking import ValidationReport


def render_validation(report: ValidationReport) -> str:
    errors = [problem.as_dict() for problem in (*report.failures, *report.problems)]
    document = {"files": [result.file for result in report.checked], "errors": errors}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
