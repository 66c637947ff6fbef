"""The scheme as a synthetic form uses it: which categories synth itemises, their names and points,
and the qualitative levels an actual is written as.

Synth restates no weight, name or band: everything a form takes from its scheme is read here, once
per portfolio, so a scheme synth cannot fill is refused before any project is drawn.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...schemes import Category, Scheme, get_scheme

#: The scheme synthetic projects are built for and name: a self-evaluation (预算执行率 and the
#: 产出 · 效益 · 满意度 categories of 财预〔2020〕10号 附件1).
SCHEME = "self-2020"
#: The categories synth writes indicators for, by the label forms give them. Which category of the
#: scheme that is, its name and its points are the scheme's (`Scheme.category_for`).
OUTPUT, BENEFIT, SATISFACTION = "产出", "效益", "满意度"


@dataclass(frozen=True, slots=True)
class Form:
    """What a synthetic form takes from its scheme: the categories it itemises (name and the points
    to itemise: a category's weight less the budget's points when they sit in it), and the levels a
    qualitative actual is written as."""

    spec: str  # the scheme as the projects name it (a built-in id or a scheme file)
    scheme: Scheme
    names: tuple[str, str, str]  # 产出, 效益, 满意度 as the scheme calls them
    weights: tuple[int, int, int]
    achieved: str  # the top qualitative level's name
    partial: str  # the second level's name (部分达成)
    partial_band: tuple[float, float]  # its band, as fractions of the weight


def scheme_form(spec: str) -> Form:
    """The scheme `spec` as synth uses it; ValueError if synth cannot fill its form."""
    scheme = get_scheme(spec)
    budget = scheme.budget_execution

    def itemised(c: Category) -> float:
        return c.weight - (budget.weight if budget is not None and budget.category == c.name else 0)

    cats = [scheme.category_for(label) for label in (OUTPUT, BENEFIT, SATISFACTION)]
    found = [c for c in cats if c is not None]
    left = [c.name for c in scheme.categories if c not in found and itemised(c) > 0]
    weights = [itemised(c) for c in found]
    levels = scheme.qualitative.levels
    if (
        len({c.name for c in found}) < 3
        or left
        or not all(float(w).is_integer() and w > 0 for w in weights)
        or len(levels) < 2
    ):
        raise ValueError(
            f"评分方案 {scheme.id} 无法用于合成项目：合成项目只细化{OUTPUT}、{BENEFIT}、{SATISFACTION}三类指标"
            "（各为整数分值）与预算执行率，定性指标至少分两档"
        )
    (out, ben, sat), (w_out, w_ben, w_sat) = found, weights
    return Form(
        spec,
        scheme,
        (out.name, ben.name, sat.name),
        (int(w_out), int(w_ben), int(w_sat)),
        levels[0].name,
        levels[1].name,
        (levels[1].min, levels[1].max),
    )
