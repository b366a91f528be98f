"""The example log: generated as its script says, and showing what its header promises."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

import cyclemap
from cyclemap.engine import audit
from cyclemap.mining import Columns, mine
from tests.conftest import EXAMPLES

LOGS = EXAMPLES / "logs"
LOG = LOGS / "internet-support.csv"
JOURNEY = EXAMPLES / "internet-support.journey.yaml"


def test_the_committed_log_is_what_the_script_writes(tmp_path: Path) -> None:
    written = tmp_path / "log.csv"
    runpy.run_path(str(LOGS / "generate.py"))["write"](written)
    assert written.read_bytes() == LOG.read_bytes()


def test_the_planted_ping_pong_path_and_channel_are_found() -> None:
    report = mine(LOG, cyclemap.load(JOURNEY), Columns(channel="channel"))
    direct = {(bounce.team, bounce.via): bounce for bounce in report.bounces if bounce.direct}
    # a fifth of the first arrivals at level-1 diagnosis, on top of the map's own transfers
    assert direct[("n1", "billing")].case_share > 0.2 * 318 / report.cases
    whatsapp = [c for c in report.channels if (c.step, c.channel) == ("chat-agent", "whatsapp")]
    assert whatsapp and whatsapp[0].share == pytest.approx(0.25, abs=0.1)
    assert not whatsapp[0].mapped
    assert report.notes == ()  # every team and channel of the log is defined


def test_audit_with_the_log_names_the_path_the_map_lacks() -> None:
    result = audit([JOURNEY], log=LOG)
    unmapped = [f.steps for f in result.findings if f.rule == "unmapped-transition"]
    assert unmapped == [("outage-page", "call-line")]
