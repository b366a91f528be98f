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


class Options(RuleOptions):
    pass


def check(graph: JourneyGraph, options: Options) -> Iterator[Detection]:
    yield from moments_lacking(
        graph,
        lambda moment: moment.measure is None,
        _("the moment of truth at step `{step}` has no `measure`: nobody will know how it goes"),
    )
