"""Readable terminal output for `evalcore score` and `validate` (rich tables, Chinese labels)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..evaluation import Evaluation
from ..quantities import format_number as fmt

_SEVERITY = {"error": ("错误", "red"), "warning": ("提示", "yellow"), "info": ("说明", "cyan")}


def _rate(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.2f}%"


def print_detail(console: Console, ev: Evaluation) -> None:
    c, p, b = ev.card, ev.card.project, ev.card.budget
    console.print(Text(f"{p.name}（{p.project_id}）", style="bold"))
    console.print(
        Text(f"主管部门：{p.department}  实施单位：{p.unit}  年度：{p.year}  评分方案：{c.scheme.id}")
    )
    reported = (
        "" if p.reported_total is None else f"    自评 {fmt(p.reported_total)} 分 {p.reported_grade or ''}"
    )
    console.print(Text(f"复核总分 {c.total_text} 分  等级 {c.grade}{reported}", style="bold"))
    console.print(Text(f"预算执行率：{b.explanation.text}（年初口径执行率 {_rate(b.initial_rate)}）"))
    cats = Table(title="一级指标得分", show_lines=False)
    for h in ("一级指标", "方案分值", "已细化分值", "得分"):
        cats.add_column(h, justify="right" if h != "一级指标" else "left")
    for k in c.categories:
        cats.add_row(k.name, fmt(k.weight), fmt(k.itemised_weight), f"{k.score:.2f}")
    console.print(cats)
    t = Table(title="指标得分", show_lines=False)
    for h in ("序号", "三级指标", "性质", "年度指标值", "实际完成值", "分值", "得分", "自评"):
        t.add_column(h, overflow="fold", justify="right" if h in ("序号", "分值", "得分", "自评") else "left")
    for n, s in enumerate(c.indicators, start=1):
        i = s.indicator
        t.add_row(
            str(n),
            i.name,
            i.direction,
            i.target.raw,
            i.actual.raw,
            fmt(s.weight),
            f"{s.score:.2f}",
            "" if i.reported_score is None else fmt(i.reported_score),
        )
    for i in c.not_applicable:
        t.add_row("—", i.name, i.direction, i.target.raw, i.actual.raw, fmt(i.weight), "不适用", "")
    console.print(t)
    console.print(Text("计算过程：", style="bold"))
    for n, s in enumerate(c.indicators, start=1):
        console.print(Text(f"  {n}. {s.indicator.name}：{s.explanation.text}"))
    if c.not_applicable:
        console.print(Text(f"  不适用指标剔除后按百分制折算：合计 × {c.scale:.4f}"))
    print_findings(console, ev)


def print_findings(console: Console, ev: Evaluation) -> None:
    if not ev.findings:
        console.print(Text("复核发现：无", style="green"))
        return
    console.print(Text(f"复核发现（{len(ev.findings)} 项）：", style="bold"))
    for f in ev.findings:
        label, style = _SEVERITY.get(f.severity, (f.severity, ""))
        console.print(Text.assemble((f"  {f.code} {label} ", style), f.message))


def print_summary(console: Console, evaluations: Sequence[Evaluation]) -> None:
    t = Table(title=f"评分结果（{len(evaluations)} 个项目）")
    for h in ("项目编号", "项目名称", "主管部门", "执行率", "复核总分", "等级", "自评总分", "复核发现"):
        t.add_column(
            h, overflow="fold", justify="right" if h in ("执行率", "复核总分", "自评总分") else "left"
        )
    for ev in evaluations:
        p = ev.project
        codes = " ".join(sorted({f.code for f in ev.findings}))
        t.add_row(
            p.project_id,
            p.name,
            p.department,
            _rate(ev.card.budget.execution_rate),
            ev.card.total_text,
            ev.grade,
            "" if p.reported_total is None else fmt(p.reported_total),
            codes or "无",
        )
    console.print(t)
