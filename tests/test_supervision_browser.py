"""督办闭环 walked in chromium on each store: the office (demo-admin) sends a 督办单 to 包头 (150200), demo-150200
finds it in 消息 and acknowledges it on the 督办单 page, and the office sees it acknowledged. Screenshots of each
step in /tmp/duban/ (looked at) and screenshots/."""

from pathlib import Path

import pytest

from tests.conftest import copy_database
from tests.test_browser import CHROMIUM, SHOTS, running_app, signed_in_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]
LOOKED_AT = Path("/tmp/duban")


def shot(page, name: str, engine: str) -> None:
    for folder in (SHOTS, LOOKED_AT):
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"supervision_{engine}_{name}.png"), full_page=True)


def main_text(page) -> str:
    return page.inner_text("[data-testid=stMain]")


def test_an_order_sent_by_the_office_is_acknowledged_by_baotou_and_seen_acknowledged(
    engine: str, demo_db: Path, tmp_path: Path, browser
) -> None:
    db = copy_database(demo_db, tmp_path)
    with running_app(db) as url:
        office = signed_in_page(browser, url, "demo-admin", viewport={"width": 1440, "height": 2000})
        office.goto(f"{url}/supervision?league=150200")
        office.get_by_text("新建督办单").click()
        office.get_by_role("button", name="发送督办单").click()
        office.wait_for_selector("text=已发送，收件单位的账号已收到站内消息", timeout=30_000)
        sent = next(line for line in main_text(office).splitlines() if "已发送" in line)
        number = sent.split(" ")[0]
        assert number.startswith("督办〔") and number.endswith("号")
        office.wait_for_selector(f"h3:has-text('{number}')", timeout=30_000)  # the order just sent, below the list
        office.wait_for_timeout(1500)
        shot(office, "1_sent", engine)
        office.close()

        unit = signed_in_page(browser, url, "demo-150200", viewport={"width": 1440, "height": 1600})
        unit.goto(f"{url}/inbox")
        unit.wait_for_selector(f"text={number} 待签收", timeout=30_000)
        unit.wait_for_selector("text=/消息（[0-9]+ 条未读）/", timeout=30_000)  # the sidebar's badge
        unit.wait_for_timeout(1500)
        shot(unit, "2_inbox", engine)
        card = unit.locator("[class*=st-key-inbox_message_]").filter(has_text=f"{number} 待签收")
        link = card.locator("a", has_text="打开").first.get_attribute("href")
        unit.goto(f"{url}/{link.lstrip('/')}")
        unit.get_by_role("button", name="签收").click()
        unit.wait_for_selector(f"text={number} 已签收，大起底办公室已收到签收消息。", timeout=30_000)
        unit.wait_for_timeout(1500)
        shot(unit, "3_acknowledged", engine)
        unit.close()

        office = signed_in_page(browser, url, "demo-admin", viewport={"width": 1440, "height": 2000})
        order = link.split("order=")[1]
        office.goto(f"{url}/supervision?order={order}")
        office.wait_for_selector("text=已签收：demo-150200", timeout=30_000)
        office.wait_for_timeout(1500)
        assert f"{number} 已签收" in office.inner_text("body") or "已签收：demo-150200" in main_text(office)
        shot(office, "4_office_sees", engine)
        office.goto(f"{url}/inbox")
        office.wait_for_selector(f"text={number} 已签收", timeout=30_000)
        office.close()
