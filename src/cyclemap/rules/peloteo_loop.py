"""peloteo-loop: the customer is bounced between areas and comes back to a team already left.

## What it does

Finds cycles of transitions that bring the customer back to a team they already left, without
passing a `success` step: support sends them to billing, billing sends them back to support.
A cycle through a success is the intended lifecycle (renewal, after-sale) and is not reported.
One finding is reported per tangle of such cycles, with a shortest example in the order
customers meet it, starting at the first step where they meet the loop; when every share in
the tangle is written, the message says how likely a customer who reaches that step is to be
sent round it at least once.

A loop the customer cannot see, where the case goes back and forth between teams but only
steps marked `backstage: true` change hands (the customer deals with one team, or none, all
along), is reported too, worded as such, and at most as a warning whatever the configured
severity: the customer waits, but is not bounced.

## Why is this bad?

"Peloteo" is what customers call being passed from one department to another and back, with
nobody owning the problem. Every round is another queue, another explanation and another
chance to give up; it is the most resented part of a service cycle.

What the figures mean (here and in `cyclemap stats`): a customer is *sent round* when, after
being at the loop's first step, they are passed to another team and come back to it; *sent
round at least once* counts each such customer once. *Extra rounds* count every comeback, so a
customer sent round three times adds three; the first pass through the loop is not a round.

## Example

Support and billing send the customer to each other.

```yaml
steps:
  - {id: call, stage: contact, team: support, entry: true, next: [{to: billing-desk}]}
  - id: billing-desk
    stage: contact
    team: billing
    next: [{to: call, share: 0.4}, {to: refund, share: 0.6}]
  - {id: refund, stage: contact, team: billing, outcome: success}
```

## Use instead

The team that takes the case keeps it until it is solved.

```yaml
steps:
  - {id: call, stage: contact, team: support, entry: true, next: [{to: billing-desk}]}
  - {id: billing-desk, stage: contact, team: billing, next: [{to: refund}]}
  - {id: refund, stage: contact, team: billing, outcome: success}
```

## Known problems

Steps without a team do not count as a team change, so a loop through team-less steps is
reported only when two teams are in it. The chance of being sent round is given only when
every share of the tangle is written (or a step has a single way on) and the tangle has at
most 2,000 steps. A finding is the same problem as long as customers are bounced between the
same teams in the same journey: re-routing the loop between those teams does not make it new
for baselines and `--diff`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

from cyclemap.findings import Severity
from cyclemap.graph import JourneyGraph
from cyclemap.graph.flow_model import LOOP_ROUNDS_UP_TO, round_probability
from cyclemap.rules.base import N_, Detection, RuleOptions, _, listed, percent, step_at

NAME = "peloteo-loop"
SEVERITY = Severity.ERROR
SUMMARY = N_(
    "A cycle brings the customer back to a team already left (bounced between areas)."
)

DOC_ES = """peloteo-loop: al cliente lo pelotean entre áreas y vuelve a un equipo que ya dejó.

## Qué hace

Encuentra ciclos de transiciones que devuelven al cliente a un equipo que ya había dejado, sin
pasar por un paso `success`: soporte lo manda a facturación y facturación lo devuelve a soporte.
Un ciclo que pasa por un éxito es el ciclo de vida previsto (renovación, posventa) y no se
reporta. Se reporta un hallazgo por cada maraña de esos ciclos, con un ejemplo de los más cortos
en el orden en que los clientes lo encuentran, empezando por el primer paso donde se topan con
el ciclo; cuando todas las proporciones de la maraña están escritas, el mensaje dice qué tan
probable es que un cliente que llega a ese paso dé al menos una vuelta.

Un ciclo que el cliente no ve, en el que el caso va y viene entre equipos pero solo cambian de
manos pasos marcados `backstage: true` (el cliente trata con un solo equipo, o con ninguno, todo
el tiempo), también se reporta, dicho así, y como mucho como advertencia sea cual sea la
severidad configurada: el cliente espera, pero no lo pelotean.

## ¿Por qué es un problema?

"Peloteo" es como los clientes llaman a que los pasen de un departamento a otro y de vuelta, sin
que nadie se haga cargo del problema. Cada vuelta es otra fila, otra explicación y otra
oportunidad de rendirse; es lo que más molesta de un ciclo de servicio.

Qué significan las cifras (aquí y en `cyclemap stats`): a un cliente *lo hacen dar la vuelta*
cuando, después de estar en el primer paso del ciclo, lo pasan a otro equipo y vuelve a ese
paso; *dar al menos una vuelta* cuenta a cada uno de esos clientes una sola vez. Las *vueltas de
más* cuentan cada regreso, así que un cliente que da tres vueltas suma tres; la primera pasada
por el ciclo no es una vuelta.

## Ejemplo

Soporte y facturación se mandan el cliente el uno al otro.

[example]

## En su lugar

El equipo que toma el caso lo conserva hasta resolverlo.

[example]

## Limitaciones conocidas

Los pasos sin equipo no cuentan como cambio de equipo, así que un ciclo por pasos sin equipo
solo se reporta cuando hay dos equipos en él. La probabilidad de dar la vuelta solo se da cuando
todas las proporciones de la maraña están escritas (o un paso tiene un solo camino) y la maraña
tiene como mucho 2.000 pasos. Un hallazgo es el mismo problema mientras a los clientes los
peloteen entre los mismos equipos en el mismo recorrido: cambiar la ruta del ciclo entre esos
equipos no lo vuelve nuevo para las líneas base ni para `--diff`.
"""
"""The documentation in Spanish: the same sections and examples as the module's docstring."""


class Options(RuleOptions):
    pass


def _distances(
    graph: JourneyGraph, source: str, members: set[str], *, reverse: bool
) -> tuple[dict[str, int], dict[str, str]]:
    """Breadth-first distances inside the component, with parents to rebuild paths."""
    neighbours = graph.predecessors if reverse else graph.successors
    distance = {source: 0}
    parent: dict[str, str] = {}
    queue = deque([source])
    while queue:
        node = queue.popleft()
        for following in graph.in_file_order(n for n in neighbours(node) if n in members):
            if following not in distance:
                distance[following] = distance[node] + 1
                parent[following] = node
                queue.append(following)
    return distance, parent


def witness(graph: JourneyGraph, component: list[str], start: str) -> list[str]:
    """A shortest closed walk from `start` through a step of another team, back to `start`.

    The shortest such walk goes out to the other-team step `t` minimising d(start, t) +
    d(t, start); two breadth-first searches find it in linear time.
    """
    members = set(component)
    team = graph.step(start).team
    forward, forward_parent = _distances(graph, start, members, reverse=False)
    backward, backward_parent = _distances(graph, start, members, reverse=True)
    others = [
        node
        for node in component
        if graph.step(node).team not in (None, team) and node in forward and node in backward
    ]
    turn = min(others, key=lambda node: (forward[node] + backward[node], forward[node]))
    outward = [turn]
    while outward[-1] != start:
        outward.append(forward_parent[outward[-1]])
    outward.reverse()
    node = turn
    while node != start:
        node = backward_parent[node]
        outward.append(node)
    return outward[:-1]


def _shares_known(graph: JourneyGraph, component: list[str]) -> bool:
    return all(
        edge.share_given or len(graph.successors(node)) == 1
        for node in component
        for edge in graph.transitions_from(node)
    )


def check(graph: JourneyGraph, options: Options) -> Iterator[Detection]:
    successes = set(graph.successes)
    order = graph.entry_order()
    unreached = len(order)
    for component in graph.strongly_connected_components(without=successes):
        teams = {graph.step(node).team for node in component} - {None}
        if len(teams) < 2:
            continue
        # Start where customers first meet the loop, at a step that belongs to a team.
        candidates = [node for node in component if graph.step(node).team is not None]
        start = min(
            candidates,
            key=lambda node: (order.get(node, unreached), graph.step(node).index),
        )
        walk = witness(graph, component, start)
        team_path = [team for node in walk if (team := graph.step(node).team)]
        team_order = [
            team for i, team in enumerate(team_path) if i == 0 or team != team_path[i - 1]
        ]
        drawn = " → ".join([*walk, walk[0]])
        facing = {graph.step(node).team for node in component if not graph.step(node).backstage}
        facing.discard(None)
        hidden = len(facing) < 2
        values = {"teams": _teams_phrase(team_order), "drawn": drawn, "start": start}
        if hidden:
            message = _(
                "peloteo behind the scenes: the case goes back and forth between {teams}: "
                "{drawn}; the customer waits but is not bounced, since the steps that change "
                "hands are backstage"
            ).format(**values)
        else:
            message = _("peloteo: customers are bounced between {teams}: {drawn}").format(
                **values
            )
        details: dict[str, object] = {
            "teams": team_order,
            "component": component,
            "step_teams": {node: graph.step(node).team for node in walk},
            "backstage": hidden,
        }
        if len(component) <= LOOP_ROUNDS_UP_TO and _shares_known(graph, component):
            chance = round_probability(graph, component, start)
            if chance is not None:
                details["probability"] = chance
                message += _(
                    "; {share} of the customers who reach `{start}` are sent round at least once"
                ).format(share=percent(chance), **values)
        yield Detection(
            step_at(graph, start),
            tuple(walk),
            message,
            details,
            at_most=Severity.WARNING if hidden else None,
        )


def _teams_phrase(teams: list[str]) -> str:
    unique = list(dict.fromkeys(teams))
    return listed(unique, shown=len(unique))
