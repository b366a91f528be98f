"""Mermaid's `journey` diagram: how the customer feels, stage by stage, from step scores.

Only steps with a `score` (1..5) can be drawn; the others are left out and listed in a comment
(and by the command line), so nobody mistakes a gap for a good moment. Names keep every
character: the ones the syntax would read are written as Mermaid entity codes.
"""

from __future__ import annotations

from cyclemap.graph import JourneyGraph
from cyclemap.render.view import shorten
from cyclemap.util.i18n import _

_KEYWORDS = ("title", "section", "journey", "accdescr", "acctitle")
_SPECIAL = set('#;:%\\`,&<>"')
"""What the journey syntax splits on (`#`, `;`, `:`, `%%`, `,` between actors) or a page could
read as markup: written as Mermaid entity codes (`#58;`), which Mermaid turns back into the
characters when it draws, so the text shows exactly as written."""


def _text(value: str) -> str:
    """User text for the journey syntax, which has no escapes: entity codes instead, and a
    first letter in code where the text would start with a keyword (`Title deed check`)."""
    cleaned = shorten(value, 60) or "-"
    coded = "".join(f"#{ord(ch)};" if ch in _SPECIAL else ch for ch in cleaned)
    if cleaned.lower().startswith(_KEYWORDS):
        coded = f"#{ord(coded[0])};" + coded[1:]
    return coded


def left_out(graph: JourneyGraph) -> list[str]:
    """Steps without a score, in file order."""
    return [node for node in graph.own_steps if graph.step(node).score is None]


def to_mermaid_journey(graph: JourneyGraph) -> str:
    document = graph.journey.document
    lines = ["journey", f"  title {_text(document.journey.name)}"]
    for stage in document.stages:
        scored = [
            step for step in document.steps if step.stage == stage.id and step.score is not None
        ]
        if not scored:
            continue
        lines.append(f"  section {_text(stage.name)}")
        for step in scored:
            actors = ""
            if step.team is not None:
                team = graph.journey.teams.get(step.team)
                actors = ": " + _text((team.value.name if team else None) or step.team)
            lines.append(f"    {_text(step.label)}: {step.score}{actors}")
    missing = left_out(graph)
    if missing:
        lines.append("%% " + _("left out (no score): {steps}").format(steps=", ".join(missing)))
    return "\n".join(lines) + "\n"
