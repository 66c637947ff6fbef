"""Write notebooks/explore.ipynb from this script, so its cells and ids stay reviewable and stable.

The notebook holds presentation only: it loads the portfolio through `evalcore` and displays what
`evalcore.presentation.explore_widgets.Explorer` returns (numbers from `evalcore.explore`, charts
drawn in the package). Run: `.venv/bin/python scripts/make_explore_notebook.py`.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from _report_notebook import notebook
from nbformat.v4 import new_code_cell, new_markdown_cell

OUT = Path(__file__).resolve().parents[1] / "notebooks" / "explore.ipynb"

SECTIONS = [
    (
        "一、钱花在哪里，没花出去的在哪里（按主管部门）",
        "每个部门一条：蓝色为已执行，橙色为未执行的差额，红色为超支；选定一个部门时按项目画。",
        'explorer.panel("departments")',
    ),
    (
        "二、各部门预算执行率分布",
        "每个部门一行：箱体为四分位区间，竖线为中位数，点为项目；橙色虚线为 90%。",
        'explorer.panel("rates")',
    ),
    (
        "三、执行不足与超支最多的支出明细",
        "执行率低于 90% 的支出明细和项目中未执行金额最大的，以及超支最多的。",
        'explorer.panel("items")',
    ),
    ("四、复核得分与预算执行率", "每个点一个项目，颜色为等级。", 'explorer.panel("scatter")'),
    (
        "五、逐级查看：主管部门 → 项目 → 指标",
        "在「查找项目」中输入项目名称或编号的一部分，点选一个匹配即打开它的评分卡；或先选部门、再选项目"
        "（只列当前筛选条件下的部门和项目），下方是该部门的项目和所选项目的评分卡与指标。",
        "explorer.drilldown()",
    ),
    (
        "六、历史比较与横向比较",
        "先选部门、再选所选年度的项目：该项目历年的全年预算、执行数、执行率、得分与等级（表和图），"
        "历年各项指标，跨年度复核发现（R016–R019），以及所选年度在本部门和同类项目中的排名与百分位。"
        "未能跨年度匹配的项目（同名不猜测）列在最后。",
        "explorer.history()",
    ),
    (
        "七、复核发现",
        "当前筛选下各主管部门每种复核发现的条数（代码的中文名称列在表下），其下为每条发现：项目、代码、说明。"
        "「发现代码」只筛选下方的发现列表（不选即全部），上方的表和其他各部分不受其影响。",
        "explorer.findings()",
    ),
    (
        "八、导出当前筛选（Excel）",
        "把当前所选年度和筛选条件下的项目写成与 `evalcore export` 相同的工作簿：「汇总」表加每个项目一张"
        "项目支出绩效自评表。路径相对于本笔记本所在的文件夹，默认 `导出/筛选结果-<日期>.xlsx`。",
        "explorer.export()",
    ),
]


def build() -> nbformat.NotebookNode:
    cells = [
        new_markdown_cell(
            "# 预算执行探索（项目支出绩效评价）\n\n"
            "把整个项目组合读进 `evalcore`（评分、复核与 `evalcore score` 完全一致），按主管部门、项目和支出明细"
            "查看预算执行偏差：年初、全年、执行、差额、执行率，超支与执行率偏低；组合含多个年度时，"
            "按所选评价年度显示（不同年度的金额不相加），并可查看项目的历年比较与横向比较。"
            "本笔记本只负责展示，所有数字都来自 `evalcore`。\n\n"
            "- 在 JupyterLab 中打开：`make lab`；改变下面的评价年度和筛选条件，各部分的表和图会在原处重绘。\n"
            "- 无界面运行：`papermill notebooks/explore.ipynb out.ipynb -p data_path /path/to/data`"
            "（显示默认视图：最近一个年度的全部项目）。\n"
            "- 在代码里用：`evalcore.load_portfolio(path)` 返回的对象带有 `projects`、`indicators`、`budget`、"
            "`findings`、`errors` 五张 DataFrame，以及 `variance(by=...)`、`filter(...)`、`project(id)`。"
        ),
        new_code_cell(
            "# 参数：papermill 会在其后插入 injected-parameters 单元格覆盖这些默认值\n"
            'data_path = "data"  # 项目文件、部门文件夹或台账文件夹，可含多个年度（相对路径按仓库根目录解析）\n'
            "scheme = None  # 评分方案 id（self-2020、dept-2020）或方案文件；None 表示按项目自身设定\n"
            "lineage_path = None  # 更名项目对照文件（CSV 列 from,to 或 YAML）；None 表示不用",
            metadata={"tags": ["parameters"]},
        ),
        new_code_cell(
            "from evalcore.presentation.explore_widgets import open_explorer\n\n"
            "explorer = open_explorer(data_path, scheme, lineage_path)\n"
            "portfolio = explorer.portfolio"
        ),
        new_markdown_cell(
            "## 总览\n\n所选评价年度、当前筛选条件下的项目（筛选在下面的「筛选」中设置）；"
            "其下为无法读取的输入（文件、位置、原因；它们不属于任何部门，不受筛选影响）。"
        ),
        new_code_cell("explorer.overview()"),
        new_code_cell("explorer.input_errors()"),
        new_markdown_cell(
            "## 筛选\n\n评价年度（组合只有一个年度时不显示）、主管部门（可输入名称查找）、等级、执行率区间"
            "（拖动滑块或输入上下限，「执行率低于 90%」一键设定）：以下各部分都按这里的条件重绘，"
            "每部分上方重复当前筛选，并可「重置」。"
        ),
        new_code_cell("explorer.controls()"),
    ]
    for title, note, call in SECTIONS:
        cells.append(new_markdown_cell(f"## {title}\n\n{note}"))
        cells.append(new_code_cell(call))
    cells += [
        new_markdown_cell(
            "## 自己动手\n\n"
            "`portfolio` 的表都是 pandas DataFrame（金额单位：万元），含全部年度；`explorer.view()` 是当前所选年度"
            "和筛选条件下的视图。例如：按支出明细的偏差，未执行金额最大的十条："
        ),
        new_code_cell(
            'explorer.view().variance("item").nlargest(10, "差额")[["department", "name", "item", "全年", "执行", "差额", "执行率"]]'
        ),
    ]
    return notebook(cells, "explore")


if __name__ == "__main__":
    nbformat.write(build(), OUT)
    print(f"wrote {OUT}")
