"""Benchmark `cyclemap mine` on a generated log: `python benchmarks/mine.py [EVENTS]`.

Writes a log of support cases (with planted ping-pong between level 1 and billing) as Parquet
with DuckDB itself, then times the whole `mine` run in a fresh process and reports its peak
memory.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

JOURNEY = textwrap.dedent("""\
    cyclemap: 1
    journey: {id: support, name: Support}
    teams: {n1: {name: N1}, bill: {name: Billing}}
    stages: [{id: s, name: S}]
    steps:
      - {id: call, stage: s, team: n1, entry: true, next: [{to: diagnose}]}
      - {id: diagnose, stage: s, team: n1, next: [{to: fixed}, {to: billing-desk}]}
      - {id: billing-desk, stage: s, team: bill, next: [{to: diagnose}]}
      - {id: fixed, stage: s, team: n1, outcome: success}
    """)

RUNNER = """
import json, resource, sys, time
from pathlib import Path
started = time.perf_counter()
import cyclemap
from cyclemap.mining import mine
report = mine(Path(sys.argv[1]), cyclemap.load(sys.argv[2]))
print(json.dumps({"seconds": time.perf_counter() - started, "events": report.events,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main() -> None:
    import duckdb

    events = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    cases = int(events / 3.5)  # a quarter of the cases bounce (5 events), the rest 3
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "cyclemap.toml").write_text("", encoding="utf-8")
        journey = Path(folder, "support.journey.yaml")
        journey.write_text(JOURNEY, encoding="utf-8")
        log = Path(folder, "log.parquet")
        duckdb.sql(f"""
            COPY (
              WITH cases AS (SELECT range AS c, hash(range) % 100 AS r FROM range({cases})),
              paths AS (
                SELECT c, CASE WHEN r < 25
                  THEN ['call', 'diagnose', 'billing-desk', 'diagnose', 'fixed']
                  ELSE ['call', 'diagnose', 'fixed', 'fixed', 'fixed'][1:3] END AS steps
                FROM cases)
              SELECT 'c' || c AS case_id, unnest(steps) AS activity,
                     TIMESTAMP '2024-01-01' + to_minutes(c) AS base
              FROM paths
            ) TO '{log}.tmp' (FORMAT parquet)""")
        duckdb.sql(f"""COPY (SELECT case_id, activity,
                                    base + to_seconds(row_number() OVER (PARTITION BY case_id))
                                    AS timestamp
                             FROM read_parquet('{log}.tmp')) TO '{log}' (FORMAT parquet)""")
        completed = subprocess.run(
            [sys.executable, "-c", RUNNER, str(log), str(journey)],
            capture_output=True,
            text=True,
            check=True,
        )
        figures = json.loads(completed.stdout.strip().splitlines()[-1])
        print(
            f"| events | mine s | peak MB |\n| ---: | ---: | ---: |\n"
            f"| {figures['events']:,} | {figures['seconds']:.2f} | {figures['peak_mb']:.0f} |"
        )


if __name__ == "__main__":
    main()
