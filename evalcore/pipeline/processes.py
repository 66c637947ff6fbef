"""How the worker processes of `evalcore score` and `evalcore batch` start.

Python offers three start methods: `fork` (Linux; the child is a copy of the parent, memory
shared copy-on-write), `spawn` (every platform, the only one on Windows and the default on macOS;
a fresh interpreter that imports what it needs and receives its arguments pickled) and
`forkserver` (Unix; children forked from a clean server process). Every pool in evalcore works
with each of them: the workers get what they need by pickling or by re-opening it, never only by
inheritance.

- `score --json` forks where the platform can: its workers inherit the parent's Arrow tables
  without copying or re-reading them (the scoring benchmark depends on it). Elsewhere it spawns.
- `batch` takes Python's default for the platform (its jobs are small dicts; each worker starts
  kernels anyway).

`EVALCORE_START_METHOD=fork|spawn|forkserver` overrides both, e.g. to check on Linux what a
Windows or macOS user will run.
"""

from __future__ import annotations

import os

from ..errors import SettingError

ENV = "EVALCORE_START_METHOD"
METHODS = ("fork", "spawn", "forkserver")


def chosen_start_method() -> str | None:
    """The start method EVALCORE_START_METHOD names, or None when it is unset or blank. A value
    this platform does not offer is a SettingError: silently using another method would hide
    exactly what the setting is there to show."""
    value = os.environ.get(ENV, "").strip().lower()
    if not value:
        return None  # and multiprocessing is not imported (8 ms) by a command that starts no pool
    available = [m for m in METHODS if m in _platform_methods()]
    if value not in available:
        raise SettingError(ENV, value, "、".join(available))
    return value


def start_method(prefer: str | None) -> str | None:
    """The start method for a pool: the user's choice, else `prefer` when this platform has it,
    else None (Python's default for the platform)."""
    chosen = chosen_start_method()
    if chosen:
        return chosen
    return prefer if prefer in _platform_methods() else None


def _platform_methods() -> list[str]:
    import multiprocessing

    return multiprocessing.get_all_start_methods()
