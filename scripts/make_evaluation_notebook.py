"""Write notebooks/evaluation.ipynb from this script, so its cells, tags and ids stay reviewable
and stable (fixed cell ids keep the published HTML byte-identical across runs).

The notebook holds presentation only: every cell calls `evalcore.presentation.report`.
Run: `.venv/bin/python scripts/make_evaluation_notebook.py`.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from _report_notebook import report_notebook

OUT = Path(__file__).resolve().parents[1] / "notebooks" / "evaluation.ipynb"

SECTIONS = [
    ("一、项目基本情况", "report.basic_info()"),
    ("二、评分总览", "report.overview()"),
    ("三、指标分析", "report.indicators()"),
    ("四、预算执行与偏差", "report.budget()"),
    ("五、复核发现", "report.findings()"),
    ("六、综合评价结论", "report.conclusion()"),
    ("七、结果应用建议", "report.suggestions()"),
    ("附表　项目支出绩效自评表", "report.standard_form()"),
    ("来源与版本", "report.provenance()"),
]


def build() -> nbformat.NotebookNode:
    return report_notebook(
        intro=(
            "# 项目支出绩效评价报告（参数化笔记本）\n\n"
            "本笔记本为一个项目生成绩效评价报告。所有数字都来自 `evalcore`，本笔记本只负责排版；"
            "要修改评分规则，请修改评分方案或 `evalcore` 包，而不是这里。\n\n"
            "- 手工运行：`papermill notebooks/evaluation.ipynb out.ipynb -p project_path data/seed/nc-scjg-2019-zzxf.yaml`\n"
            "- 发布 HTML：`evalcore report data/seed/nc-scjg-2019-zzxf.yaml --out reports/`\n\n"
            "（本说明单元格带有 `remove-cell` 标签，不会出现在发布的报告中。）"
        ),
        parameters=(
            "# 参数：papermill 会在其后插入 injected-parameters 单元格覆盖这些默认值\n"
            'project_path = "data/seed/nc-scjg-2019-zzxf.yaml"  # 项目文件（.yaml/.xlsx）或台账文件夹\n'
            "scheme = None  # 评分方案 id（self-2020、dept-2020）或方案文件；None 表示按项目自身设定\n"
            "project_id = None  # 台账文件夹时指定其中一个项目"
        ),
        opening=(
            "from evalcore.presentation.notebook import open_report\n\n"
            "report = open_report(project_path, scheme, project_id)"
        ),
        header="report.header()",
        sections=SECTIONS,
        id_prefix="evalcore",
    )


if __name__ == "__main__":
    nbformat.write(build(), OUT)
    print(f"wrote {OUT}")
