"""`mine --write`: put what the log observed back into the journey, as a reviewable diff.

The YAML is edited with ruamel.yaml's round trip, so comments, key order, flow or block style
and everything the log says nothing about stay as they were; only `abandon`, the `share` of
observed transitions and entries' `volume` change. Values are rounded (3 decimals) so the
diff reads like something a person would write. A mapped transition the log never took, from a
step customers did leave, gets the smallest share (0.001; the format wants shares above 0)
rather than keeping a weight the log contradicts; the caller names these so a person decides
whether to remove them.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from cyclemap.mining import MiningReport
from cyclemap.output import write_atomically

DECIMALS = 3
UNSEEN_SHARE = 10**-DECIMALS


def calibrated_text(
    path: Path, report: MiningReport, unseen: list[tuple[str, str]] | None = None
) -> str:
    """The journey's text with the observed figures written in; `unseen` collects the
    (step, target) transitions set to the smallest share."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)  # `  - id: ...`, as journeys are written
    yaml.brace_single_entry_mapping_in_flow_sequence = True  # keep `[{to: b}]` as written
    document = yaml.load(path.read_text(encoding="utf-8"))
    shares: dict[str, dict[str, float]] = {}
    for item in report.transitions:
        shares.setdefault(item.source, {})[item.target] = item.share
    observed = {step.step: step for step in report.steps}
    starts = dict(report.entries)
    for step in document.get("steps") or []:
        step_id = str(step.get("id"))
        seen = observed.get(step_id)
        if (
            seen is not None
            and step.get("outcome") is None
            and (seen.abandon > 0 or "abandon" in step)
        ):
            _set(step, "abandon", round(seen.abandon, DECIMALS), before="next")
        entry = step.get("entry")
        if entry is not None and entry is not False and step_id in starts:
            if isinstance(entry, CommentedMap):
                entry["volume"] = starts[step_id]
            else:
                volume = CommentedMap(volume=starts[step_id])
                volume.fa.set_flow_style()
                step["entry"] = volume
        following = step.get("next") or []
        left = shares.get(step_id)
        for transition in following:
            if left is None or not (len(following) > 1 or "share" in transition):
                continue
            target = str(transition.get("to"))
            share = left.get(target)
            if share is None:
                share = UNSEEN_SHARE
                if unseen is not None:
                    unseen.append((step_id, target))
            _set(transition, "share", max(round(share, DECIMALS), UNSEEN_SHARE), before="context")
    buffer = io.StringIO()
    yaml.dump(document, buffer)
    return buffer.getvalue()


def _set(mapping: Any, key: str, value: Any, *, before: str) -> None:
    """Set `key`, inserting it before `before` (or at the end) when it is new."""
    if key in mapping:
        mapping[key] = value
        return
    keys = list(mapping)
    position = keys.index(before) if before in keys else len(keys)
    mapping.insert(position, key, value)


def calibrate(path: Path, report: MiningReport) -> list[tuple[str, str]]:
    """Rewrite the journey file in place (atomically) with the observed figures; returns the
    transitions the log never took."""
    unseen: list[tuple[str, str]] = []
    write_atomically(path, calibrated_text(path, report, unseen).encode("utf-8"))
    return unseen
