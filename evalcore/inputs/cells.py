"""Reading one cell of a form: text, numbers (weights, amounts, scores), required cells, and the
problem a cell that cannot be used raises (`CellProblem`, which the carrier locates).

Every carrier reads its cells through these, so a cell means the same from a workbook, a YAML file
or a portfolio table."""

from __future__ import annotations

from dataclasses import dataclass

from ..quantities import parse_number_cell

#: Budget amounts at or above this (in the amount unit) are refused: no project's budget is that large,
#: and sums of such numbers overflow to infinity.
MAX_AMOUNT = 1e13


def cell_text(v: object) -> str:
    """A cell as stripped text (a float that is a whole number without its `.0`; NaN and None blank)."""
    if type(v) is str:
        return v.strip()
    return _as_text(v)


def _as_text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v != v:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


class CellProblem(ValueError):
    """A cell that cannot be used, said without its place: the carrier adds where it sits."""

    def __init__(self, key: str, message: str, expected: str) -> None:
        super().__init__(message)
        self.key, self.message, self.expected = key, message, expected


@dataclass(frozen=True, slots=True)
class NumberCell:
    """How a numeric cell is read: required or not, its bounds, what it is called."""

    required: bool
    what: str = "数字"
    minimum: float | None = None
    maximum: float | None = None


WEIGHT = NumberCell(required=True, what="分值", minimum=0)
SCORE = NumberCell(required=False, what="得分")
AMOUNT = NumberCell(required=True, what="金额", minimum=0, maximum=MAX_AMOUNT)
OPTIONAL_AMOUNT = NumberCell(required=False, what="金额", minimum=0, maximum=MAX_AMOUNT)


def read_number(raw: object, key: str, cell: NumberCell) -> float | None:
    """A numeric cell (weight, amount, score) as the form means it; CellProblem says why not."""
    try:
        value = parse_number_cell(raw)
    except (ValueError, TypeError):
        raise CellProblem(key, f"「{raw}」不是数字", f"{cell.what}，如 10") from None
    if value is None:
        if cell.required:
            raise CellProblem(key, MISSING, cell.what)
        return None
    if cell.minimum is not None and value < cell.minimum:
        raise CellProblem(key, f"数值为负数（{raw}）", f"不小于 {cell.minimum:g} 的{cell.what}")
    if cell.maximum is not None and value >= cell.maximum:
        raise CellProblem(
            key,
            f"数值过大（{raw}），超出任何项目预算的范围",
            f"小于 {cell.maximum:.0e} 的{cell.what}（按金额单位计）",
        )
    return value


#: What a numeric cell holds when the form prints nothing in it (`—`, `-`, `/` read as blank).
BLANK_MARKS = frozenset(("", "-", "—", "－", "/", "／", "–"))
MISSING = "缺少必填数值"


def is_blank_cell(v: object) -> bool:
    """A cell that is empty or holds only a dash or slash."""
    return (v.strip() if type(v) is str else cell_text(v)) in BLANK_MARKS


def required_text(text: str, key: str) -> str:
    """A text cell that must be filled in (already stripped)."""
    if not text:
        raise CellProblem(key, "缺少必填内容", "非空文本")
    return text
