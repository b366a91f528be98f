"""Nothing lost: no output replaces an input, a device, a link or a file's metadata.

Each case runs the real console script on the base journey `J` and checks the files on disk
afterwards, byte for byte: a refusal must leave every input as it was."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.hostile import LOG, J, no_traceback, repository, run

pytestmark = pytest.mark.slow  # the hostile corpus: one subprocess per case

CATALOG_JOURNEY = J.replace("teams: {a: {name: A}, b: {name: B}}\n", "imports: [cat.yaml]\n")
BASELINE = '{"cyclemap-baseline": 1, "findings": []}\n'


def _with_catalog(root: Path) -> None:
    (root / "j.journey.yaml").write_text(CATALOG_JOURNEY, encoding="utf-8")
    (root / "cat.yaml").write_text("teams: {a: {name: A}, b: {name: B}}\n", encoding="utf-8")


def _with_baseline(root: Path) -> None:
    (root / "B.json").write_text(BASELINE, encoding="utf-8")


def _symlink(root: Path) -> None:
    (root / "alias.yaml").symlink_to("j.journey.yaml")


def _hard_link(root: Path) -> None:
    os.link(root / "j.journey.yaml", root / "twin.yaml")


def _nothing(root: Path) -> None:
    del root


OUTPUT_IS_AN_INPUT: list[tuple[str, Callable[[Path], None], list[str]]] = [
    ("audit-o-journey", _nothing, ["audit", "j.journey.yaml", "-o", "j.journey.yaml"]),
    (
        "validate-json-o-journey",
        _nothing,
        ["validate", "j.journey.yaml", "-f", "json", "-o", "j.journey.yaml"],
    ),
    ("stats-o-journey", _nothing, ["stats", "j.journey.yaml", "-o", "j.journey.yaml"]),
    (
        "write-baseline-journey",
        _nothing,
        ["audit", "j.journey.yaml", "--write-baseline", "j.journey.yaml"],
    ),
    ("mine-o-log", _nothing, ["mine", "L.csv", "-j", "j.journey.yaml", "-o", "L.csv"]),
    (
        "render-log-o-log",
        _nothing,
        ["render", "j.journey.yaml", "--log", "L.csv", "-f", "dot", "-o", "L.csv"],
    ),
    (
        "render-o-catalog",
        _with_catalog,
        ["render", "j.journey.yaml", "-f", "dot", "-o", "cat.yaml"],
    ),
    (
        "mine-write-o-journey",
        _nothing,
        ["mine", "L.csv", "-j", "j.journey.yaml", "--write", "-o", "j.journey.yaml"],
    ),
    ("audit-o-symlink-to-journey", _symlink, ["audit", "j.journey.yaml", "-o", "alias.yaml"]),
    (
        "audit-o-hard-link-of-journey",
        _hard_link,
        ["audit", "j.journey.yaml", "-f", "json", "-o", "twin.yaml"],
    ),
    (
        "audit-o-baseline-read",
        _with_baseline,
        ["audit", "j.journey.yaml", "--baseline", "B.json", "-o", "B.json"],
    ),
    ("audit-o-configuration", _nothing, ["audit", "j.journey.yaml", "-o", "cyclemap.toml"]),
]


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        path.name: path.read_bytes()
        for path in sorted(root.iterdir())
        if path.is_file() and not path.is_symlink()
    }


@pytest.mark.parametrize(
    ("name", "prepare", "arguments"), OUTPUT_IS_AN_INPUT, ids=[c[0] for c in OUTPUT_IS_AN_INPUT]
)
def test_an_output_never_replaces_an_input(
    tmp_path: Path, name: str, prepare: Callable[[Path], None], arguments: list[str]
) -> None:
    root = repository(tmp_path)
    prepare(root)
    before = _snapshot(root)
    result = run(arguments, root)
    no_traceback(result)
    assert result.returncode == 2, result.stderr
    assert "an input of this run" in result.stderr
    assert _snapshot(root) == before, name
    assert "wrote" not in result.stderr
    assert not [path for path in root.iterdir() if path.name.endswith(".tmp")]


def test_a_baseline_may_be_updated_in_place(tmp_path: Path) -> None:
    root = repository(tmp_path)
    _with_baseline(root)
    result = run(
        ["audit", "j.journey.yaml", "--baseline", "B.json", "--write-baseline", "B.json"], root
    )
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    assert "wrote the baseline" in result.stderr


# --- devices, FIFOs, descriptors and links are written, never replaced ------------------------


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can make a device node")
def test_a_character_device_stays_a_device(tmp_path: Path) -> None:
    root = repository(tmp_path)
    device = root / "null"
    os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # the same device as /dev/null
    result = run(["audit", "j.journey.yaml", "--fail-on", "never", "-o", device], root)
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    assert stat.S_ISCHR(os.lstat(device).st_mode)


def test_a_link_to_dev_null_stays_a_link(tmp_path: Path) -> None:
    """Through a link, so that a regression replaces the link, never the machine's /dev/null
    (as root, the old atomic rename did replace it)."""
    root = repository(tmp_path)
    (root / "discard").symlink_to("/dev/null")
    result = run(["validate", "j.journey.yaml", "-o", "discard"], root)
    assert result.returncode == 0, result.stderr
    assert (root / "discard").is_symlink()
    assert stat.S_ISCHR(os.stat(root / "discard").st_mode)


def test_a_link_to_standard_output_stays_a_link(tmp_path: Path) -> None:
    root = repository(tmp_path)
    (root / "out").symlink_to("/proc/self/fd/1")
    result = run(["validate", "j.journey.yaml", "-f", "json", "-o", "out"], root)
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    assert (root / "out").is_symlink()
    assert (
        '"files"' in result.stdout or '"reports"' in result.stdout or result.stdout.startswith("{")
    )


def test_dev_fd_1_writes_to_the_pipe(tmp_path: Path) -> None:
    root = repository(tmp_path)
    result = run(["validate", "j.journey.yaml", "-f", "json", "-o", "/dev/fd/1"], root)
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("{")


def test_a_fifo_with_a_reader_gets_the_report(tmp_path: Path) -> None:
    root = repository(tmp_path)
    fifo = root / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as handle:
            received.append(handle.read())

    reader = threading.Thread(target=read)
    reader.start()
    try:
        result = subprocess.run(  # the console script, while this process reads the FIFO
            [
                sys.executable,
                "-m",
                "cyclemap",
                "validate",
                "j.journey.yaml",
                "-f",
                "json",
                "-o",
                str(fifo),
            ],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        if reader.is_alive():
            with open(fifo, "wb"):
                pass  # unblock the reader if the command never opened the FIFO
        reader.join(10)
    assert result.returncode == 0, result.stderr
    assert received and received[0].startswith(b"{")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_fifo_nobody_reads_is_an_error_not_a_hang(tmp_path: Path) -> None:
    root = repository(tmp_path)
    os.mkfifo(root / "pipe")
    result = run(["validate", "j.journey.yaml", "-o", "pipe"], root, timeout=60)
    no_traceback(result)
    assert result.returncode == 2
    assert "no program is reading" in result.stderr


def test_a_link_to_a_regular_file_replaces_the_file_and_keeps_the_link(tmp_path: Path) -> None:
    root = repository(tmp_path)
    (root / "reports").mkdir()
    (root / "reports" / "real.json").write_text("old", encoding="utf-8")
    (root / "report.json").symlink_to("reports/real.json")
    result = run(["validate", "j.journey.yaml", "-f", "json", "-o", "report.json"], root)
    assert result.returncode == 0, result.stderr
    assert (root / "report.json").is_symlink()
    assert (root / "reports" / "real.json").read_text(encoding="utf-8").startswith("{")


def test_a_replaced_report_keeps_its_mode(tmp_path: Path) -> None:
    root = repository(tmp_path)
    report = root / "report.json"
    report.write_text("old", encoding="utf-8")
    report.chmod(0o600)
    assert run(["validate", "j.journey.yaml", "-f", "json", "-o", report], root).returncode == 0
    assert stat.S_IMODE(report.stat().st_mode) == 0o600


# --- mine --write keeps ids, links, mode, hard links, line endings and the BOM -----------------


NUMBER_LIKE = J.replace("id: z,", "id: '020',").replace("to: z,", "to: '020',")


def test_mine_write_keeps_number_like_ids_as_text(tmp_path: Path) -> None:
    root = repository(tmp_path, NUMBER_LIKE)
    (root / "L.csv").write_text(LOG.replace(",z,", ",020,"), encoding="utf-8")
    result = run(["mine", "L.csv", "-j", "j.journey.yaml", "--write"], root)
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    assert "now at the smallest share: y → x;" in result.stderr  # not `y → 20`
    text = (root / "j.journey.yaml").read_text(encoding="utf-8")
    assert "{to: '020', share: 1.0}" in text
    assert "{to: x, share: 0.001}" in text  # the transition really never taken
    assert run(["validate", "j.journey.yaml"], root).returncode == 0


@pytest.mark.parametrize("written", ["1.10", "true", "0x1f", "1e3"])
def test_mine_write_reads_every_number_like_id_as_written(tmp_path: Path, written: str) -> None:
    journey = J.replace("id: z,", f"id: '{written}',").replace("to: z,", f"to: '{written}',")
    root = repository(tmp_path, journey)
    (root / "L.csv").write_text(LOG.replace(",z,", f",{written},"), encoding="utf-8")
    result = run(["mine", "L.csv", "-j", "j.journey.yaml", "--write"], root)
    assert result.returncode == 0, result.stderr
    assert "never taken in the log, now at the smallest share: y → x" in result.stderr
    assert f"{{to: '{written}', share: 1.0}}" in (root / "j.journey.yaml").read_text("utf-8")


def _mine_write(root: Path, journey: str = "j.journey.yaml") -> None:
    result = run(["mine", "L.csv", "-j", journey, "--write"], root)
    no_traceback(result)
    assert result.returncode == 0, result.stderr


def test_mine_write_keeps_a_symlinked_journey_a_link(tmp_path: Path) -> None:
    root = repository(tmp_path)
    (root / "real").mkdir()
    (root / "j.journey.yaml").rename(root / "real" / "j.journey.yaml")
    (root / "j.journey.yaml").symlink_to("real/j.journey.yaml")
    _mine_write(root)
    assert (root / "j.journey.yaml").is_symlink()
    assert "share: 1.0" in (root / "real" / "j.journey.yaml").read_text(encoding="utf-8")


def test_mine_write_keeps_the_mode(tmp_path: Path) -> None:
    root = repository(tmp_path)
    (root / "j.journey.yaml").chmod(0o600)
    _mine_write(root)
    assert stat.S_IMODE((root / "j.journey.yaml").stat().st_mode) == 0o600


def test_mine_write_keeps_hard_links_one_file(tmp_path: Path) -> None:
    root = repository(tmp_path)
    os.link(root / "j.journey.yaml", root / "twin.yaml")
    _mine_write(root)
    assert (root / "twin.yaml").read_bytes() == (root / "j.journey.yaml").read_bytes()
    assert os.stat(root / "twin.yaml").st_ino == os.stat(root / "j.journey.yaml").st_ino


def test_mine_write_keeps_crlf_and_the_bom(tmp_path: Path) -> None:
    root = repository(tmp_path)
    original = b"\xef\xbb\xbf" + J.replace("\n", "\r\n").encode("utf-8")
    (root / "j.journey.yaml").write_bytes(original)
    _mine_write(root)
    written = (root / "j.journey.yaml").read_bytes()
    assert written.startswith(b"\xef\xbb\xbf")
    assert written.count(b"\r\n") == written.count(b"\n") == original.count(b"\n")
    changed = [
        (old, new)
        for old, new in zip(original.split(b"\r\n"), written.split(b"\r\n"), strict=True)
        if old != new
    ]
    assert len(changed) == 2  # x's abandon and y's two shares are on two lines


# --- folders and dangling links ----------------------------------------------------------------


def test_render_into_a_new_folder_named_with_a_slash(tmp_path: Path) -> None:
    root = repository(tmp_path)
    result = run(["render", "j.journey.yaml", "-f", "dot", "-o", "newdir/"], root)
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    assert (root / "newdir" / "j.journey.dot").is_file()


def test_a_report_into_a_folder_name_is_refused(tmp_path: Path) -> None:
    root = repository(tmp_path)
    result = run(["audit", "j.journey.yaml", "-o", "newdir/"], root)
    assert result.returncode == 2
    assert "folder" in result.stderr
    assert not (root / "newdir").exists()


def test_init_does_not_replace_a_dangling_link(tmp_path: Path) -> None:
    root = repository(tmp_path)
    (root / "dangling.yaml").symlink_to("nowhere.yaml")
    result = run(["init", "dangling.yaml"], root)
    assert result.returncode == 2
    assert "already exists" in result.stderr
    assert (root / "dangling.yaml").is_symlink() and not (root / "nowhere.yaml").exists()


def test_empty_output_name_is_explained(tmp_path: Path) -> None:
    root = repository(tmp_path)
    result = run(["audit", "j.journey.yaml", "-o", ""], root)
    no_traceback(result)
    assert result.returncode == 2
    assert "the output path is empty" in result.stderr
    assert "busy" not in result.stderr
