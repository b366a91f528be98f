"""unvisited-step: a step of the map that no customer in the log reaches.

## What it does

Compares the journey with an event log (`cyclemap audit FILE --log LOG`) and reports every step
of the journey that no event of the log is at.

## Why is this bad?

The touchpoint may no longer exist, or the activity may be recorded under another name (map
it with `[mine.activities]` in the configuration); either way the map and the log do not
describe the same service.

## Example

Nobody in the log reaches the expert.

```yaml
steps:
  - {id: call, stage: contact, entry: true, next: [{to: diagnose}]}
  - {id: diagnose, stage: contact, next: [{to: fixed, share: 0.9}, {to: expert, share: 0.1}]}
  - {id: expert, stage: contact, next: [{to: fixed}]}
  - {id: fixed, stage: contact, outcome: success}
```

```csv
case_id,activity,timestamp
c1,call,2024-01-08 10:00:00
c1,diagnose,2024-01-08 10:05:00
c1,fixed,2024-01-08 10:40:00
```

## Use instead

The map holds the steps customers live (with the same log).

```yaml
steps:
  - {id: call, stage: contact, entry: true, next: [{to: diagnose}]}
  - {id: diagnose, stage: contact, next: [{to: fixed}]}
  - {id: fixed, stage: contact, outcome: success}
```

## Known problems

A step that only happens in some seasons is unvisited in a log of another season.
"""

from __future__ import annotations

from collections.abc import Iterator

from cyclemap.findings import Severity
from cyclemap.graph import JourneyGraph
from cyclemap.rules.base import N_, Detection, ObservedLog, RuleOptions, _, step_at

NAME = "unvisited-step"
SEVERITY = Severity.INFO
SUMMARY = N_("A step of the map that no customer in the log reaches.")

DOC_ES = """unvisited-step: un paso del mapa al que no llega ningún cliente del registro.

## Qué hace

Compara el recorrido con un registro de eventos (`cyclemap audit ARCHIVO --log REGISTRO`) y
reporta cada paso del recorrido en el que no está ningún evento del registro.

## ¿Por qué es un problema?

Puede que el punto de contacto ya no exista, o que la actividad se registre con otro nombre
(relaciónela con `[mine.activities]` en la configuración); en cualquier caso el mapa y el
registro no describen el mismo servicio.

## Ejemplo

Nadie del registro llega al experto.

[example]

[example]

## En su lugar

El mapa tiene los pasos que viven los clientes (con el mismo registro).

[example]

## Limitaciones conocidas

Un paso que solo ocurre en algunas temporadas no tiene visitas en un registro de otra temporada.
"""
"""The documentation in Spanish: the same sections and examples as the module's docstring."""
LOG_RULE = True


class Options(RuleOptions):
    pass


def check(graph: JourneyGraph, options: Options, log: ObservedLog) -> Iterator[Detection]:
    for node in graph.own_steps:
        if node not in log.visits:
            yield Detection(
                step_at(graph, node),
                (node,),
                _("no customer in the log reaches step `{step}`").format(step=node),
            )
