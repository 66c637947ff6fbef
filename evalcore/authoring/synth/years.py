"""Earlier years of a synthetic portfolio (2023 and 2022 from 2024), for 历史比较: lines across
years, the findings only two years together show (R016–R019), a renamed department, questionnaires.

Cross-year review needs years that differ as real ones do while a clean project stays clean, so
each earlier project is derived from its next year and scored by the engine like any synth draft.
The drift: ~85% of the 2024 projects ran in 2023, ~75% in 2022, a few earlier ones ended; ids carry
the year, so lines are found by 实施单位 and the name without the year; an earlier target is a few
percent lower, its actual between it and the next year's target; budgets, execution and a few
shortfalls vary. In 2022 江城市政务服务和数据管理局 was 江城市政务服务管理局: only the mapping
(`History.mapping`, 2022 id → 2023 id) links those lines.

Planted on purpose (`History.labels`, not in the files): R016–R019 on a few lines each, in
different departments and both pairs of years; every other line is steered clear of them. Seven
2023 满意度 rows name a questionnaire (`Questionnaire`) and take its rate (actual left blank), but
one typed actual that agrees, one outside the 95% interval (R021), and one file under 30 valid
responses (R020).
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass, field

from ...inputs.records import build_project
from ...inputs.yaml_reader import raw_project
from ...model import columns_of
from ...rules.explain import round_half_up
from ...rules.survey import MIN_RESPONSES, wilson
from ...scoring import Scorecard, score_batch
from ...vocabulary import DOWNWARD, UPWARD
from .. import catalog
from .draft import Draft, Ind
from .form import SCHEME, Form, scheme_form
from .goals import phrase
from .maker import Maker
from .numbers import fmt, nice
from .portfolio import defect_labels, synthesize
from .project import EXTRA_QUANTITY
from .score import finish_draft, score_drafts

#: The years derived from the base year, latest first (each from the one after it).
YEARS = (2023, 2022)
#: The department renamed once: (its name from 2023, its name in 2022, its 2022 id code).
RENAMED = ("江城市政务服务和数据管理局", "江城市政务服务管理局", "zwfwj")
NEW_SHARE = 0.154  # of the base year's projects, those that did not run the year before (~85% did)
STARTED_SHARE = 0.092  # those that started in 2023 (so ~75% of the base year ran in 2022)
#: Lines that ended before the base year: the years each ran, and how many.
ENDED = (((2022, 2023), 3), ((2023,), 2), ((2022,), 2))
#: Cases planted on the later year's project of a pair: year → codes (one line each).
PLANTED = {2024: ("R016", "R017", "R018", "R019") * 2, 2023: ("R016", "R017", "R018", "R019")}
#: The questionnaires of 2023: (layout, kind) per project; kinds: plain, typed (agrees), two
#: questions, few (R020), outside (R021).
SURVEYS = tuple(
    tuple(s.split(":"))
    for s in "问卷星:plain 问卷星:two 腾讯问卷:plain 问卷星:plain 腾讯问卷:typed 问卷星:few 腾讯问卷:outside".split()
)
SURVEY_CODES = {"few": ("R020",), "outside": ("R021",)}
FACTS = ("department", "unit", "evaluation_type", "scheme", "amount_unit")
FUNDING = ("年度资金总额", "当年财政拨款", "上年结转资金", "其他资金")
SHORT_RATE = 0.05  # a row met the next year falls short with its reason
_NUMBER = re.compile(r"^([≥≤=<>]?)(\d+(?:\.\d+)?)(.*)$")
_DATE = re.compile(r"(\d{4})年(\d+)月(\d+)日")


@dataclass(frozen=True, slots=True)
class Questionnaire:
    """A questionnaire export behind one 满意度 row: where the row names it (relative to the project
    file), its layout (问卷星: GBK CSV, answers in words; 腾讯问卷: UTF-8 CSV, answers 1–5), the
    question and its counts; the script lays the answers out."""

    path: str
    layout: str
    title: str
    valid: int  # valid responses (duplicates and blank submissions aside)
    satisfied: int  # 非常满意 and 满意 among them
    other: tuple[str, int, int] | None = None  # a second question: title, valid, satisfied
    question: str | None = None  # the row's 问卷题目 (a file of two questions)
    typed: bool = False  # the row's actual is typed (else blank: the file's rate)


@dataclass(frozen=True, slots=True)
class History:
    """The earlier years: {year: project dicts (YAML shape), by id}, the mapping file's pairs
    (2022 id → 2023 id, the renamed department), each earlier id's base-year id (None: the line
    ended), the planted codes by project id, and the questionnaires by project id (2023)."""

    years: dict[int, list[dict]]
    mapping: dict[str, str]
    links: dict[str, str | None]
    labels: dict[str, tuple[str, ...]]
    surveys: dict[str, Questionnaire]


@dataclass(slots=True)
class _Line:
    """One project across the years (a line): its plan, and its projects and cards as derived."""

    base: str  # the name without the year
    order: str  # sorts lines within a department
    template: dict  # the base-year project it derives from (its own, or a sibling for an ended line)
    years: set[int]
    plan: dict[int, set[str]] = field(default_factory=dict)  # year → codes planted on that year's project
    rows: dict[str, str] = field(default_factory=dict)  # "R016@2024" → the indicator it is planted on
    survey: tuple[str, str] | None = None
    projects: dict[int, dict] = field(default_factory=dict)
    cards: dict[int, Scorecard] = field(default_factory=dict)


def cards_of(projects: list[dict], form: Form) -> list[Scorecard]:
    """The engine's scorecards of project dicts, as their files would be scored."""
    built = [build_project(raw_project(p, f"<history {p['project_id']}>")) for p in projects]
    batch = score_batch(built, columns_of(built), form.scheme)
    if batch.errors:  # a derived project the scheme cannot score is a bug here
        raise next(iter(batch.errors.values()))
    return [batch.card(k) for k in range(len(built))]


def _kind(row: dict) -> str:
    """The synth kind of a row (`Ind.kind`), read back from the row."""
    d, cost = row["direction"], row["level2"] == "成本指标"
    if d in ("定性", "时限") or cost or d in DOWNWARD:
        return {"定性": "qualitative", "时限": "deadline"}.get(d, "cost" if cost else "reverse")
    return "zero" if d == "=" and _target(row)[1] == 0 else "rate" if row.get("unit") == "%" else "count"


def _target(row: dict) -> tuple[str, float, str]:
    """(comparison as written, number, its text) of a numeric target: `≥95%` → (≥, 95, "95")."""
    match = _NUMBER.match(row["target"])
    assert match is not None, row["target"]
    return match.group(1), float(match.group(2)), match.group(2)


def _unit_of(name: str) -> str:
    """A row's unit from the catalogue (restores one a base-year defect left out): a quantity's
    `名称|单位|…`, a benefit's `类别|名称|≥50公斤`."""
    specs = [*EXTRA_QUANTITY, *(q for d in catalog.DEPARTMENTS for k in d.kinds for q in k.quantities)]
    units = {s.split("|")[0]: s.split("|")[1] for s in specs}
    for _, named, target in (b.split("|") for d in catalog.DEPARTMENTS for b in d.benefits):
        units[named] = units.get(named) or (m.group(3) if (m := _NUMBER.match(target)) else "")
    return units.get(name, "")


def _upward_rows(card: Scorecard, met: bool | None = None, counts: bool = False) -> list[str]:
    """Names of the ≥ rows with a unit (counts from 25 up, rates too unless `counts`) of a card,
    met or unmet as asked: the rows a planted case can use."""
    return [
        s.indicator.name
        for s in card.indicators
        if s.indicator.direction in UPWARD - {"="}
        and s.indicator.target_value is not None
        and s.indicator.unit
        and (s.indicator.target_value >= 25 if s.indicator.unit != "%" else not counts)
        and (met is None or s.met is met)
    ]


def _plan(rng: random.Random, base: list[dict], cards: list[Scorecard], defects: set[str]) -> list[_Line]:
    """The lines: which years each ran, the planted cases and questionnaires, the ended lines."""
    year = base[0]["year"]
    lines = [
        _Line(p["name"].removeprefix(f"{year}年"), p["project_id"], p, {year, year - 1, year - 2})
        for p in base
    ]
    for x, c in zip(lines, cards, strict=True):
        x.projects[year], x.cards[year] = x.template, c
    used: set[str] = set()  # departments holding a planted case or a questionnaire

    def pick(test, need: set[int]) -> _Line:
        free = [x for x in lines if not x.plan and x.survey is None and need <= x.years and test(x)]
        fresh = [x for x in free if x.template["department"] not in used] or free
        line = rng.choice(fresh)
        used.add(line.template["department"])
        return line

    def clean(x: _Line) -> bool:
        return x.template["project_id"] not in defects and x.template["department"] != RENAMED[0]

    later = year - 1
    tests = {  # what the base year of a line offers a case planted on year `at`: the rows, or whether
        "R016": lambda c, at: _upward_rows(c, counts=True),
        "R017": lambda c, at: ((c.budget.execution_rate or 1) < 0.9) == (at == year),
        "R018": lambda c, at: _upward_rows(c, met=at != year),  # 2024's unmet, or one 2023 misses
        "R019": lambda c, at: c.total <= 99.5 if at == year else _upward_rows(c, met=True),
    }
    for at, codes in ((year, PLANTED[2024]), (later, PLANTED[2023])):
        for code in codes:
            test = tests[code]
            line = pick(lambda x, t=test, at=at: clean(x) and bool(t(x.cards[year], at)), {at, at - 1})
            line.plan[at] = {code}
            rows = test(line.cards[year], at)
            if isinstance(rows, list):
                line.rows[f"{code}@{at}"] = rng.choice(rows)
    for kind in SURVEYS:
        pick(clean, {year, later}).survey = kind
    spare = [x for x in lines if not x.plan and x.survey is None and x.template["department"] != RENAMED[0]]
    # a weighted draw without replacement (largest u^(1/w) first): district editions are more often new
    spare.sort(key=lambda x: -(rng.random() ** (1 / (3 if x.base.startswith(catalog.DISTRICTS) else 1))))
    new, started = round(NEW_SHARE * len(base)), round(STARTED_SHARE * len(base))
    for n, x in enumerate(spare[: new + started]):
        x.years = {year} if n < new else {year, later}
    taken = {(x.template["unit"], x.base) for x in lines}
    sources = [x for x in lines if clean(x)]
    renamed = [x for x in lines if x.template["department"] == RENAMED[0]]
    for years, count in ENDED:
        for n in range(count):  # the first line of 2022 only is the renamed department's
            t = rng.choice(sources if years != (2022,) or n else renamed)
            stem = t.base.removeprefix(next((d for d in catalog.DISTRICTS if t.base.startswith(d)), ""))
            district = next(d for d in catalog.DISTRICTS if (t.template["unit"], f"{d}{stem}") not in taken)
            taken.add((t.template["unit"], f"{district}{stem}"))
            lines.append(_Line(f"{district}{stem}", f"{t.order}~{district}", t.template, set(years)))
            lines[-1].cards[year] = t.cards[year]
    return lines


def _amount(rng: random.Random, wan: float, mode: str) -> int:
    """A budget in 元 on the synth grid (0.1 万元 under 100 万元, else 1 万元): below `wan`, not below
    it, or near it."""
    lo, hi = {"lower": (0.78, 0.93), "not_lower": (1.0, 1.15)}.get(mode, (0.85, 1.12))
    y = wan * rng.uniform(lo, hi) * 10_000
    grid = 1000 if y < 1_000_000 else 10_000
    return max(1, {"not_lower": math.ceil, "lower": math.floor}.get(mode, round)(y / grid)) * grid


def _split(total: int, shares: list[float], quantum: int = 1000) -> list[int]:
    units = total // quantum
    s = sum(shares)
    parts = [int(units * x / s) for x in shares[:-1]]
    return [p * quantum for p in (*parts, units - sum(parts))]


def _budget(m: Maker, d: Draft, later: dict, adj: int, k: int) -> None:
    """The budget rows (the later year's sources and items, amounts split anew), the note, and the
    cost row, for a total of `adj` 元 executed at k thousandths."""
    rows = later["budget"][1:]
    groups = [[r for r in rows if r["source"] in FUNDING], [r for r in rows if r["source"] not in FUNDING]]
    ini = adj if m.random() < 0.8 else round(adj / m.uniform(0.85, 1.2) / 1000) * 1000

    def row(source: str, i: int, a: int) -> dict:
        return {"source": source, "initial": i / 1e4, "adjusted": a / 1e4, "executed": a * k // 1000 / 1e4}

    out = [row("年度资金总额", ini, adj)]
    for group in groups:
        if group:
            shares = [max(r["adjusted"], 0.1) for r in group]
            parts = zip(group, _split(ini, shares), _split(adj, shares), strict=True)
            out += [row(r["source"], i, a) for r, i, a in parts]
    d.project["budget"] = out
    d.project.pop("budget_note", None)
    if k <= round(1000 * m.explain_below):
        d.project["budget_note"] = m.choice(catalog.BUDGET_NOTES)
    for i in d.inds:
        if i.kind == "cost":
            i.row["target"], i.row["actual"] = f"≤{fmt(adj / 1e4)}万元", f"{fmt(adj * k // 1000 / 1e4)}万元"


def _rate(m: Maker, later_rate: float | None, low: bool, perfect: bool) -> int:
    """Execution in thousandths: low (a planted R017), full (a planted R019's earlier year), at least
    90% when the later year was under it (no unplanned R017), else as synth draws it."""
    if perfect:
        return 1000
    if low:
        return m.rng.randint(760, 880)
    bands = ((0.5, 1000, 1000), (1, 900, 999))
    if later_rate is None or later_rate >= 0.9:
        bands = ((0.4, 1000, 1000), (0.85, 900, 999), (0.97, 850, 899), (1, 720, 849))
    r = m.random()
    return next(m.rng.randint(lo, hi) for p, lo, hi in bands if r < p)


def _row(m: Maker, row: dict, met: bool | None, years: tuple[int, int], form: Form, how: str) -> Ind:
    """The earlier year's row of a later row: target a few percent lower, actual between it and the
    later target (`how`: "" or "short" falls short, "high" beats the later target)."""
    keys = ("level1", "level2", "name", "direction", "target", "actual", "unit", "weight")
    new = {k: row[k] for k in keys if k in row}
    kind = _kind(row)
    year, later_year = years
    if kind == "qualitative":
        new["actual"] = form.achieved
    elif kind == "deadline":
        new["target"] = row["target"].replace(str(later_year), str(year))
        date = _DATE.search(new["target"])
        month = int(date.group(2)) if date else 12
        done = f"{year}年{max(1, month - m.rng.randint(0, 2))}月{m.rng.randint(1, 28)}日完成"
        new["actual"] = m.choice(("按期完成", f"{new['target']}完成", done, done, done))
    elif kind in ("count", "rate"):
        unit = row.get("unit") or _unit_of(row["name"])
        new["unit"] = unit
        cmp, t_later, text = _target(row)
        res = 0.01 if "." in text else 0.1 if unit == "%" else 1
        satisfaction = row["level1"] == form.names[2]
        if row["direction"] == "=":
            t = t_later
        elif unit == "%" and t_later >= 50:  # 95% → 93%, 90% → 85% (satisfaction)
            t = t_later - m.choice((0, 5) if satisfaction else (0, 1, 2, 3))
        elif unit == "%":  # a growth rate: ≥8% → ≥7.5%
            t = max(res, math.floor(t_later * m.uniform(0.88, 0.97) / res) * res)
        else:
            t = min(t_later, nice(t_later * m.uniform(0.9, 0.98)))
        target_text = f"{cmp}{fmt(t)}{unit}"
        new["target"] = target_text
        if not how and met is not False and row["direction"] != "=" and m.random() < SHORT_RATE:
            how = "maybe"
        actual = None
        if how in ("short", "maybe"):
            actual = m.shortfall(
                row["direction"], target_text, t, unit, res, row["weight"], 0.85 if unit == "%" else 0.62
            )
            if actual is None and how == "short":
                raise ValueError(f"no shortfall prints exactly for {row['name']}")
        if actual is not None:
            reasons = (
                catalog.REASONS_SATISFACTION
                if satisfaction
                else catalog.REASONS_RATE
                if unit == "%"
                else catalog.REASONS_COUNT
            )
            new["deviation_reason"] = m.choice(reasons).format(year=year)
            new["actual"] = f"{fmt(actual)}{unit}"
            return Ind(new, kind, False)
        if how == "high":
            actual = math.ceil(t_later * m.uniform(1.04, 1.10) / res) * res
            assert t_later < actual < t * 1.29
        elif row["direction"] == "=":
            actual = t
        else:
            actual = m.rng.randint(round(t / res), math.floor(t_later / res + 1e-9)) * res
        new["actual"] = f"{fmt(actual)}{unit}"
    elif kind == "reverse":
        _, t, text = _target(row)
        res = 0.01 if "." in text or t < 2 else 0.1 if row.get("unit") == "%" else 1
        units = round(t / res)
        new["actual"] = f"{fmt(m.rng.randint(max(1, int(units * 0.4)), units) * res)}{row.get('unit', '')}"
    return Ind(new, kind, True)


def _weights(inds: list[Ind], form: Form) -> None:
    """Each category itemised to its points (undoes a base-year weights defect)."""
    for name, points in zip(form.names, form.weights, strict=True):
        rows = [i for i in inds if i.row["level1"] == name]
        gap = points - sum(i.row["weight"] for i in rows)
        if rows and gap:
            max(rows, key=lambda i: i.row["weight"]).row["weight"] += gap


def _questionnaire(m: Maker, line: _Line, row: dict, later_target: float, pid: str) -> Questionnaire:
    """The questionnaire of a 2023 满意度 row, and the row's actual: blank (from the file), typed as
    the file gives it, or typed outside the file's 95% interval (R021)."""
    layout, kind = line.survey or ("问卷星", "plain")
    _, t, _ = _target(row)
    if kind == "few":  # under 30 responses, a rate between the two targets
        sizes = (*range(24, MIN_RESPONSES), *range(20, 24))
        valid = next(n for n in sizes if math.ceil(t * n / 100) <= later_target * n / 100)
        satisfied = math.ceil(t * valid / 100)
    else:
        lo, hi = 1, 0
        while lo > hi:  # a count whose rate lies between this year's target and the next year's
            valid = m.rng.randint(150, 320)
            lo, hi = math.ceil(t * valid / 100), math.floor(later_target * valid / 100)
        satisfied = m.rng.randint(lo, hi)
    if kind == "outside":  # the unit typed its target; the questionnaire says less
        satisfied = math.floor(t * valid / 100)
        while round_half_up(wilson(satisfied, valid)[1] * 100, 1) >= t:
            satisfied -= 1
    rate = f"{satisfied / valid * 100:.1f}%"
    row["actual"] = f"{fmt(t)}%" if kind == "outside" else rate
    path = f"问卷/{pid}-{row['name']}.csv"
    title = f"{'1、' if layout == '问卷星' else 'Q1. '}{row['name']}：您对{line.base.removesuffix('项目')}工作的总体评价"
    other = question = None
    if kind == "two":
        question = title.split("、", 1)[1]
        n_other = valid - m.rng.randint(0, 3)
        other = ("2、您对工作人员服务态度的满意程度", n_other, round(n_other * 0.93))
    return Questionnaire(path, layout, title, valid, satisfied, other, question, kind in ("typed", "outside"))


def _derive(
    m: Maker, lines: list[_Line], year: int, form: Form
) -> list[tuple[_Line, Draft, Questionnaire | None]]:
    """The finished projects of `year`, each from its line's next year (or, for a line that ended
    before the base year, from a sibling of the base year it is not linked to)."""
    todo = sorted((x for x in lines if year in x.years), key=lambda x: x.order)
    serial: dict[str, int] = {}
    out: list[tuple[_Line, Draft, Questionnaire | None]] = []
    rates: list[int] = []
    for x in todo:
        later, card, up = _later(x, year)
        renamed = year == min(YEARS) and x.template["department"] == RENAMED[0]
        code = RENAMED[2] if renamed else x.template["project_id"].split("-")[1]
        serial[code] = serial.get(code, 0) + 1
        pid = f"{later['project_id'].split('-')[0]}-{code}-{year}-{serial[code]:04d}"
        here = x.plan.get(year, set())
        met = {s.indicator.name: s.met for s in card.indicators}
        short = {x.rows.get(f"R018@{year + 1}")} if "R018" in up else set()
        short |= {x.rows[f"{c}@{year}"] for c in ("R018", "R019") if c in here}
        high = x.rows.get(f"R016@{year + 1}") if "R016" in up else None
        perfect = "R019" in up
        surveyed = year == YEARS[0] and x.survey is not None
        sat = next(r["name"] for r in later["indicators"] if r["level1"] == form.names[2])
        inds = []
        for r in later["indicators"]:
            name = r["name"]
            fixed = perfect or (surveyed and name == sat)
            how = "short" if name in short else "high" if name == high else "fixed" if fixed else ""
            inds.append(_row(m, r, met.get(name), (year, later["year"]), form, how))
        _weights(inds, form)
        k = _rate(m, card.budget.execution_rate, "R017" in up or "R017" in here, perfect)
        facts = {key: later[key] for key in FACTS}
        if renamed:  # the department's 2022 name, and its own projects' 实施单位
            facts |= {"department": RENAMED[1], "unit": facts["unit"].replace(*RENAMED[:2])}
        name = m.choice((f"{year}年{x.base}",) * 3 + (f"{year}年度{x.base}", x.base))
        project = {"project_id": pid, "name": name, **facts, "year": year}
        benefits = [phrase(i.row["name"], i.row["target"]) for i in inds if i.kind == "qualitative"]
        d = Draft(project, inds, title=x.base, phrases=benefits)
        _budget(m, d, later, _amount(m.rng, _wan(later, card), ""), k)
        sat_rows = [r for r in (*(i.row for i in inds), *later["indicators"]) if r["name"] == sat]
        q = _questionnaire(m, x, sat_rows[0], _target(sat_rows[1])[1], pid) if surveyed else None
        out.append((x, d, q))
        rates.append(k)
    drafts = [d for _, d, _ in out]
    score_drafts(form, drafts)  # the totals the budgets are chosen by (amounts do not change a score)
    totals = [d.budget_score + sum(i.score for i in d.inds) for d in drafts]
    for (x, d, _), k, total in zip(out, rates, totals, strict=True):
        later, card, up = _later(x, year)
        higher = total > card.total + 1e-9
        if "R019" in up and not higher:
            raise ValueError(f"planted R019 on {d.project['project_id']}: the earlier total is not higher")
        mode = "lower" if "R019" in up else "not_lower" if higher else ""
        _budget(m, d, later, _amount(m.rng, _wan(later, card), mode), k)
    score_drafts(form, drafts)
    for _, d, _ in out:
        finish_draft(m, d)
    return out


def _later(x: _Line, year: int) -> tuple[dict, Scorecard, set[str]]:
    """The project an earlier year derives from, its card, and the codes planted on the pair."""
    if year + 1 in x.years:
        return x.projects[year + 1], x.cards[year + 1], x.plan.get(year + 1, set())
    return x.template, x.cards[x.template["year"]], set()


def _wan(later: dict, card: Scorecard) -> float:
    """The later year's 全年预算 in 万元 (its funding rows' sum when its total row is zero)."""
    return card.budget.adjusted or sum(r["adjusted"] for r in later["budget"][1:] if r["source"] in FUNDING)


def synthesize_history(projects: int = 130, seed: int = 2024, *, scheme: str = SCHEME) -> History:
    """The two years before `synthesize(projects, seed)` (2023 and 2022 for the default 2024): same
    arguments, same history."""
    form = scheme_form(scheme)
    base = synthesize(projects, seed, scheme=scheme)
    year = base[0]["year"]
    if year - 1 != YEARS[0]:
        raise ValueError(f"the history derives {YEARS} from {YEARS[0] + 1}, not from {year}")
    defects = set(defect_labels(projects, seed, scheme=scheme))
    rng = random.Random(seed * 7 + 1)
    lines = _plan(rng, base, cards_of(base, form), defects)
    years: dict[int, list[dict]] = {}
    surveys: dict[str, Questionnaire] = {}
    for y in YEARS:
        m = Maker(seed * 10 + y, y, form)
        done = _derive(m, lines, y, form)
        made = [d.project for _, d, _ in done]
        for (x, d, q), card in zip(done, cards_of(made, form), strict=True):
            x.projects[y], x.cards[y] = d.project, card
            if q is not None:
                surveys[d.project["project_id"]] = q
        years[y] = sorted(made, key=lambda p: p["project_id"])
    for pid, q in surveys.items():  # the row names its file; a blank actual is the file's rate
        project = next(p for p in years[YEARS[0]] if p["project_id"] == pid)
        row = next(r for r in project["indicators"] if q.path.endswith(f"-{r['name']}.csv"))
        row["survey"] = q.path
        if q.question:
            row["survey_question"] = q.question
        if not q.typed:
            row.pop("actual")
    old = min(YEARS)
    mapping = {
        x.projects[old]["project_id"]: x.projects[old + 1]["project_id"]
        for x in lines
        if x.template["department"] == RENAMED[0] and {old, old + 1} <= x.years
    }
    labels = {x.projects[y]["project_id"]: tuple(sorted(c)) for x in lines for y, c in x.plan.items()}
    links: dict[str, str | None] = {}
    for x in lines:  # the questionnaires' codes; each earlier project → its line's base-year project
        if x.survey and x.survey[1] in SURVEY_CODES:
            labels[x.projects[YEARS[0]]["project_id"]] = SURVEY_CODES[x.survey[1]]
        top = x.projects.get(year, {}).get("project_id")
        links |= {p["project_id"]: top for y, p in x.projects.items() if y != year}
    return History(years, mapping, links, dict(sorted(labels.items())), dict(sorted(surveys.items())))


def history_labels(projects: int = 130, seed: int = 2024) -> dict[str, tuple[str, ...]]:
    """{project id: the codes planted on it} (R016–R019 on the later year of a pair, R020/R021 on a
    questionnaire): what a reviewer of the sample history should find, for tests."""
    return synthesize_history(projects, seed).labels
