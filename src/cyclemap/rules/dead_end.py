"""dead-end: a step from which the customer can never reach a `success` step.

## What it does

Finds steps from which no `success` step can be reached: a step that is not an outcome and has
no `next` (the map simply stops), or a step whose every way forward leads only to failure,
abandonment, or a region the customer can never leave. `failure` and `abandoned` outcome steps
end the journey on purpose and are not dead ends. Steps that lead only to each other are one
region and one finding, at the steps where customers come in, with how many customers per
period reach it when every entry has a `volume` (as `cyclemap stats` counts them).

## Why is this bad?

A customer who reaches a dead end has no way to get what they came for, and the map does not
say what happens to them: either the service really abandons them, or the map is missing a
step. A loop with no way out also leaves the flow figures undefined.

## Example

After the visit nothing happens, and the map does not say so.

```yaml
steps:
  - {id: request, stage: contact, entry: true, next: [{to: technician-visit}]}
  - {id: technician-visit, stage: contact}
```

## Use instead

The visit leads somewhere, ending in a success or an explicit outcome.

```yaml
steps:
  - {id: request, stage: contact, entry: true, next: [{to: technician-visit}]}
  - {id: technician-visit, stage: contact, next: [{to: service-restored}]}
  - {id: service-restored, stage: contact, outcome: success}
```

## Known problems

In a journey with no `success` at all only the steps with no way forward are reported here;
the missing success itself is `no-success-outcome`'s finding. A link to another journey
(`journey-id:step-id`) counts as a way forward, since the journey goes on there.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from cyclemap.findings import Severity
from cyclemap.graph import JourneyGraph
from cyclemap.graph.flow_model import FlowError, flow_model
from cyclemap.rules.base import (
    N_,
    Detection,
    RuleOptions,
    _,
    customers,
    listed,
    ngettext,
    number,
    step_at,
)

NAME = "dead-end"
SEVERITY = Severity.ERROR
SUMMARY = N_("A step from which no success can be reached: the customer has no way forward.")

DOC_ES = """dead-end: un paso desde el que el cliente nunca puede llegar a un paso `success`.

## Qué hace

Encuentra los pasos desde los que no se puede llegar a ningún paso `success`: un paso que no es
un desenlace y no tiene `next` (el mapa simplemente se detiene), o un paso cuyos caminos llevan
todos solo a fracaso, a abandono o a una región de la que el cliente nunca puede salir. Los
pasos con desenlace `failure` o `abandoned` terminan el recorrido a propósito y no son callejones
sin salida. Los pasos que solo llevan unos a otros son una región y un solo hallazgo, en los
pasos por donde entran los clientes, con cuántos clientes por período llegan a ella cuando cada
entrada tiene `volume` (como los cuenta `cyclemap stats`).

## ¿Por qué es un problema?

Un cliente que llega a un callejón sin salida no tiene forma de obtener lo que vino a buscar, y
el mapa no dice qué pasa con él: o el servicio de verdad lo abandona, o al mapa le falta un
paso. Un ciclo sin salida además deja sin definir las cifras del flujo.

## Ejemplo

Después de la visita no pasa nada, y el mapa no lo dice.

[example]

## En su lugar

La visita lleva a alguna parte y termina en un éxito o en un desenlace explícito.

[example]

## Limitaciones conocidas

En un recorrido sin ningún `success` aquí solo se reportan los pasos sin camino para seguir; la
falta de éxito es el hallazgo de `no-success-outcome`. Un enlace a otro recorrido
(`journey-id:step-id`) cuenta como camino para seguir, porque el recorrido continúa allá.
"""
"""The documentation in Spanish: the same sections and examples as the module's docstring."""


class Options(RuleOptions):
    pass


def dead_ends(graph: JourneyGraph) -> list[str]:
    """Steps, in file order, that are not failure/abandoned outcomes and cannot reach success.

    Without any success step only the steps with no way forward at all are dead ends; the
    missing success itself is `no-success-outcome`'s finding.
    """
    alive = graph.reaching_success
    found = [
        node
        for node in graph.own_steps
        if node not in alive and graph.step(node).outcome not in ("failure", "abandoned")
    ]
    if graph.successes:
        return found
    return [node for node in found if not graph.successors(node)]


def check(graph: JourneyGraph, options: Options) -> Iterator[Detection]:
    regions = graph.regions(dead_ends(graph))
    model = None
    if regions:
        # Where customers can circulate forever there are no figures; the findings stand.
        with contextlib.suppress(FlowError):
            model = flow_model(graph)
    for region in regions:
        members = set(region)
        entries = set(graph.entries)
        first = [
            node
            for node in region
            if node in entries or any(other not in members for other in graph.predecessors(node))
        ] or graph.first_steps(region)
        details: dict[str, object] = {"region": region, "size": len(region)}
        message = _message(graph, region, first)
        if model is not None and model.by_volume:
            reached = model.reached_any(region)
            details["customers"] = reached
            message += _("; about {customers} customers per period reach it").format(
                customers=customers(reached)
            )
        yield Detection(step_at(graph, first[0]), tuple(first), message, details)


def _message(graph: JourneyGraph, region: list[str], first: list[str]) -> str:
    members = set(region)
    stopping = [node for node in region if not graph.successors(node)]
    leaving = [other for node in region for other in graph.successors(node) if other not in members]
    only_endings = all(graph.step(other).outcome in ("failure", "abandoned") for other in leaving)
    if len(region) == 1:
        (node,) = region
        if stopping:
            message = _(
                "step `{step}` has no `next` and is not an outcome: customers who reach it "
                "have no way forward"
            )
        elif only_endings and node not in graph.successors(node):
            message = _(
                "from step `{step}` customers can only end in failure or abandonment: no "
                "success is reachable"
            )
        else:
            message = _(
                "from step `{step}` no success step can be reached: customers end in failure, "
                "abandonment or a loop they cannot leave"
            )
        return message.format(step=node)
    values = {"first": listed(first), "size": number(len(region))}
    if stopping:
        values["stopping"] = listed(stopping)
        return ngettext(
            "from step {first} no success step can be reached ({size} steps): {stopping} has "
            "no `next` and is not an outcome, so customers have no way forward",
            "from step {first} no success step can be reached ({size} steps): {stopping} have "
            "no `next` and are not outcomes, so customers have no way forward",
            len(stopping),
        ).format(**values)
    return _(
        "from step {first} no success step can be reached ({size} steps): customers end in "
        "failure, abandonment or a loop they cannot leave"
    ).format(**values)
