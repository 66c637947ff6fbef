"""年度总体目标 (planned and achieved) written from a project's indicators, so goals and indicators
agree: the planned counts and rates, what was done, and which indicators fell short."""

from __future__ import annotations

from .draft import Ind


def phrase(name: str, target: str) -> str:
    """A qualitative benefit as the goals name it (its target, unless the name already says it)."""
    return name if target == "效果明显" or target in name else name + target


def goals(year: int, stem: str, inds: list[Ind], benefits: list[str]) -> tuple[str, str]:
    """年度总体目标 as sentences built from the indicators, so goals and indicators agree."""
    outputs = [i for i in inds if i.row["level2"] in ("数量指标", "质量指标")]
    plan = "、".join(f"{i.row['name']}{i.row['target'].lstrip('≥=')}" for i in outputs if i.kind == "count")
    rates = [i for i in outputs if i.kind in ("rate", "reverse", "zero")]
    quality = "，".join(
        i.row["name"]
        + (
            f"控制在{i.row['target'].lstrip('≤')}以内"
            if i.kind == "reverse"
            else f"达到{i.row['target'].lstrip('≥=')}"
        )
        for i in rates[:1]
    )
    planned = f"{year}年实施{stem}，计划{plan}" + (f"，{quality}" if quality else "")
    planned += f"，{year}年12月31日前完成全部任务"
    planned += ("，" + "，".join(benefits[:2]) if benefits else "") + "。"
    done = "、".join(f"{i.row['name']}{i.row['actual']}" for i in outputs if i.kind == "count")
    short = [i.row["name"] for i in inds if not i.met]
    actual = f"项目按计划组织实施，实际完成{done}" if done else "项目按计划组织实施"
    if rates:
        actual += f"，{rates[0].row['name']}{rates[0].row['actual']}"
    actual += (
        f"；{'、'.join(short[:2])}未达到年度目标，已分析原因并提出改进措施，年度绩效目标基本实现。"
        if short
        else "，年度绩效目标全面完成。"
    )
    return planned, actual
