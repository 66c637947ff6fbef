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

import string
from collections.abc import Callable
from dataclasses import dataclass, field
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
    compiled: dict[str, Callable[..., str]] = field(default_factory=dict, compare=False, repr=False)

    def text(self, case: str, pieces: dict[str, str]) -> str:
        """The explanation of one case with its numbers (formatted: `pieces` by template name) filled in."""
        return self.compiled[case](pieces)

    def explain(
        self, case: str, inputs: dict[str, object], pieces: dict[str, str], formula: str | None = None
    ) -> Explanation:
        """An Explanation of this rule: its title, its formula and the case's text."""
        return Explanation(self.title, formula or self.formula, self.compiled[case](pieces), inputs)


RULES: dict[str, Rule] = {}


def define(name: str, title: str, formula: str, *, reference: str = "", **templates: str) -> Rule:
    """Define a rule once, by name. A second rule of the same name is a programming error."""
    if name in RULES:
        raise ValueError(f"rule {name!r} is defined twice")
    rule = Rule(name, title, formula, MappingProxyType(dict(templates)), reference)
    rule.compiled.update({case: _compile(f"{name}.{case}", t) for case, t in templates.items()})
    RULES[name] = rule
    return rule


def _compile(where: str, template: str) -> Callable[..., str]:
    """A template as a function of a dict of its pieces (str.format parses the template and takes
    keyword arguments on every call, and a province's portfolio fills these a hundred thousand
    times). Pieces are plain `{name}`s of formatted text; pieces a template does not use are ignored."""
    parts = []
    for literal, name, spec, conversion in string.Formatter().parse(template):
        if literal:
            parts.append(repr(literal))
        if name is not None:
            if spec or conversion or not name.isidentifier():
                raise ValueError(f"{where}: a template piece is a plain {{name}}, not {{{name}:{spec}}}")
            parts.append(f"p[{name!r}]")
    source = f"lambda p: {' + '.join(parts) or repr('')}"
    return eval(source)
