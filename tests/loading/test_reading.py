"""Bytes on disk -> text -> nodes: encodings, size, unreadable paths and YAML syntax errors."""

from __future__ import annotations

import codecs
import contextlib
import os
import threading
from pathlib import Path

import pytest

from cyclemap.errors import InputOutputError, LoadError
from cyclemap.loading.reading import MAX_BYTES, decode, read_document
from cyclemap.loading.yaml_nodes import MappingNode


def problems(tmp_path: Path, data: bytes) -> list[tuple[int, int, str]]:
    """Write `data` to a file, read it, and return its problems as (line, column, message)."""
    path = tmp_path / "file.yaml"
    path.write_bytes(data)
    with pytest.raises(LoadError) as caught:
        read_document(path, "file.yaml")
    assert all(problem.file == "file.yaml" for problem in caught.value.problems)
    return [(p.line, p.column, p.message) for p in caught.value.problems]


def read(tmp_path: Path, data: bytes) -> MappingNode:
    path = tmp_path / "file.yaml"
    path.write_bytes(data)
    root = read_document(path, "file.yaml")
    assert isinstance(root, MappingNode)
    return root


# --- encodings -----------------------------------------------------------------------------


def test_utf8_without_bom(tmp_path: Path) -> None:
    root = read(tmp_path, "name: Facturación y cartera\n".encode())
    assert root.entries["name"][1].value == "Facturación y cartera"  # type: ignore[union-attr]


def test_utf8_bom_is_accepted_and_does_not_shift_columns(tmp_path: Path) -> None:
    root = read(tmp_path, codecs.BOM_UTF8 + "name: Línea\n".encode())
    key, value = root.entries["name"]
    assert value.value == "Línea"  # type: ignore[union-attr]
    assert (key.line, key.column, value.column) == (0, 0, 6)


def test_utf8_bom_keeps_error_columns(tmp_path: Path) -> None:
    assert problems(tmp_path, codecs.BOM_UTF8 + b"a: 1\na: 2\n") == [
        (2, 1, "duplicate key `a` (first written at line 1)")
    ]


@pytest.mark.parametrize(
    ("data", "name"),
    [
        pytest.param("a: 1\n".encode("utf-16"), "UTF-16", id="utf-16-native"),
        pytest.param(codecs.BOM_UTF16_LE + "a: 1\n".encode("utf-16-le"), "UTF-16", id="utf-16-le"),
        pytest.param(codecs.BOM_UTF16_BE + "a: 1\n".encode("utf-16-be"), "UTF-16", id="utf-16-be"),
        pytest.param(codecs.BOM_UTF32_LE + "a: 1\n".encode("utf-32-le"), "UTF-32", id="utf-32-le"),
        pytest.param(codecs.BOM_UTF32_BE + "a: 1\n".encode("utf-32-be"), "UTF-32", id="utf-32-be"),
    ],
)
def test_utf16_and_utf32_refused_naming_the_encoding(
    tmp_path: Path, data: bytes, name: str
) -> None:
    assert problems(tmp_path, data) == [
        (1, 1, f"the file is encoded as {name}; journeys must be UTF-8")
    ]


def test_utf16_without_bom_refused_for_its_nul_bytes(tmp_path: Path) -> None:
    assert problems(tmp_path, "a: 1\n".encode("utf-16-le")) == [
        (1, 2, "the file contains a NUL byte; it is not UTF-8 text")
    ]


def test_nul_byte_refused_at_its_place(tmp_path: Path) -> None:
    assert problems(tmp_path, "a: 1\nnombre: Línea\x00\n".encode()) == [
        (2, 14, "the file contains a NUL byte; it is not UTF-8 text")
    ]


def test_latin1_refused_at_the_right_line_and_column(tmp_path: Path) -> None:
    data = "cyclemap: 1\nname: Facturación\n".encode("latin-1")
    assert problems(tmp_path, data) == [(2, 16, "the file is not valid UTF-8 (byte 0xF3)")]


def test_invalid_utf8_column_counts_code_points_before_it(tmp_path: Path) -> None:
    data = "😀 é: x\n".encode() + b"b: caf\xe9\n"
    assert problems(tmp_path, data) == [(2, 7, "the file is not valid UTF-8 (byte 0xE9)")]
    data = "a: 1\n😀é: ".encode() + b"\xe9\n"
    assert problems(tmp_path, data) == [(2, 5, "the file is not valid UTF-8 (byte 0xE9)")]


def test_encoded_surrogate_refused(tmp_path: Path) -> None:
    assert problems(tmp_path, b"a: \xed\xa0\x80\n") == [
        (1, 4, "the file is not valid UTF-8 (byte 0xED)")
    ]


def test_decode_directly() -> None:
    assert decode(codecs.BOM_UTF8 + b"a: 1\n", "x.yaml") == "a: 1\n"
    with pytest.raises(LoadError) as caught:
        decode(b"ok\n\xff", "x.yaml")
    [problem] = caught.value.problems
    assert (problem.file, problem.line, problem.column) == ("x.yaml", 2, 1)
    assert problem.message == "the file is not valid UTF-8 (byte 0xFF)"
    assert problem.hint == "save the file as UTF-8 in your editor"


def test_crlf_line_endings_are_fine(tmp_path: Path) -> None:
    root = read(tmp_path, b"a: 1\r\nb:\r\n  - x\r\n  - y\r\n")
    b_key, b_value = root.entries["b"]
    assert b_key.line == 1
    assert [item.value for item in b_value.items] == ["x", "y"]  # type: ignore[union-attr]
    assert [(item.line, item.column) for item in b_value.items] == [(2, 4), (3, 4)]  # type: ignore[union-attr]


def test_crlf_keeps_error_lines(tmp_path: Path) -> None:
    assert problems(tmp_path, b"a: 1\r\nb: 2\r\na: 3\r\n") == [
        (3, 1, "duplicate key `a` (first written at line 1)")
    ]


# --- raw control characters in the file ----------------------------------------------------


def test_raw_bell_character_is_named_correctly(tmp_path: Path) -> None:
    assert problems(tmp_path, b"a: x\x07y\n") == [
        (1, 5, "the file contains the character U+0007, which YAML does not allow")
    ]


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        pytest.param(b"\x1b", "001B", id="escape"),
        pytest.param(b"\x0c", "000C", id="form-feed"),
        pytest.param(b"\x7f", "007F", id="delete"),
        pytest.param("\ufffe".encode(), "FFFE", id="non-character"),
    ],
)
def test_raw_control_character_is_a_problem_not_a_crash(
    tmp_path: Path, raw: bytes, code: str
) -> None:
    assert problems(tmp_path, b"a: x" + raw + b"y\n") == [
        (1, 5, f"the file contains the character U+{code}, which YAML does not allow")
    ]


def test_raw_control_character_position_after_non_ascii_text(tmp_path: Path) -> None:
    [(line, column, _)] = problems(tmp_path, "a: 1\nb: 😀é\x07\n".encode())
    assert (line, column) == (2, 6)


# --- size and unreadable paths -------------------------------------------------------------


def test_file_over_the_size_cap_refused_without_reading_it_all(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with open(path, "wb") as handle:  # sparse: 33 MiB on paper, nothing on disk
        handle.write(b"# a journey?\n")
        handle.truncate(33 * 1024 * 1024)
    with pytest.raises(LoadError) as caught:
        read_document(path, "huge.yaml")
    [problem] = caught.value.problems
    assert (problem.file, problem.line, problem.column) == ("huge.yaml", 1, 1)
    assert problem.message == "the file is larger than 32 MiB, far more than a journey"


def test_file_exactly_at_the_size_cap_is_read(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    with open(path, "wb") as handle:
        handle.write(b"a: 1\n")
        handle.truncate(MAX_BYTES)
    # Not refused for its size: it gets as far as the (sparse) NUL bytes.
    with pytest.raises(LoadError) as caught:
        read_document(path, "big.yaml")
    [problem] = caught.value.problems
    assert (problem.line, problem.column, problem.message) == (
        2,
        1,
        "the file contains a NUL byte; it is not UTF-8 text",
    )


def test_folder_is_an_input_output_error(tmp_path: Path) -> None:
    with pytest.raises(InputOutputError) as caught:
        read_document(tmp_path, "journeys")
    assert (caught.value.file, caught.value.reason) == ("journeys", "is a folder, not a file")


def test_missing_file_is_an_input_output_error(tmp_path: Path) -> None:
    with pytest.raises(InputOutputError) as caught:
        read_document(tmp_path / "missing.yaml", "missing.yaml")
    assert (caught.value.file, caught.value.reason) == ("missing.yaml", "no such file")
    assert str(caught.value) == "missing.yaml: no such file"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_fifo_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)

    def unblock() -> None:
        # Should the reader ever open the pipe, a writer arriving and leaving ends its wait,
        # so a regression fails this test instead of hanging the run.
        with contextlib.suppress(OSError):  # no reader: nothing was blocked
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))

    timer = threading.Timer(2.0, unblock)
    timer.start()
    try:
        with pytest.raises(InputOutputError) as caught:
            read_document(fifo, "pipe.yaml")
    finally:
        timer.cancel()
    assert caught.value.reason == "is not a regular file"


def test_unreadable_file_is_an_input_output_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "secret.yaml"
    path.write_text("a: 1\n")
    path.chmod(0)
    if not hasattr(os, "geteuid") or os.geteuid() == 0:
        # Root reads any file whatever its mode (CI containers run as root): refuse the open
        # the way the kernel refuses it for everyone else.
        def refuse(*args: object, **kwargs: object) -> object:
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr("cyclemap.loading.reading.open", refuse, raising=False)
    try:
        with pytest.raises(InputOutputError) as caught:
            read_document(path, "secret.yaml")
    finally:
        path.chmod(0o600)
    assert caught.value.reason == "permission denied (cannot read the file)"


def test_empty_file_is_an_empty_document(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_bytes(b"")
    assert read_document(path, "empty.yaml") is None


# --- YAML syntax errors --------------------------------------------------------------------


def syntax(tmp_path: Path, text: str) -> tuple[int, int, str, str]:
    path = tmp_path / "file.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        read_document(path, "file.yaml")
    [problem] = caught.value.problems
    return problem.line, problem.column, problem.message, problem.hint


def test_unclosed_bracket(tmp_path: Path) -> None:
    assert syntax(tmp_path, "a: 1\nb: [x, y\nc: 2\n") == (
        3,
        2,
        "YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence)",
        "the bracket opened at line 2, column 4 is not closed properly",
    )


def test_unclosed_quote(tmp_path: Path) -> None:
    assert syntax(tmp_path, 'a: 1\nb: "abc\n') == (
        2,
        4,
        "YAML syntax error: found unexpected end of stream (while scanning a quoted scalar)",
        "the quote opened at line 2, column 4 is not closed; close it on that line",
    )


def test_bad_indentation(tmp_path: Path) -> None:
    assert syntax(tmp_path, "a:\n  b: 1\n c: 2\n") == (
        3,
        2,
        "YAML syntax error: did not find expected key (while parsing a block mapping)",
        "check the indentation of this block",
    )


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("a:\n\tb: 1\n", 2),
        ("a:\n  b: 1\n\tc: 2\n", 3),
        ("steps:\n  - id: x\n\t  stage: y\n", 3),
    ],
)
def test_tab_indentation_says_tab(tmp_path: Path, text: str, line: int) -> None:
    assert syntax(tmp_path, text) == (
        line,
        1,
        "YAML syntax error: a tab character where YAML expects spaces",
        "indent with spaces: YAML does not allow tabs for indentation",
    )


def test_colon_in_unquoted_value(tmp_path: Path) -> None:
    assert syntax(tmp_path, "reason: cobro: duplicado\n") == (
        1,
        14,
        "YAML syntax error: mapping values are not allowed in this context",
        "check the indentation, or quote a value containing `: `",
    )


def test_syntax_error_column_counts_code_points(tmp_path: Path) -> None:
    line, column, message, _ = syntax(tmp_path, "name: 😀😀 a: b\n")
    assert (line, column, message) == (
        1,
        11,
        "YAML syntax error: mapping values are not allowed in this context",
    )


def test_character_that_cannot_start_a_token(tmp_path: Path) -> None:
    assert syntax(tmp_path, "owner: @cx-ops\n") == (
        1,
        8,
        "YAML syntax error: found character that cannot start any token "
        "(while scanning for the next token)",
        "quote values starting with @ or `",
    )


def test_composer_refusals_carry_the_file_name(tmp_path: Path) -> None:
    assert problems(tmp_path, b"a: &anchor 1\n") == [
        (1, 4, "anchors (`&anchor`) are not allowed in journeys")
    ]


def test_deep_nesting_in_a_file_fails_fast(tmp_path: Path) -> None:
    assert problems(tmp_path, b"- " * 100_000 + b"x\n") == [
        (1, 65, "the document is nested more than 32 levels deep")
    ]
