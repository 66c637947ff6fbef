"""The seed report printed to PDF by headless Chromium (evalcore.pipeline.pdf), and the page's own
font (evalcore.presentation.webfont) that makes the Chinese text print on any machine.

The report is rendered once through the real pipeline (papermill + nbconvert, `render_project`)
and printed twice for the module: with the machine's fonts, and with fontconfig seeing nothing but
one Latin font (matplotlib's own DejaVu Sans), the case of a server without a Chinese font. The PDFs
are read with poppler's `pdffonts`, `pdfinfo` and `pdftotext`. Nothing is mocked: a missing tool
fails the test and names the Debian package to install.
"""

from __future__ import annotations

import base64
import html as htmllib
import io
import re
import shutil
import subprocess
from pathlib import Path

import matplotlib
import pytest
from fontTools.ttLib import TTFont

from evalcore.errors import PrintError
from evalcore.pipeline.pdf import CHROMIUM_ENV, css_string, find_chromium, footer_css, print_pdf
from evalcore.pipeline.render import render_project
from evalcore.presentation import webfont
from evalcore.presentation.cjk_font import font_path, sc_face_index

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "seed" / "nc-scjg-2019-zzxf.yaml"
REPORT_CSS = ROOT / "evalcore" / "pipeline" / "templates" / "evalcore" / "report.css"
PROJECT = "2019年度综治信访"
SECTIONS = ("一、", "二、", "三、", "四、", "五、", "六、", "附表")  # the 绩效评价报告's parts
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def tool(name: str, package: str) -> str:
    found = shutil.which(name)
    if not found:
        pytest.fail(f"{name} is missing: install the Debian package {package} (apt-get install -y {package})")
    return found


def run(*args: str) -> str:
    proc = subprocess.run(args, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def pdftotext(pdf: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return run(tool("pdftotext", "poppler-utils"), "-layout", *pages, str(pdf), "-")


def page_count(pdf: Path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", run(tool("pdfinfo", "poppler-utils"), str(pdf)), re.M)[1])


def embedded_fonts(pdf: Path) -> list[tuple[str, str, str]]:
    """(name, type, emb) of every font pdffonts lists."""
    rows = run(tool("pdffonts", "poppler-utils"), str(pdf)).splitlines()[2:]
    out = []
    for row in rows:
        parts = row.split()
        emb = parts[-5]  # name type... encoding emb sub uni object ID
        out.append((parts[0], " ".join(parts[1:-6]), emb))
    return out


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    tool("pdftotext", "poppler-utils")
    try:
        find_chromium("seed")
    except PrintError as exc:
        pytest.fail(str(exc))
    base = tmp_path_factory.mktemp("pdf")
    rendered = render_project(SEED, base / "out", formats=("pdf",))  # the 绩效评价报告, as `--format pdf`
    html = rendered.report
    assert html is not None and rendered.pdf == html.with_suffix(".pdf")
    text = html.read_text(encoding="utf-8")
    title = htmllib.unescape(re.search(r"<title>(.*?)</title>", text, re.S)[1])
    return {"base": base, "html": html, "text": text, "title": title, "pdf": rendered.pdf}


@pytest.fixture(scope="module")
def printed(report: dict[str, object]) -> Path:
    """Printed with whatever fonts this machine has, by `render_project(..., formats=("pdf",))`."""
    pdf = report["pdf"]
    assert isinstance(pdf, Path) and pdf.is_file()
    return pdf


@pytest.fixture(scope="module")
def printed_latin_only(report: dict[str, object]) -> Path:
    """Printed with fontconfig seeing one Latin font only (no CJK font at all)."""
    base = report["base"]
    assert isinstance(base, Path)
    fonts = base / "fonts"
    fonts.mkdir()
    shutil.copy(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf", fonts)
    conf = base / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f"<fontconfig><dir>{fonts}</dir><cachedir>{base / 'fc-cache'}</cachedir></fontconfig>\n",
        encoding="utf-8",
    )
    fc_list = shutil.which("fc-list")
    if fc_list:  # the configuration really hides every other font
        listed = subprocess.run([fc_list], capture_output=True, text=True, env={"FONTCONFIG_FILE": str(conf)})
        assert listed.stdout.count("\n") == 1 and "DejaVuSans.ttf" in listed.stdout, listed.stdout
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FONTCONFIG_FILE", str(conf))
        return print_pdf(report["html"], base / "seed-latin.pdf", title=str(report["title"]))  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------ the PDF


@pytest.mark.parametrize("which", ["printed", "printed_latin_only"])
def test_the_chinese_text_is_drawn_with_the_embedded_font(which: str, request: pytest.FixtureRequest) -> None:
    pdf = request.getfixturevalue(which)
    fonts = embedded_fonts(pdf)
    noto = [f for f in fonts if "NotoSansCJKsc" in f[0]]
    assert noto and all(emb == "yes" for _, _, emb in noto), fonts
    assert all(f[2] == "yes" for f in fonts), f"a font is not embedded: {fonts}"
    # Named fonts are the page's own font only; Type 3 ones are Chromium's synthetic bold of it.
    assert {f[0].split("+")[-1] for f in fonts if f[1] != "Type 3"} == {"NotoSansCJKsc-Regular"}, fonts
    text = pdftotext(pdf)
    assert PROJECT in text and "南昌市市场监督管理局" in text and "综合评价结论" in text


@pytest.mark.parametrize("which", ["printed", "printed_latin_only"])
def test_every_page_has_the_title_and_its_number_in_the_footer(
    which: str, request: pytest.FixtureRequest, report: dict[str, object]
) -> None:
    pdf = request.getfixturevalue(which)
    pages = page_count(pdf)
    assert 4 <= pages <= 12, pages
    for n in range(1, pages + 1):
        lines = [line.strip() for line in pdftotext(pdf, n).splitlines() if line.strip()]
        assert lines[-1] == f"— {n} —", lines[-3:]
        assert lines[-2] == report["title"], lines[-3:]


def test_the_pages_are_portrait_a4(printed: Path) -> None:
    info = run(tool("pdfinfo", "poppler-utils"), "-f", "1", "-l", str(page_count(printed)), str(printed))
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert sizes and all(abs(float(w) - 595) < 2 and abs(float(h) - 842) < 2 for w, h in sizes), sizes


def test_no_heading_ends_a_page_and_no_page_is_a_scrap(printed: Path) -> None:
    """A section heading always has text after it on its page; every page holds more than a
    table row or two (the footer's two lines not counted)."""
    seen: set[str] = set()
    for n in range(1, page_count(printed) + 1):
        body = [line.strip() for line in pdftotext(printed, n).splitlines() if line.strip()][:-2]
        assert len(body) > 3, f"page {n} holds only {body}"
        for i, line in enumerate(body):
            heading = next((s for s in SECTIONS if line.startswith(s)), None)
            if heading:
                seen.add(heading)
                assert i < len(body) - 1, f"page {n} ends with the heading {line!r}"
    assert seen == set(SECTIONS)


def test_a_missing_browser_is_a_clear_error_and_leaves_no_file(
    report: dict[str, object], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CHROMIUM_ENV, "/nonexistent")
    out = tmp_path / "out"
    with pytest.raises(PrintError) as err:
        print_pdf(report["html"], out / "seed.pdf", title="标题")  # type: ignore[arg-type]
    assert err.value.kind == "browser"
    assert (
        "未找到 Chromium（/nonexistent）：请安装 Debian 软件包 chromium（apt-get install -y chromium），"
        "或设置环境变量 EVALCORE_CHROMIUM 指向浏览器"
    ) in str(err.value)
    assert not out.exists() or list(out.iterdir()) == []


def test_a_timeout_is_a_clear_error_and_leaves_no_file(report: dict[str, object], tmp_path: Path) -> None:
    html = report["html"]
    assert isinstance(html, Path)
    before = sorted(p.name for p in html.parent.iterdir())
    with pytest.raises(PrintError, match="秒内未完成打印") as err:
        print_pdf(html, tmp_path / "seed.pdf", title="标题", timeout=0.05)
    assert err.value.kind == "timeout"
    assert list(tmp_path.iterdir()) == []
    assert sorted(p.name for p in html.parent.iterdir()) == before  # the printable copy is gone too


def test_the_footer_css_keeps_any_title_inert() -> None:
    css = footer_css('标题"</style><script>alert(1)</script>\\')
    assert "<" not in css and "</style" not in css.lower()
    assert css_string('a"b\\c\nd') == '"a\\22 b\\5c c\\a d"'
    assert "counter(page)" in css and "—\u2002" in css


# ------------------------------------------------------------------------------- the web font


def _face(document: str) -> TTFont:
    rules = re.findall(r"url\(data:font/woff2;base64,([A-Za-z0-9+/=]+)\)", document)
    assert len(rules) == 1, "exactly one embedded font"
    return TTFont(io.BytesIO(base64.b64decode(rules[0])))


def test_the_report_embeds_a_subset_covering_every_character_it_shows(report: dict[str, object]) -> None:
    document = str(report["text"])
    assert document.count(f'<style id="{webfont.STYLE_ID}">') == 1
    assert f'font-family: "{webfont.FAMILY}"' in document
    subset = set(_face(document).getBestCmap())
    full = TTFont(str(font_path()), fontNumber=sc_face_index(), lazy=True).getBestCmap()
    shown = htmllib.unescape(re.sub(r"<[^>]+>", "", re.sub(r"(?s)<(style|script)\b.*?</\1>", "", document)))
    cjk = {ord(c) for c in shown if CJK.match(c)}
    assert len(cjk) > 200 and cjk <= subset, sorted(chr(c) for c in cjk - subset)
    drawable = {ord(c) for c in shown if ord(c) in full}
    assert drawable <= subset  # Latin and digits come from the same face
    assert {ord(c) for c in "0123456789%."} <= subset
    assert len(subset) < 700, "a subset, not the whole font"


def test_the_page_names_its_own_font_first() -> None:
    css = REPORT_CSS.read_text(encoding="utf-8")
    family = re.search(r"html \{ font-family: ([^;]+);", css)
    assert family and " ".join(family[1].split()) == webfont.FONT_STACK


def test_with_webfont_is_idempotent_and_covers_added_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(webfont.CACHE_ENV, str(tmp_path))
    page = "<html><head><title>报告</title></head><body><p>甲乙丙 &#x4e01; 42</p></body></html>"
    once = webfont.with_webfont(page)
    assert webfont.with_webfont(once) == once
    assert once.index(webfont.STYLE_ID) < once.index("</head>")
    cmap = _face(once).getBestCmap()
    assert all(ord(c) in cmap for c in "报告甲乙丙丁42")
    more = webfont.with_webfont(once.replace("甲乙丙", "戊己庚"))
    assert ord("戊") in _face(more).getBestCmap() and more.count(webfont.STYLE_ID) == 1


def test_subsets_are_cached_on_disk_by_their_characters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(webfont.CACHE_ENV, str(tmp_path))
    chars = webfont.page_characters("<p>缓存测试 " + str(tmp_path) + "</p>")  # characters no other test used
    first = webfont.subset_woff2(chars)
    stored = list((tmp_path / "fonts").glob("*.woff2"))
    assert len(stored) == 1 and stored[0].read_bytes() == first
    webfont.subset_woff2.cache_clear()  # a new process: only the disk remembers
    stored[0].write_bytes(b"wOF2 from the disk cache")
    assert webfont.subset_woff2(chars) == b"wOF2 from the disk cache"
    assert webfont.subset_woff2(chars) == b"wOF2 from the disk cache"  # and now from memory
    webfont.subset_woff2.cache_clear()


def test_an_unwritable_cache_is_passed_over(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(webfont.CACHE_ENV, str(blocker))
    webfont.subset_woff2.cache_clear()
    assert webfont.subset_woff2("不可写缓存").startswith(b"wOF2")
