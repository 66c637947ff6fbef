"""Shared helpers for the benchmarks: run a command, time it, and sample the peak memory (PSS)
of its whole process tree (the parent and any workers it forks) from /proc."""

from __future__ import annotations

import hashlib
import os
import subprocess
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "benchmarks" / ".work"
BIN = Path(os.environ.get("EVALCORE_BIN", ROOT / ".venv" / "bin"))


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except OSError:
            pass
    return out


def _rss_kib(pid: int) -> int:
    """Proportional set size: pages shared by forked workers are counted once across the tree."""
    for path, key in ((f"/proc/{pid}/smaps_rollup", "Pss:"), (f"/proc/{pid}/status", "VmRSS:")):
        try:
            with open(path) as fh:
                for line in fh:
                    if line.startswith(key):
                        return int(line.split()[1])
        except OSError:
            continue
    return 0


def run(cmd: list[str], *, stdout=subprocess.DEVNULL, sample: float | None = 0.02) -> tuple[float, int, int]:
    """(seconds, peak tree PSS in KiB, exit code). `sample=None` times without watching memory:
    reading smaps of a large process tree every 20 ms costs CPU the command then lacks (on two
    cores that was a tenth of `score --json`'s time), so speed is measured unwatched."""
    peak = 0
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE)
    done = threading.Event()

    def watch() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, sum(_rss_kib(p) for p in _tree(proc.pid)))
            time.sleep(sample)  # type: ignore[arg-type]

    t = threading.Thread(target=watch, daemon=True)
    if sample is not None:
        t.start()
    _, err = proc.communicate()
    elapsed = time.perf_counter() - start
    done.set()
    if sample is not None:
        t.join()
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{cmd} failed ({proc.returncode}): {err.decode(errors='replace')[-2000:]}")
    return elapsed, peak, proc.returncode


def synth_version() -> str:
    """A digest of the code that writes synthetic portfolios: data kept from an older `synth` is
    not measured as if it were today's (it differs, and so do the timings)."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "evalcore" / "authoring").rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def synth(n: int, seed: int = 1) -> Path:
    out = WORK / f"synth-{n}-{seed}-{synth_version()}"
    if not (out / "projects.csv").exists():
        subprocess.run(
            [str(BIN / "evalcore"), "synth", "--projects", str(n), "--out", str(out), "--seed", str(seed)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return out
