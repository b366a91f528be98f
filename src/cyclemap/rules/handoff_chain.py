"""handoff-chain: the usual way to success passes the customer through too many teams.

## What it does

For each entry, follows the most likely path to a `success` step (the path whose transitions'
probabilities multiply to the most) and counts its handoffs: the changes of the team the
customer deals with. More than `max` is reported, with the path and the teams in turn, so the
team can see where the chain could be shortened.

Handoffs are counted as the customer lives them: steps marked `backstage: true` (work the
customer does not see) are left out of the path, so a case passed to a back office and back is
not a handoff; only changes between the frontstage teams count.

## Why is this bad?

Each handoff is a queue, a re-explanation and a chance to drop the case. A customer who deals
with four teams to get one thing done has been handed around, even if nobody sent them back.

## Example

Level 1, level 2, field operations and billing each take the case in turn.

```yaml
- {id: call, stage: contact, team: n1, entry: true, next: [{to: escalate}]}
- {id: escalate, stage: contact, team: n2, next: [{to: visit}]}
- {id: visit, stage: contact, team: field-ops, next: [{to: adjust-bill}]}
- {id: adjust-bill, stage: contact, team: billing, next: [{to: confirm}]}
- {id: confirm, stage: contact, team: n1, outcome: success}
```

## Use instead

A single owner coordinates the case, and the customer deals with one or two teams.

```yaml
- {id: call, stage: contact, team: n1, entry: true, next: [{to: escalate}]}
- {id: escalate, stage: contact, team: n2, next: [{to: fixed}]}
- {id: fixed, stage: contact, team: n2, outcome: success}
```

## Known problems

Only the most likely path of each entry is followed: a less likely path with more handoffs is
not reported, however many customers take it. Steps without a team neither start nor end a
handoff.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from pydantic import Field

from cyclemap.findings import Severity
from cyclemap.graph import JourneyGraph
from cyclemap.rules.base import N_, Detection, RuleOptions, _, percent, step_at

NAME = "handoff-chain"
SEVERITY = Severity.WARNING
SUMMARY = N_(
    "The most likely path from an entry to a success crosses more than N handoffs (3)."
)

DOC_ES = """handoff-chain: el camino habitual al éxito pasa al cliente por demasiados equipos.

## Qué hace

Para cada entrada, sigue el camino más probable hasta un paso `success` (el camino cuyas
probabilidades de transición multiplicadas dan más) y cuenta sus traspasos: los cambios del
equipo que atiende al cliente. Si son más de `max`, lo reporta con el camino y los equipos en
orden, para que el equipo vea dónde se podría acortar la cadena.

Los traspasos se cuentan como los vive el cliente: los pasos marcados `backstage: true` (trabajo
que el cliente no ve) quedan fuera del camino, así que un caso que pasa a un back office y vuelve
no es un traspaso; solo cuentan los cambios entre los equipos que el cliente ve.

## ¿Por qué es un problema?

Cada traspaso es una fila, una nueva explicación y una oportunidad de que el caso se caiga. Un
cliente que trata con cuatro equipos para lograr una sola cosa fue pasado de mano en mano,
aunque nadie lo haya devuelto.

## Ejemplo

Nivel 1, nivel 2, operaciones de campo y facturación toman el caso por turnos.

[example]

## En su lugar

Un solo responsable coordina el caso, y el cliente trata con uno o dos equipos.

[example]

## Limitaciones conocidas

Solo se sigue el camino más probable de cada entrada: un camino menos probable con más
traspasos no se reporta, por muchos clientes que lo tomen. Los pasos sin equipo no empiezan ni
terminan un traspaso.
"""
"""The documentation in Spanish: the same sections and examples as the module's docstring."""


class Options(RuleOptions):
    max: int = Field(
        3,
        ge=0,
        description=N_(
            "The most handoffs accepted on the most likely path from an entry to a success."
        ),
    )


def _changes_team(graph: JourneyGraph, source: str, target: str) -> bool:
    before, after = graph.step(source).team, graph.step(target).team
    return before is not None and after is not None and before != after


def check(graph: JourneyGraph, options: Options) -> Iterator[Detection]:
    successes = set(graph.successes)
    if not successes:
        return
    for entry in graph.in_file_order(graph.entries):
        found = graph.most_likely_path(entry, successes)
        if found is None:
            continue
        path, probability = found
        # What the customer lives through: backstage work is left out, so a case passed to
        # a back office and back is not a handoff the customer feels.
        seen = [node for node in path if not graph.step(node).backstage] or path[:1]
        handoffs = [
            (source, target)
            for source, target in itertools.pairwise(seen)
            if _changes_team(graph, source, target)
        ]
        if len(handoffs) <= options.max:
            continue
        teams = [graph.step(seen[0]).team] + [graph.step(target).team for _, target in handoffs]
        yield Detection(
            step_at(graph, entry),
            tuple(path),
            _(
                "the most likely way from entry `{entry}` to success crosses {count} handoffs "
                "(more than {max}): {teams}; {share} of the customers take exactly this path"
            ).format(
                entry=entry,
                count=len(handoffs),
                max=options.max,
                teams=" → ".join(f"`{team}`" for team in teams),
                share=percent(probability),
            ),
            {"handoffs": len(handoffs), "teams": teams, "probability": probability},
        )
