"""`mine --format json`: the observed figures of a log, for machines; byte-stable."""

from __future__ import annotations

import json
from dataclasses import asdict

from cyclemap.mining.figures import MiningReport


def render(report: MiningReport) -> str:
    return json.dumps(asdict(report), indent=2, ensure_ascii=False) + "\n"
