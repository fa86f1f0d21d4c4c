"""Chromium checks of issue #17: Back restores the view, and the printed park profile fits A4."""

from pathlib import Path

import pytest

from tests.test_browser import CHROMIUM, SHOTS, browser, open_page, server  # noqa: F401 - fixtures

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


def test_the_printed_park_profile_is_a4_with_every_item_and_no_controls(server: str, browser) -> None:  # noqa: F811
    """Scene 5: the browser's print of 园区档案 (print stylesheet, A4): the 完成率 column, every item of the
    park, no export captions or buttons; the PNG pages are kept in screenshots/ to be looked at."""
    pypdf = pytest.importorskip("pypdf")
    import io
    import re
    import unicodedata
    from datetime import date

    import queries
    from queries.scope import Scope

    page = open_page(browser, f"{server}/park?league=150200&park=P005&asof=2023-06-08")
    page.wait_for_timeout(2000)
    page.emulate_media(media="print")
    pdf = pypdf.PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True)))
    page.close()
    box = pdf.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (596, 843)  # A4 in points
    text = unicodedata.normalize("NFKC", "".join(p.extract_text() for p in pdf.pages))  # PDF: 至 as radical ⾄
    items = set(queries.park_items(Scope("150200", "P005", date(2023, 6, 8))).item_id)
    assert items <= set(re.findall(r"[A-Z]{2}\d{4}", text))  # every item, not the ten a scroll box shows
    assert "完成率" in text and "100.0%" in text  # the column a canvas table cut off
    assert re.search(r"数据截至\s*2023-06-08", text) and "演示数据" in text
    for control in ("导出图表", "导出条目清单", "会议模式", "退出登录"):
        assert control not in text, control
