"""unowned-moment-of-truth: a moment of truth nobody answers for.

## What it does

Reports every `moment_of_truth` without an `owner` (or with an empty one).

## Why is this bad?

Moments of truth ("momentos de la verdad") are the contacts that make or break the customer's
opinion of the company. Each needs someone who answers for it; a critical moment without an
owner is a moment nobody will fix when it goes wrong.

## Example

```yaml
moment_of_truth:
  requirement: Contestan en menos de 60 s
```

## Use instead

```yaml
moment_of_truth:
  requirement: Contestan en menos de 60 s
  owner: call-center-lead
  measure: {metric: csat, target: 4.5}
```

## Known problems

Any text counts as an owner: the name is not checked against the journey's teams.
"""

from __future__ import annotations

from collections.abc import Iterator

from cyclemap.findings import Severity
from cyclemap.graph import JourneyGraph
from cyclemap.rules.base import N_, Detection, RuleOptions, _, moments_lacking

NAME = "unowned-moment-of-truth"
SEVERITY = Severity.WARNING
SUMMARY = N_("A moment of truth with no owner.")

DOC_ES = """unowned-moment-of-truth: un momento de verdad del que nadie responde.

## Qué hace

Reporta cada `moment_of_truth` sin `owner` (o con uno vacío).

## ¿Por qué es un problema?

Los momentos de verdad son los contactos que hacen o deshacen la opinión del cliente sobre la
empresa. Cada uno necesita a alguien que responda por él; un momento crítico sin responsable es
un momento que nadie arreglará cuando salga mal.

## Ejemplo

[example]

## En su lugar

[example]

## Limitaciones conocidas

Cualquier texto cuenta como responsable: el nombre no se compara con los equipos del recorrido.
"""
"""The documentation in Spanish: the same sections and examples as the module's docstring."""


class Options(RuleOptions):
    pass


def check(graph: JourneyGraph, options: Options) -> Iterator[Detection]:
    yield from moments_lacking(
        graph,
        lambda moment: not (moment.owner or "").strip(),
        _("the moment of truth at step `{step}` has no `owner`: nobody answers for it"),
    )
