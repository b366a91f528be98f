"""Nothing injected: user text in every message (file names, ids, configuration keys, log
values) reaches the terminal or the CI log with its escape sequences, line breaks and bidi
overrides made inert, whatever the command and whichever stream."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from cyclemap.util.text import is_safe, neutralise, one_line
from tests.support.hostile import J, no_traceback, repository, run

OSC_CLIPBOARD = "\x1b]52;c;aGk=\x07"
ERASE_LINE = "\x1b[2K"
HOSTILE_NAME = f"{OSC_CLIPBOARD}{ERASE_LINE}\u202eevil.journey.yaml"
DANGEROUS = ("\x1b", "\x07", "\x9b", "\u202e", "\r")


def _inert(text: str) -> None:
    for character in DANGEROUS:
        assert character not in text, (character, text)


def test_render_wrote_and_note_lines(tmp_path: Path) -> None:
    root = repository(tmp_path)
    (root / HOSTILE_NAME).write_text(J.replace("id: x,", "id: x, score: 3,"), encoding="utf-8")
    result = run(["render", HOSTILE_NAME, "-f", "mermaid-journey"], root)
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    assert "wrote " in result.stderr and "note: " in result.stderr
    _inert(result.stderr)


def test_stats_error_line_of_a_trapped_journey(tmp_path: Path) -> None:
    root = repository(tmp_path)
    trapped = J.replace("abandon: 0.1, ", "").replace(
        "next: [{to: z, share: 0.5}, {to: x, share: 0.5}]", "next: [{to: x}]"
    )
    (root / HOSTILE_NAME).write_text(trapped, encoding="utf-8")
    result = run(["stats", HOSTILE_NAME], root)
    no_traceback(result)
    assert result.returncode == 1
    assert "trapped" in result.stderr
    _inert(result.stderr)


def test_mine_load_error_with_a_right_to_left_override_in_an_id(tmp_path: Path) -> None:
    root = repository(tmp_path, J.replace("to: y}", "to: 'y\u202ex'}"))
    result = run(["mine", "L.csv", "-j", "j.journey.yaml"], root)
    no_traceback(result)
    assert result.returncode == 1
    assert "j.journey.yaml:" in result.stderr
    _inert(result.stderr)


def test_a_log_file_name_with_an_escape(tmp_path: Path) -> None:
    root = repository(tmp_path)
    name = f"{OSC_CLIPBOARD}missing.csv"
    result = run(["mine", name, "-j", "j.journey.yaml"], root)
    no_traceback(result)
    assert result.returncode == 1
    assert "no such file" in result.stderr
    _inert(result.stderr)


def test_an_unknown_rule_name_with_an_escape(tmp_path: Path) -> None:
    result = run(["explain", f"{ERASE_LINE}dead-end"], tmp_path)
    assert result.returncode == 2
    _inert(result.stderr)


def test_init_into_a_name_with_an_escape(tmp_path: Path) -> None:
    result = run(["init", f"{OSC_CLIPBOARD}new.journey.yaml"], tmp_path)
    assert result.returncode == 0, result.stderr
    _inert(result.stderr + result.stdout)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\x1b[31mb", "a\ufffd[31mb"),
        ("line\n::error::x", "line ::error::x"),
        ("crlf\r\nnext", "crlf next"),
        ("bidi\u202eright\u2066iso\u200f", "bidi\ufffdright\ufffdiso\ufffd"),
        ("c1\x9b2K", "c1\ufffd2K"),
        ("surrogate\udcff", "surrogate\ufffd"),
        ("sep\u2028arator", "sep\ufffdarator"),
    ],
)
def test_one_line_makes_user_text_inert(text: str, expected: str) -> None:
    assert one_line(text) == expected
    assert is_safe(one_line(text))


def test_neutralise_keeps_the_line_breaks_an_encoder_escapes_later() -> None:
    assert neutralise("a\nb\r\x1b") == "a\nb\r\ufffd"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("environment", "colours"),
    [({}, True), ({"TERM": "dumb"}, False), ({"NO_COLOR": "1"}, False)],
    ids=["terminal", "term-dumb", "no-color"],
)
def test_colours_only_on_a_terminal_that_has_them(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], colours: bool
) -> None:
    from cyclemap.cli.common import color_for

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    assert color_for(_Terminal()) is colours
