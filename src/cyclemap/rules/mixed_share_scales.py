"""mixed-share-scales: one step's shares written on two scales, almost always a typo.

## What it does

Reports a step whose `share`s mix both scales: some at most 1, some above 1. The finding
points at the first share above 1 and says how the customers are split as written.

## Why is this bad?

Shares are relative weights, so `0.7/0.3` and `70/30` mean the same, and a mix is accepted;
but the weights then say something nobody meant: `share: 30` among siblings of 0.45, 0.1 and
0.15 sends 98% of the customers one way, and every figure downstream (customers lost, quick
wins) moves with it.

## Example

One share was typed as a percentage.

```yaml
next:
  - {to: pay-online, share: 0.45}
  - {to: pay-in-person, share: 0.1}
  - {to: overdue-reminder, share: 0.15}
  - {to: collections-call, share: 30}
```

## Use instead

Every share on one scale.

```yaml
next:
  - {to: pay-online, share: 0.45}
  - {to: pay-in-person, share: 0.1}
  - {to: overdue-reminder, share: 0.15}
  - {to: collections-call, share: 0.3}
```

## Known problems

A step whose weights are all above 1, or all at most 1, is never reported, even when one of
them is a typo on the same scale (`share: 7` for `share: 70`).
"""

from __future__ import annotations

from collections.abc import Iterator

from cyclemap.findings import Severity
from cyclemap.graph import JourneyGraph
from cyclemap.rules.base import N_, Detection, RuleOptions, _, percent, step_at

NAME = "mixed-share-scales"
SEVERITY = Severity.WARNING
SUMMARY = N_("A step's shares mix scales (some at most 1, some above): almost always a typo.")

DOC_ES = """mixed-share-scales: proporciones de un paso en dos escalas, casi siempre un error.

## Qué hace

Reporta un paso cuyas `share` mezclan las dos escalas: unas de 1 o menos, otras mayores que 1.
El hallazgo señala la primera proporción mayor que 1 y dice cómo se reparten los clientes tal
como está escrito.

## ¿Por qué es un problema?

Las proporciones son pesos relativos, así que `0.7/0.3` y `70/30` significan lo mismo, y una
mezcla se acepta; pero entonces los pesos dicen algo que nadie quiso decir: `share: 30` junto a
hermanas de 0.45, 0.1 y 0.15 manda el 98% de los clientes por un solo camino, y todas las cifras
que siguen (clientes perdidos, ganancias tempranas) se mueven con ella.

## Ejemplo

Una proporción se escribió como porcentaje.

[example]

## En su lugar

Todas las proporciones en una sola escala.

[example]

## Limitaciones conocidas

Un paso cuyos pesos son todos mayores que 1, o todos de 1 o menos, nunca se reporta, aunque uno
de ellos sea un error en la misma escala (`share: 7` por `share: 70`).
"""
"""The documentation in Spanish: the same sections and examples as the module's docstring."""


class Options(RuleOptions):
    pass


def check(graph: JourneyGraph, options: Options) -> Iterator[Detection]:
    for node in graph.own_steps:
        given = [
            (edge, edge.written_share)
            for edge in graph.transitions_from(node)
            if edge.written_share is not None
        ]
        small = [edge for edge, written in given if written <= 1]
        large = [(edge, written) for edge, written in given if written > 1]
        if not small or not large:
            continue
        first, share = large[0]
        written = ", ".join(f"{value:g}" for _, value in given)
        yield Detection(
            (*step_at(graph, node), "next", first.position, "share"),
            (node, first.target),
            _(
                "the shares of step `{step}` mix scales ({written}): as written, "
                "`share: {share}` sends {percent} of the customers who go on from `{step}` to "
                "`{target}`; write every share on one scale (all fractions or all weights)"
            ).format(
                step=node,
                written=written,
                share=f"{share:g}",
                percent=percent(first.share),
                target=first.target,
            ),
            {"shares": {edge.target: value for edge, value in given}},
        )
