"""unmeasured-moment-of-truth: a moment of truth with no measure.

## What it does

Reports every `moment_of_truth` without a `measure`.

## Why is this bad?

A moment of truth that is not measured is one nobody will know is failing. The service cycle
ends with satisfaction surveys for a reason: give each moment a `measure` with the `metric`
(csat, nps, ces, waiting time, first-contact resolution), its `target`, and where the figure
comes from (`survey`).

## Example

```yaml
moment_of_truth:
  requirement: El técnico llega en la franja prometida
  owner: field-ops-lead
```

## Use instead

```yaml
moment_of_truth:
  requirement: El técnico llega en la franja prometida
  owner: field-ops-lead
  measure: {metric: on-time-arrival, target: 0.95, survey: post-visit}
```

## Known problems

Whether the measure is really collected is beyond the map.
"""

from __future__ import annotations

from collections.abc import Iterator

from cyclemap.findings import Severity
from cyclemap.graph import JourneyGraph
from cyclemap.rules.base import N_, Detection, RuleOptions, _, moments_lacking

NAME = "unmeasured-moment-of-truth"
SEVERITY = Severity.WARNING
SUMMARY = N_("A moment of truth with no measure: nobody will know how it goes.")

DOC_ES = """unmeasured-moment-of-truth: un momento de verdad sin medición.

## Qué hace

Reporta cada `moment_of_truth` sin `measure`.

## ¿Por qué es un problema?

Un momento de verdad que no se mide es uno del que nadie sabrá que está fallando. El ciclo de
servicio termina con encuestas de satisfacción por una razón: dé a cada momento una `measure` con
la `metric` (csat, nps, ces, tiempo de espera, resolución en el primer contacto), su `target` y
de dónde sale la cifra (`survey`).

## Ejemplo

[example]

## En su lugar

[example]

## Limitaciones conocidas

Si la medición de verdad se recoge es algo que el mapa no puede saber.
"""
"""The documentation in Spanish: the same sections and examples as the module's docstring."""


class Options(RuleOptions):
    pass


def check(graph: JourneyGraph, options: Options) -> Iterator[Detection]:
    yield from moments_lacking(
        graph,
        lambda moment: moment.measure is None,
        _("the moment of truth at step `{step}` has no `measure`: nobody will know how it goes"),
    )
