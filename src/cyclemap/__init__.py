"""cyclemap: find where customers get hurt in the service cycle.

The library API the command line is built on. Imports happen inside the functions so that
`import cyclemap` (and `cyclemap --version`) stays fast.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from cyclemap.about import HOMEPAGE, __version__

# The flow figures solve sparse systems of a few thousand unknowns; the dense BLAS kernels
# under them get nothing from extra threads but lose to their start-up and busy waiting
# (measured on 2 cores: a 1,000-step map took 5.1 s of CPU with OpenBLAS's threads, 0.9 s
# with one). Read when numpy first loads, which happens later, inside the functions that need
# it; a value the user set is kept.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

if TYPE_CHECKING:
    from collections.abc import Iterable

    from cyclemap.analysis.report import FlowReport
    from cyclemap.engine.checking import ValidationReport
    from cyclemap.engine.comparing import ComparisonRun
    from cyclemap.findings import AuditResult
    from cyclemap.loading import LoadedJourney

__all__ = ["HOMEPAGE", "__version__", "audit", "compare", "load", "stats", "validate"]


def load(path: str | Path) -> LoadedJourney:
    """Load one journey file; raises `cyclemap.errors.LoadError` listing every problem."""
    from cyclemap.engine.checking import load_one

    return load_one(Path(path))


def validate(paths: Iterable[str | Path]) -> ValidationReport:
    """Validate journey files and folders; problems are in the report, never raised."""
    from cyclemap.engine.checking import validate as run

    return run(paths)


def audit(paths: Iterable[str | Path] = (".",)) -> AuditResult:
    """Validate and audit journeys with the configuration found above the first path."""
    from cyclemap.engine import audit as run

    return run(paths)


def stats(path: str | Path) -> FlowReport:
    """Flow figures and ranked quick wins of one journey (raises `LoadError`, `FlowError`)."""
    from cyclemap.engine import journey_stats

    return journey_stats(load(path))


def compare(before: str | Path, after: str | Path) -> ComparisonRun:
    """What a change does to customers: two journey files (one journey), or two folders
    (journeys matched by id), before and after."""
    from cyclemap.engine.comparing import compare as run

    return run([before], [after])
