"""Raw rows (whatever carrier they came from) → the validated model.

Every carrier reader produces the same `RawProject`: dictionaries keyed by canonical field and
a way to say where each value sits. This module is the only one that turns them into
`evalcore.model` objects, so the same project scores identically from any carrier, and every
problem is reported with the carrier's own coordinates (sheet/row/column or YAML path).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from ..errors import InputError, Where
from ..fields import (
    BUDGET_FIELDS,
    EVALUATION_TYPES,
    INDICATOR_INPUT_FIELDS,
    NARRATIVE_KEYS,
    PROJECT_AND_NARRATIVE_FIELDS,
    by_key,
)
from ..model import (
    NO_NARRATIVE,
    ROLE_FUNDING,
    ROLE_ITEM,
    ROLE_TOTAL,
    BudgetRow,
    Indicator,
    Narrative,
    Project,
)
from ..quantities import normalize_text
from ..vocabulary import FUNDING_SPELLINGS, TOTAL_SOURCE, TOTAL_SPELLINGS
from .cells import (
    AMOUNT,
    MISSING,
    OPTIONAL_AMOUNT,
    SCORE,
    CellProblem,
    cell_text,
    is_blank_cell,
    read_number,
    required_text,
)
from .indicator_cells import applicable_cell, indicator_cells, level1_of, row_context, total_row_label
from .survey import survey_actual, survey_basis

_LABELS = {
    "project": by_key(PROJECT_AND_NARRATIVE_FIELDS),
    "budget": by_key(BUDGET_FIELDS),
    "indicator": by_key(INDICATOR_INPUT_FIELDS),
}


@dataclass(slots=True)
class RawRow:
    """One row of raw cells keyed by canonical field, with the coordinates to report problems."""

    values: dict[str, object]
    file: str
    sheet: str | None = None
    row: int | None = None
    columns: dict[str, str] | None = None  # key -> column letter / header (shared by a table's rows)
    path: str | None = None  # YAML path prefix such as indicators[3]
    cells: dict[str, tuple[int, str]] | None = None  # key -> (row, column), 项目信息 sheet

    def where(self, key: str | None = None, kind: str = "indicator") -> Where:
        if key is None and self.path is None:
            return Where(self.file, self.sheet, self.row, columns=self.columns)
        label = _LABELS[kind][key].label if key and key in _LABELS[kind] else key
        if self.path is not None:
            p = self.path if key is None else (f"{self.path}.{key}" if self.path else key)
            return Where(self.file, path=p or None, field=label)
        if key and self.cells and key in self.cells:
            row, column = self.cells[key]
            return Where(self.file, self.sheet, row, column, field=label)
        column = self.columns.get(key) if key and self.columns else None
        return Where(self.file, self.sheet, self.row, column, field=label)


@dataclass(slots=True)
class RawProject:
    facts: RawRow
    budget: list[RawRow]
    indicators: list[RawRow]
    origin: str
    budget_where: Where
    indicators_where: Where


def _text(row: RawRow, key: str) -> str:
    v = row.values.get(key)
    if type(v) is str:  # the common case (CSV, YAML text): keep it cheap, this runs per cell
        return v.strip()
    return cell_text(v)


def _located(row: RawRow, kind: str, pid: str | None, problem: CellProblem) -> InputError:
    return InputError(row.where(problem.key, kind), problem.message, problem.expected, project_id=pid)


@lru_cache(maxsize=4096)
def budget_role(source: str) -> tuple[str, str]:
    """Classify a budget row and give its standard spelling (其中： prefixes dropped)."""
    text = normalize_text(source).rstrip(":：").strip()
    s = re.sub(r"^(其中|含)\s*[:：]?\s*", "", text)
    if s in TOTAL_SPELLINGS:
        return ROLE_TOTAL, TOTAL_SOURCE
    if s in FUNDING_SPELLINGS:
        return ROLE_FUNDING, FUNDING_SPELLINGS[s]
    if s != text and s:  # `其中：中央、省、市补助资金`: a part of the total, whatever the source is called
        return ROLE_FUNDING, s
    return ROLE_ITEM, s


#: The number cells of a 预算执行 row, in the order budget_row_from takes them, and how each is read.
BUDGET_NUMBERS = ("initial", "adjusted", "executed", "reported_score")
BUDGET_CELLS = (OPTIONAL_AMOUNT, AMOUNT, AMOUNT, SCORE)


def parsed_budget_cell(raw: object, column: int) -> float | CellProblem | None:
    """Budget number cell `column` (of BUDGET_NUMBERS) as read_number reads it, the problem
    returned rather than raised: a carrier that reads each distinct cell once keeps the result for
    every row holding the cell, and budget_row_from raises it in the row's order."""
    try:
        return read_number(raw, BUDGET_NUMBERS[column], BUDGET_CELLS[column])
    except CellProblem as p:
        return p


def budget_row(
    source_raw: object, initial_raw: object, adjusted_raw: object, executed_raw: object, reported_raw: object
) -> BudgetRow:
    """One 预算执行 row from its cells (CellProblem: which cell cannot be used, and why)."""
    numbers = (initial_raw, adjusted_raw, executed_raw, reported_raw)
    return budget_row_from(
        cell_text(source_raw),
        all(is_blank_cell(v) for v in numbers[:3]),
        *(parsed_budget_cell(raw, column) for column, raw in enumerate(numbers)),
    )


def budget_row_from(
    source: str,
    blank: bool,
    initial: float | CellProblem | None,
    adjusted: float | CellProblem | None,
    executed: float | CellProblem | None,
    reported: float | CellProblem | None,
) -> BudgetRow:
    """The row-level rules of a 预算执行 row from its source (stripped), whether its three amounts are
    all blank, and its number cells as read (a CellProblem raised in the order a reader checks)."""
    if not source:
        required_text(source, "source")
    role, spelled = budget_role(source)
    if role == ROLE_FUNDING and blank:
        # the printed form lists 上年结转资金 / 其他资金 and leaves them blank when there is no money
        return BudgetRow(spelled, role, 0.0, 0.0, 0.0, None, None, False)
    if role == ROLE_FUNDING and (type(adjusted) is not float or type(executed) is not float):
        # a sub-row with some amounts left blank (`0 | 0 | —`): no money there
        adjusted = 0.0 if _missing(adjusted) else adjusted
        executed = 0.0 if _missing(executed) else executed
    if (
        type(adjusted) is not float
        or type(executed) is not float
        or (initial is not None and type(initial) is not float)
        or (reported is not None and type(reported) is not float)
    ):
        for value in (adjusted, executed, initial, reported):  # the first problem, in the order read
            if isinstance(value, CellProblem):
                raise value
    return BudgetRow(
        spelled,
        role,
        adjusted if initial is None else initial,  # type: ignore[arg-type]
        adjusted,
        executed,
        reported,  # type: ignore[arg-type]
        None,
        initial is not None,  # initial_given
    )


def _missing(v: object) -> bool:
    return isinstance(v, CellProblem) and v.message == MISSING


def build_budget_row(row: RawRow, pid: str | None) -> BudgetRow:
    v = row.values.get
    try:
        out = budget_row(v("source"), v("initial"), v("adjusted"), v("executed"), v("reported_score"))
    except CellProblem as p:
        raise _located(row, "budget", pid, p) from None
    out.where = row.where(None, "budget")
    return out


_INDICATOR_CELLS = (
    "level1",
    "level2",
    "name",
    "direction",
    "target",
    "actual",
    "unit",
    "deviation_reason",
    "applicable",
)


def build_indicator(row: RawRow, pid: str | None) -> Indicator:
    """Validate one indicator row: the cells in the order a reader checks them (一级指标 and 三级指标
    first, then what is scored, then 是否适用)."""
    v = row.values
    level1, level2, name, direction_raw, target_raw, actual_raw, unit_raw, reason, applicable_raw = [
        x.strip() if type(x) is str else cell_text(x) for x in map(v.get, _INDICATOR_CELLS)
    ]
    try:
        total = total_row_label(level1, level2, name)
        if total is not None:
            raise CellProblem(
                "name" if name else "level1",
                f"这是合计（总分）行「{total}」，不是指标",
                "三级指标行（合计行不必列出；自评总分填在项目信息的「自评得分」）",
            )
        level1, placed = level1_of(level1, level2)
        required_text(level1, "level1")
        required_text(name, "name")
        survey = _text(row, "survey") if "survey" in v else ""  # most rows have no questionnaire
        basis = None
        if survey:
            basis = survey_basis(row.file, survey, _text(row, "survey_question"), name, bool(actual_raw))
            actual_raw = actual_raw or survey_actual(basis)
        cells = indicator_cells(
            direction_raw, target_raw, actual_raw, unit_raw, v.get("weight"), v.get("reported_score"),
            row_context(level1, level2, name),
        )  # fmt: skip
        applicable = applicable_cell(applicable_raw)
    except CellProblem as p:
        raise _located(row, "indicator", pid, p) from None
    out = Indicator(
        level1, level2, name, cells.direction, cells.target, cells.actual, cells.unit, cells.weight,
        cells.target_value, cells.actual_value, cells.reported_score, reason, applicable, row.where(None),
        cells.readings + placed, cells.detail,
    )  # fmt: skip
    if basis is not None:
        out.survey, out.survey_question, out.survey_basis = (
            survey,
            _text(row, "survey_question") or None,
            basis,
        )
    return out


@lru_cache(maxsize=256)
def read_year(text: str) -> int:
    """年度 (`2019`, `2019年`, `２０１９`): a year from 1900 to 2100 (cached: a portfolio holds a few)."""
    year_text = text.rstrip("年").strip()
    try:
        year = int(float(normalize_text(year_text)))
        if not 1900 <= year <= 2100:
            raise ValueError(year_text)
    except (ValueError, OverflowError):
        raise CellProblem(
            "year",
            f"「{year_text}」不是年份" if year_text else "缺少年度",
            "1900–2100 之间的四位数年份，如 2019",
        ) from None
    return year


@lru_cache(maxsize=256)
def read_evaluation_type(text: str) -> str:
    """评价类型: self, department or finance (blank: self)."""
    raw = text or "self"
    etype = EVALUATION_TYPES.get(raw.lower()) or EVALUATION_TYPES.get(raw)
    if etype is None:
        raise CellProblem(
            "evaluation_type",
            f"未知的评价类型「{raw}」",
            "单位自评、部门评价、财政评价（self / department / finance）之一",
        )
    return etype


@lru_cache(maxsize=256)
def read_amount_unit(text: str) -> str:
    """金额单位: 万元 or 元 (blank: 万元)."""
    unit = normalize_text(text) or "万元"
    if unit not in ("万元", "元"):
        raise CellProblem("amount_unit", f"未知的金额单位「{unit}」", "万元 或 元")
    return unit


_FACT_TEXTS = (
    "project_id", "name", "department", "year", "evaluation_type", "amount_unit", "unit", "scheme", "goal_planned",
    "goal_actual", "reported_grade", "budget_note", "function_class",
)  # fmt: skip


def derived_id(unit: str, name: str, year: str) -> str:
    """A stable 项目编号 for a form that prints none: its 实施单位, 项目名称 and 年度, hashed (the same
    form read again, from any carrier, gets the same id)."""
    digest = hashlib.sha1(f"{unit}|{name}|{year}".encode()).hexdigest()[:10]
    return f"auto-{year}-{digest}"


def project_facts(get: Callable[[str], object]) -> Project:
    """A project's facts (项目信息) from its cells by key, without budget or indicators;
    CellProblem at the first cell that cannot be used. A blank 项目编号 is made from 实施单位,
    项目名称 and 年度 (`derived_id`), and the project says so in its readings."""
    t = {k: v.strip() if type(v := get(k)) is str else cell_text(v) for k in _FACT_TEXTS}
    name = t["name"] or required_text("", "name")
    readings: tuple[tuple[str, str], ...] = ()
    department = t["department"]
    if not department and t["unit"]:
        department = t["unit"]
        readings = (("department", f"主管部门未填，按实施单位「{department}」计"),)
    department = department or required_text("", "department")
    year = read_year(t["year"])
    pid = t["project_id"]
    if not pid:
        pid = derived_id(t["unit"] or department, name, str(year))
        readings += (("derived_id", f"表上未印项目编号，按实施单位、项目名称、年度生成编号「{pid}」"),)
    etype = read_evaluation_type(t["evaluation_type"])
    amount_unit = read_amount_unit(t["amount_unit"])
    reported_total = read_number(get("reported_total"), "reported_total", SCORE)
    project = Project(  # positional: this runs once per project of a province's tables
        pid, name, department, t["unit"] or department, year, etype, t["scheme"] or None, amount_unit,
        t["goal_planned"], t["goal_actual"], reported_total, t["reported_grade"] or None, t["budget_note"],
        t["function_class"],
    )  # fmt: skip
    if readings:
        project.readings = readings
    return project


#: What a narrative cell may not hold, and how it is called when it does (YAML gives all of these).
_NOT_TEXT = {bool: "是/否", list: "列表", tuple: "列表", set: "列表", dict: "字段映射"}
_NARRATIVE = frozenset(NARRATIVE_KEYS)


def narrative_text(value: object, key: str) -> str:
    """One narrative cell (立项背景 …) as the report prints it: the text the department typed, kept
    verbatim (markup, field codes and formula-like text are text), with its inner line breaks as
    `\n`, blank lines and spaces around it and at line ends dropped. A number is text, as in every
    text cell; a list, a mapping or yes/no (YAML) is a CellProblem: it is no paragraph."""
    if type(value) is not str:
        kind = next((name for t, name in _NOT_TEXT.items() if isinstance(value, t)), None)
        if kind is not None:
            raise CellProblem(key, f"不是文本，而是{kind}", "一段文字，多行时在 YAML 中写作 | 开头的块")
        return cell_text(value)
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    if "\n" in value:
        value = "\n".join(line.rstrip() for line in value.strip().split("\n"))
    return value.strip()


def read_narrative(get: Callable[[str], object]) -> Narrative:
    """A project's narrative from its cells by key (`narrative_text` each); CellProblem at the first
    cell that is no text. The shared empty narrative when nothing is given."""
    texts = {key: narrative_text(get(key), key) for key in NARRATIVE_KEYS}
    return Narrative(**texts) if any(texts.values()) else NO_NARRATIVE


def has_narrative(values: dict[str, object]) -> bool:
    """Whether a row of raw facts holds any narrative cell at all (most carry none: skip the reading)."""
    return not _NARRATIVE.isdisjoint(values)


def build_project(raw: RawProject) -> Project:
    """Validate one raw project. Raises InputError at the first problem, naming where it is, with
    every other problem of the project in its `also` (a form is checked whole, not to its first error)."""
    f = raw.facts
    pid = _text(f, "project_id") or None
    problems: list[InputError] = []
    project: Project | None = None
    try:
        project = project_facts(f.values.get)
        pid = project.project_id
    except CellProblem as p:
        problems.append(_located(f, "project", pid, p).with_traceback(None))
    narrative = NO_NARRATIVE
    if has_narrative(f.values):
        try:
            narrative = read_narrative(f.values.get)
        except CellProblem as p:
            problems.append(_located(f, "project", pid, p).with_traceback(None))
    budget, indicators = [], []
    for r in raw.budget:
        try:
            budget.append(build_budget_row(r, pid))
        except InputError as exc:  # kept without its traceback: a frame holding `problems` is a cycle
            problems.append(exc.with_traceback(None))
    if not raw.budget:
        problems.append(
            InputError(raw.budget_where, "没有预算执行数据", "至少一行（如 年度资金总额）", project_id=pid)
        )
    for r in raw.indicators:
        try:
            indicators.append(build_indicator(r, pid))
        except InputError as exc:  # kept without its traceback: a frame holding `problems` is a cycle
            problems.append(exc.with_traceback(None))
    if not raw.indicators:
        problems.append(InputError(raw.indicators_where, "没有绩效指标", "至少一行三级指标", project_id=pid))
    if problems:
        first = problems[0]
        first.also = problems[1:]
        problems.clear()
        try:
            raise first
        finally:  # no local may hold the error this frame raises: that would be a reference cycle
            del first
    assert project is not None
    project.budget, project.indicators, project.origin = budget, indicators, raw.origin
    if narrative is not NO_NARRATIVE:
        project.narrative = narrative
    project.where, project.scheme_where = f.where("project_id", "project"), f.where("scheme", "project")
    return project
