"""Write notebooks/evaluation.ipynb from this script, so its cells, tags and ids stay reviewable
and stable (fixed cell ids keep the published HTML byte-identical across runs).

The notebook holds presentation only: every cell calls `evalcore.presentation.report`. It holds
two documents, exported apart from one run (evalcore/pipeline/render.py): the 绩效评价报告 (cells
tagged `report`, one per section of `presentation/submission.py`) and the 复核底稿 (cells tagged
`worksheet`).
Run: `.venv/bin/python scripts/make_evaluation_notebook.py`.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from _report_notebook import notebook, report_notebook
from nbformat.v4 import new_code_cell

OUT = Path(__file__).resolve().parents[1] / "notebooks" / "evaluation.ipynb"

#: The 绩效评价报告, one cell per part (presentation/submission.py builds them).
DOCUMENT_PARTS = ["title", "basic", "work", "analysis", "conclusion", "application", "lessons", "annex"]

SECTIONS = [
    ("一、项目基本情况", "report.basic_info()"),
    ("二、评分总览", "report.overview()"),
    ("三、指标分析", "report.indicators()"),
    ("四、预算执行与偏差", "report.budget()"),
    ("五、历史比较与横向比较", "report.comparison_section()"),
    ("六、复核发现", "report.findings()"),
    ("七、综合评价结论", "report.conclusion()"),
    ("八、结果应用建议", "report.suggestions()"),
    ("附表　项目支出绩效自评表", "report.standard_form()"),
    ("来源与版本", "report.provenance()"),
]


def build() -> nbformat.NotebookNode:
    worksheet = report_notebook(
        intro=(
            "# 项目支出绩效评价报告（参数化笔记本）\n\n"
            "本笔记本为一个项目生成两份文件：供报送的**绩效评价报告**（带 `report` 标签的单元格）和供复核人员使用的"
            "**复核底稿**（带 `worksheet` 标签的单元格）。`evalcore report` 执行一次，分别导出两份 HTML。"
            "所有数字都来自 `evalcore`，本笔记本只负责排版；"
            "要修改评分规则，请修改评分方案或 `evalcore` 包，而不是这里。\n\n"
            "- 手工运行：`papermill notebooks/evaluation.ipynb out.ipynb -p project_path data/seed/nc-scjg-2019-zzxf.yaml`\n"
            "- 发布 HTML：`evalcore report data/seed/nc-scjg-2019-zzxf.yaml --out reports/`\n\n"
            "（本说明单元格带有 `remove-cell` 标签，不会出现在发布的报告中。）"
        ),
        parameters=(
            "# 参数：papermill 会在其后插入 injected-parameters 单元格覆盖这些默认值\n"
            'project_path = "data/seed/nc-scjg-2019-zzxf.yaml"  # 项目文件（.yaml/.xlsx）或台账文件夹\n'
            "scheme = None  # 评分方案 id（self-2020、dept-2020）或方案文件；None 表示按项目自身设定\n"
            "project_id = None  # 台账文件夹时指定其中一个项目\n"
            "context_path = None  # evalcore batch 写出的比较数据（历史比较、横向比较）；None 表示不比较"
        ),
        opening=(
            "from evalcore.presentation.notebook import open_report\n\n"
            "report = open_report(project_path, scheme, project_id, context_path)"
        ),
        header="report.header()",
        sections=SECTIONS,
        id_prefix="evalcore",
    )
    head, sheet = worksheet.cells[:3], worksheet.cells[3:]
    for cell in sheet:
        cell.metadata.setdefault("tags", []).append("worksheet")
    parts = [
        new_code_cell(f'report.part("{key}")', metadata={"tags": ["report", "remove-input"]})
        for key in DOCUMENT_PARTS
    ]
    return notebook(head + parts + sheet, "evalcore")


if __name__ == "__main__":
    nbformat.write(build(), OUT)
    print(f"wrote {OUT}")
