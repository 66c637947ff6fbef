"""The template departments fill in: the form the reader expects, notes and drop-downs to fill it
right, instructions, and a worked example that loads as one valid project."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from evalcore.authoring.template import SHEET_GUIDE, VALIDATION_LAST_ROW, write_template
from evalcore.evaluation import evaluate
from evalcore.fields import (
    BUDGET_FIELDS,
    INDICATOR_FIELDS,
    PROJECT_AND_NARRATIVE_FIELDS,
    SHEET_BUDGET,
    SHEET_INDICATORS,
    SHEET_PROJECT,
)
from evalcore.inputs import load_paths
from evalcore.vocabulary import DIRECTIONS


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "填报模板.xlsx"
    write_template(path)
    return path


@pytest.fixture(scope="module")
def wb(template: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(template)


def _validations(ws) -> dict[str, tuple[str, str]]:
    """{range: (type, formula1)} of a sheet's data validations."""
    return {
        str(r): (dv.type, dv.formula1) for dv in ws.data_validations.dataValidation for r in dv.sqref.ranges
    }


def _column(fields, key: str) -> str:
    return openpyxl.utils.get_column_letter([f.key for f in fields].index(key) + 1)


def test_has_the_three_form_sheets_and_the_instructions(wb: openpyxl.Workbook) -> None:
    assert wb.sheetnames == [SHEET_PROJECT, SHEET_BUDGET, SHEET_INDICATORS, SHEET_GUIDE]


def test_headers_are_the_field_labels(wb: openpyxl.Workbook) -> None:
    assert [c.value for c in wb[SHEET_BUDGET][1]] == [f.label for f in BUDGET_FIELDS]
    assert [c.value for c in wb[SHEET_INDICATORS][1]] == [f.label for f in INDICATOR_FIELDS]
    labels = [row[0] for row in wb[SHEET_PROJECT].iter_rows(min_row=2, max_col=1, values_only=True)]
    assert labels == [f.label for f in PROJECT_AND_NARRATIVE_FIELDS]


def test_every_header_carries_a_note_saying_required_or_not(wb: openpyxl.Workbook) -> None:
    cells = [
        *wb[SHEET_BUDGET][1],
        *wb[SHEET_INDICATORS][1],
        *(row[0] for row in wb[SHEET_PROJECT].iter_rows(min_row=2, max_col=1)),
    ]
    fields = {f.label: f for f in (*BUDGET_FIELDS, *INDICATOR_FIELDS, *PROJECT_AND_NARRATIVE_FIELDS)}
    for cell in cells:
        assert cell.comment is not None, cell.coordinate
        text = cell.comment.text
        assert ("必填" if fields[cell.value].required else "选填") in text
        assert len(text) > len(cell.value) + 4  # says more than its own name
    notes = {c.value: c.comment.text for c in wb[SHEET_INDICATORS][1]}
    assert "≥200人次" in notes["年度指标值"]


def test_direction_and_applicable_columns_have_drop_down_lists(wb: openpyxl.Workbook) -> None:
    ws = wb[SHEET_INDICATORS]
    found = _validations(ws)
    d = _column(INDICATOR_FIELDS, "direction")
    kind, formula = found[f"{d}2:{d}{VALIDATION_LAST_ROW}"]
    assert kind == "list" and formula.strip('"').split(",") == list(DIRECTIONS)
    a = _column(INDICATOR_FIELDS, "applicable")
    kind, formula = found[f"{a}2:{a}{VALIDATION_LAST_ROW}"]
    assert kind == "list" and formula.strip('"').split(",") == ["是", "否"]
    assert VALIDATION_LAST_ROW >= 500


def test_instructions_explain_units_targets_levels_and_the_example(wb: openpyxl.Workbook) -> None:
    text = "\n".join(str(v) for (v,) in wb[SHEET_GUIDE].iter_rows(values_only=True) if v)
    for phrase in (
        "万元",
        "≥200人次",
        "≥70%",
        "12月31日前",
        "达成年度指标",
        "部分达成年度指标并具有一定效果",
        "未达成年度指标且效果较差",
        "年度资金总额",
        "当年财政拨款",
        "示例",
        "覆盖",
    ):
        assert phrase in text, phrase


def test_worked_example_is_one_total_row_one_grant_row_one_indicator(wb: openpyxl.Workbook) -> None:
    budget = [r for r in wb[SHEET_BUDGET].iter_rows(min_row=2, values_only=True) if any(r)]
    assert [r[0] for r in budget] == ["年度资金总额", "当年财政拨款"]
    indicators = [r for r in wb[SHEET_INDICATORS].iter_rows(min_row=2, values_only=True) if any(r)]
    assert len(indicators) == 1
    row = dict(zip((f.key for f in INDICATOR_FIELDS), indicators[0], strict=True))
    assert row["direction"] == "≥" and row["target"].endswith("人次")


def test_untouched_template_loads_as_one_valid_project(template: Path) -> None:
    result = load_paths([template])
    assert result.errors == []
    assert len(result.projects) == 1
    project = result.projects[0]
    assert "示例" in project.name and project.amount_unit == "万元"
    evaluation = evaluate(project)  # scores without error; a one-indicator example is under-itemised
    assert evaluation.card.budget.execution_rate == pytest.approx(0.95)
    assert {f.code for f in evaluation.findings} <= {"R001", "R004"}


def test_template_bytes_are_reproducible(tmp_path: Path, template: Path) -> None:
    write_template(tmp_path / "again.xlsx")
    assert (tmp_path / "again.xlsx").read_bytes() == template.read_bytes()
