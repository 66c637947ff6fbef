"""部门横向比较 on the portfolio index: each year's departments side by side, ranked, and marked
against the year's city-wide figures (evalcore.presentation.department_compare).

A small summary written by hand (two years, four departments, one project filed in 元, one whose
report failed to render): every expected figure is worked out in the comments beside it. The
sections are read without a kernel; one real `render_index` (papermill + nbconvert) of the same
folder is opened in headless Chromium at a laptop's size.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest
from bs4 import BeautifulSoup

from evalcore.pipeline.portfolio import render_index
from evalcore.presentation.department_compare import compare_departments, competition_ranks
from evalcore.presentation.portfolio_index import PortfolioIndex
from evalcore.presentation.portfolio_page import IndexPage

CHROMIUM = Path("/usr/bin/chromium")
BOLD = "<b>x</b>"  # a department name that must show as text
GRADES = ["优", "良", "中", "差"]  # self-2020's bands, the order the page uses


def _row(
    pid: str,
    dept: str,
    year: int,
    adjusted: float,
    executed: float,
    total: float,
    grade: str,
    findings: int = 0,
    unit: str = "万元",
    status: str = "done",
) -> dict[str, Any]:
    return {
        "project_id": pid,
        "name": f"项目{pid}",
        "department": dept,
        "year": year,
        "scheme": "self-2020",
        "adjusted": adjusted,
        "executed": executed,
        "execution_rate": executed / adjusted if adjusted else None,
        "total": total,
        "grade": grade,
        "findings": findings,
        "finding_codes": " ".join(f"R00{n + 1}" for n in range(findings)),
        "amount_unit": unit,
        "status": status,
        "html": None if status == "failed" else f"{pid}.html",
    }


ROWS = [
    # 2023 ---------------------------------------------------------------------------------------
    # 财政局: Σ全年 100 + 50 = 150, Σ执行 95 + 40 = 135, rate 135 / 150 = 90.00% exactly (not under
    # 90%; the mean of its project rates, (95% + 80%) / 2 = 87.5%, would have been); mean (92 + 84) / 2
    # = 88.00, median 88.00; 优 1 良 1; findings 1 + 0 = 1.
    _row("a1", "财政局", 2023, 100, 95, 92.0, "优", 1),
    _row("a2", "财政局", 2023, 50, 40, 84.0, "良"),
    # 教育局: b1 is filed in 元: 2,000,000 元 = 200 万元, 1,500,000 元 = 150 万元. Σ全年 200 + 100 + 50 =
    # 350, Σ执行 150 + 100 + 50 = 300, rate 300 / 350 = 85.714…% → 85.71% (under 90%); b3's report
    # failed to render, it still counts: mean (70 + 88 + 91) / 3 = 83.00, median 88.00;
    # 优 1 良 1 中 1; findings 2 + 1 + 0 = 3.
    _row("b1", "教育局", 2023, 2_000_000, 1_500_000, 70.0, "中", 2, unit="元"),
    _row("b2", "教育局", 2023, 100, 100, 88.0, "良", 1),
    _row("b3", "教育局", 2023, 50, 50, 91.0, "优", status="failed"),
    # <b>x</b>: 80, 76 → 95.00%; mean 88.00 (the same as 财政局's: they share score rank 1); 良 1.
    _row("c1", BOLD, 2023, 80, 76, 88.0, "良"),
    # 2023 city-wide: 6 projects, Σ全年 150 + 350 + 80 = 580, Σ执行 135 + 300 + 76 = 511, rate 511 / 580
    # = 88.103…% → 88.10%; scores 92 84 70 88 91 88: mean 513 / 6 = 85.50, median (88 + 88) / 2 =
    # 88.00; 优 2 良 3 中 1 差 0; findings 4.
    # Rate ranks: <b>x</b> 95% → 1, 财政局 90% → 2, 教育局 85.71% → 3.
    # Score ranks: 财政局 88 and <b>x</b> 88 → 1 and 1, 教育局 83 → 3 (ties share the better rank).
    # Markers: 教育局 only, both (85.71% < 90%; 83.00 < 85.50).
    #
    # 2024 ---------------------------------------------------------------------------------------
    # 财政局: 200, 220 → 110.00%, ranked as 100% (as the budget rule scores it): shares rate rank 1
    # with 教育局's 100.00%; score 95.00 → score rank 1.
    _row("d1", "财政局", 2024, 200, 220, 95.0, "优"),
    # 教育局: 60, 60 → 100.00%, rate rank 1; score 78.00 → rank 3, below the city mean 79.25.
    _row("e1", "教育局", 2024, 60, 60, 78.0, "中", 2),
    # 文旅局: 100, 80 → 80.00%, rate rank 3, under 90%; score 59.00 → rank 4, below 79.25.
    _row("f1", "文旅局", 2024, 100, 80, 59.0, "差", 1),
    # 科技局: no budget → no rate, no rate rank (—), no under-90% marker; 85.00 → rank 2.
    _row("g1", "科技局", 2024, 0, 0, 85.0, "良"),
    # 2024 city-wide: 4 projects, Σ全年 200 + 60 + 100 + 0 = 360, Σ执行 220 + 60 + 80 + 0 = 360 →
    # 100.00%; mean (95 + 78 + 59 + 85) / 4 = 317 / 4 = 79.25, median (78 + 85) / 2 = 81.50;
    # 优 1 良 1 中 1 差 1; findings 3. Never added to 2023's (that would be 940 万元).
]
MANIFEST = [
    {
        "project_id": r["project_id"],
        "name": r["name"],
        "department": r["department"],
        "html": r["html"],
        "status": r["status"],
        **({"error": "第 3 个单元格出错：RuntimeError: 坏了"} if r["status"] == "failed" else {}),
    }
    for r in ROWS
]

# (department, 项目数, 全年预算, 执行数, 执行率, 平均得分, 中位数, 优, 良, 中, 差, 复核发现数, 执行率排名, 平均得分排名, 提示)
EXPECTED = {
    "2023": [
        [BOLD, "1", "80.00", "76.00", "95.00%", "88.00", "88.00", "0", "1", "0", "0", "0", "1", "1", ""],
        [
            "教育局", "3", "350.00", "300.00", "85.71%", "83.00", "88.00", "1", "1", "1", "0", "3", "3", "3",
            "执行率低于 90% 平均得分低于全市",
        ],
        ["财政局", "2", "150.00", "135.00", "90.00%", "88.00", "88.00", "1", "1", "0", "0", "1", "2", "1", ""],
        ["全市合计", "6", "580.00", "511.00", "88.10%", "85.50", "88.00", "2", "3", "1", "0", "4", "—", "—", "比较基准"],
    ],
    "2024": [
        ["教育局", "1", "60.00", "60.00", "100.00%", "78.00", "78.00", "0", "0", "1", "0", "2", "1", "3", "平均得分低于全市"],
        [
            "文旅局", "1", "100.00", "80.00", "80.00%", "59.00", "59.00", "0", "0", "0", "1", "1", "3", "4",
            "执行率低于 90% 平均得分低于全市",
        ],
        ["科技局", "1", "0.00", "0.00", "—", "85.00", "85.00", "0", "1", "0", "0", "0", "—", "2", ""],
        ["财政局", "1", "200.00", "220.00", "110.00%", "95.00", "95.00", "1", "0", "0", "0", "0", "1", "1", ""],
        ["全市合计", "4", "360.00", "360.00", "100.00%", "79.25", "81.50", "1", "1", "1", "1", "3", "—", "—", "比较基准"],
    ],
}  # fmt: skip


def write_folder(
    out: Path, rows: list[dict[str, Any]] = ROWS, manifest: list[dict[str, Any]] = MANIFEST
) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    (out / "summary.json").write_bytes(orjson.dumps({"projects": rows}))
    (out / "manifest.json").write_bytes(orjson.dumps({"projects": manifest}))
    for r in rows:
        if r["html"]:
            (out / r["html"]).write_text("<html></html>", encoding="utf-8")
    return out


def tables(html: str) -> dict[str, list[list[str]]]:
    """Each year's comparison table as its rows' cell texts (body rows, then the city-wide row)."""
    page = BeautifulSoup(html, "html.parser")
    return {
        s["data-year"]: [
            [c.get_text(" ", strip=True) for c in tr.find_all(["td", "th"])]
            for tr in s.select("table.dept-compare tbody tr, table.dept-compare tfoot tr")
        ]
        for s in page.select("section.dept-compare")
    }


@pytest.fixture
def index(tmp_path: Path) -> PortfolioIndex:
    return PortfolioIndex.from_folder(write_folder(tmp_path / "out"))


# ----------------------------------------------------------------------------- figures (no kernel)


def test_each_year_shows_its_departments_with_the_hand_computed_figures(index: PortfolioIndex) -> None:
    assert tables(str(IndexPage(index).comparison().html)) == EXPECTED


def test_years_come_in_the_page_order_and_amounts_are_not_added_across_years(index: PortfolioIndex) -> None:
    page = IndexPage(index)
    order = [
        s["data-year"] for s in BeautifulSoup(str(page.comparison().html), "html.parser").select("section")
    ]
    headline = [
        s["data-year"] for s in BeautifulSoup(str(page.headline().html), "html.parser").select("section")
    ]
    assert order == headline == ["2023", "2024"]
    years = compare_departments(index)
    assert [y.city.adjusted for y in years] == [pytest.approx(580), pytest.approx(360)]  # not 940
    # the city-wide row is the headline's figures of that year, not a second computation
    assert [y.city for y in years] == index.by_year()


def test_the_header_names_the_grades_in_the_page_order(index: PortfolioIndex) -> None:
    page = BeautifulSoup(str(IndexPage(index).comparison().html), "html.parser")
    first = page.select_one("section.dept-compare table")
    heads = [th.get_text() for th in first.select("thead tr:nth-of-type(2) th")]
    assert heads == GRADES == index.grade_order
    assert [th.get_text() for th in first.select("thead tr:nth-of-type(1) th")] == [
        "主管部门", "项目数", "全年预算（万元）", "执行数（万元）", "预算执行率", "平均得分", "得分中位数", "等级分布",
        "复核发现数", "执行率排名", "平均得分排名", "提示",
    ]  # fmt: skip


def test_ranks_put_the_highest_first_and_ties_share_the_better_rank() -> None:
    assert competition_ranks([3.0, 1.0, 3.0, None, 2.0]) == [1, 4, 1, None, 3]
    assert competition_ranks([5.0, 5.0, 5.0]) == [1, 1, 1]
    assert competition_ranks([]) == []


def test_ties_are_read_as_printed_and_a_rate_over_100_percent_ranks_as_100(tmp_path: Path) -> None:
    rows = [
        _row("p", "甲", 2024, 100, 100, 88.004, "良"),  # 100.00%, 88.00
        _row("q", "乙", 2024, 100_000, 99_997, 87.996, "良"),  # 99.997% prints 100.00%; 88.00
        _row("r", "丙", 2024, 100, 130, 90.0, "优"),  # 130% ranks as 100%
        _row("s", "丁", 2024, 100, 99, 70.0, "中"),  # 99.00%
    ]
    (year,) = compare_departments(PortfolioIndex.from_folder(write_folder(tmp_path / "o", rows, [])))
    ranks = {d.department: (d.rate_rank, d.score_rank) for d in year.departments}
    assert ranks == {"甲": (1, 2), "乙": (1, 2), "丙": (1, 1), "丁": (4, 4)}


def test_the_under_90_percent_marker_is_strictly_below_the_line_as_printed(tmp_path: Path) -> None:
    rows = [
        _row("p", "甲", 2024, 100, 90, 80.0, "良"),  # 90.00%: on the line, not under
        _row("q", "乙", 2024, 100_000, 89_996, 80.0, "良"),  # 89.996% prints 90.00%: not under
        _row("r", "丙", 2024, 100_000, 89_994, 80.0, "良"),  # 89.994% prints 89.99%: under
        _row("s", "丁", 2024, 0, 0, 80.0, "良"),  # no budget: no rate, no marker
    ]
    (year,) = compare_departments(PortfolioIndex.from_folder(write_folder(tmp_path / "o", rows, [])))
    assert {d.department: d.under_executed for d in year.departments} == {
        "甲": False,
        "乙": False,
        "丙": True,
        "丁": False,
    }
    assert not any(d.below_city_mean for d in year.departments)  # every mean equals the city's 80.00


def test_a_department_named_with_markup_shows_as_text(index: PortfolioIndex) -> None:
    html = str(IndexPage(index).comparison().html)
    assert "<b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
    page = BeautifulSoup(html, "html.parser")
    assert page.find("b") is None
    assert page.select_one("section[data-year='2023'] tbody tr")["data-dept"] == BOLD


def test_a_year_with_one_department_keeps_its_table_and_says_so(tmp_path: Path) -> None:
    rows = [_row("p", "甲", 2024, 100, 80, 75.0, "中"), _row("q", "甲", 2024, 100, 100, 85.0, "良")]
    html = str(
        IndexPage(PortfolioIndex.from_folder(write_folder(tmp_path / "o", rows, []))).comparison().html
    )
    # 甲: Σ 200, 180 → 90.00%; mean (75 + 85) / 2 = 80.00 = the city's; rank 1 of 1
    assert tables(html)["2024"][0] == [
        "甲", "2", "200.00", "180.00", "90.00%", "80.00", "80.00", "0", "1", "1", "0", "0", "1", "1", "",
    ]  # fmt: skip
    assert "只有 1 个主管部门" in BeautifulSoup(html, "html.parser").get_text()


def test_an_empty_batch_says_there_is_nothing_to_compare(tmp_path: Path) -> None:
    page = IndexPage(PortfolioIndex.from_folder(write_folder(tmp_path / "o", [], [])))
    assert BeautifulSoup(str(page.comparison().html), "html.parser").get_text() == "没有可比较的项目。"


def test_the_index_page_still_loads_without_pandas() -> None:
    """The 90% line is imported from the core's explore.columns: the index kernel must not pay for pandas."""
    code = "import sys, evalcore.presentation.portfolio_page; sys.exit('pandas' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


# ------------------------------------------------------------- a real index render, in Chromium


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = write_folder(tmp_path_factory.mktemp("index-departments") / "out")
    return render_index(out)


def test_the_published_index_carries_the_tables(rendered: Path) -> None:
    assert tables(rendered.read_text(encoding="utf-8")) == EXPECTED


def test_the_tables_are_visible_and_fit_a_laptop_screen_in_chromium(rendered: Path) -> None:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium) as root")
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(rendered.resolve().as_uri(), wait_until="load")
            seen = {}
            for year in EXPECTED:
                table = page.locator(f"section.dept-compare[data-year='{year}'] table")
                assert table.is_visible()
                seen[year] = table.locator("tbody tr td.dept").all_inner_texts()
                # the whole table is on screen at a laptop's width: no sideways scrolling
                assert table.evaluate("t => t.parentElement.scrollWidth <= t.parentElement.clientWidth")
                box = table.bounding_box()
                assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 1366
            assert seen == {year: [row[0] for row in rows[:-1]] for year, rows in EXPECTED.items()}
            assert page.evaluate("typeof window.__xss") == "undefined"
        finally:
            browser.close()
    assert errors == []


def test_a_comparison_table_sorts_by_a_column_in_chromium(rendered: Path) -> None:
    """2024 by 预算执行率 (by hand from EXPECTED): ascending 文旅局 80%, 教育局 100%, 财政局 110%, then
    科技局 with no rate (empty cells last either way); descending 财政局, 教育局, 文旅局, 科技局. The
    全市合计 row stays last (tfoot). The project table still sorts (its own buttons)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium) as root")
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(rendered.resolve().as_uri(), wait_until="load")
            table = page.locator("section.dept-compare[data-year='2024'] table")
            button = table.locator("thead button", has_text="预算执行率")
            button.click()
            assert table.locator("tbody td.dept").all_inner_texts() == [
                "文旅局",
                "教育局",
                "财政局",
                "科技局",
            ]
            assert button.locator("xpath=..").get_attribute("aria-sort") == "ascending"
            button.click()
            assert table.locator("tbody td.dept").all_inner_texts() == [
                "财政局",
                "教育局",
                "文旅局",
                "科技局",
            ]
            assert table.locator("tfoot th").first.inner_text() == "全市合计"
            other = page.locator(
                "section.dept-compare[data-year='2023'] table tbody td.dept"
            ).all_inner_texts()
            assert other == [row[0] for row in EXPECTED["2023"][:-1]]  # another year's table is untouched
        finally:
            browser.close()
    assert errors == []
