"""The one place cyclemap writes files, and the record of every file it read.

Promises, each tested in `tests/hostile/`:

- No output replaces an input. Every file a run reads (journeys, imported catalogs, the
  configuration, logs, a baseline) is remembered by identity (device and inode), and an output
  that is the same file, by its name, through a symbolic link or through a hard link, is refused
  before anything is written.
- A regular file is replaced atomically: a temporary file in the same folder, written, flushed
  to disk, then renamed over the target, so a failure never leaves half a file. The file a
  symbolic link points to is the one replaced (the link stays a link), and the replaced file
  keeps its mode and, where allowed, its owner. A file with several hard links is rewritten in
  place instead, so its links stay one file.
- Devices, FIFOs and the `/dev/fd/N` or `/proc/self/fd/N` names of open descriptors are written
  directly, never replaced: `-o /dev/null` leaves `/dev/null` a device, `-o >(cat)` works. A
  FIFO nobody reads is an error, not a hang.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from cyclemap.errors import InputOutputError
from cyclemap.util.i18n import _
from cyclemap.util.paths import display_path
from cyclemap.util.text import one_line

_read: dict[tuple[int, int], str] = {}
"""(device, inode) -> the path it was read as, for every file read by this process."""
_read_order: list[str] = []


def _shown(path: Path | str) -> str:
    return display_path(Path(path))


def remember_input(path: Path | str) -> None:
    """Note that this run reads `path`, so that no output may replace it."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return
    shown = os.path.abspath(path)
    _read.setdefault((info.st_dev, info.st_ino), shown)
    _read_order.append(shown)


def inputs_since(mark: int) -> tuple[str, ...]:
    """The inputs remembered after `mark` (a length of `inputs_read()`), to hand them from a
    worker process back to the parent."""
    return tuple(_read_order[mark:])


def inputs_read() -> tuple[str, ...]:
    return tuple(_read_order)


def forget_inputs() -> None:
    """Start a new run with no inputs remembered (the library API, tests)."""
    _read.clear()
    _read_order.clear()


def _input_matching(info: os.stat_result, allowed: Iterable[Path]) -> str | None:
    key = (info.st_dev, info.st_ino)
    if key not in _read:
        return None
    for path in allowed:
        try:
            other = os.stat(path)
        except OSError:
            continue
        if (other.st_dev, other.st_ino) == key:
            return None
    return _read[key]


def check_output(path: Path | str, *, allowed: Iterable[Path] = ()) -> None:
    """Raise `InputOutputError` when `path` cannot take an output: an empty name, a folder, or
    the same file as one this run read (except the files in `allowed`, such as a baseline
    that `--write-baseline` updates)."""
    text = str(path)
    if text == "":
        raise InputOutputError("''", _("the output path is empty; name a file"))
    shown = _shown(path)
    if text.endswith(("/", os.sep)):
        raise InputOutputError(shown, _("names a folder; give the output a file name"))
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return
    except OSError as error:
        raise InputOutputError(
            shown, _("cannot write here ({reason})").format(reason=error.strerror)
        ) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputOutputError(shown, _("is a folder; give the output a file name"))
    same = _input_matching(info, allowed)
    if same is not None:
        message = (
            _(
                "is {input}, an input of this run; cyclemap never writes over its inputs: "
                "choose another output file"
            )
            if os.path.abspath(path) == same
            else _(
                "is {input}, an input of this run (the same file through a link); cyclemap "
                "never writes over its inputs: choose another output file"
            )
        )
        raise InputOutputError(shown, message.format(input=_shown(same)))


def write_output(path: Path | str, data: bytes, *, allowed: Iterable[Path] = ()) -> None:
    """Write `data` to `path` as the module docstring promises; `InputOutputError` otherwise."""
    allowed = list(allowed)
    check_output(path, allowed=allowed)
    target = Path(path)
    shown = _shown(target)
    try:
        info: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise InputOutputError(
            shown, _("cannot write here ({reason})").format(reason=error.strerror)
        ) from None
    if (info is not None and not stat.S_ISREG(info.st_mode)) or _names_a_descriptor(target):
        _write_directly(target, data, shown)
    elif info is not None and info.st_nlink > 1:
        _rewrite_in_place(target, data, shown)
    else:
        _replace(Path(os.path.realpath(target)), data, shown, info)


def _names_a_descriptor(path: Path) -> bool:
    """Whether `path`, or a link on the way to what it names, is under /dev or /proc (an open
    descriptor's name: replacing what it resolves to would cut the descriptor off)."""
    current = os.path.abspath(path)
    for _attempt in range(40):
        if current.startswith(("/dev/", "/proc/")):
            return True
        if not os.path.islink(current):
            return False
        current = os.path.join(os.path.dirname(current), os.readlink(current))
        current = os.path.abspath(current)
    return False


def _write_directly(path: Path, data: bytes, shown: str) -> None:
    # Non-blocking open: a FIFO with no reader fails at once (ENXIO) instead of hanging.
    no_wait = getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | no_wait, 0o666)
    except OSError as error:
        if error.errno == errno.ENXIO:
            raise InputOutputError(shown, _("is a FIFO that no program is reading")) from None
        raise InputOutputError(
            shown, _("cannot write here ({reason})").format(reason=error.strerror)
        ) from None
    try:
        if no_wait:
            os.set_blocking(descriptor, True)  # writes wait for a slow reader, as usual
        if stat.S_ISREG(os.fstat(descriptor).st_mode):
            os.ftruncate(descriptor, 0)
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view) :]
    except OSError as error:
        raise InputOutputError(
            shown, _("cannot write the file ({reason})").format(reason=error.strerror)
        ) from None
    finally:
        os.close(descriptor)


def _rewrite_in_place(path: Path, data: bytes, shown: str) -> None:
    try:
        with open(path, "r+b") as handle:
            handle.write(data)
            handle.truncate()
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as error:
        raise InputOutputError(
            shown, _("cannot write the file ({reason})").format(reason=error.strerror)
        ) from None


def _replace(path: Path, data: bytes, shown: str, existing: os.stat_result | None) -> None:
    import tempfile  # here: validating, the most common run, writes nothing

    folder = path.parent if str(path.parent) else Path(".")
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise InputOutputError(
            shown, _("cannot write here ({reason})").format(reason=error.strerror)
        ) from None
    try:
        if existing is not None:
            os.chmod(temporary, stat.S_IMODE(existing.st_mode))
            with contextlib.suppress(OSError):  # only root may give a file away
                os.chown(temporary, existing.st_uid, existing.st_gid)
        else:
            os.chmod(temporary, 0o666 & ~_umask())  # as an ordinary new file, not mkstemp's 0600
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise InputOutputError(
            shown, _("cannot write the file ({reason})").format(reason=error.strerror)
        ) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def quoted(path: Path | str) -> str:
    """A path as shown in a message: relative where it can be, cleaned for the terminal."""
    return one_line(_shown(path))
