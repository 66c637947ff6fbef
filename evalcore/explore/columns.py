"""The portfolio tables' columns and the lines the variance draws, in one place: the tables are built
with these columns, and the views and the presentation read them by these names."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..vocabulary import GRADE_NAMES

if TYPE_CHECKING:
    import pandas as pd

UNDER_EXECUTED = 0.9  # 执行率 below this is under-execution (the common provincial 说明原因 line)
AMOUNT_EPS = 1e-6  # 万元 (0.01 元): below it 执行 and 全年 are the same amount
VARIANCE_COLUMNS = ("年初", "全年", "执行", "差额", "执行率")
BY = ("department", "project", "item")
DEFAULT_GRADES = GRADE_NAMES  # when no built-in scheme names its own

PROJECT_COLUMNS = (
    "project_id",
    "name",
    "department",
    "unit",
    "year",
    "evaluation_type",
    "scheme",
    "amount_unit",
    "function_class",
    "initial",
    "adjusted",
    "executed",
    "execution_rate",
    "initial_rate",
    "budget_basis",
    "budget_score",
    "total",
    "total_raw",
    "grade",
    "scale",
    "reported_total",
    "reported_grade",
    "findings",
    "finding_codes",
    "source",
)
INDICATOR_COLUMNS = (
    "project_id",
    "department",
    "level1",
    "level2",
    "name",
    "category",
    "direction",
    "target",
    "actual",
    "unit",
    "weight",
    "score",
    "reported_score",
    "completion",
    "met",
    "level",
    "applicable",
    "rule",
    "explanation",
    "deviation_reason",
)
BUDGET_COLUMNS = (
    "project_id",
    "department",
    "source",
    "role",
    "initial",
    "adjusted",
    "executed",
    "execution_rate",
    "reported_score",
)
FINDING_COLUMNS = ("project_id", "department", "code", "severity", "subject", "title", "message")
ERROR_COLUMNS = ("project_id", "message", "file", "sheet", "row", "column", "path", "field", "expected")

# ------------------------------------------------------------------------------------------ labels
# The tables keep their column names (programs read df["执行率"], df["adjusted"]); a notebook shows
# them under these Chinese labels. `FRAME_TAG` marks a table the API returned, with its kind:
# `df.attrs[FRAME_TAG] == "variance"`; the presentation layer formats tagged tables for people.
FRAME_TAG = "evalcore"
AMOUNT_LABEL = "（万元）"

#: English or short column → what a person reads, for every kind of table.
COLUMN_LABELS = {
    "project_id": "项目编号",
    "name": "项目名称",
    "department": "主管部门",
    "unit": "实施单位",
    "year": "年度",
    "evaluation_type": "评价类型",
    "scheme": "评分方案",
    "amount_unit": "填报金额单位",
    "function_class": "功能分类",
    "initial": "年初预算" + AMOUNT_LABEL,
    "adjusted": "全年预算" + AMOUNT_LABEL,
    "executed": "全年执行" + AMOUNT_LABEL,
    "execution_rate": "执行率",
    "initial_rate": "执行率（按年初预算）",
    "budget_basis": "执行率口径",
    "budget_score": "预算执行得分",
    "total": "复核得分",
    "total_raw": "复核得分（未取整）",
    "grade": "等级",
    "scale": "满分",
    "reported_total": "自评得分",
    "reported_grade": "自评等级",
    "findings": "复核发现数",
    "finding_codes": "复核发现",
    "source": "来源文件",
    "年初": "年初预算" + AMOUNT_LABEL,
    "全年": "全年预算" + AMOUNT_LABEL,
    "执行": "全年执行" + AMOUNT_LABEL,
    "差额": "未执行差额" + AMOUNT_LABEL,
    "全年预算": "全年预算" + AMOUNT_LABEL,
    "执行数": "执行数" + AMOUNT_LABEL,
    "projects": "项目数",
    "overspent": "超支",
    "under_executed": "执行率偏低",
    "overspent_projects": "超支项目数",
    "under_executed_projects": "执行率偏低项目数",
    "item": "支出明细",
    "message": "说明",
    "file": "文件",
    "sheet": "工作表",
    "row": "行",
    "column": "列",
    "path": "路径",
    "field": "字段",
    "expected": "应为",
    "reason": "原因",
}
#: Where one kind of table means something else by a column (an indicator's `name` is not a project's).
KIND_LABELS = {
    "indicators": {
        "name": "指标名称",
        "level1": "一级指标",
        "level2": "二级指标",
        "category": "指标类别",
        "direction": "方向",
        "target": "目标值",
        "actual": "实际值",
        "unit": "计量单位",
        "weight": "分值",
        "score": "复核得分",
        "reported_score": "自评得分",
        "completion": "完成率",
        "met": "达成",
        "level": "档次",
        "applicable": "适用",
        "rule": "计分规则",
        "explanation": "计算",
        "deviation_reason": "偏差原因",
    },
    "budget": {"source": "资金来源 / 支出明细", "role": "类别", "reported_score": "自评得分"},
    "findings": {"code": "代码", "severity": "级别", "subject": "涉及", "title": "含义"},
}


def tag_frame(df: pd.DataFrame, kind: str) -> pd.DataFrame:
    """Mark a table the API returns (in place, and returned) so a notebook shows it for people."""
    df.attrs[FRAME_TAG] = kind
    return df


def to_wan(unit: str) -> float:
    """The factor that turns an amount filed in `unit` into 万元 (every table adds in 万元)."""
    return 1e-4 if unit.strip() == "元" else 1.0
