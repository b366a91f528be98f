"""`mine` and `--log`: an event log read with the configuration found above the journey (its
`[mine]` table: column names, engine), and `mine --write`'s calibration of the journey."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from cyclemap.engine.checking import load_one
from cyclemap.engine.config import load_settings
from cyclemap.loading import LoadedJourney
from cyclemap.mining import Columns, EngineName, MiningReport, mine
from cyclemap.util.files import check_output
from cyclemap.util.i18n import _


def mine_configured(log: Path | str, journey: LoadedJourney) -> MiningReport:
    """What `log` shows of `journey`, read as the configuration above the journey says."""
    configured = load_settings(None, start=journey.path).mine
    return mine(log, journey, Columns.configured(configured), engine=configured.engine)


@dataclass(frozen=True)
class MineRun:
    report: MiningReport
    notes: tuple[str, ...] = ()
    """What was written into the journey (`write`), for the person at the terminal."""


def mine_log(
    log: str,
    journey: Path,
    *,
    case: str | None = None,
    activity: str | None = None,
    timestamp: str | None = None,
    team: str | None = None,
    channel: str | None = None,
    engine: EngineName | None = None,
    write: bool = False,
    report_file: str | None = None,
) -> MineRun:
    """`cyclemap mine`: the journey's figures in `log`; the column names given and `engine`
    override the configuration's. With `write`, the observed figures are written into
    the journey, after `report_file` (where the report will go) is checked, so that a refused
    report leaves the journey as it was."""
    loaded = load_one(journey)
    settings = load_settings(None, start=journey).mine
    configured = Columns.configured(settings)
    chosen = replace(
        configured,
        case=case or configured.case,
        activity=activity or configured.activity,
        timestamp=timestamp or configured.timestamp,
        team=team or configured.team,
        channel=channel or configured.channel,
    )
    report = mine(log, loaded, chosen, engine=engine or settings.engine)
    if report_file not in (None, "-"):
        check_output(str(report_file))  # before the journey is rewritten: nothing at all, or both
    if not write:
        return MineRun(report)
    from cyclemap.mining.calibrate import calibrate

    unseen = calibrate(loaded, report)
    notes = [
        _("wrote the observed figures into {path}; review them with git diff").format(
            path=journey
        )
    ]
    if unseen:
        notes.append(
            _(
                "never taken in the log, now at the smallest share: {transitions}; remove them "
                "if customers no longer go that way"
            ).format(
                transitions=", ".join(f"{source} → {target}" for source, target in unseen)
            )
        )
    return MineRun(report, tuple(notes))
