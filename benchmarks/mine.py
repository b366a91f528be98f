"""Benchmark `cyclemap mine` on a generated log: `python benchmarks/mine.py [EVENTS] [ENGINE]`.

ENGINE is `duckdb` (default) or `spark` (needs `pip install -e '.[spark]'` and Java 17+).

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
report = mine(Path(sys.argv[1]), cyclemap.load(sys.argv[2]),
              engine=sys.argv[3] if len(sys.argv) > 3 else "duckdb")
print(json.dumps({"seconds": time.perf_counter() - started, "events": report.events,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def write_log(path: Path, events: int) -> None:
    """A log of about `events` events: a quarter of the cases bounce (5 events), the rest 3.

    Written by DuckDB itself, as CSV or Parquet after the file's suffix.
    """
    import duckdb

    cases = int(events / 3.5)
    target = "(FORMAT parquet)" if path.suffix == ".parquet" else "(HEADER, DELIMITER ',')"
    duckdb.sql(f"""
        COPY (
          WITH cases AS (SELECT range AS c, hash(range) % 100 AS r FROM range({cases})),
          steps AS (
            SELECT c, unnest(CASE WHEN r < 25
              THEN ['call', 'diagnose', 'billing-desk', 'diagnose', 'fixed']
              ELSE ['call', 'diagnose', 'fixed'] END) AS activity,
              generate_subscripts(CASE WHEN r < 25 THEN [1, 2, 3, 4, 5] ELSE [1, 2, 3] END,
                                  1) AS n
            FROM cases)
          SELECT 'c' || c AS case_id, activity,
                 TIMESTAMP '2024-01-01' + to_minutes(c) + to_seconds(n) AS timestamp
          FROM steps
        ) TO '{path}' {target}""")


def run_figures(code: str, *arguments: str, python: str = sys.executable) -> dict[str, float]:
    """Run `code` in a fresh interpreter (`python`: another environment's); its last line is a
    JSON object of figures."""
    completed = subprocess.run(
        [python, "-c", code, *arguments], capture_output=True, text=True, check=True
    )
    figures: dict[str, float] = json.loads(completed.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    events = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    engine = sys.argv[2] if len(sys.argv) > 2 else "duckdb"
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "cyclemap.toml").write_text("", encoding="utf-8")
        journey = Path(folder, "support.journey.yaml")
        journey.write_text(JOURNEY, encoding="utf-8")
        log = Path(folder, "log.parquet")
        write_log(log, events)
        figures = run_figures(RUNNER, str(log), str(journey), engine)
        print(
            f"| engine | events | mine s | peak MB (Python process) |\n"
            f"| --- | ---: | ---: | ---: |\n| {engine} | {figures['events']:,} | "
            f"{figures['seconds']:.2f} | {figures['peak_mb']:.0f} |"
        )


if __name__ == "__main__":
    main()
