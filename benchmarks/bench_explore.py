"""notebooks/explore.ipynb at scale: from `load_portfolio` to the first rendered view, and a filter
change's redraw.

For 2,000 and 20,000 synthetic projects (portfolio tables, `evalcore synth`), each size in a fresh
process (no warm caches from the other size), prints:
- load: `open_explorer(path)`, the notebook's first cell: `load_portfolio` (read, score and review
  through `evaluate_paths`, build the DataFrames), fonts, and one full garbage collection before
  the portfolio is frozen out of the collector's way;
- first view: what the notebook shows on opening: the portfolio card (`portfolio_card`), the filter
  controls, the four sections (three charts) and the drill-down;
- load + first view, the figure the issue names;
- at 20,000 projects, filter changes as a user makes them in JupyterLab: each sets a widget's
  value, whose callback (`Explorer.refresh`) filters, re-renders every section and the drill-down
  and swaps the panes' outputs. New filters (nothing cached) and a return to an earlier filter
  (cached). Goal: a redraw under 0.5 s.

Run: `.venv/bin/python benchmarks/bench_explore.py [--sizes 2000 20000] [--changes 8]`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import ROOT

GOAL_S = 0.5


def child(path: str, changes: int) -> dict[str, object]:
    """One size, in this process: load, first view, filter changes."""
    t = time.perf_counter()
    from evalcore.presentation.cards import portfolio_card
    from evalcore.presentation.explore_views import SECTIONS
    from evalcore.presentation.explore_widgets import open_explorer

    imported = time.perf_counter() - t
    t0 = time.perf_counter()
    explorer = open_explorer(path)  # what the notebook's first cell calls: load_portfolio + fonts
    loaded = time.perf_counter() - t0
    portfolio = explorer.portfolio
    t1 = time.perf_counter()
    card = portfolio_card(portfolio)
    explorer.controls()
    for name in SECTIONS:
        explorer.section(name)
    explorer.drilldown()
    first = time.perf_counter() - t1
    result: dict[str, object] = {
        "projects": len(portfolio),
        "indicators": len(portfolio.indicators),
        "import": imported,
        "load": loaded,
        "first_view": first,
        "card_kib": len(card) / 1024,
    }
    if changes:
        depts = portfolio.variance("department")["department"].tolist()
        grades = [g for g in portfolio.grade_order if g in set(portfolio.projects["grade"])]
        steps: list[tuple[str, object]] = []
        for k in range(changes):
            steps.append(("department", depts[k % len(depts)]))
            if k % 3 == 1:
                steps.append(("grade", tuple(grades[:2]) if k % 2 else tuple(grades[:1])))
            if k % 3 == 2:
                steps.append(("rate", (round(0.3 + 0.05 * k, 2), 0.95)))
        steps += [("department", ""), ("grade", ()), ("rate", (0.0, 1.5))]
        new: list[tuple[str, float]] = []
        seen: list[tuple] = []
        for attr, value in steps:
            widget = getattr(explorer, attr)
            if widget.value == value:
                continue  # no change, no callback
            t = time.perf_counter()
            widget.value = value  # the widget's observer runs Explorer.refresh, as in JupyterLab
            new.append((f"{attr}={value or '全部'}", time.perf_counter() - t))
            seen.append(explorer.filters())
        cached: list[float] = []
        for department, grade, rate in seen[:4]:  # back to filters already drawn
            t = time.perf_counter()
            explorer.set_filters(department, grade, rate)
            cached.append(time.perf_counter() - t)
        result.update(redraw_new=new, redraw_cached=cached)
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[2000, 20000])
    ap.add_argument("--changes", type=int, default=8, help="filter changes at the largest size")
    ap.add_argument("--child", nargs=2, metavar=("PATH", "CHANGES"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], int(args.child[1]))))
        return

    from evalcore.authoring.synth import write_synthetic

    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-explore-") as tmp:
        for n in args.sizes:
            data = Path(tmp) / f"city-{n}"
            write_synthetic(data, n, seed=7, fmt="tables")
            changes = args.changes if n == max(args.sizes) else 0
            proc = subprocess.run(
                [sys.executable, __file__, "--child", str(data), str(changes)],
                cwd=ROOT,
                capture_output=True,
                text=True,
            )
            if proc.returncode != 0:
                raise SystemExit(proc.stderr[-3000:])
            rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))

    print("notebooks/explore.ipynb at scale (seconds; each size in a fresh process)")
    print(
        f"{'projects':>9} {'indicators':>10} {'import':>7} {'load':>7} {'first view':>11} {'load→view':>10}"
    )
    for r in rows:
        print(
            f"{r['projects']:>9,} {r['indicators']:>10,} {r['import']:>7.2f} {r['load']:>7.2f} "
            f"{r['first_view']:>11.2f} {r['load'] + r['first_view']:>10.2f}"
        )  # type: ignore[operator]
    for r in rows:
        if "redraw_new" in r:
            steps, cached = r["redraw_new"], r["redraw_cached"]
            new = [seconds for _label, seconds in steps]  # type: ignore[union-attr]
            verdict = "met" if max(new) < GOAL_S else "NOT met"
            print(f"\nfilter change → redraw at {r['projects']:,} projects ({len(new)} new filters):")
            print(
                f"  new filter: median {statistics.median(new):.3f} s, max {max(new):.3f} s "
                f"(goal < {GOAL_S} s: {verdict})"
            )
            for label, seconds in steps:  # type: ignore[union-attr]
                print(f"    {seconds:.3f}  {label}")
            print(f"  back to an earlier filter (cached): {', '.join(f'{x:.3f}' for x in cached)}")  # type: ignore[union-attr]


if __name__ == "__main__":
    main()
