"""Synthetic journeys for benchmarks: realistic shape, dense team-crossing loops, seeded.

`journey_text(steps, seed=...)` returns the YAML of a journey of `steps` steps spread over 10
stages and 20 teams: mostly forward flow with shares, 10% long back edges (the shape that makes
layouts and loop detection work hard), moments of truth, abandonment, and success and failure
outcomes. Run as a script to write one: `python benchmarks/generate.py 10000 big.journey.yaml`.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

STAGES = 10
TEAMS = 20


def journey_text(steps: int, *, seed: int = 7, journey_id: str = "synthetic") -> str:
    rng = random.Random(seed)
    lines = [
        "cyclemap: 1",
        f"journey: {{id: {journey_id}, name: Journey {journey_id} with {steps} steps}}",
        "channels:",
        "  phone: {name: Phone, kind: voice}",
        "  web: {name: Web, kind: web}",
        "  chat: {name: Chat, kind: chat}",
        "teams:",
        *(f"  t{team}: {{name: Team {team}}}" for team in range(TEAMS)),
        "stages:",
        *(f"  - {{id: s{stage}, name: Stage {stage}}}" for stage in range(STAGES)),
        "steps:",
    ]
    channels = ("phone", "web", "chat")
    last = steps - 1
    for index in range(steps):
        lines += [
            f"  - id: step-{index}",
            f"    name: Step number {index}",
            f"    stage: s{min(STAGES - 1, index * STAGES // steps)}",
            f"    team: t{(index // 3) % TEAMS}",
            f"    channel: {channels[index % 3]}",
        ]
        if index == 0:
            lines.append("    entry: {volume: 10000}")
        if index == last:
            lines.append("    outcome: success")
            continue
        if index % 97 == 96:
            lines.append("    outcome: failure")
            continue
        lines.append(f"    abandon: {rng.choice((0, 0, 0.02, 0.05, 0.2))}")
        if index % 25 == 0:
            lines += [
                "    moment_of_truth:",
                f"      requirement: Requirement {index}",
                "      owner: lead",
                "      measure: {metric: csat, target: 4.5}",
            ]
        targets = [index + 1]
        if index + 2 <= last:
            targets.append(index + 2)
        if rng.random() < 0.1 and index > 10:
            targets.append(rng.randrange(0, index - 5))  # a long edge back
        lines.append("    next:")
        for position, target in enumerate(dict.fromkeys(targets)):
            share = (0.7, 0.25, 0.05)[position]
            lines.append(f"      - {{to: step-{target}, share: {share}}}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    count, target = int(sys.argv[1]), Path(sys.argv[2])
    target.write_text(journey_text(count), encoding="utf-8")
