"""no-success-outcome: customers can never reach their goal in this journey.

## What it does

Reports a journey with no step marked `outcome: success`, or whose success steps no entry
leads to.

## Why is this bad?

A journey describes how customers reach what they came for: an appointment booked, a quote
received, the service restored. Without a reachable success the map cannot say whether the
cycle works at all, and every figure about success is meaningless.

## Example

The journey only ever ends in failure.

```yaml
steps:
  - {id: apply, stage: contact, entry: true, next: [{to: rejected}]}
  - {id: rejected, stage: contact, outcome: failure}
```

## Use instead

The goal is on the map and reachable.

```yaml
steps:
  - id: apply
    stage: contact
    entry: true
    next: [{to: approved, share: 0.8}, {to: rejected, share: 0.2}]
  - {id: approved, stage: contact, outcome: success}
  - {id: rejected, stage: contact, outcome: failure}
```

## Known problems

A journey whose customers go on to another journey (`journey-id:step-id`) is not reported:
the success may be there.
"""

from __future__ import annotations

from collections.abc import Iterator

from cyclemap.findings import Severity
from cyclemap.graph import JourneyGraph
from cyclemap.rules.base import N_, Detection, RuleOptions, _

NAME = "no-success-outcome"
SEVERITY = Severity.ERROR
SUMMARY = N_("The journey has no reachable success step.")

DOC_ES = """no-success-outcome: en este recorrido los clientes nunca pueden alcanzar su objetivo.

## Qué hace

Reporta un recorrido sin ningún paso marcado `outcome: success`, o cuyos pasos de éxito no se
alcanzan desde ninguna entrada.

## ¿Por qué es un problema?

Un recorrido describe cómo los clientes logran lo que vinieron a buscar: una cita agendada, una
cotización recibida, el servicio restablecido. Sin un éxito alcanzable el mapa no puede decir si
el ciclo funciona, y toda cifra sobre el éxito pierde sentido.

## Ejemplo

El recorrido solo termina en fracaso.

[example]

## En su lugar

El objetivo está en el mapa y se puede alcanzar.

[example]

## Limitaciones conocidas

No se reporta un recorrido cuyos clientes siguen en otro recorrido (`journey-id:step-id`): el
éxito puede estar allá.
"""
"""The documentation in Spanish: the same sections and examples as the module's docstring."""


class Options(RuleOptions):
    pass


def check(graph: JourneyGraph, options: Options) -> Iterator[Detection]:
    successes = graph.successes
    if graph.reachable & set(graph.external):
        return  # customers continue in another journey, which may hold the success
    if not successes:
        message = N_(
            "journey `{journey}` has no step with `outcome: success`: customers can never reach "
            "their goal"
        )
        yield Detection(
            ("journey",),
            (),
            _(message).format(journey=graph.id),
            subject=message.format(journey=graph.id),
        )
        return
    if not graph.reachable & set(successes):
        names = ", ".join(f"`{node}`" for node in successes)
        yield Detection(
            ("journey",),
            tuple(successes),
            _(
                "journey `{journey}` has success steps ({names}) but no entry leads to any of them"
            ).format(journey=graph.id, names=names),
        )
