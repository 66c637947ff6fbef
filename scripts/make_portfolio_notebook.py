"""Write notebooks/portfolio.ipynb from this script, so its cells, tags and ids stay reviewable
and stable (fixed cell ids keep the published index byte-identical across runs).

The notebook holds presentation only: every cell calls a section of the page
`evalcore.presentation.portfolio_page.open_index` returns, which reads what `evalcore batch` wrote
(`summary.json`, `manifest.json`) in `reports_dir`.
Run: `.venv/bin/python scripts/make_portfolio_notebook.py`.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from _report_notebook import report_notebook

OUT = Path(__file__).resolve().parents[1] / "notebooks" / "portfolio.ipynb"

SECTIONS = [
    ("总体情况", "index.headline()"),
    ("部门横向比较", "index.comparison()"),
    ("项目一览", "index.table()"),
    ("分布与排名", "index.charts()"),
    ("未生成报告的项目", "index.failures()"),
]


def build() -> nbformat.NotebookNode:
    return report_notebook(
        intro=(
            "# 项目支出绩效评价 · 项目总览（参数化笔记本）\n\n"
            "本笔记本把一次批量评价的结果汇总为项目总览：读取 `evalcore batch` 在输出文件夹中写下的 "
            "`summary.json` 与 `manifest.json`，所有数字都来自 `evalcore`，本笔记本只负责排版。\n\n"
            "- 手工运行：`papermill notebooks/portfolio.ipynb out.ipynb -p reports_dir reports/`\n"
            "- 发布 HTML：`evalcore batch data/ --out reports/`（生成 `reports/index.html`）\n\n"
            "（本说明单元格带有 `remove-cell` 标签，不会出现在发布的总览中。）"
        ),
        parameters=(
            "# 参数：papermill 会在其后插入 injected-parameters 单元格覆盖这些默认值\n"
            'reports_dir = "reports"  # evalcore batch 的输出文件夹（含 summary.json、manifest.json）'
        ),
        opening=(
            "from evalcore.presentation.portfolio_page import open_index\n\nindex = open_index(reports_dir)"
        ),
        header="index.header()",
        sections=SECTIONS,
        id_prefix="portfolio",
    )


if __name__ == "__main__":
    nbformat.write(build(), OUT)
    print(f"wrote {OUT}")
