"""Regenerate the sample history (江城市 2023 and 2022) deterministically: same code, same bytes.

    .venv/bin/python scripts/make_history_data.py [--out data/history]

- data/history/<year>/<主管部门>/<project_id>.xlsx  the two years before data/portfolio (2024), derived
  by `evalcore.authoring.synth.years.synthesize_history(130, seed=2024)` and written by the same
  workbook writer as the 2024 files (pinned timestamps)
- data/history/2023/<主管部门>/问卷/<project_id>-<指标>.csv  the questionnaires behind seven 2023
  满意度 rows: 问卷星 exports in GBK (answers in words, one duplicate submission and one blank one)
  and 腾讯问卷 exports in UTF-8 with BOM (answers 1–5)
- data/history/项目对照.csv  the renamed department's lines: each 2022 id → the 2023 id it continues as
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import math
import random
import shutil
from pathlib import Path

from evalcore.authoring.safe_names import safe_component
from evalcore.authoring.synth.years import History, Questionnaire, synthesize_history
from evalcore.authoring.writers import write_project_files

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "history"
PROJECTS = 130
SEED = 2024
MAPPING = "项目对照.csv"
START = dt.datetime(2023, 11, 6, 9, 0, 0)
SCORES = {"非常满意": 5, "满意": 4, "一般": 3, "不满意": 2, "非常不满意": 1}
REMARKS = ("希望继续办好", "建议加大宣传", "（空）", "（空）", "（空）")


def levels(valid: int, satisfied: int, rng: random.Random) -> dict[str, int]:
    """Answers by level: the satisfied split between 非常满意 and 满意, the others mostly 一般."""
    top = round(satisfied * rng.uniform(0.45, 0.65))
    rest = valid - satisfied
    fair = math.ceil(rest * 0.6)
    worst = 1 if rest - fair >= 2 else 0
    return {
        "非常满意": top,
        "满意": satisfied - top,
        "一般": fair,
        "不满意": rest - fair - worst,
        "非常不满意": worst,
    }


def answers(valid: int, satisfied: int, rng: random.Random) -> list[str]:
    """One answer per respondent, in a shuffled order (a survey is not answered level by level)."""
    out = [level for level, n in levels(valid, satisfied, rng).items() for _ in range(n)]
    rng.shuffle(out)
    return out


def wjx_rows(q: Questionnaire, rng: random.Random) -> list[list[str]]:
    """问卷星: 序号, 提交答卷时间, 所用时间, 来源, 来源详情, 来自IP, the questions, a free-text question;
    respondent 3 submits twice (same IP and answers) and one submission is blank."""
    main = answers(q.valid, q.satisfied, rng)
    other = answers(q.other[1], q.other[2], rng) if q.other else []
    header = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP", q.title]
    header += [q.other[0]] if q.other else []
    header.append(f"{3 if q.other else 2}、您的意见和建议")
    rows = [header]
    for i, answer in enumerate(main, start=1):
        when = START + dt.timedelta(minutes=37 * i)
        row = [str(i), when.strftime("%Y/%m/%d %H:%M:%S"), f"{30 + i % 90}秒", "微信", "N/A"]
        row += [f"58.{16 + i // 250}.{i // 10 % 25}.{i % 250}", answer]
        row += [other[i - 1] if i <= len(other) else "(跳过)"] if q.other else []
        rows.append([*row, rng.choice(REMARKS)])
    again = list(rows[3])
    again[0], again[1] = str(len(rows)), (START + dt.timedelta(days=20)).strftime("%Y/%m/%d %H:%M:%S")
    blank = [str(len(rows) + 1), (START + dt.timedelta(days=21)).strftime("%Y/%m/%d %H:%M:%S"), "4秒", "微信"]
    blank += ["N/A", "58.99.0.1", *[""] * (len(header) - 6)]
    return [*rows, again, blank]


def tencent_rows(q: Questionnaire, rng: random.Random) -> list[list[str]]:
    """腾讯问卷: 编号, 开始时间, 结束时间, 答题时长, 用户ID, then the question, answers 1–5."""
    rows = [["编号", "开始时间", "结束时间", "答题时长", "用户ID", q.title]]
    for i, answer in enumerate(answers(q.valid, q.satisfied, rng), start=1):
        begin = START + dt.timedelta(minutes=41 * i)
        end = begin + dt.timedelta(seconds=60 + i % 120)
        rows.append(
            [
                str(i),
                begin.strftime("%Y-%m-%d %H:%M:%S"),
                end.strftime("%Y-%m-%d %H:%M:%S"),
                str(60 + i % 120),
                f"o{rng.getrandbits(40):010x}",
                str(SCORES[answer]),
            ]
        )
    return rows


def write_questionnaire(q: Questionnaire, project_id: str, path: Path) -> None:
    """The export as the tool writes it: 问卷星 in GBK, 腾讯问卷 in UTF-8 with BOM, CRLF lines."""
    rng = random.Random(project_id)
    rows = wjx_rows(q, rng) if q.layout == "问卷星" else tencent_rows(q, rng)
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.getvalue().encode("gbk" if q.layout == "问卷星" else "utf-8-sig"))


def write_history(history: History, out: Path) -> int:
    """Every year's project files, the questionnaires beside them and the mapping file; returns the
    number of project files."""
    written = 0
    for year, projects in history.years.items():
        written += len(write_project_files(projects, out / str(year), "xlsx"))
        for p in projects:
            q = history.surveys.get(p["project_id"])
            if q is not None:
                write_questionnaire(
                    q, p["project_id"], out / str(year) / safe_component(p["department"]) / q.path
                )
    text = "from,to\n" + "".join(f"{a},{b}\n" for a, b in history.mapping.items())
    (out / MAPPING).write_text(text, encoding="utf-8-sig", newline="")
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="output folder (default: data/history/)")
    out: Path = parser.parse_args(argv).out
    if out.exists():
        shutil.rmtree(out)  # no stale files from an earlier run
    out.mkdir(parents=True)
    history = synthesize_history(PROJECTS, SEED)
    n = write_history(history, out)
    years = "、".join(f"{y}: {len(ps)}" for y, ps in history.years.items())
    print(
        f"history: {n} projects ({years}), {len(history.surveys)} questionnaires, {len(history.mapping)} mapped"
    )


if __name__ == "__main__":
    main()
