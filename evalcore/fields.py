"""The field vocabulary shared by every carrier (YAML, workbook, tables).

One table maps each canonical (English) field to its Chinese label and the aliases people
actually type in headers. Readers use it to recognise columns; writers (template, synth,
export) use it to label them, so a header the template writes is always one the reader knows.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Field:
    key: str
    label: str  # the Chinese header the template writes
    aliases: tuple[str, ...] = ()
    required: bool = False
    kind: str = "text"  # text | number | int | bool
    note: str = ""  # shown as a header note in the template


PROJECT_FIELDS: tuple[Field, ...] = (
    Field(
        "project_id",
        "项目编号",
        ("项目代码", "项目ID", "id"),
        True,
        note="在整个台账中唯一，如 nc-scjg-2019-zzxf",
    ),
    Field("name", "项目名称", ("项目", "project_name", "专项资金名称", "专项名称", "项目(专项)名称"), True),
    Field(
        "department",
        "主管部门",
        ("部门", "主管单位", "县级主管部门", "市级主管部门", "省级主管部门", "预算部门", "主管部门(单位)"),
        True,
    ),
    Field("unit", "实施单位", ("项目实施单位", "单位"), note="缺省时同主管部门"),
    Field("year", "年度", ("评价年度", "预算年度"), True, "int"),
    Field(
        "evaluation_type",
        "评价类型",
        ("type",),
        note="单位自评 / 部门评价 / 财政评价（self / department / finance）",
    ),
    Field(
        "scheme",
        "评分方案",
        ("scheme_id",),
        note="缺省时按评价类型：单位自评 self-2020，部门/财政评价 dept-2020",
    ),
    Field("amount_unit", "金额单位", ("单位（金额）",), note="万元 或 元，缺省 万元"),
    Field(
        "goal_planned",
        "年度总体目标（预期）",
        ("预期目标", "年度总体目标", "总体目标预期"),
        note="年度总体目标的预期目标",
    ),
    Field("goal_actual", "年度总体目标（实际完成）", ("实际完成情况", "总体目标实际完成情况")),
    Field(
        "reported_total",
        "自评得分",
        ("自评总分", "总分", "报告得分"),
        kind="number",
        note="报告或自评表上填写的总分",
    ),
    Field("reported_grade", "自评等级", ("评价等级", "等级")),
    Field("budget_note", "预算执行说明", ("预算执行偏差原因", "执行率说明"), note="执行率偏低或超支的原因"),
    Field(
        "function_class",
        "功能分类",
        ("支出功能分类", "支出功能分类科目", "功能科目", "功能分类科目"),
        note="可选：支出功能分类科目，如「2050202 小学教育」；横向比较按它归类，未填时按二级指标构成归类",
    ),
)

#: What the 绩效评价报告 says in words and no score can say (立项背景 … 改进措施): optional, one per
#: project. Kept apart from PROJECT_FIELDS so a portfolio table without these columns costs nothing
#: to read; every carrier recognises the spellings below (readers: `PROJECT_AND_NARRATIVE_FIELDS`).
NARRATIVE_NOTE = "可选：填写后原样写入绩效评价报告；留空时报告按评价结果起草，并标注【草稿】"
_BASICS, _WORK, _LESSONS = (
    "一、项目基本情况",
    "二、绩效评价工作情况",
    "六、主要经验及做法、存在的问题和改进措施",
)


def _narrative(key: str, label: str, aliases: tuple[str, ...], section: str, hint: str = "") -> Field:
    """A narrative field whose template note says where the text goes in the report."""
    return Field(key, label, aliases, note=f"写入报告「{section}」{hint}。{NARRATIVE_NOTE}")


#: In the order the seed report prints them.
NARRATIVE_SPECS: tuple[Field, ...] = (
    _narrative("background", "立项背景", ("项目立项背景", "项目背景"), _BASICS),
    _narrative("purpose", "立项目的", ("项目立项目的",), _BASICS),
    _narrative("content", "项目内容", ("项目主要内容", "主要内容"), _BASICS),
    _narrative(
        "funds_use", "资金使用情况", ("资金使用", "项目资金使用情况"), _BASICS, "：预算安排、下达与实际支出"
    ),
    _narrative("management", "组织管理情况", ("组织管理", "项目组织管理情况"), _BASICS),
    _narrative("basis", "项目依据", ("立项依据",), _BASICS, "：文件名称，每行一个"),
    _narrative("eval_purpose", "评价目的", ("绩效评价目的",), _WORK),
    _narrative(
        "principles",
        "评价原则和依据",
        ("绩效评价原则和依据", "原则和依据", "评价原则", "评价依据"),
        _WORK,
        "：文件名称，每行一个",
    ),
    _narrative("eval_method", "评价方法", ("绩效评价方法",), _WORK),
    _narrative("eval_process", "工作过程", ("评价工作过程", "绩效评价工作过程"), _WORK),
    _narrative("experience", "经验做法", ("主要经验及做法", "经验及做法", "项目实施经验及做法"), _LESSONS),
    _narrative("problems", "存在的问题", ("存在问题",), _LESSONS),
    _narrative("measures", "改进措施", ("改进建议", "整改措施"), _LESSONS),
)
#: key → Chinese label, in report order: the names other modules (the report, the JSON) use.
NARRATIVE_FIELDS: dict[str, str] = {f.key: f.label for f in NARRATIVE_SPECS}
NARRATIVE_KEYS: tuple[str, ...] = tuple(NARRATIVE_FIELDS)
#: Every header a 项目信息 sheet, a YAML file's top level or a projects table may hold.
PROJECT_AND_NARRATIVE_FIELDS: tuple[Field, ...] = (*PROJECT_FIELDS, *NARRATIVE_SPECS)

BUDGET_FIELDS: tuple[Field, ...] = (
    Field(
        "source",
        "资金来源",
        ("项目", "资金项目", "预算项目", "明细"),
        True,
        note="年度资金总额 / 当年财政拨款 / 上年结转资金 / 其他资金，或具体支出明细（如某项活动）",
    ),
    Field("initial", "年初预算数", ("年初预算",), False, "number", note="缺省时同全年预算数"),
    Field(
        "adjusted",
        "全年预算数",
        (
            "全年预算数(A)",
            "全年预算数（A）",
            "调整后预算数",
            "全年预算",
            "调整预算数",
            "调整预算数(A)",
            "调整后预算数(A)",
            "预算数",
        ),
        True,
        "number",
    ),
    Field(
        "executed", "全年执行数", ("全年执行数(B)", "全年执行数（B）", "实际支出", "执行数"), True, "number"
    ),
    Field("reported_score", "自评得分", ("得分",), kind="number"),
)

INDICATOR_FIELDS: tuple[Field, ...] = (
    Field("level1", "一级指标", (), True),
    Field("level2", "二级指标", (), True),
    Field("name", "三级指标", ("指标名称",), True),
    Field(
        "direction",
        "指标性质",
        ("指标方向", "性质"),
        False,
        note="≥ > = ≤ < 定性 时限；留空则按年度指标值推定并说明",
    ),
    Field(
        "target",
        "年度指标值",
        (
            "指标值",
            "目标值",
            "年度目标值",
            "全年指标值",
            "预期指标值",
            "年度指标值(A)",
            "指标值(A)",
            "年度指标值(a)",
            "年初目标值",
        ),
        True,
        note="如 ≥200人次、≥70%、=8个、≤90万元、2019年12月31日前、达成预期指标",
    ),
    Field(
        "actual",
        "实际完成值",
        (
            "实际值",
            "完成值",
            "全年实际值",
            "实际完成值(B)",
            "全年完成值",
            "全年实际值(B)",
            "全年完成值(B)",
            "实际完成情况",
        ),
        True,
    ),
    Field("unit", "度量单位", ("计量单位", "单位"), note="目标或实际值未写单位时使用"),
    Field("weight", "分值", ("权重", "指标分值", "参考分值", "分值(分)"), True, "number"),
    Field("reported_score", "自评得分", ("得分",), kind="number"),
    Field(
        "deviation_reason",
        "偏差原因分析及改进措施",
        (
            "偏差原因",
            "偏差原因分析",
            "原因分析及改进措施",
            "偏差原因分析及改进措施(说明)",
            "未完成原因分析",
            "未完成原因分析及改进措施",
            "未完成原因和改进措施",
        ),
    ),
    Field("applicable", "是否适用", (), kind="bool", note="是 / 否，缺省 是；不适用的指标剔除后按百分制折算"),
)

#: Optional columns naming a questionnaire export behind a 满意度 row (`inputs.survey`). Readers
#: accept them; the template and the writers leave them out (most rows have no questionnaire, and
#: a portfolio's tables stay as they were).
SURVEY_FIELDS: tuple[Field, ...] = (
    Field(
        "survey",
        "问卷文件",
        ("问卷", "调查问卷", "问卷调查文件"),
        note="问卷导出文件（CSV/xlsx），相对项目文件所在文件夹",
    ),
    Field("survey_question", "问卷题目", ("问卷题目名称",), note="缺省时按指标名称匹配问卷题目"),
)
#: What a reader of indicator rows recognises: the indicator fields and the questionnaire columns.
INDICATOR_INPUT_FIELDS: tuple[Field, ...] = (*INDICATOR_FIELDS, *SURVEY_FIELDS)

#: The national 项目支出绩效自评表 (`inputs/national_form`): the label cells of its head, as printed
#: across provinces, and the field each names (the value is the next filled cell to the right). Kept
#: apart from PROJECT_FIELDS' aliases: on the printed form 「单位：万元」 is the amount unit, not 实施单位.
FORM_FACT_LABELS: dict[str, str] = {
    "项目名称": "name",
    "专项资金名称": "name",  # 湖南 县级专项资金绩效目标自评表
    "专项名称": "name",
    "项目(专项)名称": "name",
    "资金名称": "name",
    "项目编号": "project_id",
    "项目代码": "project_id",
    "项目编码": "project_id",
    "主管部门": "department",
    "主管单位": "department",
    "主管部门及代码": "department",
    "预算部门": "department",
    "县级主管部门": "department",
    "市级主管部门": "department",
    "省级主管部门": "department",
    "实施单位": "unit",
    "项目实施单位": "unit",
    "年度": "year",
    "评价年度": "year",
    "预算年度": "year",
    "评价类型": "evaluation_type",
    "评分方案": "scheme",
    "金额单位": "amount_unit",
    "自评得分": "reported_total",
    "自评等级": "reported_grade",
    "评价等级": "reported_grade",
    "预算执行说明": "budget_note",
    "功能分类": "function_class",
    "支出功能分类": "function_class",
    "支出功能分类科目": "function_class",
    "功能科目": "function_class",
}
#: Budget-block headers that are columns but not cells the model keeps (the form prints them).
FORM_BUDGET_EXTRA_HEADERS = ("分值", "执行率", "执行率(b/a)", "执行率(%)", "权重")
#: Labels of the row that closes the indicator block; its 得分 is the reported total.
FORM_TOTAL_LABELS = ("总分", "合计", "总计", "自评总分", "得分合计", "总得分")

#: Workbook sheet names, as fixed by SPEC.
SHEET_PROJECT = "项目信息"
SHEET_BUDGET = "预算执行"
SHEET_INDICATORS = "绩效指标"
#: Two-column layout of the project sheet.
PROJECT_SHEET_HEADERS = ("字段", "值")

#: Table file stems in a portfolio folder, as fixed by SPEC.
TABLE_PROJECTS = "projects"
TABLE_BUDGET = "budget"
TABLE_INDICATORS = "indicators"

#: 评价类型 labels accepted for evaluation_type.
EVALUATION_TYPES = {
    "self": "self",
    "单位自评": "self",
    "自评": "self",
    "department": "department",
    "部门评价": "department",
    "finance": "finance",
    "财政评价": "finance",
}
EVALUATION_TYPE_LABELS = {"self": "单位自评", "department": "部门评价", "finance": "财政评价"}


def _norm_header(text: str) -> str:
    return "".join(str(text).split()).replace("（", "(").replace("）", ")").lower()


def header_index(fields: tuple[Field, ...]) -> dict[str, str]:
    """Map every normalised header spelling (key, label, alias) to the canonical key."""
    index: dict[str, str] = {}
    for f in fields:
        for spelling in (f.key, f.label, *f.aliases):
            index.setdefault(_norm_header(spelling), f.key)
    return index


def canonical_header(text: object, index: dict[str, str]) -> str | None:
    if text is None:
        return None
    return index.get(_norm_header(str(text)))


def by_key(fields: tuple[Field, ...]) -> dict[str, Field]:
    return {f.key: f for f in fields}
