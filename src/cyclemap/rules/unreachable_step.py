"""unreachable-step: a step that no entry leads to.

## What it does

Reports steps no path of `next` reaches from an entry (`entry: true` or `entry: {volume: N}`).
Steps that only unreachable steps lead to are one region and one finding, at the steps where
the region starts (where the missing transition should lead): one broken link is one problem,
however many steps follow.

## Why is this bad?

Customers arrive only at entries and move along `next`. A step no path reaches is either a
forgotten transition or a touchpoint customers never really live; either way the map and the
service disagree, and the step's figures are zero.

## Example

Nobody is ever sent to the survey.

```yaml
steps:
  - {id: call, stage: contact, entry: true, next: [{to: solved}]}
  - {id: solved, stage: contact, outcome: success}
  - {id: survey, stage: contact, next: [{to: solved}]}
```

## Use instead

The survey is on the way.

```yaml
steps:
  - {id: call, stage: contact, entry: true, next: [{to: survey}]}
  - {id: survey, stage: contact, next: [{to: solved}]}
  - {id: solved, stage: contact, outcome: success}
```

## Known problems

A step another journey links to (`journey-id:step-id`) counts as reached only when the journey
that links to it is audited in the same run.
"""

from __future__ import annotations

from collections.abc import Iterator

from cyclemap.findings import Severity
from cyclemap.graph import JourneyGraph
from cyclemap.rules.base import N_, Detection, RuleOptions, _, listed, number, step_at

NAME = "unreachable-step"
SEVERITY = Severity.ERROR
SUMMARY = N_("A step no entry leads to.")

DOC_ES = """unreachable-step: un paso al que no lleva ninguna entrada.

## Qué hace

Reporta los pasos a los que ningún camino de `next` llega desde una entrada (`entry: true` o
`entry: {volume: N}`). Los pasos a los que solo llevan pasos inalcanzables son una región y un
solo hallazgo, en los pasos donde empieza la región (adonde debería llevar la transición que
falta): un enlace roto es un solo problema, por muchos pasos que lo sigan.

## ¿Por qué es un problema?

Los clientes solo llegan por las entradas y avanzan por `next`. Un paso al que no llega ningún
camino es una transición olvidada o un punto de contacto que los clientes en realidad nunca
viven; en cualquier caso el mapa y el servicio no coinciden, y las cifras del paso son cero.

## Ejemplo

Nunca se manda a nadie a la encuesta.

[example]

## En su lugar

La encuesta está en el camino.

[example]

## Limitaciones conocidas

Un paso al que enlaza otro recorrido (`journey-id:step-id`) cuenta como alcanzado solo cuando el
recorrido que enlaza se audita en la misma ejecución.
"""
"""The documentation in Spanish: the same sections and examples as the module's docstring."""


class Options(RuleOptions):
    pass


def check(graph: JourneyGraph, options: Options) -> Iterator[Detection]:
    reachable = graph.reachable
    unreachable = [node for node in graph.own_steps if node not in reachable]
    for region in graph.regions(unreachable):
        first = graph.first_steps(region)
        named = listed(first)
        if len(region) == 1:
            message = _(
                "step {named} cannot be reached from any entry: no path of `next` leads to it"
            ).format(named=named)
        else:
            message = _(
                "{count} steps cannot be reached from any entry: no path of `next` leads to "
                "{named}, where they start"
            ).format(count=number(len(region)), named=named)
        yield Detection(
            step_at(graph, first[0]), tuple(first), message, {"region": region, "size": len(region)}
        )
