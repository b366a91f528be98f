"""unused-transition: a transition of the map that no customer in the log takes.

## What it does

Compares the journey with an event log (`cyclemap audit FILE --log LOG`) and reports every
`next` of a step customers visit that nobody in the log follows. Transitions of steps nobody
visits are left to `unvisited-step`.

## Why is this bad?

A path on the map that nobody takes makes the map promise something the service does not do:
its share moves every figure computed from the map. The path may be obsolete, or the log may
cover too short a period.

## Example

Customers are diagnosed and fixed; nobody is sent to the expert the map shows.

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

The map shows the paths customers take (with the same log).

```yaml
steps:
  - {id: call, stage: contact, entry: true, next: [{to: diagnose}]}
  - {id: diagnose, stage: contact, next: [{to: fixed}]}
  - {id: fixed, stage: contact, outcome: success}
```

## Known problems

A rare path may simply not be in a short log: read the finding with the log's period in mind
(`allow:` on the step says why a path stays on the map).
"""

from __future__ import annotations

from collections.abc import Iterator

from cyclemap.findings import Severity
from cyclemap.graph import JourneyGraph
from cyclemap.rules.base import N_, Detection, ObservedLog, RuleOptions, _, step_at

NAME = "unused-transition"
SEVERITY = Severity.INFO
SUMMARY = N_("A transition of the map that no customer in the log takes.")

DOC_ES = """unused-transition: una transición del mapa que ningún cliente del registro toma.

## Qué hace

Compara el recorrido con un registro de eventos (`cyclemap audit ARCHIVO --log REGISTRO`) y
reporta cada `next` de un paso que los clientes visitan y que nadie del registro sigue. Las
transiciones de los pasos que nadie visita quedan para `unvisited-step`.

## ¿Por qué es un problema?

Un camino del mapa que nadie toma hace que el mapa prometa algo que el servicio no hace: su
proporción mueve todas las cifras calculadas con el mapa. El camino puede estar obsoleto, o el
registro puede cubrir un período demasiado corto.

## Ejemplo

A los clientes los diagnostican y les arreglan el problema; a nadie lo mandan al experto que
muestra el mapa.

[example]

[example]

## En su lugar

El mapa muestra los caminos que toman los clientes (con el mismo registro).

[example]

## Limitaciones conocidas

Un camino poco frecuente puede simplemente no estar en un registro corto: lea el hallazgo
teniendo en cuenta el período del registro (`allow:` en el paso dice por qué un camino sigue en
el mapa).
"""
"""The documentation in Spanish: the same sections and examples as the module's docstring."""
LOG_RULE = True


class Options(RuleOptions):
    pass


def check(graph: JourneyGraph, options: Options, log: ObservedLog) -> Iterator[Detection]:
    for node in graph.own_steps:
        if node not in log.visits:
            continue
        for edge in graph.transitions_from(node):
            if (node, edge.target) not in log.transitions:
                yield Detection(
                    (*step_at(graph, node), "next", edge.position),
                    (node, edge.target),
                    _("no customer in the log goes from `{source}` to `{target}`").format(
                        source=node, target=edge.target
                    ),
                )
