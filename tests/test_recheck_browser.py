"""回头看 walked in chromium (#30): the region office draws a sample of 包头市's closed items, the inspector records
不属实 with a photo, and the 包头市 user finds the item reopened in 我的待办 with the reason. Screenshots of every
step in screenshots/recheck_*."""

import re
from pathlib import Path

import pytest

from tests.conftest import copy_database
from tests.test_browser import CHROMIUM, SHOTS, running_app, signed_in_page
from tests.test_workflow import image_bytes

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]


@pytest.fixture
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu",
                                     "--disable-background-networking", "--disable-component-update",
                                     "--no-first-run"])  # fmt: skip
        yield instance
        instance.close()


def test_the_office_draws_an_inspector_finds_not_true_and_the_league_sees_the_item_reopened(
    demo_db: Path, tmp_path: Path, browser
) -> None:
    db = copy_database(demo_db, tmp_path)
    photo = tmp_path / "现场照片.jpg"
    photo.write_bytes(image_bytes("JPEG", (640, 480)))
    SHOTS.mkdir(exist_ok=True)
    with running_app(db) as url:
        page = signed_in_page(browser, url, "demo-admin", viewport={"width": 1440, "height": 2400})
        page.goto(f"{url}/recheck?league=150200")
        page.wait_for_selector("text=抽取回头看样本", timeout=30_000)
        page.wait_for_selector("text=可抽取的已销号条目", timeout=30_000)
        page.screenshot(path=str(SHOTS / "recheck_1_draw.png"), full_page=True)
        page.get_by_role("button", name="抽取并指派").click()
        page.wait_for_selector("text=已抽取第 2 次回头看", timeout=30_000)

        form = page.locator("[data-testid=stForm]").filter(has_text="核查结果")
        form.get_by_text("不属实", exact=True).click()
        form.get_by_label("核查情况（不属实必填，责任单位据此重新整改）").fill("现场无生产迹象，设备已拆除")
        form.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(str(photo))
        page.wait_for_timeout(1500)
        form.get_by_role("button", name="提交核查结果").click()
        done = page.get_by_text(re.compile(r"已记录 \w+ 的核查结果：不属实，条目已退回重新整改。"))
        done.wait_for(timeout=30_000)
        item = re.search(r"已记录 (\w+) 的", done.inner_text()).group(1)  # the first task, as the form offered it
        page.screenshot(path=str(SHOTS / "recheck_2_not_true.png"), full_page=True)
        page.close()

        league = signed_in_page(browser, url, "demo-150200", viewport={"width": 1440, "height": 2400})
        league.goto(f"{url}/todo")
        league.wait_for_selector("text=被退回待补充", timeout=30_000)
        league.wait_for_selector(f"text={item}", timeout=30_000)
        league.wait_for_selector("text=回头看核查不属实：现场无生产迹象，设备已拆除", timeout=30_000)
        league.wait_for_timeout(1500)
        league.screenshot(path=str(SHOTS / "recheck_3_league_todo.png"), full_page=True)
        league.goto(f"{url}/ledgers?item={item}")
        league.wait_for_selector("text=回头看核查不属实：现场无生产迹象，设备已拆除", timeout=30_000)
        league.wait_for_selector("text=回头看抽查记录", timeout=30_000)  # its draw and inspection under its history
        league.wait_for_timeout(1500)
        league.screenshot(path=str(SHOTS / "recheck_4_league_item.png"), full_page=True)
        assert league.get_by_text("整改中").count() > 0
