"""A rule as a reviewer reads it, defined once beside its code (OpenFisca's labelled formulas).

Each scoring rule is a `Rule`: a machine name, the Chinese title a report prints (正向指标), the
formula in words (实际值 ≥ 目标值 得满分；否则 分值 × 实际值 ÷ 目标值), the reference it follows, and
its explanation templates, one per case it distinguishes. The code that applies the rule computes
the numbers, formats them (`explain.pts`, `explain.pct`, `quantities.with_unit`) and fills the
template: the sentence lives in one place, the arithmetic in another, and every score carries the
explanation a reviewer checks with a calculator (`146人次 ÷ 200人次 = 73.0%；10 × 73.0% = 7.30`).

`RULES` lists every rule by name, for the docs and for tests that hold each rule to its cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from .explain import Explanation

#: Float noise, not policy: two results of the same arithmetic that differ by less are equal
#: (policy tolerances — how far a reported score may be from ours — are the scheme's `review`).
EPS = 1e-9


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    title: str  # what a report prints as the rule applied: 正向指标
    formula: str  # the rule in words; may hold {pieces} the scheme sets (逾期得 分值 × {late})
    templates: MappingProxyType[str, str]  # case → the computation with its numbers, as {pieces}
    reference: str = ""

    def text(self, case: str, **pieces: str) -> str:
        """The explanation of one case with its numbers filled in."""
        return self.templates[case].format(**pieces)

    def explain(
        self, case: str, inputs: dict[str, object], formula: str | None = None, **pieces: str
    ) -> Explanation:
        """An Explanation of this rule: its title, its formula and the case's text."""
        return Explanation(self.title, formula or self.formula, self.text(case, **pieces), inputs)


RULES: dict[str, Rule] = {}


def define(name: str, title: str, formula: str, *, reference: str = "", **templates: str) -> Rule:
    """Define a rule once, by name. A second rule of the same name is a programming error."""
    if name in RULES:
        raise ValueError(f"rule {name!r} is defined twice")
    rule = Rule(name, title, formula, MappingProxyType(dict(templates)), reference)
    RULES[name] = rule
    return rule
