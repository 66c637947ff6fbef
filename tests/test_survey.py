"""问卷调查: questionnaire exports read, matched to a 满意度 row and turned into its actual, with the
number of valid responses and a 95% Wilson interval (DOMAIN.md "Questionnaires"; SPEC R020, R021,
`evalcore survey`). Real files on disk, the real readers and the real command: no mocks."""

from __future__ import annotations

import csv
import importlib.util
import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import project_doc
from hypothesis import given, settings
from hypothesis import strategies as st

import evalcore
from evalcore.errors import InputError
from evalcore.inputs.survey import read_survey
from evalcore.inputs.table_chunk import eligible
from evalcore.inputs.tables_reader import TablePortfolio
from evalcore.presentation.submission_text import indicator_paragraph
from evalcore.rules.survey import basis_text, wilson

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
SEED = ROOT / "data" / "seed" / "nc-scjg-2019-zzxf.yaml"
SURVEYED_SEED = DATA / "nc-scjg-2019-zzxf-survey.yaml"
COMMUNITY = DATA / "问卷" / "挂点社区满意度.csv"
VISITORS = DATA / "问卷" / "上访群众满意度.xlsx"
EVALCORE = [shutil.which("evalcore", path=str(Path(sys.executable).parent)) or "evalcore"]
TITLE = "1.您对培训工作的满意度"


def _csv(path: Path, answers: list[str], encoding: str = "utf-8", title: str = TITLE) -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        w = csv.writer(f)
        w.writerow(["序号", "提交答卷时间", "来自IP", title])
        for i, a in enumerate(answers, start=1):
            w.writerow([i, f"2019/12/01 10:{i % 60:02d}:00", f"10.0.0.{i}", a])
    return path


def _row(**cells: object) -> dict:
    return {"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "培训工作满意度", "direction": "≥",
            "target": "100%", "unit": "%", "weight": 5, **cells}  # fmt: skip


def _load(tmp_path: Path, *rows: dict) -> evalcore.model.Project:
    path = tmp_path / "project.yaml"
    path.write_text(yaml.safe_dump(project_doc(list(rows)), allow_unicode=True), encoding="utf-8")
    return evalcore.load_project(path)


# ------------------------------------------------------------------------------------ the interval


def test_wilson_by_hand() -> None:
    """186 responses, 168 satisfied: p = 0.903226, z²/n = 3.8416 ÷ 186 = 0.020654;
    centre = (0.903226 + 0.010327) ÷ 1.020654 = 0.895066;
    half = 1.96 × √(0.903226 × 0.096774 ÷ 186 + 3.8416 ÷ 138384) ÷ 1.020654
         = 1.96 × √(0.00046994 + 0.00002776) ÷ 1.020654 = 1.96 × 0.022309 ÷ 1.020654 = 0.042841;
    interval 0.852225–0.937907: 85.2%–93.8%."""
    low, high = wilson(168, 186)
    assert low == pytest.approx(0.852225, abs=2e-6) and high == pytest.approx(0.937907, abs=2e-6)
    assert (
        basis_text(186, 168 / 186, low, high) == "有效问卷 186 份，满意率 90.3%（95% 置信区间 85.2%–93.8%）"
    )


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_the_interval_lies_in_0_1_and_holds_the_rate(kn: tuple[int, int]) -> None:
    k, n = kn
    low, high = wilson(k, n)
    assert 0.0 <= low <= k / n <= high <= 1.0


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 500), st.integers(0, 100), st.integers(2, 20))
def test_the_interval_narrows_as_responses_grow(n: int, percent: int, times: int) -> None:
    k = round(n * percent / 100)
    low, high = wilson(k, n)
    big_low, big_high = wilson(k * times, n * times)
    assert big_high - big_low < high - low + 1e-12


# ------------------------------------------------------------------------------------ reading files


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_exports_in_utf8_and_gbk(tmp_path: Path, encoding: str) -> None:
    s = read_survey(
        _csv(tmp_path / "q.csv", ["非常满意", "比较满意", "基本满意", "不太满意", "非常不满意"], encoding)
    )
    (q,) = s.questions
    assert q.title == TITLE
    assert q.counts == {"非常满意": 1, "满意": 1, "一般": 1, "不满意": 1, "非常不满意": 1}
    assert (q.valid, q.satisfied) == (5, 2)


def test_the_seed_community_export_gbk_with_a_duplicate_and_a_blank() -> None:
    s = read_survey(COMMUNITY)
    assert s.encoding in ("gb18030", "gbk")
    assert (s.respondents, s.duplicates, s.blank_rows) == (62, 1, 1)
    (q,) = s.questions  # 序号, 提交答卷时间 … are metadata; 「您的意见和建议」 is free text
    assert (q.valid, q.satisfied, q.rate) == (60, 54, 0.9)
    assert q.counts == {"非常满意": 30, "满意": 24, "一般": 4, "不满意": 2, "非常不满意": 0}
    assert q.blanks == 1
    assert s.other_titles == ["2、您的意见和建议"]


def test_an_xlsx_export_with_scores_1_to_5() -> None:
    s = read_survey(VISITORS)
    assert [q.title for q in s.questions] == [
        "Q1.您对上访接待工作的满意度(上访群众)",
        "Q2.您对办事大厅环境的满意度",
    ]
    q = s.questions[0]
    assert (q.valid, q.satisfied) == (50, 40)
    assert q.counts == {"非常满意": 20, "满意": 20, "一般": 6, "不满意": 4, "非常不满意": 0}


def test_equal_answers_without_a_respondent_column_are_not_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_text("序号,您对培训工作的满意度\n1,满意\n2,满意\n3,满意\n", encoding="utf-8")
    s = read_survey(path)
    assert (s.duplicates, s.checked_duplicates, s.questions[0].valid) == (0, False, 3)


def test_unknown_words_are_listed_with_their_counts_and_the_question_is_not_used(tmp_path: Path) -> None:
    survey = _csv(tmp_path / "q.csv", ["满意"] * 6 + ["还行"] * 2 + ["凑合"])
    (q,) = read_survey(survey).questions
    assert q.unknown == {"还行": 2, "凑合": 1} and not q.usable
    with pytest.raises(InputError) as info:
        _load(tmp_path, _row(survey="q.csv"))
    message = str(info.value)
    assert "「还行」2 份" in message and "「凑合」1 份" in message and "不予采用" in message
    assert "project.yaml" in message and "indicators[0]" in message  # the file and the row


def test_a_file_matching_no_indicator_names_the_titles_it_saw(tmp_path: Path) -> None:
    _csv(tmp_path / "q.csv", ["满意"] * 5, title="2、您对食堂伙食的评价")
    with pytest.raises(InputError) as info:
        _load(tmp_path, _row(survey="q.csv"))
    assert "没有与指标名称「培训工作满意度」相符的题目；看到的题目：「2、您对食堂伙食的评价」" in str(
        info.value
    )


def test_a_missing_survey_file_stops_that_project_only(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(yaml.safe_dump(project_doc([_row(actual="90%")]), allow_unicode=True), encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    doc = project_doc([_row(survey="问卷/没有.csv")], project_id="bad-1")
    bad.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    run = evalcore.evaluate_paths([good, bad])
    assert len(run.evaluations) == 1 and len(run.errors) == 1
    assert "没有.csv" in str(run.errors[0]) and "问卷文件" in str(run.errors[0])


def test_a_broken_xlsx_is_an_error_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "坏.xlsx").write_bytes(b"not a zip")
    with pytest.raises(InputError) as info:
        _load(tmp_path, _row(survey="坏.xlsx"))
    assert "无法读取问卷文件" in str(info.value) and "坏.xlsx" in str(info.value)


# ------------------------------------------------------------------------------------ the seed


def test_the_seed_scored_from_its_questionnaires_scores_as_the_seed() -> None:
    seed = evalcore.evaluate(evalcore.load_project(SEED))
    surveyed = evalcore.evaluate(evalcore.load_project(SURVEYED_SEED))
    scores = {s.indicator.name: s.score for s in surveyed.card.indicators}
    assert scores["挂点社区满意度（培训人员）"] == pytest.approx(4.5)
    assert scores["上访群众满意度（社区群众）"] == pytest.approx(4.0)
    assert surveyed.card.total == seed.card.total == pytest.approx(80.13)
    assert scores == {s.indicator.name: s.score for s in seed.card.indicators}
    text = {s.indicator.name: s.explanation.text for s in surveyed.card.indicators}
    assert text["挂点社区满意度（培训人员）"].startswith(
        "按问卷「问卷/挂点社区满意度.csv」题目「1、您对挂点社区综治宣传培训的满意程度」："
        "有效问卷 60 份，满意率 90.0%（95% 置信区间 79.9%–95.3%）（剔除重复提交 1 份，未作答 1 份不计）"
    )
    assert "有效问卷 50 份，满意率 80.0%（95% 置信区间 67.0%–88.8%）" in text["上访群众满意度（社区群众）"]
    assert not {"R020", "R021"} & {f.code for f in surveyed.findings}
    # the 绩效评价报告 paragraph says the basis once, in its own words
    card = {s.indicator.name: s for s in surveyed.card.indicators}
    paragraph = indicator_paragraph(card["挂点社区满意度（培训人员）"])
    assert "（问卷调查：有效问卷 60 份，满意率 90.0%，95% 置信区间 79.9%–95.3%）" in paragraph
    assert "按问卷" not in paragraph


def test_a_form_rate_outside_the_interval_is_scored_as_printed_and_found(tmp_path: Path) -> None:
    project = _load(tmp_path, _row(name="挂点社区满意度（培训人员）", survey=str(COMMUNITY), actual="98%"))
    ev = evalcore.evaluate(project)
    (s,) = [s for s in ev.card.indicators if s.indicator.name.startswith("挂点社区")]
    assert s.score == pytest.approx(4.9)  # 5 × 98%: the printed form is scored
    (r021,) = [f for f in ev.findings if f.code == "R021"]
    assert (
        "实际完成值「98%」" in r021.message
        and "自评满意率 98% 在问卷 95% 置信区间 79.9%–95.3% 之外" in r021.message
    )


def test_fewer_than_30_responses_is_no_evidence(tmp_path: Path) -> None:
    _csv(tmp_path / "q.csv", ["5", "5", "4", "4", "4", "3", "2", "4", "5", "4"])  # 8 of 10 satisfied
    ev = evalcore.evaluate(_load(tmp_path, _row(survey="q.csv")))
    (r020,) = [f for f in ev.findings if f.code == "R020"]
    assert "有效问卷仅 10 份，不足 30 份" in r020.message and "满意率 80.0%" in r020.message


# ------------------------------------------------------------------------------------ carriers


def test_a_portfolio_table_naming_a_survey_reads_it_row_by_row(tmp_path: Path) -> None:
    from evalcore.authoring.writers import write_tables

    seed = yaml.safe_load(SURVEYED_SEED.read_text(encoding="utf-8"))
    shutil.copytree(DATA / "问卷", tmp_path / "tables" / "问卷")
    write_tables([seed], tmp_path / "tables")
    assert not eligible(TablePortfolio(tmp_path / "tables"))
    run = evalcore.evaluate_paths([tmp_path / "tables"])
    assert run.errors == []
    assert run.evaluations[0].card.total == pytest.approx(80.13)
    plain = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    write_tables([plain], tmp_path / "plain")  # no 问卷文件 column: the columnar path as before
    assert eligible(TablePortfolio(tmp_path / "plain"))


def test_a_workbook_with_a_questionnaire_column(tmp_path: Path) -> None:
    from evalcore.authoring.writers import write_workbook

    seed = yaml.safe_load(SURVEYED_SEED.read_text(encoding="utf-8"))
    shutil.copytree(DATA / "问卷", tmp_path / "问卷")
    write_workbook(seed, tmp_path / "seed.xlsx")
    ev = evalcore.evaluate(evalcore.load_project(tmp_path / "seed.xlsx"))
    assert ev.card.total == pytest.approx(80.13)
    assert any("有效问卷 60 份" in s.explanation.text for s in ev.card.indicators)


# ------------------------------------------------------------------------------------ the command


def test_cli_survey_json(tmp_path: Path) -> None:
    proc = subprocess.run(
        [*EVALCORE, "survey", str(COMMUNITY), str(VISITORS), "--json"], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    first, second = doc["surveys"]
    assert {"file", "error", "questions", "respondents", "duplicates", "blank_submissions"} <= set(first)
    (q,) = first["questions"]
    assert {"title", "valid", "counts", "blanks", "unknown", "rate", "interval", "usable"} <= set(q)
    assert (q["valid"], q["rate"], first["duplicates"], first["blank_submissions"]) == (60, 0.9, 1, 1)
    assert q["interval"] == pytest.approx(list(wilson(54, 60)))
    assert len(second["questions"]) == 2
    proc = subprocess.run(
        [*EVALCORE, "survey", str(VISITORS), "--question", "上访接待"], capture_output=True, text=True
    )
    assert proc.returncode == 0
    assert "有效问卷 50 份，满意率 80.0%（95% 置信区间 67.0%–88.8%）" in proc.stdout
    assert "办事大厅" not in proc.stdout


def test_cli_survey_exit_codes(tmp_path: Path) -> None:
    bad = _csv(tmp_path / "q.csv", ["满意"] * 3 + ["还行"])
    proc = subprocess.run([*EVALCORE, "survey", str(bad)], capture_output=True, text=True)
    assert proc.returncode == 1 and "「还行」1 份" in proc.stdout
    proc = subprocess.run([*EVALCORE, "survey", str(tmp_path / "none.csv")], capture_output=True, text=True)
    assert proc.returncode == 1 and "找不到问卷文件" in proc.stdout
    assert subprocess.run([*EVALCORE, "survey"], capture_output=True).returncode == 2


def test_script_regenerates_the_survey_fixtures_byte_for_byte(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "make_survey_data", ROOT / "scripts" / "make_survey_data.py"
    )
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    module.main(["--out", str(tmp_path)])
    for name in ("问卷/挂点社区满意度.csv", "问卷/上访群众满意度.xlsx", "nc-scjg-2019-zzxf-survey.yaml"):
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name
    assert math.isclose(read_survey(tmp_path / "问卷/挂点社区满意度.csv").questions[0].rate, 0.9)


def test_both_documents_show_the_survey_basis_under_the_indicator() -> None:
    from evalcore.presentation.document_html import document_html
    from evalcore.presentation.report import ProjectReport

    report = ProjectReport.from_path(SURVEYED_SEED)
    worksheet = str(report.indicators().html)  # 复核底稿: the explanation starts with the questionnaire
    assert "按问卷「问卷/挂点社区满意度.csv」" in worksheet and "有效问卷 50 份，满意率 80.0%" in worksheet
    submitted = str(document_html(report.document))  # 绩效评价报告: the paragraph's note
    assert "（问卷调查：有效问卷 60 份，满意率 90.0%，95% 置信区间 79.9%–95.3%）" in submitted
    assert "（问卷调查：有效问卷 50 份，满意率 80.0%，95% 置信区间 67.0%–88.8%）" in submitted


def test_score_json_carries_the_questionnaire_behind_a_satisfaction_row() -> None:
    """`score --json` names the questionnaire of each 满意度 row that reads one, with its counts and
    interval. 挂点社区: 54 of 60 valid (one duplicate, one blank removed): p = 0.9; Wilson with
    z = 1.96: centre (0.9 + 1.96²/120) / (1 + 1.96²/60) = 0.87592, half-width
    1.96 × √(0.9 × 0.1 / 60 + 1.96² / 14400) / 1.06403 = 0.07743 → 79.85%–95.34%. Rows without a
    questionnaire carry no "survey" key."""
    exe = Path(sys.executable).with_name("evalcore")
    proc = subprocess.run(
        [str(exe), "score", str(Path(__file__).parent / "data" / "nc-scjg-2019-zzxf-survey.yaml"), "--json"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)["projects"][0]["indicators"]
    surveyed = {r["name"]: r["survey"] for r in rows if "survey" in r}
    assert len(surveyed) == 2 and len(rows) > 2
    community = surveyed["挂点社区满意度（培训人员）"]
    assert (community["valid"], community["satisfied"], community["duplicates"], community["blanks"]) == (
        60,
        54,
        1,
        1,
    )
    assert community["file"] == "问卷/挂点社区满意度.csv" and community["rate"] == pytest.approx(0.9)
    assert community["low"] == pytest.approx(0.79850, abs=5e-5) and community["high"] == pytest.approx(
        0.95336, abs=5e-5
    )


def test_a_questionnaire_folder_beside_the_projects_is_read_through_them_only(tmp_path: Path) -> None:
    """A data folder as a department keeps it: the project, and its exports under 问卷/ (one .xlsx
    of 腾讯问卷, which is no project workbook, and one .csv). Both are read by the project's 问卷文件
    rows, so nothing is an error or a file left unread; an export no row names is listed."""
    from evalcore.inputs import SURVEY_NOTICE, load_paths

    data = Path(__file__).parent / "data"
    shutil.copy(data / "nc-scjg-2019-zzxf-survey.yaml", tmp_path / "project.yaml")
    shutil.copytree(data / "问卷", tmp_path / "问卷")
    loaded = load_paths([tmp_path])
    assert [p.project_id for p in loaded.projects] == ["nc-scjg-2019-zzxf"]
    assert loaded.errors == [] and loaded.skipped == []
    (tmp_path / "问卷" / "旧问卷.xlsx").write_bytes((tmp_path / "问卷" / "上访群众满意度.xlsx").read_bytes())
    again = load_paths([tmp_path])
    assert again.errors == [] and [(Path(n.path).name, n.reason) for n in again.skipped] == [
        ("旧问卷.xlsx", SURVEY_NOTICE)
    ]
