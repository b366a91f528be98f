"""unmapped-transition: customers move between two steps, and the map has no such transition.

## What it does

Compares the journey with an event log (`cyclemap audit FILE --log LOG`) and reports every pair
of steps customers move between, one right after the other, that no `next` of the map joins,
with how many times the log shows it.

## Why is this bad?

The map is what the team believes; the log is what customers did. Either the map is missing a
real path (add it to `next`), or customers are taking a detour the service did not design:
both are worth knowing before the map is used to decide anything.

## Example

The map sends customers from diagnosis to the fix only; in the log, a case goes back from
diagnosis to the call.

```yaml
steps:
  - {id: call, stage: contact, entry: true, next: [{to: diagnose}]}
  - {id: diagnose, stage: contact, next: [{to: fixed}]}
  - {id: fixed, stage: contact, outcome: success}
```

```csv
case_id,activity,timestamp
c1,call,2024-01-08 10:00:00
c1,diagnose,2024-01-08 10:05:00
c1,call,2024-01-08 10:20:00
c1,diagnose,2024-01-08 10:25:00
c1,fixed,2024-01-08 10:40:00
```

## Use instead

The map has the path customers take (with the same log).

```yaml
steps:
  - {id: call, stage: contact, entry: true, next: [{to: diagnose}]}
  - {id: diagnose, stage: contact, next: [{to: fixed}, {to: call, share: 0.2}]}
  - {id: fixed, stage: contact, outcome: success}
```

## Known problems

Only the order of a case's events counts: a move recorded out of order in the log (two events
with the same time) can look like a transition nobody made.
"""

from __future__ import annotations

from collections.abc import Iterator

from cyclemap.findings import Severity
from cyclemap.graph import JourneyGraph
from cyclemap.rules.base import (
    N_,
    Detection,
    ObservedLog,
    RuleOptions,
    customers,
    ngettext,
    step_at,
)

NAME = "unmapped-transition"
SEVERITY = Severity.WARNING
SUMMARY = N_("Customers move between two steps, and the map has no such transition.")

DOC_ES = """unmapped-transition: los clientes pasan entre dos pasos que el mapa no une.

## Qué hace

Compara el recorrido con un registro de eventos (`cyclemap audit ARCHIVO --log REGISTRO`) y
reporta cada par de pasos entre los que los clientes se mueven, uno justo después del otro, que
ningún `next` del mapa une, con cuántas veces lo muestra el registro.

## ¿Por qué es un problema?

El mapa es lo que el equipo cree; el registro es lo que hicieron los clientes. O al mapa le falta
un camino real (agréguelo a `next`), o los clientes toman un desvío que el servicio no diseñó:
conviene saber ambas cosas antes de usar el mapa para decidir algo.

## Ejemplo

El mapa manda a los clientes del diagnóstico solo al arreglo; en el registro, un caso vuelve del
diagnóstico a la llamada.

[example]

[example]

## En su lugar

El mapa tiene el camino que toman los clientes (con el mismo registro).

[example]

## Limitaciones conocidas

Solo cuenta el orden de los eventos de un caso: un movimiento registrado fuera de orden (dos
eventos con la misma hora) puede parecer una transición que nadie hizo.
"""
"""The documentation in Spanish: the same sections and examples as the module's docstring."""
LOG_RULE = True


class Options(RuleOptions):
    pass


def check(graph: JourneyGraph, options: Options, log: ObservedLog) -> Iterator[Detection]:
    mapped = {(edge.source, edge.target) for edge in graph.transitions()}
    for (source, target), count in sorted(log.transitions.items()):
        if (source, target) not in mapped:
            yield Detection(
                step_at(graph, source),
                (source, target),
                ngettext(
                    "customers go from `{source}` to `{target}` {count} time, a transition the "
                    "map does not have",
                    "customers go from `{source}` to `{target}` {count} times, a transition the "
                    "map does not have",
                    count,
                ).format(source=source, target=target, count=customers(count)),
            )
