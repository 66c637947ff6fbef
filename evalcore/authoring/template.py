"""The blank workbook handed to departments (`evalcore template OUT.xlsx`).

It is the same three-sheet form the reader loads, with a note on every header, drop-down lists where
a free-typed value is the usual mistake (指标性质, 是否适用), a 填写说明 sheet, and one worked example
project. The example is complete enough to load and score, so a department can check its copy of
the template with `evalcore validate` before typing anything, and sees every column filled in once.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..fields import (
    BUDGET_FIELDS,
    EVALUATION_TYPE_LABELS,
    INDICATOR_FIELDS,
    NARRATIVE_KEYS,
    PROJECT_AND_NARRATIVE_FIELDS,
    SHEET_BUDGET,
    SHEET_INDICATORS,
    SHEET_PROJECT,
    Field,
)
from ..vocabulary import DIRECTIONS
from .writers import fit_columns, save_workbook, write_project_sheet, write_table_sheet

SHEET_GUIDE = "填写说明"
#: Rows covered by the drop-down lists: generous for one project's indicators.
VALIDATION_LAST_ROW = 500

#: Explanations for fields whose vocabulary entry carries no note of its own.
_FALLBACK_NOTES = {
    "name": "项目全称，如「2024年度家庭经济困难学生资助项目」",
    "department": "主管部门全称，如「江城市教育局」",
    "year": "预算年度，四位数字，如 2024",
    "goal_actual": "年度总体目标的实际完成情况，对应预期目标逐项说明",
    "reported_grade": "优（≥90）/ 良（≥80）/ 中（≥60）/ 差（<60）",
    "adjusted": "全年预算数（调整后预算数），执行率 = 全年执行数 ÷ 全年预算数",
    "executed": "全年实际支出数",
    "level1": "单位自评：产出指标 / 效益指标 / 满意度指标",
    "level2": "如 数量指标、质量指标、时效指标、成本指标、社会效益指标、经济效益指标、生态效益指标、"
    "可持续影响指标、服务对象满意度指标",
    "name_indicator": "三级指标名称，如「资助学生人数」「疫苗接种率」",
    "actual": "实际完成的数值和单位，如 146人次、70%、85万元、2024年11月30日完成；定性指标填 达成年度指标 等",
    "weight": "本指标分值；产出、效益、满意度各类指标分值之和分别为 50、30、10（自评默认方案）",
    "reported_score": "系统按目标值和实际值重新计算，并与自评得分对照复核；不得超过分值",
    "reported_score_budget": "预算执行率得分（选填，一般填在年度资金总额行），= 10 × 执行率，最高 10 分",
    "deviation_reason": "未达到目标值、或超过目标值30%以上时必填：说明原因及改进措施",
}
_KIND_HINTS = {"number": "填写数字，不带单位", "int": "填写整数", "bool": "从下拉列表选择 是 或 否"}

#: The worked example: obviously an example, complete enough to load as one valid project.
EXAMPLE_PROJECT: dict = {
    "project_id": "example-2024-0001",
    "name": "（示例）2024年度社区健康知识讲座项目",
    "department": "江城市示例局",
    "unit": "江城市示例局",
    "year": 2024,
    "evaluation_type": EVALUATION_TYPE_LABELS["self"],
    "scheme": "self-2020",
    "amount_unit": "万元",
    "goal_planned": "（示例）全年在各社区开展健康知识讲座，受众不少于2000人次，提高居民健康素养。",
    "goal_actual": "（示例）全年开展讲座40场，受众2150人次，居民健康素养有所提高。",
    "budget_note": "",
    "budget": [
        {"source": "年度资金总额", "initial": 20, "adjusted": 20, "executed": 19, "reported_score": 9.5},
        {"source": "当年财政拨款", "initial": 20, "adjusted": 20, "executed": 19},
    ],
    "indicators": [
        {
            "level1": "产出指标",
            "level2": "数量指标",
            "name": "健康讲座受众人次",
            "direction": "≥",
            "target": "≥2000人次",
            "actual": "2150人次",
            "unit": "人次",
            "weight": 10,
            "reported_score": 10,
            "deviation_reason": "",
            "applicable": "是",
        },
    ],
}

GUIDE_LINES: tuple[str, ...] = (
    "项目支出绩效自评填报模板 · 填写说明",
    "",
    "一、总体要求",
    "1. 一个文件填写一个项目。「项目信息」「预算执行」「绩效指标」三个工作表的名称和表头"
    "请勿修改、删除或调换。",
    "2. 各表中已填入一个示例项目（江城市示例局「（示例）2024年度社区健康知识讲座项目」），仅供参考格式，"
    "填报时请直接覆盖示例行，多余的示例行请整行删除。",
    "3. 表头单元格带有批注（鼠标悬停可见），说明该栏是否必填及填写格式。",
    "",
    "二、项目信息",
    "4. 每行一个字段，在「值」列填写。必填：项目编号、项目名称、主管部门、年度；其余选填。",
    "5. 项目编号在全部项目中必须唯一，建议「部门简称-年度-序号」，如 jc-jyj-2024-0001。",
    "6. 评价类型填 单位自评、部门评价 或 财政评价，缺省为单位自评；评分方案缺省按评价类型自动选择。",
    "7. 自评得分填写自评表上的总分，自评等级按总分确定：优 ≥90 分，良 ≥80 分，中 ≥60 分，差 <60 分。",
    "8. 立项背景、立项目的、项目内容、资金使用情况、组织管理情况、项目依据、评价目的、评价原则和依据、评价方法、"
    "工作过程、经验做法、存在的问题、改进措施 为绩效评价报告的文字部分（选填）：填写后原样写入报告，"
    "单元格内可按 Alt+Enter 换行分段；留空时报告按评价结果起草，并标注【草稿】。",
    "",
    "三、预算执行（金额单位：万元）",
    "9. 所有金额按「万元」填写，可保留至四位小数（即精确到元）；如确需按「元」填写，"
    "请在项目信息的「金额单位」中填「元」。金额只填数字，不要带单位。",
    "10. 第一行填「年度资金总额」，其下分行填写资金来源：当年财政拨款、上年结转资金、其他资金。"
    "各来源之和应等于年度资金总额；请勿只填来源行而把年度资金总额留为 0。",
    "11. 如需反映支出明细（某项活动、设备购置、工程款等），可在资金来源行之下另起一行，"
    "「资金来源」栏写明细名称，各明细之和应等于年度资金总额，每项明细的执行数一般不应超过其预算数。",
    "12. 年初预算数为年初批复数，全年预算数为调整后预算数。执行率 = 全年执行数 ÷ 全年预算数，"
    "由系统计算，不必填写；预算执行率占 10 分，得分 = 10 × 执行率（最高 10 分）。",
    "13. 执行率低于 90% 或超过 100% 时，请在项目信息的「预算执行说明」中说明原因。",
    "",
    "四、绩效指标",
    "14. 每行一个三级指标。单位自评默认方案：一级指标为 产出指标（50 分）、效益指标（30 分）、"
    "满意度指标（10 分），加上预算执行率 10 分，合计 100 分。各一级指标下三级指标分值之和"
    "应等于该一级指标的分值。",
    "15. 二级指标：产出指标下为 数量指标、质量指标、时效指标、成本指标；效益指标下为 经济效益指标、"
    "社会效益指标、生态效益指标、可持续影响指标；满意度指标下为 服务对象满意度指标。",
    "16. 指标性质从下拉列表选择：≥ 或 >（越大越好），=（等于），≤ 或 <（越小越好，如成本），定性，时限；留空时按年度指标值推定（如 ≥95% 为正向，9月前 为时限），并在复核发现中列明。",
    "17. 年度指标值的写法：数量「≥200人次」；比率「≥70%」「≥95%」；等于「=8个」；成本「≤90万元」；"
    "时限「2024年12月31日前」或「年底前完成」；定性「效果明显」「持续提升」「达成预期指标」。全角数字和符号亦可识别。",
    "18. 实际完成值填写实际数值和单位，如「146人次」「70%」「85万元」「2024年11月30日完成」，"
    "单位须与年度指标值一致或可换算（如 万元 与 元）。定量指标必须有度量单位，"
    "可写在「度量单位」栏，也可写在指标值中。",
    "19. 定性指标的实际完成值按三档填写：「达成年度指标」（得分为分值的 80%–100%）；"
    "「部分达成年度指标并具有一定效果」（60%–80%）；「未达成年度指标且效果较差」（0–60%）。",
    "20. 自评得分选填，不得超过分值；系统会按目标值和实际值重新计算，并与自评得分对照复核。",
    "21. 实际值未达到目标值，或超过目标值 30% 以上（目标可能定得过低）时，须填写「偏差原因分析及改进措施」；"
    "实际值达到目标而自评得分低于分值时，也须说明原因。",
    "22. 是否适用缺省为「是」；填「否」的指标不计分，其余指标按百分制折算。",
)


def _note(f: Field, key: str) -> str:
    parts = [f"{f.label}（{'必填' if f.required else '选填'}）"]
    note = f.note or _FALLBACK_NOTES.get(key, "")
    if note:
        parts.append(note)
    if f.kind in _KIND_HINTS:
        parts.append(_KIND_HINTS[f.kind])
    return "\n".join(parts)


def _comment(text: str) -> Comment:
    comment = Comment(text, "evalcore")
    comment.width = 320
    comment.height = 40 + 20 * (len(text) // 22 + text.count("\n"))
    return comment


def _annotate_headers(ws: Worksheet, fields: tuple[Field, ...], overrides: dict[str, str]) -> None:
    for col, f in enumerate(fields, start=1):
        ws.cell(row=1, column=col).comment = _comment(_note(f, overrides.get(f.key, f.key)))


def _list_validation(
    ws: Worksheet, fields: tuple[Field, ...], key: str, choices: tuple[str, ...], title: str
) -> None:
    col = get_column_letter([f.key for f in fields].index(key) + 1)
    dv = DataValidation(
        type="list",
        formula1='"' + ",".join(choices) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=title,
        error=f"请从下拉列表选择：{'、'.join(choices)}",
    )
    dv.add(f"{col}2:{col}{VALIDATION_LAST_ROW}")
    ws.add_data_validation(dv)


def _number_validation(ws: Worksheet, fields: tuple[Field, ...], key: str) -> None:
    col = get_column_letter([f.key for f in fields].index(key) + 1)
    dv = DataValidation(
        type="decimal",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="请填写数字",
        error="请填写不小于 0 的数字，不要带单位",
    )
    dv.add(f"{col}2:{col}{VALIDATION_LAST_ROW}")
    ws.add_data_validation(dv)


def _project_sheet(ws: Worksheet) -> None:
    write_project_sheet(ws, EXAMPLE_PROJECT)
    ws["A1"].comment = _comment("每行一个字段，在「值」列填写。填写前请先阅读「填写说明」工作表。")
    ws["B1"].comment = _comment("下方已填入示例项目，请直接覆盖为本项目内容。")
    rows = {f.key: r for r, f in enumerate(PROJECT_AND_NARRATIVE_FIELDS, start=2)}
    for f in PROJECT_AND_NARRATIVE_FIELDS:
        ws.cell(row=rows[f.key], column=1).comment = _comment(_note(f, f.key))
    lists = (("evaluation_type", tuple(EVALUATION_TYPE_LABELS.values())), ("amount_unit", ("万元", "元")))
    for key, choices in lists:
        dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
        dv.add(f"B{rows[key]}")
        ws.add_data_validation(dv)
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 60
    for (cell,) in ws.iter_rows(min_col=2, max_col=2, min_row=2):
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for key in NARRATIVE_KEYS:  # a paragraph or several: room to see it, typed as text (`=…` stays text)
        ws.row_dimensions[rows[key]].height = 48
        ws.cell(row=rows[key], column=2).number_format = "@"


def _guide_sheet(ws: Worksheet) -> None:
    for r, line in enumerate(GUIDE_LINES, start=1):
        cell = ws.cell(row=r, column=1, value=line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if r == 1:
            cell.font = Font(bold=True, size=14)
        elif line[:2] in ("一、", "二、", "三、", "四、"):
            cell.font = Font(bold=True)
    ws.column_dimensions["A"].width = 120


def _text_columns(ws, fields, keys, last_row: int = 500) -> None:  # type: ignore[no-untyped-def]
    """Cells typed as text: `=8个` or `≥90%` stay what the department typed instead of becoming an
    Excel formula (#NAME?) or a fraction (0.9)."""
    for key in keys:
        col = [f.key for f in fields].index(key) + 1
        for row in range(2, last_row + 1):
            ws.cell(row=row, column=col).number_format = "@"


def template_workbook() -> Workbook:
    """Build the template in memory (the CLI and tests may want it without a file)."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_PROJECT
    _project_sheet(ws)

    budget = wb.create_sheet(SHEET_BUDGET)
    write_table_sheet(budget, BUDGET_FIELDS, EXAMPLE_PROJECT["budget"])
    _annotate_headers(budget, BUDGET_FIELDS, {"reported_score": "reported_score_budget"})
    for key in ("initial", "adjusted", "executed", "reported_score"):
        _number_validation(budget, BUDGET_FIELDS, key)

    indicators = wb.create_sheet(SHEET_INDICATORS)
    write_table_sheet(indicators, INDICATOR_FIELDS, EXAMPLE_PROJECT["indicators"])
    _annotate_headers(indicators, INDICATOR_FIELDS, {"name": "name_indicator"})
    _list_validation(indicators, INDICATOR_FIELDS, "direction", DIRECTIONS, "指标性质")
    _list_validation(indicators, INDICATOR_FIELDS, "applicable", ("是", "否"), "是否适用")
    for key in ("weight", "reported_score"):
        _number_validation(indicators, INDICATOR_FIELDS, key)
    _text_columns(indicators, INDICATOR_FIELDS, ("direction", "target", "actual"))

    for sheet in (budget, indicators):
        fit_columns(sheet, minimum=12)
    _guide_sheet(wb.create_sheet(SHEET_GUIDE))
    return wb


def write_template(path: Path) -> None:
    """Write the blank form with instructions and one worked example to `path` (.xlsx)."""
    save_workbook(template_workbook(), Path(path))
