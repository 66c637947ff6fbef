"""The explorer's items of issue #16: 复核发现, the unreadable inputs, and 导出当前筛选（Excel）,
driven in Python as the notebook's callbacks drive them (widget values set, buttons clicked).

Worked by hand from data/portfolio (one year, 2024; each project's findings read from its
scorecard): 江城市民政局 has 7 findings in 2 projects — jc-mzj-2024-0001: R002 once, R004 once,
R005 twice (an indicator's self-score 8 over its 6 points, a total 100.23 over 100);
jc-mzj-2024-0003: R008 three times (年初预算, 全年预算, 全年执行 of 年度资金总额 0 against its parts).
Its three projects are all 优, 执行率 96.3%, 97.2% (0002, no finding) and 62.5% (0003).
江城市交通运输局 has 7 projects (jc-jtj-2024-0001 … 0007), its only findings R008 three times.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import openpyxl
import pytest

from evalcore.explore import Portfolio, load_portfolio
from evalcore.presentation.explore_export import ExportBox, default_path, export_view
from evalcore.presentation.explore_findings import FindingsPanel, errors_view, findings_view
from evalcore.presentation.explore_widgets import Explorer

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "portfolio"
CIVIL = "江城市民政局"
TRANSPORT = "江城市交通运输局"
NAME_0001 = "2024年居家和社区养老服务项目"  # jc-mzj-2024-0001, from its scorecard


@pytest.fixture(scope="module")
def sample() -> Portfolio:
    return load_portfolio(SAMPLE)


def _html(content) -> str:  # type: ignore[no-untyped-def]
    return "".join(str(p.html()) for p in content)


def _rows(html: str) -> list[list[str]]:
    """The cells (tags stripped) of every table row of the HTML, header rows included."""
    rows = []
    for tr in re.findall(r"<tr>(.*?)</tr>", html, flags=re.S):
        rows.append(
            [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, flags=re.S)]
        )
    return rows


# -- 1. 复核发现 ------------------------------------------------------------------------------------


def test_the_findings_table_counts_one_department_by_code_with_totals(sample: Portfolio) -> None:
    html = _html(findings_view(sample.filter(department=CIVIL)))
    rows = _rows(html)
    assert rows[0] == ["主管部门", "R002", "R004", "R005", "R008", "合计"]
    assert rows[1] == [CIVIL, "1", "1", "2", "3", "7"]
    assert rows[2] == ["合计", "1", "1", "2", "3", "7"]
    # the legend names each code with its Chinese title
    assert "R005：得分超过分值或为负数" in html
    assert "R008：年度资金总额与分项资金不一致" in html
    assert "7 条复核发现，涉及 2 个项目、1 个主管部门" in html
    # the list: every finding, project · department · code · message
    listed = [r for r in rows if r and r[0].startswith("jc-mzj-")]
    assert listed[0][:4] == ["jc-mzj-2024-0001", NAME_0001, CIVIL, "R002"]
    assert [(r[0], r[3]) for r in listed] == [
        ("jc-mzj-2024-0001", "R002"),
        ("jc-mzj-2024-0001", "R004"),
        ("jc-mzj-2024-0001", "R005"),
        ("jc-mzj-2024-0001", "R005"),
        ("jc-mzj-2024-0003", "R008"),
        ("jc-mzj-2024-0003", "R008"),
        ("jc-mzj-2024-0003", "R008"),
    ]


def test_the_whole_portfolio_table_has_a_row_per_department_with_findings(sample: Portfolio) -> None:
    rows = _rows(_html(findings_view(sample)))
    total = next(r for r in rows if r[0] == "合计")
    assert total[-1] == "56" == str(len(sample.findings))  # 56 findings in 17 departments
    assert CIVIL in [r[0] for r in rows] and TRANSPORT in [r[0] for r in rows]
    transport = next(r for r in rows if r[0] == TRANSPORT)
    assert transport[-1] == "3"  # R008 three times, nothing else


def test_the_code_filter_narrows_the_list_only_and_says_so(sample: Portfolio) -> None:
    html = _html(findings_view(sample.filter(department=CIVIL), ("R005",)))
    rows = _rows(html)
    assert rows[1] == [CIVIL, "1", "1", "2", "3", "7"]  # the table keeps every code
    listed = [r for r in rows if r and r[0].startswith("jc-mzj-")]
    assert [(r[0], r[3]) for r in listed] == [("jc-mzj-2024-0001", "R005")] * 2
    assert "所选代码（R005），2 条" in html
    assert "只作用于本部分下方的发现列表" in html


def test_an_empty_view_says_so_in_a_sentence(sample: Portfolio) -> None:
    html = _html(findings_view(sample.filter(department=TRANSPORT, rate=(0.0, 0.7), warn=False)))
    assert "没有符合条件的项目" in html and "<table" not in html
    # a view with projects but no finding of the chosen code
    html = _html(findings_view(sample.filter(department=TRANSPORT), ("R005",)))
    assert "当前筛选下没有所选代码的复核发现" in html


def test_the_findings_section_follows_the_explorer_filters_and_its_code_filter(sample: Portfolio) -> None:
    ex = Explorer(sample)
    ex.controls()
    ex.findings()
    panel = ex._sections()["findings"]
    assert isinstance(panel, FindingsPanel)
    ex.set_filters(department=CIVIL)
    html = "".join(o["data"].get("text/html", "") for o in panel.pane.outputs)
    assert f"{CIVIL}：7 条复核发现" in html
    panel.codes.value = ("R008",)  # the widget callback redraws the list
    html = "".join(o["data"].get("text/html", "") for o in panel.pane.outputs)
    assert "所选代码（R008），3 条" in html
    ex.rate.value = (0.0, 0.7)  # only jc-mzj-2024-0003 (62.5%) is left, its R008 three times
    html = "".join(o["data"].get("text/html", "") for o in panel.pane.outputs)
    assert "3 条复核发现，涉及 1 个项目、1 个主管部门" in html
    assert "jc-mzj-2024-0001" not in html
    ex.set_filters(department=CIVIL, grades=("良",))  # its three projects are all 优
    html = "".join(o["data"].get("text/html", "") for o in panel.pane.outputs)
    assert "没有符合条件的项目" in html
    ex.set_filters(department=CIVIL, rate=(0.0, 0.5))  # no project of 民政局 below 50%
    html = "".join(o["data"].get("text/html", "") for o in panel.pane.outputs)
    assert "没有符合条件的项目" in html
    # the static fallback (headless) carries the same view
    assert "没有符合条件的项目" in panel.box._fallback_html


def test_the_findings_section_shows_the_chosen_year_only(tmp_path: Path) -> None:
    """Two years: the seed case (2019; R001, its 效益 declared 30 points but itemised 20, and R004,
    its reported 90.1 against the recomputed total) and jc-mzj-2024-0001 (R002, R004, R005 twice)."""
    shutil.copy(ROOT / "data" / "seed" / "nc-scjg-2019-zzxf.yaml", tmp_path)
    shutil.copy(SAMPLE / CIVIL / "jc-mzj-2024-0001.xlsx", tmp_path)
    ex = Explorer(load_portfolio(tmp_path))
    ex.controls()
    ex.findings()
    panel = ex._sections()["findings"]

    def table_rows() -> list[list[str]]:
        html = "".join(o["data"].get("text/html", "") for o in panel.pane.outputs)
        rows = _rows(html)
        return rows[: next(n for n, r in enumerate(rows) if r[0] == "合计") + 1]

    assert table_rows() == [  # the latest year by default
        ["主管部门", "R002", "R004", "R005", "合计"],
        [CIVIL, "1", "1", "2", "4"],
        ["合计", "1", "1", "2", "4"],
    ]
    ex.year.value = 2019  # the widget callback redraws every section
    assert table_rows() == [
        ["主管部门", "R001", "R004", "合计"],
        ["南昌市市场监督管理局", "1", "1", "2"],
        ["合计", "1", "1", "2"],
    ]


# -- 2. inputs that could not be read -------------------------------------------------------------


@pytest.fixture()
def broken_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(SAMPLE / TRANSPORT / "jc-jtj-2024-0001.xlsx", folder)
    (folder / "坏<b>文件.xlsx").write_bytes(b"not a workbook")
    return folder


def test_a_folder_with_a_broken_file_loads_the_rest_and_lists_the_broken_one(broken_folder: Path) -> None:
    pf = load_portfolio(broken_folder)
    assert len(pf) == 1 and len(pf.errors) == 1
    html = _html(errors_view(pf))
    assert "<details><summary>无法读取的输入（1）</summary>" in html
    rows = _rows(html)
    assert rows[0] == ["文件", "位置", "原因"]
    assert rows[1][0].endswith("坏&lt;b&gt;文件.xlsx")  # escaped, never markup
    assert "无法作为电子表格打开" in rows[1][2]
    assert "<b>文件" not in html
    fragment = Explorer(pf).input_errors()
    assert "无法读取的输入（1）" in fragment._repr_html_()


def test_an_unreadable_field_is_placed_by_its_path_and_label(tmp_path: Path) -> None:
    seed = ROOT / "data" / "seed" / "nc-scjg-2019-zzxf.yaml"
    (tmp_path / "good.yaml").write_text(seed.read_text(encoding="utf-8"), encoding="utf-8")
    bad = seed.read_text(encoding="utf-8").replace("\nyear: 2019\n", "\nyear: 二〇一九\n")
    (tmp_path / "bad.yaml").write_text(bad, encoding="utf-8")
    pf = load_portfolio(tmp_path)
    assert len(pf) == 1
    rows = _rows(_html(errors_view(pf)))
    assert len(rows) == 2 and rows[1][0].endswith("bad.yaml")
    assert rows[1][1] == "year，年度"  # where: the field's path and its Chinese label
    assert "「二〇一九」不是年份" in rows[1][2]


def test_a_folder_read_whole_says_so(sample: Portfolio) -> None:
    html = _html(errors_view(sample))
    assert "所有输入均已读取" in html and "<details>" not in html


# -- 3. 导出当前筛选（Excel） -----------------------------------------------------------------------


def test_export_writes_the_filtered_department_only(sample: Portfolio, tmp_path: Path) -> None:
    ex = Explorer(sample)
    ex.controls()
    ex.export()
    box = ex._sections()["export"]
    assert isinstance(box, ExportBox)
    target = tmp_path / "导出" / "交通.xlsx"
    box.path.value = str(target)
    ex.department.value = TRANSPORT  # the widget callback narrows the view
    box.button.click()
    assert box.result.value == f"已导出 7 个项目到 {target.resolve()}"
    wb = openpyxl.load_workbook(target)
    ids = [f"jc-jtj-2024-{n:04d}" for n in range(1, 8)]
    assert wb.sheetnames == ["汇总", *ids]
    summary = list(wb["汇总"].iter_rows(values_only=True))
    assert summary[0][:3] == ("项目编号", "项目名称", "主管部门")
    listed = [r for r in summary[1:] if r[0]]
    assert sorted(r[0] for r in listed) == ids
    assert {r[2] for r in listed} == {TRANSPORT}


def test_export_says_why_not_in_chinese(sample: Portfolio, tmp_path: Path) -> None:
    ex = Explorer(sample)
    ex.controls()
    ex.export()
    box = ex._sections()["export"]
    box.path.value = str(tmp_path / "out.csv")
    assert box.export() is None
    assert box.result.value.startswith("未导出：") and "须以 .xlsx 结尾" in box.result.value
    box.path.value = str(tmp_path / "out.xlsx")
    ex.set_filters(department=TRANSPORT, rate=(0.0, 0.7))  # no project left
    assert box.export() is None
    assert box.result.value == "未导出：当前筛选结果没有项目，未生成工作簿"
    assert not (tmp_path / "out.xlsx").exists()
    with pytest.raises(ValueError, match="没有项目"):
        export_view(ex.view(), tmp_path / "out.xlsx")


def test_the_default_path_is_dated_under_the_export_folder() -> None:
    import datetime as dt

    assert default_path(dt.date(2026, 12, 6)) == str(Path("导出") / "筛选结果-2026-12-06.xlsx")
