"""The one model of a project every carrier loads into: facts, budget rows, indicator rows.

Plain slotted dataclasses, not pydantic: a provincial portfolio holds hundreds of thousands of
indicator rows and these objects are built in the hot path. Validation happens once, in
`evalcore.inputs.records`, which is the only place that constructs them from raw input.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Protocol

from .errors import Where
from .fields import NARRATIVE_FIELDS, NARRATIVE_KEYS
from .quantities import Quantity
from .vocabulary import QUANTITATIVE

if TYPE_CHECKING:  # `import evalcore` stays light: numpy is imported where columns are made
    import numpy as np

#: Budget row roles. The total row and the three funding rows form the standard form's budget
#: block; anything else is a line item (a single event, a purchase) that breaks the same money down.
ROLE_TOTAL = "total"
ROLE_FUNDING = "funding"
ROLE_ITEM = "item"


@dataclass(slots=True)
class BudgetRow:
    source: str
    role: str
    initial: float
    adjusted: float
    executed: float
    reported_score: float | None = None
    where: Where | None = None
    initial_given: bool = True  # False when 年初预算数 was blank (then it defaults to 全年预算数)


@dataclass(frozen=True, slots=True)
class SurveyBasis:
    """What a questionnaire export gave a 满意度 row (inputs.survey): kept with the row so the rule
    can state the rate and its interval under the indicator and the review can weigh the figure
    (R020, R021). Counts only: the interval is the rule's (rules.survey)."""

    file: str  # the path as the row names it
    question: str  # the question's title as the export prints it
    valid: int  # valid responses (duplicates and blanks removed)
    satisfied: int  # 非常满意 + 满意
    duplicates: int = 0  # duplicate submissions removed
    blanks: int = 0  # submissions that left this question blank
    form_actual: bool = False  # the form carried its own 实际完成值 (scored; compared with the interval)

    @property
    def rate(self) -> float:
        return self.satisfied / self.valid


@dataclass(slots=True)
class Indicator:
    level1: str
    level2: str
    name: str
    direction: str  # one of vocabulary.DIRECTIONS
    target: Quantity
    actual: Quantity
    unit: str | None  # the resolved unit both sides are expressed in (after conversion)
    weight: float
    target_value: float | None = None  # numeric target in `unit` (quantitative only)
    actual_value: float | None = None  # numeric actual converted into `unit`
    reported_score: float | None = None
    deviation_reason: str = ""
    applicable: bool = True
    where: Where | None = None
    # how a cell was read where the form left room for doubt, each (code, sentence): 指标性质 inferred
    # from the target, a 指标性质 the target's sign overrules, `0.93` read as 93% (inputs.indicator_cells.interpret)
    readings: tuple[tuple[str, str], ...] = ()
    detail: bool = False  # a `其中：…` row without 分值: carried and shown, not scored
    survey: str | None = None  # 问卷文件 as the row names it (a path relative to the project file)
    survey_question: str | None = None  # 问卷题目 as the row names it
    survey_basis: SurveyBasis | None = None  # what the questionnaire gave (read at load time)

    @property
    def is_quantitative(self) -> bool:
        return self.direction in QUANTITATIVE


@dataclass(frozen=True, slots=True)
class Narrative:
    """The words of the submitted 绩效评价报告 that no score can give: 立项背景 … 改进措施, as the
    department wrote them (stripped, inner line breaks kept, `\n` only). Empty text means "not
    given": the report then drafts that part from the evaluation. Frozen, so every project without
    a narrative shares one instance (`NO_NARRATIVE`) and a portfolio pays nothing for the field."""

    background: str = ""  # 立项背景
    purpose: str = ""  # 立项目的
    content: str = ""  # 项目内容
    funds_use: str = ""  # 资金使用情况
    management: str = ""  # 组织管理情况
    basis: str = ""  # 项目依据
    eval_purpose: str = ""  # 评价目的
    principles: str = ""  # 评价原则和依据
    eval_method: str = ""  # 评价方法
    eval_process: str = ""  # 工作过程
    experience: str = ""  # 经验做法
    problems: str = ""  # 存在的问题
    measures: str = ""  # 改进措施

    def get(self, key: str) -> str:
        """The text of field `key` (a key of `fields.NARRATIVE_FIELDS`); KeyError for any other name,
        so a misspelt key fails loudly instead of reading as "not given"."""
        if key not in NARRATIVE_FIELDS:
            raise KeyError(key)
        return getattr(self, key)  # type: ignore[no-any-return]

    def items(self) -> Iterator[tuple[str, str]]:
        """(key, text) of the fields given, in report order."""
        if self is not NO_NARRATIVE:
            for key in NARRATIVE_KEYS:
                text = getattr(self, key)
                if text:
                    yield key, text

    def as_dict(self) -> dict[str, str]:
        """The fields given, key → text, in report order (the `narrative` of the JSON record)."""
        return dict(self.items())

    def __bool__(self) -> bool:
        return any(True for _ in self.items())


NO_NARRATIVE = Narrative()
assert tuple(f.name for f in fields(Narrative)) == NARRATIVE_KEYS  # one order, kept in fields.py


@dataclass(slots=True)
class Project:
    project_id: str
    name: str
    department: str
    unit: str
    year: int
    evaluation_type: str  # self | department | finance
    scheme: str | None  # scheme id named by the input, or None for the type's default
    amount_unit: str  # 万元 | 元
    goal_planned: str = ""
    goal_actual: str = ""
    reported_total: float | None = None
    reported_grade: str | None = None
    budget_note: str = ""
    function_class: str = ""  # 支出功能分类 as given: the kind of project for 横向比较, when known
    # immutable and shared when empty: a plain default, not a factory (no object per project)
    narrative: Narrative = NO_NARRATIVE
    budget: list[BudgetRow] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    origin: str = ""  # the file (or table folder) it was read from
    # project-level readings, each (code, sentence): a 项目编号 made from unit, name and year
    readings: tuple[tuple[str, str], ...] = ()
    where: Where | None = None  # its project_id cell
    scheme_where: Where | None = None  # its 评分方案 cell


class RowSource(Protocol):
    """Where the whole of an indicator row is found again (names included): for cards and messages."""

    def indicator(self, i: int) -> Indicator: ...


@dataclass(slots=True)
class IndicatorColumns:
    """The indicator rows of a batch of projects, column by column — what the scoring engine reads.

    A portfolio repeats the same rows (满意度 ≥90% → 95%, 定性 达成年度指标 …) thousands of times,
    so each distinct set of scored cells (指标性质, 年度指标值, 实际完成值, 度量单位, 分值, 自评得分)
    is held once, in `distinct`, and every row points at it; names, 一级指标, 是否适用 and whether a
    deviation reason is given are per row. Two carriers build it: `columns_of` from model objects,
    and the table reader straight from a portfolio's Arrow columns."""

    bounds: np.ndarray  # int64[n + 1]: project k's rows are [bounds[k], bounds[k + 1]), in input order
    cells: np.ndarray  # int64[rows]: the row's entry in `distinct`
    distinct: Sequence[
        Indicator | None
    ]  # scored cells of each distinct row (names may be blank; None: refused)
    keys: list[Hashable]  # each distinct row as a key, for a scheme's store of scored rows
    space: str  # the carrier that made the keys: rows alike from one carrier have equal keys
    level1: np.ndarray  # int64[rows]: the row's 一级指标 in `level1_values`
    level1_values: list[str]
    applicable: np.ndarray  # bool[rows]
    has_reason: np.ndarray  # bool[rows]: 偏差原因分析 is filled in
    rows: RowSource

    def __len__(self) -> int:
        return len(self.cells)


class _Objects:
    def __init__(self, indicators: list[Indicator]) -> None:
        self.indicators = indicators

    def indicator(self, i: int) -> Indicator:
        return self.indicators[i]


def columns_of(projects: Sequence[Project]) -> IndicatorColumns:
    """The indicator rows of model projects as columns (every carrier but the portfolio tables)."""
    import numpy as np

    rows = [ind for p in projects for ind in p.indicators]
    bounds = np.zeros(len(projects) + 1, dtype=np.int64)
    np.cumsum([len(p.indicators) for p in projects], out=bounds[1:])
    index: dict[Hashable, int] = {}
    level1_index: dict[str, int] = {}
    distinct: list[Indicator] = []
    cells, level1 = [], []
    for ind in rows:
        key = (ind.direction, ind.target.raw, ind.actual.raw, ind.unit, ind.target_value, ind.actual_value,
               ind.weight, ind.reported_score, ind.readings, ind.detail, ind.survey_basis)  # fmt: skip
        c = index.get(key)
        if c is None:
            c = index[key] = len(distinct)
            distinct.append(ind)
        cells.append(c)
        level1.append(level1_index.setdefault(ind.level1, len(level1_index)))
    return IndicatorColumns(
        bounds,
        np.array(cells, dtype=np.int64),
        distinct,
        list(index),
        "model",
        np.array(level1, dtype=np.int64),
        list(level1_index),
        np.array([ind.applicable for ind in rows], dtype=bool),
        np.array([bool(ind.deviation_reason.strip()) for ind in rows], dtype=bool),
        _Objects(rows),
    )
