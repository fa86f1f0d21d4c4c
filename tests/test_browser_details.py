"""Chromium checks of issue #17: Back restores the view, and the printed park profile fits A4."""

from pathlib import Path

import pytest

from tests.test_browser import CHROMIUM, SHOTS, open_page, server, signed_in_page  # noqa: F401 - fixtures

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]


def main_text(page) -> str:
    return page.inner_text("[data-testid=stMain]")


def choose(page, option: str) -> None:
    """Click an option of the page's 查看 segmented control."""
    page.locator("[data-testid=stMain] [data-testid=stButtonGroup] button", has_text=option).first.click()


def test_back_restores_the_previous_view_not_only_the_scope(server: str, browser) -> None:  # noqa: F811
    page = open_page(browser, f"{server}/progress?asof=2023-06-08")
    choose(page, "超期清单")
    page.wait_for_url("**view=overdue*", timeout=15_000)
    page.wait_for_selector("text=仍未整改", timeout=15_000)
    choose(page, "盟市对比")
    page.wait_for_url("**view=leagues*", timeout=15_000)
    page.wait_for_selector("text=点表头排序", timeout=15_000)
    page.go_back()
    page.wait_for_url("**view=overdue*", timeout=15_000)
    page.wait_for_selector("text=仍未整改", timeout=15_000)
    page.wait_for_selector("text=点表头排序", state="detached", timeout=15_000)  # the 盟市对比 view is gone
    page.wait_for_timeout(500)
    assert "仍未整改" in main_text(page) and "点表头排序" not in main_text(page)
    assert page.locator("[data-testid=stException]").count() == 0
    page.close()


SIZES = [(1920, 1080), (1366, 768), (390, 844)]
SIZE_IDS = [f"{w}x{h}" for w, h in SIZES]


def open_at(browser, url: str, size: tuple[int, int], content: str):
    SHOTS.mkdir(exist_ok=True)
    page = signed_in_page(browser, url, viewport={"width": size[0], "height": size[1]})
    page.goto(url)
    page.wait_for_selector(content, timeout=30_000)
    page.wait_for_timeout(2500)
    return page


def overlapping(boxes: list[dict]) -> list[tuple[str, str]]:
    """Pairs of tick labels whose boxes overlap (a smear of names)."""
    out = []
    for n, a in enumerate(boxes):
        for b in boxes[n + 1 :]:
            if (
                a["left"] < b["right"] - 1
                and b["left"] < a["right"] - 1
                and a["top"] < b["bottom"] - 1
                and b["top"] < a["bottom"] - 1
            ):
                out.append((a["text"], b["text"]))
    return out


TICKS = """(plot) => [...document.querySelectorAll('.js-plotly-plot')[plot]
    .querySelectorAll('.xtick text, .ytick text')].map(t => { const r = t.getBoundingClientRect();
                return {text: t.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom}; })"""
GRIDS = """() => [...document.querySelectorAll('[data-testid=stDataFrame] .dvn-scroller')]
    .map(e => e.scrollWidth - e.clientWidth)"""
PAGE_WIDTH = """() => { const m = document.querySelector('[data-testid=stMain]');
    return [m.scrollWidth - m.clientWidth, document.documentElement.scrollWidth - innerWidth]; }"""


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_the_league_comparison_reads_at_1920_1366_and_on_a_phone(server: str, browser, size) -> None:  # noqa: F811
    """No sideways scroll of the page anywhere, none of the league matrix on a screen, and league names that do not
    smear into each other (a phone included); the screenshots are kept in screenshots/ to be looked at."""
    page = open_at(browser, f"{server}/progress?asof=2023-06-08&view=leagues", size, "[data-testid=stDataFrame]")
    page.screenshot(path=SHOTS / f"details_leagues_{size[0]}x{size[1]}.png", full_page=True)
    assert page.evaluate(PAGE_WIDTH) == [0, 0]
    if size[0] >= 1366:
        assert all(extra <= 1 for extra in page.evaluate(GRIDS)), page.evaluate(GRIDS)
    ticks = page.evaluate(TICKS, 0)
    assert {"包头市", "兴安盟", "阿拉善盟"} <= {t["text"] for t in ticks}
    assert overlapping(ticks) == []
    assert page.locator("text=None").count() == 0 and page.locator("[data-testid=stException]").count() == 0
    page.close()


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize(
    ("name", "path", "content"),
    [
        ("overview", "/?asof=2023-06-08", ".js-plotly-plot .main-svg"),
        ("park", "/park?league=150200&park=P005&asof=2023-06-08", ".js-plotly-plot .main-svg"),
        ("directory", "/park?asof=2023-06-08", "[data-testid=stDataFrame]"),
        ("overdue", "/progress?asof=2023-06-08&view=overdue", "[data-testid=stDataFrame]"),
    ],
)
def test_pages_fit_the_screen_at_1920_1366_and_on_a_phone(server: str, browser, size, name, path, content) -> None:  # noqa: F811
    page = open_at(browser, f"{server}{path}", size, content)
    page.screenshot(path=SHOTS / f"details_{name}_{size[0]}x{size[1]}.png", full_page=True)
    assert page.evaluate(PAGE_WIDTH) == [0, 0]
    for plot in range(page.locator(".js-plotly-plot").count()):
        assert overlapping(page.evaluate(TICKS, plot)) == [], (name, plot)
    assert page.locator("[data-testid=stException]").count() == 0
    page.close()


@pytest.mark.parametrize("size", SIZES[:2], ids=SIZE_IDS[:2])
def test_the_printed_park_profile_is_a4_with_every_item_and_no_controls(server: str, browser, size) -> None:  # noqa: F811
    """Scene 5: the browser's print of 园区档案 (print stylesheet, A4) from a 1920 and a 1366 screen: the 完成率
    column, every item of the park (on landscape sheets), no export captions or buttons, no blank sheet; the PNG
    pages (pdftoppm, when installed) are kept in screenshots/ to be looked at."""
    pypdf = pytest.importorskip("pypdf")
    import io
    import re
    import shutil
    import subprocess
    import unicodedata
    from datetime import date

    import queries
    from queries.scope import Scope

    page = open_at(browser, f"{server}/park?league=150200&park=P005&asof=2023-06-08", size, ".js-plotly-plot")
    # each chart has its copy drawn at the sheet's width (assets/print.js), made after the chart was drawn
    page.wait_for_function("document.querySelectorAll('img.print-copy').length >= 2", timeout=30_000)
    page.emulate_media(media="print")
    printed = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid=stPlotlyChart]')].map(e => {
          const img = e.querySelector('img.print-copy'), live = e.querySelector('.js-plotly-plot');
          const holder = e.closest('[data-testid=stElementContainer]');
          return {copy: !!img && getComputedStyle(img).display !== 'none', copyWidth: img ? img.naturalWidth : 0,
                  live: getComputedStyle(live).display, zoom: getComputedStyle(holder).zoom};
        })"""
    )
    assert printed and all(p["copy"] and p["live"] == "none" for p in printed), printed  # paper shows the copy
    assert all(p["copyWidth"] <= 718 and p["zoom"] == "1" for p in printed), printed  # in the sheet, in its own type
    document = page.pdf(format="A4", print_background=True)
    page.close()
    pdf = pypdf.PdfReader(io.BytesIO(document))
    boxes = [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in pdf.pages]
    assert boxes[0] == (596, 843)  # A4 portrait in points
    assert set(boxes) <= {(596, 843), (843, 596)} and (843, 596) in boxes  # the item list on A4 landscape
    texts = [unicodedata.normalize("NFKC", p.extract_text()) for p in pdf.pages]  # PDF: 至 as radical ⾄
    assert all(t.strip() for t in texts), [len(t) for t in texts]  # no blank sheet
    text = "".join(texts)
    items = set(queries.park_items(Scope("150200", "P005", date(2023, 6, 8))).item_id)
    assert items <= set(re.findall(r"[A-Z]{2}\d{4}", text))  # every item, not the ten a scroll box shows
    assert "完成率" in text and "100.0%" in text  # the column a canvas table cut off
    assert re.search(r"数据截至\s*2023-06-08", text) and "演示数据" in text and "示意图" in text
    for control in ("导出图表", "导出条目清单", "会议模式", "退出登录", "打印本页", "打开台账"):
        assert control not in text, control
    if shutil.which("pdftoppm"):
        target = SHOTS / f"print_park_{size[0]}x{size[1]}.pdf"
        target.write_bytes(document)
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(target), str(target.with_suffix(""))], check=True)
