"""context-lost-handoff: a handoff where the customer must tell the story again.

## What it does

Reports every transition marked `context: lost`: the case moves on and its history does not
travel with it. The message names the two teams when the transition is a handoff.

## Why is this bad?

When the history stays behind, the customer repeats who they are and what happened: the most
resented part of being passed around, and the reason service teams aim for one version of the
truth that every team can see. `cyclemap stats` counts what it costs (`--context-cost`, the
share of customers assumed to give up because of it) and ranks restoring it among the quick
wins.

## Example

```yaml
next:
  - {to: billing-desk, context: lost, reason: Cobro duplicado}
```

## Use instead

The case record goes with the customer.

```yaml
next:
  - {to: billing-desk, context: kept, reason: Cobro duplicado}
```

## Known problems

Only what the map says is checked: a transition without `context` is taken to keep it.
"""

from __future__ import annotations

from collections.abc import Iterator

from cyclemap.findings import Severity
from cyclemap.graph import JourneyGraph
from cyclemap.rules.base import N_, Detection, RuleOptions, _, step_at

NAME = "context-lost-handoff"
SEVERITY = Severity.WARNING
SUMMARY = N_("A handoff with `context: lost`: the customer tells the story again.")


class Options(RuleOptions):
    pass


def check(graph: JourneyGraph, options: Options) -> Iterator[Detection]:
    for edge in graph.transitions():
        if edge.context != "lost":
            continue
        source, target = edge.source, edge.target
        teams = (graph.step(source).team, graph.step(target).team)
        message = (
            _(
                "context is lost from `{source}` to `{target}` (from `{team}` to `{other}`): "
                "the customer must tell the story again"
            )
            if edge.handoff
            else _(
                "context is lost from `{source}` to `{target}`: the customer must tell the story "
                "again"
            )
        )
        yield Detection(
            (*step_at(graph, source), "next", edge.position),
            (source, target),
            message.format(source=source, target=target, team=teams[0], other=teams[1]),
        )
