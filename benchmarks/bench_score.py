"""`evalcore score DIR --json` against merely reading the same tables with pandas.

Prints, measured side by side in one run (the machine is shared: runs alternate, best of N):
- 20,000 synthetic projects from tables: time of `evalcore score DIR --json > file`, time of a
  Python process that imports pandas and reads the three CSV tables, and their ratio (goal ≤ 3×);
- 100,000 projects: peak resident memory of the whole `evalcore score` process tree (goal < 2 GiB)
  and the same per project.

Run: `make bench` or `.venv/bin/python benchmarks/bench_score.py [--repeat 3] [--projects 20000]`.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import BIN, ROOT, run, synth

READ_WITH_PANDAS = (
    "import sys, pandas as pd\n"
    "for name in ('projects', 'budget', 'indicators'):\n"
    "    pd.read_csv(f'{sys.argv[1]}/{name}.csv')\n"
)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--projects", type=int, default=20_000)
    ap.add_argument("--memory-projects", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    data = synth(args.projects)
    python, evalcore = str(BIN / "python"), str(BIN / "evalcore")
    # What a regular `pip install` does and `make setup` does for the editable install: without it
    # (PYTHONDONTWRITEBYTECODE set) each run would compile the package again, as pandas never is.
    subprocess.run([python, "-m", "compileall", "-q", str(ROOT / "evalcore")], check=True)
    score_times, read_times = [], []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "scored.json"
        for _ in range(args.repeat):  # both timed unwatched (no memory sampling beside them)
            t, _, _ = run([python, "-c", READ_WITH_PANDAS, str(data)], sample=None)
            read_times.append(t)
            with out.open("wb") as fh:
                t, peak, code = run([evalcore, "score", str(data), "--json"], stdout=fh, sample=None)
            score_times.append(t)
        size = out.stat().st_size
    best_score, best_read = min(score_times), min(read_times)
    print(
        f"score --json, {args.projects:,} projects: {best_score:.2f} s (runs: {', '.join(f'{t:.2f}' for t in score_times)}),"
        f" JSON {size / 2**20:.0f} MiB, exit {code}"
    )
    print(
        f"pandas read of the same tables:     {best_read:.2f} s (runs: {', '.join(f'{t:.2f}' for t in read_times)})"
    )
    print(f"ratio score / read: {best_score / best_read:.2f}x   (goal ≤ 3x)")

    big = synth(args.memory_projects)
    t, peak, code = run([evalcore, "score", str(big), "--json"])
    print(
        f"score --json, {args.memory_projects:,} projects: {t:.1f} s, peak memory (PSS) of the process tree "
        f"{peak / 2**20:.2f} GiB ({peak * 1024 / args.memory_projects / 1024:.1f} KiB per project)   (goal < 2 GiB)"
    )


if __name__ == "__main__":
    main()
