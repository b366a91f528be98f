"""Benchmarks that print figures (not tests): `python benchmarks/run.py [--full]`.

Each measurement runs in a fresh subprocess so peak memory (max RSS) belongs to that stage
alone. Sizes: load/audit/stats at 1,000 and 10,000 steps (and 100,000 with --full); render at
100, 1,000 and 5,000 steps (5,000 with --full: the full layout takes minutes, so it runs with
a 200 s timeout, beside the collapsed overview).
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import journey_text  # noqa: E402

STAGE_CODE = {
    "load": "from cyclemap import load; journey = load(PATH)",
    "audit": textwrap.dedent("""
        from cyclemap import load
        from cyclemap.engine.config import Settings
        from cyclemap.engine import audit_journey
        journey = load(PATH)
        START()
        findings = audit_journey(journey, Settings())
    """),
    "stats": textwrap.dedent("""
        from cyclemap import load
        from cyclemap.engine.config import Settings
        from cyclemap.engine import audit_journey
        from cyclemap.analysis.report import analyse
        from cyclemap.graph import JourneyGraph
        journey = load(PATH)
        findings = audit_journey(journey, Settings())
        START()
        report = analyse(JourneyGraph(journey), findings, top=3)
    """),
    # Two versions: the first abandonment rate a tenth of what it was. Both are validated,
    # audited and figured, then compared (what `compare` and `stats --diff` do).
    "compare": textwrap.dedent("""
        from pathlib import Path
        from cyclemap.engine.comparing import compare
        after = Path(PATH).with_name("after-" + Path(PATH).name)
        text = Path(PATH).read_text(encoding="utf-8")
        after.write_text(text.replace("abandon: 0.", "abandon: 0.0", 1), encoding="utf-8")
        START()
        run = compare([PATH], [after])
        assert run.changes[0].status == "changed"
    """),
}

RUNNER = """
import json, resource, sys, time
PATH = sys.argv[1]
started = [time.perf_counter()]
def START():
    started[0] = time.perf_counter()
{code}
elapsed = time.perf_counter() - started[0]
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"seconds": elapsed, "peak_mb": peak}}))
"""


def measure(stage: str, path: Path) -> dict[str, float]:
    code = RUNNER.format(code=textwrap.indent(STAGE_CODE[stage], ""))
    completed = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True
    )
    result: dict[str, float] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def command_time(arguments: list[str]) -> str:
    """Wall time of one `cyclemap` command in a fresh interpreter (best of three)."""
    import time

    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "cyclemap", *arguments], capture_output=True, check=False
        )
        best = min(best, time.perf_counter() - started)
    return f"{best:.2f} s"


def yamllint_time(path: Path) -> float | None:
    """Best-of-three wall time of yamllint on `path` (install it with `pip install -e .[bench]`)."""
    import shutil
    import time

    program = shutil.which("yamllint") or str(Path(sys.executable).with_name("yamllint"))
    if not Path(program).exists():
        print("| `yamllint` | not installed (pip install -e '.[bench]') |")
        return None
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run([program, "-d", "relaxed", str(path)], capture_output=True, check=False)
        best = min(best, time.perf_counter() - started)
    return best


def render_seconds(path: Path, *extra: str, timeout: int = 200) -> tuple[float, bool]:
    """Wall seconds of `cyclemap render PATH -f svg` in a fresh interpreter, and whether it
    finished."""
    import time

    started = time.perf_counter()
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "cyclemap",
            "render",
            str(path),
            "-f",
            "svg",
            "-o",
            str(path.with_suffix(".svg")),
            "--timeout",
            str(timeout),
            *extra,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    return time.perf_counter() - started, completed.returncode == 0


def render_time(path: Path, *extra: str, timeout: int = 200) -> str:
    elapsed, finished = render_seconds(path, *extra, timeout=timeout)
    return f"{elapsed:.1f} s" if finished else f"stopped after {elapsed:.0f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--full", action="store_true", help="also 100,000 steps and 5,000-step render"
    )
    options = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}, {platform.system()}"
    )
    with tempfile.TemporaryDirectory() as folder:
        sizes = [1_000, 10_000] + ([100_000] if options.full else [])
        print("\n| steps | file MB | load s | load MB | audit s | audit MB | stats s | stats MB |")
        print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for size in sizes:
            path = Path(folder, f"j{size}.journey.yaml")
            path.write_text(journey_text(size), encoding="utf-8")
            cells = [f"{size:,}", f"{path.stat().st_size / 2**20:.1f}"]
            for stage in ("load", "audit", "stats"):
                figures = measure(stage, path)
                cells += [f"{figures['seconds']:.2f}", f"{figures['peak_mb']:.0f}"]
            print("| " + " | ".join(cells) + " |")
        print("\n| steps | compare s | compare MB |")
        print("| ---: | ---: | ---: |")
        for size in sizes:
            figures = measure("compare", Path(folder, f"j{size}.journey.yaml"))
            print(f"| {size:,} | {figures['seconds']:.2f} | {figures['peak_mb']:.0f} |")
        print("\n| journeys (40 steps each) | cyclemap audit (all cores) |")
        print("| ---: | ---: |")
        repo = Path(folder, "repo")
        repo.mkdir()
        (repo / "cyclemap.toml").write_text("", encoding="utf-8")
        for index in range(1_000):
            journey = journey_text(40, seed=index, journey_id=f"j{index:04d}")
            (repo / f"j{index:04d}.journey.yaml").write_text(journey, encoding="utf-8")
        report = str(repo / "r.json")
        print(f"| 1,000 | {command_time(['audit', str(repo), '-f', 'json', '-o', report])} |")
        print("\n| cold start | seconds |")
        print("| --- | ---: |")
        print(f"| `cyclemap --version` | {command_time(['--version'])} |")
        one = Path(folder, "j1000.journey.yaml")
        ours = command_time(["validate", str(one)])
        print(f"| `cyclemap validate` one 1,000-step file | {ours} |")
        theirs = yamllint_time(one)
        if theirs is not None:
            ratio = float(ours.split()[0]) / theirs
            print(f"| `yamllint` on the same file | {theirs:.2f} s |")
            print(f"| ratio cyclemap / yamllint | {ratio:.2f} |")
        print("\n| steps | render svg | overview (--collapse stage) |")
        print("| ---: | ---: | ---: |")
        for size in [100, 400, 1_000] + ([5_000] if options.full else []):
            path = Path(folder, f"r{size}.journey.yaml")
            path.write_text(journey_text(size), encoding="utf-8")
            print(
                f"| {size:,} | {render_time(path)} | {render_time(path, '--collapse', 'stage')} |"
            )


if __name__ == "__main__":
    main()
