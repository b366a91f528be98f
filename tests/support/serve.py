"""Helpers for the `serve` tests: a repository folder to serve, the application in process
(Starlette's test client, as a browser on this machine would call it), and the real server
in a subprocess."""

from __future__ import annotations

import os
import re
import selectors
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, REPO

pytest.importorskip("starlette", reason="the serve extra is not installed")
pytest.importorskip("httpx2", reason="httpx2 (the test client) is not installed")

from starlette.testclient import TestClient

from cyclemap.serve.app import create_app
from cyclemap.serve.site import Site

LOCAL = "http://127.0.0.1"
SERVED = ("internet-support.journey.yaml", "insurance-quote.journey.yaml")
"""The examples copied into a served repository: one with findings, one clean."""


def repository(folder: Path, names: tuple[str, ...] = SERVED) -> Path:
    """A repository root holding copies of some examples (and the catalog they import)."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copytree(EXAMPLES / "catalog", folder / "catalog")
    (folder / "cyclemap.toml").write_text("", encoding="utf-8")
    for name in names:
        shutil.copy(EXAMPLES / name, folder / name)
    return folder


def client(root: Path, host: str = "127.0.0.1") -> TestClient:
    """The application over `root`, called as `LOCAL`; no file watcher (tests refresh)."""
    return TestClient(create_app(Site(root), host=host, watch=False), base_url=LOCAL)


def site_of(test_client: TestClient) -> Site:
    site: Site = test_client.app.state.site  # type: ignore[attr-defined]
    return site


class Served:
    """`cyclemap serve` running in a subprocess, with the address it printed."""

    def __init__(self, process: subprocess.Popen[str], url: str) -> None:
        self.process = process
        self.url = url

    def stop(self, number: int = signal.SIGINT, timeout: float = 30) -> tuple[int, str, str]:
        """Sends the signal; (exit code, rest of standard output, standard error)."""
        if self.process.poll() is None:
            self.process.send_signal(number)
        out, err = self.process.communicate(timeout=timeout)
        return self.process.returncode, out, err


@contextmanager
def served(
    root: Path, *arguments: str, timeout: float = 60, env: dict[str, str] | None = None
) -> Iterator[Served]:
    """The real console script serving `root` on a free port of the loopback address."""
    process = subprocess.Popen(
        [sys.executable, "-m", "cyclemap", "serve", str(root), "--port", "0", *arguments],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
    )
    try:
        yield Served(process, _printed_url(process, timeout))
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=30)


def _printed_url(process: subprocess.Popen[str], timeout: float) -> str:
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if selector.select(timeout=0.2):
                line = process.stdout.readline()
                found = re.search(r"http://\S+", line)
                if found:
                    return found.group(0)
                if not line and process.poll() is not None:
                    break
    assert process.stderr is not None
    process.kill()
    raise AssertionError(f"the server printed no address: {process.communicate()[1]}")
