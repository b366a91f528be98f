"""`imports`: catalogs of channels and teams shared by many journeys.

Imports are resolved relative to the importing file and must stay inside the repository root,
so a journey in a pull request cannot make CI read `/etc/passwd` or a file beside the checkout
(symlinks are resolved before the check). Each catalog is read once per load even when several
files import it, and a cycle of imports is reported with the whole chain.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Generic, TypeVar

from pydantic import BaseModel, ValidationError

from cyclemap.errors import InputOutputError, LoadError, Problem
from cyclemap.format.codes import (
    DEFINED_TWICE,
    IMPORT_CYCLE,
    IMPORT_NOT_FOUND,
    NOT_A_CATALOG,
    Code,
)
from cyclemap.format.model import CatalogFile, Channel, Team
from cyclemap.format.validators import validator
from cyclemap.loading.model_errors import translate
from cyclemap.loading.reading import read_document
from cyclemap.loading.source_map import key_position, position
from cyclemap.loading.yaml_nodes import MappingNode, Node, to_data
from cyclemap.util.i18n import _
from cyclemap.util.paths import display_path
from cyclemap.util.text import did_you_mean

ROOT_MARKERS = (".git", "cyclemap.toml")
MAX_IMPORT_DEPTH = 32
"""Longest chain of catalogs importing catalogs; real ones are two or three deep, and the
resolver recurses once per link."""
JOURNEY_KEYS = frozenset({"journey", "stages", "steps"})

T = TypeVar("T", bound=BaseModel)


def repository_root(file: Path) -> Path:
    """The nearest folder up from `file` holding `.git` or `cyclemap.toml`; else its folder."""
    folder = file.resolve().parent
    for candidate in (folder, *folder.parents):
        if any((candidate / marker).exists() for marker in ROOT_MARKERS):
            return candidate
    return folder


@dataclass(frozen=True)
class Definition(Generic[T]):
    """A channel or team, with where it was defined (a journey or one of its catalogs)."""

    id: str
    value: T
    file: str
    line: int
    column: int

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass
class Catalog:
    path: Path
    display: str
    root: Node
    document: CatalogFile | None
    imports: list[Catalog] = field(default_factory=list)


@dataclass
class ImportResolver:
    """Loads the catalogs a journey imports, collecting problems instead of stopping."""

    root: Path
    problems: list[Problem] = field(default_factory=list)
    failed: bool = False
    _cache: dict[Path, Catalog | None] = field(default_factory=dict)
    """Every catalog read in this load, once; None for one that failed (already reported)."""

    def resolve(
        self,
        imports: list[str],
        *,
        owner: Path,
        owner_display: str,
        owner_root: Node,
        chain: tuple[Path, ...],
    ) -> list[Catalog]:
        catalogs: list[Catalog] = []
        for index, text in enumerate(imports):
            line, column = position(owner_root, ("imports", index))
            where = (owner_display, line, column, f"imports[{index}]")
            catalog = self._resolve_one(text, owner=owner, where=where, chain=chain)
            if catalog is not None:
                catalogs.append(catalog)
        return catalogs

    def load_standalone(self, path: Path) -> Catalog | None:
        """Check a catalog file named on its own rather than through an import."""
        resolved = Path(os.path.realpath(path))
        return self._load_catalog(resolved, where=(display_path(path), 1, 1, ""), chain=())

    def _refuse(
        self, where: tuple[str, int, int, str], message: str, hint: str, code: Code
    ) -> None:
        self.problems.append(code.problem(*where, message, hint))
        self.failed = True

    def _resolve_one(
        self, text: str, *, owner: Path, where: tuple[str, int, int, str], chain: tuple[Path, ...]
    ) -> Catalog | None:
        if not text.strip():
            self._refuse(
                where,
                _("an import path is empty"),
                _("write the catalog's path, or remove it"),
                IMPORT_NOT_FOUND,
            )
            return None
        if (
            PurePosixPath(text).is_absolute()
            or PureWindowsPath(text).is_absolute()
            or (PureWindowsPath(text).drive)
        ):
            self._refuse(
                where,
                _("the import `{path}` is an absolute path; imports must be relative").format(
                    path=text
                ),
                _("write the path relative to this file, e.g. `../catalog/company.yaml`"),
                IMPORT_NOT_FOUND,
            )
            return None
        try:
            return self._resolve_target(text, owner=owner, where=where, chain=chain)
        except OSError as error:  # a name too long for the file system, a loop of links
            self._refuse(
                where,
                _("the import `{path}` cannot be read ({reason})").format(
                    path=text, reason=error.strerror or error
                ),
                _("check the path, relative to this file"),
                IMPORT_NOT_FOUND,
            )
            return None

    def _resolve_target(
        self, text: str, *, owner: Path, where: tuple[str, int, int, str], chain: tuple[Path, ...]
    ) -> Catalog | None:
        target = Path(os.path.realpath(owner.parent / text))
        if not target.is_relative_to(self.root):
            self._refuse(
                where,
                _("the import `{path}` points outside the repository root `{root}`").format(
                    path=text, root=self.root
                ),
                _(
                    "keep catalogs inside the repository (the folder holding `.git` or "
                    "`cyclemap.toml`)"
                ),
                IMPORT_NOT_FOUND,
            )
            return None
        if target in chain:
            cycle = " -> ".join(display_path(step) for step in (*chain, target))
            self._refuse(
                where,
                _("import cycle: {cycle}").format(cycle=cycle),
                _("remove one of the imports in the cycle"),
                IMPORT_CYCLE,
            )
            return None
        if len(chain) > MAX_IMPORT_DEPTH:
            self._refuse(
                where,
                _("imports are chained more than {depth} catalogs deep").format(
                    depth=MAX_IMPORT_DEPTH
                ),
                _("import the catalogs a journey needs from the journey itself"),
                IMPORT_CYCLE,
            )
            return None
        if target in self._cache:
            cached = self._cache[target]
            if cached is None:
                self.failed = True
            return cached
        if target.is_dir():
            self._refuse(
                where,
                _("the import `{path}` is a folder; imports name catalog files").format(path=text),
                _("name the catalog file inside it, e.g. `{example}`").format(
                    example=text.rstrip("/") + "/company.yaml"
                ),
                IMPORT_NOT_FOUND,
            )
            return None
        if not target.exists():
            siblings = (
                {entry.stem: entry.name for entry in target.parent.glob("*.y*ml")}
                if target.parent.is_dir()
                else {}
            )
            siblings.pop(target.stem, None)  # never suggest the very name that was written
            guess = did_you_mean(target.stem, siblings)
            self._refuse(
                where,
                _("the import `{path}` does not exist").format(path=text),
                _("did you mean `{guess}`?").format(guess=siblings[guess])
                if guess
                else _("check the path, relative to this file"),
                IMPORT_NOT_FOUND,
            )
            return None
        return self._load_catalog(target, where=where, chain=chain)

    def _load_catalog(
        self, path: Path, *, where: tuple[str, int, int, str], chain: tuple[Path, ...]
    ) -> Catalog | None:
        display = display_path(path)
        self._cache[path] = None  # until it loads; a failure is reported once
        try:
            root = read_document(path, display)
        except LoadError as error:
            self.problems.extend(error.problems)
            self.failed = True
            return None
        except InputOutputError as error:
            self._refuse(
                where,
                _("cannot read the import `{path}`: {reason}").format(
                    path=display, reason=error.reason
                ),
                _("check the file's permissions"),
                IMPORT_NOT_FOUND,
            )
            return None
        if not isinstance(root, MappingNode):
            self._refuse(
                where,
                _(
                    "the import `{path}` is not a catalog (it must be a mapping with "
                    "`channels:` and/or `teams:`)"
                ).format(path=display),
                _("import only catalog files"),
                NOT_A_CATALOG,
            )
            return None
        if JOURNEY_KEYS & root.entries.keys():
            self._refuse(
                where,
                _("the import `{path}` is a journey, not a catalog").format(path=display),
                _("imports take catalogs holding only `channels:` and `teams:`"),
                NOT_A_CATALOG,
            )
            return None
        document: CatalogFile | None
        try:
            document = validator(CatalogFile).validate_python(to_data(root))
        except ValidationError as error:
            self.problems.extend(translate(error, model=CatalogFile, root=root, file=display))
            self.failed = True
            document = None
        catalog = Catalog(path, display, root, document)
        self._cache[path] = catalog
        if document is not None:
            catalog.imports = self.resolve(
                document.imports,
                owner=path,
                owner_display=display,
                owner_root=root,
                chain=(*chain, path),
            )
        return catalog


def _walk(catalogs: list[Catalog], seen: set[Path]) -> list[Catalog]:
    """Catalogs depth-first in import order, each once."""
    ordered: list[Catalog] = []
    for catalog in catalogs:
        if catalog.path in seen:
            continue
        seen.add(catalog.path)
        ordered.append(catalog)
        ordered.extend(_walk(catalog.imports, seen))
    return ordered


@dataclass
class Definitions:
    """Channels and teams in force for one journey: its own and its catalogs'."""

    journey_file: str
    channels: dict[str, Definition[Channel]] = field(default_factory=dict)
    teams: dict[str, Definition[Team]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def add(self, kind: str, entries: dict[str, T], *, display: str, root: Node) -> None:
        table: dict[str, Definition[T]] = getattr(self, kind)
        twice, different = (
            (
                _("channel `{id}` is also defined in an imported catalog: {where}"),
                _("channel `{id}` is defined differently here and at {where}"),
            )
            if kind == "channels"
            else (
                _("team `{id}` is also defined in an imported catalog: {where}"),
                _("team `{id}` is defined differently here and at {where}"),
            )
        )
        for entry_id, value in entries.items():
            line, column = key_position(root, (kind, entry_id))
            here = Definition(entry_id, value, display, line, column)
            earlier = table.setdefault(entry_id, here)
            if earlier is here:
                continue
            if earlier.file == self.journey_file:
                self.problems.append(
                    DEFINED_TWICE.problem(
                        earlier.file,
                        earlier.line,
                        earlier.column,
                        f"{kind}.{entry_id}",
                        twice.format(id=entry_id, where=here.where),
                        _("define it in one place only: remove it here or rename it"),
                    )
                )
            elif earlier.value != value:
                self.problems.append(
                    DEFINED_TWICE.problem(
                        display,
                        line,
                        column,
                        f"{kind}.{entry_id}",
                        different.format(id=entry_id, where=earlier.where),
                        _("keep one version of the truth: make them identical or remove one"),
                    )
                )

    def add_catalogs(self, catalogs: list[Catalog]) -> None:
        for catalog in _walk(catalogs, set()):
            if catalog.document is None:
                continue
            for kind in ("channels", "teams"):
                entries = getattr(catalog.document, kind)
                self.add(kind, entries, display=catalog.display, root=catalog.root)
