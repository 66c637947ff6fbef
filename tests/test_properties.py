"""Properties every scoring rule keeps (DOMAIN.md), checked on generated indicators and projects:
a score stays within [0, weight]; positive indicators never lose points as the actual rises, reverse
ones never gain; budget execution is monotone and capped; totals are the sum of their parts; and
rounding is half up."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from evalcore.inputs.records import RawRow, build_indicator
from evalcore.rules import grade, round_half_up, score_budget, score_indicator
from evalcore.scoring import score_project

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
YEAR = 2019

SCHEME_VARIANTS = {
    "default": {},
    "ratio": {"quantitative__reverse_formula": "ratio"},
    "deduct": {"quantitative__over_achievement__deduct": True},
    "late-half": {"quantitative__deadline_late_fraction": 0.5},
    "whole": {"rounding__whole_points": True},
    "floor": {"budget_execution__floor": 0.6, "budget_execution__floor_score": 0.3},
    "cap": {"itemisation__over": "cap"},
}

# ------------------------------------------------------------------------------------------ strategies

weights = st.integers(0, 400).map(lambda n: n / 10)  # 0 … 40 in tenths
amounts = st.integers(-100_000, 100_000).map(lambda n: n / 100)  # −1000 … 1000, two decimals
units = st.sampled_from(["个", "%", "万元", "人次", "次"])
DEADLINE_TARGETS = [
    "2019年6月30日前",
    "年底前完成",
    "上半年完成",
    "2019年12月31日前",
    "第三季度",
    "",
    "按期完成",
]
DEADLINE_ACTUALS = [
    "2019年5月完成",
    "2019年12月31日前完成",
    "2020年3月15日完成",
    "已按时完成",
    "延期完成",
    "正在推进",
    "2019年10月",
    "未完成",
]
QUALITATIVE_ACTUALS = [
    "达成年度指标",
    "部分达成年度指标并具有一定效果",
    "未达成年度指标且效果较差",
    "效果明显",
    "基本完成",
    "正在推进",
    "",
    "符合相关规定",
]


def _num(x: float) -> str:
    return f"{x:.2f}"


def indicator(
    direction: str,
    target: str,
    actual: str,
    weight: float,
    unit: str | None = None,
    reported: float | None = None,
):
    values: dict[str, object] = {
        "level1": "产出指标",
        "level2": "数量指标",
        "name": "指标",
        "direction": direction,
        "target": target,
        "actual": actual,
        "weight": weight,
    }
    if unit:
        values["unit"] = unit
    if reported is not None:
        values["reported_score"] = reported
    return build_indicator(RawRow(values, "<prop>", path="indicators[0]"), "p")


@st.composite
def any_indicator(draw):
    direction = draw(st.sampled_from(["≥", ">", "=", "≤", "<", "定性", "时限"]))
    weight = draw(weights)
    reported = draw(st.none() | st.integers(-50, 500).map(lambda n: n / 10))
    if direction == "定性":
        return indicator(
            direction, "效果明显", draw(st.sampled_from(QUALITATIVE_ACTUALS)), weight, reported=reported
        )
    if direction == "时限":
        if draw(st.booleans()):
            return indicator(
                direction,
                draw(st.sampled_from(DEADLINE_TARGETS)),
                draw(st.sampled_from(DEADLINE_ACTUALS)),
                weight,
            )
        unit = "天"
    else:
        unit = draw(units)
    target, actual = _num(draw(amounts)), _num(draw(amounts))
    return indicator(direction, target + unit, actual + unit, weight, reported=reported)


# --------------------------------------------------------------------------------------- score bounds


@SETTINGS
@given(ind=any_indicator(), variant=st.sampled_from(sorted(SCHEME_VARIANTS)))
def test_score_is_within_zero_and_weight(scheme_variant, ind, variant: str) -> None:
    scheme = scheme_variant(**SCHEME_VARIANTS[variant])
    s = score_indicator(ind, ind.weight, scheme, YEAR)
    assert 0.0 <= s.score <= ind.weight, s.explanation.text
    assert math.isfinite(s.score)


@SETTINGS
@given(
    direction=st.sampled_from(["≥", ">"]), target=amounts, a1=amounts, a2=amounts, weight=weights, unit=units
)
def test_positive_score_never_falls_as_actual_rises(
    scheme_variant, direction, target, a1, a2, weight, unit
) -> None:
    lo, hi = sorted((a1, a2))
    scheme = scheme_variant()  # over-achievement deduction off (the default)
    s_lo = score_indicator(
        indicator(direction, _num(target) + unit, _num(lo) + unit, weight), weight, scheme, YEAR
    )
    s_hi = score_indicator(
        indicator(direction, _num(target) + unit, _num(hi) + unit, weight), weight, scheme, YEAR
    )
    assert s_lo.score <= s_hi.score + 1e-12, (s_lo.explanation.text, s_hi.explanation.text)


@SETTINGS
@given(target=amounts.filter(lambda t: t != 0), a1=amounts, a2=amounts, weight=weights)
def test_equal_with_nonzero_target_is_monotone_like_positive(scheme_variant, target, a1, a2, weight) -> None:
    lo, hi = sorted((a1, a2))
    scheme = scheme_variant()
    s_lo = score_indicator(indicator("=", _num(target) + "个", _num(lo) + "个", weight), weight, scheme, YEAR)
    s_hi = score_indicator(indicator("=", _num(target) + "个", _num(hi) + "个", weight), weight, scheme, YEAR)
    assert s_lo.score <= s_hi.score + 1e-12


@SETTINGS
@given(
    direction=st.sampled_from(["≤", "<"]),
    formula=st.sampled_from(["linear", "ratio"]),
    target=amounts,
    a1=amounts,
    a2=amounts,
    weight=weights,
    unit=units,
)
def test_reverse_score_never_rises_as_actual_rises(
    scheme_variant, direction, formula, target, a1, a2, weight, unit
) -> None:
    lo, hi = sorted((a1, a2))
    scheme = scheme_variant(quantitative__reverse_formula=formula)
    s_lo = score_indicator(
        indicator(direction, _num(target) + unit, _num(lo) + unit, weight), weight, scheme, YEAR
    )
    s_hi = score_indicator(
        indicator(direction, _num(target) + unit, _num(hi) + unit, weight), weight, scheme, YEAR
    )
    assert s_hi.score <= s_lo.score + 1e-12, (s_lo.explanation.text, s_hi.explanation.text)


@SETTINGS
@given(
    target=st.integers(1, 100_000).map(lambda n: n / 100),
    actual=st.integers(0, 100_000).map(lambda n: n / 100),
    weight=weights,
)
def test_ratio_never_below_linear(scheme_variant, target, actual, weight) -> None:
    """Beyond the target, target ÷ actual ≥ 1 − (actual − target) ÷ target (AM-GM), so the ratio
    formula is never harsher than the linear one."""
    ind = indicator("≤", _num(target) + "万元", _num(actual) + "万元", weight)
    linear = score_indicator(ind, weight, scheme_variant(), YEAR).score
    ratio = score_indicator(ind, weight, scheme_variant(quantitative__reverse_formula="ratio"), YEAR).score
    assert ratio >= linear - 1e-9


@SETTINGS
@given(
    target=st.integers(1, 100_000).map(lambda n: n / 100),
    ratio=st.integers(0, 400).map(lambda n: n / 100),
    weight=weights,
)
def test_positive_below_target_is_weight_times_completion(scheme_variant, target, ratio, weight) -> None:
    actual = round(target * ratio, 2)
    ind = indicator("≥", _num(target) + "个", _num(actual) + "个", weight)
    s = score_indicator(ind, weight, scheme_variant(), YEAR)
    expected = weight if actual >= target else weight * actual / target
    assert s.score == pytest.approx(expected, abs=1e-9)


# --------------------------------------------------------------------------------------------- budget


def _budget_doc(adjusted: float, executed: float, initial: float | None = None) -> dict:
    row = {"source": "年度资金总额", "adjusted": adjusted, "executed": executed}
    if initial is not None:
        row["initial"] = initial
    return {
        "project_id": "p",
        "name": "预算",
        "department": "部门",
        "year": YEAR,
        "budget": [row],
        "indicators": [
            {
                "level1": "产出指标",
                "name": "指标",
                "direction": "定性",
                "target": "达成",
                "actual": "达成年度指标",
                "weight": 50,
            }
        ],
    }


budget_amounts = st.integers(0, 10_000_000).map(lambda n: n / 100)


@SETTINGS
@given(
    adjusted=budget_amounts,
    e1=budget_amounts,
    e2=budget_amounts,
    variant=st.sampled_from(["default", "floor", "whole"]),
)
def test_budget_score_monotone_in_executed_and_capped(
    build_doc, scheme_variant, adjusted, e1, e2, variant
) -> None:
    lo, hi = sorted((e1, e2))
    scheme = scheme_variant(**SCHEME_VARIANTS[variant])
    b_lo = score_budget(build_doc(_budget_doc(adjusted, lo)), scheme)
    b_hi = score_budget(build_doc(_budget_doc(adjusted, hi)), scheme)
    assert 0 <= b_lo.score <= b_lo.weight and 0 <= b_hi.score <= b_hi.weight
    assert b_lo.score <= b_hi.score + 1e-12


@SETTINGS
@given(
    adjusted=st.integers(1, 10_000_000).map(lambda n: n / 100),
    executed=budget_amounts,
    initial=budget_amounts,
)
def test_budget_rate_is_against_the_adjusted_budget(
    build_doc, scheme_variant, adjusted, executed, initial
) -> None:
    b = score_budget(build_doc(_budget_doc(adjusted, executed, initial)), scheme_variant())
    assert b.execution_rate == pytest.approx(executed / adjusted)
    assert b.score == pytest.approx(10 * min(executed / adjusted, 1.0))
    if initial > 0:
        assert b.initial_rate == pytest.approx(executed / initial)


# -------------------------------------------------------------------------------------- totals = parts


@st.composite
def project_docs(draw):
    rows = []
    for i in range(draw(st.integers(1, 10))):
        direction = draw(st.sampled_from(["≥", "=", "≤", "定性", "时限"]))
        row = {
            "level1": draw(st.sampled_from(["产出指标", "效益指标", "满意度指标"])),
            "name": f"指标{i}",
            "direction": direction,
            "weight": draw(st.integers(0, 30)),
        }
        if direction == "定性":
            row.update(target="效果明显", actual=draw(st.sampled_from(QUALITATIVE_ACTUALS[:5])))
            reported = draw(st.none() | st.integers(0, 300).map(lambda n: n / 10))
            if reported is not None:
                row["reported_score"] = reported
        elif direction == "时限":
            row.update(
                target=draw(st.sampled_from(DEADLINE_TARGETS[:4])),
                actual=draw(st.sampled_from(DEADLINE_ACTUALS)),
            )
        else:
            row.update(target=_num(draw(amounts)) + "个", actual=_num(draw(amounts)) + "个")
        if draw(st.integers(0, 4)) == 0:
            row["applicable"] = "否"
        rows.append(row)
    adjusted = draw(budget_amounts)
    return {
        "project_id": "p",
        "name": "随机项目",
        "department": "部门",
        "year": YEAR,
        "budget": [{"source": "年度资金总额", "adjusted": adjusted, "executed": draw(budget_amounts)}],
        "indicators": rows,
    }


@SETTINGS
@given(doc=project_docs(), variant=st.sampled_from(sorted(SCHEME_VARIANTS)))
def test_totals_are_the_sum_of_their_parts(build_doc, scheme_variant, doc, variant) -> None:
    scheme = scheme_variant(**SCHEME_VARIANTS[variant])
    card = score_project(build_doc(doc), scheme)
    for c in card.categories:
        parts = sum(s.score for s in c.indicators)
        if card.budget.category == c.name:
            parts += card.budget.score
        assert c.earned_raw == pytest.approx(parts, abs=1e-9), c.name
        # a category itemised beyond its weight is brought to it (issue #13: never above the weight)
        over = c.itemised_weight > c.weight + scheme.review.weight_tolerance.value
        if not over:
            expected = parts
        elif scheme.itemisation.over == "cap":
            expected = min(parts, c.weight)
        else:
            expected = parts * c.weight / c.itemised_weight
        assert c.score == pytest.approx(expected, abs=1e-9), c.name
        assert c.score <= min(c.itemised_weight, c.weight) + 1e-9
    na = sum(i.weight for i in card.not_applicable)
    expected_scale = 100 / (100 - na) if 0 < na < 100 else 1.0
    assert card.scale == pytest.approx(expected_scale)
    assert card.total_raw == pytest.approx(
        min(sum(c.score for c in card.categories) * card.scale, 100), abs=1e-9
    )
    assert card.total <= 100
    assert card.total == round_half_up(card.total_raw, scheme.rounding.decimals)
    assert card.grade == grade(card.total, scheme)
    assert len(card.indicators) + len(card.not_applicable) == len(doc["indicators"])
    if scheme.rounding.whole_points:
        assert all(s.score == int(s.score) for s in card.indicators)
        assert card.budget.score == int(card.budget.score)


@SETTINGS
@given(
    doc=project_docs(),
    tenths=st.lists(st.integers(0, 300), min_size=10, max_size=10),
    variant=st.sampled_from(["default", "whole"]),
)
def test_scores_stay_within_weight_after_rounding(build_doc, scheme_variant, doc, tenths, variant) -> None:
    """Weights in tenths (2.5 is common: 满意度 5 split in two): the scheme's rounding must not lift a
    score above its weight (DOMAIN: scores never exceed the weight)."""
    for row, t in zip(doc["indicators"], tenths, strict=False):
        row["weight"] = t / 10
    card = score_project(build_doc(doc), scheme_variant(**SCHEME_VARIANTS[variant]))
    for s in card.indicators:
        assert 0 <= s.score <= s.weight + 1e-9, (s.indicator.name, s.weight, s.score, s.explanation.text)


@SETTINGS
@given(
    actual=st.sampled_from(QUALITATIVE_ACTUALS[:5]),
    weight=weights,
    reported=st.none() | st.integers(-50, 500).map(lambda n: n / 10),
)
def test_qualitative_score_stays_in_its_band(scheme_variant, actual, weight, reported) -> None:
    scheme = scheme_variant()
    s = score_indicator(
        indicator("定性", "效果明显", actual, weight, reported=reported), weight, scheme, YEAR
    )
    (level,) = [lv for lv in scheme.qualitative.levels if lv.name == s.level]
    assert weight * level.min - 1e-9 <= s.score <= weight * level.max + 1e-9
    if reported is not None and weight * level.min <= reported <= weight * level.max:
        assert s.score == reported  # the evaluator's score inside the band is kept
    if reported is None:
        assert s.score == pytest.approx(weight * level.default)


_FIGURE = re.compile(r"-?\d+(?:\.\d+)?")


def _last_figure(text: str) -> float:
    return float(_FIGURE.findall(text)[-1])


@pytest.mark.parametrize(
    ("direction", "target", "actual", "reported"),
    [
        ("≥", "200人次", "146人次", None),
        ("≥", "200人次", "260人次", None),
        ("=", "0次", "0次", None),
        ("=", "0次", "2次", None),
        ("≤", "100万元", "125万元", None),
        ("≤", "0次", "1次", None),
        ("≥", "0个", "3个", None),  # a target of 0 with ≥: met whatever the actual
        ("≥", "≥800人次", "100人次", None),  # 5 × 12.5% = 0.625 exactly: shown 0.63 (half up), not 0.62
        ("时限", "年底前完成", "已按时完成", None),
        ("时限", "2019年6月30日前", "2019年8月完成", None),
        ("定性", "效果明显", "达成年度指标", None),
        ("定性", "效果明显", "达成年度指标", 9.0),
        ("定性", "效果明显", "部分达成年度指标并具有一定效果", 10.0),
    ],
)
def test_explanation_ends_with_the_score_examples(
    scheme_variant, direction, target, actual, reported
) -> None:
    s = score_indicator(indicator(direction, target, actual, 5, reported=reported), 5, scheme_variant(), YEAR)
    assert _last_figure(s.explanation.text) == pytest.approx(round_half_up(s.score, 2), abs=1e-9), (
        s.score,
        s.explanation.text,
    )


@SETTINGS
@given(doc=project_docs(), variant=st.sampled_from(sorted(SCHEME_VARIANTS)))
def test_explanation_ends_with_the_score(build_doc, scheme_variant, doc, variant) -> None:
    """Every score carries its explanation (SPEC): the text ends with the result the card holds,
    e.g. `146人次 ÷ 200人次 = 73.0%；10 × 73.0% = 7.30`, `…；得 0 分`."""
    card = score_project(build_doc(doc), scheme_variant(**SCHEME_VARIANTS[variant]))
    for s in card.indicators:
        assert _last_figure(s.explanation.text) == pytest.approx(round_half_up(s.score, 2), abs=1e-9), (
            s.score,
            s.explanation.text,
        )
    assert _last_figure(card.budget.explanation.text) == pytest.approx(
        round_half_up(card.budget.score, 2), abs=1e-9
    ), (card.budget.score, card.budget.explanation.text)


@SETTINGS
@given(doc=project_docs())
def test_total_within_zero_and_hundred_when_weights_fit(build_doc, scheme_variant, doc) -> None:
    # keep each category within its self-2020 weight, so the itemised weights are at most 100
    caps = {"产出指标": 50, "效益指标": 30, "满意度指标": 10}
    for level1, cap in caps.items():
        rows = [r for r in doc["indicators"] if r["level1"] == level1]
        assume(sum(r["weight"] for r in rows) <= cap)
    card = score_project(build_doc(doc), scheme_variant())
    assert 0 <= card.total_raw <= 100 + 1e-9


# ------------------------------------------------------------------------------------------- rounding


@pytest.mark.parametrize(
    ("x", "decimals", "expected"),
    [
        (0.125, 2, 0.13),
        (2.5, 0, 3.0),
        (3.5, 0, 4.0),
        (0.5, 0, 1.0),
        (1.5, 0, 2.0),
        (2.4999, 0, 2.0),
        (8.825, 2, 8.83),
        (80.125, 2, 80.13),
        (80.135, 2, 80.14),
        (-2.5, 0, -3.0),
        (89.995, 2, 90.0),
        (7.3, 2, 7.3),
        (0.0, 2, 0.0),
        (46.5, 0, 47.0),
    ],
)
def test_round_half_up_examples(x: float, decimals: int, expected: float) -> None:
    assert round_half_up(x, decimals) == expected


@SETTINGS
@given(n=st.integers(0, 1_000_000), decimals=st.integers(0, 3))
def test_round_half_up_rounds_halves_up(n: int, decimals: int) -> None:
    x = (n + 0.5) / 10**decimals
    assert round_half_up(x, decimals) == pytest.approx((n + 1) / 10**decimals, abs=1e-12)


@SETTINGS
@given(
    x=st.floats(-1000, 1000, allow_nan=False),
    y=st.floats(-1000, 1000, allow_nan=False),
    decimals=st.integers(0, 4),
)
def test_round_half_up_is_close_idempotent_and_monotone(x: float, y: float, decimals: int) -> None:
    r = round_half_up(x, decimals)
    assert abs(r - x) <= 0.5 / 10**decimals + 1e-9
    assert round_half_up(r, decimals) == r
    assert r * 10**decimals == pytest.approx(round(r * 10**decimals), abs=1e-6)
    lo, hi = sorted((x, y))
    assert round_half_up(lo, decimals) <= round_half_up(hi, decimals)


@example(1.8e306)
@example(-1.8e306)
@example(0.125)
@given(
    st.floats(allow_nan=True, allow_infinity=True)
    | st.integers(-(10**6), 10**6).map(lambda n: n / 1000)
    | st.sampled_from(
        [
            0.0,
            -0.0,
            0.005,
            0.015,
            0.125,
            2.675,
            8.825,
            -8.825,
            1e-12,
            5e15,
            1e300,
            1.8e306,
            -1.8e306,
            1.7976931348623157e308,
        ]
    )
)
def test_points_print_as_the_half_up_rounding_every_score_gets(x: float) -> None:
    """pts (every score in an explanation) takes a shortcut for positive scores: it must print
    exactly the two-decimal half-up rounding, sign, non-finite values and numbers too large to
    scale (hypothesis found 1.8e306 overflowing both) included."""
    from evalcore.rules.explain import pts

    assert pts(x) == f"{round_half_up(x, 2):.2f}"
