"""The hostile and broken input corpus: each case gets a clear answer, fast, never a traceback.

Every case is written into a fresh repository folder and run through the real console script
(a crash of the C YAML parser would kill an in-process run, so each case is a subprocess with
a hang guard). Expected: the exit code, and a fragment of the message a person would read.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

VALID = textwrap.dedent("""\
    cyclemap: 1
    journey: {id: hostile, name: Hostile}
    stages: [{id: s, name: S}]
    steps:
      - {id: a, stage: s, entry: true, next: [{to: b}]}
      - {id: b, stage: s, outcome: success}
    """)


def text(value: str) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_text(value, encoding="utf-8")

    return write


def raw(value: bytes) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_bytes(value)

    return write


def big(size: int) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        with open(path, "wb") as handle:
            handle.write(b"cyclemap: 1\n# ")
            handle.seek(size)
            handle.write(b"\n")

    return write


def steps(extra: str) -> Callable[[Path], None]:
    return text(VALID.replace("  - {id: b, stage: s, outcome: success}\n", extra))


BOMB = "cyclemap: 1\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a]\n"
MANY_TARGETS = "".join(f"  - {{id: t{i}, stage: s, outcome: success}}\n" for i in range(10_000))
MANY_NEXT = "[" + ", ".join(f"{{to: t{i}}}" for i in range(10_000)) + "]"

CASES: list[tuple[str, Callable[[Path], None], int, str]] = [
    ("alias-bomb", text(BOMB), 1, "anchors (`&a`) are not allowed"),
    ("alias-only", text("cyclemap: 1\na: *x\n"), 1, "aliases (`*x`) are not allowed"),
    ("merge-key", text("cyclemap: 1\n<<: {a: 1}\n"), 1, "merge keys (`<<`) are not allowed"),
    (
        "deep-flow-100k",
        text("cyclemap: 1\nx: " + "[" * 100_000 + "]" * 100_000 + "\n"),
        1,
        "nested more than 32 levels",
    ),
    (
        "deep-map-60k",
        text("cyclemap: 1\nx: " + "{a: " * 60_000 + "1" + "}" * 60_000 + "\n"),
        1,
        "nested more than 32 levels",
    ),
    (
        "deep-block",
        text(
            "cyclemap: 1\nx:\n"
            + "".join("  " * (i + 1) + "a:\n" for i in range(40))
            + "  " * 41
            + "1\n"
        ),
        1,
        "nested more than 32 levels",
    ),
    ("file-50mb", big(50 * 2**20), 1, "larger than 32 MiB"),
    (
        "python-object",
        text("cyclemap: 1\nj: !!python/object/apply:os.system [echo]\n"),
        1,
        "YAML tags (`!!python/object/apply:os.system`)",
    ),
    ("python-name", text("cyclemap: 1\nj: !!python/name:os.system\n"), 1, "YAML tags"),
    ("binary", text("cyclemap: 1\nj: !!binary aGk=\n"), 1, "YAML tags (`!!binary`)"),
    ("custom-tag", text("cyclemap: 1\nj: !secret x\n"), 1, "YAML tags (`!secret`)"),
    (
        "latin-1",
        raw("cyclemap: 1\njourney: {id: a, name: Atención}\n".encode("latin-1")),
        1,
        "not valid UTF-8 (byte 0xF3)",
    ),
    ("utf-16-bom", raw("cyclemap: 1\n".encode("utf-16")), 1, "encoded as UTF-16"),
    ("utf-32-bom", raw("cyclemap: 1\n".encode("utf-32")), 1, "encoded as UTF-32"),
    ("utf-16-no-bom", raw("cyclemap: 1\n".encode("utf-16-le")), 1, "NUL byte"),
    ("utf-8-bom", raw(b"\xef\xbb\xbf" + VALID.encode()), 0, "valid"),
    ("crlf", raw(VALID.replace("\n", "\r\n").encode()), 0, "valid"),
    ("tab-indent", text("cyclemap: 1\njourney:\n\tid: a\n"), 1, "tab character"),
    ("control-char", raw(b"cyclemap: 1\na: x\x1by\n"), 1, "U+001B"),
    ("escaped-control", text('cyclemap: 1\na: "x\\x07"\n'), 1, "control character U+0007"),
    ("duplicate-key", text(VALID + "journey: {id: b, name: B}\n"), 1, "duplicate key `journey`"),
    ("two-documents", text(VALID + "---\n" + VALID), 1, "more than one YAML document"),
    (
        "ids-yaml-1.1",
        text(
            VALID.replace("id: a,", "id: no,")
            .replace("to: b", "to: '010'")
            .replace("id: b,", "id: '010',")
        ),
        0,
        "valid",
    ),
    ("id-1:30", text(VALID.replace("id: hostile", "id: '1:30'")), 1, "not a valid id"),
    (
        "huge-int",
        steps("  - {id: b, stage: s, outcome: success, score: " + "9" * 5000 + "}\n"),
        1,
        "is too large",
    ),
    (
        "huge-float",
        text(VALID.replace("entry: true", "entry: {volume: 1e999}")),
        1,
        "finite number",
    ),
    ("nan-share", text(VALID.replace("{to: b}", "{to: b, share: .nan}")), 1, "finite number"),
    ("inf-share", text(VALID.replace("{to: b}", "{to: b, share: .inf}")), 1, "finite number"),
    ("negative-volume", text(VALID.replace("entry: true", "entry: {volume: -5}")), 1, "at least 0"),
    ("self-loop", text(VALID.replace("{to: b}", "{to: a}, {to: b}")), 0, "valid"),
    (
        "ten-thousand-next",
        text(
            VALID.replace("next: [{to: b}]", "next: " + MANY_NEXT).replace(
                "  - {id: b, stage: s, outcome: success}\n", MANY_TARGETS
            )
        ),
        0,
        "valid",
    ),
    (
        "unknown-key",
        text(VALID.replace("{to: b}", "{to: b, shar: 1}")),
        1,
        "`shar` is not a field of a transition; did you mean `share`?",
    ),
    ("empty", text(""), 1, "not a cyclemap journey"),
    ("only-comments", text("# nothing\n"), 1, "not a cyclemap journey"),
    ("a-list", text("- cyclemap: 1\n"), 1, "not a cyclemap journey"),
    ("a-scalar", text("cyclemap\n"), 1, "not a cyclemap journey"),
    ("unclosed-quote", text('cyclemap: 1\njourney: {id: "a, name: b}\n'), 1, "YAML syntax error"),
    (
        "version-2",
        text(VALID.replace("cyclemap: 1", "cyclemap: 2")),
        1,
        "unsupported format version",
    ),
    (
        "version-text",
        text(VALID.replace("cyclemap: 1", "cyclemap: '1'")),
        1,
        "must be the number 1",
    ),
    ("no-entry", text(VALID.replace("entry: true, ", "")), 1, "no step is an entry"),
    (
        "failure-with-next",
        text(VALID.replace("outcome: success", "outcome: failure, next: [{to: a}]")),
        1,
        "ends the journey, but it has `next`",
    ),
    (
        "abandon-over-one",
        text(VALID.replace("entry: true", "entry: true, abandon: 1.5")),
        1,
        "at most 1",
    ),
    ("score-zero", text(VALID.replace("entry: true", "entry: true, score: 0")), 1, "at least 1"),
    (
        "bad-duration",
        text(VALID.replace("entry: true", "entry: true, duration: soon")),
        1,
        "is not a duration",
    ),
    ("nul-in-middle", raw(VALID.encode() + b"\x00"), 1, "NUL byte"),
]


def _run(arguments: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cyclemap", *arguments],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "NO_COLOR": "1"},
    )


@pytest.mark.slow  # one subprocess per case
@pytest.mark.parametrize(
    ("name", "write", "code", "fragment"), CASES, ids=[case[0] for case in CASES]
)
def test_hostile_input_gets_a_clear_answer(
    tmp_path: Path, name: str, write: Callable[[Path], None], code: int, fragment: str
) -> None:
    (tmp_path / "cyclemap.toml").write_text("", encoding="utf-8")
    path = tmp_path / f"{name}.journey.yaml"
    write(path)
    result = _run(["validate", path.name], tmp_path)
    assert result.returncode == code, result.stdout + result.stderr
    assert fragment in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    audited = _run(["audit", path.name, "--format", "json", "-o", "report.json"], tmp_path)
    assert audited.returncode in (0, 1, 2)
    assert "Traceback" not in audited.stdout + audited.stderr


def test_corpus_has_at_least_forty_cases() -> None:
    assert len(CASES) >= 40


def test_import_cycle_and_escapes(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "cyclemap.toml").write_text("", encoding="utf-8")
    (root / "a.yaml").write_text("imports: [b.yaml]\nteams: {x: {name: X}}\n", encoding="utf-8")
    (root / "b.yaml").write_text("imports: [a.yaml]\n", encoding="utf-8")
    (tmp_path / "outside.yaml").write_text("teams: {y: {name: Y}}\n", encoding="utf-8")
    (root / "link.yaml").symlink_to(tmp_path / "outside.yaml")
    for imports, fragment in (
        ("[a.yaml]", "import cycle"),
        ("[../outside.yaml]", "outside the repository root"),
        ("[link.yaml]", "outside the repository root"),
        ("[/etc/passwd]", "absolute path"),
    ):
        journey = root / "j.journey.yaml"
        journey.write_text(VALID.replace("stages:", f"imports: {imports}\nstages:"), "utf-8")
        result = _run(["validate", journey.name], root)
        assert result.returncode == 1
        assert fragment in result.stdout, (imports, result.stdout)


def test_unreadable_paths_and_broken_config(tmp_path: Path) -> None:
    (tmp_path / "cyclemap.toml").write_text("select = [\n", encoding="utf-8")
    (tmp_path / "j.journey.yaml").write_text(VALID, encoding="utf-8")
    broken = _run(["audit", "j.journey.yaml"], tmp_path)
    assert broken.returncode == 2
    assert "invalid TOML" in broken.stderr
    missing = _run(["validate", "nope.yaml"], tmp_path)
    assert missing.returncode == 2
    assert "no such file" in missing.stdout
