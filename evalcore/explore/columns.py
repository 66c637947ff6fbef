"""The portfolio tables' columns and the lines the variance draws, in one place: the tables are built
with these columns, and the views and the presentation read them by these names."""

from __future__ import annotations

from ..vocabulary import GRADE_NAMES

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
