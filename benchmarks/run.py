"""Benchmarks that print figures and ratios, never assert them: `python benchmarks/run.py`.

`--quick` (under a minute; `.ci/run` runs it so every CI log shows what a change costs): the
cold start of `cyclemap validate` beside `yamllint -d relaxed` on the same small journey and on
a 1,000-step one, the load, audit and stats stages at 1,000 and 10,000 steps, and `mine` on
100,000 events beside PM4Py's `discover_dfg` when PM4Py is installed (here, or in the Python
`PM4PY_PYTHON` names). Without `--quick`, also
whole `validate`, `audit` and `stats` runs of 10,000 and 100,000 steps (growth from 1,000 on),
a 5,000-step `validate` beside yamllint, two versions compared, a 1,000-journey repository,
renders, and `mine` on 1,000,000 events.

Whole commands run as the user runs them, through the console scripts beside this Python, in
fresh processes; each figure is the median of `--repeat` runs (5 by default; 3 for the slow
ones), cyclemap's and the other tool's runs taking turns so both see the same load. Wall
seconds, CPU seconds (user + system, steadier than wall time on a shared machine) and peak
memory (max RSS) come from the operating system's accounting of each process. Bytecode is
written as an installed package has it (`PYTHONDONTWRITEBYTECODE` is cleared), and one run
warms it before the timed ones. The machine and its load average are printed first.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SMALL = REPO / "examples" / "internet-support.journey.yaml"
sys.path.insert(0, str(HERE))

from generate import journey_text  # noqa: E402

ENVIRONMENT = {
    key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"
} | {"CYCLEMAP_LANG": "en", "NO_COLOR": "1"}

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


@dataclass(frozen=True)
class Run:
    """One process: wall and CPU seconds, peak memory in MB."""

    wall: float
    cpu: float
    peak_mb: float


@dataclass(frozen=True)
class Figures:
    """The medians of several runs of one command."""

    wall: float
    cpu: float
    peak_mb: float

    @classmethod
    def of(cls, runs: Sequence[Run]) -> Figures:
        return cls(
            statistics.median(run.wall for run in runs),
            statistics.median(run.cpu for run in runs),
            statistics.median(run.peak_mb for run in runs),
        )

    def cells(self) -> list[str]:
        return [f"{self.wall:.3f}", f"{self.cpu:.3f}", f"{self.peak_mb:.0f}"]


def run_process(arguments: Sequence[str], timeout: float = 600) -> Run:
    """Runs a command to its end; its own accounting (not its children's)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        list(arguments), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENVIRONMENT
    )
    try:
        _pid, status, usage = os.wait4(process.pid, 0)
    except BaseException:
        process.kill()
        raise
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if wall > timeout:
        raise TimeoutError(f"{arguments[0]} took {wall:.0f} s")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def program(name: str) -> str | None:
    """The console script `name` of this Python's environment (or on the PATH)."""
    beside = Path(sys.executable).with_name(name)
    if beside.exists():
        return str(beside)
    return shutil.which(name)


def side_by_side(commands: Sequence[Sequence[str]], repeat: int) -> list[Figures]:
    """Each command run `repeat` times, taking turns, after one untimed run of each."""
    for command in commands:
        run_process(command)
    runs: list[list[Run]] = [[] for _ in commands]
    for _ in range(repeat):
        for position, command in enumerate(commands):
            runs[position].append(run_process(command))
    return [Figures.of(each) for each in runs]


def cyclemap(*arguments: str) -> list[str]:
    script = program("cyclemap")
    return [script, *arguments] if script else [sys.executable, "-m", "cyclemap", *arguments]


def machine() -> str:
    """The processor, cores, memory, Python, and the load average before the run."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        memory = next(
            int(line.split()[1]) / 2**20
            for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines()
            if line.startswith("MemTotal")
        )
        memory_text = f"{memory:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        memory_text = "memory unknown"
    load = " ".join(f"{value:.1f}" for value in os.getloadavg())
    return (
        f"machine: {model}, {os.cpu_count()} cores, {memory_text}, {platform.system()}; "
        f"{platform.python_implementation()} {platform.python_version()}; "
        f"load average {load} (1, 5, 15 min)"
    )


def header(*columns: str) -> None:
    print("\n| " + " | ".join(columns) + " |")
    rule = ["---" if index == 0 else "---:" for index in range(len(columns))]
    print("| " + " | ".join(rule) + " |")


def compare_with_yamllint(files: Sequence[tuple[str, Path]], repeat: int) -> None:
    """`cyclemap validate` and `yamllint -d relaxed` on the same files, side by side."""
    linter = program("yamllint")
    header(
        "file",
        "cyclemap validate s",
        "cpu s",
        "peak MB",
        "yamllint s",
        "cpu s",
        "peak MB",
        "yamllint / cyclemap: wall",
        "cpu",
    )
    for label, path in files:
        ours = cyclemap("validate", str(path))
        if linter is None:
            (figures,) = side_by_side([ours], repeat)
            print(f"| {label} | " + " | ".join(figures.cells()) + " | yamllint not installed | |")
            continue
        mine, theirs = side_by_side([ours, [linter, "-d", "relaxed", str(path)]], repeat)
        ratios = [f"{theirs.wall / mine.wall:.2f}", f"{theirs.cpu / mine.cpu:.2f}"]
        cells = [label, *mine.cells(), *theirs.cells(), *ratios]
        print("| " + " | ".join(cells) + " |")


def measure_stage(stage: str, path: Path) -> dict[str, float]:
    code = RUNNER.format(code=STAGE_CODE[stage])
    completed = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        check=True,
        env=ENVIRONMENT,
    )
    result: dict[str, float] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def stages(folder: Path, sizes: Sequence[int]) -> None:
    """Load, audit and stats of generated journeys, each stage timed alone in its process."""
    header("steps", "file MB", "load s", "load MB", "audit s", "audit MB", "stats s", "stats MB")
    for size in sizes:
        path = generated(folder, size)
        cells = [f"{size:,}", f"{path.stat().st_size / 2**20:.1f}"]
        for stage in ("load", "audit", "stats"):
            figures = measure_stage(stage, path)
            cells += [f"{figures['seconds']:.2f}", f"{figures['peak_mb']:.0f}"]
        print("| " + " | ".join(cells) + " |")


def comparisons(folder: Path, sizes: Sequence[int]) -> None:
    """Two versions of generated journeys compared (the figuring of both included)."""
    header("steps", "compare s", "compare MB")
    for size in sizes:
        figures = measure_stage("compare", generated(folder, size))
        print(f"| {size:,} | {figures['seconds']:.2f} | {figures['peak_mb']:.0f} |")


def whole_commands(folder: Path, sizes: Sequence[int], repeat: int) -> None:
    """`cyclemap validate`, `audit` and `stats` of generated journeys, whole processes."""
    header("steps", "validate s", "cpu s", "MB", "audit s", "cpu s", "MB", "stats s", "cpu s", "MB")
    for size in sizes:
        path = str(generated(folder, size))
        cells = [f"{size:,}"]
        for command in ("validate", "audit", "stats"):
            runs = [run_process(cyclemap(command, path)) for _ in range(repeat)]
            cells += Figures.of(runs).cells()
        print("| " + " | ".join(cells) + " |")


def generated(folder: Path, size: int) -> Path:
    path = folder / f"j{size}.journey.yaml"
    if not path.exists():
        path.write_text(journey_text(size), encoding="utf-8")
    return path


def mine_beside_pm4py(folder: Path, events: int) -> None:
    """`mine` on a generated log, beside PM4Py's `discover_dfg` when PM4Py is importable."""
    from mine import JOURNEY, run_figures, write_log
    from mine import RUNNER as MINE_RUNNER
    from pm4py_compare import THEIRS

    (folder / "cyclemap.toml").write_text("", encoding="utf-8")
    journey = folder / "support.journey.yaml"
    journey.write_text(JOURNEY, encoding="utf-8")
    log = folder / f"log{events}.csv"
    write_log(log, events)
    ours = run_figures(MINE_RUNNER, str(log), str(journey))
    header("events", "cyclemap mine s", "peak MB", "PM4Py discover_dfg s", "peak MB", "ratio")
    cells = [f"{events:,}", f"{ours['seconds']:.2f}", f"{ours['peak_mb']:.0f}"]
    try:
        theirs = run_figures(
            THEIRS, str(log), python=os.environ.get("PM4PY_PYTHON", sys.executable)
        )
    except subprocess.CalledProcessError:
        print("| " + " | ".join(cells) + " | PM4Py not installed | | |")
        return
    ratio = (
        f"{theirs['seconds'] / ours['seconds']:.1f}x faster, "
        f"{theirs['peak_mb'] / ours['peak_mb']:.1f}x less memory"
    )
    cells += [f"{theirs['seconds']:.2f}", f"{theirs['peak_mb']:.0f}", ratio]
    print("| " + " | ".join(cells) + " |")


def repository(folder: Path) -> None:
    header("journeys (40 steps each)", "cyclemap audit s", "cpu s", "MB")
    repo = folder / "repo"
    repo.mkdir(exist_ok=True)
    (repo / "cyclemap.toml").write_text("", encoding="utf-8")
    for index in range(1_000):
        journey = journey_text(40, seed=index, journey_id=f"j{index:04d}")
        (repo / f"j{index:04d}.journey.yaml").write_text(journey, encoding="utf-8")
    report = str(repo / "r.json")
    runs = [run_process(cyclemap("audit", str(repo), "-f", "json", "-o", report)) for _ in "abc"]
    print("| 1,000 | " + " | ".join(Figures.of(runs).cells()) + " |")


def render_seconds(path: Path, *extra: str, timeout: int = 200) -> tuple[float, bool]:
    """Wall seconds of `cyclemap render PATH -f svg` in a fresh interpreter, and whether it
    finished."""
    started = time.perf_counter()
    completed = subprocess.run(
        [
            *cyclemap("render", str(path), "-f", "svg", "-o", str(path.with_suffix(".svg"))),
            "--timeout",
            str(timeout),
            *extra,
        ],
        capture_output=True,
        text=True,
        check=False,
        env=ENVIRONMENT,
    )
    return time.perf_counter() - started, completed.returncode == 0


def render_time(path: Path, *extra: str, timeout: int = 200) -> str:
    elapsed, finished = render_seconds(path, *extra, timeout=timeout)
    return f"{elapsed:.1f} s" if finished else f"stopped after {elapsed:.0f} s"


def renders(folder: Path, sizes: Sequence[int]) -> None:
    header("steps", "render svg", "overview (--collapse stage)")
    for size in sizes:
        path = folder / f"r{size}.journey.yaml"
        path.write_text(journey_text(size), encoding="utf-8")
        print(f"| {size:,} | {render_time(path)} | {render_time(path, '--collapse', 'stage')} |")


def section(title: str, work: Callable[[], None]) -> None:
    print(f"\n## {title}", flush=True)
    started = time.perf_counter()
    work()
    print(f"\n({time.perf_counter() - started:.0f} s)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the figures CI shows (< 1 min)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure (median)")
    options = parser.parse_args()
    print(machine(), flush=True)
    repeat = options.repeat
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        small = [("examples/internet-support (329 lines)", SMALL)]
        section(
            "Cold start: validate beside yamllint",
            lambda: compare_with_yamllint(
                [*small, ("1,000 steps (0.2 MB)", generated(folder, 1_000))]
                + ([] if options.quick else [("5,000 steps (1 MB)", generated(folder, 5_000))]),
                repeat,
            ),
        )
        section("Stages (each alone in a fresh process)", lambda: stages(folder, [1_000, 10_000]))
        section("Logs: mine beside PM4Py", lambda: mine_beside_pm4py(folder, 100_000))
        if options.quick:
            print(f"\n{machine()}")
            return
        section(
            "Whole commands, by size",
            lambda: whole_commands(folder, [1_000, 10_000, 100_000], max(1, repeat // 2)),
        )
        section("Two versions compared", lambda: comparisons(folder, [1_000, 10_000]))
        section("Logs at 1,000,000 events", lambda: mine_beside_pm4py(folder, 1_000_000))
        section("A repository", lambda: repository(folder))
        section("Renders", lambda: renders(folder, [100, 1_000, 5_000]))
    print(f"\n{machine()}")


if __name__ == "__main__":
    main()
