"""Score a chunk of a table portfolio column by column instead of object by object.

`score --json` over a provincial portfolio used to spend its time on Python objects made per row
(RawRow, Where, Indicator, IndicatorScore, record dictionaries), not on the rules. Here the
indicator columns of a chunk are dictionary-encoded by Arrow, and rows that share their cells
(direction, target, actual, unit, weight, reported score, year) share one entry of a row store
holding what the reference code makes of them: the score and explanation by `numeric_values` /
`compute_indicator`, the row's JSON by `scored_fields`, and what the review could flag. Plain
numeric cells (`≥8000个`) are read by `plain_number`, the shortcut parse_quantity itself takes.
Category scores are summed with NumPy in input order (`np.add.at` adds sequentially), so every
float is the one `score_project` adds. Facts and budgets stay per project: `score_budget` and
`project_record` are the reference.

Everything out of the ordinary takes the reference path for its project (build, evaluate, record):
a cell the plain parse does not take (the reference then reports it with its location), a
not-applicable indicator, a whole-point scheme, a second scheme in the chunk, numbers too large to
add. A project whose numbers could raise a finding (the NumPy pre-checks flag a superset of the
review's conditions) gets the Scorecard score_project would make and is reviewed by `review`.
The document is byte for byte what the reference path writes; `tests/test_table_scoring.py`
proves it on synthetic portfolios with every defect, awkward cells, other carriers and random
portfolios.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import SchemeError
from ..fields import EVALUATION_TYPES
from ..inputs.records import _BOOL_WORDS, MAX_AMOUNT, RawProject, budget_role, interpret, normalize_direction
from ..inputs.tables_reader import TablePortfolio
from ..model import QUANTITATIVE, ROLE_FUNDING, BudgetRow, Indicator, Project
from ..presentation.records import project_record, scored_fields
from ..quantities import normalize_text, normalize_unit, parse_number_cell, parse_quantity, plain_number
from ..review import SCORE_TOLERANCE, review
from ..rules import BudgetScore, score_budget
from ..rules.budget import TOLERANCE
from ..rules.indicators import (
    NEGATIVE_ACTUAL,
    UNMEASURABLE,
    UNRECOGNISED,
    IndicatorScore,
    compute_indicator,
    numeric_outcome,
    numeric_score,
    numeric_values,
)
from ..schemes import Category, Scheme, default_scheme_id, get_scheme
from ..scoring import CategoryScore, Scorecard

Item = tuple[str | None, str | None, object, bytes | dict]
Reference = Callable[[Iterable[RawProject]], list[Item]]

_MARGIN = 1e-3  # the pre-checks flag a little more than the review would: a flag only costs time
_MEMO_LIMIT = 200_000  # distinct rows remembered per scheme before the memo starts over
_FACTS = (
    "project_id",
    "name",
    "department",
    "unit",
    "year",
    "evaluation_type",
    "scheme",
    "amount_unit",
    "reported_total",
    "reported_grade",
    "budget_note",
)
_BUDGET = ("source", "initial", "adjusted", "executed", "reported_score")
_KEY = ("direction", "target", "actual", "unit", "weight", "reported_score")


class _Reference(Exception):
    """This project is not plain: score it the reference way."""


def eligible(portfolio: TablePortfolio) -> bool:
    """Text columns without nulls (every CSV; Parquet written as text). Typed Parquet columns are
    read by the reference path, which knows how to print a float cell."""
    return all(
        pa.types.is_string(c.type) and c.null_count == 0
        for t in (portfolio.projects, portfolio.budget, portfolio.indicators)
        for c in t.table.columns
    )


def _number(raw: str) -> float | None:
    """A numeric cell as the reference reads it (parse_number_cell); one it refuses goes the
    reference way, which reports it with its location."""
    try:
        return parse_number_cell(raw)
    except ValueError:
        raise _Reference from None


_UNREADABLE = math.inf  # a budget cell only the reference path can read (and report)


def _amount(raw: str) -> float | None:
    """A budget cell as build_budget_row reads it: None when blank, _UNREADABLE when not plain."""
    try:
        return _number(raw)
    except _Reference:
        return _UNREADABLE


def _source(raw: str) -> tuple[str, str] | None:
    source = raw.strip()
    return budget_role(source) if source else None


def _spread(coded: _Coded, parse: Callable[[str], object]) -> list:
    table = [parse(v) for v in coded.values]
    return list(map(table.__getitem__, coded.codes.tolist()))


class _Coded:
    """One column of a table slice, dictionary-encoded: a code per row and the distinct values."""

    def __init__(self, table: pa.Table, key: str, start: int, n: int) -> None:
        if key not in table.column_names or n == 0:
            self.codes, self.values = np.zeros(n, dtype=np.int64), [""]
            return
        encoded = pc.dictionary_encode(table.column(key).slice(start, n).combine_chunks())
        self.codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        self.values: list[str] = encoded.dictionary.to_pylist()


def _combine(columns: list[np.ndarray], sizes: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Rows with equal codes in every column share a group: (first row of each group, group per row)."""
    code = np.zeros(len(columns[0]), dtype=np.int64)
    span = 1
    for col, size in zip(columns, sizes, strict=True):
        if span * max(size, 1) >= 1 << 62:  # keep the mixed-radix code inside int64
            _, code = np.unique(code, return_inverse=True)
            span = int(code.max()) + 1 if len(code) else 1
        code = code * max(size, 1) + col
        span *= max(size, 1)
    _, first, inverse = np.unique(code, return_index=True, return_inverse=True)
    return first, inverse.reshape(-1)


_REVIEWED_FLAGS = frozenset((UNMEASURABLE, UNRECOGNISED, NEGATIVE_ACTUAL))


def _row_entry(key: tuple, scheme: Scheme) -> tuple | None:
    """What the reference makes of one row's cells, or None when they need the reference path:
    (score, weight, reported, JSON of the cells' part of the record, completion, met, quantitative,
    upward (≥ > =), noted (R011: no unit, unmeasurable, unrecognised, negative), the row as the
    review needs it (an Indicator with blank name cells, or for a plain row the values to make one
    from), and its numeric outcome or IndicatorScore). This runs once per distinct row a process
    meets (a third of all rows in a large portfolio), so the plain case is written out flat."""
    direction_raw, target_raw, actual_raw, unit_raw, weight_raw, reported_raw, year = key
    try:  # as build_indicator reads them; + 0.0 reads "-0" as 0
        weight = float(weight_raw) + 0.0
        reported = None if reported_raw == "" else float(reported_raw) + 0.0
    except ValueError:
        return None
    if not 0 <= weight < math.inf or (reported is not None and not math.isfinite(reported)):
        return None
    plain = _plain_cells(direction_raw, target_raw, actual_raw, unit_raw)
    if plain is not None:  # the usual numeric row, read without Quantity objects
        direction, comparator, target_value, actual_value, unit = plain
        score, completion, met, rule, formula, text, flags = numeric_values(
            direction, comparator, target_value, actual_value, unit, weight, scheme
        )
        mid = orjson.dumps(
            scored_fields(
                direction,
                target_raw,
                actual_raw,
                unit,
                weight,
                score,
                reported,
                completion,
                met,
                None,
                rule,
                formula,
                text,
            )
        )[1:-1]
        return (
            score,
            weight,
            reported,
            mid,
            completion,
            met,
            True,
            direction in _UPWARD,
            unit is None or (NEGATIVE_ACTUAL in flags if flags else False),
            (direction, target_raw, actual_raw, unit, weight, target_value, actual_value, reported),
            (score, completion, met, rule, formula, text, flags),
        )
    meaning = interpret(direction_raw, target_raw, actual_raw, unit_raw)
    if meaning[0] == "error":
        return None
    _, direction, target, actual, unit, target_value, actual_value = meaning
    row = Indicator("", "", "", direction, target, actual, unit, weight, target_value, actual_value, reported)
    result: tuple | IndicatorScore = numeric_outcome(row, weight, scheme) or compute_indicator(
        row, weight, scheme, year
    )
    if isinstance(result, IndicatorScore):
        score, completion, met, level, flags = (
            result.score,
            result.completion,
            result.met,
            result.level,
            result.flags,
        )
        rule, formula, text = result.explanation.rule, result.explanation.formula, result.explanation.text
    else:
        (score, completion, met, rule, formula, text, flags), level = result, None
    mid = orjson.dumps(
        scored_fields(
            direction,
            target.raw,
            actual.raw,
            unit,
            weight,
            score,
            reported,
            completion,
            met,
            level,
            rule,
            formula,
            text,
        )
    )[1:-1]
    quantitative = direction in QUANTITATIVE
    return (
        score,
        weight,
        reported,
        mid,
        completion,
        bool(met),
        quantitative,
        direction in _UPWARD,
        (quantitative and target_value is not None and unit is None)
        or bool(flags and not _REVIEWED_FLAGS.isdisjoint(flags)),
        row,
        result,
    )


_UPWARD = frozenset(("≥", ">", "="))
_PLAIN: dict[str, tuple | None] = {}  # plain_number per distinct cell text
_DIRECTIONS: dict[str, str | None] = {}  # normalize_direction per distinct cell text


_UNSEEN = object()


def _remembered(memo: dict, raw: str, read: Callable[[str], object]) -> object:
    """read(raw), kept per distinct text (a memo that starts over past _MEMO_LIMIT entries). Half
    the actual values a worker meets are new: a miss is a sentinel, not a caught KeyError."""
    out = memo.get(raw, _UNSEEN)
    if out is _UNSEEN:
        if len(memo) > _MEMO_LIMIT:
            memo.clear()
        out = memo[raw] = read(raw)
    return out


def _plain_cells(
    direction_raw: str, target_raw: str, actual_raw: str, unit_raw: str
) -> tuple[str, str | None, float, float, str | None] | None:
    """(direction, comparator, target, actual, unit) of the usual numeric row (`≥`, `≥8000个`,
    `8565个`, `个`), exactly what interpret makes of it by its one-unit shortcut; None otherwise."""
    target, actual = (
        _remembered(_PLAIN, target_raw, plain_number),
        _remembered(_PLAIN, actual_raw, plain_number),
    )
    if target is None or actual is None:
        return None
    direction = _remembered(_DIRECTIONS, direction_raw, normalize_direction) if direction_raw else target[0]
    if direction not in QUANTITATIVE:
        return None
    unit = normalize_unit(unit_raw)  # lru_cache'd
    if target[2] != unit or actual[2] not in (None, unit):
        return None
    return direction, target[0], target[1], actual[1], unit


class _RowStore:
    """The distinct rows one process has met under one scheme: an id per key, and per id the
    numbers as arrays (so a chunk gathers them with NumPy) and the JSON and objects as lists."""

    _FIELDS = (
        ("ok", bool),
        ("score", np.float64),
        ("weight", np.float64),
        ("has_reported", bool),
        ("reported", np.float64),
        ("completion", np.float64),
        ("met", bool),
        ("quantitative", bool),
        ("upward", bool),
        ("noted", bool),
    )
    _UNREAD = (
        False,
        0.0,
        0.0,
        False,
        0.0,
        math.nan,
        False,
        False,
        False,
        True,
    )  # only the reference reads it

    def __init__(self) -> None:
        self.index: dict[tuple, int] = {}
        self.mids: list[bytes] = []
        self.rows: list[tuple[Indicator | None, object]] = []
        for name, dtype in self._FIELDS:
            setattr(self, name, np.zeros(0, dtype=dtype))

    def __len__(self) -> int:
        return len(self.mids)

    def ids(self, keys: Iterable[tuple], scheme: Scheme) -> np.ndarray:
        index, out, new = self.index, [], []
        mids, rows = self.mids, self.rows
        for key in keys:
            i = index.get(key)
            if i is None:
                try:
                    entry = _row_entry(key, scheme)
                except Exception:  # the reference path meets it again and says what is wrong
                    entry = None
                i = index[key] = len(mids)
                if entry is None:
                    new.append(self._UNREAD)
                    mids.append(b"")
                    rows.append((None, None))
                else:
                    (
                        score,
                        weight,
                        reported,
                        mid,
                        completion,
                        met,
                        quantitative,
                        upward,
                        noted,
                        ind,
                        result,
                    ) = entry
                    new.append(
                        (
                            True,
                            score,
                            weight,
                            reported is not None,
                            reported or 0.0,
                            math.nan if completion is None else completion,
                            met,
                            quantitative,
                            upward,
                            noted,
                        )
                    )
                    mids.append(mid)
                    rows.append((ind, result))
            out.append(i)
        if new:
            for (name, dtype), values in zip(self._FIELDS, zip(*new, strict=True), strict=True):
                setattr(self, name, np.concatenate([getattr(self, name), np.array(values, dtype=dtype)]))
        return np.array(out, dtype=np.int64)

    def may_be_reviewed(self, ids: np.ndarray, scheme: Scheme) -> tuple[np.ndarray, np.ndarray]:
        """Per row: could the review flag it (R002, R005, R011), and could it unless a deviation
        reason is given (R006, R007)? A superset of the review's indicator conditions."""
        score, weight, reported, has_reported = (
            self.score[ids],
            self.weight[ids],
            self.reported[ids],
            self.has_reported[ids],
        )
        completion, q = self.completion[ids], scheme.quantitative
        always = (
            has_reported
            & ((reported > weight) | (reported < 0) | (np.abs(reported - score) > SCORE_TOLERANCE - _MARGIN))
        ) | self.noted[ids]
        with np.errstate(invalid="ignore"):
            unexplained = (
                self.quantitative[ids]
                & self.met[ids]
                & has_reported
                & (reported < weight - SCORE_TOLERANCE + _MARGIN)
            ) | (
                self.upward[ids]
                & ~np.isnan(completion)
                & (
                    (completion >= q.over_achievement.threshold - _MARGIN)
                    | (completion < q.far_below + _MARGIN)
                )
            )
        return always, unexplained


class _Chunk:
    """Projects [start, stop) of a portfolio."""

    def __init__(self, portfolio: TablePortfolio, start: int, stop: int, override: Scheme | None) -> None:
        self.portfolio, self.start, self.n, self.override = portfolio, start, stop - start, override
        self.origin = str(portfolio.folder)
        budget_bounds = portfolio._budget_bounds[start : stop + 1].astype(np.int64)
        self.ind_bounds = portfolio._indicator_bounds[start : stop + 1].astype(np.int64)
        facts = portfolio.projects.table
        present = [k for k in _FACTS if k in facts.column_names]
        data = facts.select(present).slice(start, self.n).to_pydict()
        self.facts = list(
            zip(*(data.get(k) or [""] * self.n for k in _FACTS), strict=True)
        )  # a tuple per project
        b0, b1 = int(budget_bounds[0]), int(budget_bounds[-1])
        self.budget_rows = (budget_bounds - b0).tolist()  # project k's rows: [k], [k + 1] (Python ints)
        budget = portfolio.budget.table
        # each distinct cell parsed once, then spread over the rows
        self.budget = [
            _spread(_Coded(budget, k, b0, b1 - b0), _source if k == "source" else _amount) for k in _BUDGET
        ]
        self.schemes: dict[str, Scheme | None] = {}
        self.units: dict[str, str] = {}

    # -- per project, before the indicators -----------------------------------------------------

    def _scheme(self, named: str | None, etype: str) -> Scheme:
        if self.override is not None:
            scheme: Scheme | None = self.override
        else:
            spec = named or default_scheme_id(etype)
            if spec not in self.schemes:
                try:
                    self.schemes[spec] = get_scheme(spec)
                except SchemeError:
                    self.schemes[spec] = None
            scheme = self.schemes[spec]
        if scheme is None or scheme.rounding.whole_points:
            raise _Reference
        return scheme

    def _project(self, k: int) -> tuple[Project, Scheme]:
        (
            pid,
            name,
            dept,
            unit,
            year_raw,
            etype_cell,
            named_raw,
            amount_raw,
            reported_total,
            reported_grade,
            budget_note,
        ) = self.facts[k]
        pid, name, dept = pid.strip(), name.strip(), dept.strip()
        if not (pid and name and dept):
            raise _Reference
        year_text = year_raw.strip().rstrip("年").strip()
        if not (year_text.isascii() and year_text.isdigit() and 1900 <= int(year_text) <= 2100):
            raise _Reference
        etype_raw = etype_cell.strip() or "self"
        etype = EVALUATION_TYPES.get(etype_raw.lower()) or EVALUATION_TYPES.get(etype_raw)
        amount_unit = self.units.get(amount_raw)
        if amount_unit is None:
            amount_unit = self.units[amount_raw] = normalize_text(amount_raw.strip()) or "万元"
        if etype is None or amount_unit not in ("万元", "元"):
            raise _Reference
        named = named_raw.strip() or None
        scheme = self._scheme(named, etype)
        # goal_planned / goal_actual are left blank: nothing in scoring, review or the record reads them
        project = Project(
            pid,
            name,
            dept,
            unit.strip() or dept,
            int(year_text),
            etype,
            named,
            amount_unit,
            "",
            "",
            _number(reported_total),
            reported_grade.strip() or None,
            budget_note.strip(),
            [],
            [],
            self.origin,
        )
        project.budget = self._budget_rows(self.budget_rows[k], self.budget_rows[k + 1])
        return project, scheme

    def _budget_rows(self, lo: int, hi: int) -> list[BudgetRow]:
        source_col, initial_col, adjusted_col, executed_col, reported_col = self.budget
        rows = []
        for j in range(lo, hi):
            source = source_col[j]
            if source is None:
                raise _Reference
            role, spelled = source
            initial, adjusted, executed = initial_col[j], adjusted_col[j], executed_col[j]
            if role == ROLE_FUNDING and initial is None and adjusted is None and executed is None:
                rows.append(BudgetRow(spelled, role, 0.0, 0.0, 0.0, None, None, initial_given=False))
                continue
            reported = reported_col[j]
            if (
                adjusted is None
                or executed is None
                or _UNREADABLE in (adjusted, executed, initial, reported)
                or not (0 <= adjusted < MAX_AMOUNT and 0 <= executed < MAX_AMOUNT)
                or (initial is not None and not 0 <= initial < MAX_AMOUNT)
            ):
                raise _Reference
            rows.append(
                BudgetRow(
                    spelled,
                    role,
                    adjusted if initial is None else initial,
                    adjusted,
                    executed,
                    reported,
                    None,
                    initial_given=initial is not None,
                )
            )
        if not rows:
            raise _Reference
        return rows

    # -- the chunk -------------------------------------------------------------------------------

    def run(self, reference: Reference) -> list[Item]:
        n = self.n
        projects: list[Project | None] = [None] * n
        budgets: list[BudgetScore | None] = [None] * n
        scheme: Scheme | None = None
        skip = self.portfolio._skip
        for k in range(n):
            if self.start + k in skip:
                continue
            try:
                project, own = self._project(k)
            except _Reference:
                continue
            if scheme is None:
                scheme = own
            elif own is not scheme:
                continue  # one scheme per chunk on this path; a project under another takes the reference
            projects[k], budgets[k] = project, score_budget(project, own)
        plain = self._indicators(scheme, projects, budgets) if scheme is not None else None
        items: list[Item] = []
        for k in range(n):
            try:
                item = plain(k) if plain is not None and projects[k] is not None else None
            except Exception:  # the reference path scores it again and reports what is wrong
                item = None
            if item is None:
                items.extend(reference(self.portfolio.raw_projects(self.start + k, self.start + k + 1)))
            else:
                items.append(item)
        return items

    def _indicators(
        self, scheme: Scheme, projects: list[Project | None], budgets: list[BudgetScore | None]
    ) -> Callable[[int], Item | None]:
        """Score every row of the chunk at once; return what finishes project k (None: reference)."""
        n, table = self.n, self.portfolio.indicators.table
        i0, rows = int(self.ind_bounds[0]), int(self.ind_bounds[-1] - self.ind_bounds[0])
        counts = np.diff(self.ind_bounds)
        owner = np.repeat(np.arange(n), counts)  # project of each row
        coded = {
            k: _Coded(table, k, i0, rows)
            for k in (*_KEY, "level1", "level2", "name", "deviation_reason", "applicable")
        }
        # only rows of projects that got this far are scored here (a project already sent to the
        # reference path may have a year no rule can use)
        live = np.nonzero(np.array([p is not None for p in projects], dtype=bool)[owner])[0]
        store = scheme._memo.get("table_rows")
        if store is None or len(store) > _MEMO_LIMIT:
            store = scheme._memo["table_rows"] = _RowStore()
        if len(live) == 0:
            return lambda k: None
        years = np.array([p.year if p else 0 for p in projects], dtype=np.int64)[owner[live]]
        year_values, year_codes = np.unique(years, return_inverse=True)
        key_cols = [coded[k] for k in _KEY]
        first, group = _combine(
            [c.codes[live] for c in key_cols] + [year_codes.reshape(-1)],
            [len(c.values) for c in key_cols] + [len(year_values)],
        )
        cells = [
            np.array([v.strip() for v in c.values] if i < 4 else c.values, dtype=object)[c.codes[live[first]]]
            for i, c in enumerate(key_cols)
        ]  # direction/target/actual/unit stripped, as build_indicator does
        ids = np.zeros(
            rows, dtype=np.int64
        )  # rows of projects on the reference path point at entry 0, unused
        ids[live] = store.ids(zip(*cells, years[first].tolist(), strict=True), scheme)[group]
        ok, score, weight = store.ok[ids], store.score[ids], store.weight[ids]
        has_reported, reported = store.has_reported[ids], store.reported[ids]
        always, unexplained = store.may_be_reviewed(ids, scheme)

        # per distinct cell: what a row needs beyond its key
        level1, name, reason, applicable = (
            coded["level1"],
            coded["name"],
            coded["deviation_reason"],
            coded["applicable"],
        )
        cats = scheme.categories
        index = {c.name: i for i, c in enumerate(cats)}
        cat_of = [scheme.category_for(v.strip()) if v.strip() else None for v in level1.values]
        cat_code = np.array([index[c.name] if c is not None else -1 for c in cat_of], dtype=np.int64)
        named = np.array([bool(v.strip()) for v in name.values], dtype=bool)
        applies = np.array(
            [
                not v.strip() or _BOOL_WORDS.get(normalize_text(v.strip()).lower()) is True
                for v in applicable.values
            ],
            dtype=bool,
        )
        no_reason = np.array([not v.strip() for v in reason.values], dtype=bool)

        row_cat = cat_code[level1.codes]
        bad_row = ~ok | (row_cat < 0) | ~named[name.codes] | ~applies[applicable.codes]
        flag_row = always | (unexplained & no_reason[reason.codes])
        bad = np.bincount(owner, weights=bad_row, minlength=n) > 0
        flagged = np.bincount(owner, weights=flag_row, minlength=n) > 0
        missing = np.bincount(owner, weights=~has_reported, minlength=n) > 0

        # sums in the order score_project adds: the budget first, then each row as read
        ncat = len(cats)
        cat_scores, cat_weights = np.zeros((n, ncat)), np.zeros((n, ncat))
        unusual = np.zeros(n, dtype=bool)  # numbers too large to add up: the reference path reports them
        for k, b in enumerate(budgets):
            if b is not None:
                unusual[k] = not all(
                    math.isfinite(x)
                    for x in (
                        b.initial,
                        b.adjusted,
                        b.executed,
                        b.score,
                        b.execution_rate or 0.0,
                        b.initial_rate or 0.0,
                    )
                )
                if b.category is not None:
                    cat_scores[k, index[b.category]] += b.score
                    cat_weights[k, index[b.category]] += b.weight
        safe_cat = np.where(row_cat < 0, 0, row_cat)
        np.add.at(cat_scores, (owner, safe_cat), score)
        np.add.at(cat_weights, (owner, safe_cat), weight)
        parts = np.zeros(n)
        np.add.at(parts, owner, reported)
        score_rows, weight_rows = cat_scores.tolist(), cat_weights.tolist()
        totals_raw = [
            sum(r) * 1.0 for r in score_rows
        ]  # as score_project: sum() (compensated from Python 3.12)
        total_raw = np.array(totals_raw, dtype=np.float64)
        factor = 10.0**scheme.rounding.decimals  # round_half_up, element-wise
        total = np.copysign(np.floor(np.abs(total_raw) * factor + 0.5 + 1e-9), total_raw) / factor
        bad |= unusual | ~np.isfinite(total_raw) | ~np.isfinite(cat_weights).all(axis=1)
        # R001 could flag a project whose itemised weights differ from the scheme's (a superset)
        flagged |= (np.abs(cat_weights - np.array([c.weight for c in cats])) > 1e-7).any(axis=1)

        # each row's JSON: the part its name cells give, its key's part, its deviation reason's part
        text: dict[str, bytes] = {}

        def js(v: str) -> bytes:
            out = text.get(v)
            if out is None:
                out = text[v] = orjson.dumps(v)
            return out

        head_first, head_group = _combine(
            [level1.codes, coded["level2"].codes, name.codes],
            [len(level1.values), len(coded["level2"].values), len(name.values)],
        )
        l2 = coded["level2"]
        heads = []
        for j in head_first.tolist():
            c = cat_of[level1.codes[j]]
            heads.append(
                b"".join(
                    (
                        b'{"level1":',
                        js(level1.values[level1.codes[j]].strip()),
                        b',"level2":',
                        js(l2.values[l2.codes[j]].strip()),
                        b',"name":',
                        js(name.values[name.codes[j]].strip()),
                        b',"category":',
                        js(c.name if c else ""),
                        b",",
                    )
                )
            )
        tails = [b',"deviation_reason":' + js(v.strip()) + b',"applicable":true}' for v in reason.values]
        # every row as four pieces (name cells, key part, reason part, comma), joined once per project
        flat: list[bytes] = [b","] * (4 * rows)
        flat[0::4] = list(map(heads.__getitem__, head_group.tolist()))
        flat[1::4] = list(map(store.mids.__getitem__, ids.tolist()))
        flat[2::4] = list(map(tails.__getitem__, reason.codes.tolist()))

        grades: dict[float, str] = {}
        cat_names, cat_scheme_weights = [c.name for c in cats], [c.weight for c in cats]
        bounds = (self.ind_bounds - self.ind_bounds[0]).tolist()
        totals, part_sums = total.tolist(), parts.tolist()
        bad, flagged, missing = bad.tolist(), flagged.tolist(), missing.tolist()  # per project: Python bools

        def finish(k: int) -> Item | None:
            project, b = projects[k], budgets[k]
            assert project is not None and b is not None
            lo, hi = bounds[k], bounds[k + 1]
            if hi == lo or bad[k]:
                return None
            t = totals[k]
            grade = grades.get(t)
            if grade is None:
                grade = grades[t] = scheme.grade_for(t)
            cat_parts = list(zip(cat_names, cat_scheme_weights, weight_rows[k], score_rows[k], strict=True))
            findings = b"[]"
            if flagged[k] or self._could_be_reviewed(
                project, scheme, b, None if missing[k] else part_sums[k], t
            ):
                card = self._card(
                    project,
                    scheme,
                    b,
                    range(lo, hi),
                    store,
                    ids,
                    coded,
                    cat_of,
                    cat_parts,
                    totals_raw[k],
                    t,
                    grade,
                )
                findings = orjson.dumps([f.as_dict() for f in review(card)])
            head = orjson.dumps(
                project_record(project, scheme.id, t, totals_raw[k], grade, 1.0, b, cat_parts)
            )
            payload = b"".join(
                [head[:-1], b',"indicators":[', *flat[4 * lo : 4 * hi - 1], b'],"findings":', findings, b"}"]
            )
            return project.project_id, project.origin, self.start + k, payload

        return finish

    @staticmethod
    def _could_be_reviewed(
        project: Project, scheme: Scheme, b: BudgetScore, parts: float | None, total: float
    ) -> bool:
        """A superset of the review's project-level conditions (R003, R004, R005/R002 on the budget,
        R008–R010, R012; R001 is checked for the whole chunk with NumPy): when it says no and no
        row is flagged, `review` would find nothing."""
        if b.contradictions or any(i.executed > i.adjusted + TOLERANCE - 1e-6 for i in b.items):
            return True
        rate, rule = b.execution_rate, scheme.budget_execution
        if rate is not None and (
            rate > 1 or (rule and rule.explain_below is not None and rate < rule.explain_below + 1e-6)
        ):
            return True
        r = b.reported_score
        if (
            r is not None
            and b.weight > 0
            and (r > b.weight or r < 0 or abs(r - b.score) > SCORE_TOLERANCE - _MARGIN)
        ):
            return True
        reported = project.reported_total
        if reported is None:
            return False
        if abs(reported - total) > SCORE_TOLERANCE - _MARGIN:
            return True
        if parts is not None and (b.reported_score is not None or b.weight <= 0):
            if abs(reported - (parts + (b.reported_score or 0.0))) > SCORE_TOLERANCE - _MARGIN:
                return True
        if project.reported_grade:
            expected = scheme.grade_for(reported)
            grade = project.reported_grade.strip()
            if grade.rstrip("秀好等") != expected and grade != expected:
                return True
        return False

    @staticmethod
    def _card(
        project: Project,
        scheme: Scheme,
        budget: BudgetScore,
        rows: range,
        store: _RowStore,
        ids: np.ndarray,
        coded: dict[str, _Coded],
        cat_of: list[Category | None],
        cat_parts: list[tuple[str, float, float, float]],
        total_raw: float,
        total: float,
        grade: str,
    ) -> Scorecard:
        """The Scorecard score_project would make, from what the chunk computed, for `review`
        (cat_of: the category of each distinct 一级指标 cell; a row without one is not here)."""
        lo, hi = rows.start, rows.stop

        def cells(key: str) -> list[str]:
            c = coded[key]
            return [c.values[x].strip() for x in c.codes[lo:hi].tolist()]

        scored = []
        for sid, level1, l1_code, level2, name, reason in zip(
            ids[lo:hi].tolist(),
            cells("level1"),
            coded["level1"].codes[lo:hi].tolist(),
            cells("level2"),
            cells("name"),
            cells("deviation_reason"),
            strict=True,
        ):
            i, s = store.rows[sid]
            if not isinstance(s, IndicatorScore):  # first time in a card: made once, kept for the next
                if isinstance(i, tuple):  # a plain row, read without Quantity objects
                    direction, target_raw, actual_raw, unit, weight, target_value, actual_value, reported = i
                    i = Indicator(
                        "",
                        "",
                        "",
                        direction,
                        parse_quantity(target_raw),
                        parse_quantity(actual_raw),
                        unit,
                        weight,
                        target_value,
                        actual_value,
                        reported,
                    )
                s = numeric_score(i, i.weight, s)
                store.rows[sid] = (i, s)
            ind = Indicator(
                level1,
                level2,
                name,
                i.direction,
                i.target,
                i.actual,
                i.unit,
                i.weight,
                i.target_value,
                i.actual_value,
                i.reported_score,
                reason,
            )
            category = cat_of[l1_code]
            assert category is not None
            scored.append(
                IndicatorScore(
                    ind,
                    category.name,
                    s.weight,
                    s.score,
                    s.completion,
                    s.explanation,
                    s.level,
                    s.met,
                    s.flags,
                )
            )
        categories = [
            CategoryScore(name, weight, itemised, score) for name, weight, itemised, score in cat_parts
        ]
        return Scorecard(project, scheme, budget, categories, scored, [], 1.0, total_raw, total, grade)


def score_table_chunk(
    portfolio: TablePortfolio, start: int, stop: int, scheme: Scheme | None, reference: Reference
) -> list[Item]:
    """Projects [start, stop) of the portfolio, in order; `reference` scores raw projects the
    reference way (build, evaluate, record) for those that are not plain."""
    return _Chunk(portfolio, start, stop, scheme).run(reference)
