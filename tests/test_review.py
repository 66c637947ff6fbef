"""Review (复核): each finding R001–R012 (SPEC) fires on a project built to trigger it, its message
names the numbers, and a clean project has no finding at all.

Every case starts from the clean project of conftest (96.5 分, 优, everything consistent) and changes
one thing; where the change necessarily breaks something else too, the expected set says so.
"""

from __future__ import annotations

import pytest
from conftest import indicator_named

import evalcore
from evalcore.findings import titles


def _review(load_doc, doc: dict, scheme=None) -> tuple[evalcore.Evaluation, set[str]]:
    ev = evalcore.evaluate(load_doc(doc), scheme)
    return ev, {f.code for f in ev.findings}


def _messages(ev: evalcore.Evaluation, code: str) -> list[str]:
    return [f.message for f in ev.findings if f.code == code]


def test_clean_project_has_no_findings(load_doc, clean_doc) -> None:
    ev, _ = _review(load_doc, clean_doc)
    assert ev.findings == []
    assert ev.total == 96.5 and ev.grade == "优"
    for s in ev.card.indicators:
        assert s.score == pytest.approx(s.indicator.reported_score), s.indicator.name


def test_all_twelve_codes_are_defined() -> None:
    assert set(titles()) >= {f"R{i:03d}" for i in range(1, 13)}


# --------------------------------------------------------------------------------------------- R001


def test_r001_category_itemises_more_than_its_weight(load_doc, clean_doc) -> None:
    clean_doc["indicators"].append(
        {
            "level1": "产出指标",
            "level2": "数量指标",
            "name": "印发材料",
            "direction": "≥",
            "target": "1000份",
            "actual": "1000份",
            "weight": 5,
            "reported_score": 5,
        }
    )
    clean_doc["reported_total"] = 101.5  # the sum of the reported scores
    ev, codes = _review(load_doc, clean_doc)
    # 产出 earns its rows' points × 50 ÷ 55, so the recomputed total stays within 100 and differs
    # from the reported 101.5 (R004), itself above the 100 a form can give (R005)
    assert codes == {"R001", "R004", "R005"}
    assert ev.total <= 100
    msgs = _messages(ev, "R001")
    assert any("产出指标" in m and "50" in m and "55" in m and "按比例折算" in m for m in msgs), msgs
    assert any("105" in m and "100" in m for m in msgs), msgs  # all weights add to 105, not 100


def test_r001_category_itemises_less_than_its_weight(load_doc, clean_doc) -> None:
    clean_doc["indicators"] = [i for i in clean_doc["indicators"] if i["name"] != "培训机制长效运行"]
    clean_doc["reported_total"], clean_doc["reported_grade"] = 86.5, "良"
    ev, codes = _review(load_doc, clean_doc)
    assert codes == {"R001"}
    (msg,) = _messages(ev, "R001")
    assert "效益指标" in msg and "30" in msg and "20" in msg and "10" in msg


# --------------------------------------------------------------------------------------- R002, R004


def test_r002_reported_indicator_score_differs(load_doc, clean_doc) -> None:
    indicator_named(clean_doc, "培训人次")["reported_score"] = 19  # recomputed 20 × 180 ÷ 200 = 18
    clean_doc["reported_total"] = 97.5  # = the sum of the reported scores, so no R003
    ev, codes = _review(load_doc, clean_doc)
    assert codes == {"R002", "R004"}
    (msg,) = _messages(ev, "R002")
    assert "培训人次" in msg and "19" in msg and "18.00" in msg
    (r004,) = _messages(ev, "R004")
    assert "97.5" in r004 and "96.50" in r004 and "1.00" in r004


def test_r002_reported_budget_score_differs(load_doc, clean_doc) -> None:
    clean_doc["budget"][0]["reported_score"] = 10  # recomputed 10 × 95% = 9.5
    clean_doc["reported_total"] = 97
    ev, codes = _review(load_doc, clean_doc)
    assert codes == {"R002", "R004"}
    (msg,) = _messages(ev, "R002")
    assert "预算执行率" in msg and "10" in msg and "9.50" in msg


def test_r002_qualitative_score_outside_its_band(load_doc, clean_doc) -> None:
    row = indicator_named(clean_doc, "业务能力提升")
    row["actual"] = "部分达成年度指标并具有一定效果"  # band [12, 16] of 20; reported 19 is clamped to 16
    clean_doc["reported_total"] = 96.5
    ev, codes = _review(load_doc, clean_doc)
    assert "R002" in codes
    (msg,) = _messages(ev, "R002")
    assert "19" in msg and "16.00" in msg and "区间" in msg
    assert ev.total == 93.5  # 96.5 − 19 + 16


# --------------------------------------------------------------------------------------------- R003


def test_r003_reported_total_is_not_the_sum(load_doc, clean_doc) -> None:
    clean_doc["reported_total"] = 98  # the parts add to 96.5
    ev, codes = _review(load_doc, clean_doc)
    assert codes == {"R003", "R004"}
    (msg,) = _messages(ev, "R003")
    assert "98" in msg and "96.50" in msg and "1.50" in msg


def test_r003_and_r004_round_their_figures_half_up_like_every_score(load_doc, clean_doc) -> None:
    """96.625 is exactly representable: a format spec rounds it to even (96.62); the form, and every
    other score the review prints, rounds half up (96.63)."""
    clean_doc["indicators"][0]["reported_score"] += 0.125  # the parts now add to 96.625
    clean_doc["reported_total"] = 98
    ev, codes = _review(load_doc, clean_doc)
    assert {"R003", "R004"} <= codes
    (msg,) = _messages(ev, "R003")
    assert "96.63" in msg and "1.38" in msg, msg


def test_r003_not_raised_without_a_reported_budget_score(load_doc, clean_doc) -> None:
    # the sum of the printed scores cannot be formed when a printed part is missing
    del clean_doc["budget"][0]["reported_score"]
    _, codes = _review(load_doc, clean_doc)
    assert codes == set()


# --------------------------------------------------------------------------------------------- R005


def test_r005_score_above_weight(load_doc, clean_doc) -> None:
    indicator_named(clean_doc, "培训人次")["reported_score"] = 22
    ev, codes = _review(load_doc, clean_doc)
    assert "R005" in codes
    (msg,) = _messages(ev, "R005")
    assert "培训人次" in msg and "22" in msg and "20" in msg


def test_r005_negative_score(load_doc, clean_doc) -> None:
    indicator_named(clean_doc, "培训合格率")["reported_score"] = -1
    ev, codes = _review(load_doc, clean_doc)
    assert "R005" in codes
    (msg,) = _messages(ev, "R005")
    assert "培训合格率" in msg and "-1" in msg and "负数" in msg


def test_r005_budget_score_above_weight(load_doc, clean_doc) -> None:
    clean_doc["budget"][0]["reported_score"] = 12
    ev, codes = _review(load_doc, clean_doc)
    assert "R005" in codes
    (msg,) = _messages(ev, "R005")
    assert "12" in msg and "10" in msg


# --------------------------------------------------------------------------------------------- R006


def test_r006_target_met_but_not_full_marks(load_doc, clean_doc) -> None:
    indicator_named(clean_doc, "培训合格率")["reported_score"] = 14  # 95% of 95%: met, worth 15
    clean_doc["reported_total"] = 95.5
    ev, codes = _review(load_doc, clean_doc)
    assert codes == {"R002", "R004", "R006"}
    (msg,) = _messages(ev, "R006")
    assert "培训合格率" in msg and "95%" in msg and "14" in msg and "15" in msg


def test_r006_not_raised_with_a_reason(load_doc, clean_doc) -> None:
    row = indicator_named(clean_doc, "培训合格率")
    row["reported_score"], row["deviation_reason"] = 14, "补考人员占比较高"
    clean_doc["reported_total"] = 95.5
    _, codes = _review(load_doc, clean_doc)
    assert "R006" not in codes


# --------------------------------------------------------------------------------------------- R007


def test_r007_far_above_target(load_doc, clean_doc) -> None:
    row = indicator_named(clean_doc, "培训人次")
    row.update(actual="300人次", reported_score=20, deviation_reason="")
    clean_doc["reported_total"] = 98.5
    ev, codes = _review(load_doc, clean_doc)
    assert codes == {"R007"}
    (msg,) = _messages(ev, "R007")
    assert "培训人次" in msg and "150.0%" in msg and "30%" in msg


def test_r007_far_below_target(load_doc, clean_doc) -> None:
    row = indicator_named(clean_doc, "培训人次")
    row.update(actual="80人次", reported_score=8, deviation_reason="")  # 40% of target
    clean_doc["reported_total"], clean_doc["reported_grade"] = 86.5, "良"
    ev, codes = _review(load_doc, clean_doc)
    assert codes == {"R007"}
    (msg,) = _messages(ev, "R007")
    assert "培训人次" in msg and "40.0%" in msg


def test_r007_not_raised_with_a_reason(load_doc, clean_doc) -> None:
    indicator_named(clean_doc, "培训人次").update(
        actual="300人次", reported_score=20, deviation_reason="上级追加培训任务"
    )
    clean_doc["reported_total"] = 98.5
    _, codes = _review(load_doc, clean_doc)
    assert codes == set()


# --------------------------------------------------------------------------------------------- R008


def test_r008_total_row_contradicts_sub_rows(load_doc, clean_doc) -> None:
    clean_doc["budget"][0]["executed"] = 90  # 当年财政拨款 says 95
    ev, codes = _review(load_doc, clean_doc)
    assert codes == {"R008"}  # scored on the sub-rows: still 9.5
    (msg,) = _messages(ev, "R008")
    assert "90" in msg and "95" in msg and "全年执行数" in msg
    assert ev.card.budget.score == pytest.approx(9.5)


def test_r008_zero_total_row_with_money_in_sub_rows(load_doc, clean_doc) -> None:
    clean_doc["budget"][0].update(initial=0, adjusted=0, executed=0)
    ev, codes = _review(load_doc, clean_doc)
    assert codes == {"R008"}
    assert len(_messages(ev, "R008")) == 3  # 年初预算数, 全年预算数, 全年执行数
    assert ev.card.budget.score == pytest.approx(9.5)


# --------------------------------------------------------------------------------------------- R009


def test_r009_over_100_percent(load_doc, clean_doc) -> None:
    for row in clean_doc["budget"]:
        row["executed"] = 105
    clean_doc["budget"][0]["reported_score"] = 10
    clean_doc["reported_total"] = 97
    ev, codes = _review(load_doc, clean_doc)
    assert codes == {"R009"}
    (msg,) = _messages(ev, "R009")
    assert "105.00%" in msg and "105" in msg and "100" in msg


def test_r009_under_the_scheme_threshold_without_explanation(load_doc, clean_doc, scheme_file) -> None:
    scheme = evalcore.load_scheme(scheme_file(set={"budget_execution.explain_below": 0.9}))
    for row in clean_doc["budget"]:
        row["executed"] = 85
    clean_doc["budget"][0]["reported_score"] = 8.5
    clean_doc["reported_total"] = 95.5  # 96.5 − 9.5 + 8.5
    ev, codes = _review(load_doc, clean_doc, scheme)
    assert codes == {"R009"}
    (msg,) = _messages(ev, "R009")
    assert "85.00%" in msg and "90%" in msg
    clean_doc["budget_note"] = "设备采购尾款次年支付"
    _, codes = _review(load_doc, clean_doc, scheme)
    assert codes == set()


# --------------------------------------------------------------------------------------------- R010


def test_r010_line_item_overspent(load_doc, clean_doc) -> None:
    clean_doc["budget"].append({"source": "会议费", "initial": 10, "adjusted": 10, "executed": 12})
    ev, codes = _review(load_doc, clean_doc)
    assert codes == {"R010"}
    (msg,) = _messages(ev, "R010")
    assert "会议费" in msg and "12" in msg and "10" in msg and "2万元" in msg


# --------------------------------------------------------------------------------------------- R011


def test_r011_quantitative_indicator_without_unit(load_doc, clean_doc) -> None:
    row = indicator_named(clean_doc, "培训人次")
    row.update(target="200", actual="180")
    del row["unit"]
    ev, codes = _review(load_doc, clean_doc)
    assert codes == {"R011"}
    (msg,) = _messages(ev, "R011")
    assert "培训人次" in msg and "200" in msg


def test_r011_target_that_cannot_be_measured(load_doc, clean_doc) -> None:
    indicator_named(clean_doc, "培训人次").update(target="较上年有所提高", actual="较上年有所提高")
    ev, codes = _review(load_doc, clean_doc)
    assert "R011" in codes
    assert any("培训人次" in m and "较上年有所提高" in m for m in _messages(ev, "R011"))


def test_r011_negative_actual(load_doc, clean_doc) -> None:
    indicator_named(clean_doc, "培训人次").update(actual="-5人次", reported_score=0)
    clean_doc["reported_total"], clean_doc["reported_grade"] = 78.5, "中"
    ev, codes = _review(load_doc, clean_doc)
    assert "R011" in codes
    assert any("-5" in m for m in _messages(ev, "R011"))


# --------------------------------------------------------------------------------------------- R012


def test_r012_grade_does_not_match_reported_total(load_doc, clean_doc) -> None:
    clean_doc["reported_grade"] = "良"
    ev, codes = _review(load_doc, clean_doc)
    assert codes == {"R012"}
    (msg,) = _messages(ev, "R012")
    assert "良" in msg and "96.5" in msg and "优" in msg


@pytest.mark.parametrize("spelled", ["优", "优秀"])
def test_r012_accepts_the_long_spelling(load_doc, clean_doc, spelled: str) -> None:
    clean_doc["reported_grade"] = spelled
    _, codes = _review(load_doc, clean_doc)
    assert codes == set()


def test_r012_grade_line_is_inclusive(load_doc, clean_doc) -> None:
    # 90 is 优 (the lower bound is included), 89.99 is 良
    indicator_named(clean_doc, "培训人次").update(actual="115人次", reported_score=11.5)  # 20 × 115 ÷ 200
    clean_doc["reported_total"] = 90.0
    ev, codes = _review(load_doc, clean_doc)
    assert ev.total == 90.0 and ev.grade == "优"
    assert codes == set()
    clean_doc["reported_grade"] = "良"
    _, codes = _review(load_doc, clean_doc)
    assert codes == {"R012"}


def test_findings_carry_severity_and_title(load_doc, clean_doc) -> None:
    clean_doc["reported_total"] = 98
    ev, _ = _review(load_doc, clean_doc)
    for f in ev.findings:
        d = f.as_dict()
        assert d["severity"] in {"error", "warning", "info"}
        assert d["title"] == titles()[f.code]
