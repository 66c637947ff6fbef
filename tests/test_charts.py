"""Report charts: valid, deterministic PNGs, Chinese drawn with the shipped font and no warning at all.

"No warning" is the point: a missing glyph shows up in matplotlib as a `UserWarning` (and a tofu box
in the picture), a font that cannot be found as a `findfont` log line. Both are turned into failures
here, for the seed and for projects built to stress the layout.
"""

from __future__ import annotations

import ast
import io
import json
import logging
import os
import subprocess
import sys
import textwrap
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import matplotlib
import pytest
from conftest import SEED, project_doc

import evalcore
from evalcore.presentation import chart_cache, charts
from evalcore.presentation.charts import FONT_FAMILY, font_path, setup_fonts
from evalcore.presentation.charts.base import DPI, MAX_HEIGHT, WIDTH
from evalcore.presentation.charts.report import budget_chart, category_chart, completion_chart
from evalcore.presentation.charts.text import clean, display_width, wrap
from evalcore.scoring import Scorecard

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHARTS: dict[str, Callable[[Scorecard], bytes | None]] = {
    "category": category_chart,
    "completion": completion_chart,
    "budget": budget_chart,
}
SCRIPT = "<script>alert('x')</script>"
LONG = "为全面提升基层综合治理与信访维稳工作的规范化、标准化和信息化水平而开展的" * 3


def ind(
    name: str,
    target: str,
    actual: str,
    unit: str | None,
    direction: str = "≥",
    level1: str = "产出指标",
    weight: float = 5,
    **more,
) -> dict:
    row = {
        "level1": level1,
        "level2": "数量指标",
        "name": name,
        "direction": direction,
        "target": target,
        "actual": actual,
        "weight": weight,
        **more,
    }
    if unit is not None:
        row["unit"] = unit
    return row


def qualitative(name: str, level1: str = "效益指标", weight: float = 10) -> dict:
    return {
        "level1": level1,
        "level2": "社会效益指标",
        "name": name,
        "direction": "定性",
        "target": "效果明显",
        "actual": "达成年度指标",
        "weight": weight,
    }


def sixty() -> list[dict]:
    rows = []
    for i in range(60):
        level1 = ("产出指标", "效益指标", "满意度指标")[i % 3]
        name = f"第{i + 1}项指标：" + (
            "乡镇综治中心规范化建设覆盖率及群众知晓度" if i % 4 == 0 else "宣传活动"
        )
        if i % 7 == 0:
            rows.append(ind(name, "100万元", f"{90 + i}万元", "万元", "≤", level1, 1.5))
        elif i % 11 == 0:
            rows.append(ind(name, "10次", f"{25 + i}次", "次", "≥", level1, 1.5))  # ≥ 250%: past the axis cap
        else:
            rows.append(ind(name, "100%", f"{40 + i}%", "%", "≥", level1, 1.5))
    return rows


# Each case: a project document (YAML shape) and which charts it must produce (None = returns None).
CASES: dict[str, dict] = {
    "only-qualitative": project_doc(
        [qualitative("群众安全感提升"), qualitative("持续加大综治宣传", weight=5)]
    ),
    "single-indicator": project_doc([ind("接待信访群众", "200人次", "146人次", "人次", weight=10)]),
    "sixty-indicators": project_doc(sixty()),
    "no-line-items": project_doc(
        [ind("宣传活动", "50篇次", "60篇次", "篇次")],
        budget=[{"source": "年度资金总额", "initial": 60, "adjusted": 60, "executed": 53}],
    ),
    "long-names": project_doc(
        [
            ind(LONG, "100%", "70%", "%"),
            ind(LONG + "（成本）", "60万元", "66万元", "万元", "≤"),
            qualitative(LONG),
        ],
        budget=[
            {"source": "年度资金总额", "initial": 100, "adjusted": 100, "executed": 104},
            {"source": "当年财政拨款", "initial": 100, "adjusted": 100, "executed": 104},
            {"source": LONG, "initial": 40, "adjusted": 40, "executed": 52},
            {"source": "印刷宣传资料", "initial": 60, "adjusted": 60, "executed": 52},
        ],
        name=LONG,
    ),
    "script-names": project_doc(
        [
            ind(SCRIPT, "100%", "95%", "%"),
            ind("成本 $x$ <b>粗</b>\n第二行\t制表 😀 𠀀 \u200b", "10万元", "8万元", "万元", "≤"),
            qualitative(SCRIPT),
        ],
        budget=[
            {"source": "年度资金总额", "initial": 100, "adjusted": 100, "executed": 90},
            {"source": SCRIPT, "initial": 100, "adjusted": 100, "executed": 90},
        ],
        name=SCRIPT,
        department=SCRIPT,
    ),
    "contradiction-and-not-applicable": project_doc(
        [
            ind("宣传活动", "50篇次", "40篇次", "篇次", weight=20),
            ind("不适用的指标", "10次", "0次", "次", weight=10, applicable="否"),
        ],
        budget=[
            {"source": "年度资金总额", "initial": 100, "adjusted": 100, "executed": 90},
            {"source": "当年财政拨款", "initial": 80, "adjusted": 80, "executed": 60},
            {"source": "其他资金", "initial": 30, "adjusted": 30, "executed": 35},
        ],
    ),
}
NONE_EXPECTED = {("only-qualitative", "completion"), ("no-budget-rows", "budget")}


@pytest.fixture(scope="module")
def cards(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Scorecard]:
    import yaml

    directory = tmp_path_factory.mktemp("chart-projects")
    out = {"seed": evalcore.evaluate(evalcore.load_project(SEED)).card}
    for name, doc in CASES.items():
        path = directory / f"{name}.yaml"
        path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
        out[name] = evalcore.evaluate(evalcore.load_project(path)).card
    # Every input carries a budget row (the readers insist); a scorecard assembled elsewhere may not.
    seed = out["seed"]
    out["no-budget-rows"] = replace(seed, budget=replace(seed.budget, total_row=None, funding=[], items=[]))
    return out


@contextmanager
def no_warnings(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Any warning raises; afterwards, no font_manager log line may report a font not found."""
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="matplotlib.font_manager"), warnings.catch_warnings():
        warnings.simplefilter("error")
        yield
    failures = [
        r.getMessage()
        for r in caplog.records
        if (r.name.startswith("matplotlib") and r.levelno >= logging.INFO)
        or "not found" in r.getMessage()
        or "Falling back" in r.getMessage()
    ]
    assert not failures, failures


def decode(png: bytes) -> tuple[int, int]:
    import matplotlib.image

    image = matplotlib.image.imread(io.BytesIO(png), format="png")
    height, width = image.shape[:2]
    return width, height


# ------------------------------------------------------------------------------------------- charts


@pytest.mark.parametrize("chart", list(CHARTS))
@pytest.mark.parametrize("case", ["seed", *CASES, "no-budget-rows"])
def test_chart_is_a_deterministic_png_drawn_without_warning(cards, caplog, case: str, chart: str) -> None:
    import matplotlib.pyplot as plt

    card = cards[case]
    figures_before = plt.get_fignums()
    with no_warnings(caplog):
        first = CHARTS[chart](card)
        second = CHARTS[chart](card)
    if (case, chart) in NONE_EXPECTED:
        assert first is None and second is None
        return
    assert isinstance(first, bytes) and first.startswith(PNG_SIGNATURE)
    assert first == second, "same scorecard, different bytes"
    width, height = decode(first)
    assert width == round(WIDTH * DPI)
    assert DPI * 2 <= height <= round(MAX_HEIGHT * DPI)
    assert plt.get_fignums() == figures_before, "a chart left a pyplot figure open"


def test_seed_charts_exist(cards) -> None:
    for chart in CHARTS.values():
        assert chart(cards["seed"]) is not None


def test_sixty_indicators_grow_the_chart_up_to_the_cap(cards) -> None:
    _, seed_height = decode(completion_chart(cards["seed"]))
    _, tall = decode(completion_chart(cards["sixty-indicators"]))
    assert seed_height < tall <= round(MAX_HEIGHT * DPI)


def test_charts_ignore_the_callers_matplotlib_settings(cards) -> None:
    card = cards["seed"]
    plain = [chart(card) for chart in CHARTS.values()]
    odd = {
        "font.family": ["serif"],
        "font.size": 20,
        "text.parse_math": True,
        "axes.grid": True,
        "figure.facecolor": "black",
        "savefig.dpi": 300,
        "lines.linewidth": 5,
    }
    with matplotlib.rc_context(odd):
        assert [chart(card) for chart in CHARTS.values()] == plain
        assert matplotlib.rcParams["font.size"] == 20  # and they leave the caller's settings alone


def test_explorer_charts_share_the_fixed_style_and_are_deterministic() -> None:
    """The explorer's charts go through the same render as the report's: the caller's settings
    change nothing, the same arrays give the same bytes."""
    import numpy as np

    from evalcore.presentation.charts.explore import money_chart, rates_chart, scatter_chart

    labels = ["江城市教育局", SCRIPT, LONG]
    adjusted, executed = np.array([100.0, 50.0, 20.0]), np.array([90.0, 60.0, 5.0])
    stats = np.array([[0.8, 0.9, 1.0, 0.6, 1.1], [0.5, 0.7, 0.95, 0.3, 1.2], [0.2, 0.25, 0.3, 0.2, 0.3]])

    def draw() -> list[bytes]:
        return [
            money_chart(labels, adjusted, executed, "各主管部门全年预算的执行情况", "按全年预算由多到少"),
            rates_chart(labels, stats, np.array([0.9, 0.7, 0.25]), np.array([0.0, 1.0, 2.0]), "说明"),
            scatter_chart(
                [("优", "#2f855a", np.array([0.95, 1.0]), np.array([92.0, 95.0]))], [("优", 90.0)], "说明"
            ),
        ]

    plain = draw()
    assert all(png.startswith(PNG_SIGNATURE) and decode(png)[0] == round(WIDTH * DPI) for png in plain)
    with matplotlib.rc_context({"font.family": ["serif"], "font.size": 20, "figure.facecolor": "black"}):
        assert draw() == plain


def test_the_chart_cache_key_covers_every_module_the_report_charts_are_drawn_by() -> None:
    """Cached report charts are keyed on the source of `chart_cache.CHART_SOURCES`: that must be
    charts/report.py, charts/history.py and everything of the charts package they import."""
    package = Path(charts.__file__).parent
    needed: set[str] = set()
    shared: set[str] = set()  # modules of the presentation package (level-2 imports)
    todo = ["__init__.py", "report.py", "history.py"]  # a package's __init__ runs before its modules
    while todo:
        name = todo.pop()
        if name in needed:
            continue
        needed.add(name)
        for node in ast.walk(ast.parse((package / name).read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level in (1, 2) and node.module:
                module = f"{node.module.split('.')[0]}.py"
                if node.level == 1:
                    todo.append(module)
                else:
                    shared.add(module)
            elif isinstance(node, ast.ImportFrom) and node.level == 1:
                todo += [f"{a.name}.py" for a in node.names]
    assert needed == set(chart_cache.CHART_SOURCES)
    assert shared == set(chart_cache.SHARED_SOURCES)
    assert "explore.py" not in needed and "portfolio.py" not in needed  # other sets do not stale the cache


def test_input_text_is_drawn_literally_and_drawable() -> None:
    assert clean(SCRIPT) == SCRIPT  # a PNG: nothing to escape, drawn as written
    assert clean("成本 $x$\n第二行\t制表\u200b！") == "成本 $x$ 第二行 制表！"
    assert clean("\U00020000") == "□"  # CJK extension B: in neither font
    assert clean("\ue000") == "□"  # private use


def test_wrap_keeps_the_direction_mark_and_cuts_with_an_ellipsis() -> None:
    text = wrap(LONG, 24, 2, "（≤）")
    lines = text.split("\n")
    assert len(lines) == 2 and lines[-1].endswith("…（≤）")
    assert all(display_width(line) <= 25 for line in lines)
    assert wrap("活动覆盖面", 24, 2) == "活动覆盖面"
    assert wrap("一二三四五六，七", 12, 2) == "一二三四五六，\n七"  # no line starts with ，


def test_the_warning_check_catches_a_missing_glyph(caplog) -> None:
    """The harness is not blind: text a font cannot draw, put past the sanitising, does warn."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure()
    FigureCanvasAgg(fig)
    with matplotlib.rc_context({"font.family": [setup_fonts(), "DejaVu Sans"]}):
        fig.text(0.5, 0.5, "绩效\ue000")
        with pytest.raises(UserWarning, match="missing from font"), no_warnings(caplog):
            fig.savefig(io.BytesIO(), format="png")


# -------------------------------------------------------------------------------------------- fonts


def test_chinese_resolves_to_the_shipped_font_not_dejavu() -> None:
    from matplotlib.font_manager import FontProperties, findfont
    from matplotlib.ft2font import FT2Font

    family = setup_fonts()
    assert family == FONT_FAMILY == "Noto Sans CJK SC"
    assert matplotlib.rcParams["font.family"][:2] == [FONT_FAMILY, "DejaVu Sans"]
    found = findfont(FontProperties(family=family), fallback_to_default=False)
    assert Path(found).resolve() == font_path().resolve()
    assert "site-packages" in str(found) or "dist-packages" in str(found)  # the pip package, not the system
    face = FT2Font(found, face_index=found.face_index)
    assert face.family_name == "Noto Sans CJK SC"  # the Simplified Chinese face, not JP (face 0)
    assert all(ord(ch) in face.get_charmap() for ch in "绩效评价项目支出≥≤×÷–—「」（）%％−…□")


def test_setup_fonts_is_idempotent() -> None:
    from matplotlib.font_manager import fontManager

    setup_fonts()
    count = sum(Path(e.fname) == font_path() for e in fontManager.ttflist)
    for _ in range(3):
        assert setup_fonts() == FONT_FAMILY
    assert sum(Path(e.fname) == font_path() for e in fontManager.ttflist) == count >= 5


def test_font_licence_ships_with_the_font() -> None:
    from importlib.metadata import distribution

    dist = distribution("noto-cjk-sans-otc")
    licence = next(f for f in dist.files or [] if f.name == "LICENSE")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence.read_text(encoding="utf-8")
    assert dist.metadata["License-Expression"] == "OFL-1.1"


# A fresh interpreter with an empty matplotlib config/cache dir, and the machine's own fonts hidden
# from matplotlib (whatever this machine has installed): only matplotlib's bundled fonts and the
# packaged CJK font remain, and the charts still render Chinese without warning.
FRESH = textwrap.dedent("""
    import json, logging, sys, warnings
    warnings.simplefilter("error")
    records = []
    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record.getMessage())
    logging.getLogger("matplotlib.font_manager").addHandler(Keep())
    logging.getLogger("matplotlib.font_manager").setLevel(logging.INFO)
    import matplotlib
    from matplotlib import font_manager as fm
    from matplotlib.ft2font import FT2Font
    system_fonts = fm.findSystemFonts  # called with paths: matplotlib's own fonts; without: the system's
    fm.findSystemFonts = lambda fontpaths=None, fontext="ttf": system_fonts(fontpaths, fontext) if fontpaths else []
    fm.fontManager = fm.FontManager()
    fm.findfont, fm.get_font_names = fm.fontManager.findfont, fm.fontManager.get_font_names
    # matplotlib's own LastResort font maps every code point to a placeholder box: not a CJK font
    own = matplotlib.get_data_path()
    system_cjk = sorted({e.fname for e in fm.fontManager.ttflist if not e.fname.startswith(own)
                         and 0x7EE9 in FT2Font(e.fname, face_index=e.index).get_charmap()})  # 绩
    import evalcore
    from evalcore.presentation import charts
    from evalcore.presentation.charts import report
    card = evalcore.evaluate(evalcore.load_project(sys.argv[1])).card
    sizes = [len(f(card)) for f in (report.category_chart, report.completion_chart, report.budget_chart)]
    found = fm.findfont(fm.FontProperties(family=charts.setup_fonts()), fallback_to_default=False)
    print(json.dumps({"system_cjk": system_cjk, "sizes": sizes, "found": str(found), "logs": records,
                      "configdir": matplotlib.get_cachedir()}))
""")


def test_renders_on_a_machine_without_any_cjk_font(tmp_path: Path) -> None:
    env = {**os.environ, "MPLCONFIGDIR": str(tmp_path / "mpl"), "PYTHONWARNINGS": "error"}
    env.pop("MPLBACKEND", None)
    run = subprocess.run(
        [sys.executable, "-c", FRESH, str(SEED)], capture_output=True, text=True, env=env, timeout=300
    )
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    out = json.loads(run.stdout)
    assert out["system_cjk"] == [], "matplotlib sees a system CJK font: the test proves nothing here"
    assert Path(out["configdir"]) == tmp_path / "mpl"  # a fresh font cache, built in this run
    assert any(p.name.startswith("fontlist") for p in (tmp_path / "mpl").iterdir())
    assert Path(out["found"]).resolve() == font_path().resolve()
    assert all(size > 1000 for size in out["sizes"])
    assert out["logs"] == ["generated new fontManager"]  # the font list was rebuilt; no font went missing
