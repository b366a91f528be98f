"""Load on `cyclemap serve`, over the loopback address only: concurrent clients, each on its
own kept-alive connection, share a fixed number of requests over the index, every journey's
page and the server's own files; every answer must be a 200 with a body. Prints the latency
figures per kind of page and the throughput.

Run: `.venv/bin/python benchmarks/serve.py` (20 clients, 1,000 requests over a copy of
`examples/`); `--clients`, `--requests` change the load. Bounded in count and time: it sends
no more than `--requests` requests, each with a timeout, then stops the server it started.
"""

from __future__ import annotations

import argparse
import http.client
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

REPO = Path(__file__).resolve().parents[1]
TIMEOUT = 30.0
"""Seconds one request may take before it counts as an error."""


@dataclass
class Load:
    """What the clients saw: seconds per request by path, and what went wrong."""

    seconds: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    wall: float = 0.0

    @property
    def count(self) -> int:
        return sum(len(times) for times in self.seconds.values())


def hammer(url: str, paths: list[str], *, clients: int, requests: int) -> Load:
    """`requests` GETs of `paths` (in turn) from `clients` threads at once."""
    parts = urlsplit(url)
    load = Load()
    lock = threading.Lock()
    handed = iter(range(requests))

    def next_path() -> str | None:
        with lock:
            number = next(handed, None)
        return None if number is None else paths[number % len(paths)]

    def client() -> None:
        connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=TIMEOUT)
        try:
            while (path := next_path()) is not None:
                started = time.perf_counter()
                try:
                    connection.request("GET", path)
                    answer = connection.getresponse()
                    body = answer.read()
                except (OSError, http.client.HTTPException) as error:
                    connection.close()  # a fresh connection for the next request
                    with lock:
                        load.errors.append(f"{path}: {error!r}")
                    continue
                took = time.perf_counter() - started
                with lock:
                    if answer.status != 200 or not body:
                        load.errors.append(f"{path}: {answer.status}, {len(body)} bytes")
                    else:
                        load.seconds.setdefault(path, []).append(took)
        finally:
            connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT * requests)
    load.wall = time.perf_counter() - started
    return load


def paths_of(root: Path) -> list[str]:
    """The index, each journey's page under `root`, and the server's two files."""
    journeys = sorted(path.relative_to(root).as_posix() for path in root.rglob("*.journey.yaml"))
    return [
        "/",
        *("/journey/" + quote(name) for name in journeys),
        "/_cyclemap/live.css",
        "/_cyclemap/live.js",
    ]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(load: Load) -> str:
    def kind(path: str) -> str:
        if path == "/":
            return "index"
        return "journey page" if path.startswith("/journey/") else "asset"

    by_kind: dict[str, list[float]] = {}
    for path, times in load.seconds.items():
        by_kind.setdefault(kind(path), []).extend(times)
    everything = [time for times in by_kind.values() for time in times]
    lines = [
        f"{load.count} answered, {len(load.errors)} errors, {load.wall:.2f} s, "
        f"{load.count / load.wall:.0f} requests/s",
        f"{'':14} {'count':>6} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'max ms':>8}",
    ]
    for name, times in [*sorted(by_kind.items()), ("all", everything)]:
        if times:
            lines.append(
                f"{name:14} {len(times):>6} {statistics.median(times) * 1000:>8.1f} "
                f"{percentile(times, 0.9) * 1000:>8.1f} {percentile(times, 0.99) * 1000:>8.1f} "
                f"{max(times) * 1000:>8.1f}"
            )
    lines += load.errors[:10]
    return "\n".join(lines)


def start(root: Path) -> tuple[subprocess.Popen[str], str]:
    """`cyclemap serve root` on a free loopback port, and its address."""
    process = subprocess.Popen(
        [sys.executable, "-m", "cyclemap", "serve", str(root), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    found = re.search(r"http://127\.0\.0\.1:\d+/", process.stdout.readline())
    if found is None:
        process.kill()
        raise SystemExit("the server did not start")
    return process, found.group(0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=1000)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "examples"
        shutil.copytree(REPO / "examples", root)
        process, url = start(root)
        try:
            paths = paths_of(root)
            hammer(url, paths, clients=1, requests=len(paths))  # every page drawn once
            load = hammer(url, paths, clients=options.clients, requests=options.requests)
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=30)
    print(f"cyclemap serve, {options.clients} clients, {options.requests} requests, loopback")
    print(report(load))
    if load.errors or load.count != options.requests:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
