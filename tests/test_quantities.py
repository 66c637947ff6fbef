"""Targets and actuals as people write them in a 绩效目标表, and unit agreement between them.

`parse_quantity` turns one cell into a number (with unit and comparator), a date, or text;
`build_indicator` resolves the units of target, actual and the 度量单位 column and refuses
values that cannot be compared.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from evalcore import get_scheme
from evalcore.errors import InputError
from evalcore.inputs.records import RawRow, build_indicator
from evalcore.quantities import parse_general, parse_quantity, resolve_relative
from evalcore.rules import score_indicator

# ---------------------------------------------------------------- numbers with unit and comparator

NUMBER_CASES = [
    # raw, number, unit, comparator
    ("≥200人次", 200.0, "人次", "≥"),
    ("≥70%", 70.0, "%", "≥"),
    ("70%", 70.0, "%", None),
    ("≥100百分比", 100.0, "%", "≥"),
    ("=8个", 8.0, "个", "="),
    ("≤90万元", 90.0, "万元", "≤"),
    ("0次", 0.0, "次", None),
    ("43.2", 43.2, None, None),
    ("100", 100.0, None, None),
    ("≥７０％", 70.0, "%", "≥"),
    ("＞＝８个", 8.0, "个", "≥"),
    ("１００", 100.0, None, None),
    ("5000元以内", 5000.0, "元", "≤"),
    ("不低于95%", 95.0, "%", "≥"),
    ("不少于200人次", 200.0, "人次", "≥"),
    ("不超过90万元", 90.0, "万元", "≤"),
    ("200人次以上", 200.0, "人次", "≥"),
    ("95%以上", 95.0, "%", "≥"),
    ("＜５", 5.0, None, "<"),
    (">3个", 3.0, "个", ">"),
    ("≥ 200 人次", 200.0, "人次", "≥"),
    ("1,000人", 1000.0, "人", None),
    ("≥98.5%", 98.5, "%", "≥"),
]


@pytest.mark.parametrize(
    ("raw", "number", "unit", "comparator"), NUMBER_CASES, ids=[c[0] for c in NUMBER_CASES]
)
def test_numeric_targets_parse_to_number_unit_and_comparator(raw, number, unit, comparator) -> None:
    q = parse_quantity(raw)
    assert q.kind == "number"
    assert q.number == pytest.approx(number)
    assert q.unit == unit
    assert q.comparator == comparator


def test_full_width_spelling_parses_like_half_width() -> None:
    pairs = (("≥７０％", "≥70%"), ("＞＝８个", ">=8个"), ("≤９０万元", "≤90万元"), ("１２．５％", "12.5%"))
    for full, half in pairs:
        a, b = parse_quantity(full), parse_quantity(half)
        assert (a.kind, a.number, a.unit, a.comparator) == (b.kind, b.number, b.unit, b.comparator), full


_FULL_WIDTH = str.maketrans("0123456789.%<>=", "０１２３４５６７８９．％＜＞＝")


@given(
    number=st.integers(min_value=0, max_value=10**7),
    unit=st.sampled_from(["人次", "个", "%", "万元", "元", "篇次", "户", "天", "次", ""]),
    comparator=st.sampled_from(["", "≥", ">", "=", "≤", "<"]),
    full_width=st.booleans(),
)
def test_any_written_target_round_trips(number: int, unit: str, comparator: str, full_width: bool) -> None:
    raw = f"{comparator}{number}{unit}"
    if full_width:
        raw = raw.translate(_FULL_WIDTH)
    q = parse_quantity(raw)
    assert q.kind == "number"
    assert q.number == number
    assert q.unit == (unit or None)
    assert q.comparator == (comparator or None)


@given(st.text(max_size=30))
def test_parsing_never_raises(text: str) -> None:
    q = parse_quantity(text)
    assert q.kind in ("number", "date", "text", "empty")


# ---------------------------------------------------------------- deadlines and words


def test_full_date_deadline() -> None:
    q = parse_quantity("2019年12月31日前")
    assert q.kind == "date"
    assert q.date == dt.date(2019, 12, 31)
    assert q.number is None


def test_relative_deadline_resolves_against_the_project_year() -> None:
    q = parse_quantity("年底前完成")
    assert q.kind == "date"
    assert q.date is None
    assert q.relative_deadline is not None
    assert resolve_relative(q.relative_deadline, 2019) == dt.date(2019, 12, 31)


def test_month_end_deadline_without_year_is_a_deadline_not_a_number() -> None:
    # 「12月底前」 is how many forms write the deadline; it is not the number 12 in a unit 「月底前」.
    q = parse_quantity("12月底前")
    assert q.kind == "date"
    assert q.number is None
    assert q.relative_deadline is not None
    assert resolve_relative(q.relative_deadline, 2019) == dt.date(2019, 12, 31)


@pytest.mark.parametrize("raw", ["达成预期指标", "效果明显", "持续提升", "达成年度指标"])
def test_qualitative_words_are_text(raw: str) -> None:
    q = parse_quantity(raw)
    assert q.kind == "text"
    assert q.raw == raw
    assert q.number is None and q.date is None


@pytest.mark.parametrize("raw", ["", "-", "/", "—", None])
def test_blank_cells_are_empty(raw) -> None:
    assert parse_quantity(raw).kind == "empty"


@pytest.mark.parametrize("raw", ["无", "零", "未发生"])
def test_none_written_as_a_word_is_zero(raw) -> None:
    """`0次` accidents: the actual is often written 无; it must score like 0, not as unmeasurable."""
    q = parse_quantity(raw)
    assert (q.kind, q.number) == ("number", 0.0)


# ---------------------------------------------------------------- unit agreement in build_indicator

SCHEME = get_scheme("self-2020")


def _row(
    target: str, actual: str, unit: str | None = None, direction: str = "≥", weight: float = 10, row: int = 5
) -> RawRow:
    values = {
        "level1": "产出指标",
        "level2": "数量指标",
        "name": "测试指标",
        "direction": direction,
        "target": target,
        "actual": actual,
        "unit": unit,
        "weight": weight,
    }
    keys = ["level1", "level2", "name", "direction", "target", "actual", "unit", "weight"]
    columns = dict(zip(keys, "ABCDEFGH", strict=True))
    return RawRow(values, "单位自评.xlsx", "绩效指标", row, columns)


def _score(row: RawRow) -> float:
    return score_indicator(build_indicator(row, "p-1"), 10, SCHEME, 2019).score


def test_bare_number_takes_its_unit_from_the_unit_column() -> None:
    ind = build_indicator(_row("≥40", "43.2", unit="万元"), "p-1")
    assert ind.unit == "万元"
    assert ind.target_value == 40
    assert ind.actual_value == pytest.approx(43.2)


def test_wan_yuan_target_and_yuan_actual_are_converted() -> None:
    ind = build_indicator(_row("≤53万元", "530000元", unit="万元", direction="≤"), "p-1")
    assert ind.unit == "万元"
    assert ind.target_value == 53
    assert ind.actual_value == pytest.approx(53)


@pytest.mark.parametrize(
    ("target", "actual", "twin_actual", "direction"),
    [
        ("≤53万元", "530000元", "53万元", "≤"),
        ("≤53万元", "600000元", "60万元", "≤"),
        ("≥100万元", "800000元", "80万元", "≥"),
        ("530000元", "53万元", "530000元", "≤"),
    ],
)
def test_money_in_different_units_scores_as_in_the_same_unit(target, actual, twin_actual, direction) -> None:
    converted = _score(_row(target, actual, direction=direction))
    same_unit = _score(_row(target, twin_actual, direction=direction))
    assert converted == pytest.approx(same_unit)


def test_equal_money_in_different_units_meets_the_target() -> None:
    s = score_indicator(build_indicator(_row("≤53万元", "530000元", direction="≤"), "p-1"), 10, SCHEME, 2019)
    assert s.score == pytest.approx(10)
    assert s.met is True


def test_percent_spellings_agree() -> None:
    ind = build_indicator(_row("≥100百分比", "７０％", unit="%"), "p-1")
    assert ind.unit == "%"
    assert (ind.target_value, ind.actual_value) == (100, 70)
    assert _score(_row("≥100百分比", "７０％", unit="%")) == pytest.approx(7.0)


def test_person_times_against_percent_is_refused_with_row_field_and_both_units() -> None:
    with pytest.raises(InputError) as info:
        build_indicator(_row("≥200人次", "70%", unit="人次", row=7), "p-1")
    err = info.value
    assert err.where.file == "单位自评.xlsx"
    assert err.where.sheet == "绩效指标"
    assert err.where.row == 7
    assert err.where.column == "F"
    assert err.where.field == "实际完成值"
    assert err.project_id == "p-1"
    text = str(err)
    assert "实际完成值" in text
    assert "人次" in text and "%" in text
    assert "第 7 行" in text


def test_unit_conflict_in_yaml_names_the_yaml_path() -> None:
    row = RawRow(
        {
            "level1": "产出指标",
            "level2": "质量指标",
            "name": "覆盖面",
            "direction": "≥",
            "target": "100%",
            "actual": "70人次",
            "weight": 8,
        },
        "p.yaml",
        path="indicators[2]",
    )
    with pytest.raises(InputError) as info:
        build_indicator(row, "p-1")
    assert info.value.where.path == "indicators[2].actual"
    assert "人次" in str(info.value) and "%" in str(info.value)


def test_target_unit_contradicting_the_unit_column_is_refused() -> None:
    with pytest.raises(InputError) as info:
        build_indicator(_row("≥200人次", "180人次", unit="%"), "p-1")
    assert info.value.where.field == "年度指标值"
    assert info.value.where.column == "E"


# The plain shape is read by a shortcut in parse_quantity; it must mean what the general parse says.
_PLAIN_UNITS = st.sampled_from(
    [
        "",
        "%",
        "个",
        "人次",
        "万元",
        "元",
        "公里",
        "km",
        "次",
        "百分比",
        "天",
        "年",
        "月份",
        "以上",
        "个以内",
        "亿元",
        "无",
        "户",
        "㎡",
        "％",
        "万人次",
        "日",
    ]
)


@example(cmp="", number="2019", unit="年")
@example(cmp="≤", number="6", unit="月")
@example(cmp="", number="30", unit="日")
@example(cmp="≥", number="95", unit="以上")
@example(cmp="", number="1" * 16, unit="个")
@given(
    cmp=st.sampled_from(["", "≥", "≤", ">", "<", "="]),
    number=st.from_regex(r"[0-9]{1,16}(\.[0-9]{1,16})?", fullmatch=True),
    unit=_PLAIN_UNITS,
)
def test_plain_shape_reads_as_the_general_parse(cmp: str, number: str, unit: str) -> None:
    raw = f"{cmp}{number}{unit}"
    assert parse_quantity.__wrapped__(raw) == parse_general(raw)
