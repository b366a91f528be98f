"""The validators of the file models, kept between runs the way Python keeps bytecode.

Building a pydantic validator means generating its core schema from the model's annotations,
about as long as checking a small journey takes, and the models are built on first use
(`defer_build`) for that reason. The core schemas of the files' models are therefore saved,
once built, in the `__pycache__` folder beside `model.py` (wherever Python writes that
module's bytecode), tagged with what they were built from: the model's source file (its size
and time of change) and the versions of Python, pydantic and pydantic-core. A later run whose
tag matches builds its validators from them directly, in well under a millisecond; any other
run, or a cache that cannot be read or written, builds them from the models as pydantic
would. What is saved holds only the validators' part of each schema (no JSON Schema or
serialisation hooks), as a pickle trusted as much as the bytecode beside it.

The validators are pydantic-core's own `SchemaValidator`s: they create the same model objects
and raise the same `ValidationError`s as `Model.model_validate`, without pydantic's plugin
hooks (which a command-line run has no use for, and whose discovery reads every installed
package's metadata).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sys
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic_core import SchemaValidator

from cyclemap.format import model
from cyclemap.format.model import CatalogFile, JourneyFile

CACHED: tuple[type[BaseModel], ...] = (JourneyFile, CatalogFile)
"""The models of whole files, validated on every run."""

_LEFT_OUT = frozenset({"metadata", "serialization"})
"""Parts of a core schema validation never reads; they may hold functions pickle cannot
save (JSON Schema hooks)."""


def validator(cls: type[BaseModel]) -> SchemaValidator:
    """The validator of `cls` (one of `CACHED`): validating with it is `cls.model_validate`."""
    return _validators()[cls.__name__]


def _cache_file() -> Path | None:
    from importlib.util import cache_from_source

    source = model.__file__
    if source is None:  # pragma: no cover - a frozen or zipped build
        return None
    try:
        bytecode = Path(cache_from_source(source))
    except NotImplementedError:  # pragma: no cover - no bytecode cache on this Python
        return None
    return bytecode.with_name("validators." + bytecode.name.rsplit(".", 1)[0] + ".pickle")


def _tag() -> tuple[object, ...]:
    import pydantic
    import pydantic_core

    info = os.stat(model.__file__ or "")
    return (
        info.st_size,
        info.st_mtime_ns,
        sys.implementation.cache_tag,
        pydantic.VERSION,
        pydantic_core.__version__,
    )


@cache
def _validators() -> dict[str, SchemaValidator]:
    schemas = _saved_schemas()
    if schemas is None:
        schemas = {cls.__name__: _built(cls) for cls in CACHED}
        _save(schemas)
    return {cls.__name__: SchemaValidator(*schemas[cls.__name__]) for cls in CACHED}


def _built(cls: type[BaseModel]) -> tuple[Any, Any]:
    """The core schema and configuration of the model's validator, as pydantic builds it (the
    arguments it is pickled with), for validation only."""
    cls.model_rebuild()
    reduced: Any = cls.__pydantic_validator__.__reduce__()
    schema, config = reduced[1][:2]
    return _for_validation(schema), config


def _for_validation(schema: Any) -> Any:
    """`schema` without the parts validation does not read."""
    if isinstance(schema, dict):
        return {
            key: _for_validation(value) for key, value in schema.items() if key not in _LEFT_OUT
        }
    if isinstance(schema, list):
        return [_for_validation(item) for item in schema]
    return schema


def _saved_schemas() -> dict[str, Any] | None:
    path = _cache_file()
    if path is None:
        return None
    try:
        with path.open("rb") as handle:
            tag, schemas = pickle.load(handle)
        if (
            tag == _tag()
            and isinstance(schemas, dict)
            and set(schemas) >= {cls.__name__ for cls in CACHED}
        ):
            return schemas
    except Exception:  # missing, unreadable or stale: build them again
        return None
    return None


def _save(schemas: dict[str, Any]) -> None:
    """Saves the schemas where Python would write bytecode (nothing when it would not: a
    read-only installation, `PYTHONDONTWRITEBYTECODE`); written aside, then renamed, so a run
    never reads half a file."""
    import tempfile

    path = _cache_file()
    if path is None or sys.dont_write_bytecode:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = pickle.dumps((_tag(), schemas), protocol=pickle.HIGHEST_PROTOCOL)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        return  # the validators still work; the next run builds them again
