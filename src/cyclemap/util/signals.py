"""SIGTERM, what CI sends a cancelled job, ends a run through its clean-up code (see
`cyclemap.cli.main`); these keep it from landing where that cannot work."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator


@contextlib.contextmanager
def sigterm_held() -> Iterator[None]:
    """SIGTERM waits until the block ends, then is handled: around forking worker processes
    (an exit raised in the fork hooks is swallowed, and the run goes on) and around a child
    that must not be cut short (`git worktree add` leaves a half checkout another process
    still writes into)."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows: no signal masks, no fork
        yield
        return
    held = {signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, held)


def worker_started() -> None:
    """A worker process ends at once on SIGTERM: it was forked with the signal held and with
    the parent's handler, which is for the parent's clean-up."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
