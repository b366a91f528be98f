"""drop-off-point: a step where many of the customers who reach it abandon.

## What it does

Reports every step whose `abandon` (the share of the customers arriving there who leave the
journey) is at or above `threshold`. When every entry has a `volume`, the finding says how many
customers abandon there per period (the same figure as `cyclemap stats`: a customer's path
ends at their first success, and customers who come back through a loop can abandon on any
visit) and ranks the drop-off points by it, so the team knows which one to fix first.

## Why is this bad?

A drop-off point is where the service loses customers: the call that waits too long, the form
that asks for too much, the payment that fails. Each is a customer who did not get what they
came for, and often one who will not come back.

## Example

Almost one customer in three hangs up while waiting.

```yaml
- {id: wait-in-queue, stage: contact, abandon: 0.3, next: [{to: agent}]}
```

## Use instead

A call-back offer keeps the abandonment low (or, if it is accepted for now, say why).

```yaml
- id: wait-in-queue
  stage: contact
  abandon: 0.08
  next: [{to: agent}]
  allow:
    drop-off-point: Campaña temporal; se revisa en enero
```

## Known problems

`abandon` is taken as written: `cyclemap mine --write` replaces it with what an interaction
log shows. Without volumes on every entry, the finding gives the rate but not the customers.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from cyclemap.findings import Severity
from cyclemap.graph import JourneyGraph
from cyclemap.graph.flow_model import FlowError, flow_model
from cyclemap.rules.base import (
    N_,
    Detection,
    RuleOptions,
    _,
    customers,
    ngettext,
    percent,
    step_at,
)

NAME = "drop-off-point"
SEVERITY = Severity.WARNING
SUMMARY = N_("A step whose abandonment is at or above the threshold (default 15%).")

DOC_ES = """drop-off-point: un paso donde abandonan muchos de los clientes que llegan a él.

## Qué hace

Reporta cada paso cuyo `abandon` (la proporción de los clientes que llegan ahí y dejan el
recorrido) alcanza o supera `threshold`. Cuando cada entrada tiene `volume`, el hallazgo dice
cuántos clientes abandonan ahí por período (la misma cifra de `cyclemap stats`: el camino de un
cliente termina en su primer éxito, y los clientes que vuelven por un ciclo pueden abandonar en
cualquier visita) y ordena los puntos de abandono por esa cifra, para que el equipo sepa cuál
arreglar primero.

## ¿Por qué es un problema?

Un punto de abandono es donde el servicio pierde clientes: la llamada que espera demasiado, el
formulario que pide demasiado, el pago que falla. Cada uno es un cliente que no obtuvo lo que
vino a buscar, y muchas veces uno que no volverá.

## Ejemplo

Casi uno de cada tres clientes cuelga mientras espera.

[example]

## En su lugar

Ofrecer devolver la llamada mantiene bajo el abandono (o, si por ahora se acepta, se dice por
qué).

[example]

## Limitaciones conocidas

`abandon` se toma tal como está escrito: `cyclemap mine --write` lo reemplaza por lo que muestra
un registro de interacciones. Sin volúmenes en todas las entradas, el hallazgo da la tasa pero no
los clientes.
"""
"""The documentation in Spanish: the same sections and examples as the module's docstring."""


class Options(RuleOptions):
    threshold: float = Field(
        0.15,
        ge=0,
        le=1,
        description=N_("Abandonment rate (0..1) at or above which a step is reported."),
    )


def check(graph: JourneyGraph, options: Options) -> Iterator[Detection]:
    found = [
        node
        for node in graph.own_steps
        if graph.step(node).abandon >= options.threshold and graph.step(node).abandon > 0
    ]
    if not found:
        return
    lost: dict[str, float] = {}
    try:
        model = flow_model(graph)
    except FlowError:
        model = None  # customers can circulate forever: `dead-end` says so
    if model is not None and model.by_volume:
        lost = {node: model.step(node).abandoned for node in found}
    ranking = {
        node: rank
        for rank, node in enumerate(sorted(found, key=lambda node: -lost.get(node, 0.0)), start=1)
    }
    for node in found:
        rate = graph.step(node).abandon
        values: dict[str, object] = {"rate": percent(rate), "step": node}
        message = _("{rate} of the customers who reach step `{step}` abandon there")
        details: dict[str, object] = {"abandon": rate}
        if lost:
            details.update(customers_lost=lost[node], rank=ranking[node])
            message = ngettext(
                "{rate} of the customers who reach step `{step}` abandon there: about "
                "{customers} customers per period (#{rank} of {count} drop-off point)",
                "{rate} of the customers who reach step `{step}` abandon there: about "
                "{customers} customers per period (#{rank} of {count} drop-off points)",
                len(found),
            )
            values.update(customers=customers(lost[node]), rank=ranking[node], count=len(found))
        message = message.format(**values)
        yield Detection(step_at(graph, node), (node,), message, details)
