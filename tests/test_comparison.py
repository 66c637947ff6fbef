"""历史比较 and 横向比较 in the reports a batch publishes, on the three-year portfolio of
tests/test_history.py (its docstring works every figure out by hand; the ones used here):

- jt-road (交通局, same id 2022–2024): 全年预算/执行 100/80, 100/85, 120/118; totals 98, 98.5,
  95.83 (优 each year); 2023 carries R016 (target 180 below 2022's actual 210) and R017 (80% and
  85%); 2024 carries R019 (budget 100 → 120 万元 while the score fell 98.5 → 95.83).
- mz-old (2022) continues as mz-meal-2023 only through the mapping: R018 on 2023 (培训人次 unmet
  both years) only when the data folder holds its 项目对照 file.
- 横向比较 of jt-road 2024, by hand:
  交通局 2024 holds jt-road (98.33%, 95.83), jt-bus-2024 (90%; it lacks the 10-point 可持续影响
  indicator, so it scores below 95.83) and jt-light-2024 (100%, 100): 执行率 rank 2 of 3,
  percentile 2/3 = 67%, median 98.33%; 得分 rank 2 of 3, median 95.83.
  Its kind (every 二级指标 of CLEAN) in 2024: jt-road, mz-meal-2024 (95%, 70 + 9.5 + 20 = 99.5),
  wj-2024 (100%, 90), jt-light-2024 (100%, 100): 执行率 rank 3 of 4 (two 100% above), percentile
  2/4 = 50%, median (98.33% + 100%) / 2 = 99.17%; 得分 rank 3 of 4, 50%, median (95.83 + 99.5) / 2
  = 97.665.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import docx
import pytest
import yaml
from test_history import DOCS

from evalcore.pipeline.batch import run_batch
from evalcore.pipeline.plan import plan_batch


def _write(folder: Path, docs: list[dict], mapping: bool = True) -> Path:
    folder.mkdir(parents=True)
    for n, doc in enumerate(docs):
        (folder / f"{n:02d}-{doc['project_id']}-{doc['year']}.yaml").write_text(
            yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8"
        )
    if mapping:
        (folder / "项目对照.yaml").write_text("mz-old: mz-meal-2023\n", encoding="utf-8")
    return folder


def _contexts(tmp_path: Path, mapping: bool = True) -> dict[str, dict]:
    data = _write(tmp_path / "data", DOCS, mapping)
    plan = plan_batch(data, tmp_path / "out", tmp_path / "params")
    assert not plan.errors
    return {j.html: json.loads(Path(j.context).read_text(encoding="utf-8")) for j in plan.jobs}


def _text(path: Path) -> str:
    page = path.read_text(encoding="utf-8")
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def test_one_id_in_three_years_gets_three_reports_named_by_year(tmp_path: Path) -> None:
    contexts = _contexts(tmp_path)
    assert {"交通局/jt-road-2022.html", "交通局/jt-road-2023.html", "交通局/jt-road-2024.html"} <= set(
        contexts
    )
    assert "民政局/mz-meal-2023.html" in contexts  # an id of one year keeps its plain name


def test_each_year_sees_only_its_own_and_earlier_years_and_its_findings(tmp_path: Path) -> None:
    c = _contexts(tmp_path)
    assert c["交通局/jt-road-2022.html"]["history"] == []  # nothing before it
    y2023 = c["交通局/jt-road-2023.html"]
    assert [h["year"] for h in y2023["history"]] == [2022, 2023]
    assert sorted(f["code"] for f in y2023["findings"]) == ["R016", "R017"]
    y2024 = c["交通局/jt-road-2024.html"]
    assert [(h["year"], h["adjusted"], h["executed"]) for h in y2024["history"]] == [
        (2022, 100, 80),
        (2023, 100, 85),
        (2024, 120, 118),
    ]
    assert [h["total"] for h in y2024["history"]] == pytest.approx([98, 98.5, 95.83])
    assert [f["code"] for f in y2024["findings"]] == ["R019"]
    assert "98.50" in y2024["findings"][0]["message"] and "95.83" in y2024["findings"][0]["message"]


def test_a_renamed_project_is_compared_only_through_the_mapping_file(tmp_path: Path) -> None:
    with_map = _contexts(tmp_path / "a")
    assert [f["code"] for f in with_map["民政局/mz-meal-2023.html"]["findings"]] == ["R018"]
    assert [h["project_id"] for h in with_map["民政局/mz-meal-2023.html"]["history"]] == [
        "mz-old",
        "mz-meal-2023",
    ]
    without = _contexts(tmp_path / "b", mapping=False)
    assert without["民政局/mz-meal-2023.html"]["findings"] == []
    assert [h["project_id"] for h in without["民政局/mz-meal-2023.html"]["history"]] == []


def test_peers_rank_and_percentile_worked_by_hand(tmp_path: Path) -> None:
    peers = {(r["scope"], r["measure"]): r for r in _contexts(tmp_path)["交通局/jt-road-2024.html"]["peers"]}
    dept_rate, dept_score = peers[("主管部门", "执行率")], peers[("主管部门", "得分")]
    assert (dept_rate["count"], dept_rate["rank"]) == (3, 2)
    assert dept_rate["percentile"] == pytest.approx(200 / 3) and dept_rate["median"] == pytest.approx(
        118 / 120
    )
    assert (dept_score["count"], dept_score["rank"]) == (3, 2) and dept_score["median"] == pytest.approx(
        95.83
    )
    kind_rate, kind_score = peers[("同类项目", "执行率")], peers[("同类项目", "得分")]
    assert (kind_rate["count"], kind_rate["rank"], kind_rate["percentile"]) == (4, 3, 50.0)
    assert kind_rate["median"] == pytest.approx((118 / 120 + 1) / 2)
    assert (kind_score["count"], kind_score["rank"], kind_score["percentile"]) == (4, 3, 50.0)
    assert kind_score["median"] == pytest.approx(97.665)


def test_the_lineage_file_is_read_not_listed_as_skipped_and_ambiguous_matches_are_listed(
    tmp_path: Path,
) -> None:
    data = _write(tmp_path / "data", DOCS)
    plan = plan_batch(data, tmp_path / "out", tmp_path / "params")
    assert plan.skipped == []
    assert {a["project_id"] for a in plan.ambiguous} == {"wj-a-2023", "wj-b-2023", "wj-2024", "jt-bridge-b"}


def test_a_batch_over_three_years_publishes_both_comparisons_in_every_document(tmp_path: Path) -> None:
    """A real batch (papermill, nbconvert, python-docx) over jt-road's three years and 交通局's
    jt-light-2024: the 2024 report compares with 2022–2023 and with jt-light."""
    docs = [d for d in DOCS if d["project_id"] in ("jt-road", "jt-light-2024")]
    data = _write(tmp_path / "data", docs, mapping=False)
    out = tmp_path / "out"
    result = run_batch(data, out, params_dir=tmp_path / "params", workers=2, formats=("html", "docx"))
    assert result.ok, result.manifest
    report = _text(out / "交通局" / "jt-road-2024-绩效评价报告.html")
    assert "（三）历史比较" in report and "（四）横向比较" in report
    assert "本项目有 2022、2023、2024 年度共 3 年的评价数据" in report
    assert "全年预算由 100.00 万元增至 120.00 万元" in report
    assert "得分由 98.50 分（优）降至 95.83 分（优）" in report
    assert "表3 历年评价结果（万元）" in report and "表5 横向比较（同年度）" in report
    assert "在交通局的 2 个项目中，本项目执行率 98.33% 排第 2 位" in report
    assert "R019" not in report  # the submitted report carries no review codes
    assert "图" in report and "历年预算执行与得分" in report
    page = (out / "交通局" / "jt-road-2024-绩效评价报告.html").read_text(encoding="utf-8")
    section = page[page.index("（三）历史比较") : page.index("（四）横向比较")]
    assert "data:image/png;base64," in section  # the history chart is in the section
    worksheet = _text(out / "交通局" / "jt-road-2024.html")
    assert "五、历史比较与横向比较" in worksheet and "R019" in worksheet
    advice = _text(out / "交通局" / "jt-road-2023-绩效评价报告.html")  # R016 and R017 in words, no codes
    advice = advice[advice.index("五、结果应用建议") : advice.index("六、主要经验")]
    assert "「培训人次」本年目标不高于上年实际完成值（目标设定偏低）" in advice
    assert "预算执行率连续两年低于 90%：建议核减下年度预算" in advice
    assert "R016" not in advice and "R017" not in advice
    assert "全年预算较上年增加而得分下降" in _text(out / "交通局" / "jt-road-2024-绩效评价报告.html")
    first = _text(out / "交通局" / "jt-road-2022.html")
    assert "数据中没有本项目以前年度的评价，未作历史比较" in first
    summary = {
        (r["project_id"], r["year"]): r for r in json.loads((out / "summary.json").read_text())["projects"]
    }
    assert summary[("jt-road", 2024)]["finding_codes"] == "R019"
    assert summary[("jt-road", 2023)]["finding_codes"] == "R016 R017"
    words = "\n".join(
        p.text for p in docx.Document(str(out / "交通局" / "jt-road-2024-绩效评价报告.docx")).paragraphs
    )
    assert "（三）历史比较" in words and "得分由 98.50 分（优）降至 95.83 分（优）" in words


def test_a_report_made_alone_says_it_compared_nothing(tmp_path: Path) -> None:
    from evalcore.pipeline.render import render_project

    doc = next(d for d in DOCS if d["project_id"] == "jt-light-2024")
    data = _write(tmp_path / "data", [doc], mapping=False)
    done = render_project(next(data.glob("*.yaml")), tmp_path / "out")
    assert "本报告单独生成，未与其他年度或其他项目比较" in _text(done.html)
    assert "历史比较" not in _text(done.report)


def test_an_overspent_rate_ranks_as_a_full_one_in_the_reports_and_the_explorer(tmp_path: Path) -> None:
    """交通局 2024: A spent 105 of 100 (105%), B 100 of 100, C 90 of 100. Spending more than the
    budget is no better than spending it all: A and B share rank 1 by 执行率 (both at least 100%),
    B's percentile is 100 (3 of 3 at most 100% once capped), C ranks 3rd at 33%; the median shown
    is of the rates as they are: 100%. The report's context and `Portfolio.peers` agree."""
    from test_history import _doc

    from evalcore.explore import load_portfolio

    docs = [
        _doc("a", "甲项目", "交通局", 2024, (100, 105), (200, 200)),
        _doc("b", "乙项目", "交通局", 2024, (100, 100), (200, 200)),
        _doc("c", "丙项目", "交通局", 2024, (100, 90), (200, 200)),
    ]
    data = _write(tmp_path / "data", docs, mapping=False)
    plan = plan_batch(data, tmp_path / "out", tmp_path / "params")
    rows = {
        j.project_id: next(
            r
            for r in json.loads(Path(j.context).read_text(encoding="utf-8"))["peers"]
            if (r["scope"], r["measure"]) == ("主管部门", "执行率")
        )
        for j in plan.jobs
    }
    assert {k: (r["rank"], round(r["percentile"])) for k, r in rows.items()} == {
        "a": (1, 100),
        "b": (1, 100),
        "c": (3, 33),
    }
    assert rows["b"]["median"] == pytest.approx(1.0)
    pf = load_portfolio(data)
    for pid in ("a", "b", "c"):
        t = pf.peers(pid)
        dept = t[(t["比较范围"] == "主管部门") & (t["指标"] == "执行率")].iloc[0]
        assert (int(dept["排名"]), round(dept["百分位"])) == (
            rows[pid]["rank"],
            round(rows[pid]["percentile"]),
        )


def test_projects_of_one_function_class_are_compared_with_each_other(tmp_path: Path) -> None:
    """When the input gives a 功能分类, projects are compared with those of the same class, not of
    the same 二级指标: here every project has CLEAN's 二级指标, a and b are 「2050202 小学教育」
    (a 90%, b 100%), c is 「2050203 初中教育」 (95%) and d gives none (80%). a ranks 2nd of 2 in its
    class, c is alone in its class (no comparison shown), d is compared with no other (the others
    carry a class). The class is read from YAML, from a CSV 功能分类 column, and printed in
    `score --json`."""
    import csv
    import subprocess
    import sys

    from test_history import _doc

    from evalcore.explore import load_portfolio

    docs = [
        _doc("a", "甲项目", "教育局", 2024, (100, 90), (200, 200)) | {"function_class": "2050202 小学教育"},
        _doc("b", "乙项目", "教育局", 2024, (100, 100), (200, 200)) | {"function_class": "2050202 小学教育"},
        _doc("c", "丙项目", "教育局", 2024, (100, 95), (200, 200)) | {"function_class": "2050203 初中教育"},
        _doc("d", "丁项目", "教育局", 2024, (100, 80), (200, 200)),
    ]
    data = _write(tmp_path / "data", docs, mapping=False)
    plan = plan_batch(data, tmp_path / "out", tmp_path / "params")
    ctx = {j.project_id: json.loads(Path(j.context).read_text(encoding="utf-8")) for j in plan.jobs}
    kind_rows = {
        pid: next(r for r in c["peers"] if (r["scope"], r["measure"]) == ("同类项目", "执行率"))
        for pid, c in ctx.items()
    }
    assert ctx["a"]["kind"] == "功能分类：2050202 小学教育"
    assert (kind_rows["a"]["count"], kind_rows["a"]["rank"], kind_rows["b"]["rank"]) == (2, 2, 1)
    assert kind_rows["c"]["count"] == 1 and kind_rows["d"]["count"] == 1
    assert ctx["d"]["kind"].startswith("二级指标：")
    pf = load_portfolio(data)
    t = pf.peers("a")
    row = t[(t["比较范围"] == "同类项目") & (t["指标"] == "执行率")].iloc[0]
    assert (row["范围"], int(row["项目数"]), int(row["排名"])) == ("功能分类：2050202 小学教育", 2, 2)

    tables = tmp_path / "tables"  # the same four as portfolio tables, 功能分类 as a Chinese header
    from evalcore.authoring.writers import write_tables

    write_tables(docs, tables)
    with (tables / "projects.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert "function_class" in rows[0]
    rows[0] = ["功能分类" if h == "function_class" else h for h in rows[0]]
    with (tables / "projects.csv").open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    exe = Path(sys.executable).with_name("evalcore")
    proc = subprocess.run([str(exe), "score", str(tables), "--json"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    classes = {p["project_id"]: p.get("function_class") for p in json.loads(proc.stdout)["projects"]}
    assert classes == {"a": "2050202 小学教育", "b": "2050202 小学教育", "c": "2050203 初中教育", "d": None}


def test_one_report_compared_with_a_data_folder_on_the_command_line(tmp_path: Path) -> None:
    """`evalcore report FILE --compare DIR`: the 2024 jt-road report compares with its own earlier
    years and 交通局's other projects, with the batch's figures (module docstring); the context
    is kept beside the report, and the executed notebook names it (a papermill run by hand repeats
    it). A folder that does not exist is an input error (exit 1) naming it."""
    import subprocess
    import sys

    import nbformat

    data = _write(tmp_path / "data", DOCS)
    exe = str(Path(sys.executable).with_name("evalcore"))
    target = next(data.glob("02-jt-road-2024.yaml"))
    out = tmp_path / "out"
    proc = subprocess.run(
        [exe, "report", str(target), "--out", str(out), "--compare", str(data)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    report = _text(out / "交通局" / "jt-road-绩效评价报告.html")
    assert "本项目有 2022、2023、2024 年度共 3 年的评价数据" in report
    assert "得分由 98.50 分（优）降至 95.83 分（优）" in report
    assert "在交通局的 3 个项目中，本项目执行率 98.33% 排第 2 位" in report
    context = out / "交通局" / "jt-road.context.json"
    assert [f["code"] for f in json.loads(context.read_text(encoding="utf-8"))["findings"]] == ["R019"]
    nb = nbformat.read(str(out / "交通局" / "jt-road.ipynb"), as_version=4)
    injected = "".join(c.source for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    params: dict = {}
    exec(injected, params)  # the parameters papermill injected, as the kernel read them
    assert Path(params["context_path"]) == context.resolve()
    missing = subprocess.run(
        [
            exe,
            "report",
            str(target),
            "--out",
            str(tmp_path / "o2"),
            "--compare",
            str(tmp_path / "无此文件夹"),
        ],
        capture_output=True,
        text=True,
    )
    assert missing.returncode == 1 and "无此文件夹" in missing.stderr and "不存在" in missing.stderr
    assert not (tmp_path / "o2").exists() or not list((tmp_path / "o2").rglob("*.html"))
