"""Rows that are not scored by a rule of their own: a blank 实际完成值 (no evidence, no points) and an
unweighted `其中：…` detail row (carried and shown, not scored); and how the explanation of any row
says the guesses its cells were read by (指标性质 inferred from the target, `0.93` read as 93%).
DOMAIN.md, Real forms across provinces: "Blank is no evidence: no points, flagged; never a default band."
"""

from __future__ import annotations

from ..model import Indicator
from .explain import Explanation, pts
from .outcome import DETAIL, MISSING_ACTUAL, READING_FLAGS, Outcome
from .rule import define

UNSCORED = define(
    "unscored",
    "不予计分",
    "实际完成值未填的指标不计分（不按定性默认档给分）；未设分值的「其中」明细行只列示、不计分",
    reference="DOMAIN.md Real forms：空白即无佐证，不计分并提示；明细行 carried, not scored",
    missing="实际完成值未填，不予计分（分值 {weight}，得 {score} 分）",
    detail="「其中」明细行，未设分值，只列示、不计分；得 {score} 分",
    unweighted="分值未填，只列示、不计分；得 {score} 分",
)
READING = define(
    "reading",
    "读数说明",
    "表上未写明之处按规则推定，并在说明中写出",
    reference="DOMAIN.md Real forms：指标性质按年度指标值推定；0.93 按比例读作 93%",
    noted="{readings}。{text}",
)


def unscored(ind: Indicator) -> Outcome | None:
    """The outcome of a row no rule scores (a detail row, a blank actual), or None."""
    inputs: dict[str, object] = {"target": ind.target.raw, "actual": ind.actual.raw, "weight": ind.weight}
    if ind.detail:
        case = "unweighted" if any(code == "unweighted" for code, _ in ind.readings) else "detail"
        text = UNSCORED.text(case, {"score": pts(0)})
        return Outcome(
            0.0, None, False, Explanation(UNSCORED.title, UNSCORED.formula, text, inputs), None, (DETAIL,)
        )
    if ind.actual.kind == "empty":
        text = UNSCORED.text("missing", {"weight": pts(ind.weight), "score": pts(0)})
        expl = Explanation(UNSCORED.title, UNSCORED.formula, text, inputs)
        return Outcome(0.0, None, False, expl, None, (MISSING_ACTUAL,))
    return None


def with_readings(ind: Indicator, out: Outcome) -> Outcome:
    """The outcome with the row's readings said first in its explanation, and flagged."""
    if not ind.readings:
        return out
    e = out.explanation
    said = [r for code, r in ind.readings if code != "unweighted"]  # the text says that one itself
    text = READING.text("noted", {"readings": "；".join(said), "text": e.text}) if said else e.text
    out.explanation = Explanation(
        e.rule, e.formula, text, {**e.inputs, "readings": [r for _, r in ind.readings]}
    )
    out.flags = (*out.flags, *(READING_FLAGS[code] for code, _ in ind.readings if code in READING_FLAGS))
    return out
