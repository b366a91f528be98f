"""unexpected-entry: cases start at a step that is not an entry of the map.

## What it does

Compares the journey with an event log (`cyclemap audit FILE --log LOG`) and reports every step
without `entry:` where some cases of the log start, with how many.

## Why is this bad?

Customers reach the company there: a contact point the map does not know as one, so its
volume and everything downstream of it is missing from the figures. Or the log was cut in the
middle of cases, and its first events are not where customers came in.

## Example

Some customers write straight to diagnosis, and the map only knows the call.

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
c1,fixed,2024-01-08 10:40:00
c2,diagnose,2024-01-08 11:00:00
c2,fixed,2024-01-08 11:30:00
```

## Use instead

Diagnosis is an entry too (with the same log).

```yaml
steps:
  - {id: call, stage: contact, entry: true, next: [{to: diagnose}]}
  - {id: diagnose, stage: contact, entry: true, next: [{to: fixed}]}
  - {id: fixed, stage: contact, outcome: success}
```

## Known problems

A log that starts in the middle of cases (cut by date) makes their first events look like
entries: cut logs by case, not by date.
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

NAME = "unexpected-entry"
SEVERITY = Severity.WARNING
SUMMARY = N_("Cases start at a step that is not an entry of the map.")

DOC_ES = """unexpected-entry: hay casos que empiezan en un paso que no es una entrada del mapa.

## Qué hace

Compara el recorrido con un registro de eventos (`cyclemap audit ARCHIVO --log REGISTRO`) y
reporta cada paso sin `entry:` donde empiezan casos del registro, con cuántos.

## ¿Por qué es un problema?

Los clientes llegan a la empresa por ahí: un punto de contacto que el mapa no conoce como tal,
así que su volumen y todo lo que sigue a partir de él falta en las cifras. O el registro se
cortó a mitad de los casos, y sus primeros eventos no son por donde entraron los clientes.

## Ejemplo

Algunos clientes escriben directamente a diagnóstico, y el mapa solo conoce la llamada.

[example]

[example]

## En su lugar

El diagnóstico también es una entrada (con el mismo registro).

[example]

## Limitaciones conocidas

Un registro que empieza a mitad de los casos (cortado por fecha) hace que sus primeros eventos
parezcan entradas: corte los registros por caso, no por fecha.
"""
"""The documentation in Spanish: the same sections and examples as the module's docstring."""
LOG_RULE = True


class Options(RuleOptions):
    pass


def check(graph: JourneyGraph, options: Options, log: ObservedLog) -> Iterator[Detection]:
    for node in graph.own_steps:
        started = log.starts.get(node, 0)
        if not graph.step(node).entry and started:
            yield Detection(
                step_at(graph, node),
                (node,),
                ngettext(
                    "{count} case starts at `{step}`, which is not an entry",
                    "{count} cases start at `{step}`, which is not an entry",
                    started,
                ).format(count=customers(started), step=node),
            )
