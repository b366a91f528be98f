"""cyclemap mine beside PM4Py's directly-follows discovery on the same log.

`python benchmarks/pm4py_compare.py [EVENTS]` (PM4Py is AGPL: install it only in a benchmark
environment, `pip install pm4py`; it is never a dependency of cyclemap). Both run in fresh
processes on the same CSV; the table gives wall time, peak memory and the ratios.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from mine import JOURNEY

OURS = """
import json, resource, sys, time
from pathlib import Path
started = time.perf_counter()
import cyclemap
from cyclemap.mining import mine
report = mine(Path(sys.argv[1]), cyclemap.load(sys.argv[2]))
print(json.dumps({"seconds": time.perf_counter() - started,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

THEIRS = """
import json, resource, sys, time
started = time.perf_counter()
import pandas, pm4py
frame = pandas.read_csv(sys.argv[1])
frame = pm4py.format_dataframe(frame, case_id="case_id", activity_key="activity",
                               timestamp_key="timestamp")
dfg, starts, ends = pm4py.discover_dfg(frame)
print(json.dumps({"seconds": time.perf_counter() - started,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run(code: str, *arguments: str) -> dict[str, float]:
    completed = subprocess.run(
        [sys.executable, "-c", code, *arguments], capture_output=True, text=True, check=True
    )
    figures: dict[str, float] = json.loads(completed.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    import duckdb

    events = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    cases = int(events / 3.5)
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "cyclemap.toml").write_text("", encoding="utf-8")
        journey = Path(folder, "support.journey.yaml")
        journey.write_text(JOURNEY, encoding="utf-8")
        log = Path(folder, "log.csv")
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
            ) TO '{log}' (HEADER, DELIMITER ',')""")
        ours = run(OURS, str(log), str(journey))
        theirs = run(THEIRS, str(log))
    print("| tool | seconds | peak MB |\n| --- | ---: | ---: |")
    print(f"| cyclemap mine | {ours['seconds']:.2f} | {ours['peak_mb']:.0f} |")
    print(f"| PM4Py discover_dfg | {theirs['seconds']:.2f} | {theirs['peak_mb']:.0f} |")
    print(
        f"| ratio (PM4Py / cyclemap) | {theirs['seconds'] / ours['seconds']:.1f}x time | "
        f"{theirs['peak_mb'] / ours['peak_mb']:.1f}x memory |"
    )


if __name__ == "__main__":
    main()
