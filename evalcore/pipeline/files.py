"""Files as published: readable like any file the user creates (the umask read without changing
it), and written atomically (a temporary name in the same folder, renamed into place), so a killed
run leaves a complete file or none."""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path


def _umask_from_proc() -> int | None:
    """The process umask as Linux reports it (`Umask:` in /proc/self/status, since Linux 4.7):
    read without changing it, so no other thread can ever see a different one. None elsewhere."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return None


_umask_lock = threading.Lock()
_umask_cached: int | None = None


def umask_by_setting() -> int:
    """Where /proc does not say: os.umask is the only portable way to read the umask, and it reads
    by setting. Done once, at first use (not at import: a library leaves process state alone while
    it is imported) and under a lock, so our own threads never race it; the value is cached."""
    global _umask_cached
    with _umask_lock:
        if _umask_cached is None:
            _umask_cached = os.umask(0o077)  # the strictest value is the one briefly in force
            os.umask(_umask_cached)
        return _umask_cached


def file_mode() -> int:
    """The mode a newly created file gets here (0o666 less the umask). Reports are written through
    mkstemp (mode 0600) and renamed into place; they are then given this mode, so a published
    report is readable like any other file the user creates."""
    umask = _umask_from_proc()
    return 0o666 & ~(umask if umask is not None else umask_by_setting())


def atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, file_mode())  # mkstemp makes 0600; a published report is readable like any file
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
