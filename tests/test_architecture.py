"""The folder tree is the architecture: imports point one way, and no module needs another to
be imported first.

Three checks. Every `import` in the package, at the top of a module, inside a function or
under TYPE_CHECKING, is checked against the layers below: a module imports its own layer or a
lower one, never a higher one nor a sibling of its layer. Those imports form no cycle, not
even inside one layer (an import inside a function only hides a cycle until that function
runs). And every module is imported on its own, with no other cyclemap module loaded before
it, so a module that needs one still being initialised fails here, whatever order the rest of
the suite happens to import things in.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest

from tests.conftest import REPO

PACKAGE = REPO / "src" / "cyclemap"

LAYERS: tuple[tuple[str, ...], ...] = (
    ("cyclemap.about", "cyclemap.errors"),
    ("cyclemap.util",),
    ("cyclemap.findings",),
    ("cyclemap.format",),
    ("cyclemap.loading",),
    ("cyclemap.graph",),
    ("cyclemap.rules",),
    ("cyclemap.analysis", "cyclemap.mining"),
    ("cyclemap.engine",),
    ("cyclemap.render", "cyclemap.reporters"),
    ("cyclemap", "cyclemap.terminal"),
    ("cyclemap.serve",),
    ("cyclemap.cli",),
    ("cyclemap.launcher",),
    ("cyclemap.__main__",),
)
"""Lowest first. A module may import its own part (a package or a single module) and anything
in a lower layer; the parts sharing a layer are independent of each other. `cyclemap` is the
package root alone (the library API of `cyclemap.load`, `validate`, `audit`, `stats`);
`terminal` is what commands print and how they end, shared by the typer application (`cli`)
and the `launcher` that runs the common command lines without it; `cyclemap.serve`, the web
preview, sits on the library and only the command line uses it."""

RULE_IMPORTS = ("cyclemap.rules.base", "cyclemap.graph", "cyclemap.findings")
"""All a rule module may import: its base, the graph and findings."""


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> list[str]:
    return sorted(module_name(path) for path in PACKAGE.rglob("*.py"))


def part_of(module: str) -> tuple[int, str]:
    """(layer number, part) of a module: the longest part name that contains it."""
    found = [
        (len(part), number, part)
        for number, layer in enumerate(LAYERS)
        for part in layer
        if module == part or (part != "cyclemap" and module.startswith(part + "."))
    ]
    if not found:
        raise LookupError(module)
    _, number, part = max(found)
    return number, part


def is_module(name: str) -> bool:
    where = PACKAGE.parent.joinpath(*name.split("."))
    return where.with_suffix(".py").is_file() or (where / "__init__.py").is_file()


def imports_of(path: Path) -> Iterator[tuple[int, str]]:
    """(line, module) of every cyclemap import in a file: top level, in functions, under
    TYPE_CHECKING; `from package import module` names the module itself."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "cyclemap":
                    yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            if source.split(".")[0] != "cyclemap":
                continue
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                yield node.lineno, submodule if is_module(submodule) else source


def test_every_module_has_a_layer() -> None:
    unplaced = []
    for module in modules():
        try:
            part_of(module)
        except LookupError:
            unplaced.append(module)
    assert not unplaced, f"add these modules to a layer in {__name__}.LAYERS: {unplaced}"


def test_imports_point_down_the_layers() -> None:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        number, part = part_of(module_name(path))
        for line, imported in imports_of(path):
            their_number, their_part = part_of(imported)
            if their_part != part and their_number >= number:
                where = f"{path.relative_to(REPO)}:{line}"
                wrong.append(f"{where}: {part} imports {imported} ({their_part}, not below it)")
    assert not wrong, "\n".join(wrong)


def test_rules_import_only_the_graph_findings_and_their_base() -> None:
    """A rule reads the typed graph: no graph library, no file, no terminal; beside cyclemap's
    graph, findings and rule base, only the standard library and pydantic (its options)."""
    wrong = []
    for path in sorted((PACKAGE / "rules").glob("*.py")):
        if path.name in ("__init__.py", "base.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                allowed = (
                    any(name == part or name.startswith(part + ".") for part in RULE_IMPORTS)
                    if top == "cyclemap"
                    else top in sys.stdlib_module_names or top == "pydantic"
                )
                if not allowed:
                    wrong.append(f"{path.relative_to(REPO)}:{node.lineno}: {name}")
    assert not wrong, "\n".join(wrong)


def test_imports_form_no_cycle() -> None:
    graph = nx.DiGraph()
    for path in sorted(PACKAGE.rglob("*.py")):
        module = module_name(path)
        graph.add_node(module)
        graph.add_edges_from(
            (module, imported) for _, imported in imports_of(path) if imported != module
        )
    tangles = [sorted(nodes) for nodes in nx.strongly_connected_components(graph) if len(nodes) > 1]
    assert not tangles, f"import cycles: {tangles}"


IMPORT_EACH_ALONE = """
import importlib, json, sys, traceback
package, names = sys.argv[1], json.loads(sys.argv[2])
failed = {}
for name in names:
    for loaded in [key for key in sys.modules if key.split(".")[0] == package]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception:
        failed[name] = traceback.format_exc(limit=-3)
print(json.dumps(failed))
"""


def import_each_alone(package: str, names: list[str], *, cwd: Path) -> dict[str, str]:
    """Import each module in one fresh interpreter, with none of `package` loaded before it
    (the third-party modules stay loaded, so it takes seconds): name -> traceback of those
    that fail."""
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_EACH_ALONE, package, json.dumps(names)],
        capture_output=True,
        text=True,
        check=True,
        cwd=cwd,
    )
    failed: dict[str, str] = json.loads(done.stdout.strip().splitlines()[-1])
    return failed


def test_every_module_imports_on_its_own() -> None:
    """A cycle raises `ImportError` (a partially initialised module) or `AttributeError`."""
    names = [name for name in modules() if name != "cyclemap.__main__"]  # runs the program
    failed = import_each_alone("cyclemap", names, cwd=REPO)
    assert not failed, "\n".join(f"{name}:\n{trace}" for name, trace in failed.items())


def test_importing_alone_finds_a_cycle(tmp_path: Path) -> None:
    """The check above on a package with a cycle that a lucky import order hides."""
    package = tmp_path / "tangled"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "first.py").write_text("from tangled.second import B\nA = 1\n", encoding="utf-8")
    (package / "second.py").write_text("from tangled.first import A\nB = A\n", encoding="utf-8")
    (package / "third.py").write_text("X = 3\n", encoding="utf-8")
    failed = import_each_alone("tangled", ["tangled.first", "tangled.third"], cwd=tmp_path)
    assert set(failed) == {"tangled.first"}
    assert "partially initialized" in failed["tangled.first"]


@pytest.mark.parametrize(
    ("module", "imported", "allowed"),
    [
        ("cyclemap.graph.journey", "cyclemap.rules.base", False),  # a lower layer reaching up
        ("cyclemap.analysis.report", "cyclemap.mining", False),  # siblings stay apart
        ("cyclemap.rules.dead_end", "cyclemap.graph.flow_model", True),
        ("cyclemap.engine.auditing", "cyclemap.engine.run", True),  # inside one part
        ("cyclemap.cli", "cyclemap", True),
        ("cyclemap", "cyclemap.cli", False),
    ],
)
def test_the_layering_rule_itself(module: str, imported: str, allowed: bool) -> None:
    """The rule the layering test applies, on known cases (so the test above can fail)."""
    number, part = part_of(module)
    their_number, their_part = part_of(imported)
    assert (their_part == part or their_number < number) is allowed
