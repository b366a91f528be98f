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

DOC_ES = """context-lost-handoff: un traspaso en el que el cliente debe volver a contar su historia.

## Qué hace

Reporta cada transición marcada `context: lost`: el caso sigue adelante y su historia no viaja
con él. Cuando la transición es un traspaso, el mensaje nombra los dos equipos.

## ¿Por qué es un problema?

Cuando la historia se queda atrás, el cliente repite quién es y qué le pasó: es lo que más
molesta de que lo pasen de un lado a otro, y la razón por la que los equipos de servicio buscan
una sola versión de la verdad que todos puedan ver. `cyclemap stats` calcula lo que cuesta
(`--context-cost`, la proporción de clientes que se supone abandona por eso) y clasifica el
restablecerlo entre las ganancias tempranas.

## Ejemplo

[example]

## En su lugar

El registro del caso acompaña al cliente.

[example]

## Limitaciones conocidas

Solo se revisa lo que dice el mapa: una transición sin `context` se toma como si lo conservara.
"""
"""The documentation in Spanish: the same sections and examples as the module's docstring."""


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
