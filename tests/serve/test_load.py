"""A small run of the load benchmark (`benchmarks/serve.py`): concurrent clients on loopback
all get their pages, no error. The timing figures are the benchmark's, not asserted here."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import REPO
from tests.support.render import HAS_DOT
from tests.support.serve import SERVED, repository, served

pytestmark = pytest.mark.skipif(not HAS_DOT, reason="needs Graphviz")


def benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "serve_benchmark", REPO / "benchmarks" / "serve.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow  # starts the server
def test_concurrent_clients_get_every_page_without_error(tmp_path: Path) -> None:
    bench = benchmark()
    root = repository(tmp_path)
    paths = bench.paths_of(root)
    assert sorted(paths[1:-2]) == sorted(f"/journey/{name}" for name in SERVED)
    with served(root) as server:
        load = bench.hammer(server.url, paths, clients=8, requests=120)
        server.stop()
    assert load.errors == []
    assert load.count == 120
    assert set(load.seconds) == set(paths)
    assert "120 answered, 0 errors" in bench.report(load)


def test_the_load_counts_a_refused_page_as_an_error(tmp_path: Path) -> None:
    bench = benchmark()
    with served(repository(tmp_path)) as server:
        load = bench.hammer(server.url, ["/", "/journey/missing.yaml"], clients=2, requests=6)
        server.stop()
    assert load.count == 3
    assert len(load.errors) == 3 and all("404" in error for error in load.errors)
