"""mixed-share-scales: one step's shares written on two scales, almost always a typo.

Shares are relative weights, so `0.7/0.3` and `70/30` mean the same. A step whose shares mix
both scales (some at most 1, some above 1) is accepted, but the weights then say something
nobody meant: `share: 30` among siblings of 0.45, 0.1 and 0.15 sends 98% of the customers one
way, and every figure downstream (customers lost, quick wins) moves with it. The finding points
at the first share above 1 and says how the customers are split as written.

Bad: one share was typed as a percentage.

```yaml
next:
  - {to: pay-online, share: 0.45}
  - {to: pay-in-person, share: 0.1}
  - {to: overdue-reminder, share: 0.15}
  - {to: collections-call, share: 30}
```

Good: every share on one scale.

```yaml
next:
  - {to: pay-online, share: 0.45}
  - {to: pay-in-person, share: 0.1}
  - {to: overdue-reminder, share: 0.15}
  - {to: collections-call, share: 0.3}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from cyclemap.findings import Severity
from cyclemap.graph import JourneyGraph
from cyclemap.rules.base import Detection, RuleOptions, percent, step_at

NAME = "mixed-share-scales"
SEVERITY = Severity.WARNING
SUMMARY = "A step's shares mix scales (some at most 1, some above): almost always a typo."


class Options(RuleOptions):
    pass


def check(graph: JourneyGraph, options: Options) -> Iterator[Detection]:
    for node in graph.own_steps:
        following = sorted(graph.graph.succ[node].items(), key=lambda item: item[1]["position"])
        given = [(target, data) for target, data in following if data["written_share"] is not None]
        small = [target for target, data in given if data["written_share"] <= 1]
        large = [(target, data) for target, data in given if data["written_share"] > 1]
        if not small or not large:
            continue
        target, data = large[0]
        written = ", ".join(f"{data['written_share']:g}" for _, data in given)
        yield Detection(
            (*step_at(graph, node), "next", data["position"], "share"),
            (node, target),
            f"the shares of step `{node}` mix scales ({written}): as written, "
            f"`share: {data['written_share']:g}` sends {percent(data['share'])} of the customers "
            f"who go on from `{node}` to `{target}`; write every share on one scale (all "
            "fractions or all weights)",
            {"shares": {t: d["written_share"] for t, d in given}},
        )
