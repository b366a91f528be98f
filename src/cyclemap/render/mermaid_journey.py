"""Mermaid's `journey` diagram: how the customer feels, stage by stage, from step scores.

Only steps with a `score` (1..5) can be drawn; the others are left out and listed in a comment
(and by the command line), so nobody mistakes a gap for a good moment.
"""

from __future__ import annotations

from cyclemap.graph import JourneyGraph
from cyclemap.render.view import shorten

_KEYWORDS = ("title", "section", "journey", "accdescr", "acctitle")


def _task(value: str) -> str:
    """A task name that Mermaid cannot read as a statement (`Title deed check`)."""
    cleaned = _plain(value)
    if cleaned.lower().startswith(_KEYWORDS):
        return "\u2013 " + cleaned  # an en dash keeps the name a task
    return cleaned


def _actor(value: str) -> str:
    """One actor: Mermaid splits actors on commas."""
    return _plain(value).replace(",", " ·")


def _plain(value: str) -> str:
    """Text for the journey syntax, which has no escapes: drop the characters it splits on."""
    cleaned = shorten(value, 60)
    for character, replacement in (
        (":", " -"),
        (";", ","),
        ("#", "Nº"),
        ("%", " pct"),
        ("\\", "/"),
        ("`", "'"),
    ):
        cleaned = cleaned.replace(character, replacement)
    return cleaned.strip() or "-"


def left_out(graph: JourneyGraph) -> list[str]:
    """Steps without a score, in file order."""
    return [node for node in graph.own_steps if graph.step(node)["score"] is None]


def to_mermaid_journey(graph: JourneyGraph) -> str:
    document = graph.journey.document
    lines = ["journey", f"  title {_plain(document.journey.name)}"]
    for stage in document.stages:
        scored = [
            step for step in document.steps if step.stage == stage.id and step.score is not None
        ]
        if not scored:
            continue
        lines.append(f"  section {_plain(stage.name)}")
        for step in scored:
            actors = ""
            if step.team is not None:
                team = graph.journey.teams.get(step.team)
                actors = ": " + _actor((team.value.name if team else None) or step.team)
            lines.append(f"    {_task(step.label)}: {step.score}{actors}")
    missing = left_out(graph)
    if missing:
        lines.append(f"%% left out (no score): {', '.join(missing)}")
    return "\n".join(lines) + "\n"
