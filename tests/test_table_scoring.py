"""The columnar scorer of table portfolios (`pipeline.table_scoring`) must write exactly the bytes
the reference path writes (build a model per project → evaluate → evaluation_record → orjson), for
every input and any number of workers: synthetic portfolios with their defects, hand-edited tables
with every awkward cell users write, GBK CSV, Parquet as text and typed, and random portfolios.

`write_scored_json(..., columnar=False)` is the reference. Chunks and the fork pool are made small
(`score_stream.CHUNK`, `score_stream.PARALLEL_FROM`) so several chunks, and projects of both paths
within one chunk, run on a few hundred projects. A counting wrapper around `score_table_chunk`
checks that the columnar path really scored projects (and did not just hand everything over).
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import evalcore.schemes as schemes_module
from evalcore.authoring.synth import write_synthetic
from evalcore.fields import BUDGET_FIELDS, INDICATOR_FIELDS, PROJECT_AND_NARRATIVE_FIELDS
from evalcore.pipeline import score_stream
from evalcore.presentation.cells import restore_cell
from evalcore.schemes import HERE as SCHEMES_DIR
from evalcore.schemes import Scheme, get_scheme, load_scheme

STEMS = ("projects", "budget", "indicators")
Tables = dict[str, tuple[list[str], list[dict[str, str]]]]  # stem -> (header, rows)


# ------------------------------------------------------------------------------------ the comparison


def _doc(paths: Iterable[str | Path], workers: int, columnar: bool, scheme: Scheme | None = None) -> bytes:
    buf = io.BytesIO()
    score_stream.write_scored_json(list(paths), buf, scheme, workers, columnar=columnar)
    return buf.getvalue()


def _first_difference(x: Any, y: Any, path: str = "") -> str | None:
    """Where two parsed JSON values first differ, type-strictly (1 vs 1.0, 0.0 vs -0.0 differ)."""
    if type(x) is not type(y):
        return f"{path or '.'}: {x!r} ({type(x).__name__}) != {y!r} ({type(y).__name__})"
    if isinstance(x, dict):
        if list(x) != list(y):
            return f"{path or '.'}: keys {list(x)} != {list(y)}"
        for k in x:
            d = _first_difference(x[k], y[k], f"{path}.{k}")
            if d:
                return d
        return None
    if isinstance(x, list):
        for i, (a, b) in enumerate(zip(x, y, strict=False)):
            d = _first_difference(a, b, f"{path}[{i}]")
            if d:
                return d
        return None if len(x) == len(y) else f"{path or '.'}: {len(x)} items != {len(y)} items"
    if (isinstance(x, float) and repr(x) != repr(y)) or x != y:
        return f"{path or '.'}: {x!r} != {y!r}"
    return None


def _explain(fast: bytes, ref: bytes) -> str:
    """A readable account of a mismatch: the first differing project (or the errors) and the field."""
    at = next(
        (i for i, (c, d) in enumerate(zip(fast, ref, strict=False)) if c != d), min(len(fast), len(ref))
    )
    where = f"bytes differ at offset {at}: {fast[max(0, at - 80) : at + 80]!r} vs {ref[max(0, at - 80) : at + 80]!r}"
    try:
        a, b = json.loads(fast), json.loads(ref)
    except ValueError as exc:
        return f"not JSON ({exc}); {where}"
    lines = [
        f"columnar: {len(a['projects'])} projects, {len(a['errors'])} errors; "
        f"reference: {len(b['projects'])} projects, {len(b['errors'])} errors"
    ]
    for i, (p, q) in enumerate(zip(a["projects"], b["projects"], strict=False)):
        if orjson.dumps(p) != orjson.dumps(q):
            lines += [
                f"first differing project #{i} ({p.get('project_id')} / {q.get('project_id')}):",
                f"  {_first_difference(p, q)}",
                f"  columnar : {orjson.dumps(p).decode()[:3000]}",
                f"  reference: {orjson.dumps(q).decode()[:3000]}",
            ]
            return "\n".join(lines)
    if len(a["projects"]) != len(b["projects"]):
        short, long_ = sorted((a["projects"], b["projects"]), key=len)
        extra = long_[len(short)]
        lines.append(f"first project only in one document: {extra.get('project_id')}")
        return "\n".join(lines)
    if orjson.dumps(a["errors"]) != orjson.dumps(b["errors"]):
        lines.append(f"errors differ: {_first_difference(a['errors'], b['errors'], 'errors')}")
        return "\n".join(lines)
    lines.append(where)
    return "\n".join(lines)


def assert_same(paths: Iterable[str | Path], workers: int = 1, scheme: Scheme | None = None) -> dict:
    """Columnar document == reference document, byte for byte; returns the parsed document."""
    paths = list(paths)
    fast = _doc(paths, workers, True, scheme)
    ref = _doc(paths, workers, False, scheme)
    assert fast == ref, _explain(fast, ref)
    return json.loads(fast)


def _forget_memos() -> None:
    """Drop the per-scheme memos (what a fresh process starts with)."""
    memos = getattr(schemes_module, "_MEMOS", None)
    if isinstance(memos, dict):
        memos.clear()


@pytest.fixture(autouse=True)
def fresh_memos() -> None:
    """Each test starts as a fresh process would: no per-scheme memo left by an earlier test (so a
    failure in one test is not carried into the next; `test_a_failed_portfolio_leaves_no_trace`
    checks within one test what an earlier portfolio may leave behind)."""
    _forget_memos()


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> Callable[[int, int], None]:
    """Make chunks and the pool threshold small, so a few hundred projects use both."""
    assert isinstance(score_stream.CHUNK, int) and isinstance(score_stream.PARALLEL_FROM, int)

    def set_(chunk: int, parallel_from: int) -> None:
        monkeypatch.setattr(score_stream, "CHUNK", chunk)
        monkeypatch.setattr(score_stream, "PARALLEL_FROM", parallel_from)

    set_(5, 7)
    return set_


@pytest.fixture
def routes(monkeypatch: pytest.MonkeyPatch) -> Counter:
    """Count, in this process, the items the columnar chunks produced and those that went the
    reference way: `items - reference` projects were scored column by column."""
    stats: Counter = Counter()
    assert hasattr(score_stream, "score_table_chunk"), "score_stream no longer calls score_table_chunk"
    real = score_stream.score_table_chunk

    def counting(*args: Any) -> list:
        *head, reference = args

        def ref(raws: Iterable) -> list:
            items = reference(raws)
            stats["reference"] += len(items)
            return items

        items = real(*head, ref)
        stats["items"] += len(items)
        stats["chunks"] += 1
        return items

    monkeypatch.setattr(score_stream, "score_table_chunk", counting)
    return stats


def _columnar_count(stats: Counter) -> int:
    return stats["items"] - stats["reference"]


# --------------------------------------------------------------------------------------- table edits


def read_tables(folder: Path, encoding: str = "utf-8") -> Tables:
    out: Tables = {}
    for stem in STEMS:
        with open(folder / f"{stem}.csv", encoding=encoding, newline="") as fh:
            reader = csv.DictReader(fh)
            rows = [dict(r) for r in reader]
            out[stem] = (list(reader.fieldnames or []), rows)
    return out


def write_csv(tables: Tables, folder: Path, encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for stem, (header, rows) in tables.items():
        with open(folder / f"{stem}.csv", "w", encoding=encoding, newline="") as fh:
            writer = csv.DictWriter(fh, header, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    return folder


def write_parquet(tables: Tables, folder: Path, types: dict[str, pa.DataType] | None = None) -> Path:
    """Every column as text, or the columns named in `types` converted (blank or unparsable → null).
    The apostrophe a CSV carries for Excel (`'=8个`) is dropped: Parquet holds the value itself."""
    folder.mkdir(parents=True, exist_ok=True)
    types = types or {}
    for stem, (header, rows) in tables.items():
        columns = {}
        for k in header:
            values: list[Any] = [restore_cell(r[k]) for r in rows]
            t = types.get(k, pa.string())
            if t != pa.string():
                values = [_typed(v, t) for v in values]
            columns[k] = pa.array(values, type=t)
        pq.write_table(pa.table(columns), folder / f"{stem}.parquet")
    return folder


def _typed(v: str, t: pa.DataType) -> Any:
    try:
        x = float(v)
    except ValueError:
        return None
    if pa.types.is_integer(t):
        return int(x) if x.is_integer() else None
    return x


def rows_of(tables: Tables, stem: str, pid: str) -> list[dict[str, str]]:
    return [r for r in tables[stem][1] if r["project_id"] == pid]


def indicator_row(tables: Tables, pid: str, **cells: str) -> dict[str, str]:
    """A new indicator row of project pid (every column present, blanks by default)."""
    header = tables["indicators"][0]
    row = dict.fromkeys(header, "")
    row.update(
        project_id=pid,
        level1="产出指标",
        level2="数量指标",
        name="新增指标",
        direction="≥",
        target="≥10个",
        actual="10个",
        unit="个",
        weight="0",
    )
    row.update(cells)
    return row


def insert_rows(tables: Tables, stem: str, pid: str, new: list[dict[str, str]]) -> None:
    """Put new rows right after the last row of pid (or at the end)."""
    rows = tables[stem][1]
    last = max((i for i, r in enumerate(rows) if r["project_id"] == pid), default=len(rows) - 1)
    rows[last + 1 : last + 1] = new


# -------------------------------------------------------------------------------------- synthetic


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    base = tmp_path_factory.mktemp("synthetic")
    out = {}
    for seed in (1, 2, 3):
        out[seed] = base / f"seed-{seed}"
        write_synthetic(out[seed], 300, seed=seed, fmt="tables")
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_synthetic_portfolio_serial(
    synthetic: dict[int, Path], seed: int, small_chunks: Callable, routes: Counter
) -> None:
    small_chunks(37, 10**9)  # several chunks, no pool (so the counter sees every chunk)
    doc = assert_same([synthetic[seed]], workers=1)
    assert len(doc["projects"]) == 300 and doc["errors"] == []
    findings = Counter(f["code"] for p in doc["projects"] for f in p["findings"])
    flagged = sum(bool(p["findings"]) for p in doc["projects"])
    assert flagged >= 20, findings  # ~15% carry a defect: the review path is covered
    assert len(findings) >= 5, findings
    # the columnar path did the bulk (the reference run does not call the columnar scorer)
    assert routes["chunks"] == len(score_stream._ranges(300, 1)) > 1  # every chunk went the columnar way
    assert _columnar_count(routes) >= 150, routes


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_synthetic_portfolio_parallel(synthetic: dict[int, Path], seed: int, small_chunks: Callable) -> None:
    small_chunks(23, 7)  # 300 projects: the fork pool, a dozen chunks or more
    doc = assert_same([synthetic[seed]], workers=2)
    assert len(doc["projects"]) == 300 and doc["errors"] == []
    assert any(p["findings"] for p in doc["projects"])
    # and the pool changes nothing: same bytes as one worker
    assert _doc([synthetic[seed]], 2, True) == _doc([synthetic[seed]], 1, True)


def test_parallel_path_really_used(
    synthetic: dict[int, Path], small_chunks: Callable, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The monkeypatched thresholds are read at call time: with workers=2 a pool is made."""
    small_chunks(23, 7)
    made: list[int] = []
    real = score_stream.mp.get_context

    def spy(method: str | None = None) -> Any:
        ctx = real(method)
        made.append(1)
        return ctx

    monkeypatch.setattr(score_stream.mp, "get_context", spy)
    assert_same([synthetic[1]], workers=2)
    if "fork" in score_stream.mp.get_all_start_methods():
        assert len(made) == 2  # one pool for each of the two documents


# --------------------------------------------------------------------------- hand-edited portfolio


@pytest.fixture(scope="module")
def base_tables(tmp_path_factory: pytest.TempPathFactory) -> Tables:
    folder = tmp_path_factory.mktemp("base") / "tables"
    write_synthetic(folder, 110, seed=7, fmt="tables")
    return read_tables(folder)


def _copy(tables: Tables) -> Tables:
    return {k: (list(h), [dict(r) for r in rows]) for k, (h, rows) in tables.items()}


def _ids(tables: Tables) -> list[str]:
    return [r["project_id"] for r in tables["projects"][1]]


def _first_of(tables: Tables, pid: str, direction: str | None = None, **match: str) -> dict[str, str]:
    for r in rows_of(tables, "indicators", pid):
        if (direction is None or r["direction"] == direction) and all(r[k] == v for k, v in match.items()):
            return r
    raise LookupError(pid, direction, match)


# Each edit makes one project of the base portfolio awkward; `awkward()` applies all of them (one
# project each, neighbours in the same chunks stay plain), and tests also apply them one at a time.


def _edit_not_applicable(t: Tables, pid: str) -> None:
    rows_of(t, "indicators", pid)[0]["applicable"] = "否"
    rows_of(t, "indicators", pid)[1]["applicable"] = "是"


def _edit_applicable_words(t: Tables, pid: str) -> None:
    for r, word in zip(rows_of(t, "indicators", pid), ("是", "适用", " yes ", "√", "1", "Y"), strict=False):
        r["applicable"] = word


def _edit_dept_scheme(t: Tables, pid: str) -> None:
    facts = rows_of(t, "projects", pid)[0]
    facts["scheme"] = "dept-2020"


def _edit_dept_type_default_scheme(t: Tables, pid: str) -> None:
    facts = rows_of(t, "projects", pid)[0]
    facts["evaluation_type"], facts["scheme"] = "部门评价", ""


def _edit_unknown_scheme(t: Tables, pid: str) -> None:
    rows_of(t, "projects", pid)[0]["scheme"] = "self-2099"


def _edit_weight_text(t: Tables, pid: str) -> None:
    rows_of(t, "indicators", pid)[0]["weight"] = "十"


def _edit_weight_float_text(t: Tables, pid: str) -> None:
    for r in rows_of(t, "indicators", pid):
        r["weight"] = f"{float(r['weight']):.1f}"  # 10 → 10.0


def _edit_negative_budget(t: Tables, pid: str) -> None:
    rows_of(t, "budget", pid)[-1]["executed"] = "-5"


def _edit_blank_name(t: Tables, pid: str) -> None:
    rows_of(t, "projects", pid)[0]["name"] = "  "


def _edit_blank_level1(t: Tables, pid: str) -> None:
    rows_of(t, "indicators", pid)[1]["level1"] = ""


def _edit_blank_indicator_name(t: Tables, pid: str) -> None:
    rows_of(t, "indicators", pid)[2]["name"] = " "


def _edit_unknown_direction(t: Tables, pid: str) -> None:
    rows_of(t, "indicators", pid)[0]["direction"] = "x"


def _edit_unit_contradiction(t: Tables, pid: str) -> None:
    r = rows_of(t, "indicators", pid)[0]
    r.update(direction="≥", target="≥200人次", actual="70%", unit="")


def _edit_target_unit_vs_column(t: Tables, pid: str) -> None:
    r = rows_of(t, "indicators", pid)[0]
    r.update(direction="≥", target="≥200人次", actual="210人次", unit="万元")


def _edit_reported_spaces(t: Tables, pid: str) -> None:
    for r in rows_of(t, "indicators", pid):
        if r["reported_score"]:
            r["reported_score"] = f"  {r['reported_score']} "
    facts = rows_of(t, "projects", pid)[0]
    facts["reported_total"] = f" {facts['reported_total']}  "
    budget = rows_of(t, "budget", pid)[0]
    budget["reported_score"] = f" {budget['reported_score']} "


def _edit_reported_with_fen(t: Tables, pid: str) -> None:
    r = next(r for r in rows_of(t, "indicators", pid) if r["reported_score"])
    r["reported_score"] += "分"


def _edit_year_suffix(t: Tables, pid: str) -> None:
    facts = rows_of(t, "projects", pid)[0]
    facts["year"] = f"{facts['year']}年"


def _edit_year_odd(t: Tables, pid: str) -> None:
    rows_of(t, "projects", pid)[0]["year"] = "２０２４"  # full-width digits: NFKC reads 2024


def _edit_fullwidth_target(t: Tables, pid: str) -> None:
    r = rows_of(t, "indicators", pid)[0]
    r.update(direction="≥", target="≥７０％", actual="８５％", unit="")


def _edit_negative_actual(t: Tables, pid: str) -> None:
    r = rows_of(t, "indicators", pid)[0]
    r.update(direction="≥", target="≥10个", actual="-5个", unit="个")


def _edit_zero_target_equal(t: Tables, pid: str) -> None:
    new = [
        indicator_row(
            t,
            pid,
            name="安全事故发生次数",
            direction="=",
            target="0次",
            actual="0次",
            unit="次",
            weight="0",
            reported_score="0",
        ),
        indicator_row(
            t, pid, name="投诉次数", direction="=", target="=0", actual="2次", unit="次", weight="0"
        ),
        indicator_row(t, pid, name="违规次数", direction="=", target="0", actual="无", unit="", weight="0"),
    ]
    insert_rows(t, "indicators", pid, new)


def _edit_reverse_over(t: Tables, pid: str) -> None:
    new = [
        indicator_row(
            t,
            pid,
            level2="成本指标",
            name="单位成本",
            direction="≤",
            target="≤90万元",
            actual="120万元",
            unit="万元",
            weight="0",
            reported_score="0",
        ),
        indicator_row(
            t,
            pid,
            level2="成本指标",
            name="人均成本",
            direction="<",
            target="<100元",
            actual="1.5万元",
            unit="元",
            weight="0",
        ),
        indicator_row(
            t,
            pid,
            level2="成本指标",
            name="控制成本",
            direction="反向",
            target="控制在50万元以内",
            actual="49万元",
            unit="",
            weight="0",
        ),
    ]
    insert_rows(t, "indicators", pid, new)


def _edit_qualitative_deadline(t: Tables, pid: str) -> None:
    new = [
        indicator_row(
            t,
            pid,
            level1="效益指标",
            level2="社会效益指标",
            name="宣传效果",
            direction="定性",
            target="效果明显",
            actual="效果不明显",
            unit="",
            weight="0",
        ),
        indicator_row(
            t,
            pid,
            level1="效益指标",
            level2="社会效益指标",
            name="群众获得感",
            direction="定性指标",
            target="有所提升",
            actual="",
            unit="",
            weight="0",
            reported_score="0",
        ),
        indicator_row(
            t,
            pid,
            level2="时效指标",
            name="完成时间",
            direction="时限",
            target="次年6月底前",
            actual="未按期完成，2025年3月完成",
            unit="",
            weight="0",
        ),
        indicator_row(
            t,
            pid,
            level2="时效指标",
            name="建设周期",
            direction="时限",
            target="≤12个月",
            actual="14个月",
            unit="个月",
            weight="0",
        ),
        indicator_row(
            t,
            pid,
            level2="时效指标",
            name="完成时限",
            direction="时效",
            target="2月30日前",
            actual="正在推进",
            unit="",
            weight="0",
        ),
    ]
    insert_rows(t, "indicators", pid, new)


def _edit_no_indicators(t: Tables, pid: str) -> None:
    t["indicators"][1][:] = [r for r in t["indicators"][1] if r["project_id"] != pid]


def _edit_no_budget(t: Tables, pid: str) -> None:
    t["budget"][1][:] = [r for r in t["budget"][1] if r["project_id"] != pid]


def _budget_row(t: Tables, pid: str, **cells: str) -> dict[str, str]:
    row = dict.fromkeys(t["budget"][0], "")
    row.update(project_id=pid, **cells)
    return row


def _edit_item_overspent(t: Tables, pid: str) -> None:
    insert_rows(
        t,
        "budget",
        pid,
        [_budget_row(t, pid, source="专项宣传活动", initial="", adjusted="10", executed="15")],
    )


def _edit_total_contradicts(t: Tables, pid: str) -> None:
    total = rows_of(t, "budget", pid)[0]
    assert total["source"] == "年度资金总额"
    total["adjusted"] = str(float(total["adjusted"]) + 7)
    insert_rows(
        t, "budget", pid, [_budget_row(t, pid, source="其中：上年结转", initial="", adjusted="", executed="")]
    )


def _edit_budget_blank_source(t: Tables, pid: str) -> None:
    insert_rows(t, "budget", pid, [_budget_row(t, pid, source="", initial="1", adjusted="1", executed="1")])


def _edit_duplicate_id(t: Tables, pid: str) -> None:
    rows = t["projects"][1]
    i = next(i for i, r in enumerate(rows) if r["project_id"] == pid)
    rows.insert(i + 2, dict(rows[i], name=rows[i]["name"] + "（重复）"))


def _edit_orphans(t: Tables, pid: str) -> None:
    insert_rows(t, "indicators", pid, [indicator_row(t, "ghost-1"), indicator_row(t, " ghost-2 ")])
    insert_rows(
        t, "budget", pid, [_budget_row(t, "ghost-1", source="年度资金总额", adjusted="1", executed="1")]
    )


def _edit_apostrophe(t: Tables, pid: str) -> None:
    new = [
        indicator_row(
            t, pid, name="新增设备", direction="=", target="'=8个", actual="8个", unit="个", weight="0"
        ),
        indicator_row(
            t, pid, name="'+新增", direction="=", target="'=8个", actual="'-1个", unit="个", weight="0"
        ),
    ]
    insert_rows(t, "indicators", pid, new)


def _edit_quotes_tabs(t: Tables, pid: str) -> None:
    awkward = 'a "quoted" \\ back\tslash'
    facts = rows_of(t, "projects", pid)[0]
    facts["name"] = f"{facts['name']}{awkward}"
    facts["budget_note"] = awkward
    r = rows_of(t, "indicators", pid)[0]
    r["name"] = f"{r['name']}{awkward}"
    r["deviation_reason"] = f"原因{awkward}\n第二行"
    r2 = rows_of(t, "indicators", pid)[1]
    r2["level2"] = f"\t{r2['level2']} "


def _edit_yuan(t: Tables, pid: str) -> None:
    rows_of(t, "projects", pid)[0]["amount_unit"] = "元"
    for r in rows_of(t, "budget", pid):
        for k in ("initial", "adjusted", "executed"):
            if r[k]:
                r[k] = str(round(float(r[k]) * 10_000))


def _edit_amount_unit_fullwidth(t: Tables, pid: str) -> None:
    rows_of(t, "projects", pid)[0]["amount_unit"] = " 万元 "


def _edit_unknown_amount_unit(t: Tables, pid: str) -> None:
    rows_of(t, "projects", pid)[0]["amount_unit"] = "美元"


def _edit_unknown_type(t: Tables, pid: str) -> None:
    rows_of(t, "projects", pid)[0]["evaluation_type"] = "第三方评价"


def _edit_reported_above_weight(t: Tables, pid: str) -> None:
    r = rows_of(t, "indicators", pid)[0]
    r["reported_score"] = str(float(r["weight"]) + 3)


def _edit_reported_total_text(t: Tables, pid: str) -> None:
    rows_of(t, "projects", pid)[0]["reported_total"] = "九十"


def _edit_grade_spelling(t: Tables, pid: str) -> None:
    rows_of(t, "projects", pid)[0]["reported_grade"] = "优秀"


def _edit_unknown_level1(t: Tables, pid: str) -> None:
    rows_of(t, "indicators", pid)[0]["level1"] = "其他指标"


def _edit_aliases(t: Tables, pid: str) -> None:
    for r in rows_of(t, "indicators", pid):
        r["level1"] = {"产出指标": " 产出 ", "效益指标": "效益", "满意度指标": "满意度 指标"}.get(
            r["level1"], r["level1"]
        )


def _edit_bad_applicable(t: Tables, pid: str) -> None:
    rows_of(t, "indicators", pid)[0]["applicable"] = "也许"


def _edit_big_numbers(t: Tables, pid: str) -> None:
    r = rows_of(t, "indicators", pid)[0]
    r.update(direction="≥", target="≥1,000,000人次", actual="1.2e6", unit="人次")


def _edit_weight_inf(t: Tables, pid: str) -> None:
    rows_of(t, "indicators", pid)[0]["weight"] = "inf"


def _edit_weight_negative(t: Tables, pid: str) -> None:
    rows_of(t, "indicators", pid)[0]["weight"] = "-2"


def _edit_weights_zero(t: Tables, pid: str) -> None:
    for r in rows_of(t, "indicators", pid):
        r["weight"], r["reported_score"] = "0", ""


def _edit_funding_blank(t: Tables, pid: str) -> None:
    insert_rows(
        t, "budget", pid, [_budget_row(t, pid, source="其他资金", initial="", adjusted="", executed="")]
    )


def _edit_unit_spelling(t: Tables, pid: str) -> None:
    for r in rows_of(t, "indicators", pid):
        if r["unit"] == "%":
            r["unit"] = "％"
        elif r["unit"] == "万元":
            r["unit"] = "万 元"


def _edit_narrative(t: Tables, pid: str) -> None:
    """Narrative columns (English keys and Chinese labels mixed), filled for one project only: text on
    several lines (CRLF too), markup, a field code, formula text kept from Excel by an apostrophe."""
    header, rows = t["projects"]
    columns = ["background", "项目依据", "存在问题", "改进措施"]
    if columns[0] not in header:
        header.extend(columns)
        for r in rows:
            r.update(dict.fromkeys(columns, ""))
    facts = rows_of(t, "projects", pid)[0]
    facts.update(
        {
            "background": "  第一段：立项背景。\r\n\r\n第二段 <script>alert(1)</script>  \n",
            "项目依据": "'=SUM(A1:A3)",
            "存在问题": "{ PAGE } DDE 字段",
            "改进措施": "\n\n",
        }
    )


EDITS: dict[str, Callable[[Tables, str], None]] = {
    name.removeprefix("_edit_"): fn for name, fn in sorted(globals().items()) if name.startswith("_edit_")
}


def awkward(base: Tables, edits: Iterable[str] | None = None) -> Tables:
    """The base portfolio with each edit applied to its own project (every other one, from #1)."""
    t = _copy(base)
    ids = _ids(base)
    names = list(edits if edits is not None else EDITS)
    assert 2 * len(names) < len(ids), "not enough projects for one edit each"
    for i, name in enumerate(names):
        EDITS[name](t, ids[1 + 2 * i])
    return t


@pytest.fixture(scope="module")
def awkward_folder(base_tables: Tables, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_csv(awkward(base_tables), tmp_path_factory.mktemp("awkward") / "tables")


def test_edits_are_distinct_and_many() -> None:
    assert len(EDITS) >= 45


@pytest.mark.parametrize("chunk", [5, 3, 1000])
def test_awkward_portfolio(awkward_folder: Path, small_chunks: Callable, routes: Counter, chunk: int) -> None:
    small_chunks(chunk, 10**9)
    doc = assert_same([awkward_folder], workers=1)
    ids = {p["project_id"] for p in doc["projects"]}
    assert len(doc["projects"]) >= 20 and len(doc["errors"]) >= 10, doc["errors"]
    assert _columnar_count(routes) >= 15, routes
    messages = " ".join(e["message"] for e in doc["errors"])
    for expected in ("重复", "不存在", "不是数字", "缺少必填", "指标性质", "self-2099", "不一致"):
        assert expected in messages, (expected, messages)
    # the scheme-named projects are scored under their scheme, next to self-2020 ones
    assert {p["scheme"] for p in doc["projects"]} >= {"self-2020", "dept-2020"}
    assert any(p["scale"] != 1.0 for p in doc["projects"])  # the not-applicable row rescales
    assert any(p["amount_unit"] == "元" for p in doc["projects"])
    assert any("\t" in p["name"] and '"' in p["name"] and "\\" in p["name"] for p in doc["projects"])
    assert len(ids) == len(doc["projects"])
    told = [p["narrative"] for p in doc["projects"] if p["narrative"]]
    assert told == [
        {
            "background": "第一段：立项背景。\n\n第二段 <script>alert(1)</script>",
            "basis": "=SUM(A1:A3)",
            "problems": "{ PAGE } DDE 字段",
        }
    ]


def test_awkward_portfolio_parallel(awkward_folder: Path, small_chunks: Callable) -> None:
    small_chunks(5, 7)
    doc = assert_same([awkward_folder], workers=2)
    assert doc["projects"] and doc["errors"]
    assert _doc([awkward_folder], 2, True) == _doc([awkward_folder], 1, False)


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_each_edit_alone(
    base_tables: Tables, tmp_path: Path, small_chunks: Callable, routes: Counter, edit: str
) -> None:
    """One edited project among plain neighbours, in a 4-project chunk (project #1 of 4)."""
    small_chunks(4, 10**9)
    t = awkward(base_tables, [edit])
    keep = set(_ids(base_tables)[:8])
    for stem in STEMS:
        t[stem][1][:] = [
            r for r in t[stem][1] if r["project_id"] in keep or r["project_id"].strip().startswith("ghost")
        ]
    doc = assert_same([write_csv(t, tmp_path / "tables")], workers=1)
    assert len(doc["projects"]) + len(doc["errors"]) >= 7
    assert _columnar_count(routes) >= 4, routes  # the plain neighbours were scored column by column


def _two_projects(folder: Path, b_facts: dict[str, str], b_target: str) -> Path:
    """Project a is plain; project b (made non-plain by b_facts) has one 时限 row with b_target."""
    header = ["project_id", "name", "department", "year", "scheme"]
    facts = [
        {"project_id": "a", "name": "甲", "department": "某局", "year": "2024", "scheme": ""},
        {"project_id": "b", "name": "乙", "department": "某局", "year": "2024", "scheme": "", **b_facts},
    ]
    budget = [
        {"project_id": pid, "source": "年度资金总额", "adjusted": "100", "executed": "100"} for pid in "ab"
    ]
    ind_header = ["project_id", "level1", "level2", "name", "direction", "target", "actual", "weight"]
    indicators = [
        {
            "project_id": "a",
            "level1": "产出指标",
            "level2": "数量指标",
            "name": "培训",
            "direction": "≥",
            "target": "≥10个",
            "actual": "10个",
            "weight": "50",
        },
        {
            "project_id": "b",
            "level1": "产出指标",
            "level2": "时效指标",
            "name": "完成时间",
            "direction": "时限",
            "target": b_target,
            "actual": "按时完成",
            "weight": "50",
        },
    ]
    return write_csv(
        {
            "projects": (header, facts),
            "budget": (list(budget[0]), budget),
            "indicators": (ind_header, indicators),
        },
        folder,
    )


@pytest.mark.parametrize(
    "b_facts",
    [{"name": ""}, {"scheme": "dept-2020"}, {"year": "２０２４"}],
    ids=["blank-name", "second-scheme", "fullwidth-year"],
)
@pytest.mark.parametrize("b_target", ["按期完成", "年底前完成", ""], ids=["text", "relative", "blank"])
def test_deadline_row_of_a_reference_project_next_to_a_plain_one(
    tmp_path: Path, small_chunks: Callable, b_facts: dict[str, str], b_target: str
) -> None:
    """A 时限 row whose deadline depends on the project year (text, relative or blank target), in a
    project that takes the reference path, shares its chunk with a plain project."""
    small_chunks(5, 10**9)
    doc = assert_same([_two_projects(tmp_path / "tables", b_facts, b_target)], workers=1)
    assert [p["project_id"] for p in doc["projects"]][:1] == ["a"]
    assert len(doc["projects"]) + len(doc["errors"]) == 2


def _tiny(folder: Path, budget: list[tuple[str, str, str, str]], indicators: list[tuple[str, ...]]) -> Path:
    """Projects a, b, c (plain facts); budget rows (pid, source, adjusted, executed); indicator rows
    (pid, direction, target, actual, weight, reported_score)."""
    facts = [
        {"project_id": pid, "name": name, "department": "某局", "year": "2024"}
        for pid, name in (("a", "甲"), ("b", "乙"), ("c", "丙"))
    ]
    b_rows = [dict(zip(("project_id", "source", "adjusted", "executed"), r, strict=True)) for r in budget]
    keys = ("project_id", "direction", "target", "actual", "weight", "reported_score")
    i_rows = [
        {"level1": "产出指标", "level2": "数量指标", "name": f"指标{i}", **dict(zip(keys, r, strict=True))}
        for i, r in enumerate(indicators)
    ]
    return write_csv(
        {
            "projects": (list(facts[0]), facts),
            "budget": (list(b_rows[0]), b_rows),
            "indicators": (list(i_rows[0]), i_rows),
        },
        folder,
    )


PLAIN_BUDGET = [(pid, "年度资金总额", "100", "100") for pid in "abc"]


def test_a_project_whose_budget_scoring_fails_is_an_error_not_a_crash(
    tmp_path: Path, small_chunks: Callable
) -> None:
    """Funding rows of 1e308 (they would add up to infinity): the reference refuses project b with a
    located input error and scores a and c; the columnar path must write the same document."""
    small_chunks(5, 10**9)
    budget = [
        PLAIN_BUDGET[0],
        ("b", "当年财政拨款", "1e308", "1e308"),
        ("b", "上年结转资金", "1e308", "1e308"),
        PLAIN_BUDGET[2],
    ]
    rows = [(pid, "≥", "≥10个", "10个", "50", "") for pid in "abc"]
    doc = assert_same([_tiny(tmp_path / "tables", budget, rows)], workers=1)
    assert [p["project_id"] for p in doc["projects"]] == ["a", "c"]
    assert [e["project_id"] for e in doc["errors"]] == ["b", "b"]  # each refused row, in one run


def test_a_failed_portfolio_leaves_no_trace(tmp_path: Path, small_chunks: Callable) -> None:
    """Whatever happens while one portfolio is scored (here: the deadline row of a reference project
    next to a plain one, see above), a later portfolio in the same process, holding the same rows,
    gets the reference document."""
    small_chunks(5, 10**9)
    first = _two_projects(tmp_path / "first", {"name": ""}, "按期完成")
    try:
        _doc([first], 1, True)
    except Exception:  # reported by the test above; what matters here is what it leaves behind
        pass
    later = _two_projects(tmp_path / "later", {}, "按期完成")  # both plain now
    doc = assert_same([later], workers=1)
    assert [p["project_id"] for p in doc["projects"]] == ["a", "b"]


@pytest.mark.parametrize(
    "rows",
    [
        # 分值 -0 and 0 on two rows with the same cells otherwise
        [
            ("a", "≥", "≥10个", "10个", "10", ""),
            ("b", "≥", "≥10个", "10个", "10", ""),
            ("c", "≥", "≥10个", "10个", "-0", ""),
            ("c", "≥", "≥10个", "10个", "0", ""),
        ],
        # 自评得分 0 and -0 on qualitative rows in the lowest band (min 0), in two projects
        [
            ("a", "定性", "达成", "未达成年度指标", "13", "0"),
            ("b", "定性", "达成", "未达成年度指标", "13", "-0"),
            ("c", "≥", "≥10个", "10个", "10", ""),
        ],
    ],
    ids=["weight", "reported"],
)
def test_minus_zero_cells(tmp_path: Path, small_chunks: Callable, rows: list[tuple[str, ...]]) -> None:
    """`-0` is a number (float -0.0), printed as -0.0; a row's score must not depend on whether a
    row with `0` in the same place was scored before it."""
    small_chunks(5, 10**9)
    doc = assert_same([_tiny(tmp_path / "tables", PLAIN_BUDGET, rows)], workers=1)
    assert len(doc["projects"]) == 3


@pytest.mark.parametrize("spec", ["dept-2020", "self-2020"])
def test_scheme_override(awkward_folder: Path, small_chunks: Callable, routes: Counter, spec: str) -> None:
    small_chunks(5, 10**9)
    doc = assert_same([awkward_folder], workers=1, scheme=get_scheme(spec))
    assert doc["projects"] and {p["scheme"] for p in doc["projects"]} == {spec}
    assert _columnar_count(routes) >= 10, routes


@pytest.fixture(scope="module")
def whole_point_scheme(tmp_path_factory: pytest.TempPathFactory) -> Path:
    doc = yaml.safe_load((SCHEMES_DIR / "self-2020.yaml").read_text(encoding="utf-8"))
    doc["id"] = "self-2020-whole"
    doc["rounding"]["whole_points"] = True
    path = tmp_path_factory.mktemp("schemes") / "self-2020-whole.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_whole_point_scheme_override(
    awkward_folder: Path, whole_point_scheme: Path, small_chunks: Callable
) -> None:
    small_chunks(5, 10**9)
    scheme = load_scheme(whole_point_scheme)
    assert scheme.rounding.whole_points
    doc = assert_same([awkward_folder], workers=1, scheme=scheme)
    assert doc["projects"] and {p["scheme"] for p in doc["projects"]} == {"self-2020-whole"}
    # whole points: every indicator score is an integer
    assert all(
        float(i["score"]).is_integer() for p in doc["projects"] for i in p["indicators"] if i["applicable"]
    )
    doc2 = assert_same([awkward_folder], workers=1, scheme=get_scheme(str(whole_point_scheme)))
    assert doc2 == doc


def test_whole_point_scheme_named_in_column(
    base_tables: Tables, whole_point_scheme: Path, tmp_path: Path, small_chunks: Callable, routes: Counter
) -> None:
    """A user's scheme file named in the 评分方案 column of some projects, next to self-2020 ones."""
    small_chunks(5, 10**9)
    t = awkward(base_tables)
    for i, facts in enumerate(t["projects"][1]):
        if i % 3 == 0:
            facts["scheme"] = str(whole_point_scheme)
        elif i % 7 == 0:
            facts["scheme"] = "dept-2020"
    doc = assert_same([write_csv(t, tmp_path / "tables")], workers=1)
    assert {p["scheme"] for p in doc["projects"]} >= {"self-2020", "self-2020-whole", "dept-2020"}
    assert _columnar_count(routes) >= 5, routes


def test_chinese_headers_and_rows_out_of_order(
    base_tables: Tables, tmp_path: Path, small_chunks: Callable, routes: Counter
) -> None:
    """Headers as the template writes them (项目编号, 分值, …), budget and indicator rows of the
    projects interleaved (the reader regroups them, stably), optional columns dropped."""
    small_chunks(5, 10**9)
    t = awkward(base_tables)
    labels = {
        stem: {f.key: f.label for f in fields}
        for stem, fields in (
            ("projects", PROJECT_AND_NARRATIVE_FIELDS),
            ("budget", BUDGET_FIELDS),
            ("indicators", INDICATOR_FIELDS),
        )
    }
    dropped = {
        "projects": {"unit", "amount_unit", "budget_note"},
        "budget": {"initial"},
        "indicators": {"applicable"},
    }
    out: Tables = {}
    for stem, (header, rows) in t.items():
        keep = [k for k in header if k not in dropped[stem] and k != "project_id"]
        head = ["项目编号", *(labels[stem].get(k, k) for k in keep)]  # 项目依据 … already Chinese
        new_rows = [
            {"项目编号": r["project_id"], **{labels[stem].get(k, k): r[k] for k in keep}} for r in rows
        ]
        if stem != "projects":
            new_rows = new_rows[1::2] + new_rows[0::2]  # every other row moved to the end
        out[stem] = (head, new_rows)
    doc = assert_same([write_csv(out, tmp_path / "tables")], workers=1)
    assert len(doc["projects"]) >= 50 and doc["errors"]
    assert _columnar_count(routes) >= 15, routes


def test_many_distinct_cells_in_one_chunk(tmp_path: Path, small_chunks: Callable, routes: Counter) -> None:
    """5,000 rows that share no cell: the rows' combined code outgrows 64 bits and is re-coded."""
    small_chunks(10_000, 10**9)
    n, per = 1000, 5
    spellings = ["≥", ">=", "不低于", "大于等于", "正向"]
    facts = [
        {"project_id": f"m-{k:04d}", "name": "项目", "department": "某局", "year": "2024"} for k in range(n)
    ]
    budget = [
        {
            "project_id": f"m-{k:04d}",
            "source": "年度资金总额",
            "adjusted": "100",
            "executed": f"{90 + k % 10}",
        }
        for k in range(n)
    ]
    indicators = []
    for k in range(n):
        for j in range(per):
            i = k * per + j
            indicators.append(
                {
                    "project_id": f"m-{k:04d}",
                    "level1": "产出指标",
                    "level2": "数量指标",
                    "name": f"指标{j}",
                    "direction": spellings[i % 5],
                    "target": f"≥{1000 + i}",
                    "actual": f"{1100 + 2 * i}",
                    "unit": f"单位{i}",
                    "weight": f"{10 + i / 10_000:.4f}",
                    "reported_score": f"{5 + i / 100_000:.5f}",
                }
            )
    folder = write_csv(
        {
            "projects": (list(facts[0]), facts),
            "budget": (list(budget[0]), budget),
            "indicators": (list(indicators[0]), indicators),
        },
        tmp_path / "tables",
    )
    doc = assert_same([folder], workers=1)
    assert len(doc["projects"]) == n and doc["errors"] == []
    assert _columnar_count(routes) == n, routes
    assert len({i["unit"] for p in doc["projects"] for i in p["indicators"]}) == n * per


# ------------------------------------------------------------------------------ other carriers


def test_gbk_csv(base_tables: Tables, tmp_path: Path, small_chunks: Callable, routes: Counter) -> None:
    small_chunks(5, 7)
    folder = write_csv(awkward(base_tables), tmp_path / "gbk", encoding="gbk")
    with pytest.raises(UnicodeDecodeError):
        (folder / "indicators.csv").read_bytes().decode("utf-8")  # really not UTF-8
    doc = assert_same([folder], workers=1)
    assert doc["projects"] and doc["errors"]
    assert _columnar_count(routes) >= 15, routes
    assert assert_same([folder], workers=2) == doc
    # and it is the UTF-8 portfolio's document, but for the file names in `source` and errors
    utf8 = write_csv(awkward(base_tables), tmp_path / "utf8")
    assert _doc([utf8], 1, True).replace(b"/utf8", b"/gbk") == _doc([folder], 1, True)


def test_parquet_text_columns(
    base_tables: Tables, tmp_path: Path, small_chunks: Callable, routes: Counter
) -> None:
    small_chunks(5, 7)
    folder = write_parquet(awkward(base_tables), tmp_path / "pq")
    assert not list(folder.glob("*.csv"))
    doc = assert_same([folder], workers=1)
    assert doc["projects"] and doc["errors"]
    assert _columnar_count(routes) >= 15, routes
    assert assert_same([folder], workers=2) == doc


def test_parquet_text_with_nulls(base_tables: Tables, tmp_path: Path, small_chunks: Callable) -> None:
    """A null in a text column takes the reference path for the folder: the same bytes all the same."""
    small_chunks(5, 7)
    t = awkward(base_tables)
    folder = write_parquet(t, tmp_path / "pq")
    table = pq.read_table(folder / "indicators.parquet")
    reasons = table.column("deviation_reason").to_pylist()
    reasons = [None if not v else v for v in reasons]
    table = table.set_column(
        table.column_names.index("deviation_reason"), "deviation_reason", pa.array(reasons, pa.string())
    )
    pq.write_table(table, folder / "indicators.parquet")
    doc = assert_same([folder], workers=1)
    assert doc["projects"]
    assert assert_same([folder], workers=2) == doc


TYPED = {
    "weight": pa.float64(),
    "reported_score": pa.float64(),
    "year": pa.int64(),
    "reported_total": pa.float64(),
    "initial": pa.float64(),
    "adjusted": pa.float64(),
    "executed": pa.float64(),
}


@pytest.mark.parametrize("edited", [False, True], ids=["plain", "awkward"])
def test_parquet_typed_columns(
    base_tables: Tables, tmp_path: Path, small_chunks: Callable, routes: Counter, edited: bool
) -> None:
    small_chunks(5, 7)
    folder = write_parquet(awkward(base_tables) if edited else _copy(base_tables), tmp_path / "pq", TYPED)
    assert pq.read_schema(folder / "indicators.parquet").field("weight").type == pa.float64()
    assert pq.read_schema(folder / "projects.parquet").field("year").type == pa.int64()
    doc = assert_same([folder], workers=1)
    assert doc["projects"]
    assert _columnar_count(routes) == 0, routes  # typed columns: the reference path, by design
    assert assert_same([folder], workers=2) == doc
    if not edited:  # a clean typed portfolio scores exactly as its CSV
        csv_folder = write_csv(_copy(base_tables), tmp_path / "csv")
        as_csv = json.loads(_doc([csv_folder], 1, True))
        assert [p["total"] for p in doc["projects"]] == [p["total"] for p in as_csv["projects"]]


def test_several_folders_and_a_repeated_id_across_them(
    base_tables: Tables, tmp_path: Path, small_chunks: Callable
) -> None:
    small_chunks(5, 7)
    a = write_csv(awkward(base_tables), tmp_path / "a")
    t = _copy(base_tables)
    for stem in STEMS:
        t[stem][1][:] = t[stem][1][:12]  # the first projects again: their ids repeat folder a's
    b = write_parquet(t, tmp_path / "b")
    doc = assert_same([a, b], workers=1)
    assert any("重复" in e["message"] for e in doc["errors"])
    assert assert_same([a, b], workers=2) == doc


# ----------------------------------------------------------------------------- random portfolios

DIRECTIONS = ["≥", "≤", "=", ">", "<", "定性", "时限", "正向", "x", "", " ≥ "]
VALUES = [
    "≥95%",
    "98.5%",
    "≤90万元",
    "85万元",
    "0次",
    "=100%",
    "2024年12月31日前",
    "按期完成",
    "达成年度指标",
    "效果不明显",
    "无",
    "",
    "≥200人次",
    "70%",
    "120人次",
    "≥７０％",
    "'=8个",
    "8个",
    "-3",
    "0",
    "100",
    "2025年3月完成",
    "年底前完成",
    "延期完成",
    "部分达成",
    "≥0",
    "1,200",
    "≤12个月",
    "14个月",
    "95",
    "abc",
]
UNITS = ["", "%", "万元", "人次", "次", "个", "个月", "元", "无"]
WEIGHTS = ["10", "5.5", "0", "", "abc", "20", "10.0", " 7 ", "-1", "1e1", "十"]
LEVEL1 = ["产出指标", "效益指标", "满意度指标", "产出", " 效益 ", "其他", "", "决策"]
SOURCES = ["年度资金总额", "当年财政拨款", "上年结转资金", "其他资金", "专项活动", "其中：财政拨款", ""]
AMOUNTS = ["100", "95.5", "0", "", "-3", "abc", "120", "1,000", "50", "100.0"]
APPLICABLE = ["", "", "", "是", "否", "适用", "maybe"]
REASONS = ["", "", "因天气原因延期", 'a"b\\c\td']


def _mostly(plain: st.SearchStrategy, awkward_: list[str]) -> st.SearchStrategy:
    """A plain value three times in four, else an awkward one."""
    return st.one_of(plain, plain, plain, st.sampled_from(awkward_))


_scores = st.integers(0, 250).map(lambda n: f"{n / 10:g}")
reported = st.one_of(st.just(""), _scores, _scores, st.sampled_from(["", " 5 ", "-1", "abc", "30", "-0"]))


@st.composite
def plain_indicator(draw: st.DrawFn) -> dict[str, str]:
    """A row as forms usually have them: numbers with units, or a qualitative/deadline row."""
    unit = draw(st.sampled_from(["个", "%", "人次", "万元"]))
    kind = draw(st.sampled_from(["≥", "≤", "=", "定性", "时限"]))
    if kind in ("定性", "时限"):
        target = draw(st.sampled_from(["达成年度指标", "2024年12月31日前", "年底前完成", "按期完成"]))
        actual = draw(st.sampled_from(["达成年度指标", "部分达成", "按时完成", "2024年11月完成", "延期完成"]))
        unit = ""
    else:
        t, a = draw(st.integers(0, 200)), draw(st.integers(0, 300))
        target, actual = f"{kind}{t}{unit}", f"{a}{unit}"
    return {
        "level1": draw(st.sampled_from(LEVEL1[:3])),
        "level2": "数量指标",
        "name": draw(st.sampled_from(["培训人次", "合格率", "成本", "满意度"])),
        "direction": kind,
        "target": target,
        "actual": actual,
        "unit": unit,
        "weight": str(draw(st.integers(0, 30))),
        "reported_score": draw(reported),
        "deviation_reason": draw(st.sampled_from(REASONS)),
        "applicable": "",
    }


@st.composite
def awkward_indicator(draw: st.DrawFn) -> dict[str, str]:
    return {
        "level1": draw(_mostly(st.sampled_from(LEVEL1[:3]), LEVEL1)),
        "level2": draw(st.sampled_from(["数量指标", "质量指标", "", "社会效益指标"])),
        "name": draw(_mostly(st.sampled_from(["培训人次", "合格率", "成本"]), ["", '名"称\t', " 满意度 "])),
        "direction": draw(st.sampled_from(DIRECTIONS)),
        "target": draw(st.sampled_from(VALUES)),
        "actual": draw(st.sampled_from(VALUES)),
        "unit": draw(st.sampled_from(UNITS)),
        "weight": draw(_mostly(st.integers(0, 30).map(str), WEIGHTS)),
        "reported_score": draw(reported),
        "deviation_reason": draw(st.sampled_from(REASONS)),
        "applicable": draw(_mostly(st.just(""), APPLICABLE)),
    }


@st.composite
def budget_rows(draw: st.DrawFn, first: bool) -> dict[str, str]:
    amount = _mostly(st.integers(0, 300).map(str), AMOUNTS)
    source = draw(st.just("年度资金总额") if first else st.sampled_from(SOURCES))
    return {
        "source": source,
        "initial": draw(amount),
        "adjusted": draw(amount),
        "executed": draw(amount),
        "reported_score": draw(reported),
    }


@st.composite
def portfolios(draw: st.DrawFn) -> Tables:
    n = draw(st.integers(2, 8))
    projects, budget, indicators = [], [], []
    for k in range(n):
        pid = f"p-{k:02d}"
        projects.append(
            {
                "project_id": pid,
                "name": draw(_mostly(st.just("项目甲"), ["", 'x"y\\z\t'])),
                "department": draw(_mostly(st.just("某局"), ["", " 某委 "])),
                "unit": draw(st.sampled_from(["", "某中心"])),
                "year": draw(_mostly(st.just("2024"), ["2024年", "2019", "二〇二四", "２０２４", "24", ""])),
                "evaluation_type": draw(
                    _mostly(st.sampled_from(["", "self"]), ["单位自评", "部门评价", "finance", "bogus"])
                ),
                "scheme": draw(_mostly(st.just(""), ["self-2020", "dept-2020", "nope"])),
                "amount_unit": draw(_mostly(st.sampled_from(["", "万元"]), ["元", "美元", " 万元 "])),
                "reported_total": draw(
                    st.one_of(
                        st.just(""),
                        st.integers(0, 1100).map(lambda x: f"{x / 10:g}"),
                        st.sampled_from(["abc", " 90 ", "-0"]),
                    )
                ),
                "reported_grade": draw(st.sampled_from(["", "优", "良", "中", "差", "优秀"])),
                "budget_note": draw(st.sampled_from(["", "执行率偏低原因：采购延期"])),
            }
        )
        rows = draw(st.integers(1, 4))
        budget += [{"project_id": pid, **draw(budget_rows(first=j == 0))} for j in range(rows)]
        rows = draw(st.integers(1, 6))
        row = st.one_of(plain_indicator(), plain_indicator(), awkward_indicator())
        indicators += [{"project_id": pid, **draw(row)} for _ in range(rows)]
    return {
        "projects": (list(projects[0]), projects),
        "budget": (list(budget[0]), budget),
        "indicators": (list(indicators[0]), indicators),
    }


def test_random_portfolios(small_chunks: Callable, routes: Counter) -> None:
    small_chunks(3, 10**9)
    seen: Counter = Counter()
    root = Path(tempfile.mkdtemp(prefix="table-scoring-"))

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(tables=portfolios())
    def check(tables: Tables) -> None:
        folder = write_csv(tables, Path(tempfile.mkdtemp(dir=root)) / "tables")
        _forget_memos()  # each example as in a fresh process, so a failure replays and shrinks
        before = _columnar_count(routes)
        doc = assert_same([folder], workers=1)
        n = len(tables["projects"][1])
        # each project: a record, or its errors (every problem of a project is listed, issue #13)
        failed = {e.get("project_id") for e in doc["errors"]}
        assert len(doc["projects"]) + len(failed) == n
        assert not failed & {p["project_id"] for p in doc["projects"]}
        seen["projects"] += len(doc["projects"])
        seen["columnar"] += _columnar_count(routes) - before

    try:
        check()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    assert seen["projects"] >= 10, seen  # the strategies leave enough projects scorable
    assert seen["columnar"] >= 5, seen  # and some of them took the columnar path
