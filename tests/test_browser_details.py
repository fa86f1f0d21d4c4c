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
