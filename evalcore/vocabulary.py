"""The words of the trade, in one place: 指标性质 (directions) and every way people write them, grade
names, budget row names, yes/no cells, negations.

Everything that reads a cell or names a rule takes its words from here, so a spelling seen on a new
province's form (`≧`, `不低于`, `优秀`) is added once and understood by every reader and rule.
Data only: this module imports nothing from evalcore.
"""

from __future__ import annotations

# -- 指标性质 -----------------------------------------------------------------------------------
GE, GT, EQ, LE, LT = "≥", ">", "=", "≤", "<"
QUALITATIVE = "定性"
DEADLINE = "时限"

#: Directions scored by a numeric rule, and the two families the rules tell apart.
QUANTITATIVE = (GE, GT, EQ, LE, LT)
UPWARD = frozenset((GE, GT, EQ))  # more is better (正向), or exactly the target (等于)
DOWNWARD = frozenset((LE, LT))  # less is better (反向: cost, duration, complaints)
DIRECTIONS = (*QUANTITATIVE, QUALITATIVE, DEADLINE)

#: A 指标性质 cell as people fill it in (after NFKC folding and removing spaces).
DIRECTION_WORDS = {
    "≥": GE,
    ">=": GE,
    "≧": GE,
    "⩾": GE,
    "正向": GE,
    "正向指标": GE,
    "大于等于": GE,
    "不低于": GE,
    "不少于": GE,
    "不小于": GE,
    "以上": GE,
    ">": GT,
    "大于": GT,
    "高于": GT,
    "=": EQ,
    "==": EQ,
    "═": EQ,
    "等于": EQ,
    "≤": LE,
    "<=": LE,
    "≦": LE,
    "⩽": LE,
    "反向": LE,
    "反向指标": LE,
    "小于等于": LE,
    "不高于": LE,
    "不超过": LE,
    "不大于": LE,
    "以内": LE,
    "以下": LE,
    "控制在": LE,
    "<": LT,
    "小于": LT,
    "低于": LT,
    "定性": QUALITATIVE,
    "定性指标": QUALITATIVE,
    "时限": DEADLINE,
    "时效": DEADLINE,
    "时限指标": DEADLINE,
}

#: A comparator written inside a target or actual value (`≥95%`, `不低于200人次`, `控制在90万元`).
COMPARATOR_WORDS = {
    ">=": GE,
    "≥": GE,
    "≧": GE,
    "⩾": GE,
    "不低于": GE,
    "不少于": GE,
    "大于等于": GE,
    "不小于": GE,
    "达到": GE,
    "至少": GE,
    ">": GT,
    "大于": GT,
    "高于": GT,
    "多于": GT,
    "超过": GT,
    "<=": LE,
    "≤": LE,
    "≦": LE,
    "⩽": LE,
    "不高于": LE,
    "不超过": LE,
    "小于等于": LE,
    "不大于": LE,
    "控制在": LE,
    "以内": LE,
    "<": LT,
    "小于": LT,
    "低于": LT,
    "少于": LT,
    "=": EQ,
    "==": EQ,
    "═": EQ,  # U+2550, what scanned forms bring for =
    "等于": EQ,
}

#: What each direction is called when the explanation says how a blank 指标性质 was read.
DIRECTION_NAMES = {
    GE: "正向指标（≥）",
    GT: "正向指标（>）",
    EQ: "等于型指标（=）",
    LE: "反向指标（≤）",
    LT: "反向指标（<）",
    QUALITATIVE: "定性指标",
    DEADLINE: "时限指标",
}

#: Words in 一级/二级指标 that make a row a cost indicator (an amount there is a ceiling: ≤).
COST_WORDS = ("成本",)

#: A 三级指标 that opens with these is a detail row (其中：…) under the weighted row above it.
DETAIL_PREFIXES = ("其中", "含：", "含:")

#: 一级/三级指标 cells that mark the form's total row, not an indicator.
TOTAL_ROW_WORDS = frozenset(("合计", "总分", "总计", "得分合计", "分值合计", "小计"))

#: Words that turn a qualitative keyword around when they stand just before it (效果不明显, 没有完成).
NEGATORS = ("不", "没", "未", "无", "非")

# -- grades (等级) -----------------------------------------------------------------------------
#: The grades of the 2020 rules (财预〔2020〕10号), best first. Their lower bounds are a scheme's
#: (`grades:`); a scheme may name grades of its own.
EXCELLENT, GOOD, FAIR, POOR = "优", "良", "中", "差"
GRADE_NAMES = (EXCELLENT, GOOD, FAIR, POOR)

#: Endings people add to a grade's name on a form: 优秀 for 优, 良好 for 良, 中等 for 中.
GRADE_ENDINGS = "秀好等"


def same_grade(written: str, name: str) -> bool:
    """Whether a grade written on a form (`优秀`, ` 良 `) is the scheme's grade `name` (`优`, `良`)."""
    text = written.strip()
    return text == name or text.rstrip(GRADE_ENDINGS) == name


# -- budget rows (预算执行) ---------------------------------------------------------------------
TOTAL_SOURCE = "年度资金总额"
FUNDING_SOURCES = ("当年财政拨款", "上年结转资金", "其他资金")
TOTAL_SPELLINGS = frozenset(
    (
        TOTAL_SOURCE,
        "资金总额",
        "合计",
        "总计",
        "总额",
        "年度资金合计",
        "项目资金总额",
        "资金合计",
        "年度资金总额合计",
    )
)
FUNDING_SPELLINGS = {
    "当年财政拨款": "当年财政拨款",
    "财政拨款": "当年财政拨款",
    "本年财政拨款": "当年财政拨款",
    "上年结转资金": "上年结转资金",
    "上年结转": "上年结转资金",
    "结转资金": "上年结转资金",
    "其他资金": "其他资金",
    "其他": "其他资金",
    "财政资金": "当年财政拨款",  # 四川省表：其中:财政资金 / 财政专户管理资金 / 单位资金 / 其他资金
    "当年财政资金": "当年财政拨款",
    "财政专户管理资金": "其他资金",
    "单位资金": "其他资金",
    "自筹资金": "其他资金",
}

# -- 一级指标 from 二级指标 ------------------------------------------------------------------------
#: The 2020 self-evaluation form's 二级指标 and the 一级指标 they sit under: a provincial form whose
#: merged 一级 cells survive only as `(50分)` (or not at all) is read by its 二级 labels, and says so.
LEVEL2_PARENTS = {
    "数量指标": "产出指标",
    "质量指标": "产出指标",
    "时效指标": "产出指标",
    "成本指标": "产出指标",
    "经济效益指标": "效益指标",
    "社会效益指标": "效益指标",
    "生态效益指标": "效益指标",
    "可持续影响指标": "效益指标",
    "服务对象满意度指标": "满意度指标",
    "满意度指标": "满意度指标",
}

# -- yes / no cells (是否适用) -------------------------------------------------------------------
BOOL_WORDS = {
    "是": True,
    "适用": True,
    "yes": True,
    "y": True,
    "true": True,
    "1": True,
    "√": True,
    "否": False,
    "不适用": False,
    "no": False,
    "n": False,
    "false": False,
    "0": False,
    "×": False,
}

# -- 问卷调查 (questionnaire exports) -----------------------------------------------------------------
#: The five answer levels, best first, and the words survey tools export for each (after removing
#: spaces). Numbers 1–5 are read as the level of the same score (5 = 非常满意).
SURVEY_LEVELS = ("非常满意", "满意", "一般", "不满意", "非常不满意")
SURVEY_WORDS = {
    "非常满意": "非常满意",
    "很满意": "非常满意",
    "满意": "满意",
    "比较满意": "满意",
    "较满意": "满意",
    "一般": "一般",
    "基本满意": "一般",
    "不满意": "不满意",
    "不太满意": "不满意",
    "较不满意": "不满意",
    "比较不满意": "不满意",
    "非常不满意": "非常不满意",
    "很不满意": "非常不满意",
}
#: What survey tools print in a cell nobody answered (after NFKC and removing spaces): blank.
SURVEY_UNANSWERED = frozenset(("(空)", "(跳过)", "-", "N/A"))
SURVEY_SCORES = {"5": "非常满意", "4": "满意", "3": "一般", "2": "不满意", "1": "非常不满意"}
#: Columns survey tools (问卷星, 腾讯问卷) add beside the answers: never questions. Duplicate
#: submissions are told apart by the answers, not by these (a resubmission gets a new 序号 and time).
SURVEY_META_COLUMNS = (
    "序号", "编号", "提交答卷时间", "提交时间", "开始时间", "结束时间", "所用时间", "答题时长", "来源", "来源详情",
    "来自IP", "IP", "IP地址", "用户ID", "昵称", "总分", "答卷ID",
)  # fmt: skip
