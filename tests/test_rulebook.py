"""The rulebook itself: every rule is defined once, by name, with a title, a formula and templates
that fill in; the architecture page says where each lives; a scored row's explanation is its rule's
template with the row's numbers."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

import evalcore
from evalcore.rules import RULES
from evalcore.rules.numeric import POSITIVE, REVERSE_LINEAR
from evalcore.rules.rule import define

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "seed" / "nc-scjg-2019-zzxf.yaml"


def test_every_rule_has_a_title_a_formula_and_templates() -> None:
    assert len(RULES) >= 14
    titles = [r.title for r in RULES.values()]
    assert len(set(titles)) == len(titles), "two rules print the same title"
    for name, rule in RULES.items():
        assert rule.name == name and rule.title and rule.formula and rule.reference, name


@pytest.mark.parametrize("name", sorted(RULES))
def test_each_template_fills_in_as_written(name: str) -> None:
    """The compiled template gives exactly what str.format gives with the same pieces (and ignores
    pieces the case does not use)."""
    rule = RULES[name]
    for case, template in rule.templates.items():
        fields = {f for _, f, _, _ in string.Formatter().parse(template) if f}
        pieces = {f: f"〈{f}〉" for f in fields} | {"unused": "x"}
        assert rule.text(case, pieces) == template.format(**pieces), (name, case)


def test_the_architecture_page_names_every_rule() -> None:
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`([a-z_]+)`", page))
    assert set(RULES) <= named, sorted(set(RULES) - named)


def test_a_rule_is_defined_once() -> None:
    with pytest.raises(ValueError, match="positive"):
        define("positive", "正向指标", "…")


def test_a_template_piece_with_a_format_spec_is_refused() -> None:
    with pytest.raises(ValueError, match="plain"):
        define("test_only_rule", "测试", "…", case="{score:.2f}")


def test_scored_rows_are_explained_by_their_rules_templates() -> None:
    """The seed's 接待信访群众 (146 of 200 人次, weight 10) and a cost within its target."""
    ev = evalcore.evaluate(evalcore.load_project(SEED))
    rows = {s.indicator.name: s for s in ev.card.indicators}
    visits = rows["接待信访群众"]
    assert visits.explanation.rule == POSITIVE.title and visits.explanation.formula == POSITIVE.formula
    assert visits.explanation.text == POSITIVE.text(
        "short", {"actual": "146人次", "target": "200人次", "ratio": "73.0%", "weight": "10", "score": "7.30"}
    )
    cost = rows["控制在成本内"]
    assert cost.explanation.rule == REVERSE_LINEAR.title
    assert cost.explanation.text == REVERSE_LINEAR.text(
        "met", {"actual": "53万元", "target": "60万元", "full": "10.00"}
    )
