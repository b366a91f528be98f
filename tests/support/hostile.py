"""What the second hostile-input round shares: the base journey `J`, a repository to run in,
and the real console script run as a subprocess with a hang guard."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

J = textwrap.dedent("""\
    cyclemap: 1
    journey: {id: j, name: J}
    teams: {a: {name: A}, b: {name: B}}
    stages: [{id: s, name: S}]
    steps:
      - {id: x, stage: s, team: a, entry: {volume: 100}, abandon: 0.1, next: [{to: y}]}
      - {id: y, stage: s, team: b, next: [{to: z, share: 0.5}, {to: x, share: 0.5}]}
      - {id: z, stage: s, outcome: success}
    """)

LOG = "case_id,activity,timestamp\n" + "".join(
    f"{case},{step},2024-05-01 10:0{minute}:00\n"
    for case in ("c1", "c2", "c3")
    for minute, step in enumerate(("x", "y", "z"))
)
"""Three customers going x -> y -> z, in J's step ids."""


def repository(tmp_path: Path, journey: str = J) -> Path:
    """A folder that is its own repository root, holding `j.journey.yaml` and `L.csv`."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "cyclemap.toml").write_text("", encoding="utf-8")
    (tmp_path / "j.journey.yaml").write_text(journey, encoding="utf-8")
    (tmp_path / "L.csv").write_text(LOG, encoding="utf-8")
    return tmp_path


def run(
    arguments: list[str | Path],
    cwd: Path,
    *,
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """The console script, as a user runs it (no colours unless `env` asks)."""
    return subprocess.run(
        [sys.executable, "-m", "cyclemap", *map(str, arguments)],
        cwd=cwd,
        capture_output=True,
        text=True,
        errors="surrogateescape",
        timeout=timeout,
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
        stdin=subprocess.DEVNULL,
        check=False,
    )


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stdout + result.stderr, result.stdout + result.stderr
