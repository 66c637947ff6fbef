"""The portfolio index's data: what a batch wrote, read back as figures.

`PortfolioIndex.from_folder(out_dir)` reads `summary.json` (one row per valid project with its
figures) and `manifest.json` (what ran, what was skipped, what failed and why). Nothing here scores
and nothing here draws: the page (`portfolio_page`) and the charts (`charts.portfolio`) read these
figures, so the index shows what the batch computed and nothing else.

Amounts are added within a year only (`Headline.by_year`): a 2019 budget and a 2024 budget are
different money, and their sum is a figure nobody budgeted, so the headline carries one set of
figures per year and none across years.
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

from ..errors import EvalcoreError
from ..schemes import builtin_ids, default_scheme_id, get_scheme

__all__ = [
    "FAILED",
    "INVALID",
    "Headline",
    "PortfolioIndex",
    "Totals",
    "YearFigures",
    "number",
    "one_line",
    "to_wan",
    "where_file",
    "year_label",
    "year_of",
]

FAILED, INVALID = "failed", "invalid"
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


def number(value: object) -> float | None:
    """A figure of a summary row as a finite float, or None (missing, not a number, a boolean)."""
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


def year_of(row: dict) -> int | None:
    """The evaluation year of a summary row, or None when it has none."""
    y = number(row.get("year"))
    return None if y is None else int(y)


def year_label(year: int | None) -> str:
    """A year as a heading reads it; the index and its department comparison say it alike."""
    return "年度未填写" if year is None else f"{year}年度"


def where_file(entry: dict) -> str:
    """The input file a manifest entry names, or ""."""
    where = entry.get("where")
    return str(where.get("file") or "") if isinstance(where, dict) else ""


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
    median_score: float | None = None  # beside the mean: one very low score moves the mean only
    findings: int = 0  # Σ review findings of the projects


@dataclass(frozen=True)
class YearFigures(Totals):
    """`Totals` of the projects of one evaluation year (None: rows without a year)."""

    year: int | None = None


@dataclass(frozen=True)
class Headline:
    """What the index's headline shows: counts over the whole batch, and amounts, rates, scores
    and grades per year only (`by_year`, in year order)."""

    projects: int
    by_year: tuple[YearFigures, ...] = ()
    failed: int = 0  # the report could not be produced
    invalid: int = 0  # the input could not be read or scored
    years: tuple[int, ...] = ()
    departments: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # manifest status → count


class PortfolioIndex:
    """A batch's output folder as figures. Build it with `PortfolioIndex.from_folder(out_dir)`."""

    def __init__(
        self,
        rows: Sequence[dict],
        manifest: Sequence[dict] = (),
        out_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        self.out_dir = Path(out_dir) if out_dir is not None else None
        self.rows = sorted(  # year by year, so the table reads one year after another
            (dict(r) for r in rows),
            key=lambda r: (
                year_of(r) is None,
                year_of(r) or 0,
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
        """(grade, lower bound) of the scheme most projects use, when it is a built-in one; else the
        self-evaluation default's (优良中差)."""
        known = set(builtin_ids())
        used = Counter(str(r.get("scheme")) for r in self.rows if str(r.get("scheme")) in known)
        for scheme_id, _n in sorted(used.items(), key=lambda kv: (-kv[1], kv[0])):
            try:
                return tuple((g.name, float(g.min)) for g in get_scheme(scheme_id).grades)
            except EvalcoreError:
                continue
        return tuple((g.name, float(g.min)) for g in get_scheme(default_scheme_id("self")).grades)

    def _grade_order(self) -> list[str]:
        order = [name for name, _min in self.grade_bands]
        extra = sorted(
            {str(r.get("grade")) for r in self.rows if r.get("grade") not in (None, "")} - set(order)
        )
        return order + extra

    def grade_of(self, score: float) -> str:
        """The grade band a score falls in (the lowest band below every bound)."""
        for name, low in self.grade_bands:
            if score >= low:
                return name
        return self.grade_bands[-1][0]

    def totals(self, rows: Iterable[dict] | None = None) -> Totals:
        rows = list(self.rows if rows is None else rows)
        adjusted = sum(to_wan(r.get("adjusted"), r.get("amount_unit")) or 0.0 for r in rows)
        executed = sum(to_wan(r.get("executed"), r.get("amount_unit")) or 0.0 for r in rows)
        scores = [s for s in (number(r.get("total")) for r in rows) if s is not None]
        findings = [number(r.get("findings")) or 0 for r in rows]
        counts = Counter(str(r.get("grade")) for r in rows if r.get("grade") not in (None, ""))
        return Totals(
            projects=len(rows),
            adjusted=adjusted,
            executed=executed,
            execution_rate=executed / adjusted if adjusted > 0 else None,
            mean_score=statistics.fmean(scores) if scores else None,
            grades={g: counts.get(g, 0) for g in self.grade_order},
            with_findings=sum(1 for n in findings if n > 0),
            median_score=statistics.median(scores) if scores else None,
            findings=int(sum(findings)),
        )

    def years(self) -> list[int | None]:
        """The evaluation years present, in order (None last: rows without a year)."""
        found = {year_of(r) for r in self.rows}
        return sorted(y for y in found if y is not None) + ([None] if None in found else [])

    def by_year(self) -> list[YearFigures]:
        """`totals` of each year's projects: amounts are never added across years."""
        return [
            YearFigures(**self.totals(r for r in self.rows if year_of(r) == y).__dict__, year=y)
            for y in self.years()
        ]

    def headline_figures(self) -> Headline:
        counts = Counter(str(m.get("status")) for m in self.manifest)
        return Headline(
            projects=len(self.rows),
            by_year=tuple(self.by_year()),
            failed=counts.get(FAILED, 0),
            invalid=counts.get(INVALID, 0),
            years=tuple(y for y in self.years() if y is not None),
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
                where_file(m),
                one_line(m.get("error")),
            ),
        )

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

    def failed_notebook(self, entry: dict) -> str | None:
        """A relative link to the audit notebook a failed run left in this folder, if it is there."""
        nb = entry.get("notebook")
        if not isinstance(nb, str) or not nb or self.out_dir is None:
            return None
        try:
            rel = Path(nb).resolve().relative_to(self.out_dir.resolve())
        except (ValueError, OSError):
            return None
        return self.href(rel.as_posix())


def _projects(doc: object, path: Path) -> list[dict]:
    if not isinstance(doc, dict) or not isinstance(doc.get("projects"), list):
        raise EvalcoreError(f'{path}：不是批量输出文件（应为 {{"projects": [...]}}）')
    return [p for p in doc["projects"] if isinstance(p, dict)]
