"""Values as people write them in a 绩效目标表: `≥200人次`, `≥７０％`, `≤90万元`, `0次`,
`2019年12月31日前`, `年底前完成`, `达成预期指标`.

Parsing is pure and cached: a portfolio repeats the same few hundred target spellings across
tens of thousands of rows, so each distinct string is parsed once.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

COMPARATORS = ("≥", ">", "=", "≤", "<")

_COMPARATOR_WORDS = {
    ">=": "≥", "≥": "≥", "≧": "≥", "⩾": "≥", "不低于": "≥", "不少于": "≥", "大于等于": "≥", "不小于": "≥",
    "达到": "≥", "至少": "≥",
    ">": ">", "大于": ">", "高于": ">", "多于": ">", "超过": ">",
    "<=": "≤", "≤": "≤", "≦": "≤", "⩽": "≤", "不高于": "≤", "不超过": "≤", "小于等于": "≤", "不大于": "≤",
    "控制在": "≤", "以内": "≤",
    "<": "<", "小于": "<", "低于": "<", "少于": "<",
    "=": "=", "==": "=", "等于": "=",
}
_CMP_RE = "|".join(sorted((re.escape(k) for k in _COMPARATOR_WORDS), key=len, reverse=True))
_NUMBER_RE = re.compile(
    rf"^(?P<cmp>{_CMP_RE})?\s*(?:约|共|完成|实际完成|累计)?\s*"
    r"(?P<num>[-+−]?\d[\d,]*(?:\.\d+)?|[-+−]?\.\d+)\s*"
    r"(?P<unit>[^\d\s,.;；，。()（）]{0,8}?)\s*(?P<tail>以内|以上|以下|及以上|及以下)?$"
)

#: Money units and their factor to 元.
MONEY_FACTORS = {"元": 1.0, "千元": 1_000.0, "万元": 10_000.0, "百万元": 1_000_000.0, "亿元": 100_000_000.0}
_PERCENT_SPELLINGS = {"%", "百分比", "百分之", "百分率", "％", "pct"}


def normalize_text(text: object) -> str:
    """NFKC folds full-width digits, letters and ＞＜＝％ to ASCII; ≥ and ≤ survive unchanged."""
    if text is None:
        return ""
    s = unicodedata.normalize("NFKC", str(text)).strip()
    return s.replace("−", "-").replace("–", "-")


@lru_cache(maxsize=4096)
def normalize_unit(unit: object) -> str | None:
    u = normalize_text(unit)
    if not u or u in {"-", "/", "—", "无"}:
        return None
    if u in _PERCENT_SPELLINGS:
        return "%"
    return u


def unit_dimension(unit: str | None) -> str | None:
    """Units that can be converted into each other share a dimension; others are their own."""
    if unit is None:
        return None
    if unit in MONEY_FACTORS:
        return "money"
    return unit


def convert(value: float, from_unit: str | None, to_unit: str | None) -> float:
    if from_unit == to_unit or from_unit is None or to_unit is None:
        return value
    return value * MONEY_FACTORS[from_unit] / MONEY_FACTORS[to_unit]


@dataclass(frozen=True, slots=True)
class Quantity:
    """A parsed target or actual. kind is number, date or text (or empty)."""

    raw: str
    kind: str
    number: float | None = None
    unit: str | None = None
    comparator: str | None = None
    date: dt.date | None = None
    # for deadline actuals written as words: True (按时完成), False (延期), None (unknown)
    on_time: bool | None = None
    relative_deadline: str | None = None  # 年底 etc.: resolved against the project year


_DATE_FULL = re.compile(r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?")
_DATE_MONTH = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月(?:份)?(?:底|末)?")
_DATE_MONTH_NO_YEAR = re.compile(r"^(\d{1,2})\s*月(?:份)?(?:底|末)")
_RELATIVE = (
    ("年底", (12, 31)), ("年末", (12, 31)), ("年内", (12, 31)), ("本年度", (12, 31)), ("年度内", (12, 31)),
    ("上半年", (6, 30)), ("第一季度", (3, 31)), ("一季度", (3, 31)), ("第二季度", (6, 30)), ("二季度", (6, 30)),
    ("第三季度", (9, 30)), ("三季度", (9, 30)), ("第四季度", (12, 31)), ("四季度", (12, 31)),
)
_LATE_WORDS = ("未完成", "未按时", "未按期", "延期", "逾期", "滞后", "推迟", "延迟", "未能", "尚未")
_ON_TIME_WORDS = ("按时", "按期", "如期", "及时", "提前", "前完成", "已完成", "完成")


def _last_day(year: int, month: int) -> dt.date:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def _find_date(s: str) -> tuple[dt.date | None, str | None]:
    m = _DATE_FULL.search(s)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3])), None
        except ValueError:
            return None, None
    m = _DATE_MONTH.search(s)
    if m and 1 <= int(m[2]) <= 12:
        return _last_day(int(m[1]), int(m[2])), None
    m = _DATE_MONTH_NO_YEAR.search(s)
    if m and 1 <= int(m[1]) <= 12:
        return None, f"{int(m[1])}月"
    for word, _ in _RELATIVE:
        if word in s:
            return None, word
    return None, None


def resolve_relative(word: str, year: int) -> dt.date:
    if word.endswith("月"):
        return _last_day(year, int(word[:-1]))
    for w, (month, day) in _RELATIVE:
        if w == word:
            return dt.date(year, month, day)
    raise KeyError(word)


@lru_cache(maxsize=65536)
def parse_quantity(raw: object) -> Quantity:
    """Parse one cell. Never raises: what is not a number or a date is text."""
    text = normalize_text(raw)
    if not text or text in {"-", "/", "—", "无"}:
        return Quantity(str(raw or ""), "empty")
    m = None if _DATE_MONTH_NO_YEAR.match(text) else _NUMBER_RE.match(text)  # 12月底前 is a date
    if m:
        cmp_word = m["cmp"]
        comparator = _COMPARATOR_WORDS[cmp_word] if cmp_word else None
        if m["tail"]:
            comparator = comparator or ("≤" if m["tail"] in ("以内", "以下", "及以下") else "≥")
        unit = m["unit"] or None
        if unit in ("以内",):
            comparator, unit = comparator or "≤", None
        try:
            number = float(m["num"].replace(",", "").replace("+", ""))
        except ValueError:
            number = None
        if number is not None:
            return Quantity(text, "number", number, normalize_unit(unit), comparator)
    date, relative = _find_date(text)
    if date or relative:
        on_time = None
        if any(w in text for w in _LATE_WORDS):
            on_time = False
        return Quantity(text, "date", date=date, relative_deadline=relative, on_time=on_time)
    on_time = None
    if any(w in text for w in _LATE_WORDS):
        on_time = False
    elif any(w in text for w in _ON_TIME_WORDS):
        on_time = True
    return Quantity(text, "text", on_time=on_time)


def parse_number_cell(raw: object) -> float | None:
    """A plain numeric cell (weight, budget amount, score). None when empty; ValueError when not a number."""
    if raw is None:
        return None
    if type(raw) is str:
        try:
            return float(raw)  # fast path: "10", "7.3"
        except ValueError:
            if not raw.strip():
                return None
    if isinstance(raw, bool):
        raise ValueError(str(raw))
    if isinstance(raw, int | float):
        if raw != raw:  # NaN from pandas means empty
            return None
        return float(raw)
    text = normalize_text(raw).replace(",", "")
    if text in {"", "-", "/", "—"}:
        return None
    if text.endswith("分"):
        text = text[:-1].strip()
    return float(text)  # raises ValueError with the bad text


@lru_cache(maxsize=65536)
def format_number(x: float, decimals: int | None = None) -> str:
    """Inputs as written (trailing zeros dropped), results with fixed decimals."""
    if decimals is not None:
        return f"{x:.{decimals}f}"
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.6f}".rstrip("0").rstrip(".")


def with_unit(x: float, unit: str | None) -> str:
    return f"{format_number(x)}{unit or ''}"
