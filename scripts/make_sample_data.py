"""Regenerate the sample data deterministically: same code, same bytes.

    .venv/bin/python scripts/make_sample_data.py [--seed-yaml PATH]

- data/seed/nc-scjg-2019-zzxf.yaml  the real seed case (transcribed by hand; copied verbatim from
  --seed-yaml when given, otherwise the copy already in data/seed is kept as the source)
- data/portfolio/<主管部门>/<project_id>.xlsx  a synthetic city portfolio (130 projects, seed 2024)
- tests/data/nc-scjg-2019-zzxf.xlsx  the seed as the workbook departments fill in, a test fixture:
  not under data/, where a second carrier of the same project would be a duplicate 项目编号 and
  `evalcore score data/` would fail
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import yaml

from evalcore.authoring.synth import write_synthetic
from evalcore.authoring.writers import write_workbook

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
FIXTURES = ROOT / "tests" / "data"
SEED_NAME = "nc-scjg-2019-zzxf"
PORTFOLIO_PROJECTS = 130
PORTFOLIO_SEED = 2024


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed-yaml", type=Path, help="the transcribed seed case to copy into data/seed")
    parser.add_argument("--data", type=Path, default=DATA, help="output folder (default: data/)")
    parser.add_argument(
        "--fixtures", type=Path, default=FIXTURES, help="folder of the seed workbook (default: tests/data/)"
    )
    args = parser.parse_args(argv)
    data: Path = args.data

    seed_yaml = data / "seed" / f"{SEED_NAME}.yaml"
    seed_yaml.parent.mkdir(parents=True, exist_ok=True)
    if args.seed_yaml is not None and args.seed_yaml.resolve() != seed_yaml.resolve():
        shutil.copyfile(args.seed_yaml, seed_yaml)
    if not seed_yaml.is_file():
        parser.error(f"{seed_yaml} is missing: pass --seed-yaml with the transcribed seed case")
    project = yaml.safe_load(seed_yaml.read_text(encoding="utf-8"))
    args.fixtures.mkdir(parents=True, exist_ok=True)
    write_workbook(project, args.fixtures / f"{SEED_NAME}.xlsx")

    portfolio = data / "portfolio"
    if portfolio.exists():
        shutil.rmtree(portfolio)  # no stale files from an earlier, larger run
    n = write_synthetic(portfolio, PORTFOLIO_PROJECTS, seed=PORTFOLIO_SEED, fmt="xlsx")
    departments = sum(1 for p in portfolio.iterdir() if p.is_dir())
    print(
        f"seed: {seed_yaml.relative_to(data.parent)} (workbook in {args.fixtures}); "
        f"portfolio: {n} projects in {departments} departments"
    )


if __name__ == "__main__":
    main()
