"""The clean draft of one project: its facts, budget block and indicators (产出, 效益, 满意度), with
weights split from the scheme's points. Defects and scores come later."""

from __future__ import annotations

from ..catalog import REASONS_RATE, Department, Kind
from .budget import budget_rows
from .draft import Draft
from .goals import phrase
from .maker import Maker

#: Indicators many forms add whatever the project: supervision visits, compliance, timely payment.
EXTRA_QUANTITY = ("开展项目督导检查|次|4|24", "组织业务培训|期|2|12", "印发工作方案和管理制度|份|2|10")
EXTRA_QUALITY = ("资金使用合规率|=100%", "项目档案资料完整率|≥95%")
EXTRA_TIMELINESS = ("资金拨付及时率|≥95%", "任务按期完成率|=100%")


def _short(stem: str) -> str:
    return stem[:-2] if stem.endswith("项目") else stem


def make_project(
    m: Maker, dept: Department, kind: Kind, qualifier: str, pid: str, city: str, defect: str | None
) -> Draft:
    """The clean draft of project `pid`, a `kind` of `dept`. Of its `defect` only a budget defect is
    built here, with the budget rows; the others are built or reported by `defects`."""
    year = m.year
    rng = m.rng
    with_items = defect == "item_overspent" or (defect != "execution_over_100" and m.random() < 0.3)
    budget, adjusted, executed, note = budget_rows(m, defect, with_items, kind)
    short = _short(kind.stem)
    (output, benefit, satisfaction), (w_output, w_benefit, w_satisfaction) = m.form.names, m.form.weights

    # 产出 (50 in self-2020): quantity, quality, timeliness, cost
    quantities = list(kind.quantities)
    if m.random() < 0.35:
        quantities.append(m.choice(EXTRA_QUANTITY))
    qualities = list(kind.qualities)
    if m.random() < 0.5:
        qualities.append(m.choice(EXTRA_QUALITY))
    timeliness = [m.choice(EXTRA_TIMELINESS)] if m.random() < 0.5 else []
    importances = [1.3] * len(quantities) + [1.0] * len(qualities) + [0.6] * (1 + len(timeliness)) + [0.8]
    w = m.split(w_output, importances)
    wi = iter(w)
    inds = [m.count(q, next(wi)) for q in quantities]
    inds += [m.from_spec(q, "质量指标", next(wi), 0.08, REASONS_RATE) for q in qualities]
    inds.append(m.deadline(short, next(wi)))
    inds += [m.from_spec(t, "时效指标", next(wi), 0.05, REASONS_RATE) for t in timeliness]
    inds.append(m.cost(short, next(wi), adjusted, executed))
    for i in inds:
        i.row["level1"] = output

    # 效益 (30)
    n_benefit = min(len(dept.benefits), rng.choice((2, 3, 3)))
    picked = rng.sample(dept.benefits, n_benefit)
    bw = m.split(w_benefit, [1.0] * n_benefit)
    benefits = [m.benefit(spec, wt) for spec, wt in zip(picked, bw, strict=True)]
    for i in benefits:
        i.row["level1"] = benefit
    # 满意度 (10): one indicator, or two sharing the points
    n_sat = rng.randint(1, len(dept.satisfaction))
    sw = [w_satisfaction] if n_sat == 1 else [w_satisfaction - w_satisfaction // 2, w_satisfaction // 2]
    sat_names = rng.sample(dept.satisfaction, n_sat)
    sats = [m.satisfaction(name, wt) for name, wt in zip(sat_names, sw, strict=True)]
    for i in sats:
        i.row["level1"] = satisfaction
    inds += benefits + sats

    dept_name = dept.name(city)
    unit = m.choice(dept.units).format(city=city) if dept.units and m.random() < 0.3 else dept_name
    phrases = [phrase(i.row["name"], i.row["target"]) for i in benefits if i.kind == "qualitative"]
    project = {
        "project_id": pid,
        "name": f"{year}年{qualifier}{kind.stem}",
        "department": dept_name,
        "unit": unit,
        "year": year,
        "evaluation_type": "self",
        "scheme": m.form.spec,
        "amount_unit": "万元",
    }
    if note:
        project["budget_note"] = note
    project["budget"] = budget
    return Draft(project, inds, title=f"{qualifier}{kind.stem}", phrases=phrases, defect=defect)
