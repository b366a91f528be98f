"""What a rule is: a name, a default severity, options, documentation and a check.

A rule module declares `NAME`, `SEVERITY`, `SUMMARY`, an `Options` model and a `check(graph,
options)` generator of `Detection`s; its docstring is the documentation `cyclemap explain`
prints. The engine, not the rule, adds the rule's name and configured severity, applies `allow`
and turns locations into lines.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from pydantic import BaseModel, ConfigDict

from cyclemap.findings import Severity
from cyclemap.format.model import MomentOfTruth
from cyclemap.graph import JourneyGraph
from cyclemap.util.numbers import customers, percent

__all__ = [
    "Detection",
    "Rule",
    "RuleOptions",
    "customers",
    "listed",
    "moments_lacking",
    "percent",
    "step_at",
]


class RuleOptions(BaseModel):
    """Options a rule accepts in the configuration; none by default."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


@dataclass(frozen=True)
class Detection:
    """One thing a rule found, before the engine makes it a finding.

    `at` is the path in the journey file the finding points at (`("steps", 3)`); `steps` are the
    step ids involved, in path order where order matters.
    """

    at: tuple[int | str, ...]
    steps: tuple[str, ...]
    message: str
    details: dict[str, Any] = field(default_factory=dict)
    at_most: Severity | None = None
    """The finding is never more severe than this, whatever the configuration says (a
    peloteo loop the customer does not see is at most a warning)."""

    def severity(self, configured: Severity) -> Severity:
        if self.at_most is not None and self.at_most.rank < configured.rank:
            return self.at_most
        return configured


Check = Callable[[JourneyGraph, Any], Iterable[Detection]]


@dataclass(frozen=True)
class Rule:
    name: str
    severity: Severity
    summary: str
    doc: str
    options: type[RuleOptions]
    check: Check

    @classmethod
    def from_module(cls, module: ModuleType) -> Rule:
        return cls(
            name=module.NAME,
            severity=module.SEVERITY,
            summary=module.SUMMARY,
            doc=inspect.cleandoc(module.__doc__ or ""),
            options=getattr(module, "Options", RuleOptions),
            check=module.check,
        )

    def option_defaults(self) -> dict[str, Any]:
        return self.options().model_dump()


def moments_lacking(
    graph: JourneyGraph, missing: Callable[[MomentOfTruth], bool], what: str
) -> Iterator[Detection]:
    """A finding at every moment of truth for which `missing(moment)` holds."""
    for node in graph.own_steps:
        moment = graph.step(node).moment_of_truth
        if moment is not None and missing(moment):
            yield Detection(
                (*step_at(graph, node), "moment_of_truth"),
                (node,),
                f"the moment of truth at step `{node}` has no {what}",
            )


def listed(steps: list[str], shown: int = 3) -> str:
    """`a`, `a` and `b`, or `a`, `b`, `c` and 7 more: steps named in a message."""
    quoted = [f"`{step}`" for step in steps[:shown]]
    if len(steps) > shown:
        return ", ".join(quoted) + f" and {len(steps) - shown} more"
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def step_at(graph: JourneyGraph, step_id: str) -> tuple[int | str, ...]:
    """The location of a step in its file."""
    return ("steps", graph.step(step_id).index)
