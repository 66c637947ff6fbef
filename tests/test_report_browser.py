"""The published report in a real browser: Debian's chromium (`make browser`) driven by Playwright.

Two reports are rendered once for the module through the real pipeline (papermill + nbconvert,
`render_project`): the seed case, and a hostile copy of it whose every free-text field carries an
HTML/JS payload. Each is opened from disk in a fresh browser context, and we check what a reader's
browser does with it (SPEC, Reports: self-contained, code hidden, all input text escaped):

- it asks for nothing but the page itself and data: URLs (no CDN, no web font but its own, embedded;
  no injected `src=x`);
- no console error, no uncaught exception, no dialog, and the payloads' sentinel `window.__xss` is unset;
- no `<script>` element, no `on*` handler attribute, no `javascript:` URL, no svg/iframe/object/embed;
- every image has loaded (complete, naturalWidth > 0) from a data: URL and has alt text;
- printed on A4 nothing is wider than the page (Chromium clips what does not fit);
- `<html lang="zh">`; no code cell, input area or `In [n]:` prompt shows;
- the hostile report shows every payload as visible text, exactly as the department wrote it.

Playwright never downloads a browser here (`playwright install` is not used): it drives
/usr/bin/chromium, which `make test` installs through apt when it is missing.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from evalcore.pipeline.render import make_exporter, render_project

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "seed" / "nc-scjg-2019-zzxf.yaml"
CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

# Every payload bumps this sentinel if it ever runs; alert() would open a dialog.
XSS = "window.__xss=(window.__xss||0)+1"
PAYLOADS: dict[str, str] = {
    "name": "<script>alert(1)</script><img src=x onerror=alert(2)>",
    "department": f'市场监管局<img src=x onerror="{XSS};alert(3)">',
    "unit": f'"><svg onload="{XSS};alert(4)">实施单位',
    "goal_planned": f'<a href="javascript:{XSS};alert(5)">javascript:alert(5)</a> 预期目标',
    "goal_actual": f'\'><iframe src="javascript:{XSS}"></iframe>实际完成',
    "indicator_name": f'<img src=x onerror="{XSS};alert(6)">综治宣传活动',
    "qualitative_target": f'效果明显<b onmouseover="{XSS}">"><svg onload=alert(7)>',
    "qualitative_actual": f'达成年度指标<img src=x onerror="{XSS};alert(8)">',
    "deviation_reason": f"</td></tr></table><script>{XSS};alert(9)</script>偏差",
    "line_item": f'<img src=x onerror="{XSS};alert(10)">宣传活动',
}


def hostile_doc() -> dict[str, Any]:
    """The seed case with a payload in each free-text field a department fills in."""
    doc = copy.deepcopy(yaml.safe_load(SEED.read_text(encoding="utf-8")))
    for key in ("name", "department", "unit", "goal_planned", "goal_actual"):
        doc[key] = PAYLOADS[key]
    doc["indicators"][0]["name"] = PAYLOADS["indicator_name"]
    qualitative = next(i for i in doc["indicators"] if i["direction"] == "定性")
    qualitative["target"] = PAYLOADS["qualitative_target"]
    qualitative["actual"] = PAYLOADS["qualitative_actual"]
    doc["indicators"][3]["deviation_reason"] = PAYLOADS["deviation_reason"]
    doc["budget"].append({"source": PAYLOADS["line_item"], "initial": 5, "adjusted": 5, "executed": 6})
    return doc


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("browser")
    hostile = base / "hostile.yaml"
    hostile.write_text(yaml.safe_dump(hostile_doc(), allow_unicode=True, sort_keys=False), encoding="utf-8")
    exporter = make_exporter()
    return {
        name: render_project(src, base / "out" / name, exporter=exporter).html
        for name, src in (("seed", SEED), ("hostile", hostile))
    }


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium) as root")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield b
        b.close()


# Everything the assertions need, read from the live DOM in one go.
SNAPSHOT_JS = r"""() => {
  const all = [...document.querySelectorAll('*')];
  const handlers = [], jsUrls = [];
  for (const el of all) {
    for (const a of el.attributes) {
      if (/^on/i.test(a.name)) handlers.push(`${el.tagName.toLowerCase()}[${a.name}]`);
      if (/^\s*javascript:/i.test(a.value)) jsUrls.push(`${el.tagName.toLowerCase()}[${a.name}]`);
    }
  }
  return {
    lang: document.documentElement.lang,
    title: document.title,
    text: document.body.innerText,
    xss: typeof window.__xss,
    scripts: document.querySelectorAll('script').length,
    embedded: [...document.querySelectorAll('svg, iframe, object, embed, frame, base, form')]
      .map(e => e.tagName.toLowerCase()),
    handlers, jsUrls,
    inputs: document.querySelectorAll('.input_area, .input, .jp-InputArea, .input_prompt, .jp-InputPrompt').length,
    images: [...document.images].map(i => ({src: i.getAttribute('src').slice(0, 40), alt: i.alt,
      complete: i.complete, width: i.naturalWidth})),
  };
}"""


A4_CONTENT_PX = 703
OVERFLOW_JS = r"""(width) => [...document.querySelectorAll('main > *, main table, main img, main p, main h1')]
  .filter(e => e.getBoundingClientRect().right > width + 1)
  .map(e => `${e.tagName.toLowerCase()}.${e.className} right=${Math.round(e.getBoundingClientRect().right)}px: `
            + e.innerText.slice(0, 40).replace(/\s+/g, ' '))"""


def _open(browser, html: Path) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    page = context.new_page()
    seen: dict[str, list[str]] = {"requests": [], "console": [], "pageerrors": [], "dialogs": []}
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.on("console", lambda m: seen["console"].append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: seen["pageerrors"].append(str(e)))

    def dialog(d) -> None:  # type: ignore[no-untyped-def]
        seen["dialogs"].append(f"{d.type}: {d.message}")
        d.dismiss()

    page.on("dialog", dialog)
    try:
        url = html.resolve().as_uri()
        page.goto(url, wait_until="load", timeout=30_000)
        page.mouse.move(200, 200)  # would fire an onmouseover that slipped through
        page.wait_for_timeout(100)
        state = page.evaluate(SNAPSHOT_JS)
        # Print layout: A4 less the report's 12 mm side margins is 186 mm = 703 CSS px. Anything wider
        # is cut off at the right edge of the printed page (Chromium clips, it does not shrink).
        page.set_viewport_size({"width": A4_CONTENT_PX, "height": 1000})
        page.emulate_media(media="print")
        state["print_overflow"] = page.evaluate(OVERFLOW_JS, A4_CONTENT_PX)
    finally:
        context.close()
    return {**state, **seen, "url": url}


@pytest.fixture(scope="module")
def opened(browser, reports: dict[str, Path]) -> dict[str, dict[str, Any]]:  # type: ignore[no-untyped-def]
    return {name: _open(browser, html) for name, html in reports.items()}


NAMES = ["seed", "hostile"]


@pytest.mark.parametrize("name", NAMES)
def test_requests_nothing_but_itself_and_data_urls(opened: dict[str, dict[str, Any]], name: str) -> None:
    s = opened[name]
    assert s["requests"], "no request was seen at all: the recorder is broken"
    assert all(u.split(":", 1)[0] in ("file", "data") for u in s["requests"]), s["requests"]
    others = [u for u in s["requests"] if u.startswith("file:") and u != s["url"]]
    assert others == [], f"file requests other than the page itself: {others}"


@pytest.mark.parametrize("name", NAMES)
def test_no_error_no_dialog_no_script_ran(opened: dict[str, dict[str, Any]], name: str) -> None:
    s = opened[name]
    assert [m for m in s["console"] if m.startswith("error:")] == []
    assert s["pageerrors"] == []
    assert s["dialogs"] == []
    assert s["xss"] == "undefined"


@pytest.mark.parametrize("name", NAMES)
def test_no_active_content(opened: dict[str, dict[str, Any]], name: str) -> None:
    s = opened[name]
    assert s["scripts"] == 0
    assert s["handlers"] == []
    assert s["jsUrls"] == []
    assert s["embedded"] == []


@pytest.mark.parametrize("name", NAMES)
def test_images_loaded_from_data_urls(opened: dict[str, dict[str, Any]], name: str) -> None:
    images = opened[name]["images"]
    assert images, "the report has charts"
    for img in images:
        assert img["src"].startswith("data:image/"), img
        assert img["complete"] and img["width"] > 0, f"broken image: {img}"
        assert img["alt"].strip(), img


@pytest.mark.parametrize("name", NAMES)
def test_chinese_page_without_code(opened: dict[str, dict[str, Any]], name: str) -> None:
    s = opened[name]
    assert s["lang"] == "zh"
    assert s["inputs"] == 0
    assert not re.search(r"\b(In|Out)\s*\[[\s\d*]*\]:?", s["text"]), "a code prompt is visible"
    assert "import " not in s["text"] and "evalcore." not in s["text"], "code is visible"
    for heading in (
        "项目基本情况",
        "评分总览",
        "指标分析",
        "预算执行与偏差",
        "复核发现",
        "综合评价结论",
        "结果应用建议",
        "项目支出绩效自评表",
    ):
        assert heading in s["text"]


@pytest.mark.parametrize("name", NAMES)
def test_fits_a4_width_in_print(opened: dict[str, dict[str, Any]], name: str) -> None:
    """Long unbroken text (a URL, a code, a payload) must wrap, not push a table past the printed page."""
    assert opened[name]["print_overflow"] == [], (
        f"wider than A4 ({A4_CONTENT_PX}px) in print, cut off on paper"
    )


def test_seed_shows_its_facts(opened: dict[str, dict[str, Any]]) -> None:
    s = opened["seed"]
    assert "2019年度综治信访" in s["title"]
    for text in (
        "南昌市市场监督管理局",
        "80.13",
        "146人次 ÷ 200人次 = 73.0%；10 × 73.0% = 7.30",
        "不能解决的协调信访局",
    ):
        assert text in s["text"]


@pytest.mark.parametrize("field", sorted(PAYLOADS))
def test_hostile_payload_shows_as_text(opened: dict[str, dict[str, Any]], field: str) -> None:
    assert PAYLOADS[field] in opened["hostile"]["text"]


def test_hostile_name_in_title_as_text(opened: dict[str, dict[str, Any]]) -> None:
    assert PAYLOADS["name"] in opened["hostile"]["title"]
