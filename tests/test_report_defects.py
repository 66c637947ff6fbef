"""The defects users found in the HTML report, the portfolio index and the sample data, one test
(or a few) per defect, each failing without its fix. Fast: sections and charts are built in this
process from evaluations, no kernel runs here (the batch tests at the end run two small batches)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import project_doc

import evalcore
from evalcore.evaluation import Evaluation
from evalcore.presentation.formats import report_title
from evalcore.presentation.report import ProjectReport

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "seed" / "nc-scjg-2019-zzxf.yaml"

INDICATORS = [
    {"level1": "产出指标", "level2": "数量指标", "name": "培训人次", "direction": "≥", "target": "200人次",
     "actual": "180人次", "unit": "人次", "weight": 50, "reported_score": 45},
    {"level1": "效益指标", "level2": "社会效益指标", "name": "群众满意", "direction": "定性",
     "target": "效果明显", "actual": "达成年度指标", "weight": 40, "reported_score": 40},
]  # fmt: skip


def evaluation_of(load_doc, **facts: object) -> Evaluation:  # type: ignore[no-untyped-def]
    doc = project_doc(INDICATORS, **facts)
    return evalcore.evaluate(load_doc(doc))


def report_of(load_doc, **facts: object) -> ProjectReport:  # type: ignore[no-untyped-def]
    return ProjectReport(evaluation_of(load_doc, **facts), "<test>")


# ---------------------------------------------------------------------- 1. 「…项目项目绩效评价报告」


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("智慧城管信息化建设项目", "江城市城市管理局关于智慧城管信息化建设项目绩效评价报告"),
        ("2019年度综治信访", "江城市城市管理局关于2019年度综治信访项目绩效评价报告"),
        ("农村饮水安全专项资金", "江城市城市管理局关于农村饮水安全专项资金项目绩效评价报告"),
        ("项目管理", "江城市城市管理局关于项目管理项目绩效评价报告"),
    ],
)
def test_report_title_does_not_double_the_word_project(name: str, title: str) -> None:
    assert report_title(SimpleNamespace(department="江城市城市管理局", name=name)) == title


def test_the_report_header_uses_the_shared_title(load_doc) -> None:  # type: ignore[no-untyped-def]
    r = report_of(load_doc, name="道路养护项目", department="江城市交通运输局")
    assert r.title == "江城市交通运输局关于道路养护项目绩效评价报告"
    assert "项目项目" not in str(r.header().html)
