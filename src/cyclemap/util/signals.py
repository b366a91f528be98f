"""SIGTERM, what CI sends a cancelled job, ends a run through its clean-up code
(`stop_on_sigterm`); the others keep it from landing where that cannot work."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator


def stop_on_sigterm() -> None:
    """SIGTERM ends the run as Ctrl-C does: through the `finally` clauses and context
    managers, so temporary work trees and files are removed."""

    def stop(number: int, _frame: object) -> None:
        signal.signal(number, signal.SIG_IGN)  # a second SIGTERM must not cut the cleaning short
        raise SystemExit(128 + number)

    signal.signal(signal.SIGTERM, stop)


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
