"""历史比较 and 横向比较 at scale: `Portfolio.history` and `Portfolio.peers` over a synthetic
portfolio of N projects a year × 3 years (issue #15: under a second each once loaded).

Three synthetic table folders (`evalcore synth`, seeds 7, 8, 9), their year column set to 2022,
2023 and 2024: the ids the seeds share are one line across years; the rest are matched by unit and
name without the year, or listed as ambiguous (a synthetic city repeats names). Loads once
(`load_portfolio`: read, score, review, match the years, R016–R019, tables), then times history()
and peers() for 100 random ids (the first peers() call also builds the groups: shown apart).

Run: `.venv/bin/python benchmarks/bench_history.py [--projects 20000] [--calls 100]`.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

GOAL_S = 1.0
YEARS = (2022, 2023, 2024)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--projects", type=int, default=20000, help="projects a year")
    ap.add_argument("--calls", type=int, default=100)
    args = ap.parse_args()

    import pandas as pd

    from evalcore.authoring.synth import write_synthetic
    from evalcore.explore import load_portfolio

    with tempfile.TemporaryDirectory(prefix="bench-history-") as tmp:
        folders = []
        for seed, year in zip((7, 8, 9), YEARS, strict=True):
            folder = Path(tmp) / str(year)
            write_synthetic(folder, args.projects, seed=seed, fmt="tables")
            table = pd.read_csv(folder / "projects.csv", dtype=str, keep_default_na=False)
            table["year"] = str(year)
            table.to_csv(folder / "projects.csv", index=False)
            folders.append(folder)
        t = time.perf_counter()
        pf = load_portfolio(folders)
        loaded = time.perf_counter() - t

    ids = sorted(set(pf.projects["project_id"]))
    rng = random.Random(15)
    picks = [rng.choice(ids) for _ in range(args.calls)]
    t = time.perf_counter()
    pf.peers(picks[0])
    first_peers = time.perf_counter() - t
    timings: dict[str, list[float]] = {"history": [], "peers": []}
    years = []
    for pid in picks:
        t = time.perf_counter()
        years.append(len(pf.history(pid)))
        timings["history"].append(time.perf_counter() - t)
        t = time.perf_counter()
        pf.peers(pid)
        timings["peers"].append(time.perf_counter() - t)

    codes = pf.findings["code"].value_counts()
    print(
        f"{len(pf):,} projects ({args.projects:,} a year × {len(YEARS)} years), "
        f"{len(pf.indicators):,} indicator rows, {len(pf.ambiguous):,} listed as ambiguous"
    )
    print(f"load (read, score, review, match years, R016–R019, tables): {loaded:.1f} s")
    print(
        "history findings: "
        + ", ".join(f"{c} {int(codes.get(c, 0)):,}" for c in ("R016", "R017", "R018", "R019"))
    )
    print(f"first peers() call, building the groups once: {first_peers:.3f} s")
    print(f"years per history(): mean {statistics.fmean(years):.2f}")
    for name, values in timings.items():
        worst = max(values)
        verdict = "met" if worst < GOAL_S else "NOT met"
        print(
            f"{name}(): median {statistics.median(values) * 1000:.1f} ms, max {worst * 1000:.1f} ms "
            f"over {len(values)} calls; max ÷ goal {worst / GOAL_S:.4f} (goal < {GOAL_S:.0f} s: {verdict})"
        )


if __name__ == "__main__":
    main()
