"""The report's own words (立项背景 … 改进措施): every carrier reads them alike, verbatim.

A department writes these paragraphs once, in whatever it fills in — the YAML file, the template
workbook, a budget system's table export (UTF-8 or GBK CSV, Parquet) — and the 绩效评价报告 prints them
as written. So each carrier must give the same `Project.narrative`: line breaks kept (CRLF read as
LF), blank lines and spaces around the text dropped, markup, field codes and formula text kept as
text, and a YAML value that is no text (a list, a mapping, yes/no) refused with its YAML path.
"""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import openpyxl
import orjson
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pv
import pyarrow.parquet as pq
import pytest
import yaml
from test_carriers import (
    CARRIERS,
    ZH,
    records,
    seed_project,
    write_csv_tables,
    write_parquet_tables,
    write_yaml,
)

from evalcore import load_paths
from evalcore.authoring.template import write_template
from evalcore.authoring.writers import write_tables, write_workbook
from evalcore.fields import NARRATIVE_FIELDS, NARRATIVE_KEYS, SHEET_PROJECT
from evalcore.inputs import table_chunk
from evalcore.inputs.records import build_project
from evalcore.inputs.table_chunk import TableChunk
from evalcore.inputs.tables_reader import TablePortfolio
from evalcore.model import NO_NARRATIVE, Narrative, Project
from evalcore.pipeline import score_stream

ROOT = Path(__file__).resolve().parents[1]
SEED_YAML = ROOT / "data" / "seed" / "nc-scjg-2019-zzxf.yaml"
SEED_REPORT = ROOT.parent / "shared" / "seed" / "000_102236c5a3cd2742.txt"

#: What a department types (GBK-safe, so every CSV encoding carries it) …
TYPED = {
    "background": "  \r\n第一段：组织开展综合治理、平安创建等工作。\r\n\r\n第二段：密切党和群众联系。  \r\n\r\n",
    "purpose": "<script>alert(1)</script>",
    "content": "{ PAGE } 与 DDE 字段：{ DDEAUTO c:\\windows\\system32\\cmd.exe }",
    "funds_use": "预算安排60万元，实际支出53万元。",
    "management": "=SUM(A1:A3)",
    "basis": "《文件一》\n《文件二》\n《文件三》",
    "eval_purpose": "+加强财政支出管理",
    "principles": "-（1）洪府发〔2014〕8号",
    "eval_method": "@问卷调查、询问查证",
    "eval_process": "1.成立评价工作组\n\t2.制定评价方案",
    "experience": "",
    "problems": "存在的问题：目标值设定有待提高。",
    "measures": "   ",
}
#: … and what the report gets: the same text, stripped, `\n` only, blank fields not given.
EXPECTED = Narrative(
    background="第一段：组织开展综合治理、平安创建等工作。\n\n第二段：密切党和群众联系。",
    purpose="<script>alert(1)</script>",
    content="{ PAGE } 与 DDE 字段：{ DDEAUTO c:\\windows\\system32\\cmd.exe }",
    funds_use="预算安排60万元，实际支出53万元。",
    management="=SUM(A1:A3)",
    basis="《文件一》\n《文件二》\n《文件三》",
    eval_purpose="+加强财政支出管理",
    principles="-（1）洪府发〔2014〕8号",
    eval_method="@问卷调查、询问查证",
    eval_process="1.成立评价工作组\n\t2.制定评价方案",
    problems="存在的问题：目标值设定有待提高。",
)


def _told(**extra: object) -> dict:
    p = seed_project()
    p.update(TYPED)
    p.update(extra)
    return p


def _one(path: Path) -> Project:
    run = load_paths([path])
    assert run.errors == [], [str(e) for e in run.errors]
    [project] = run.projects
    return project


# ---------------------------------------------------------------- vocabulary and model


def test_one_vocabulary_in_report_order() -> None:
    assert list(NARRATIVE_FIELDS.items()) == [
        ("background", "立项背景"),
        ("purpose", "立项目的"),
        ("content", "项目内容"),
        ("funds_use", "资金使用情况"),
        ("management", "组织管理情况"),
        ("basis", "项目依据"),
        ("eval_purpose", "评价目的"),
        ("principles", "评价原则和依据"),
        ("eval_method", "评价方法"),
        ("eval_process", "工作过程"),
        ("experience", "经验做法"),
        ("problems", "存在的问题"),
        ("measures", "改进措施"),
    ]
    assert [f.name for f in dataclasses.fields(Narrative)] == list(NARRATIVE_KEYS)
    assert EXPECTED.get("basis") == "《文件一》\n《文件二》\n《文件三》" and EXPECTED.get("experience") == ""
    with pytest.raises(KeyError):
        EXPECTED.get("backgroud")
    assert [k for k, _ in EXPECTED.items()] == [
        k for k in NARRATIVE_KEYS if k not in ("experience", "measures")
    ]
    assert not Narrative() and EXPECTED and NO_NARRATIVE.as_dict() == {}
    with pytest.raises(dataclasses.FrozenInstanceError):
        EXPECTED.background = "x"  # type: ignore[misc]


def test_a_project_without_a_narrative_has_the_empty_one(tmp_path: Path) -> None:
    project = _one(write_yaml(seed_project(), tmp_path / "p.yaml"))
    assert project.narrative == Narrative() and not project.narrative
    [rec] = records(tmp_path / "p.yaml")
    assert rec["narrative"] == {}


# ---------------------------------------------------------------- every carrier


@pytest.mark.parametrize("carrier", list(CARRIERS))
def test_every_carrier_reads_the_narrative_alike(carrier: str, tmp_path: Path) -> None:
    """YAML, workbooks with Chinese or English headers, CSV in UTF-8 (with or without BOM), GBK and
    GB18030, Parquet: the same Narrative, and the same `narrative` in the JSON record."""
    path = CARRIERS[carrier](_told(), tmp_path)
    assert _one(path).narrative == EXPECTED
    [rec] = records(path)
    assert rec["narrative"] == EXPECTED.as_dict()
    assert list(rec["narrative"]) == [k for k in NARRATIVE_KEYS if EXPECTED.get(k)]


def test_yaml_by_chinese_labels_and_variants(tmp_path: Path) -> None:
    p = seed_project()
    doc = {**p, **{ZH[k]: v for k, v in TYPED.items()}}  # 组织管理, 立项依据, 存在问题, 改进建议 …
    assert _one(write_yaml(doc, tmp_path / "zh.yaml")).narrative == EXPECTED
    variants = {"存在的问题": "甲", "整改措施": "乙", "经验做法": "丙", "工作过程": "丁", "资金使用": "戊"}
    got = _one(write_yaml({**p, **variants}, tmp_path / "v.yaml")).narrative
    assert (got.problems, got.measures, got.experience, got.eval_process, got.funds_use) == tuple(
        "甲乙丙丁戊"
    )


def test_yaml_block_scalars_keep_their_line_breaks(tmp_path: Path) -> None:
    path = tmp_path / "block.yaml"
    head = yaml.safe_dump(seed_project(), allow_unicode=True, sort_keys=False)
    path.write_text(
        head
        + "background: |\n  第一行\n\n  第三行 <b>粗体</b>\n"
        + "problems: >-\n  折叠的\n  一段\n"
        + "measures: 2019\n",  # a number is text, as in every text cell
        encoding="utf-8",
    )
    n = _one(path).narrative
    assert (n.background, n.problems, n.measures) == ("第一行\n\n第三行 <b>粗体</b>", "折叠的 一段", "2019")


@pytest.mark.parametrize(
    ("value", "says"),
    [(["第一条", "第二条"], "列表"), ({"一": "甲"}, "字段映射"), (True, "是/否")],
)
def test_yaml_value_that_is_no_text_names_its_path(value: object, says: str, tmp_path: Path) -> None:
    path = write_yaml(_told(problems=value), tmp_path / "bad.yaml")
    run = load_paths([path])
    assert run.projects == []
    [error] = run.errors
    assert error.where.path == "problems" and error.where.field == "存在的问题"
    assert says in str(error) and "problems" in str(error) and "bad.yaml" in str(error)


def test_every_problem_of_the_project_is_listed(tmp_path: Path) -> None:
    path = write_yaml(_told(problems=["x"], year="二〇一九"), tmp_path / "two.yaml")
    run = load_paths([path])
    assert run.projects == [] and [e.where.path for e in run.errors] == ["year", "problems"]


# ---------------------------------------------------------------- the template workbook


def test_template_lists_the_narrative_rows_with_instructions(tmp_path: Path) -> None:
    write_template(tmp_path / "t.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx")[SHEET_PROJECT]
    rows = {r[0].value: r for r in ws.iter_rows(min_row=2, max_col=2)}
    for label in NARRATIVE_FIELDS.values():
        label_cell, value_cell = rows[label]
        note = label_cell.comment.text
        assert "选填" in note and "原样写入绩效评价报告" in note and "【草稿】" in note, label
        assert value_cell.value is None and value_cell.number_format == "@"
    guide = " ".join(
        str(c.value) for (c,) in openpyxl.load_workbook(tmp_path / "t.xlsx")["填写说明"].iter_rows()
    )
    assert "立项背景" in guide and "【草稿】" in guide


def test_template_round_trip(tmp_path: Path) -> None:
    """Write the template, type the narrative into 项目信息 as a department would (Alt+Enter line
    breaks, a formula typed as text), read the workbook back."""
    path = tmp_path / "填报.xlsx"
    write_template(path)
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET_PROJECT]
    keys = {label: key for key, label in NARRATIVE_FIELDS.items()}
    for label_cell, value_cell in ws.iter_rows(min_row=2, max_col=2):
        key = keys.get(label_cell.value)
        if key is not None and TYPED[key].strip():
            value_cell.value = TYPED[key]
            value_cell.data_type = "s"  # what Excel stores for text typed into a text (@) cell
    wb.save(path)
    assert _one(path).narrative == EXPECTED


def test_a_formula_cell_reads_as_its_value_and_formula_text_as_text(tmp_path: Path) -> None:
    """A real formula in a narrative cell is read as the readers read any cell (its cached value;
    openpyxl writes none, so blank); the same characters typed as text stay text."""
    path = tmp_path / "formula.xlsx"
    write_workbook(seed_project(), path)
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET_PROJECT]
    rows = {r[0].value: r[1] for r in ws.iter_rows(min_row=2, max_col=2)}
    rows["立项背景"].value = '=CONCATENATE("立项", "背景")'  # a formula
    rows["项目依据"].value = "=SUM(A1:A3)"
    rows["项目依据"].data_type = "s"  # text
    wb.save(path)
    n = _one(path).narrative
    assert n.background == "" and n.basis == "=SUM(A1:A3)"


def test_workbook_writer_and_reader_agree(tmp_path: Path) -> None:
    write_workbook(_told(), tmp_path / "w.xlsx")
    assert _one(tmp_path / "w.xlsx").narrative == EXPECTED


# ---------------------------------------------------------------- portfolio tables


def _all_text(csv_path: Path) -> dict[str, pa.DataType]:
    header = csv_path.read_text(encoding="utf-8").split("\n", 1)[0].split(",")
    return dict.fromkeys(header, pa.string())


def _portfolio(n: int) -> list[dict]:
    """n projects; every third gives a narrative (its own), the rest none."""
    out = []
    for i in range(n):
        p = seed_project() if i % 3 else _told(background=f"第{i}个项目的立项背景\r\n第二行")
        p["project_id"] = f"n-{i:03d}"
        out.append(p)
    return out


@pytest.mark.parametrize("fmt", ["csv-utf8", "csv-gbk", "parquet-text", "parquet-pandas"])
def test_chunked_and_row_by_row_table_readers_agree(fmt: str, tmp_path: Path) -> None:
    """The columnar chunk (what `score --json` reads) and `build_project` give the same narrative
    for every project of a table folder, and `score --json` writes the same bytes either way."""
    projects = _portfolio(12)
    folder = tmp_path / "tables"
    if fmt.startswith("csv"):
        write_csv_tables(projects, folder, "gbk" if fmt == "csv-gbk" else "utf-8")
    elif fmt == "parquet-text":  # every column text without nulls, but the narrative's blanks null
        write_csv_tables(projects, tmp_path / "csv")
        for stem in ("projects", "budget", "indicators"):
            table = pv.read_csv(
                tmp_path / "csv" / f"{stem}.csv",
                convert_options=pv.ConvertOptions(column_types=_all_text(tmp_path / "csv" / f"{stem}.csv")),
            )
            for i, name in enumerate(table.column_names):
                if stem == "projects" and name in {ZH[k] for k in NARRATIVE_KEYS}:
                    column = pc.if_else(pc.equal(table.column(i), ""), None, table.column(i))
                    table = table.set_column(i, name, column)
            folder.mkdir(exist_ok=True)
            pq.write_table(table, folder / f"{stem}.parquet")
    else:
        write_parquet_tables(projects, folder)  # pandas: every blank null
    portfolio = TablePortfolio(folder)
    assert portfolio.errors == []
    by_row = [build_project(raw).narrative for raw in portfolio.raw_projects()]
    assert by_row[0].background == "第0个项目的立项背景\n第二行" and by_row[1] is NO_NARRATIVE
    assert [n == EXPECTED for n in by_row] == [False] * 12  # each has its own background
    assert [
        dataclasses.replace(n, background="") == dataclasses.replace(EXPECTED, background="")
        for n in by_row[::3]
    ] == [True] * 4
    # narrative nulls keep the columnar path; pandas' nulls elsewhere send the folder row by row
    assert table_chunk.eligible(portfolio) == (fmt != "parquet-pandas")
    if table_chunk.eligible(portfolio):
        chunk = TableChunk(portfolio, 0, len(portfolio))
        assert [p.narrative if p else None for p in chunk.projects] == by_row
    docs = []
    for columnar in (True, False):
        buf = io.BytesIO()
        score_stream.write_scored_json([folder], buf, None, 1, columnar=columnar)
        docs.append(buf.getvalue())
    assert docs[0] == docs[1]
    told = [p["narrative"] for p in orjson.loads(docs[0])["projects"]]
    assert told == [n.as_dict() for n in by_row]


def test_a_table_without_narrative_columns_reads_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No narrative column, no narrative work: the chunk never calls the reader, every project shares
    the empty narrative, and the export writes no narrative column."""
    projects = [seed_project() for _ in range(4)]
    for i, p in enumerate(projects):
        p["project_id"] = f"plain-{i}"
    folder = tmp_path / "plain"
    write_tables(projects, folder)
    assert not set(NARRATIVE_KEYS) & set(
        (folder / "projects.csv").read_text(encoding="utf-8").split("\n")[0].split(",")
    )

    def refuse(get: object) -> Narrative:
        raise AssertionError("narrative read without narrative columns")

    monkeypatch.setattr(table_chunk, "read_narrative", refuse)
    portfolio = TablePortfolio(folder)
    chunk = TableChunk(portfolio, 0, len(portfolio))
    assert all(p is not None and p.narrative is NO_NARRATIVE for p in chunk.projects)


def test_gbk_export_of_the_seed_report_words(tmp_path: Path) -> None:
    seed = yaml.safe_load(SEED_YAML.read_text(encoding="utf-8"))
    folder = write_csv_tables([seed], tmp_path / "gbk", "gbk")
    with pytest.raises(UnicodeDecodeError):
        (folder / "projects.csv").read_bytes().decode("utf-8")
    assert _one(folder).narrative == _one(SEED_YAML).narrative


# ---------------------------------------------------------------- the seed case


def test_seed_carries_its_report_words() -> None:
    n = _one(SEED_YAML).narrative
    # typed by hand from the seed report (一、（一）1.立项背景; 4.资金使用情况; 二、（一）; 六、存在的问题)
    phrases = {
        "background": "不断建立和完善机制、措施，更进一步加强和改进信访工作",
        "funds_use": "项目单位实际支出53万元",
        "eval_purpose": "促进公共财政阳光化",
        "problems": "成本把控不严格",
        "measures": "定期做好预算执行分析",
    }
    for key, phrase in phrases.items():
        assert phrase in n.get(key), key
    assert n.basis.count("\n") == 6  # seven documents, one a line
    assert n.experience == ""  # the report says nothing under 经验做法
    if SEED_REPORT.is_file():  # the seed report beside the repository, when present
        report = "".join(SEED_REPORT.read_text(encoding="utf-8").split())
        for key in NARRATIVE_KEYS:
            for line in n.get(key).splitlines():
                assert "".join(line.split()) in report, (key, line)


def test_seed_narrative_in_the_json() -> None:
    [rec] = records(SEED_YAML)
    assert list(rec["narrative"]) == [k for k in NARRATIVE_KEYS if k != "experience"]
    assert rec["narrative"]["background"].startswith("组织开展全市系统综合治理")
    assert list(rec)[-3:] == ["narrative", "indicators", "findings"]  # added; the others as they were
    assert rec["total"] == pytest.approx(80.13)
