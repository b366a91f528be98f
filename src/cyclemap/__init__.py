"""cyclemap: find where customers get hurt in the service cycle."""

from __future__ import annotations

__version__ = "0.1.0"
