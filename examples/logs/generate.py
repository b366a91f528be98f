"""Writes `internet-support.csv`: one month of interactions for `cyclemap mine` to read.

`python examples/logs/generate.py` (deterministic: the same file every time). Customers walk
the support journey as its map says (entry volumes, `abandon`, `share`, `duration`), and three
things the map does not show are planted, for `mine`, `audit --log` and `mine --write` to find:

- ping-pong: a fifth of the customers reaching level-1 diagnosis for the first time are sent to
  billing and straight back, on top of the transfers the map already has;
- a path the map lacks: 4% of the outage-page visitors phone the call line straight away;
- a channel the map does not say: a quarter of the chat-agent conversations happen on WhatsApp.
"""

from __future__ import annotations

import csv
import datetime
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
JOURNEY = HERE.parent / "internet-support.journey.yaml"
CASES = 800
PING_PONG = 0.2
OUTAGE_CALLERS = 0.04
WHATSAPP_CHATS = 0.25


def rows(seed: int = 2026) -> list[list[str]]:
    """The log's rows (case, activity, timestamp, team, channel), in no particular order."""
    import cyclemap

    steps = {step.id: step for step in cyclemap.load(JOURNEY).document.steps}
    entries = [step for step in steps.values() if step.entry is not None]
    rng = random.Random(seed)
    written: list[list[str]] = []
    start = datetime.datetime(2026, 10, 1, 8, 0)
    for number in range(CASES):
        moment = start + datetime.timedelta(minutes=53 * number + rng.randint(0, 40))
        volumes = [step.entry.volume or 1 for step in entries if step.entry is not None]
        current = rng.choices(entries, weights=volumes)[0].id
        bounced = False
        while True:
            step = steps[current]
            channel = step.channel or ""
            if current == "chat-agent" and rng.random() < WHATSAPP_CHATS:
                channel = "whatsapp"
            written.append([f"RA-{number:05d}", current, _stamp(moment), step.team or "", channel])
            moment += datetime.timedelta(seconds=(step.duration or 300) * rng.uniform(0.5, 1.5))
            if step.outcome is not None or not step.next or rng.random() < (step.abandon or 0):
                break
            if current == "n1-diagnosis" and not bounced:
                bounced = True
                if rng.random() < PING_PONG:
                    written.append(
                        [f"RA-{number:05d}", "billing-desk", _stamp(moment), "billing", "phone"]
                    )
                    moment += datetime.timedelta(minutes=rng.randint(5, 25))
                    continue  # back at level-1 diagnosis
            if current == "outage-page" and rng.random() < OUTAGE_CALLERS:
                current = "call-line"
                continue
            shares = [transition.share or 1 for transition in step.next]
            current = rng.choices(step.next, weights=shares)[0].to
    rng.shuffle(written)  # logs are seldom sorted; mine sorts each case by time
    return written


def _stamp(moment: datetime.datetime) -> str:
    return moment.replace(microsecond=0).isoformat(sep=" ")


def write(target: Path) -> None:
    with open(target, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["case_id", "activity", "timestamp", "team", "channel"])
        writer.writerows(rows())


def main() -> None:
    write(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "internet-support.csv")


if __name__ == "__main__":
    main()
