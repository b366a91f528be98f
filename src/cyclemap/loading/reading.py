"""Bytes on disk -> checked text -> node tree, with every refusal explained."""

from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path

import yaml

from cyclemap.errors import InputOutputError, LoadError, Problem
from cyclemap.format.codes import FILE_TOO_LARGE, FORBIDDEN_CHARACTER, NOT_UTF8, YAML_SYNTAX
from cyclemap.loading.yaml_nodes import C_PARSER as _C_PARSER
from cyclemap.loading.yaml_nodes import Node, NodeError, compose, problem_at
from cyclemap.util.files import remember_input

MAX_BYTES = 32 * 1024 * 1024
"""Largest file read; a journey is kilobytes, a 100,000-step benchmark journey ~20 MB."""

_FOREIGN_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)

_SYNTAX_HINTS = (
    ("tab", "indent with spaces: YAML does not allow tabs for indentation"),
    ("mapping values are not allowed", "check the indentation, or quote a value containing `: `"),
    ("could not find expected ':'", "each field is `key: value`; check the line above"),
    ("found undefined alias", "aliases are not allowed; write the value out in full"),
    ("did not find expected key", "check the indentation of this block"),
    ("found unexpected end of stream", "a quote or bracket is not closed"),
    ("found character that cannot start any token", "quote values starting with @ or `"),
)


def read_bytes(path: Path, display: str) -> bytes:
    """The file's bytes, refusing what is not a regular file or is too large to be a journey."""
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise InputOutputError(display, "is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):  # a FIFO or a device could block or never end
            raise InputOutputError(display, "is not a regular file")
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
        remember_input(path)
    except FileNotFoundError:
        raise InputOutputError(display, "no such file") from None
    except PermissionError:
        raise InputOutputError(display, "permission denied (cannot read the file)") from None
    except OSError as error:
        raise InputOutputError(display, f"cannot read the file ({error.strerror})") from None
    if len(data) > MAX_BYTES:
        raise LoadError(
            [
                FILE_TOO_LARGE.problem(
                    display,
                    1,
                    1,
                    "",
                    f"the file is larger than {MAX_BYTES // 2**20} MiB, far more than a journey",
                    "split it into several journeys, or check that this is the right file",
                )
            ]
        )
    return data


def _line_and_column(data: bytes, offset: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", errors="replace"))
    return data.count(b"\n", 0, offset) + 1, column + 1


def decode(data: bytes, display: str) -> str:
    """UTF-8 text (a BOM is accepted); anything else is refused with the place it went wrong."""
    for bom, name in _FOREIGN_BOMS:
        if data.startswith(bom):
            raise LoadError(
                [
                    NOT_UTF8.problem(
                        display,
                        1,
                        1,
                        "",
                        f"the file is encoded as {name}; journeys must be UTF-8",
                        "save the file as UTF-8 in your editor",
                    )
                ]
            )
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    nul = data.find(b"\0")
    if nul >= 0:
        line, column = _line_and_column(data, nul)
        raise LoadError(
            [
                NOT_UTF8.problem(
                    display,
                    line,
                    column,
                    "",
                    "the file contains a NUL byte; it is not UTF-8 text",
                    "if it is UTF-16, save it as UTF-8; else check this is a journey file",
                )
            ]
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _line_and_column(data, error.start)
        raise LoadError(
            [
                NOT_UTF8.problem(
                    display,
                    line,
                    column,
                    "",
                    f"the file is not valid UTF-8 (byte 0x{data[error.start]:02X})",
                    "save the file as UTF-8 in your editor",
                )
            ]
        ) from None


def _syntax_problem(error: yaml.YAMLError, text: str, display: str) -> Problem:
    mark = getattr(error, "problem_mark", None)
    if isinstance(error, yaml.reader.ReaderError):
        character = error.character
        code = character if isinstance(character, int) else ord(str(character)[:1] or "?")
        offset = error.position
        if _C_PARSER:  # libyaml counts bytes of the UTF-8 text, not characters
            offset = len(text.encode("utf-8")[:offset].decode("utf-8", errors="ignore"))
        before = text[:offset]
        line = before.count("\n") + 1
        column = offset - (before.rfind("\n") + 1) + 1
        return FORBIDDEN_CHARACTER.problem(
            display,
            line,
            column,
            "",
            f"the file contains the character U+{code:04X}, which YAML does not allow",
            "remove it; journeys are plain UTF-8 text",
        )
    problem = str(getattr(error, "problem", None) or error).strip()
    context = getattr(error, "context", None)
    message = f"YAML syntax error: {problem}"
    if context:
        message += f" ({context})"
    hint = next(
        (advice for needle, advice in _SYNTAX_HINTS if needle in problem),
        "check the indentation and quoting here",
    )
    opened = getattr(error, "context_mark", None)
    if opened is not None and context and "flow" in context:
        hint = (
            f"the bracket opened at line {opened.line + 1}, column {opened.column + 1} is not "
            "closed properly"
        )
    line = mark.line + 1 if mark is not None else 1
    column = mark.column + 1 if mark is not None else 1
    if mark is not None and text[mark.index : mark.index + 1] == "\t":
        message = "YAML syntax error: a tab character where YAML expects spaces"
        hint = "indent with spaces: YAML does not allow tabs for indentation"
    return YAML_SYNTAX.problem(display, line, column, "", message, hint)


def parse(text: str, display: str) -> Node | None:
    """The node tree of the text; None for an empty document."""
    try:
        return compose(text)
    except NodeError as error:
        raise LoadError([problem_at(display, error)]) from None
    except yaml.YAMLError as error:
        raise LoadError([_syntax_problem(error, text, display)]) from None
    except RecursionError:  # pure-Python parser only; the depth check normally comes first
        raise LoadError(
            [
                FILE_TOO_LARGE.problem(
                    display, 1, 1, "", "the document is nested too deeply", "check the indentation"
                )
            ]
        ) from None


def read_document(path: Path, display: str) -> Node | None:
    """Read, decode and parse one YAML file."""
    return parse(decode(read_bytes(path, display), display), display)
