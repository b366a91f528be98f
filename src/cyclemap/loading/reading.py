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
from cyclemap.util.i18n import N_, _

MAX_BYTES = 32 * 1024 * 1024
"""Largest file read; a journey is kilobytes, a 100,000-step benchmark journey ~20 MB."""

_FOREIGN_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)

_SYNTAX_HINTS = (
    ("tab", N_("indent with spaces: YAML does not allow tabs for indentation")),
    (
        "mapping values are not allowed",
        N_("check the indentation, or quote a value containing `: `"),
    ),
    (
        "block sequence entries are not allowed",
        N_("a value starting with `- ` is read as a list item: put the text in quotes"),
    ),
    ("could not find expected ':'", N_("each field is `key: value`; check the line above")),
    ("found undefined alias", N_("aliases are not allowed; write the value out in full")),
    ("did not find expected key", N_("check the indentation of this block")),
    ("found unexpected end of stream", N_("a quote or bracket is not closed")),
)

_UNSTARTABLE_HINTS = {
    "%": N_("write a share as a decimal (`0.18`, not `%18`), or put the text in quotes"),
}
"""What to suggest when a value starts with a character YAML reserves, by that character."""

_UNSTARTABLE_DEFAULT = N_("quote values starting with @ or `")
_SYNTAX_DEFAULT_HINT = N_("check the indentation and quoting here")

YAML_WORDS = (
    # libyaml (the C parser cyclemap uses when PyYAML has it)
    N_("mapping values are not allowed in this context"),
    N_("mapping keys are not allowed in this context"),
    N_("block sequence entries are not allowed in this context"),
    N_("found character that cannot start any token"),
    N_("could not find expected ':'"),
    N_("did not find expected key"),
    N_("did not find expected '-' indicator"),
    N_("did not find expected node content"),
    N_("did not find expected ',' or ']'"),
    N_("did not find expected ',' or '}'"),
    N_("did not find expected <document start>"),
    N_("did not find expected alphabetic or numeric character"),
    N_("did not find expected comment or line break"),
    N_("did not find expected hexdecimal number"),
    N_("found unexpected end of stream"),
    N_("found unexpected document indicator"),
    N_("found unknown escape character"),
    N_("found invalid Unicode character escape code"),
    N_("found a tab character that violates indentation"),
    N_("found a tab character where an indentation space is expected"),
    N_("found an indentation indicator equal to 0"),
    N_("found undefined tag handle"),
    N_("found undefined alias"),
    N_("while scanning for the next token"),
    N_("while scanning a simple key"),
    N_("while scanning a quoted scalar"),
    N_("while scanning a plain scalar"),
    N_("while scanning a block scalar"),
    N_("while scanning an alias"),
    N_("while scanning an anchor"),
    N_("while scanning a tag"),
    N_("while parsing a block mapping"),
    N_("while parsing a block collection"),
    N_("while parsing a flow sequence"),
    N_("while parsing a flow mapping"),
    N_("while parsing a flow node"),
    N_("while parsing a block node"),
    N_("while parsing a node"),
    # PyYAML's pure-Python parser, where its words differ
    N_("mapping values are not allowed here"),
    N_("mapping keys are not allowed here"),
    N_("expected a single document in the stream"),
    N_("while scanning a double-quoted scalar"),
)
"""What the YAML parser says, translated when it says exactly this (`_` looks each phrase up
where it is shown); anything else it says is shown as it says it."""


def read_bytes(path: Path, display: str) -> bytes:
    """The file's bytes, refusing what is not a regular file or is too large to be a journey."""
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise InputOutputError(display, _("is a folder, not a file"))
        if not stat.S_ISREG(info.st_mode):  # a FIFO or a device could block or never end
            raise InputOutputError(display, _("is not a regular file"))
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
        remember_input(path)
    except FileNotFoundError:
        raise InputOutputError(display, _("no such file")) from None
    except PermissionError:
        raise InputOutputError(display, _("permission denied (cannot read the file)")) from None
    except OSError as error:
        raise InputOutputError(
            display, _("cannot read the file ({reason})").format(reason=error.strerror)
        ) from None
    if len(data) > MAX_BYTES:
        raise FILE_TOO_LARGE.error(
            display,
            1,
            1,
            _("the file is larger than {size} MiB, far more than a journey").format(
                size=MAX_BYTES // 2**20
            ),
            _("split it into several journeys, or check that this is the right file"),
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
            raise NOT_UTF8.error(
                display,
                1,
                1,
                _("the file is encoded as {encoding}; journeys must be UTF-8").format(
                    encoding=name
                ),
                _("save the file as UTF-8 in your editor"),
            )
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    nul = data.find(b"\0")
    if nul >= 0:
        line, column = _line_and_column(data, nul)
        raise NOT_UTF8.error(
            display,
            line,
            column,
            _("the file contains a NUL byte; it is not UTF-8 text"),
            _("if it is UTF-16, save it as UTF-8; else check this is a journey file"),
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _line_and_column(data, error.start)
        raise NOT_UTF8.error(
            display,
            line,
            column,
            _("the file is not valid UTF-8 (byte 0x{byte:02X})").format(byte=data[error.start]),
            _("save the file as UTF-8 in your editor"),
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
            _("the file contains the character U+{code:04X}, which YAML does not allow").format(
                code=code
            ),
            _("remove it; journeys are plain UTF-8 text"),
        )
    problem = str(getattr(error, "problem", None) or error).strip()
    context = getattr(error, "context", None)
    message = _("YAML syntax error: {problem}").format(problem=_(problem))
    if context:
        message += f" ({_(context)})"
    advice = next(
        (advice for needle, advice in _SYNTAX_HINTS if needle in problem),
        _SYNTAX_DEFAULT_HINT,
    )
    if "cannot start any token" in problem:
        start = text[mark.index : mark.index + 1] if mark is not None else ""
        advice = _UNSTARTABLE_HINTS.get(start, _UNSTARTABLE_DEFAULT)
    hint = _(advice)
    opened = getattr(error, "context_mark", None)
    if opened is not None and context and "flow" in context:
        brace = text[opened.index : opened.index + 1] == "{"
        hint = (
            _("the brace opened at line {line}, column {column} is not closed properly")
            if brace
            else _("the bracket opened at line {line}, column {column} is not closed properly")
        ).format(line=opened.line + 1, column=opened.column + 1)
    elif opened is not None and context and "quoted scalar" in context and "end of" in problem:
        # The parser notices only at the end of the file; the place to fix is where it opened.
        hint = _(
            "the quote opened at line {line}, column {column} is not closed; close it on that line"
        ).format(line=opened.line + 1, column=opened.column + 1)
        mark = opened
    line = mark.line + 1 if mark is not None else 1
    column = mark.column + 1 if mark is not None else 1
    if mark is not None and text[mark.index : mark.index + 1] == "\t":
        message = _("YAML syntax error: a tab character where YAML expects spaces")
        hint = _("indent with spaces: YAML does not allow tabs for indentation")
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
        raise FILE_TOO_LARGE.error(
            display,
            1,
            1,
            _("the document is nested too deeply"),
            _("check the indentation"),
        ) from None


def read_document(path: Path, display: str) -> Node | None:
    """Read, decode and parse one YAML file."""
    return parse(decode(read_bytes(path, display), display), display)
