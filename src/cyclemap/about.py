"""What cyclemap is: its version and where its documentation lives (for `--version` and the
tool section of SARIF reports). Kept apart so any layer may read them."""

from __future__ import annotations

__version__ = "0.1.0"
HOMEPAGE = "https://github.com/your-org/cyclemap"
"""Where cyclemap's documentation lives (SARIF's `informationUri`)."""
