"""The sample history (data/history: 江城市 2023 and 2022) read with the 2024 sample portfolio as one
portfolio of three years: lines as planned, the renamed department linked only by 项目对照.csv, the
planted R016–R021 found exactly where `history_labels()` says, and each checked once by hand.

Hand-worked facts (read from the files named; they are what scripts/make_history_data.py writes):

R016  jc-tsw-2024-0002 「扶持青年创业项目」 2024 target ≥180个 (actual 215个); its 2023 self
      jc-tsw-2023-0002 had target ≥160个, actual 190个 → 180 < 190: target below last year's actual.
R017  jc-jtj-2024-0005 全年预算 49.8, 执行 42.5292 万元 → 85.40%; its 2023 self jc-jtj-2023-0005
      55.1 and 47.1656 → 85.60%: both under 90%.
R018  jc-sthjj-2024-0002 「开展污染源执法检查」 2024 ≥1600家次 → 1488家次 (unmet); 2023
      jc-sthjj-2023-0002 ≥1500家次 → 1425家次 (unmet).
R019  jc-fl-2024-0005 全年预算 127 万元, total 98.49 (the sum of its printed 自评得分); 2023
      jc-fl-2023-0005 114 万元, total 100: budget up 13 万元, score down 1.51.
R020  jc-swj-2023-0003 「消费者满意度」 (≥90%, 5 points) names 问卷/jc-swj-2023-0003-消费者满意度.csv
      (问卷星, GBK): 22 submissions, one a second submission of respondent 3 (same IP, same answers),
      one blank → 20 valid, 18 非常满意/满意 → 90.0%; Wilson 95% (z = 1.96): denominator 1 + 3.8416/20
      = 1.19208, centre (0.9 + 3.8416/40) ÷ 1.19208 = 0.83555, half-width 1.96 × √(0.9 × 0.1/20 +
      3.8416/1600) ÷ 1.19208 = 0.13659 → 69.9%–97.2%; 20 < 30 responses. The row's 实际完成值 is blank:
      it scores 90.0% ≥ 90%, full 5 points.
R021  jc-wglj-2023-0001 「群众满意度」 typed 85%, names 问卷/jc-wglj-2023-0001-群众满意度.csv (腾讯问卷,
      answers 1–5): 313 valid, 253 of them 4 or 5 → 80.8%; Wilson: denominator 1 + 3.8416/313 =
      1.012273, centre 0.80457, half-width 0.04351 → 76.1%–84.8%; 85% lies above it.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import math
from collections import Counter
from pathlib import Path

import pytest
from openpyxl import load_workbook

from evalcore.authoring.synth import History, history_labels, synthesize_history
from evalcore.explore import Portfolio, load_portfolio

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
HISTORY = DATA / "history"
MAPPING = HISTORY / "项目对照.csv"
PLANTED = {"R016", "R017", "R018", "R019", "R020", "R021"}
RENAMED_2022 = HISTORY / "2022" / "江城市政务服务管理局"
RENAMED_2023 = HISTORY / "2023" / "江城市政务服务和数据管理局"


@pytest.fixture(scope="module")
def history() -> History:
    return synthesize_history(130, seed=2024)


@pytest.fixture(scope="module")
def pf() -> Portfolio:
    return load_portfolio([DATA / "portfolio", HISTORY], lineage=MAPPING)


def _found(pf: Portfolio, codes: set[str]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for pid, code in zip(pf.findings["project_id"], pf.findings["code"], strict=True):
        if code in codes:
            out.setdefault(pid, set()).add(code)
    return out


def _message(pf: Portfolio, pid: str, code: str) -> str:
    (message,) = [f.message for f in pf.project(pid).findings if f.code == code]
    return message


def _sheet(path: Path, title: str) -> list[dict[str, object]]:
    """A sheet of a written project workbook as rows keyed by its header (read with openpyxl only)."""
    wb = load_workbook(path, read_only=True)
    try:
        rows = list(wb[title].iter_rows(values_only=True))
    finally:
        wb.close()
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def _file(year: int, dept: str, pid: str) -> Path:
    return (DATA / "portfolio" if year == 2024 else HISTORY / str(year)) / dept / f"{pid}.xlsx"


# ------------------------------------------------------------------ the three years as one portfolio


def test_three_years_load_without_errors_and_with_the_planned_drift(pf: Portfolio, history: History) -> None:
    years = Counter(pf.projects["year"])
    assert years == {2024: 130, 2023: len(history.years[2023]), 2022: len(history.years[2022])}
    assert len(pf.errors) == 0
    assert pf.ambiguous.empty
    base = [pid for pid in pf.projects.loc[pf.projects["year"] == 2024, "project_id"]]
    reached = Counter(history.links[pid] for pid in history.links if history.links[pid] is not None)
    in_2023 = {history.links[p["project_id"]] for p in history.years[2023]} - {None}
    in_2022 = {history.links[p["project_id"]] for p in history.years[2022]} - {None}
    assert 0.8 <= len(in_2023) / len(base) <= 0.9  # about 85% of 2024's projects ran in 2023
    assert 0.7 <= len(in_2022) / len(base) <= 0.8  # about 75% in 2022
    assert in_2022 <= in_2023 and max(reached.values()) == 2
    ended = [pid for pid, top in history.links.items() if top is None]
    assert {pid.split("-")[2] for pid in ended} == {"2022", "2023"}  # lines that ended, in both years
    names = list(pf.projects.loc[pf.projects["year"] < 2024, "name"])
    assert any("年度" in n for n in names) and any(not n[:4].isdigit() for n in names)


def test_every_earlier_project_is_on_the_line_of_its_2024_project(pf: Portfolio, history: History) -> None:
    lines: dict[str, set[str]] = {}
    for pid, top in history.links.items():
        if top is not None:
            lines.setdefault(top, {top}).add(pid)
    for top, members in lines.items():
        assert set(pf.history(top)["project_id"]) == members, top
    for pid, top in history.links.items():
        if top is None:  # an ended line reaches no 2024 project
            assert max(pf.history(pid)["年度"]) < 2024, pid


def test_earlier_targets_creep_lower_and_never_above_the_next_year(pf: Portfolio, history: History) -> None:
    by_line: dict[tuple[str, int], str] = {}
    for pid, top in history.links.items():
        if top is not None:
            by_line[(top, int(pid.split("-")[2]))] = pid
    lower = same = 0
    for (top, year), pid in by_line.items():
        nxt = top if year == 2023 else by_line.get((top, 2023))
        if nxt is None:
            continue
        later = {s.indicator.name: s.indicator for s in pf.project(nxt).card.indicators}
        for s in pf.project(pid).card.indicators:
            i, j = s.indicator, later.get(s.indicator.name)
            if j is None or i.direction != "≥" or i.target_value is None or i.unit == "%":
                continue
            assert i.target_value <= j.target_value, (pid, i.name)
            lower += i.target_value < j.target_value
            same += i.target_value == j.target_value
    assert lower > 3 * same > 0


def test_the_renamed_department_is_linked_only_by_the_mapping_file() -> None:
    assert MAPPING.read_bytes().startswith("\ufefffrom,to\n".encode())  # UTF-8 with BOM, as Excel saves it
    pairs = dict(row for row in csv.reader(MAPPING.read_text(encoding="utf-8-sig").splitlines()[1:]))
    assert all(a.startswith("jc-zwfwj-2022-") and b.startswith("jc-zsj-2023-") for a, b in pairs.items())
    without = load_portfolio([RENAMED_2022, RENAMED_2023])
    with_map = load_portfolio([RENAMED_2022, RENAMED_2023], lineage=MAPPING)
    for old, new in pairs.items():
        assert list(without.history(old)["project_id"]) == [old]  # another 实施单位: no match by name
        assert list(with_map.history(old)["project_id"]) == [old, new]
    assert len(pairs) == 4


def test_planted_cross_year_cases_fire_exactly_where_labelled(pf: Portfolio, history: History) -> None:
    found = _found(pf, PLANTED)
    assert history_labels() == history.labels  # the function tests use: same seed, same labels
    assert found == {pid: set(codes) for pid, codes in history.labels.items()}
    per_code = Counter(code for codes in history.labels.values() for code in codes)
    assert all(per_code[c] >= 2 for c in ("R016", "R017", "R018", "R019")), per_code
    departments = {pf.project(pid).project.department for pid in history.labels}
    assert len(departments) >= 10
    assert len(found) < 0.1 * len(pf)


def test_earlier_years_are_clean_in_their_own_year(pf: Portfolio) -> None:
    earlier = set(pf.projects.loc[pf.projects["year"] < 2024, "project_id"])
    own = {
        pid: codes for pid, codes in _found(pf, set(pf.findings["code"]) - PLANTED).items() if pid in earlier
    }
    assert own == {}
    reported = pf.projects.loc[pf.projects["year"] < 2024, ["total", "reported_total"]]
    assert (reported["total"] - reported["reported_total"]).abs().max() < 0.005


# ------------------------------------------------------------------ one case per code, by hand


def _row(path: Path, name: str) -> dict[str, object]:
    (row,) = [r for r in _sheet(path, "绩效指标") if r["三级指标"] == name]
    return row


def test_r016_by_hand(pf: Portfolio) -> None:
    dept, name = "共青团江城市委员会", "扶持青年创业项目"
    cur = _row(_file(2024, dept, "jc-tsw-2024-0002"), name)
    prev = _row(_file(2023, dept, "jc-tsw-2023-0002"), name)
    assert (cur["年度指标值"], prev["年度指标值"], prev["实际完成值"]) == ("≥180个", "≥160个", "190个")
    assert _message(pf, "jc-tsw-2024-0002", "R016") == (
        "「扶持青年创业项目」2024年目标 180个，低于2023年实际完成 190个（目标设定偏低）"
    )


def test_r017_by_hand(pf: Portfolio) -> None:
    cur = _sheet(_file(2024, "江城市交通运输局", "jc-jtj-2024-0005"), "预算执行")[0]
    prev = _sheet(_file(2023, "江城市交通运输局", "jc-jtj-2023-0005"), "预算执行")[0]
    assert (cur["全年预算数"], cur["全年执行数"]) == (49.8, 42.5292)
    assert (prev["全年预算数"], prev["全年执行数"]) == (55.1, 47.1656)
    assert round(42.5292 / 49.8, 4) == 0.854 and round(47.1656 / 55.1, 4) == 0.856  # both under 0.9
    assert _message(pf, "jc-jtj-2024-0005", "R017") == (
        "预算执行率 2023年 85.60%、2024年 85.40%，连续两年低于 90%（结果应用：核减预算）"
    )


def test_r018_by_hand(pf: Portfolio) -> None:
    dept, name = "江城市生态环境局", "开展污染源执法检查"
    cur = _row(_file(2024, dept, "jc-sthjj-2024-0002"), name)
    prev = _row(_file(2023, dept, "jc-sthjj-2023-0002"), name)
    pairs = [(r["年度指标值"], r["实际完成值"]) for r in (prev, cur)]
    assert pairs == [("≥1500家次", "1425家次"), ("≥1600家次", "1488家次")]
    assert _message(pf, "jc-sthjj-2024-0002", "R018") == (
        "「开展污染源执法检查」连续两年未完成：2023年目标 ≥1500家次、实际 1425家次；"
        "2024年目标 ≥1600家次、实际 1488家次"
    )


def test_r019_by_hand(pf: Portfolio) -> None:
    dept = "江城市妇女联合会"
    totals = []
    for year, pid in ((2023, "jc-fl-2023-0005"), (2024, "jc-fl-2024-0005")):
        budget = _sheet(_file(year, dept, pid), "预算执行")[0]
        scores = [r["自评得分"] for r in _sheet(_file(year, dept, pid), "绩效指标")]
        totals.append((budget["全年预算数"], round(budget["自评得分"] + sum(scores), 2)))
    assert totals == [(114.0, 100.0), (127.0, 98.49)]
    assert _message(pf, "jc-fl-2024-0005", "R019") == (
        "全年预算由2023年 114.00 万元增至2024年 127.00 万元，得分由 100.00 分降至 98.49 分"
    )


def _wilson(satisfied: int, n: int) -> tuple[float, float]:
    z2 = 1.96**2
    centre = (satisfied / n + z2 / (2 * n)) / (1 + z2 / n)
    half = 1.96 * math.sqrt(satisfied / n * (1 - satisfied / n) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return centre - half, centre + half


def test_r020_by_hand_a_blank_actual_scores_from_its_questionnaire(pf: Portfolio) -> None:
    folder = HISTORY / "2023" / "江城市商务局"
    row = _row(folder / "jc-swj-2023-0003.xlsx", "消费者满意度")
    assert row["问卷文件"] == "问卷/jc-swj-2023-0003-消费者满意度.csv" and row["实际完成值"] is None
    assert (row["年度指标值"], row["分值"]) == ("≥90%", 5)
    rows = list(csv.reader((folder / row["问卷文件"]).read_bytes().decode("gbk").splitlines()))
    assert len(rows) == 1 + 22
    seen, answers = set(), []
    for r in rows[1:]:
        key = (r[5], *r[6:])  # IP and answers: 序号, time and 所用时间 differ between two submissions
        if r[6] and key not in seen:
            seen.add(key)
            answers.append(r[6])
    assert len(answers) == 20 and sum(a in ("非常满意", "满意") for a in answers) == 18
    low, high = _wilson(18, 20)
    assert (round(low * 100, 1), round(high * 100, 1)) == (69.9, 97.2)
    ind = pf.indicators_of("jc-swj-2023-0003")
    (sat,) = ind.loc[ind["name"] == "消费者满意度"].to_dict("records")
    assert (sat["actual"], sat["score"], sat["met"]) == ("90.0%", 5.0, True)
    message = _message(pf, "jc-swj-2023-0003", "R020")
    assert (
        "有效问卷 20 份，满意率 90.0%（95% 置信区间 69.9%–97.2%）（剔除重复提交 1 份，未作答 1 份不计）"
        in message
    )
    assert message.endswith("有效问卷仅 20 份，不足 30 份，满意率不足以作为佐证")


def test_r021_by_hand_a_typed_actual_outside_the_interval(pf: Portfolio) -> None:
    folder = HISTORY / "2023" / "江城市文化广电旅游局"
    row = _row(folder / "jc-wglj-2023-0001.xlsx", "群众满意度")
    assert (row["实际完成值"], row["问卷文件"]) == ("85%", "问卷/jc-wglj-2023-0001-群众满意度.csv")
    rows = list(csv.reader((folder / row["问卷文件"]).read_text(encoding="utf-8-sig").splitlines()))
    scores = Counter(r[5] for r in rows[1:])
    assert sum(scores.values()) == 313 and scores["5"] + scores["4"] == 253
    low, high = _wilson(253, 313)
    assert (round(low * 100, 1), round(high * 100, 1)) == (76.1, 84.8)
    assert _message(pf, "jc-wglj-2023-0001", "R021").endswith(
        "自评满意率 85% 在问卷 95% 置信区间 76.1%–84.8% 之外"
    )


def test_every_questionnaire_backed_row_scores_from_its_file(pf: Portfolio, history: History) -> None:
    assert 5 <= len(history.surveys) <= 8
    layouts = Counter(q.layout for q in history.surveys.values())
    assert layouts["问卷星"] >= 2 and layouts["腾讯问卷"] >= 2
    for pid, q in history.surveys.items():
        ind = pf.indicators_of(pid)
        (row,) = ind.loc[ind["explanation"].str.contains(q.path, regex=False)].to_dict("records")
        rate = f"{q.satisfied / q.valid * 100:.1f}%"
        assert f"有效问卷 {q.valid} 份，满意率 {rate}" in row["explanation"], pid
        if not q.typed:  # a blank 实际完成值 is the questionnaire's rate, and meets its target
            assert (row["actual"], row["met"], row["score"]) == (rate, True, row["weight"]), pid
    assert sum(q.question is not None for q in history.surveys.values()) == 1  # the file of two questions


# ------------------------------------------------------------------ regeneration


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_script_writes_the_same_bytes_twice_and_the_committed_history_is_current(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "make_history_data", ROOT / "scripts" / "make_history_data.py"
    )
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    module.main(["--out", str(tmp_path / "a")])
    module.main(["--out", str(tmp_path / "b")])
    a = _digest(tmp_path / "a")
    assert a == _digest(tmp_path / "b")
    assert a == _digest(HISTORY)
    assert len([name for name in a if name.endswith(".xlsx")]) == 218
