"""Blueprint render benchmark: end-to-end `cyclemap render --format svg` against journey size.

For each size a generated journey (`generate.py`) is written, then rendered in a fresh
process (best of `--repeat` runs); the table gives the wall time, the peak memory of the
largest process (cyclemap or Graphviz), and, measured in this process, the time cyclemap's
own layout takes (grid, routing and DOT text) so its growth can be read apart from Graphviz's
drawing. Run: `.venv/bin/python benchmarks/render.py` (add `--full` for 20,000 steps).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import journey_text
from run import render_seconds


def end_to_end(path: Path, repeat: int) -> tuple[float, float]:
    """(best wall seconds, peak MB of the largest process) of rendering `path` as svg."""
    best = float("inf")
    peak = 0.0
    for _ in range(repeat):
        seconds, finished = render_seconds(path, "--no-findings", timeout=600)
        if not finished:
            raise SystemExit(f"rendering {path} did not finish")
        best = min(best, seconds)
        peak = max(peak, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    return best, peak


def layout_only(path: Path) -> float:
    """Seconds cyclemap's own layout takes (no Graphviz), after loading."""
    from cyclemap import load
    from cyclemap.graph import JourneyGraph
    from cyclemap.render.blueprint import build_blueprint
    from cyclemap.render.blueprint_dot import to_blueprint_dot

    graph = JourneyGraph(load(path))
    started = time.perf_counter()
    to_blueprint_dot(build_blueprint(graph))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--full", action="store_true", help="also 20,000 steps")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size (best is kept)")
    options = parser.parse_args()
    sizes = [25, 100, 1_000, 5_000] + ([20_000] if options.full else [])
    print("| steps | render svg (end to end) | peak memory | layout alone |")
    print("| ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "cyclemap.toml").write_text("", encoding="utf-8")
        for size in sizes:
            path = Path(folder, f"r{size}.journey.yaml")
            path.write_text(journey_text(size), encoding="utf-8")
            seconds, megabytes = end_to_end(path, options.repeat if size <= 5_000 else 1)
            layout = layout_only(path)
            print(f"| {size:,} | {seconds:.2f} s | {megabytes:.0f} MB | {layout:.2f} s |")


if __name__ == "__main__":
    main()
