"""Write the seed case's questionnaires and the seed project that scores from them: same code, same bytes.

    .venv/bin/python scripts/make_survey_data.py [--out tests/data]

- 问卷/挂点社区满意度.csv  a 问卷星 export in GBK: 62 rows — 60 respondents (30 非常满意, 24 满意,
  4 一般, 2 不满意: 54 of 60 satisfied, exactly 90%), one duplicate submission (same 来自IP and
  answers, new 序号 and time) and one blank submission
- 问卷/上访群众满意度.xlsx  a 腾讯问卷 export: 50 respondents answering 1–5 (20 × 5, 20 × 4, 6 × 3,
  4 × 2: 40 of 50 satisfied, exactly 80%), plus a second question that is not the indicator's
- nc-scjg-2019-zzxf-survey.yaml  the seed case (data/seed) with its two 满意度 rows naming these files
  and their 实际完成值 left blank: it scores exactly as the seed (4.5 and 4.0, total 80.13)

Test fixtures, not sample data: under data/ a workbook that is no project would be read as one, and
a second file of the seed's 项目编号 would be a duplicate id.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
from pathlib import Path

import yaml
from openpyxl import Workbook

from evalcore.authoring.writers import save_workbook

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "seed" / "nc-scjg-2019-zzxf.yaml"
OUT = ROOT / "tests" / "data"
COMMUNITY = "问卷/挂点社区满意度.csv"
VISITORS = "问卷/上访群众满意度.xlsx"
START = dt.datetime(2019, 11, 4, 9, 0, 0)


def community_rows() -> list[list[str]]:
    """问卷星 columns: 序号, 提交答卷时间, 所用时间, 来源, 来源详情, 来自IP, then the questions."""
    header = [
        "序号",
        "提交答卷时间",
        "所用时间",
        "来源",
        "来源详情",
        "来自IP",
        "1、您对挂点社区综治宣传培训的满意程度",
        "2、您的意见和建议",
    ]
    answers = ["非常满意"] * 30 + ["满意"] * 24 + ["一般"] * 4 + ["不满意"] * 2
    rows = [header]
    for i, answer in enumerate(answers, start=1):
        when = START + dt.timedelta(hours=7 * i)
        rows.append(
            [
                str(i),
                when.strftime("%Y/%m/%d %H:%M:%S"),
                f"{40 + i}秒",
                "微信",
                "N/A",
                f"117.40.{i // 10}.{i}",
                answer,
                "（空）" if i % 3 else "希望多举办",
            ]
        )
    again = list(rows[12])  # respondent 12 submits a second time: a new 序号 and time, the same answers
    again[0], again[1] = "61", (START + dt.timedelta(days=30)).strftime("%Y/%m/%d %H:%M:%S")
    rows.append(again)
    rows.append(
        [
            "62",
            (START + dt.timedelta(days=31)).strftime("%Y/%m/%d %H:%M:%S"),
            "5秒",
            "微信",
            "N/A",
            "117.40.9.99",
            "",
            "",
        ]
    )
    return rows


def visitor_rows() -> list[list[object]]:
    """腾讯问卷 columns: 编号, 开始时间, 结束时间, 答题时长, 用户ID, then the questions (scores 1–5)."""
    header = [
        "编号",
        "开始时间",
        "结束时间",
        "答题时长",
        "用户ID",
        "Q1. 您对上访接待工作的满意度（上访群众）",
        "Q2. 您对办事大厅环境的满意度",
    ]
    scores = [5] * 20 + [4] * 20 + [3] * 6 + [2] * 4
    rows: list[list[object]] = [header]
    for i, score in enumerate(scores, start=1):
        begin = START + dt.timedelta(hours=5 * i)
        rows.append(
            [
                i,
                begin.strftime("%Y-%m-%d %H:%M:%S"),
                (begin + dt.timedelta(minutes=2)).strftime("%Y-%m-%d %H:%M:%S"),
                "120",
                f"u{1000 + i}",
                score,
                5 - i % 3,
            ]
        )
    return rows


def survey_project(seed: dict) -> dict:
    """The seed with its two 满意度 rows naming the questionnaires, their actuals blank."""
    doc = dict(seed)
    rows = []
    for row in seed["indicators"]:
        row = dict(row)
        if row["name"] == "挂点社区满意度（培训人员）":
            row.pop("actual")
            row["survey"] = COMMUNITY
        elif row["name"] == "上访群众满意度（社区群众）":
            row.pop("actual")
            row["survey"] = VISITORS
            row["survey_question"] = "上访接待工作"
        rows.append(row)
    doc["indicators"] = rows
    return doc


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="output folder (default: tests/data/)")
    out: Path = parser.parse_args(argv).out
    (out / "问卷").mkdir(parents=True, exist_ok=True)
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(community_rows())
    (out / COMMUNITY).write_bytes(text.getvalue().encode("gbk"))
    wb = Workbook()
    ws = wb.active
    ws.title = "问卷数据"
    for row in visitor_rows():
        ws.append(row)
    save_workbook(wb, out / VISITORS)
    seed = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    doc = survey_project(seed)
    head = "# The seed case (data/seed) with its two 满意度 rows scored from questionnaires: scripts/make_survey_data.py\n"
    body = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=120)
    (out / "nc-scjg-2019-zzxf-survey.yaml").write_text(head + body, encoding="utf-8")


if __name__ == "__main__":
    main()
