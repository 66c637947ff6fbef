"""The portfolio index (项目总览) of a batch: every project, the headline figures, distributions by
department, and the projects whose report could not be made.

`notebooks/portfolio.ipynb` only calls these, and `evalcore batch` exports that notebook to
`<out>/index.html` (`evalcore.pipeline.portfolio`). Everything is read from what the batch wrote
(`summary.json`: one row per valid project with its figures; `manifest.json`: what ran, what was
skipped, what failed and why): nothing here scores. Each section returns a `Fragment`; every string
from the input or the manifest is escaped by `evalcore.presentation.html`.

The table sorts and filters in the browser with a small script that the page template
(`templates/evalcore-index`) carries: this module only writes what it reads, as data attributes
(`data-v` for a cell's sort value, `data-dept`, `data-grade` and `data-search` on a row).

Charts are PNG drawn with the same font set-up, style and PNG writer as the project report
(`evalcore.presentation.charts.base`): Chinese renders with the shipped font, the same data give the
same bytes.
"""

from __future__ import annotations

import math
import os
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import quote

import orjson
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator, PercentFormatter

from ..errors import EvalcoreError
from ..review import CODES
from ..schemes import builtin_ids, get_scheme
from .charts.base import GRID, INK, MUTED, NOT_MET, chart_height, legend, new_figure, render, subtitle
from .charts.text import clean, wrap
from .html import Fragment, Markup, img_png, join, tag
from .report import report_time

__all__ = ["DEFAULT_GRADES", "Headline", "PortfolioIndex", "Totals", "one_line", "open_index", "to_wan"]

TITLE = "项目支出绩效评价 · 项目总览"
DEFAULT_GRADES: tuple[tuple[str, float], ...] = (("优", 90.0), ("良", 80.0), ("中", 60.0), ("差", 0.0))
GRADE_COLOURS = {"优": "#2f855a", "良": "#2b6cb0", "中": "#d69e2e", "差": "#c53030"}
OTHER_COLOURS = ("#805ad5", "#319795", "#718096", "#b83280", "#975a16")
GRADE_CLASS = {"优": "grade-y", "良": "grade-l", "中": "grade-d", "差": "grade-c"}
FAILED, INVALID = "failed", "invalid"
STATUS_LABELS = {FAILED: "报告生成失败", INVALID: "输入无效"}
MAX_DEPARTMENTS = 40  # rows in a department chart; the rest are counted in its subtitle
MAX_CODES = 15
RATE_AXIS_CAP = 2.0  # execution rates past 200% sit at the edge of the scatter, marked ▶
MAX_REASON = 300  # characters of a failure reason


# ----------------------------------------------------------------------------------------- values


def to_wan(value: object, unit: object) -> float | None:
    """An amount in 万元 (the portfolio adds projects that report in 元 and in 万元)."""
    if value is None:
        return None
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if not math.isfinite(x):
        return None
    return x / 10000.0 if str(unit or "").strip() == "元" else x


def _num(value: object) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def one_line(text: object) -> str:
    """The cause of a failure as one line: the first line of what was recorded (colour codes and
    control characters removed, cut at 300 characters). A recorded traceback gives its last line,
    the exception, never the traceback itself."""
    s = _CONTROL.sub(" ", _ANSI.sub("", "" if text is None else str(text)))
    lines = [line.strip() for line in s.splitlines() if line.strip()]
    if not lines:
        return "（未记录原因）"
    line = lines[0]
    if line.startswith("Traceback"):
        line = lines[-1] if not lines[-1].startswith("Traceback") else "（未记录原因）"
    line = " ".join(line.split())
    return line if len(line) <= MAX_REASON else line[: MAX_REASON - 1] + "…"


def _money(x: float | None) -> str:
    return "—" if x is None else f"{x:,.2f}"


def _rate(x: float | None, d: int = 2) -> str:
    return "—" if x is None else f"{x * 100:.{d}f}%"


def _score(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f}"


def _sort_value(x: float | None, digits: int = 6) -> str:
    return "" if x is None else f"{x:.{digits}f}".rstrip("0").rstrip(".")


# ------------------------------------------------------------------------------------------ model


@dataclass(frozen=True)
class Totals:
    """Figures over a set of projects: amounts in 万元."""

    projects: int
    adjusted: float
    executed: float
    execution_rate: float | None  # Σ executed ÷ Σ adjusted
    mean_score: float | None
    grades: dict[str, int]  # in the order of the grade bands
    with_findings: int


@dataclass(frozen=True)
class Headline(Totals):
    failed: int = 0  # the report could not be produced
    invalid: int = 0  # the input could not be read or scored
    years: tuple[int, ...] = ()
    departments: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # manifest status → count


class PortfolioIndex:
    """A batch's output folder as an index. Build it with `PortfolioIndex.from_folder(out_dir)`."""

    def __init__(
        self,
        rows: Sequence[dict],
        manifest: Sequence[dict] = (),
        out_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        self.out_dir = Path(out_dir) if out_dir is not None else None
        self.rows = sorted(
            (dict(r) for r in rows),
            key=lambda r: (
                str(r.get("department") or ""),
                str(r.get("project_id") or ""),
                str(r.get("html") or ""),
            ),
        )
        self.manifest = [dict(m) for m in manifest]
        self.grade_bands = self._grade_bands()
        self.grade_order = self._grade_order()

    @classmethod
    def from_folder(cls, out_dir: str | os.PathLike[str]) -> PortfolioIndex:
        """Read `<out>/summary.json` (required) and `<out>/manifest.json` (optional)."""
        out = Path(out_dir)
        summary, manifest = out / "summary.json", out / "manifest.json"
        if not summary.is_file():
            raise EvalcoreError(f"{summary}：找不到批量汇总文件（请先运行 evalcore batch）")
        try:
            rows = _projects(orjson.loads(summary.read_bytes()), summary)
            entries = _projects(orjson.loads(manifest.read_bytes()), manifest) if manifest.is_file() else []
        except orjson.JSONDecodeError as exc:
            raise EvalcoreError(f"无法读取批量输出：{one_line(exc)}") from None
        return cls(rows, entries, out)

    # -- figures ---------------------------------------------------------------------------------
    def _grade_bands(self) -> tuple[tuple[str, float], ...]:
        """(grade, lower bound) of the scheme most projects use, when it is a built-in one; else 优良中差."""
        known = set(builtin_ids())
        used = Counter(str(r.get("scheme")) for r in self.rows if str(r.get("scheme")) in known)
        for scheme_id, _n in sorted(used.items(), key=lambda kv: (-kv[1], kv[0])):
            try:
                return tuple((g.name, float(g.min)) for g in get_scheme(scheme_id).grades)
            except EvalcoreError:
                continue
        return DEFAULT_GRADES

    def _grade_order(self) -> list[str]:
        order = [name for name, _min in self.grade_bands]
        extra = sorted(
            {str(r.get("grade")) for r in self.rows if r.get("grade") not in (None, "")} - set(order)
        )
        return order + extra

    def grade_colour(self, grade: str) -> str:
        if grade in GRADE_COLOURS:
            return GRADE_COLOURS[grade]
        others = [g for g in self.grade_order if g not in GRADE_COLOURS]
        return (
            OTHER_COLOURS[others.index(grade) % len(OTHER_COLOURS)] if grade in others else OTHER_COLOURS[-1]
        )

    def totals(self, rows: Iterable[dict] | None = None) -> Totals:
        rows = list(self.rows if rows is None else rows)
        adjusted = sum(to_wan(r.get("adjusted"), r.get("amount_unit")) or 0.0 for r in rows)
        executed = sum(to_wan(r.get("executed"), r.get("amount_unit")) or 0.0 for r in rows)
        scores = [s for s in (_num(r.get("total")) for r in rows) if s is not None]
        counts = Counter(str(r.get("grade")) for r in rows if r.get("grade") not in (None, ""))
        return Totals(
            projects=len(rows),
            adjusted=adjusted,
            executed=executed,
            execution_rate=executed / adjusted if adjusted > 0 else None,
            mean_score=statistics.fmean(scores) if scores else None,
            grades={g: counts.get(g, 0) for g in self.grade_order},
            with_findings=sum(1 for r in rows if (_num(r.get("findings")) or 0) > 0),
        )

    def headline_figures(self) -> Headline:
        t = self.totals()
        counts = Counter(str(m.get("status")) for m in self.manifest)
        years = sorted({int(y) for y in (_num(r.get("year")) for r in self.rows) if y is not None})
        return Headline(
            **t.__dict__,
            failed=counts.get(FAILED, 0),
            invalid=counts.get(INVALID, 0),
            years=tuple(years),
            departments=len(self.departments()),
            counts=dict(sorted(counts.items())),
        )

    def departments(self) -> list[str]:
        return sorted({str(r.get("department") or "") for r in self.rows})

    def failures_list(self) -> list[dict]:
        """Failed and invalid manifest entries, in a stable order (a parallel batch records them as
        they finish)."""
        bad = [m for m in self.manifest if m.get("status") in (FAILED, INVALID)]
        return sorted(
            bad,
            key=lambda m: (
                0 if m.get("status") == FAILED else 1,
                str(m.get("department") or ""),
                str(m.get("project_id") or ""),
                _where_file(m),
                one_line(m.get("error")),
            ),
        )

    @property
    def title(self) -> str:
        return TITLE

    # -- links -----------------------------------------------------------------------------------
    def href(self, rel: object) -> str | None:
        """A relative link to a published file of this folder, or None: only a plain relative path
        (no scheme, no `..`, no absolute path) to a file that exists, when the folder is known."""
        if not isinstance(rel, str) or not rel or "\\" in rel or "\x00" in rel:
            return None
        p = PurePosixPath(rel)
        if p.is_absolute() or ".." in p.parts or rel.startswith("/"):
            return None
        if self.out_dir is not None and not (self.out_dir / p).is_file():
            return None
        return quote(rel, safe="/")

    # -- sections --------------------------------------------------------------------------------
    def header(self) -> Fragment:
        h = self.headline_figures()
        bits = []
        if h.years:
            bits.append(f"{_years(h.years)}年度")
        bits.append(f"{h.projects} 个项目")
        bits.append(f"{h.departments} 个主管部门")
        if h.failed or h.invalid:
            bits.append(f"{h.failed + h.invalid} 个未生成报告")
        bits.append(f"生成时间 {report_time().strftime('%Y-%m-%d %H:%M UTC')}")
        html = join([tag("h1", self.title), tag("p", " · ".join(bits), class_="subtitle")])
        return Fragment(html, f"{self.title}（{' · '.join(bits[:-1])}）")

    def headline(self) -> Fragment:
        h = self.headline_figures()

        def stat(key: str, label: str, value: object, note: object = "", cls: str = "") -> Markup:
            return tag(
                "div",
                join(
                    [
                        tag("div", label, class_="label"),
                        tag("div", value, class_="value"),
                        tag("div", note, class_="note") if note != "" else "",
                    ]
                ),
                class_=f"stat {cls}".strip(),
                data_stat=key,
            )

        grade_parts = [tag("span", f"{g} {n}", class_=GRADE_CLASS.get(g)) for g, n in h.grades.items()]
        failed_total = h.failed + h.invalid
        failed_note: object = (
            "全部生成"
            if not failed_total
            else join(
                [f"报告失败 {h.failed} · 输入无效 {h.invalid} · ", tag("a", "查看原因", href="#pf-failures")]
            )
        )
        stats = [
            stat("projects", "项目数", h.projects, f"{h.departments} 个主管部门"),
            stat("adjusted", "全年预算（万元）", _money(h.adjusted)),
            stat("executed", "全年执行（万元）", _money(h.executed)),
            stat("execution_rate", "总体预算执行率", _rate(h.execution_rate), "Σ执行数 ÷ Σ全年预算数"),
            stat("mean_score", "平均复核得分", _score(h.mean_score)),
            stat(
                "grades", "等级分布", join(grade_parts, Markup(" · ")) if grade_parts else "—", cls="grades"
            ),
            stat(
                "with_findings",
                "有复核发现的项目",
                h.with_findings,
                _rate(h.with_findings / h.projects, 1) + " 的项目" if h.projects else "",
            ),
            stat("failed", "未生成报告", failed_total, failed_note, cls="bad" if failed_total else "ok"),
        ]
        html = tag("div", join(stats), class_="stats")
        text = (
            f"{h.projects} 个项目，全年预算 {_money(h.adjusted)} 万元，执行 {_money(h.executed)} 万元，"
            f"执行率 {_rate(h.execution_rate)}，平均得分 {_score(h.mean_score)}，未生成报告 {failed_total} 个"
        )
        return Fragment(html, text)

    #: (header, sort as, right-aligned): "num" cells sort by their `data-v` as numbers (the grade by
    #: its rank in the bands), "text" cells by `data-v` or their text, in Chinese collation order.
    COLUMNS: tuple[tuple[str, str, bool], ...] = (
        ("项目", "text", False),
        ("主管部门", "text", False),
        ("全年预算（万元）", "num", True),
        ("执行率", "num", True),
        ("复核得分", "num", True),
        ("等级", "num", False),
        ("自评得分", "num", True),
        ("复核发现", "num", True),
    )

    def table(self) -> Fragment:
        if not self.rows:
            return Fragment(tag("p", "没有可列出的项目。", class_="callout"), "没有项目")
        head = join(
            tag(
                "th",
                tag("button", label, type="button", class_="sort", data_col=i, data_type=kind),
                scope="col",
                aria_sort="none",
                class_="num" if right else None,
            )
            for i, (label, kind, right) in enumerate(self.COLUMNS)
        )
        body = join(self._row(r) for r in self.rows)
        depts = self.departments()
        grades = [g for g in self.grade_order if any(str(r.get("grade")) == g for r in self.rows)]
        controls = tag(
            "div",
            join(
                [
                    tag(
                        "label",
                        join(
                            [
                                "查找 ",
                                _void(
                                    "input",
                                    type="search",
                                    id="pf-q",
                                    autocomplete="off",
                                    placeholder="项目名称、编号、部门或发现代码",
                                ),
                            ]
                        ),
                    ),
                    tag(
                        "label",
                        join(
                            [
                                "主管部门 ",
                                tag(
                                    "select",
                                    join(
                                        [tag("option", "全部", value="")]
                                        + [tag("option", d, value=d) for d in depts]
                                    ),
                                    id="pf-dept",
                                ),
                            ]
                        ),
                    ),
                    tag(
                        "label",
                        join(
                            [
                                "等级 ",
                                tag(
                                    "select",
                                    join(
                                        [tag("option", "全部", value="")]
                                        + [tag("option", g, value=g) for g in grades]
                                    ),
                                    id="pf-grade",
                                ),
                            ]
                        ),
                    ),
                    tag(
                        "span",
                        f"共 {len(self.rows)} 个项目",
                        id="pf-count",
                        class_="count",
                        aria_live="polite",
                    ),
                ]
            ),
            id="pf-filters",
            class_="filters",
            hidden="hidden",
        )
        note = tag(
            "p",
            "点击表头排序；金额为全年预算数，以元填报的项目已折算为万元。项目名称链接到各自的评价报告。",
            class_="note",
        )
        table = join(
            [
                Markup('<table class="data portfolio" id="pf-table">'),
                Markup("<thead><tr>"),
                head,
                Markup("</tr></thead><tbody>"),
                body,
                Markup("</tbody></table>"),
            ]
        )
        return Fragment(
            join([controls, note, tag("div", table, class_="scroll")]), f"{len(self.rows)} 个项目"
        )

    def _row(self, r: dict) -> Markup:
        unit = r.get("amount_unit")
        adjusted = to_wan(r.get("adjusted"), unit)
        rate, total, reported = (
            _num(r.get("execution_rate")),
            _num(r.get("total")),
            _num(r.get("reported_total")),
        )
        findings = int(_num(r.get("findings")) or 0)
        codes = " ".join(str(r.get("finding_codes") or "").split())
        grade = "" if r.get("grade") is None else str(r.get("grade"))
        dept = str(r.get("department") or "")
        name, pid = str(r.get("name") or ""), str(r.get("project_id") or "")
        href = self.href(r.get("html")) if r.get("status") != FAILED else None
        if href:
            title = tag("a", name or pid, href=href, class_="report")
        else:
            why = "报告生成失败" if r.get("status") == FAILED else "报告缺失"
            title = join([tag("span", name or pid), " ", tag("span", why, class_="badge bad")])
        name_cell = join([title, tag("span", pid, class_="pid")])
        reported_grade = r.get("reported_grade")
        cells = [
            tag("td", name_cell, data_v=name, class_="name"),
            tag("td", dept),
            tag("td", _money(adjusted), data_v=_sort_value(adjusted), class_="num"),
            tag("td", _rate(rate), data_v=_sort_value(rate, 8), class_="num"),
            tag("td", _score(total), data_v=_sort_value(total), class_="num"),
            tag(
                "td",
                grade,
                data_v=str(self.grade_order.index(grade)) if grade in self.grade_order else "",
                class_=GRADE_CLASS.get(grade),
            ),
            tag(
                "td",
                join(
                    [
                        _score(reported),
                        tag("span", f"（{reported_grade}）", class_="muted")
                        if reported_grade not in (None, "")
                        else "",
                    ]
                ),
                data_v=_sort_value(reported),
                class_="num",
            ),
            tag(
                "td",
                join([str(findings), tag("span", codes, class_="codes") if codes else ""]),
                data_v=str(findings),
                class_="num",
                title=_code_titles(codes) or None,
            ),
        ]
        search = " ".join([name, pid, dept, codes, grade]).lower()
        return tag("tr", join(cells), data_dept=dept, data_grade=grade, data_search=search)

    def charts(self) -> Fragment:
        if not self.rows:
            return Fragment(tag("p", "没有可绘制的项目。", class_="note"), "没有图表")
        parts: list[Markup] = []
        for png, alt in (
            (score_histogram(self), "复核得分分布直方图，按等级着色，背景为等级分数段"),
            (grades_by_department(self), "各主管部门项目等级构成堆叠条形图"),
            (execution_vs_score(self), "预算执行率与复核得分散点图，按等级着色"),
            (departments_by_score(self), "各主管部门平均复核得分排名图"),
            (findings_by_code(self), "复核发现按代码统计的项目数条形图"),
        ):
            if png is not None:
                parts.append(img_png(png, alt))
        if not any((_num(r.get("findings")) or 0) > 0 for r in self.rows):
            parts.append(tag("p", "复核未发现问题：没有需要按代码统计的发现。", class_="callout ok"))
        return Fragment(join(parts), f"{len(parts)} 张图")

    def failures(self) -> Fragment:
        bad = self.failures_list()
        if not bad:
            html = tag("p", "没有失败或输入无效的项目：每个项目都已生成报告。", class_="callout ok")
            return Fragment(tag("div", html, id="pf-failures"), "没有失败的项目")
        rows = []
        for m in bad:
            status = str(m.get("status"))
            pid = m.get("project_id") or ""
            who = m.get("name") or (Path(_where_file(m)).name if _where_file(m) else "")
            log = self._failed_notebook(m)
            rows.append(
                Markup("<tr>")
                + join(
                    [
                        tag("td", STATUS_LABELS.get(status, status), class_=f"status status-{status}"),
                        tag("td", pid or "—"),
                        tag("td", who or "—"),
                        tag("td", m.get("department") or "—"),
                        tag("td", one_line(m.get("error")), class_="reason"),
                        tag("td", tag("a", "执行记录", href=log) if log else "—"),
                    ]
                )
                + Markup("</tr>")
            )
        head = join(
            tag("th", h, scope="col")
            for h in ("状态", "项目编号", "项目名称 / 文件", "主管部门", "原因", "执行记录")
        )
        table = join(
            [
                Markup('<table class="data failures">'),
                Markup("<thead><tr>"),
                head,
                Markup("</tr></thead><tbody>"),
                join(rows),
                Markup("</tbody></table>"),
            ]
        )
        n_failed = sum(1 for m in bad if m.get("status") == FAILED)
        advice = []
        if len(bad) - n_failed:
            advice.append("输入无效的项目须改正输入文件")
        if n_failed:
            advice.append("报告生成失败的项目可先查看执行记录")
        intro = tag(
            "p",
            f"{len(bad)} 个项目未生成报告：报告生成失败 {n_failed} 个，输入无效 {len(bad) - n_failed} 个。"
            f"{'，'.join(advice)}，再重新运行 evalcore batch（只重做未完成的项目）；其余项目不受影响。",
            class_="callout",
        )
        return Fragment(tag("div", join([intro, table]), id="pf-failures"), f"{len(bad)} 个项目未生成报告")

    def _failed_notebook(self, m: dict) -> str | None:
        """A relative link to the audit notebook a failed run left in this folder, if it is there."""
        nb = m.get("notebook")
        if not isinstance(nb, str) or not nb or self.out_dir is None:
            return None
        try:
            rel = Path(nb).resolve().relative_to(self.out_dir.resolve())
        except (ValueError, OSError):
            return None
        return self.href(rel.as_posix())


def open_index(reports_dir: str | os.PathLike[str]) -> PortfolioIndex:
    """What `notebooks/portfolio.ipynb` calls first: the folder (as given, else relative to the
    repository root, as for the evaluation notebook) read as an index, and Chinese charts set up."""
    from .charts import setup_fonts
    from .notebook import resolve_input

    setup_fonts()
    return PortfolioIndex.from_folder(resolve_input(reports_dir))


def _void(name: str, **attrs: object) -> Markup:
    """A void element (no content, no end tag); attribute values escaped."""
    return Markup(str(tag(name, "", **attrs)).removesuffix(f"></{name}>") + ">")


def _projects(doc: object, path: Path) -> list[dict]:
    if not isinstance(doc, dict) or not isinstance(doc.get("projects"), list):
        raise EvalcoreError(f'{path}：不是批量输出文件（应为 {{"projects": [...]}}）')
    return [p for p in doc["projects"] if isinstance(p, dict)]


def _where_file(m: dict) -> str:
    where = m.get("where")
    return str(where.get("file") or "") if isinstance(where, dict) else ""


def _years(years: Sequence[int]) -> str:
    if len(years) == 1:
        return str(years[0])
    if list(years) == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}—{years[-1]}"
    return "、".join(str(y) for y in years)


def _code_titles(codes: str) -> str:
    return "；".join(f"{c} {CODES[c]}" if c in CODES else c for c in codes.split())


# ----------------------------------------------------------------------------------------- charts


def _scores(index: PortfolioIndex) -> list[tuple[float, str]]:
    return [(s, str(r.get("grade") or "")) for r in index.rows if (s := _num(r.get("total"))) is not None]


def _band_shading(
    ax, index: PortfolioIndex, lo: float, hi: float, axis: str = "x", labels: bool = True
) -> None:  # type: ignore[no-untyped-def]
    """Grade bands as light background spans, named at the top."""
    bands = index.grade_bands
    for k, (name, low) in enumerate(bands):
        high = bands[k - 1][1] if k else max(hi, 100.0)
        a, b = max(low, lo), min(high, hi)
        if b <= a:
            continue
        span = ax.axvspan if axis == "x" else ax.axhspan
        span(a, b, color=index.grade_colour(name), alpha=0.07 if k % 2 else 0.11, linewidth=0, zorder=0)
        if not labels or (b - a) < 3:  # a sliver at the edge of the axis: shaded, not named
            continue
        if axis == "x":
            ax.text(
                (a + b) / 2,
                0.985,
                name,
                transform=ax.get_xaxis_transform(),
                ha="center",
                va="top",
                fontsize=9,
                color=index.grade_colour(name),
                zorder=4,
            )
        else:
            ax.text(
                1.0,
                (a + b) / 2,
                f" {name}",
                transform=ax.get_yaxis_transform(),
                ha="left",
                va="center",
                fontsize=9,
                color=index.grade_colour(name),
            )


def _score_range(values: Iterable[float], index: PortfolioIndex) -> tuple[float, float]:
    """The score axis: from the lowest grade bound above 0 (or lower, to the tens, when a score is
    below it) to 100 (or the highest score)."""
    values = list(values)
    low_band = min((m for _n, m in index.grade_bands if m > 0), default=60.0)
    lo = max(0.0, min(low_band, math.floor(min(values, default=low_band) / 10.0) * 10.0))
    return lo, float(math.ceil(max([100.0, *values])))


def score_histogram(index: PortfolioIndex) -> bytes | None:
    """How many projects fall in each 5-point score range, each bar split by grade, over the grade
    bands of the scheme most projects use."""
    scores = _scores(index)
    if not scores:
        return None
    return render(_draw_histogram, index, scores)


def _draw_histogram(index: PortfolioIndex, scores: list[tuple[float, str]]) -> Figure:
    fig = new_figure(3.6)
    ax = fig.add_subplot()
    ax.set_title("复核得分分布")
    mean = statistics.fmean(s for s, _g in scores)
    subtitle(
        ax, f"{len(scores)} 个项目，平均 {mean:.2f} 分；每 5 分一档，颜色为等级；底色为评分方案的等级分数段"
    )
    lo, hi = _score_range((s for s, _g in scores), index)
    width = 5.0
    edges = [lo + width * k for k in range(math.ceil((hi - lo) / width) + 1)]
    if edges[-1] < hi:
        edges.append(edges[-1] + width)
    nbins = len(edges) - 1

    def bin_of(s: float) -> int:
        return min(nbins - 1, max(0, int((s - lo) // width)))

    counts: dict[str, list[int]] = {g: [0] * nbins for g in index.grade_order}
    for s, g in scores:
        counts.setdefault(g, [0] * nbins)[bin_of(s)] += 1
    _band_shading(ax, index, lo, edges[-1])
    bottom = [0] * nbins
    lefts = edges[:-1]
    present = []
    for g, row in counts.items():
        if not any(row):
            continue
        present.append(g)
        ax.bar(
            lefts, row, width=width * 0.92, bottom=bottom, align="edge", color=index.grade_colour(g), zorder=2
        )
        bottom = [b + c for b, c in zip(bottom, row, strict=True)]
    top = max(bottom) or 1
    for x, n in zip(lefts, bottom, strict=True):
        if n:
            ax.text(x + width * 0.46, n + top * 0.015, str(n), ha="center", va="bottom", fontsize=8, zorder=3)
    ax.set_xlim(lo, edges[-1])
    ax.set_ylim(0, top * 1.25)
    ax.set_xticks(edges)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("复核得分（分）")
    ax.set_ylabel("项目数")
    ax.yaxis.grid(True, color=GRID, linewidth=0.8)
    legend(fig, [Patch(facecolor=index.grade_colour(g), label=g or "（无等级）") for g in present])
    return fig


def _dept_groups(index: PortfolioIndex) -> dict[str, list[dict]]:
    groups: dict[str, list[dict]] = {}
    for r in index.rows:
        groups.setdefault(str(r.get("department") or ""), []).append(r)
    return groups


def grades_by_department(index: PortfolioIndex) -> bytes | None:
    """Each department's projects as one bar, split by grade; the largest departments first."""
    groups = _dept_groups(index)
    if not groups:
        return None
    return render(_draw_grades_by_department, index, groups)


def _draw_grades_by_department(index: PortfolioIndex, groups: dict[str, list[dict]]) -> Figure:
    ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    shown, rest = ordered[:MAX_DEPARTMENTS], ordered[MAX_DEPARTMENTS:]
    n = len(shown)
    fig = new_figure(chart_height(n, 0.34, 1.8))
    ax = fig.add_subplot()
    ax.set_title("各主管部门项目等级构成")
    note = f"{len(groups)} 个主管部门，按项目数由多到少排列"
    if rest:
        note += f"；另有 {len(rest)} 个部门（{sum(len(v) for _k, v in rest)} 个项目）未列出"
    subtitle(ax, note)
    widest = max(len(v) for _k, v in shown)
    present: list[str] = []
    for y, (_dept, rows) in enumerate(shown):
        counts = Counter(str(r.get("grade") or "") for r in rows)
        left = 0
        for g in [*index.grade_order, *sorted(set(counts) - set(index.grade_order))]:
            c = counts.get(g, 0)
            if not c:
                continue
            if g not in present:
                present.append(g)
            ax.barh(
                y, c, left=left, height=0.66, color=index.grade_colour(g), edgecolor="white", linewidth=0.6
            )
            if c / widest >= 0.06:
                ax.text(left + c / 2, y, str(c), ha="center", va="center", fontsize=7.5, color="white")
            left += c
        ax.text(left + widest * 0.012, y, f"{left}", va="center", fontsize=8, color=MUTED)
    ax.set_yticks(range(n), [wrap(clean(d) or "（未填写）", 26, 1) for d, _v in shown], fontsize=8.5)
    ax.set_ylim(n - 0.4, -0.6)
    ax.set_xlim(0, widest * 1.08)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.grid(True, color=GRID, linewidth=0.8)
    ax.set_xlabel("项目数")
    order = [g for g in index.grade_order if g in present] + [
        g for g in present if g not in index.grade_order
    ]
    legend(fig, [Patch(facecolor=index.grade_colour(g), label=g or "（无等级）") for g in order])
    return fig


def execution_vs_score(index: PortfolioIndex) -> bytes | None:
    """Each project as a point: budget execution rate against score, coloured by grade."""
    points = [
        (rate, s, str(r.get("grade") or ""))
        for r in index.rows
        if (rate := _num(r.get("execution_rate"))) is not None and (s := _num(r.get("total"))) is not None
    ]
    if not points:
        return None
    missing = len(index.rows) - len(points)
    return render(_draw_scatter, index, points, missing)


def _draw_scatter(index: PortfolioIndex, points: list[tuple[float, float, str]], missing: int) -> Figure:
    fig = new_figure(4.6)
    ax = fig.add_subplot()
    ax.set_title("预算执行率与复核得分")
    note = f"{len(points)} 个项目；虚线为执行率 100%"
    if missing:
        note += f"；{missing} 个项目没有执行率（全年预算数为 0），未画出"
    clipped = sum(1 for rate, _s, _g in points if rate > RATE_AXIS_CAP)
    if clipped:
        note += f"；{clipped} 个项目执行率超过 {RATE_AXIS_CAP:.0%}，画在右缘（▶）"
    subtitle(ax, note)
    rates = [min(max(rate, 0.0), RATE_AXIS_CAP) for rate, _s, _g in points]
    left = max(0.0, min(0.5, math.floor((min(rates) - 0.03) * 10) / 10))
    right = max(1.1, math.ceil((max(rates) + 0.03) * 10) / 10)
    lo, hi = _score_range((s for _r, s, _g in points), index)
    _band_shading(ax, index, lo - 1, hi + 1, axis="y")
    size = 34 if len(points) <= 200 else (14 if len(points) <= 2000 else 6)
    present = []
    for g in [*index.grade_order, *sorted({g for _r, _s, g in points} - set(index.grade_order))]:
        xs = [min(max(r, 0.0), RATE_AXIS_CAP) for r, _s, gg in points if gg == g]
        ys = [s for _r, s, gg in points if gg == g]
        if not xs:
            continue
        present.append(g)
        markers = [">" if r > RATE_AXIS_CAP else "o" for r, _s, gg in points if gg == g]
        for marker in ("o", ">"):
            sel = [(x, y) for x, y, m in zip(xs, ys, markers, strict=True) if m == marker]
            if sel:
                ax.scatter(
                    [x for x, _y in sel],
                    [y for _x, y in sel],
                    s=size,
                    marker=marker,
                    color=index.grade_colour(g),
                    alpha=0.8,
                    edgecolors="white",
                    linewidths=0.5,
                    zorder=3,
                )
    ax.axvline(1.0, color=INK, linestyle=(0, (4, 3)), linewidth=1.0, zorder=2)
    ax.set_xlim(left, right)
    ax.set_ylim(lo - 1, hi + 1)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlabel("预算执行率（全年执行数 ÷ 全年预算数）")
    ax.set_ylabel("复核得分（分）")
    ax.grid(True, color=GRID, linewidth=0.8)
    handles = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markersize=7,
            color=index.grade_colour(g),
            label=f"{g or '（无等级）'}（{sum(1 for _r, _s, gg in points if gg == g)}）",
        )
        for g in present
    ]
    legend(fig, handles)
    return fig


def departments_by_score(index: PortfolioIndex) -> bytes | None:
    """Departments from the highest mean score down: a dot at the mean, a line from the lowest to
    the highest score."""
    groups = {
        d: s
        for d, rows in _dept_groups(index).items()
        if (s := [x for x in (_num(r.get("total")) for r in rows) if x is not None])
    }
    if not groups:
        return None
    return render(_draw_department_ranking, index, groups)


def _draw_department_ranking(index: PortfolioIndex, groups: dict[str, list[float]]) -> Figure:
    ranked = sorted(groups.items(), key=lambda kv: (-statistics.fmean(kv[1]), kv[0]))
    shown, rest = ranked[:MAX_DEPARTMENTS], ranked[MAX_DEPARTMENTS:]
    n = len(shown)
    fig = new_figure(chart_height(n, 0.34, 1.8))
    ax = fig.add_subplot()
    ax.set_title("各主管部门平均复核得分")
    note = "由高到低；圆点为平均分，横线为部门内最低至最高分"
    if rest:
        note += f"；另有 {len(rest)} 个部门排在其后，未列出"
    subtitle(ax, note)
    lo, hi = _score_range((x for _d, v in shown for x in v), index)
    _band_shading(ax, index, lo, hi)
    grade_of = _grader(index)
    for y, (_dept, values) in enumerate(shown):
        mean = statistics.fmean(values)
        ax.plot(
            [min(values), max(values)],
            [y, y],
            color="#a0aec0",
            linewidth=1.6,
            solid_capstyle="round",
            zorder=2,
        )
        ax.scatter(
            [mean],
            [y],
            s=40,
            color=index.grade_colour(grade_of(mean)),
            zorder=3,
            edgecolors="white",
            linewidths=0.6,
        )
        ax.text(
            hi + (hi - lo) * 0.01,
            y,
            f"{mean:.2f}（{len(values)} 个）",
            va="center",
            fontsize=8,
            clip_on=False,
        )
    ax.set_yticks(range(n), [wrap(clean(d) or "（未填写）", 26, 1) for d, _v in shown], fontsize=8.5)
    ax.set_ylim(n - 0.4, -0.6)
    ax.set_xlim(lo, hi)
    ax.set_xlabel("复核得分（分）")
    ax.xaxis.grid(True, color=GRID, linewidth=0.8)
    return fig


def _grader(index: PortfolioIndex):  # type: ignore[no-untyped-def]
    def grade(score: float) -> str:
        for name, low in index.grade_bands:
            if score >= low:
                return name
        return index.grade_bands[-1][0]

    return grade


def findings_by_code(index: PortfolioIndex) -> bytes | None:
    """Review findings by code: how many projects have each, most frequent first, with its meaning."""
    counts: Counter[str] = Counter()
    for r in index.rows:
        counts.update(set(str(r.get("finding_codes") or "").split()))
    if not counts:
        return None
    return render(_draw_findings, counts, len(index.rows))


def _draw_findings(counts: Counter[str], projects: int) -> Figure:
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    shown, rest = ranked[:MAX_CODES], ranked[MAX_CODES:]
    n = len(shown)
    fig = new_figure(chart_height(n, 0.42, 1.7))
    ax = fig.add_subplot()
    ax.set_title("复核发现：各类问题涉及的项目数")
    note = f"共 {projects} 个项目；一个项目同一代码的多条发现只计一次"
    if rest:
        note += f"；另有 {len(rest)} 种代码未列出"
    subtitle(ax, note)
    top = shown[0][1]
    for y, (_code, c) in enumerate(shown):
        ax.barh(y, c, height=0.62, color=NOT_MET)
        ax.text(c + top * 0.012, y, f"{c}（{c / projects:.0%}）", va="center", fontsize=8.5)
    labels = [wrap(f"{code} {clean(CODES.get(code, ''))}".strip(), 50, 2) for code, _c in shown]
    ax.set_yticks(range(n), labels, fontsize=8.5)
    ax.set_ylim(n - 0.4, -0.6)
    ax.set_xlim(0, top * 1.18)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.grid(True, color=GRID, linewidth=0.8)
    ax.set_xlabel("项目数")
    return fig
