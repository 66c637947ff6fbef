"""Values as people write them in a 绩效目标表: `≥200人次`, `≥７０％`, `≤90万元`, `0次`,
`2019年12月31日前`, `年底前完成`, `达成预期指标`.

Parsing is pure and cached: a portfolio repeats the same few hundred target spellings across
tens of thousands of rows, so each distinct string is parsed once.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .vocabulary import COMPARATOR_WORDS

_CMP_RE = "|".join(sorted((re.escape(k) for k in COMPARATOR_WORDS), key=len, reverse=True))
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


@lru_cache(maxsize=4096)
def unit_scale(unit: str | None) -> tuple[float, str | None]:
    """(factor, base): 万元 → (10000, 元), 万人次 → (10000, 人次), bare 万 → (10000, "") a pure multiplier."""
    if unit is None:
        return 1.0, None
    if unit in MONEY_FACTORS:
        return MONEY_FACTORS[unit], "元"
    for prefix, factor in (("亿", 1e8), ("万", 1e4)):
        if unit == prefix:
            return factor, ""
        if unit.startswith(prefix):
            inner, base = unit_scale(unit[len(prefix) :])
            return factor * inner, base
    return 1.0, unit


def unit_dimension(unit: str | None) -> str | None:
    """Units that can be converted into each other share a dimension (their base unit)."""
    return unit_scale(unit)[1]


def compatible(a: str | None, b: str | None) -> bool:
    """Comparable after conversion: same base unit, or one side a bare multiplier (85万 vs 万元)."""
    da, db = unit_dimension(a), unit_dimension(b)
    return da == db or da == "" or db == ""


def convert(value: float, from_unit: str | None, to_unit: str | None) -> float:
    if from_unit == to_unit or from_unit is None or to_unit is None:
        return value
    return value * unit_scale(from_unit)[0] / unit_scale(to_unit)[0]


@dataclass(slots=True, unsafe_hash=True)
class Quantity:
    """A parsed target or actual. kind is number, date or text (or empty).

    Treat as immutable (parse_quantity shares one per distinct text). Not declared frozen: a
    frozen dataclass sets each field through object.__setattr__, which tripled the cost of the
    ~100,000 distinct values a province's portfolio holds."""

    raw: str
    kind: str
    number: float | None = None
    unit: str | None = None
    comparator: str | None = None
    date: dt.date | None = None
    # for deadline actuals written as words: True (按时完成), False (延期), None (unknown)
    on_time: bool | None = None
    relative_deadline: tuple[int, int, int | None] | None = None  # 年底, 6月30日前: see Relative


_DATE_FULL = re.compile(r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?")
_DATE_MONTH = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月(?:份)?(?:底|末)?")
_DATE_YEAR = re.compile(r"((?:19|20)\d{2})\s*年(?!\s*\d)")  # 2019年底前完成, 2019年内, 2019年完成
_NEXT_YEAR = re.compile(r"(?:次年|下年|翌年|第二年)\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?")
_MONTH_DAY = re.compile(r"(?<![\d年])(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_MONTH_END = re.compile(r"(?<![\d年个])(\d{1,2})\s*月(?:份)?(?:底|末|前|内|之前|以前|完成)")
#: 10月中旬: by the 10th (上旬), the 20th (中旬) or the month's end (下旬).
_MONTH_PART = re.compile(r"(?<![\d年个])(\d{1,2})\s*月(?:份)?\s*(上旬|中旬|下旬)")
_PART_DAY = {"上旬": 10, "中旬": 20, "下旬": None}
#: A month alone, as actuals are written on provincial forms (`7月`, `10月份`, `于9月完成`).
_BARE_MONTH = re.compile(r"^(?:于|在|已于|已在)?\s*(\d{1,2})\s*月(?:份)?\s*(?:完成|已完成|底完成|前完成)?$")
#: A percentage written beside a date (`11月底完成100%`): the rate, for a rate target.
_PERCENT_IN_TEXT = re.compile(r"(\d+(?:\.\d+)?)\s*%")
_RELATIVE_WORDS = (
    ("年底", (12, 31)),
    ("年末", (12, 31)),
    ("年内", (12, 31)),
    ("本年度", (12, 31)),
    ("年度内", (12, 31)),
    ("上半年", (6, 30)),
    ("下半年", (12, 31)),
    ("前三季度", (9, 30)),
    ("第一季度", (3, 31)),
    ("一季度", (3, 31)),
    ("第二季度", (6, 30)),
    ("二季度", (6, 30)),
    ("第三季度", (9, 30)),
    ("三季度", (9, 30)),
    ("第四季度", (12, 31)),
    ("四季度", (12, 31)),
)
_LATE_WORDS = (
    "未完成",
    "未按时",
    "未按期",
    "延期",
    "逾期",
    "滞后",
    "推迟",
    "延迟",
    "未能",
    "尚未",
    "没有",
    "没能",
    "不能",
    "无法",
    "超期",
    "未如期",
)
_ON_TIME_WORDS = ("按时", "按期", "如期", "及时", "提前", "前完成", "已完成", "完成")

#: A deadline written without its year: (years after the project year, month, day or None = month end)
Relative = tuple[int, int, int | None]


def _last_day(year: int, month: int) -> dt.date:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def _valid(month: int, day: int | None) -> bool:
    if not 1 <= month <= 12:
        return False
    return day is None or 1 <= day <= _last_day(2000, month).day  # 2000: a leap year


def _find_date(s: str) -> tuple[dt.date | None, Relative | None]:
    """The deadline a text names: an absolute date, or one relative to the project year."""
    try:
        m = _DATE_FULL.search(s)
        if m:
            return dt.date(int(m[1]), int(m[2]), int(m[3])), None
        m = _DATE_MONTH.search(s)
        if m and 1 <= int(m[2]) <= 12:
            return _last_day(int(m[1]), int(m[2])), None
        m = _DATE_YEAR.search(s)
        if m:
            return dt.date(int(m[1]), 12, 31), None
    except ValueError:
        return None, None
    m = _NEXT_YEAR.search(s)
    if m and _valid(int(m[1]), int(m[2]) if m[2] else None):
        return None, (1, int(m[1]), int(m[2]) if m[2] else None)
    m = _MONTH_DAY.search(s)
    if m and _valid(int(m[1]), int(m[2])):
        return None, (0, int(m[1]), int(m[2]))
    m = _MONTH_PART.search(s)
    if m and _valid(int(m[1]), None):
        return None, (0, int(m[1]), _PART_DAY[m[2]])
    m = _MONTH_END.search(s) or _BARE_MONTH.match(s)
    if m and _valid(int(m[1]), None):
        return None, (0, int(m[1]), None)
    for word, (month, day) in _RELATIVE_WORDS:
        if word in s:
            return None, (0, month, day)
    return None, None


def resolve_relative(rel: Relative, year: int) -> dt.date:
    offset, month, day = rel
    y = year + offset
    return _last_day(y, month) if day is None else dt.date(y, month, day)


def _on_time(text: str) -> bool | None:
    if text in ("是", "否"):  # a 是否按期完成 column answered yes or no
        return text == "是"
    if any(w in text for w in _LATE_WORDS):
        return False
    if any(w in text for w in _ON_TIME_WORDS):
        return True
    return None


_ZERO_WORDS = {"无", "零", "没有", "未发生"}


# The shape most cells have (`≥200人次`, `98.5%`, `8565个`): a symbol, digits, a unit of letters or
# Chinese. Read directly; it means exactly what the general parse below makes of it (no NFKC change,
# no 以上/以内 tail, no 年/月/日 date, a finite number).
_PLAIN_RE = re.compile(
    r"([≥≤><=]?)([0-9]{1,15}(?:\.[0-9]{1,15})?)((?:[A-Za-z%]|[\u4e00-\u4ee4\u4ee6-\u9fff]){0,8})"
)


def plain_number(raw: str) -> tuple[str | None, float, str | None] | None:
    """(comparator, number, unit) of a cell of the plain shape, or None: what parse_quantity makes of
    it, without building a Quantity (the columnar scorer reads most cells this way)."""
    m = _PLAIN_RE.fullmatch(raw)
    if m is None or (m[3] and m[3][0] in "年月日"):
        return None
    cmp_word, number, unit = m.groups()
    return cmp_word or None, float(number), normalize_unit(unit or None)


@lru_cache(maxsize=65536)
def parse_quantity(raw: object) -> Quantity:
    """Parse one cell. Never raises: what is not a number or a date is text."""
    if type(raw) is str and (plain := plain_number(raw)) is not None:
        return Quantity(raw, "number", plain[1], plain[2], plain[0])
    return parse_general(raw)


def date_text(d: dt.date) -> str:
    """A date as the forms write it: 2024年11月30日. The one spelling of a date the product prints."""
    return f"{d.year}年{d.month}月{d.day}日"


#: An ISO date, as a spreadsheet library, pandas or YAML makes text of a date cell
#: (`str(datetime)` adds the midnight nobody types): a date, printed as the forms write one.
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?")


def date_cell_text(raw: object) -> object:
    """A date cell as the form's text (2024年11月30日): a date or a midnight datetime object, or the
    ISO text a library made of one (`2024-11-30 00:00:00`, `2024-11-30`); anything else unchanged.
    Targets and actuals pass here before they are read, so every page, message and JSON field
    shows a date one way."""
    if isinstance(raw, dt.datetime):
        return date_text(raw.date()) if raw.time() == dt.time(0) else raw
    if isinstance(raw, dt.date):
        return date_text(raw)
    if type(raw) is str and (m := _ISO_DATE.fullmatch(raw.strip())):
        try:
            return date_text(dt.date(int(m[1]), int(m[2]), int(m[3])))
        except ValueError:  # 2024-02-30: not a date, left as written
            return raw
    return raw


def parse_general(raw: object) -> Quantity:
    """parse_quantity for every shape (tests prove the plain shape reads the same both ways)."""
    written = normalize_text(date_cell_text(raw))
    text = re.sub(r"[(（]\s*含\s*[)）]$", "", written).strip()  # ≥95%（含）: the bound is included anyway
    if not text or text in {"-", "/", "—"}:
        return Quantity(str(raw or ""), "empty")
    if text in _ZERO_WORDS:  # 0次 accidents are often written 无
        return Quantity(text, "number", 0.0)
    m = _NUMBER_RE.match(text)
    if m and m["unit"] and m["unit"][0] in "年月日":
        date, relative = _find_date(text)  # 2019年底前完成, 12月底前: a date, not 2019 of a unit
        if date or relative:
            m = None
    if m:
        cmp_word = m["cmp"]
        comparator = COMPARATOR_WORDS[cmp_word] if cmp_word else None
        if m["tail"]:
            comparator = comparator or ("≤" if m["tail"] in ("以内", "以下", "及以下") else "≥")
        unit = m["unit"] or None
        try:
            number = float(m["num"].replace(",", "").replace("+", "")) + 0.0  # -0 is 0
        except ValueError:
            number = None
        if number is not None and math.isfinite(number):
            return Quantity(written, "number", number, normalize_unit(unit), comparator)
    date, relative = _find_date(text)
    if date or relative:
        rate = _PERCENT_IN_TEXT.search(text)
        return Quantity(
            text,
            "date",
            number=float(rate[1]) if rate else None,
            unit="%" if rate else None,
            date=date,
            relative_deadline=relative,
            on_time=False if _on_time(text) is False else None,
        )
    return Quantity(text, "text", on_time=_on_time(text))


def parse_number_cell(raw: object) -> float | None:
    """A plain numeric cell (weight, budget amount, score). None when empty; ValueError when not a number."""
    if raw is None:
        return None
    if type(raw) is str:
        try:
            value = float(raw) + 0.0  # fast path: "10", "7.3"; + 0.0 reads "-0" as 0
            if math.isfinite(value):
                return value
            raise ValueError(raw)  # NaN, inf: not a number anyone wrote on a form
        except ValueError:
            if not raw.strip():
                return None
    if isinstance(raw, bool):
        raise ValueError(str(raw))
    if isinstance(raw, int | float):
        if raw != raw:  # NaN from pandas means empty
            return None
        if not math.isfinite(raw):
            raise ValueError(str(raw))
        return float(raw) + 0.0
    text = normalize_text(raw).replace(",", "")
    if text in {"", "-", "/", "—"}:
        return None
    if text.endswith("分"):
        text = text[:-1].strip()
    value = float(text) + 0.0  # raises ValueError with the bad text
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def format_number(x: float, decimals: int | None = None) -> str:
    """Inputs as written (trailing zeros dropped), results with fixed decimals. Not memoised: most
    numbers a portfolio prints are new, and a cache miss costs three times the formatting."""
    if decimals is not None:
        return f"{x:.{decimals}f}"
    if abs(x) < 1e15 and float(x).is_integer():
        return str(int(x))
    return f"{x:.6f}".rstrip("0").rstrip(".")


def with_unit(x: float, unit: str | None) -> str:
    return format_number(x) + unit if unit else format_number(x)
