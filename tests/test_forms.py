"""Published self-evaluation forms, transcribed cell for cell as printed (`tests/forms/*.yaml`, the
source of each in its header), scored as a careful reviewer scores them by hand
(`*.expected.yaml`, the reasoning in its comments; worked out from the form, never from evalcore's
output). Every form loads; every hand-worked score, total and grade is what evalcore gives; the
defects a reviewer sees are raised and the ones a reviewer would not raise are not; nothing is
above its weight or above 100. A form also kept as a one-sheet workbook in the national layout
(`*.xlsx`, built by `tests/forms/build_*_workbooks.py`) must read to the same scores.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

import evalcore
from evalcore.inputs import load_paths

FORMS = Path(__file__).parent / "forms"
EXPECTED = sorted(FORMS.glob("*.expected.yaml"))
TOL = 0.005 + 1e-9  # hand-worked scores are written to the hundredth


def _form(expected: Path) -> Path:
    return expected.with_name(expected.name.replace(".expected.yaml", ".yaml"))


def _expected(expected: Path) -> dict[str, Any]:
    return yaml.safe_load(expected.read_text(encoding="utf-8")) or {}


def test_the_forms_cover_ten_published_forms_of_five_provinces() -> None:
    forms = [_form(e) for e in EXPECTED]
    assert all(f.is_file() for f in forms)
    provinces = {f.name.split("-")[0] for f in forms}
    assert len(forms) >= 10 and len(provinces) >= 5, (len(forms), sorted(provinces))
    for f in forms:  # each says where it was published
        head = f.read_text(encoding="utf-8").split("\n", 12)
        assert any(line.startswith("#") and ("来源" in line or "source" in line.lower()) for line in head), (
            f.name
        )
    assert len(list(FORMS.glob("*.xlsx"))) >= 3


def _evaluate(path: Path) -> evalcore.Evaluation:
    loaded = load_paths([path])
    assert not loaded.errors, [str(e) for e in loaded.errors]
    assert len(loaded.projects) == 1
    return evalcore.evaluate(loaded.projects[0])


def _check(ev: evalcore.Evaluation, want: dict[str, Any], where: str) -> None:
    card = ev.card
    by_name = {s.indicator.name: s for s in card.indicators}
    for name, row in (want.get("indicators") or {}).items():
        assert name in by_name, f"{where}: 「{name}」 not among {sorted(by_name)}"
        s = by_name[name]
        expected = (row or {}).get("score")
        if expected is None:  # an unweighted detail row: carried, not scored
            assert s.indicator.detail and s.score == 0, (where, name, s.explanation.text)
        else:
            assert s.score == pytest.approx(expected, abs=TOL), (where, name, s.explanation.text)
    if want.get("budget_score") is not None:
        assert card.budget.score == pytest.approx(want["budget_score"], abs=TOL), card.budget.explanation.text
    if want.get("total") is not None:
        assert card.total == pytest.approx(want["total"], abs=TOL), (where, card.total_raw)
    if want.get("grade") is not None:
        assert card.grade == want["grade"], where
    codes = {f.code for f in ev.findings}
    for code in want.get("findings") or []:
        assert code in codes, f"{where}: {code} expected among {sorted(codes)}"
    for code in want.get("absent") or []:
        assert code not in codes, (where, [f.message for f in ev.findings if f.code == code])
    wrongly_flagged = {f.subject for f in ev.findings if f.code == "R002"}
    for name in want.get("printed_right") or []:
        assert name not in wrongly_flagged, (where, name, by_name[name].explanation.text)
    # never above the weight, never above 100
    assert all(s.score <= s.weight + 1e-9 for s in card.indicators), where
    assert all(c.score <= c.weight + 1e-9 for c in card.categories), where
    assert card.total <= 100


@pytest.mark.parametrize("expected", EXPECTED, ids=lambda p: p.name.removesuffix(".expected.yaml"))
def test_a_published_form_scores_as_a_reviewer_scores_it(expected: Path) -> None:
    _check(_evaluate(_form(expected)), _expected(expected), _form(expected).name)


WORKBOOKS = sorted(FORMS.glob("*.xlsx"))


@pytest.mark.parametrize("workbook", WORKBOOKS, ids=lambda p: p.name)
def test_a_form_as_a_printed_workbook_reads_as_its_transcription(workbook: Path) -> None:
    """The same form laid out on one sheet as printed (national layout and its variants) gives the
    same scores as its YAML transcription, and what the reviewer expects of it."""
    expected = workbook.with_name(workbook.name.replace(".xlsx", ".expected.yaml"))
    from_yaml = _evaluate(workbook.with_suffix(".yaml"))
    from_sheet = _evaluate(workbook)
    # rows as scored (a sheet also carries the form's empty template lines, `指标2:`, which score nothing)
    yaml_scores = {s.indicator.name: round(s.score, 6) for s in from_yaml.card.indicators if s.weight}
    sheet_scores = {s.indicator.name: round(s.score, 6) for s in from_sheet.card.indicators if s.weight}
    assert sheet_scores == yaml_scores
    assert from_sheet.card.total == from_yaml.card.total
    assert from_sheet.card.budget.score == pytest.approx(from_yaml.card.budget.score)
    _check(from_sheet, _expected(expected), workbook.name)


def _sheets_of(workbook: Path) -> list:
    """The printed workbook's sheets as the format-neutral `Sheet`s the other writers take (cells,
    merged ranges, percent formats), to save the same form as WPS and LibreOffice would."""
    import openpyxl
    from national_sheets import Sheet

    wb = openpyxl.load_workbook(workbook)
    out = []
    for ws in wb.worksheets:
        sheet = Sheet(ws.title)
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None and not isinstance(cell, openpyxl.cell.cell.MergedCell):
                    sheet.cells[(cell.row, cell.column)] = cell.value
                    if "%" in (cell.number_format or ""):
                        sheet.percent.add((cell.row, cell.column))
        sheet.merges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
        out.append(sheet)
    return out


@pytest.mark.parametrize("suffix", [".xls", ".ods"])
@pytest.mark.parametrize("workbook", WORKBOOKS, ids=lambda p: p.name)
def test_a_printed_form_saved_as_xls_or_ods_reads_the_same(
    workbook: Path, suffix: str, tmp_path: Path
) -> None:
    """What WPS and older Excel save (.xls) and LibreOffice (.ods): the same printed form, the same scores."""
    from national_sheets import write_book

    other = write_book(tmp_path / workbook.with_suffix(suffix).name, _sheets_of(workbook))
    from_xlsx, from_other = _evaluate(workbook), _evaluate(other)
    scores = [
        {s.indicator.name: round(s.score, 6) for s in ev.card.indicators if s.weight}
        for ev in (from_xlsx, from_other)
    ]
    assert scores[0] == scores[1]
    assert from_other.card.total == from_xlsx.card.total
    assert {f.code for f in from_other.findings} == {f.code for f in from_xlsx.findings}


def test_the_template_and_portfolio_tables_need_no_direction_column(tmp_path: Path) -> None:
    """Most provincial layouts have no 指标性质 column: a form typed into the product's template, or a
    budget system's tables, without one loads, every row's 指标性质 inferred from its target and said
    (R013), with the scores its transcription gets."""
    from evalcore.authoring.writers import write_tables, write_workbook

    form = yaml.safe_load((FORMS / "sichuan-zhongjiang-shuibiaochi-2022.yaml").read_text(encoding="utf-8"))
    assert all("direction" not in row for row in form["indicators"])  # the printed form has no such column
    form["project_id"] = "zj-2022"
    write_workbook(form, tmp_path / "zj.xlsx")
    write_tables([form], tmp_path / "tables")
    (tmp_path / "zj.yaml").write_text(yaml.safe_dump(form, allow_unicode=True), encoding="utf-8")
    import csv

    import openpyxl

    wb = openpyxl.load_workbook(tmp_path / "zj.xlsx")  # take the (empty) 指标性质 column out of both
    ws = wb["绩效指标"]
    ws.delete_cols([c.value for c in ws[1]].index("指标性质") + 1)
    wb.save(tmp_path / "zj.xlsx")
    table = tmp_path / "tables" / "indicators.csv"
    with table.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    drop = rows[0].index("direction")
    with table.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([r[:drop] + r[drop + 1 :] for r in rows])
    assert "指标性质" not in [c.value for c in openpyxl.load_workbook(tmp_path / "zj.xlsx")["绩效指标"][1]]
    runs = [_evaluate(tmp_path / "zj.yaml"), _evaluate(tmp_path / "zj.xlsx")]
    tables = load_paths([tmp_path / "tables"])
    assert not tables.errors
    runs.append(evalcore.evaluate(tables.projects[0]))
    scores = [{s.indicator.name: round(s.score, 6) for s in ev.card.indicators} for ev in runs]
    assert scores[0] == scores[1] == scores[2]
    assert all("R013" in {f.code for f in ev.findings} for ev in runs)
    assert runs[0].card.total == runs[1].card.total == runs[2].card.total == 90
