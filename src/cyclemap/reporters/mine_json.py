"""`mine --format json`: the observed figures of a log, for machines; byte-stable."""

from __future__ import annotations

from dataclasses import asdict

from cyclemap.mining.figures import MiningReport
from cyclemap.util.numbers import json_text


def render(report: MiningReport) -> str:
    return json_text(asdict(report))
