"""Write an export without damaging what is there.

* A regular file (or a new path) is replaced atomically: the text goes to a temporary file
  beside it, is flushed to disk, then renamed over it; a crash leaves the old file or the new
  one, never half a file. The file keeps its mode (and owner, where allowed); a new file gets
  the mode the umask gives.
* A symbolic link is written through: its target is replaced, the link stays.
* A character device or a FIFO (``/dev/null``, ``/dev/stdout``, a named pipe with a reader) is
  written in place, never replaced. A block device, a socket, a FIFO nobody reads and a
  directory are refused with a one-line :class:`OSError`.
* Temporary files left by an export that was killed (``.NAME.parallax-HOST-PID-XXXX.tmp``, whose
  process is gone) are removed by the next export to the same file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import socket
import stat
import time
from pathlib import Path

_LEGACY_AGE = 600.0  # seconds after which a temporary file of an earlier version is stale
_OTHER_HOST_AGE = 3600.0


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` as described in the module's docstring."""
    path = Path(path)
    data = text.encode("utf-8", "surrogatepass")
    try:
        info: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        info = None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, "is a directory", str(path))
    if info is not None and not stat.S_ISREG(info.st_mode):
        _write_in_place(path, data, info)
        return
    real = Path(os.path.realpath(path))  # through symbolic links, to the file itself
    directory = real.parent
    if not directory.is_dir():
        raise FileNotFoundError(errno.ENOENT, "no such directory", str(directory))
    remove_stale_temporaries(real)
    unique = f"{_host()}-{os.getpid()}-{secrets.token_hex(4)}"
    temporary = directory / f".{real.name}.parallax-{unique}.tmp"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        try:
            _write_all(descriptor, data)
            os.fsync(descriptor)
            if info is not None:
                _keep_owner(descriptor, info)
                os.fchmod(descriptor, stat.S_IMODE(info.st_mode))
            else:
                os.fchmod(descriptor, 0o666 & ~_umask())
        finally:
            os.close(descriptor)
        os.replace(temporary, real)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    _sync_directory(directory)


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(descriptor, view)
        view = view[written:]


def _write_in_place(path: Path, data: bytes, info: os.stat_result) -> None:
    mode = info.st_mode
    if stat.S_ISBLK(mode):
        raise OSError(errno.EPERM, "is a block device; an export is never written onto one")
    if stat.S_ISFIFO(mode):
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as error:
            if error.errno == errno.ENXIO:
                raise OSError(errno.ENXIO, "is a named pipe that nobody reads") from None
            raise
        os.set_blocking(descriptor, True)
    elif stat.S_ISCHR(mode):
        descriptor = os.open(path, os.O_WRONLY)  # never created, never truncated
    else:
        raise OSError(errno.EPERM, "is not a regular file, a device or a pipe")
    try:
        _write_all(descriptor, data)
    finally:
        os.close(descriptor)


def _keep_owner(descriptor: int, info: os.stat_result) -> None:
    """Give the new file the old one's owner and group, where the system allows it."""
    with contextlib.suppress(OSError):
        os.fchown(descriptor, info.st_uid, info.st_gid)
        return
    with contextlib.suppress(OSError):
        os.fchown(descriptor, -1, info.st_gid)


def _umask() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _sync_directory(directory: Path) -> None:
    with contextlib.suppress(OSError):
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9]", "", socket.gethostname())[:32] or "host"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temporaries(path: Path) -> list[Path]:
    """Remove the temporary files that killed exports to ``path`` left beside it: those of a
    process of this machine that is gone, and older ones of other machines or of earlier
    versions of Parallax. Returns what was removed."""
    prefix = f".{path.name}."
    removed: list[Path] = []
    ours = re.compile(r"parallax-([A-Za-z0-9]*)-(\d+)-[0-9a-f]+")
    legacy = re.compile(r"[a-z0-9_]{8}")
    host, now = _host(), time.time()
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return removed
    for entry in entries:
        name = entry.name
        if not (name.startswith(prefix) and name.endswith(".tmp")):
            continue
        middle = name[len(prefix) : -len(".tmp")]
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            age = now - entry.stat(follow_symlinks=False).st_mtime
        except OSError:
            continue
        found = ours.fullmatch(middle)
        if found is not None:
            pid = int(found[2])
            if found[1] == host:
                stale = pid != os.getpid() and not _alive(pid)
            else:
                stale = age > _OTHER_HOST_AGE
        else:
            stale = legacy.fullmatch(middle) is not None and age > _LEGACY_AGE
        if stale:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed
