"""Shared fixtures: projects and schemes built the way users write them, loaded through the real readers.

- `project_doc(...)` gives a project dict in the YAML shape of SPEC (facts, `budget`, `indicators`).
- `load_doc(doc)` writes it to a `.yaml` file and reads it back with `evalcore.load_project`: the
  whole carrier path (YAML reader → records → model), as a user's file would go.
- `build_doc(doc)` feeds the same dict to `evalcore.inputs.records.build_project` as a `RawProject`
  (no file), for property tests that build thousands of projects.
- `scheme_file(base, set=..., path=...)` writes a user's scheme file: a built-in scheme with some keys
  changed (dotted paths such as `quantitative.reverse_formula` or `qualitative.levels[1].min`).
- `clean_doc()` is a project in which everything is consistent: the review finds nothing.
"""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

import evalcore
from evalcore.errors import Where
from evalcore.inputs.records import RawProject, RawRow, build_project
from evalcore.model import Project
from evalcore.schemes import HERE as SCHEMES_DIR

TESTS = Path(__file__).parent
SEED = TESTS / "data" / "nc-scjg-2019-zzxf.yaml"

FACTS: dict[str, Any] = {
    "project_id": "t-001",
    "name": "测试项目",
    "department": "测试局",
    "unit": "测试局",
    "year": 2019,
    "evaluation_type": "self",
    "amount_unit": "万元",
}
DEFAULT_BUDGET = [{"source": "年度资金总额", "initial": 100, "adjusted": 100, "executed": 100}]

_counter = itertools.count()


def project_doc(indicators: list[dict] | None = None, budget: list[dict] | None = None, **facts: Any) -> dict:
    """A project dict in the YAML shape; facts not given take test defaults."""
    doc = {**copy.deepcopy(FACTS), **facts}
    doc["budget"] = copy.deepcopy(budget if budget is not None else DEFAULT_BUDGET)
    doc["indicators"] = copy.deepcopy(indicators or [])
    return doc


# ------------------------------------------------------------------------------------------ projects


def write_doc(directory: Path, doc: dict, stem: str | None = None) -> Path:
    path = directory / f"{stem or 'project'}-{next(_counter)}.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def load_doc(tmp_path: Path) -> Callable[[dict], Project]:
    """Write a project dict to a YAML file and load it with the real YAML carrier."""

    def load(doc: dict) -> Project:
        return evalcore.load_project(write_doc(tmp_path, doc))

    return load


def raw_project(doc: dict, file: str = "<memory>") -> RawProject:
    facts = {k: v for k, v in doc.items() if k not in ("budget", "indicators")}
    budget = [RawRow(dict(r), file, path=f"budget[{i}]") for i, r in enumerate(doc.get("budget") or [])]
    indicators = [
        RawRow(dict(r), file, path=f"indicators[{i}]") for i, r in enumerate(doc.get("indicators") or [])
    ]
    return RawProject(
        RawRow(facts, file, path=""),
        budget,
        indicators,
        file,
        Where(file, path="budget"),
        Where(file, path="indicators"),
    )


@pytest.fixture(scope="session")
def build_doc() -> Callable[[dict], Project]:
    """A project dict → Project through `records.build_project`, without a file (fast, for hypothesis)."""
    return lambda doc: build_project(raw_project(doc))


# ------------------------------------------------------------------------------------------- schemes

_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def set_path(doc: Any, dotted: str, value: Any) -> None:
    """Set `a.b[1].c` in a nested dict/list, creating mappings on the way."""
    keys: list[str | int] = [int(idx) if idx else name for name, idx in _TOKEN.findall(dotted)]
    node = doc
    for key in keys[:-1]:
        if isinstance(key, str) and key not in node:
            node[key] = {}
        node = node[key]
    node[keys[-1]] = value


def scheme_doc(base: str = "self-2020", set: dict[str, Any] | None = None) -> dict:
    doc = yaml.safe_load((SCHEMES_DIR / f"{base}.yaml").read_text(encoding="utf-8"))
    doc["id"] = f"{base}-test"
    for dotted, value in (set or {}).items():
        set_path(doc, dotted, value)
    return doc


def write_scheme(directory: Path, doc: dict | str, stem: str = "scheme") -> Path:
    path = directory / f"{stem}-{next(_counter)}.yaml"
    text = doc if isinstance(doc, str) else yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def scheme_file(tmp_path: Path) -> Callable[..., Path]:
    """Write a user's scheme file: `scheme_file("self-2020", set={"rounding.whole_points": True})`."""

    def make(base: str = "self-2020", set: dict[str, Any] | None = None) -> Path:
        return write_scheme(tmp_path, scheme_doc(base, set))

    return make


@pytest.fixture(scope="session")
def scheme_variant(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., evalcore.schemes.Scheme]:
    """A loaded scheme: a built-in with some keys changed, written to a file and read by load_scheme.
    Session-scoped and cached, so hypothesis tests can use it."""
    directory = tmp_path_factory.mktemp("schemes")
    cache: dict[str, evalcore.schemes.Scheme] = {}

    def make(base: str = "self-2020", **changes: Any) -> evalcore.schemes.Scheme:
        dotted = {k.replace("__", "."): v for k, v in changes.items()}
        key = repr((base, sorted(dotted.items())))
        if key not in cache:
            cache[key] = evalcore.load_scheme(write_scheme(directory, scheme_doc(base, dotted)))
        return cache[key]

    return make


# ------------------------------------------------------------------------------------ a clean project

CLEAN: dict[str, Any] = {
    **FACTS,
    "project_id": "clean-001",
    "name": "基层业务培训",
    "goal_planned": "完成年度培训任务",
    "goal_actual": "已完成年度培训任务",
    # 9.5 + 18 + 15 + 5 + 10 + 19 + 10 + 10 = 96.5 → 优
    "reported_total": 96.5,
    "reported_grade": "优",
    "budget": [
        {"source": "年度资金总额", "initial": 100, "adjusted": 100, "executed": 95, "reported_score": 9.5},
        {"source": "当年财政拨款", "initial": 100, "adjusted": 100, "executed": 95},
    ],
    "indicators": [
        {
            "level1": "产出指标",
            "level2": "数量指标",
            "name": "培训人次",
            "direction": "≥",
            "target": "200人次",
            "actual": "180人次",
            "unit": "人次",
            "weight": 20,
            "reported_score": 18,
            "deviation_reason": "两期培训因场地改造合并",
        },
        {
            "level1": "产出指标",
            "level2": "质量指标",
            "name": "培训合格率",
            "direction": "≥",
            "target": "95%",
            "actual": "95%",
            "unit": "%",
            "weight": 15,
            "reported_score": 15,
        },
        {
            "level1": "产出指标",
            "level2": "时效指标",
            "name": "培训完成时间",
            "direction": "时限",
            "target": "年底前完成",
            "actual": "2019年11月完成",
            "weight": 5,
            "reported_score": 5,
        },
        {
            "level1": "产出指标",
            "level2": "成本指标",
            "name": "培训成本",
            "direction": "≤",
            "target": "100万元",
            "actual": "95万元",
            "unit": "万元",
            "weight": 10,
            "reported_score": 10,
        },
        {
            "level1": "效益指标",
            "level2": "社会效益指标",
            "name": "业务能力提升",
            "direction": "定性",
            "target": "效果明显",
            "actual": "达成年度指标",
            "weight": 20,
            "reported_score": 19,
        },
        {
            "level1": "效益指标",
            "level2": "可持续影响指标",
            "name": "培训机制长效运行",
            "direction": "定性",
            "target": "持续运行",
            "actual": "效果明显",
            "weight": 10,
            "reported_score": 10,
        },
        {
            "level1": "满意度指标",
            "level2": "服务对象满意度指标",
            "name": "参训人员满意度",
            "direction": "≥",
            "target": "90%",
            "actual": "90%",
            "unit": "%",
            "weight": 10,
            "reported_score": 10,
        },
    ],
}


@pytest.fixture
def clean_doc() -> dict:
    """A self-evaluation where weights add up, reported scores equal recomputed ones, the reported
    total is their sum (96.5) and the grade (优) matches it."""
    return copy.deepcopy(CLEAN)


def indicator_named(doc: dict, name: str) -> dict:
    return next(i for i in doc["indicators"] if i["name"] == name)
