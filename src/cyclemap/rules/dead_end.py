"""dead-end: a step from which the customer can never reach a `success` step.

Either a step that is not an outcome and has no `next` (the journey map simply stops: what
happens to the customer?), or a step whose every way forward leads only to failure,
abandonment, or a region the customer can never leave. `failure` and `abandoned` outcome steps
themselves end the journey on purpose and are not dead ends. In a journey with no `success`
at all only steps with no way forward are reported here; the rest is `no-success-outcome`.

Bad: after the visit nothing happens, and the map does not say so.

```yaml
steps:
  - {id: request, stage: contact, entry: true, next: [{to: technician-visit}]}
  - {id: technician-visit, stage: contact}
```

Good: the visit leads somewhere, ending in a success or an explicit outcome.

```yaml
steps:
  - {id: request, stage: contact, entry: true, next: [{to: technician-visit}]}
  - {id: technician-visit, stage: contact, next: [{to: service-restored}]}
  - {id: service-restored, stage: contact, outcome: success}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from cyclemap.findings import Severity
from cyclemap.graph import JourneyGraph
from cyclemap.rules.base import Detection, RuleOptions, step_at

NAME = "dead-end"
SEVERITY = Severity.ERROR
SUMMARY = "A step from which no success can be reached: the customer has no way forward."


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
        if node not in alive and graph.step(node)["outcome"] not in ("failure", "abandoned")
    ]
    if graph.successes:
        return found
    return [node for node in found if not graph.graph.succ[node]]


def check(graph: JourneyGraph, options: Options) -> Iterator[Detection]:
    for node in dead_ends(graph):
        following = list(graph.graph.succ[node])
        if not following:
            message = (
                f"step `{node}` has no `next` and is not an outcome: customers who reach it "
                "have no way forward"
            )
        elif all(graph.step(other)["outcome"] in ("failure", "abandoned") for other in following):
            message = (
                f"from step `{node}` customers can only end in failure or abandonment: no "
                "success is reachable"
            )
        else:
            message = (
                f"from step `{node}` no success step can be reached: customers end in failure, "
                "abandonment or a loop they cannot leave"
            )
        yield Detection(step_at(graph, node), (node,), message)
