"""Journey files -> validated journeys that remember where every value came from.

`load_journey` is the one way in: read and parse safely (`reading`, `yaml_nodes`: YAML with
positions and limits), validate the structure with the models (`model_errors` says what is
wrong in the user's words), resolve `imports` (catalogs), then check references
(`references`); every problem of the file is collected and raised together in a `LoadError`,
each with file, line, column, field path (`source_map`) and a hint. `discovery` finds the
journey files under the paths given.
"""

from __future__ import annotations

import typing
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from cyclemap.errors import LoadError, PicklableError, Problem
from cyclemap.format.model import (
    CatalogFile,
    Channel,
    Channels,
    JourneyFile,
    Stage,
    Step,
    Team,
    Teams,
    _as_text,
)
from cyclemap.format.validators import validator
from cyclemap.loading.imports import (
    JOURNEY_KEYS,
    Catalog,
    Definition,
    Definitions,
    ImportResolver,
    repository_root,
)
from cyclemap.loading.model_errors import translate
from cyclemap.loading.reading import read_document
from cyclemap.loading.references import KnownIds, check_document
from cyclemap.loading.source_map import position
from cyclemap.loading.yaml_nodes import MappingNode, Node, to_data
from cyclemap.util.gcpause import collector_paused
from cyclemap.util.paths import display_path

__all__ = [
    "Definition",
    "LoadedJourney",
    "NotAJourney",
    "load_catalog",
    "load_journey",
    "read_document",
    "repository_root",
]

M = TypeVar("M", bound=BaseModel)
CATALOG_KEYS = frozenset(CatalogFile.model_fields)


class NotAJourney(PicklableError):
    """The file is YAML but not a journey (no top-level `cyclemap:` key)."""


@dataclass(frozen=True)
class LoadedJourney:
    """A valid journey with its source: the model, the node tree and the definitions in force."""

    path: Path
    display: str
    document: JourneyFile
    root: MappingNode
    channels: dict[str, Definition[Channel]]
    teams: dict[str, Definition[Team]]
    catalogs: tuple[str, ...]

    @property
    def id(self) -> str:
        return self.document.journey.id

    def position(self, *loc: int | str) -> tuple[int, int]:
        """1-based line and column of the value at `loc` (`"steps", 3, "next"`)."""
        return position(self.root, loc)


def classify(root: Node | None) -> str:
    """`journey`, `catalog` (carrying `cyclemap:`), `bare-catalog` (without it) or `other`."""
    if not isinstance(root, MappingNode):
        return "other"
    keys = root.entries.keys()
    looks_like_catalog = not (JOURNEY_KEYS & keys) and keys <= CATALOG_KEYS
    if "cyclemap" not in keys:
        return "bare-catalog" if looks_like_catalog and {"channels", "teams"} & keys else "other"
    return "catalog" if looks_like_catalog else "journey"


@cache
def _adapter(annotation: Any) -> TypeAdapter[Any]:
    return TypeAdapter(annotation)


def _field_value(model: type[BaseModel], name: str, raw: object) -> object:
    """One field validated on its own; list fields keep their valid items. Raises if invalid."""
    field = model.model_fields[name]
    annotation = field.annotation
    if typing.get_origin(annotation) is list and isinstance(raw, list):
        (item_type,) = typing.get_args(annotation)
        kept = []
        for item in raw:
            try:
                kept.append(_adapter(item_type).validate_python(item))
            except ValidationError:
                continue
        return kept
    return _field_adapter(model, name).validate_python(raw)


@cache
def _field_adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    field = model.model_fields[name]
    annotated: Any = Annotated[field.annotation, field]
    return TypeAdapter(annotated)


def _valid_items(model: type[M], raw: object) -> list[tuple[int, M]]:
    """The items of a list that validate, and of the others every field that does on its own
    (with the rest unset), so one bad field hides none of the item's other problems."""
    if not isinstance(raw, list):
        return []
    valid: list[tuple[int, M]] = []
    for index, item in enumerate(raw):
        try:
            valid.append((index, model.model_validate(item)))
            continue
        except ValidationError:
            pass
        if not isinstance(item, dict):
            continue
        values: dict[str, object] = {}
        for name, field in model.model_fields.items():
            # Unset or invalid: the default, or None for a required field (never checked).
            fallback = None if field.is_required() else field.get_default(call_default_factory=True)
            try:
                values[name] = _field_value(model, name, item[name]) if name in item else fallback
            except ValidationError:
                values[name] = fallback
        if isinstance(values.get("id"), str):
            valid.append((index, model.model_construct(None, **values)))
    return valid


def _valid_entries(annotation: Any, raw: object) -> dict[str, Any]:
    if not isinstance(raw, dict):
        return {}
    valid: dict[str, Any] = {}
    for key, value in raw.items():
        try:
            valid.update(_adapter(annotation).validate_python({key: value}))
        except ValidationError:
            continue
    return valid


def _raw_ids(raw: object) -> set[str]:
    if not isinstance(raw, list):
        return set()
    return {str(_as_text(item["id"])) for item in raw if isinstance(item, dict) and "id" in item}


@dataclass
class _Parts:
    """The well-formed parts of a journey, when the whole did not validate."""

    imports: list[str] | None
    channels: dict[str, Channel]
    teams: dict[str, Team]
    stages: list[tuple[int, Stage]]
    steps: list[tuple[int, Step]]
    known: KnownIds


def _parts_of_valid(document: JourneyFile) -> _Parts:
    return _Parts(
        document.imports,
        document.channels,
        document.teams,
        list(enumerate(document.stages)),
        list(enumerate(document.steps)),
        KnownIds(),
    )


def _salvage(data: dict[str, Any]) -> _Parts:
    imports: list[str] | None
    try:
        imports = _adapter(list[str]).validate_python(
            [_as_text(item) for item in data.get("imports") or []]
        )
    except (ValidationError, TypeError):
        imports = None
    steps = _valid_items(Step, data.get("steps"))
    raw_steps = data.get("steps")
    channels = _valid_entries(Channels, data.get("channels"))
    teams = _valid_entries(Teams, data.get("teams"))
    known = KnownIds(
        stages=_raw_ids(data.get("stages")),
        steps=_raw_ids(raw_steps),
        channels={str(key) for key in data.get("channels") or {}}
        if isinstance(data.get("channels"), dict)
        else set(),
        teams={str(key) for key in data.get("teams") or {}}
        if isinstance(data.get("teams"), dict)
        else set(),
        catalogs_complete=imports is not None,
        entry_written=isinstance(raw_steps, list)
        and any(
            isinstance(item, dict) and item.get("entry") not in (None, False) for item in raw_steps
        ),
    )
    return _Parts(imports, channels, teams, _valid_items(Stage, data.get("stages")), steps, known)


def _share_field_sets(document: JourneyFile) -> None:
    """Every model remembers which fields were written in a set of its own; the steps of a
    large journey (and their transitions) repeat a handful of those sets, which otherwise take
    more memory than the models' values (113 MB of a 100,000-step journey). Each becomes one
    shared frozen set; the models are frozen, so nothing adds to it."""
    shared: dict[frozenset[str], frozenset[str]] = {}
    for step in document.steps:
        for model in (step, *step.next, step.entry, step.moment_of_truth):
            if model is not None:
                written = frozenset(model.__pydantic_fields_set__)
                object.__setattr__(
                    model, "__pydantic_fields_set__", shared.setdefault(written, written)
                )


def load_journey(
    path: Path, display: str | None = None, *, rule_names: Collection[str] | None = None
) -> LoadedJourney:
    """Load and fully validate one journey file; `allow:` keys are checked against
    `rule_names` when given (`cyclemap.load` and the engine give the rule catalog's names).

    Raises `NotAJourney` for YAML without a top-level `cyclemap:` key, `LoadError` with every
    problem found, or `InputOutputError` when the file cannot be read.
    """
    with collector_paused():
        return _load_journey(path, display or display_path(path), rule_names)


def _load_journey(path: Path, display: str, rule_names: Collection[str] | None) -> LoadedJourney:
    root = read_document(path, display)
    kind = classify(root)
    if kind != "journey":
        raise NotAJourney(kind)
    assert isinstance(root, MappingNode)
    data = to_data(root)
    assert isinstance(data, dict)
    problems: list[Problem] = []
    document: JourneyFile | None = None
    try:
        document = validator(JourneyFile).validate_python(data)
        _share_field_sets(document)
        parts = _parts_of_valid(document)
    except ValidationError as error:
        problems.extend(translate(error, model=JourneyFile, root=root, file=display))
        parts = _salvage(data)

    resolver = ImportResolver(repository_root(path))
    catalogs: list[Catalog] = []
    if parts.imports:
        catalogs = resolver.resolve(
            parts.imports,
            owner=path.resolve(),
            owner_display=display,
            owner_root=root,
            chain=(path.resolve(),),
        )
    problems.extend(resolver.problems)
    definitions = Definitions(journey_file=display)
    definitions.add("channels", parts.channels, display=display, root=root)
    definitions.add("teams", parts.teams, display=display, root=root)
    definitions.add_catalogs(catalogs)
    problems.extend(definitions.problems)

    known = parts.known
    known.channels |= definitions.channels.keys()
    known.teams |= definitions.teams.keys()
    known.catalogs_complete = known.catalogs_complete and not resolver.failed
    problems.extend(
        check_document(
            stages=parts.stages,
            steps=parts.steps,
            file=display,
            root=root,
            known=known,
            rule_names=rule_names,
        )
    )
    if problems or document is None:
        raise LoadError(problems)
    return LoadedJourney(
        path=path,
        display=display,
        document=document,
        root=root,
        channels=definitions.channels,
        teams=definitions.teams,
        catalogs=tuple(dict.fromkeys(catalog.display for catalog in catalogs)),
    )


def load_catalog(path: Path) -> Sequence[Problem]:
    """Check a catalog file on its own (one that carries `cyclemap:` so validate finds it)."""
    resolver = ImportResolver(repository_root(path))
    catalog = resolver.load_standalone(path)
    problems = list(resolver.problems)
    if catalog is not None and catalog.document is not None:
        definitions = Definitions(journey_file="")
        definitions.add_catalogs([catalog])
        problems.extend(definitions.problems)
    return problems
