"""`cyclemap serve`: a live preview of a journey repository in the browser.

`site` keeps what is shown current (no HTTP there), `pages` writes the index and wraps each
journey's `render --format html` page, `app` is the read-only web application and its file
watcher, `server` listens and stops cleanly. Nothing else in cyclemap imports this package;
its web parts come with the optional extra `cyclemap[serve]` and are imported only when the
server starts.
"""

from __future__ import annotations

import importlib

from cyclemap.errors import UsageError
from cyclemap.util.i18n import _

EXTRA_MODULES = ("starlette", "uvicorn", "watchfiles")
"""What `pip install 'cyclemap[serve]'` brings."""


def require_extra() -> None:
    """Raises a `UsageError` naming the extra when any of its packages is missing."""
    missing = []
    for name in EXTRA_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:
            missing.append(name)
    if missing:
        raise UsageError(
            _(
                "`cyclemap serve` needs {packages}, which are not installed; install them "
                "with: pip install 'cyclemap[serve]'"
            ).format(packages=", ".join(missing))
        )
