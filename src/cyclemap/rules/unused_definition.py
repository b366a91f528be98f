"""unused-definition: a stage, channel or team that no step uses.

## What it does

Reports each of the journey's own stages, channels and teams that no step uses. A team named
as the journey's `owner` or a moment of truth's `owner` counts as used.

## Why is this bad?

Definitions nobody uses are usually leftovers of a redesign or a typo's twin (`billing`
defined, `biling` used, which validation catches, or a stage renamed on the steps but not in
the list). They make the map look bigger than the service.

## Example

No step is in the stage `follow-up`.

```yaml
stages:
  - {id: contact, name: Contacto}
  - {id: follow-up, name: Seguimiento}
```

## Use instead

Remove it, or add the steps that belong there.

```yaml
stages:
  - {id: contact, name: Contacto}
  - {id: follow-up, name: Seguimiento}
steps:
  - {id: call, stage: contact, entry: true, next: [{to: satisfaction-call}]}
  - {id: satisfaction-call, stage: follow-up, outcome: success}
```

## Known problems

Only the journey's own definitions are checked: catalogs are shared, and each journey uses
part of them.
"""

from __future__ import annotations

from collections.abc import Iterator

from cyclemap.findings import Severity
from cyclemap.graph import JourneyGraph
from cyclemap.rules.base import N_, Detection, RuleOptions, _

NAME = "unused-definition"
SEVERITY = Severity.INFO
SUMMARY = N_("A stage, channel or team that no step uses.")

DOC_ES = """unused-definition: una etapa, un canal o un equipo que ningún paso usa.

## Qué hace

Reporta cada etapa, canal y equipo propios del recorrido que ningún paso usa. Un equipo nombrado
como `owner` del recorrido o de un momento de verdad cuenta como usado.

## ¿Por qué es un problema?

Las definiciones que nadie usa suelen ser restos de un rediseño o el gemelo de un error de
digitación (`billing` definido y `biling` usado, que la validación detecta, o una etapa
renombrada en los pasos pero no en la lista). Hacen que el mapa parezca más grande que el
servicio.

## Ejemplo

Ningún paso está en la etapa `follow-up`.

[example]

## En su lugar

Quítela, o agregue los pasos que van ahí.

[example]

## Limitaciones conocidas

Solo se revisan las definiciones propias del recorrido: los catálogos son compartidos, y cada
recorrido usa una parte de ellos.
"""
"""The documentation in Spanish: the same sections and examples as the module's docstring."""


class Options(RuleOptions):
    pass


def check(graph: JourneyGraph, options: Options) -> Iterator[Detection]:
    document = graph.journey.document
    steps = document.steps
    owners = {document.journey.owner} | {
        step.moment_of_truth.owner for step in steps if step.moment_of_truth is not None
    }
    used_stages = {step.stage for step in steps}
    for index, stage in enumerate(document.stages):
        if stage.id not in used_stages:
            yield _unused(
                ("stages", index), stage.id, N_("stage `{id}` is defined but no step is in it")
            )
    for kind, used, message in (
        (
            "channels",
            {step.channel for step in steps},
            N_("channel `{id}` is defined but no step uses it"),
        ),
        (
            "teams",
            {step.team for step in steps} | owners,
            N_("team `{id}` is defined but no step uses it"),
        ),
    ):
        for definition_id in getattr(document, kind):
            if definition_id not in used:
                yield _unused((kind, definition_id), definition_id, message)


def _unused(at: tuple[int | str, ...], definition_id: str, message: str) -> Detection:
    """A finding without steps: its subject, the English message, is its identity."""
    return Detection(
        at,
        (),
        _(message).format(id=definition_id),
        subject=message.format(id=definition_id),
    )
