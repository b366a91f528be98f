"""cyclemap mine beside PM4Py's directly-follows discovery on the same log.

`python benchmarks/pm4py_compare.py [EVENTS]` (PM4Py is AGPL: install it only in a benchmark
environment, `pip install pm4py`; it is never a dependency of cyclemap). PM4Py runs in the
Python named by `PM4PY_PYTHON` (a separate virtual environment's) when it is set, else in this
one. Both run in fresh processes on the same CSV; each process times itself from its first
line (imports included) and reports its peak memory; the table gives them and the ratios.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from mine import JOURNEY, RUNNER, run_figures, write_log

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

FLOOR = """
import json, resource, sys, time
started = time.perf_counter()
import duckdb
connection = duckdb.connect()
connection.execute("SET memory_limit = '1GB'")
connection.execute("SET enable_progress_bar = false")
connection.execute(
    "SELECT count(*), count(previous) FROM (SELECT lag(activity) OVER "
    "(PARTITION BY case_id ORDER BY timestamp) AS previous FROM read_csv_auto(?))",
    [sys.argv[1]],
).fetchall()
print(json.dumps({"seconds": time.perf_counter() - started,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""
"""The floor under `mine`: DuckDB reading the log and ordering each case's events once (one
`LAG` over the cases), with the engine's memory cap, and nothing else."""


def main() -> None:
    events = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "cyclemap.toml").write_text("", encoding="utf-8")
        journey = Path(folder, "support.journey.yaml")
        journey.write_text(JOURNEY, encoding="utf-8")
        log = Path(folder, "log.csv")
        write_log(log, events)
        ours = run_figures(RUNNER, str(log), str(journey))
        floor = run_figures(FLOOR, str(log))
        theirs = run_figures(
            THEIRS, str(log), python=os.environ.get("PM4PY_PYTHON", sys.executable)
        )
    print("| tool | seconds | peak MB |\n| --- | ---: | ---: |")
    print(f"| cyclemap mine | {ours['seconds']:.2f} | {ours['peak_mb']:.0f} |")
    print(
        f"| DuckDB alone: read, one LAG per case (the floor) | {floor['seconds']:.2f} | "
        f"{floor['peak_mb']:.0f} |"
    )
    print(f"| PM4Py discover_dfg | {theirs['seconds']:.2f} | {theirs['peak_mb']:.0f} |")
    print(
        f"| ratio (PM4Py / cyclemap) | {theirs['seconds'] / ours['seconds']:.1f}x time | "
        f"{theirs['peak_mb'] / ours['peak_mb']:.1f}x memory |"
    )


if __name__ == "__main__":
    main()
