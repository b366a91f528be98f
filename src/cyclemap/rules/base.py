"""What a rule is: a name, a default severity, options, documentation and a check.

A rule module declares `NAME`, `SEVERITY`, `SUMMARY`, an `Options` model and a `check(graph,
options)` generator of `Detection`s; a log rule (`LOG_RULE = True`, run by `audit --log`)
takes what the log observed too: `check(graph, options, log)`. The module's docstring is the
rule's documentation, in the sections of `SECTIONS`; the Options section is written here from
the options model's fields, so an option is documented once. The engine, not the rule, adds
the rule's name and configured severity, applies `allow` and turns locations into lines.

Rules speak the reader's language: messages and `SUMMARY` go through gettext (`_`, `N_`,
`ngettext`, exported here, since a rule imports nothing else of cyclemap), an option's
`description` is marked `N_`. The documentation is a page, not a list of sentences, so each
language has its own: the docstring in English and `DOC_ES` in Spanish, with the same sections
(headings in Spanish); the examples are written once, in the docstring, and a page in another
language says `[example]` on a line of its own where the same section's next example goes. A
test holds the pages together. A finding without
steps carries a `subject` in English (the message's msgid, formatted), its identity in every
language.
"""

from __future__ import annotations

import inspect
import re
import textwrap
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from pydantic import BaseModel, ConfigDict

from cyclemap.errors import format_reference
from cyclemap.findings import Severity
from cyclemap.format.model import MomentOfTruth
from cyclemap.graph import JourneyGraph
from cyclemap.graph.observed import ObservedLog
from cyclemap.util.i18n import N_, SOURCE, _, language, ngettext, translated
from cyclemap.util.numbers import customers, number, percent

__all__ = [
    "N_",
    "SECTIONS",
    "Detection",
    "ObservedLog",
    "Rule",
    "RuleOptions",
    "_",
    "customers",
    "listed",
    "moments_lacking",
    "ngettext",
    "number",
    "percent",
    "step_at",
]

SECTIONS = (
    N_("What it does"),
    N_("Why is this bad?"),
    N_("Example"),
    N_("Use instead"),
    N_("Options"),
    N_("Known problems"),
)
"""The sections of every rule's documentation, in order (those of ruff's rule pages). A rule's
docstring has all but Options, which is written from its options model; a page in another
language has them under their translated headings."""

_HEADING = re.compile(r"^## (.+)$", re.MULTILINE)
_CODE = re.compile(r"^```\w*\n.*?^```$", re.MULTILINE | re.DOTALL)
EXAMPLE = "[example]"
"""In a page of another language, a line where the English section's next example goes."""
_EXAMPLE = re.compile(r"^" + re.escape(EXAMPLE) + r"$", re.MULTILINE)
WIDTH = 96
"""Lines of the written Options section wrap here, like the docstrings."""


class RuleOptions(BaseModel):
    """Options a rule accepts in the configuration; none by default. Each field's
    `description` (marked `N_`, translated where it is shown) is its documentation (`cyclemap
    explain`, SARIF help)."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, strict=True, use_attribute_docstrings=True
    )


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
    subject: str = ""
    """For a finding without steps: what it is about, in English whatever the language (its
    identity across runs and languages; see `Finding.fingerprint`)."""

    def severity(self, configured: Severity) -> Severity:
        if self.at_most is not None and self.at_most.rank < configured.rank:
            return self.at_most
        return configured


Check = Callable[..., Iterable[Detection]]
"""`check(graph, options)`, or `check(graph, options, log)` for a log rule."""


@dataclass(frozen=True)
class Rule:
    name: str
    severity: Severity
    english_summary: str
    """`SUMMARY` as written (the msgid); `summary` is it in the current language."""
    pages: dict[str, str]
    """The documentation by language: the docstring (`en`), `DOC_ES` (`es`)."""
    options: type[RuleOptions]
    check: Check
    log: bool = False
    """A log rule: it compares the journey with an event log (`audit --log`)."""

    @classmethod
    def from_module(cls, module: ModuleType) -> Rule:
        pages = {SOURCE: inspect.cleandoc(module.__doc__ or "")}
        spanish = getattr(module, "DOC_ES", None)
        if spanish:
            pages["es"] = inspect.cleandoc(spanish)
        return cls(
            name=module.NAME,
            severity=module.SEVERITY,
            english_summary=module.SUMMARY,
            pages=pages,
            options=getattr(module, "Options", RuleOptions),
            check=module.check,
            log=getattr(module, "LOG_RULE", False),
        )

    def page(self, code: str) -> tuple[str, dict[str, str]]:
        """(title, sections) of the documentation in the language `code` (English when it
        has none): the first line after `name: `, and each section by its English heading."""
        if code not in self.pages:
            code = SOURCE
        title, sections = _sections(self.pages[code], code)
        if code != SOURCE:
            english = _sections(self.pages[SOURCE], SOURCE)[1]
            sections = {
                heading: _with_examples(text, english.get(heading, ""))
                for heading, text in sections.items()
            }
        return title, sections

    @property
    def summary(self) -> str:
        """What goes wrong, in a sentence, in the current language."""
        return _(self.english_summary)

    @property
    def title(self) -> str:
        """The documentation's first line after `name: `: what goes wrong, in a line."""
        return self.page(language())[0]

    @property
    def sections(self) -> dict[str, str]:
        """The documentation's sections by (English) heading (see `SECTIONS`), each without
        its heading, in the current language."""
        return self.page(language())[1]

    def option_defaults(self) -> dict[str, Any]:
        return self.options().model_dump()

    @property
    def options_text(self) -> str:
        """The Options section, from the options model: each option with its default and its
        description, `severity` first since every rule takes it."""
        items = [
            _('`severity` (default `"{severity}"`): `"error"`, `"warning"` or `"info"`.').format(
                severity=self.severity.value
            ),
            *(
                _("`{name}` (default `{default}`): {description}").format(
                    name=name,
                    default=_toml(info.default),
                    description=_(info.description) if info.description else "",
                )
                for name, info in self.options.model_fields.items()
            ),
        ]
        where = _(
            "In `cyclemap.toml` (or under `[tool.cyclemap]` in `pyproject.toml`), in the table "
            "`[rules.{name}]`:"
        ).format(name=self.name)
        bullets = (_wrap(" ".join(item.split()), "- ", "  ") for item in items)
        return _wrap(where) + "\n\n" + "\n".join(bullets)

    @property
    def see(self) -> str:
        """The rule's section of the format reference: its name is its code and its anchor."""
        return f"{format_reference(language())}#{self.name}"

    @property
    def description(self) -> str:
        """What the rule does, on one line (SARIF's `fullDescription`)."""
        return " ".join(self.sections.get("What it does", self.summary).split())

    @property
    def doc(self) -> str:
        """The whole documentation, as `cyclemap explain` prints it and SARIF's help carries
        it: the title, then every section in order, in the current language."""
        title, sections = self.page(language())
        sections = {**sections, "Options": self.options_text}
        body = "\n\n".join(
            f"## {_(heading)}\n\n{sections[heading]}" for heading in SECTIONS if heading in sections
        )
        return f"{self.name}: {title}\n\n{body}"


def _sections(page: str, code: str) -> tuple[str, dict[str, str]]:
    """A page's title (its first line after `name: `) and its sections by English heading."""
    first, _newline, body = page.partition("\n")
    headings = {translated(heading, code): heading for heading in SECTIONS}
    parts = _HEADING.split(body)
    sections = {
        headings.get(heading.strip(), heading.strip()): content.strip()
        for heading, content in zip(parts[1::2], parts[2::2], strict=True)
    }
    return first.partition(": ")[2].strip(), sections


def _with_examples(text: str, english: str) -> str:
    """`text` with each `[example]` line replaced by the English section's next example; the
    markers left over, if the English section has fewer, stay as they are (a test sees them)."""
    examples = iter(_CODE.findall(english))
    return _EXAMPLE.sub(lambda marker: next(examples, marker.group(0)), text)


def _wrap(text: str, first: str = "", then: str = "") -> str:
    """`text` in lines of `WIDTH`, never broken inside a name (`drop-off-point`)."""
    return textwrap.fill(
        text,
        WIDTH,
        initial_indent=first,
        subsequent_indent=then,
        break_long_words=False,
        break_on_hyphens=False,
    )


def _toml(value: object) -> str:
    """A default as it is written in TOML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return repr(value)


def moments_lacking(
    graph: JourneyGraph, missing: Callable[[MomentOfTruth], bool], message: str
) -> Iterator[Detection]:
    """A finding at every moment of truth for which `missing(moment)` holds; `message` (in the
    current language) names the step as `{step}`."""
    for node in graph.own_steps:
        moment = graph.step(node).moment_of_truth
        if moment is not None and missing(moment):
            yield Detection(
                (*step_at(graph, node), "moment_of_truth"),
                (node,),
                message.format(step=node),
            )


def listed(steps: list[str], shown: int = 3) -> str:
    """`a`, `a` and `b`, or `a`, `b`, `c` and 7 more: steps named in a message."""
    quoted = [f"`{step}`" for step in steps[:shown]]
    if len(steps) > shown:
        return _("{named} and {count} more").format(
            named=", ".join(quoted), count=len(steps) - shown
        )
    if len(quoted) == 1:
        return quoted[0]
    return _("{first} and {last}").format(first=", ".join(quoted[:-1]), last=quoted[-1])


def step_at(graph: JourneyGraph, step_id: str) -> tuple[int | str, ...]:
    """The location of a step in its file."""
    return ("steps", graph.step(step_id).index)
