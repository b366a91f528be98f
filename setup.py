"""The one build step beyond pyproject.toml's: the gettext catalogs are compiled.

`src/cyclemap/locale/<language>/LC_MESSAGES/cyclemap.po` (kept in the repository, edited by
translators) becomes `cyclemap.mo` (what gettext reads) in the built package; an editable
install (`pip install -e .`) compiles it in place, beside the `.po`, where the package is read
from. Babel compiles it (a build requirement), and leaves out fuzzy entries.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from setuptools import Command, setup
from setuptools.command.build import build

SOURCE = Path("src")
CATALOGS = "cyclemap/locale/*/LC_MESSAGES/cyclemap.po"


class compile_catalogs(Command):  # setuptools names its commands in lower case
    """Compile every `.po` catalog to its `.mo`."""

    description = "compile the gettext catalogs (.po -> .mo)"
    user_options: ClassVar[list[tuple[str, str | None, str]]] = []
    editable_mode = False

    def initialize_options(self) -> None:
        self.build_lib: str | None = None
        self.editable_mode = False

    def finalize_options(self) -> None:
        self.set_undefined_options("build_py", ("build_lib", "build_lib"))

    def _pairs(self) -> list[tuple[Path, Path]]:
        pairs = []
        for source in sorted(SOURCE.glob(CATALOGS)):
            relative = source.relative_to(SOURCE).with_suffix(".mo")
            folder = SOURCE if self.editable_mode else Path(self.build_lib or "")
            target = folder / relative
            pairs.append((source, target))
        return pairs

    def run(self) -> None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for source, target in self._pairs():
            with source.open("rb") as handle:
                catalog = read_po(handle, domain="cyclemap")
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("wb") as handle:
                write_mo(handle, catalog)

    def get_source_files(self) -> list[str]:
        return [str(source) for source, _ in self._pairs()]

    def get_outputs(self) -> list[str]:
        return [str(target) for _, target in self._pairs()]

    def get_output_mapping(self) -> dict[str, str]:
        return {str(target): str(source) for source, target in self._pairs()}


class build_with_catalogs(build):
    sub_commands: ClassVar = [*build.sub_commands, ("compile_catalogs", None)]


setup(cmdclass={"build": build_with_catalogs, "compile_catalogs": compile_catalogs})
