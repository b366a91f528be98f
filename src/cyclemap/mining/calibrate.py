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

import codecs
import io
from typing import Any

from cyclemap.loading import LoadedJourney
from cyclemap.loading.reading import read_bytes
from cyclemap.mining import MiningReport
from cyclemap.util.files import write_output

DECIMALS = 3
UNSEEN_SHARE = 10**-DECIMALS


def calibrated_text(
    journey: LoadedJourney,
    text: str,
    report: MiningReport,
    unseen: list[tuple[str, str]] | None = None,
) -> str:
    """The journey's text with the observed figures written in; `unseen` collects the
    (step, target) transitions set to the smallest share.

    Steps and transitions are matched by their place in the file, and their ids taken from
    the loaded journey: ruamel.yaml reads `020`, `1.10`, `true` or `0x1f` as numbers, while
    cyclemap reads every id as the text written."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)  # `  - id: ...`, as journeys are written
    yaml.brace_single_entry_mapping_in_flow_sequence = True  # keep `[{to: b}]` as written
    document = yaml.load(text)
    shares: dict[str, dict[str, float]] = {}
    for item in report.transitions:
        shares.setdefault(item.source, {})[item.target] = item.share
    observed = {step.step: step for step in report.steps}
    starts = dict(report.entries)
    for step, model in zip(document.get("steps") or [], journey.document.steps, strict=True):
        step_id = model.id
        seen = observed.get(step_id)
        links = any(transition.link is not None for transition in model.next)
        if (
            seen is not None
            and step.get("outcome") is None
            and not links  # the log cannot tell leaving from continuing in the other journey
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
        for transition, written in zip(following, model.next, strict=True):
            if left is None or not (len(following) > 1 or "share" in transition):
                continue
            target = written.to
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


def calibrate(journey: LoadedJourney, report: MiningReport) -> list[tuple[str, str]]:
    """Rewrite the journey file in place with the observed figures, keeping what a diff
    should not show: the byte-order mark, the line endings, and (through `write_output`) a
    symbolic link, the file's mode and its hard links. Returns the transitions the log never
    took."""
    data = read_bytes(journey.path, journey.display)
    bom = codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
    text = data[len(bom) :].decode("utf-8")
    crlf = "\r\n" in text
    unseen: list[tuple[str, str]] = []
    written = calibrated_text(journey, text.replace("\r\n", "\n"), report, unseen)
    if crlf:
        written = written.replace("\n", "\r\n")
    write_output(journey.path, bom + written.encode("utf-8"), allowed=[journey.path])
    return unseen
