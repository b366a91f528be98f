"""The README says what the code does: its Library example runs, and its Architecture tree is
the package's folders, in the order of the layers `test_architecture` checks."""

from __future__ import annotations

import re
import shutil
from typing import Any

import pytest

from tests.conftest import REPO
from tests.test_architecture import LAYERS

README = (REPO / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    return README.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


@pytest.mark.skipif(shutil.which("dot") is None, reason="the example draws an svg (Graphviz)")
def test_the_library_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    code = section("Library").split("```python\n", 1)[1].split("```", 1)[0]
    names: dict[str, Any] = {}
    exec(compile(code, "README.md", "exec"), names)
    assert names["result"].exit_code == 1  # the planted peloteo of internet-support
    assert names["handoffs"] and names["observed"].cases and names["page"]


def test_the_architecture_tree_is_the_package_in_layer_order() -> None:
    tree = section("Architecture").split("```\n", 1)[1].split("```", 1)[0]
    folders = re.findall(r"^  ([a-z]+)/ ", tree, re.MULTILINE)
    package = REPO / "src" / "cyclemap"
    subpackages = {path.parent.name for path in package.glob("*/__init__.py")}
    assert set(folders) == subpackages - {"util"}  # util/ is named with the base modules
    layer_of = {
        part.rpartition(".")[2]: number for number, layer in enumerate(LAYERS) for part in layer
    }
    order = [layer_of[folder] for folder in folders]
    assert order == sorted(order, reverse=True), "the tree lists the top layer first"
    assert (package / "findings.py").is_file() and "findings.py" in tree
