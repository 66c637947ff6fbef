"""Rule tests as data (OpenFisca style): every case in `tests/rule_cases/*.yaml` is one test.

A case, as a policy analyst writes it:

    - name: 正向指标未达目标，按完成比例计分
      reference: DOMAIN.md 定量指标 ≥
      scheme: self-2020                  # optional: a built-in id, or {base: self-2020, set: {dotted.key: value}}
      input:                             # project fields; `budget` and `indicators` rows as in a project file
        indicators:
          - {level1: 产出指标, name: 接待信访群众, direction: "≥", target: 200人次, actual: 146人次, weight: 10}
      output:
        scores: {接待信访群众: 7.3}      # recomputed score per 三级指标 name (to the hundredth)
        budget_score: 10                 # 预算执行率得分 (to the hundredth)
        execution_rate: 0.9              # 全年执行数 ÷ 全年预算数 (to 0.0001); initial_rate: ÷ 年初预算数
        total: 97.3                      # the scheme's official (rounded) total, exact
        grade: 优
        not_applicable: [名称]            # indicators dropped and rescaled (按百分制折算)
        levels: {名称: 达成年度指标}       # qualitative level reached
        explanations: {名称: 文字片段}     # text that must appear in the indicator's explanation
        budget_explanation: 文字片段
        findings: {present: [R002], absent: [R001]}
        error: 文字片段                   # instead of scores: loading must fail with an InputError saying this
      surveys:                           # optional: questionnaire exports written beside the project file
        问卷.csv: [[序号, 1.满意度], [1, 满意], …]   # rows of a CSV (UTF-8), header first

When `input` gives no `budget`, the budget is 年度资金总额 100 / 100 / 100 万元 (100% executed). When a
case sets `fill: true`, the indicators of the case are completed with full-mark rows so the project
itemises exactly the self-2020 weights (产出 50 · 效益 30 · 满意度 10); the filler rows are named
`补足-产出指标` etc. and score their full weight. Every expected number is worked out by hand from
DOMAIN.md; the comment beside it shows the arithmetic.
"""

from __future__ import annotations

import copy
import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import project_doc, scheme_doc, write_scheme

import evalcore
from evalcore.authoring.writers import write_tables
from evalcore.errors import InputError
from evalcore.pipeline import score_stream

CASES_DIR = Path(__file__).parent / "rule_cases"
CASE_KEYS = {"name", "reference", "scheme", "input", "output", "fill", "surveys"}
OUTPUT_KEYS = {
    "scores",
    "budget_score",
    "execution_rate",
    "initial_rate",
    "total",
    "grade",
    "not_applicable",
    "levels",
    "explanations",
    "budget_explanation",
    "findings",
    "error",
}
SCORE_TOL = 0.005 + 1e-9  # expected scores are written to the hundredth
RATE_TOL = 0.00005 + 1e-12
SELF_2020_INDICATOR_WEIGHTS = {"产出指标": 50, "效益指标": 30, "满意度指标": 10}


def _load_cases() -> list[Any]:
    params = []
    for file in sorted(CASES_DIR.glob("*.yaml")):
        cases = yaml.safe_load(file.read_text(encoding="utf-8"))
        assert isinstance(cases, list) and cases, f"{file.name}: a list of cases expected"
        for i, case in enumerate(cases):
            params.append(pytest.param(case, id=f"{file.stem}-{i + 1:02d}"))
    return params


CASES = _load_cases()


def _category(level1: str) -> str:
    """self-2020's category of a 一级指标 (成本指标 counts under 产出指标)."""
    return "产出指标" if level1 == "成本指标" else level1


def _fill(indicators: list[dict]) -> list[dict]:
    rows = copy.deepcopy(indicators)
    for level1, weight in SELF_2020_INDICATOR_WEIGHTS.items():
        have = sum(float(r.get("weight") or 0) for r in rows if _category(r["level1"]) == level1)
        if weight - have > 1e-9:
            rows.append(
                {
                    "level1": level1,
                    "level2": "补足",
                    "name": f"补足-{level1}",
                    "direction": "定性",
                    "target": "达成年度指标",
                    "actual": "达成年度指标",
                    "weight": weight - have,
                }
            )
    return rows


def _scheme(spec: Any, tmp_path: Path) -> evalcore.schemes.Scheme | str | None:
    if spec is None or isinstance(spec, str):
        return spec
    assert set(spec) <= {"base", "set"}, f"scheme: only base and set are known, got {sorted(spec)}"
    return evalcore.load_scheme(
        write_scheme(tmp_path, scheme_doc(spec.get("base", "self-2020"), spec.get("set")))
    )


def _write_surveys(case: dict, directory: Path) -> None:
    """The case's questionnaire exports, as CSV files beside the project file (or table folder)."""
    for name, rows in (case.get("surveys") or {}).items():
        with (directory / name).open("w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows(rows)


def _project(case: dict, tmp_path: Path) -> evalcore.model.Project:
    _write_surveys(case, tmp_path)
    given = copy.deepcopy(case.get("input") or {})
    indicators = given.pop("indicators", [])
    assert indicators or case.get("fill"), "input.indicators: at least one row (or fill: true)"
    if case.get("fill"):
        indicators = _fill(indicators)
    doc = project_doc(indicators, given.pop("budget", None), **given)
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return evalcore.load_project(path)


def test_cases_were_found() -> None:
    assert len(CASES) >= 60


@pytest.mark.parametrize("case", CASES)
def test_rule_case(case: dict, tmp_path: Path) -> None:
    try:
        _check(case, tmp_path)
    except AssertionError as exc:
        raise AssertionError(f"{case.get('name')}: {exc}") from exc


def _check(case: dict, tmp_path: Path) -> None:
    assert set(case) <= CASE_KEYS, f"unknown case keys {sorted(set(case) - CASE_KEYS)}"
    assert case.get("name"), "every case has a name"
    out = case["output"]
    assert out and set(out) <= OUTPUT_KEYS, f"unknown output keys {sorted(set(out) - OUTPUT_KEYS)}"
    scheme = _scheme(case.get("scheme"), tmp_path)

    if "error" in out:
        with pytest.raises(InputError) as info:
            evalcore.evaluate(_project(case, tmp_path), scheme)
        assert out["error"] in str(info.value)
        return

    ev = evalcore.evaluate(_project(case, tmp_path), scheme)
    card = ev.card
    scored = {s.indicator.name: s for s in card.indicators}
    for name, expected in (out.get("scores") or {}).items():
        assert name in scored, (
            f"「{name}」 was not scored (not applicable: {[i.name for i in card.not_applicable]})"
        )
        assert scored[name].score == pytest.approx(expected, abs=SCORE_TOL), (
            f"「{name}」: {scored[name].explanation.text}"
        )
    for name in out.get("not_applicable") or []:
        assert name in {i.name for i in card.not_applicable}
        assert name not in scored
    for name, level in (out.get("levels") or {}).items():
        assert scored[name].level == level
    for name, text in (out.get("explanations") or {}).items():
        assert text in scored[name].explanation.text
    if "budget_score" in out:
        assert card.budget.score == pytest.approx(out["budget_score"], abs=SCORE_TOL), (
            card.budget.explanation.text
        )
    if "execution_rate" in out:
        assert card.budget.execution_rate == pytest.approx(out["execution_rate"], abs=RATE_TOL)
    if "initial_rate" in out:
        assert card.budget.initial_rate == pytest.approx(out["initial_rate"], abs=RATE_TOL)
    if "budget_explanation" in out:
        assert out["budget_explanation"] in card.budget.explanation.text
    if "total" in out:
        assert card.total == pytest.approx(out["total"], abs=1e-9), f"total_raw {card.total_raw}"
    if "grade" in out:
        assert card.grade == out["grade"]
    codes = {f.code for f in ev.findings}
    findings = out.get("findings") or {}
    assert set(findings) <= {"present", "absent"}
    for code in findings.get("present") or []:
        assert code in codes, f"{code} expected among {sorted(codes)}"
    for code in findings.get("absent") or []:
        assert code not in codes, [f.message for f in ev.findings if f.code == code]


# ------------------------------------------------------------------- every case through the tables


@pytest.fixture(scope="module")
def through_tables(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Every case as one project of a single portfolio table folder, scored as `score --json` scores
    a province: read column by column, in chunks, through the fork pool (chunks are made small so
    the cases spread over many chunks and both workers). A case's scheme travels as the project's
    `scheme` cell (a built-in id or the path of the case's scheme file)."""
    base = tmp_path_factory.mktemp("rule-cases")
    docs, files, surveyed = [], [], []  # cases naming a questionnaire: a folder of their own (row by row)
    (base / "files").mkdir()
    (base / "tables-surveys").mkdir()
    for n, param in enumerate(CASES):
        case = param.values[0]
        given = copy.deepcopy(case.get("input") or {})
        indicators = given.pop("indicators", [])
        if case.get("fill"):
            indicators = _fill(indicators)
        spec = case.get("scheme")
        if isinstance(spec, dict):
            given["scheme"] = str(
                write_scheme(base, scheme_doc(spec.get("base", "self-2020"), spec.get("set")))
            )
        elif spec:
            given["scheme"] = spec
        given["project_id"] = f"case-{n:03d}"
        doc = project_doc(indicators, given.pop("budget", None), **given)
        (surveyed if case.get("surveys") else docs).append(doc)
        _write_surveys(case, base / "files")
        _write_surveys(case, base / "tables-surveys")
        path = base / "files" / f"{doc['project_id']}.yaml"
        path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
        files.append(path)
    write_tables(docs, base / "tables")
    tables = [base / "tables"]
    if surveyed:  # kept apart: a table naming a questionnaire is read row by row, the rest by columns
        write_tables(surveyed, base / "tables-surveys")
        tables.append(base / "tables-surveys")
    out: dict[str, Any] = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(score_stream, "CHUNK", 4)
        mp.setattr(score_stream, "PARALLEL_FROM", 8)
        for kind, paths in (("tables", tables), ("files", files)):
            buf = io.BytesIO()
            score_stream.write_scored_json(paths, buf, None, workers=2)
            document = json.loads(buf.getvalue())
            out[kind] = {p["project_id"]: p for p in document["projects"]}
            out[f"{kind} errors"] = {e.get("project_id"): e["message"] for e in document["errors"]}
    return out


@pytest.mark.parametrize("case", CASES)
def test_rule_case_through_portfolio_tables(
    case: dict, request: pytest.FixtureRequest, through_tables: dict
) -> None:
    """The same case, scored from portfolio tables: what the case expects, and the very record a
    single YAML file of the same project gets (but for the file it came from)."""
    pid = f"case-{[p.id for p in CASES].index(request.node.callspec.id):03d}"
    out = case["output"]
    if "error" in out:
        assert pid not in through_tables["tables"]
        assert out["error"] in through_tables["tables errors"][pid]
        return
    record = through_tables["tables"][pid]
    single = dict(through_tables["files"][pid])
    assert {**record, "source": ""} == {**single, "source": ""}
    try:
        _check_record(out, record)
    except AssertionError as exc:
        raise AssertionError(f"{case.get('name')}: {exc}") from exc


def _check_record(out: dict, record: dict) -> None:
    scored = {i["name"]: i for i in record["indicators"] if i["applicable"]}
    for name, expected in (out.get("scores") or {}).items():
        assert scored[name]["score"] == pytest.approx(expected, abs=SCORE_TOL), scored[name]["explanation"]
    for name in out.get("not_applicable") or []:
        assert name not in scored and name in {i["name"] for i in record["indicators"]}
    for name, level in (out.get("levels") or {}).items():
        assert scored[name]["level"] == level
    for name, text in (out.get("explanations") or {}).items():
        assert text in scored[name]["explanation"]
    budget = record["budget"]
    if "budget_score" in out:
        assert budget["score"] == pytest.approx(out["budget_score"], abs=SCORE_TOL), budget["explanation"]
    for key in ("execution_rate", "initial_rate"):
        if key in out:
            assert budget[key] == pytest.approx(out[key], abs=RATE_TOL)
    if "budget_explanation" in out:
        assert out["budget_explanation"] in budget["explanation"]
    if "total" in out:
        assert record["total"] == pytest.approx(out["total"], abs=1e-9)
    if "grade" in out:
        assert record["grade"] == out["grade"]
    codes = {f["code"] for f in record["findings"]}
    for code in (out.get("findings") or {}).get("present") or []:
        assert code in codes, f"{code} expected among {sorted(codes)}"
    for code in (out.get("findings") or {}).get("absent") or []:
        assert code not in codes
