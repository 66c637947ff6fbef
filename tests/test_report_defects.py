"""The defects users found in the HTML report, the portfolio index and the sample data, one test
(or a few) per defect, each failing without its fix. Fast: sections and charts are built in this
process from evaluations, no kernel runs here (the batch tests at the end run two small batches)."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import project_doc, write_doc
from hypothesis import given
from hypothesis import strategies as st
from matplotlib.colors import to_hex

import evalcore
from evalcore.authoring.writers import write_workbook
from evalcore.evaluation import Evaluation
from evalcore.pipeline.batch import run_batch
from evalcore.pipeline.plan import parameters_folder
from evalcore.pipeline.portfolio import script as index_script
from evalcore.presentation import narrative
from evalcore.presentation.cards import evaluation_card
from evalcore.presentation.charts.base import MET, OVERSPENT
from evalcore.presentation.charts.report import budget_figure, completion_figure
from evalcore.presentation.formats import (
    amount_decimals,
    excel_money_format,
    local_time,
    money,
    report_title,
)
from evalcore.presentation.narrative import ADJUST, CUT, KEEP, LOW_EXECUTION, budget_decision
from evalcore.presentation.portfolio_index import PortfolioIndex
from evalcore.presentation.portfolio_page import IndexPage
from evalcore.presentation.report import ProjectReport
from evalcore.quantities import date_cell_text
from evalcore.vocabulary import EXCELLENT, FAIR, GOOD, POOR

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "seed" / "nc-scjg-2019-zzxf.yaml"
CHROMIUM = Path("/usr/bin/chromium")

INDICATORS = [
    {"level1": "产出指标", "level2": "数量指标", "name": "培训人次", "direction": "≥", "target": "200人次",
     "actual": "180人次", "unit": "人次", "weight": 50, "reported_score": 45},
    {"level1": "效益指标", "level2": "社会效益指标", "name": "群众满意", "direction": "定性",
     "target": "效果明显", "actual": "达成年度指标", "weight": 40, "reported_score": 40},
]  # fmt: skip


def evaluation_of(load_doc, **facts: object) -> Evaluation:  # type: ignore[no-untyped-def]
    doc = project_doc(INDICATORS, **facts)
    return evalcore.evaluate(load_doc(doc))


def report_of(load_doc, **facts: object) -> ProjectReport:  # type: ignore[no-untyped-def]
    return ProjectReport(evaluation_of(load_doc, **facts), "<test>")


# ---------------------------------------------------------------------- 1. 「…项目项目绩效评价报告」


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("智慧城管信息化建设项目", "江城市城市管理局关于智慧城管信息化建设项目绩效评价报告"),
        ("2019年度综治信访", "江城市城市管理局关于2019年度综治信访项目绩效评价报告"),
        ("农村饮水安全专项资金", "江城市城市管理局关于农村饮水安全专项资金项目绩效评价报告"),
        ("项目管理", "江城市城市管理局关于项目管理项目绩效评价报告"),
    ],
)
def test_report_title_does_not_double_the_word_project(name: str, title: str) -> None:
    assert report_title(SimpleNamespace(department="江城市城市管理局", name=name)) == title


def test_the_report_header_uses_the_shared_title(load_doc) -> None:  # type: ignore[no-untyped-def]
    r = report_of(load_doc, name="道路养护项目", department="江城市交通运输局")
    assert r.title == "江城市交通运输局关于道路养护项目绩效评价报告"
    assert "项目项目" not in str(r.header().html)


# ------------------------------------------------------------------ 2. one money format everywhere

BUDGET_3DP = [
    {"source": "年度资金总额", "initial": 1500, "adjusted": 1429.197, "executed": 1883},
    {"source": "当年财政拨款", "initial": 1500, "adjusted": 1429.197, "executed": 1883},
]


@pytest.mark.parametrize(
    ("args", "text"),
    [
        ((1429.197,), "1,429.197"),
        ((1883,), "1,883.00"),
        ((1883, "万元", 3), "1,883.000"),
        ((0.1 + 0.2,), "0.30"),
        ((12345, "元"), "12,345"),
        ((12345.5, "元"), "12,345.50"),
        ((12345, "元", 2), "12,345.00"),
        ((-0.0001, "万元", 2), "0.00"),
        ((None,), "—"),
        ((float("nan"),), "—"),
    ],
)
def test_money_has_separators_and_the_forms_decimals(args: tuple, text: str) -> None:
    assert money(*args) == text


def test_amount_decimals_reads_what_was_written() -> None:
    assert amount_decimals([60, 53]) == 0
    assert amount_decimals([1429.197, 1883, None, float("nan")]) == 3
    assert amount_decimals([0.1 + 0.2]) == 1
    assert amount_decimals([1.23456789]) == 6


def test_excel_format_follows_the_same_rule() -> None:
    assert excel_money_format("万元") == "#,##0.00####"
    assert excel_money_format("元", 0) == "#,##0"
    assert excel_money_format("元", 2) == "#,##0.00"


def test_report_prints_every_amount_with_separators_and_the_projects_decimals(load_doc) -> None:  # type: ignore[no-untyped-def]
    r = report_of(load_doc, budget=BUDGET_3DP)
    html = str(r.basic_info().html) + str(r.budget().html) + str(r.standard_form().html)
    assert "1,429.197" in html and "1,883.000" in html and "1,500.000" in html
    assert ">1429.197<" not in html and ">1883<" not in html  # no table cell without separators
    text = " ".join(narrative.conclusion(r.ev) + narrative.suggestions(r.ev))
    assert "1,429.197万元" in text or "1,883.000万元" in text


def test_card_prints_amounts_by_the_same_rule(load_doc) -> None:  # type: ignore[no-untyped-def]
    ev = evaluation_of(load_doc, budget=BUDGET_3DP)
    html = evaluation_card(ev)
    assert "1,429.197" in html and "1,883.000" in html and "1,500.000" in html


def test_a_project_in_yuan_prints_whole_yuan(load_doc) -> None:  # type: ignore[no-untyped-def]
    budget = [{"source": "年度资金总额", "initial": 1200000, "adjusted": 1200000, "executed": 1150000}]
    r = report_of(load_doc, budget=budget, amount_unit="元")
    html = str(r.basic_info().html)
    assert "1,200,000" in html and "1,150,000" in html and "1,200,000.00" not in html


def test_budget_chart_labels_use_the_money_rule(load_doc) -> None:  # type: ignore[no-untyped-def]
    ev = evaluation_of(load_doc, budget=BUDGET_3DP)
    fig = budget_figure(ev.card)
    labels = {t.get_text() for ax in fig.axes for t in ax.texts}
    assert "1,429.197" in labels and any(t.startswith("1,883.000") for t in labels), labels


# ------------------------------------------------------------------------- 3. dates shown as dates

DEADLINE = {"level1": "产出指标", "level2": "时效指标", "name": "按期完工", "direction": "时限",
            "target": "2024年12月31日前", "weight": 10, "reported_score": 10}  # fmt: skip


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (dt.datetime(2024, 11, 30), "2024年11月30日"),
        (dt.date(2024, 11, 30), "2024年11月30日"),
        ("2024-11-30 00:00:00", "2024年11月30日"),
        ("2024-11-30T00:00:00", "2024年11月30日"),
        ("2024-11-30", "2024年11月30日"),
        ("2024-02-30", "2024-02-30"),  # not a date: as written
        ("2024年11月30日前", "2024年11月30日前"),
        (dt.datetime(2024, 11, 30, 14, 5), dt.datetime(2024, 11, 30, 14, 5)),  # a real time is kept
    ],
)
def test_a_date_cell_reads_as_the_form_writes_a_date(raw: object, text: object) -> None:
    assert date_cell_text(raw) == text


def test_a_date_typed_into_a_workbook_cell_shows_as_a_date(tmp_path: Path) -> None:
    doc = project_doc([{**DEADLINE, "actual": "x"}, *INDICATORS[:1]], year=2024)
    path = tmp_path / "p.xlsx"
    write_workbook(doc, path)
    wb = openpyxl.load_workbook(path)
    for row in wb["绩效指标"].iter_rows():
        for cell in row:
            if cell.value == "x":
                cell.value = dt.datetime(2024, 11, 30)  # what Excel stores when a date is typed
    wb.save(path)
    ev = evalcore.evaluate(evalcore.load_project(path))
    r = ProjectReport(ev, str(path))
    html = str(r.indicators().html) + str(r.standard_form().html)
    assert "2024年11月30日" in html and "00:00:00" not in html and "2024-11-30" not in html
    (s,) = [s for s in ev.card.indicators if s.indicator.name == "按期完工"]
    assert s.indicator.actual.raw == "2024年11月30日" and s.score == 10  # read as the date it is


def test_an_unquoted_yaml_date_shows_as_a_date(load_doc) -> None:  # type: ignore[no-untyped-def]
    ev = evalcore.evaluate(load_doc(project_doc([{**DEADLINE, "actual": dt.date(2024, 11, 30)}], year=2024)))
    assert ev.project.indicators[0].actual.raw == "2024年11月30日"
    assert "2024年11月30日" in ev.card.indicators[0].explanation.text


# --------------------------------------------------------------------- 4. times in Beijing time


def test_times_people_read_are_beijing_time_and_say_so() -> None:
    assert local_time(dt.datetime(2026, 12, 6, 7, 4, 59, tzinfo=dt.UTC)) == "2026-12-06 15:04（北京时间）"
    assert local_time(dt.datetime(2026, 12, 6, 16, 30, tzinfo=dt.UTC), seconds=True) == (
        "2026-12-07 00:30:00（北京时间）"  # past midnight in Beijing: the next day
    )
    assert local_time(dt.datetime(2026, 12, 6, 7, 4)) == "2026-12-06 15:04（北京时间）"  # naive: UTC


def test_report_and_index_show_the_generation_time_in_beijing_time(
    load_doc,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    r = report_of(load_doc)
    assert "2023-11-15 06:13:20（北京时间）" in str(r.provenance().html)
    page = IndexPage(PortfolioIndex([]))
    assert "生成时间 2023-11-15 06:13（北京时间）" in str(page.header().html)
    assert "UTC" not in str(r.provenance().html) + str(page.header().html)


# ------------------------------------------------ 5. numbers never broken inside; 6. 自评 vs 复核


class _Cells(HTMLParser):
    """(tag, class, text) of every th/td of a fragment, and the rows they sit in."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[tuple[str, str, str]]] = []
        self._cell: list | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = [tag, dict(attrs).get("class") or "", ""]

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell[2] += data

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(tuple(self._cell))  # type: ignore[arg-type]
            self._cell = None


def cells_of(html: object) -> list[list[tuple[str, str, str]]]:
    parser = _Cells()
    parser.feed(str(html))
    return parser.rows


NUMBER = re.compile(r"[-+]?[\d,]+(?:\.\d+)?%?")


def test_every_number_of_the_form_is_a_cell_that_never_wraps() -> None:
    form = ProjectReport(evalcore.evaluate(evalcore.load_project(SEED)), str(SEED)).standard_form()
    numbers = [c for row in cells_of(form.html) for c in row if c[0] == "td" and NUMBER.fullmatch(c[2])]
    assert len(numbers) > 30
    assert all({"num", "qty"} & set(c[1].split()) for c in numbers), [c for c in numbers if not c[1]]
    css = (ROOT / "evalcore" / "pipeline" / "templates" / "evalcore" / "report.css").read_text(
        encoding="utf-8"
    )
    for cls in ("num", "qty"):
        rule = re.search(rf"td\.{cls}[^{{]*\{{([^}}]*)\}}", css)
        assert rule is not None and "white-space: nowrap" in rule[1] and "overflow-wrap: normal" in rule[1]


def test_the_self_evaluation_form_shows_the_units_scores_and_the_review_beside_them() -> None:
    ev = evalcore.evaluate(evalcore.load_project(SEED))
    rows = cells_of(ProjectReport(ev, str(SEED)).standard_form().html)
    (total,) = [r for r in rows if r[0][2] == "总分"]
    assert [c[2] for c in total[1:4]] == ["100", "90.1", "80.13"]  # 分值, the unit's 90.1, then ours
    (head,) = [r for r in rows if any(c[2] == "三级指标" for c in r)]
    labels = [c[2] for c in head]
    assert labels.index("自评得分") + 1 == labels.index("复核得分")
    assert "得分" not in labels  # no unlabelled score column
    by_name = {r[-7][2]: r for r in rows if len(r) >= 7 and r[-7][2] in {"接待信访群众", "活动覆盖面"}}
    assert [c[2] for c in by_name["接待信访群众"][-4:-1]] == ["10", "7.3", "7.30"]
    assert [c[2] for c in by_name["活动覆盖面"][-4:-1]] == ["8", "5.6", "5.60"]
    assert "自评等级：优" in total[-1][2] and f"复核等级：{ev.card.grade}" in total[-1][2]


# ------------------------------------------------- 7. one budget advice: 核减 or 保持 or 调整, never two


@pytest.mark.parametrize(
    ("rate", "grade", "decision"),
    [
        (0.8999, EXCELLENT, CUT),  # under 90%: cut, whatever the grade
        (0.9, EXCELLENT, KEEP),  # at 90%: the grade decides
        (0.8999, GOOD, CUT),
        (0.9, GOOD, KEEP),
        (1.2, GOOD, KEEP),  # an overspend is its own suggestion, not a budget level
        (0.8999, FAIR, CUT),
        (0.9, FAIR, ADJUST),
        (0.8999, POOR, CUT),
        (1.0, POOR, CUT),  # 差: cut even at full execution
        (None, EXCELLENT, KEEP),  # no budget rows: the grade alone
        (None, FAIR, ADJUST),
        (None, POOR, CUT),
        (0.95, "合格", None),  # a grade of one's own scheme: left to the local rules
        (0.5, "合格", CUT),
    ],
)
def test_budget_decision_on_both_sides_of_each_line(
    rate: float | None, grade: str, decision: str | None
) -> None:
    assert budget_decision(rate, grade) == decision


@given(
    rate=st.one_of(st.none(), st.floats(0, 2, allow_nan=False)),
    grade=st.sampled_from([EXCELLENT, GOOD, FAIR, POOR, "合格"]),
)
def test_budget_decision_is_one_decision_by_the_stated_rules(rate: float | None, grade: str) -> None:
    d = budget_decision(rate, grade)
    low = rate is not None and rate < LOW_EXECUTION
    assert (d == CUT) == (low or grade == POOR)
    assert (d == KEEP) == (not low and grade in (EXCELLENT, GOOD))
    assert (d == ADJUST) == (not low and grade == FAIR)


def test_the_seed_is_advised_to_cut_and_never_also_to_keep() -> None:
    """The seed: 良 at 88.33% execution. The suggestions used to say 核减 and 保持 both."""
    ev = evalcore.evaluate(evalcore.load_project(SEED))
    assert ev.card.grade == GOOD and ev.card.budget.execution_rate < LOW_EXECUTION
    text = "".join(narrative.suggestions(ev))
    assert "核减下年度预算" in text and "保持预算安排" not in text


@pytest.mark.parametrize(
    ("executed", "actual", "says", "never"),
    [
        (100, "200人次", "保持预算安排", "核减"),  # 优 at 100%
        (85, "200人次", "核减下年度预算", "保持"),  # 优 at 85%
        (100, "110人次", "调整下年度预算", "保持"),  # 中 at 100%
        (100, "50人次", "核减下年度预算", "保持"),  # 差 at 100%
    ],
)
def test_suggestions_give_one_budget_advice(  # type: ignore[no-untyped-def]
    load_doc, executed: float, actual: str, says: str, never: str
) -> None:
    indicators = [{**INDICATORS[0], "actual": actual, "reported_score": None}, INDICATORS[1]]
    budget = [{"source": "年度资金总额", "initial": 100, "adjusted": 100, "executed": executed}]
    ev = evalcore.evaluate(load_doc(project_doc(indicators, budget=budget)))
    text = "".join(narrative.suggestions(ev))
    assert says in text and never not in text, (ev.card.grade, text)
    assert sum(text.count(w) for w in ("核减下年度预算", "保持预算安排", "调整下年度预算")) == 1


# ------------------------------------------------ 8. a ≤ indicator against its limit; one bar per source

COSTS = [
    {"level1": "产出指标", "level2": "成本指标", "name": "工程成本", "direction": "≤", "target": "100万元",
     "actual": "120万元", "unit": "万元", "weight": 20},
    {"level1": "产出指标", "level2": "时效指标", "name": "办理时长", "direction": "<", "target": "10天",
     "actual": "6天", "unit": "天", "weight": 20},
    {"level1": "产出指标", "level2": "数量指标", "name": "培训人次", "direction": "≥", "target": "200人次",
     "actual": "180人次", "unit": "人次", "weight": 50},
]  # fmt: skip


def _bars(ax) -> list:  # type: ignore[no-untyped-def]
    return [p for p in ax.patches if p.get_width() > 0]


def test_a_reverse_indicator_is_drawn_against_its_limit(load_doc) -> None:  # type: ignore[no-untyped-def]
    fig = completion_figure(evalcore.evaluate(load_doc(project_doc(COSTS))).card)
    up, down = fig.axes
    assert "目标值" in up.get_title() and [t.get_text() for t in up.get_yticklabels()] == ["培训人次"]
    assert "上限" in down.get_title()
    assert [t.get_text() for t in down.get_yticklabels()] == ["工程成本（≤）", "办理时长（<）"]
    over, under = _bars(down)
    assert over.get_width() == pytest.approx(1.2) and under.get_width() == pytest.approx(0.6)
    assert to_hex(over.get_facecolor()) == OVERSPENT and to_hex(under.get_facecolor()) == MET
    texts = [t.get_text() for t in down.texts]
    assert "上限" in {t.strip() for t in texts}  # the dashed line is labelled
    assert any("超出上限" in t for t in texts) and any("未超上限" in t for t in texts)
    legend = {t.get_text() for t in fig.legends[0].get_texts()}
    assert {"上限（100%）", "超过上限", "未超过上限", "目标值（100%）"} <= legend


def test_without_reverse_indicators_there_is_one_panel(load_doc) -> None:  # type: ignore[no-untyped-def]
    fig = completion_figure(evalcore.evaluate(load_doc(project_doc(COSTS[2:]))).card)
    assert len(fig.axes) == 1 and "上限" not in {t.get_text() for t in fig.legends[0].get_texts()}


def test_the_budget_chart_draws_one_pair_per_distinct_source(load_doc) -> None:  # type: ignore[no-untyped-def]
    seed = evalcore.evaluate(evalcore.load_project(SEED))  # 年度资金总额 = 当年财政拨款, 60 / 53
    (ax,) = budget_figure(seed.card).axes
    assert len(_bars(ax)) == 2
    assert [t.get_text().replace("\n", "") for t in ax.get_yticklabels()] == [
        "年度资金总额（全部为当年财政拨款）"
    ]
    two = [
        {"source": "年度资金总额", "initial": 100, "adjusted": 100, "executed": 90},
        {"source": "当年财政拨款", "initial": 60, "adjusted": 60, "executed": 55},
        {"source": "其他资金", "initial": 40, "adjusted": 40, "executed": 35},
    ]
    (ax,) = budget_figure(evaluation_of(load_doc, budget=two).card).axes
    assert len(_bars(ax)) == 6
    assert [t.get_text() for t in ax.get_yticklabels()] == ["年度资金总额", "当年财政拨款", "其他资金"]
    only_total = [{"source": "年度资金总额", "initial": 100, "adjusted": 100, "executed": 90}]
    (ax,) = budget_figure(evaluation_of(load_doc, budget=only_total).card).axes
    assert len(_bars(ax)) == 2


# --------------------------------------------------- 9. the index by year, never adding years' money


def _index_row(
    pid: str, year: int, dept: str, adjusted: float, executed: float, total: float, grade: str
) -> dict:
    return {
        "project_id": pid, "name": f"项目{pid}", "department": dept, "year": year, "scheme": "self-2020",
        "adjusted": adjusted, "executed": executed, "execution_rate": executed / adjusted, "total": total,
        "grade": grade, "reported_total": None, "reported_grade": None, "findings": 0, "finding_codes": "",
        "amount_unit": "万元", "status": "done", "html": None,
    }  # fmt: skip


TWO_YEARS = [
    _index_row("b-2024", 2024, "甲局", 1000, 950, 92.0, "优"),
    _index_row("a-2019", 2019, "乙局", 60, 53, 80.13, "良"),
    _index_row("c-2024", 2024, "乙局", 883, 800, 70.0, "中"),
]


def _stats(section) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {d["data-stat"]: d.find(class_="value").get_text() for d in section.select("[data-stat]")}


def test_the_index_headline_gives_each_year_its_own_figures() -> None:
    index = PortfolioIndex(TWO_YEARS)
    h = index.headline_figures()
    assert [y.year for y in h.by_year] == [2019, 2024] and h.projects == 3
    assert not hasattr(h, "adjusted")  # no budget added across years
    y2019, y2024 = h.by_year
    assert (y2019.projects, y2019.adjusted, y2019.executed) == (1, 60, 53)
    assert (y2024.projects, y2024.adjusted, y2024.executed) == (2, 1883, 1750)
    assert y2024.execution_rate == pytest.approx(1750 / 1883) and y2024.mean_score == pytest.approx(81)
    assert y2019.grades["良"] == 1 and y2024.grades == {"优": 1, "良": 0, "中": 1, "差": 0}
    page = BeautifulSoup(str(IndexPage(index).headline().html), "html.parser")
    sections = page.select("section.year")
    assert [s["data-year"] for s in sections] == ["2019", "2024"]
    assert [s.h3.get_text() for s in sections] == ["2019年度", "2024年度"]
    first, second = (_stats(s) for s in sections)
    assert (first["adjusted"], first["executed"], first["execution_rate"]) == ("60.00", "53.00", "88.33%")
    assert (second["adjusted"], second["executed"]) == ("1,883.00", "1,750.00")
    assert second["projects"] == "2" and second["mean_score"] == "81.00"
    assert "1,943.00" not in str(page)  # 60 + 1883: the sum of two years' budgets is never shown


def test_the_index_table_comes_year_by_year_and_filters_by_year() -> None:
    page = BeautifulSoup(str(IndexPage(PortfolioIndex(TWO_YEARS)).table().html), "html.parser")
    rows = page.select("#pf-table tbody tr")
    assert [r["data-year"] for r in rows] == ["2019", "2024", "2024"]
    assert [r.find_all("td")[2].get_text() for r in rows] == ["2019", "2024", "2024"]
    assert [o["value"] for o in page.select("#pf-year option")] == ["", "2019", "2024"]
    assert [h.get_text() for h in page.select("thead th")][:3] == ["项目", "主管部门", "年度"]


def test_the_year_filter_works_in_chromium(tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium) as root")
    from playwright.sync_api import sync_playwright

    table = IndexPage(PortfolioIndex(TWO_YEARS)).table().html
    script, _digest = index_script()
    page_file = tmp_path / "index.html"
    page_file.write_text(
        f'<!DOCTYPE html><html lang="zh"><meta charset="utf-8"><body>{table}<script>{script}</script></body></html>',
        encoding="utf-8",
    )
    shown = "() => [...document.querySelectorAll('#pf-table tbody tr')].filter(r => !r.hidden).map(r => r.querySelector('.pid').textContent)"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            page.goto(page_file.as_uri(), wait_until="load")
            assert page.evaluate(shown) == ["a-2019", "c-2024", "b-2024"]  # by year, then department
            page.select_option("#pf-year", "2024")
            assert page.evaluate(shown) == ["c-2024", "b-2024"]
            assert page.inner_text("#pf-count") == "显示 2 / 3 个项目"
            page.select_option("#pf-dept", "乙局")
            assert page.evaluate(shown) == ["c-2024"]
            page.select_option("#pf-year", "")
            assert page.evaluate(shown) == ["a-2019", "c-2024"]
        finally:
            browser.close()


# ------------------------------------------------------ 10. the README's examples work on data/


def test_score_and_validate_pass_on_the_sample_data_as_the_readme_prints_them() -> None:
    """`evalcore score data/` and `evalcore validate data/`: the seed is in data/ once (the workbook
    copy is a test fixture), so no duplicate 项目编号 and exit 0."""
    evalcore_cli = str(Path(sys.executable).parent / "evalcore")
    score = subprocess.run(
        [evalcore_cli, "score", "data/", "--json"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert score.returncode == 0, score.stderr[-2000:]
    doc = json.loads(score.stdout)
    assert doc["errors"] == [] and "重复" not in score.stderr
    ids = [p["project_id"] for p in doc["projects"]]
    assert len(ids) == len(set(ids)) and "nc-scjg-2019-zzxf" in ids
    validate = subprocess.run(
        [evalcore_cli, "validate", "data/"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert validate.returncode == 0, validate.stderr[-2000:]
    assert "重复" not in validate.stdout + validate.stderr


# ------------------------------------------- 11. parameter files per output: one run never replaces another


def test_parameters_folder_is_keyed_by_the_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert parameters_folder("parameters", "reports") == Path("parameters/reports")
    assert parameters_folder("parameters", tmp_path / "reports/") == Path("parameters/reports")
    assert parameters_folder("parameters", "build/reports") == Path("parameters/build/reports")
    outside = parameters_folder("parameters", "/srv/a/out")
    assert outside.parent == Path("parameters") and outside.name.startswith("out-")
    assert outside != parameters_folder("parameters", "/srv/b/out")  # same name, another folder


def test_two_batches_to_two_outputs_keep_their_own_parameter_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    data = tmp_path / "data" / "测试局"
    data.mkdir(parents=True)
    for pid in ("p-1", "p-2"):
        write_doc(data, project_doc(INDICATORS, project_id=pid, department="测试局"), pid)
    results = {
        out: run_batch(tmp_path / "data", out, params_dir="parameters", workers=2, index=False)
        for out in ("a", "b")
    }
    for out, result in results.items():
        assert sorted(m["status"] for m in result.manifest) == ["done", "done"], result.manifest
        for m in result.manifest:
            path = Path(m["parameters"])
            assert path.parent == Path("parameters") / out / "测试局", path
            text = path.read_text(encoding="utf-8")
            assert str(tmp_path / out / m["html"]) in text  # the report it reproduces, recorded inside
            assert yaml.safe_load(text)["project_path"].endswith(".yaml")
    files = sorted(p.relative_to(tmp_path).as_posix() for p in (tmp_path / "parameters").rglob("*.yaml"))
    assert len(files) == 4 and {f.split("/")[1] for f in files} == {
        "a",
        "b",
    }  # the second run kept the first's
