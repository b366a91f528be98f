"""The repository stands alone: no code, test or document reaches for a file outside it.

A clone, a packager's build and a contributor's fork hold only this repository, so a path that
climbs above its root works on one machine and breaks on the next. Two checks: every path the
Python code builds from `__file__` (`parents[N]`, `.parent` chains, then `/ ".."` or
`"../x"` parts) is resolved and must stay inside the root; and no text names notes that live
beside the repository rather than in it.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO

CODE_FOLDERS = ("src", "tests", "benchmarks")
TEXT_FOLDERS = ("src", "tests", "docs", "examples", "benchmarks", "schemas", ".ci")
TEXT_SUFFIXES = {".py", ".md", ".yaml", ".yml", ".toml", ".json", ".txt", ""}
OUTSIDE_NOTES = re.compile(
    r"\.\./shared|\bshared/(?:data|design|seeds)\b|\b(?:FORMAT|PRODUCT|HAZARDS|STYLE)\.md\b"
)
"""Names of the team's notes kept next to the repository: never part of it."""


def python_files() -> Iterator[Path]:
    for folder in CODE_FOLDERS:
        yield from sorted((REPO / folder).rglob("*.py"))


def text_files() -> Iterator[Path]:
    for folder in TEXT_FOLDERS:
        for path in sorted((REPO / folder).rglob("*")):
            if path.is_file() and path.suffix in TEXT_SUFFIXES and ".venv" not in path.parts:
                yield path
    for name in ("README.md", "action.yml", "pyproject.toml", ".pre-commit-hooks.yaml"):
        yield REPO / name


class _FileAnchoredPaths(ast.NodeVisitor):
    """Collect every path expression rooted at `__file__`, evaluated to a concrete folder."""

    def __init__(self, source: Path) -> None:
        self.source = source
        self.found: list[tuple[int, Path]] = []

    def visit_BinOp(self, node: ast.BinOp) -> None:
        resolved = self._evaluate(node)
        if resolved is not None:
            self.found.append((node.lineno, resolved))
            return
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        resolved = self._evaluate(node)
        if resolved is not None:
            self.found.append((node.lineno, resolved))
            return
        self.generic_visit(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        resolved = self._evaluate(node)
        if resolved is not None:
            self.found.append((node.lineno, resolved))
            return
        self.generic_visit(node)

    def _evaluate(self, node: ast.AST) -> Path | None:
        """The path `node` names when it is built from `__file__`, else None."""
        if isinstance(node, ast.Name) and node.id == "__file__":
            return self.source
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id == "Path" and len(node.args) == 1:
                return self._evaluate(node.args[0])
            if isinstance(func, ast.Attribute) and func.attr in {"resolve", "absolute"}:
                return self._evaluate(func.value)
            return None
        if isinstance(node, ast.Attribute) and node.attr == "parent":
            inner = self._evaluate(node.value)
            return None if inner is None else inner.parent
        if isinstance(node, ast.Subscript):
            if isinstance(node.value, ast.Attribute) and node.value.attr == "parents":
                inner = self._evaluate(node.value.value)
                index = node.slice
                if (
                    inner is not None
                    and isinstance(index, ast.Constant)
                    and isinstance(index.value, int)
                ):
                    return _climb(inner, index.value + 1)
            return None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            left = self._evaluate(node.left)
            right = node.right
            if (
                left is not None
                and isinstance(right, ast.Constant)
                and isinstance(right.value, str)
            ):
                return _join(left, right.value)
        return None


def _climb(path: Path, levels: int) -> Path:
    for _ in range(levels):
        path = path.parent
    return path


def _join(base: Path, relative: str) -> Path:
    """Join without touching the disk: `..` climbs even when the folder does not exist."""
    parts = list(base.parts)
    for part in Path(relative).parts:
        if part == "..":
            parts = parts[:-1]
        elif part not in {".", ""}:
            parts.append(part)
    return Path(*parts)


def _inside(path: Path) -> bool:
    return path == REPO or REPO in path.parents


@pytest.mark.parametrize("source", list(python_files()), ids=lambda p: str(p.relative_to(REPO)))
def test_paths_built_from_the_source_file_stay_in_the_repository(source: Path) -> None:
    visitor = _FileAnchoredPaths(source.resolve())
    visitor.visit(ast.parse(source.read_text(encoding="utf-8"), filename=str(source)))
    outside = [(line, path) for line, path in visitor.found if not _inside(path)]
    assert not outside, f"{source.relative_to(REPO)} builds paths outside the repository: {outside}"


def test_no_text_names_notes_kept_outside_the_repository() -> None:
    hits = []
    for path in text_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            if OUTSIDE_NOTES.search(line) and path.name != Path(__file__).name:
                hits.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert not hits, "\n".join(hits)


def test_the_checker_sees_a_path_that_climbs_out() -> None:
    """The walker itself works: the old way of reaching the SARIF schema is caught."""
    code = 'SCHEMA = Path(__file__).resolve().parents[2] / ".." / "shared" / "x.json"\n'
    visitor = _FileAnchoredPaths(REPO / "tests" / "reporters" / "test_sarif.py")
    visitor.visit(ast.parse(code))
    assert [_inside(path) for _, path in visitor.found] == [False]
    assert OUTSIDE_NOTES.search("see ../shared/design/FORMAT.md")
