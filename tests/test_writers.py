"""Writers: every carrier we write reads back to the same values, through openpyxl, csv, pandas and
the real readers, and the files are byte-reproducible."""

from __future__ import annotations

import copy
import csv
import io
import time
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from evalcore.authoring.writers import (
    safe_component,
    write_project_files,
    write_tables,
    write_workbook,
    write_yaml,
)
from evalcore.fields import (
    BUDGET_FIELDS,
    INDICATOR_FIELDS,
    NARRATIVE_KEYS,
    PROJECT_AND_NARRATIVE_FIELDS,
    PROJECT_FIELDS,
    PROJECT_SHEET_HEADERS,
    SHEET_BUDGET,
    SHEET_INDICATORS,
    SHEET_PROJECT,
)
from evalcore.inputs import load_paths
from evalcore.presentation.cells import FORMULA_TRIGGERS, restore_cell

SEED = Path(__file__).resolve().parents[1] / "data" / "seed" / "nc-scjg-2019-zzxf.yaml"


@pytest.fixture
def seed() -> dict:
    return yaml.safe_load(SEED.read_text(encoding="utf-8"))


def _same(a: object, b: object) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(a - b) < 1e-9
    return a == b


# ------------------------------------------------------------------ workbook


def test_workbook_round_trips_through_openpyxl(seed: dict, tmp_path: Path) -> None:
    path = tmp_path / "p.xlsx"
    write_workbook(seed, path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[:3] == [SHEET_PROJECT, SHEET_BUDGET, SHEET_INDICATORS]

    facts = list(wb[SHEET_PROJECT].iter_rows(values_only=True))
    assert facts[0] == PROJECT_SHEET_HEADERS
    by_label = {label: value for label, value in facts[1:]}
    assert list(by_label) == [f.label for f in PROJECT_AND_NARRATIVE_FIELDS]  # narrative rows always listed
    for f in PROJECT_AND_NARRATIVE_FIELDS:
        assert _same(by_label[f.label], seed.get(f.key)), f.key

    for sheet, fields, rows in (
        (SHEET_BUDGET, BUDGET_FIELDS, seed["budget"]),
        (SHEET_INDICATORS, INDICATOR_FIELDS, seed["indicators"]),
    ):
        read = list(wb[sheet].iter_rows(values_only=True))
        assert read[0] == tuple(f.label for f in fields)
        assert len(read) - 1 == len(rows)
        for got, want in zip(read[1:], rows, strict=True):
            for f, value in zip(fields, got, strict=True):
                assert _same(value, want.get(f.key)), (sheet, f.key)


def test_workbook_keeps_numbers_numeric_and_text_textual(tmp_path: Path, seed: dict) -> None:
    seed["indicators"][0].update(direction="=", target="=8个", actual="=8个", unit="个")  # would be a formula
    seed["project_id"] = "0012"  # would be a number
    path = tmp_path / "p.xlsx"
    write_workbook(seed, path)
    wb = openpyxl.load_workbook(path)
    ind = wb[SHEET_INDICATORS]
    assert ind["E2"].value == "=8个" and ind["E2"].data_type == "s"
    assert ind["D2"].value == "=" and ind["D2"].data_type == "s"
    assert ind["H2"].data_type == "n" and ind["H2"].value == 10
    assert wb[SHEET_PROJECT]["B2"].value == "0012"
    assert isinstance(wb[SHEET_BUDGET]["C2"].value, int | float)
    result = load_paths([path])
    assert result.errors == []
    assert result.projects[0].indicators[0].target.raw == "=8个"


def test_workbook_header_is_bold_and_frozen(seed: dict, tmp_path: Path) -> None:
    path = tmp_path / "p.xlsx"
    write_workbook(seed, path)
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2"
        assert all(c.font.bold for c in ws[1])
        assert ws.column_dimensions["A"].width >= 8


def test_workbook_strips_characters_excel_cannot_hold(seed: dict, tmp_path: Path) -> None:
    seed["name"] = "综治\x07信访"
    path = tmp_path / "p.xlsx"
    write_workbook(seed, path)
    assert openpyxl.load_workbook(path)[SHEET_PROJECT]["B3"].value == "综治信访"


def test_workbook_bytes_do_not_depend_on_the_clock(seed: dict, tmp_path: Path) -> None:
    write_workbook(seed, tmp_path / "a.xlsx")
    time.sleep(1.1)  # zip entries carry 2-second timestamps; core.xml carries the save time
    write_workbook(seed, tmp_path / "b.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


# ------------------------------------------------------------------ YAML


def test_yaml_round_trips_with_keys_in_field_order(seed: dict, tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    write_yaml(seed, path)
    back = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert back == seed
    order = [f.key for f in PROJECT_AND_NARRATIVE_FIELDS if f.key in back]
    assert [k for k in back if k not in ("budget", "indicators")] == order
    assert list(back)[-2:] == ["budget", "indicators"]
    assert list(back["indicators"][0]) == [f.key for f in INDICATOR_FIELDS if f.key in back["indicators"][0]]
    text = path.read_text(encoding="utf-8")
    assert "综治信访" in text and "\\u" not in text  # readable Chinese, not escapes


def test_yaml_keeps_numeric_looking_text_as_text(seed: dict, tmp_path: Path) -> None:
    seed["indicators"][0].update(target="100", actual="0012")
    write_yaml(seed, tmp_path / "p.yaml")
    back = yaml.safe_load((tmp_path / "p.yaml").read_text(encoding="utf-8"))
    assert back["indicators"][0]["target"] == "100" and back["indicators"][0]["actual"] == "0012"


# ------------------------------------------------------------------ tables


def _read_csv(path: Path, encoding: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode(encoding))))


def test_tables_have_canonical_headers_and_project_id_first(seed: dict, tmp_path: Path) -> None:
    write_tables([seed], tmp_path)
    projects = _read_csv(tmp_path / "projects.csv", "utf-8")
    budget = _read_csv(tmp_path / "budget.csv", "utf-8")
    indicators = _read_csv(tmp_path / "indicators.csv", "utf-8")
    assert projects[0] == [*(f.key for f in PROJECT_FIELDS), *NARRATIVE_KEYS]  # the seed has a narrative
    plain = {k: v for k, v in seed.items() if k not in NARRATIVE_KEYS}
    write_tables([plain], tmp_path / "plain")
    assert _read_csv(tmp_path / "plain" / "projects.csv", "utf-8")[0] == [f.key for f in PROJECT_FIELDS]
    assert budget[0] == ["project_id", *(f.key for f in BUDGET_FIELDS)]
    assert indicators[0] == ["project_id", *(f.key for f in INDICATOR_FIELDS)]
    assert len(budget) - 1 == len(seed["budget"]) and len(indicators) - 1 == len(seed["indicators"])
    assert {row[0] for row in budget[1:] + indicators[1:]} == {seed["project_id"]}
    assert indicators[2][indicators[0].index("actual")] == "146人次"


def test_gb18030_tables_are_gb18030_not_utf8(seed: dict, tmp_path: Path) -> None:
    write_tables([seed], tmp_path, encoding="gb18030")
    raw = (tmp_path / "indicators.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("gb18030")
    assert "接待信访群众" in text and "≥" in text
    result = load_paths([tmp_path])
    assert result.errors == [] and [p.project_id for p in result.projects] == [seed["project_id"]]


def test_parquet_tables_are_typed(seed: dict, tmp_path: Path) -> None:
    write_tables([seed, {**copy.deepcopy(seed), "project_id": "second"}], tmp_path, fmt="parquet")
    ind = pd.read_parquet(tmp_path / "indicators.parquet")
    assert len(ind) == 2 * len(seed["indicators"])
    assert ind["weight"].dtype.kind == "f" and ind["target"].iloc[1] == "200人次"
    assert pd.read_parquet(tmp_path / "projects.parquet")["year"].dtype.kind == "i"
    result = load_paths([tmp_path])
    assert result.errors == [] and {p.project_id for p in result.projects} == {seed["project_id"], "second"}


def test_tables_reject_unknown_format(seed: dict, tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        write_tables([seed], tmp_path, fmt="xls")


@given(
    st.lists(
        st.text(alphabet=st.characters(codec="gb18030", exclude_categories=("Cs", "Cc")), max_size=30),
        min_size=1,
        max_size=5,
    )
)
def test_csv_text_round_trips_in_any_gb18030_text(names: list[str]) -> None:
    import tempfile

    projects = [
        {
            "project_id": f"p{i}",
            "name": n,
            "budget": [],
            "indicators": [{"name": n, "target": n, "weight": 1}],
        }
        for i, n in enumerate(names)
    ]
    with tempfile.TemporaryDirectory() as d:
        write_tables(projects, Path(d), encoding="gb18030")
        rows = _read_csv(Path(d) / "projects.csv", "gb18030")
        inds = _read_csv(Path(d) / "indicators.csv", "gb18030")
    name_col = rows[0].index("name")
    # text that Excel would read as a formula is written with a leading apostrophe (cells.safe_cell)
    assert [restore_cell(r[name_col]) for r in rows[1:]] == names
    assert [restore_cell(r[inds[0].index("target")]) for r in inds[1:]] == names
    assert not any(r[name_col][:1] in FORMULA_TRIGGERS for r in rows[1:])


# ------------------------------------------------------------------ one file per project


def test_project_files_land_in_department_folders_and_load(seed: dict, tmp_path: Path) -> None:
    second = {**copy.deepcopy(seed), "project_id": "nc-2", "department": "南昌市教育局"}
    for fmt in ("yaml", "xlsx"):
        out = tmp_path / fmt
        paths = write_project_files([seed, second], out, fmt)
        assert [p.relative_to(out).as_posix() for p in paths] == [
            f"南昌市市场监督管理局/nc-scjg-2019-zzxf.{fmt}",
            f"南昌市教育局/nc-2.{fmt}",
        ]
        result = load_paths([out])
        assert result.errors == []
        assert sorted(p.project_id for p in result.projects) == ["nc-2", "nc-scjg-2019-zzxf"]


def test_hostile_ids_and_departments_stay_inside_the_output(seed: dict, tmp_path: Path) -> None:
    evil = [
        {**copy.deepcopy(seed), "project_id": pid, "department": dept}
        for pid, dept in (
            ("../../etc/passwd", ".."),
            ("a/b", "x\\y"),
            ("a_b", "x\\y"),
            ("CON", "部门\n二"),
            ("", None),
        )
    ]
    paths = write_project_files(evil, tmp_path, "yaml")
    assert len(set(paths)) == len(evil)  # a/b and a_b sanitise alike but must not overwrite
    for p in paths:
        rel = p.relative_to(tmp_path)
        assert len(rel.parts) == 2 and p.resolve().is_relative_to(tmp_path.resolve())
        assert p.is_file()


@given(st.text(max_size=300))
def test_safe_component_is_one_harmless_path_component(text: str) -> None:
    s = safe_component(text)
    assert s and s not in (".", "..")
    assert not any(ch in s for ch in '/\\:*?"<>|') and all(ord(ch) >= 32 and ord(ch) != 127 for ch in s)
    assert len(s) <= 81 and not s.startswith(".")
