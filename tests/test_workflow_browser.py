"""The 整改销号 loop walked in chromium: 包头市 records progress with a PDF and applies, the region office returns
it with a reason, 包头市 sees the reason, adds evidence and applies again, the office approves; the numbers and
the item's history follow. Screenshots of every step in screenshots/."""

import re
from datetime import date
from pathlib import Path

import duckdb
import pytest

from auth import store
from ledger import rules
from tests.conftest import copy_database
from tests.test_browser import CHROMIUM, SHOTS, running_app, signed_in_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]
ITEM = "LD0249"  # the one 包头市 idle-land item still open at the end of the demo data
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu",
                                     "--disable-background-networking", "--disable-component-update",
                                     "--no-first-run"])  # fmt: skip
        yield instance
        instance.close()


def rectified_land(db: Path) -> int:
    con = rules.install(duckdb.connect(str(db)))
    count = con.execute(
        "select count(*) from rules.items_at($d) where ledger = 'land' and league_code = '150200' and is_rectified",
        {"d": date.today()},
    ).fetchone()[0]
    con.close()
    return count


def open_item(browser, url: str, user: str):
    page = signed_in_page(browser, url, user, viewport={"width": 1440, "height": 2200})
    page.goto(f"{url}/ledgers?item={ITEM}")
    page.wait_for_selector("[data-testid=stForm]", timeout=30_000)
    page.wait_for_timeout(1000)
    return page


def submit_progress(page, status: str, note: str, pdf: Path) -> None:
    form = page.locator("[data-testid=stForm]").filter(has_text="记录整改进展")
    form.get_by_text(status, exact=True).click()
    form.get_by_label("情况说明（做了什么）").fill(note)
    form.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(str(pdf))
    page.wait_for_timeout(1500)
    form.get_by_role("button", name="提交").click()
    page.wait_for_selector("text=已提交销号申请，等待大起底办公室审核。", timeout=30_000)


def review(page, approve: bool, reason: str = "") -> None:
    form = page.locator("[data-testid=stForm]").filter(has_text="销号审核")
    if reason:
        form.get_by_label("审核意见（退回时必填）").fill(reason)
    form.get_by_role("button", name="审核通过，予以销号" if approve else "退回整改").click()
    page.wait_for_selector("text=" + ("已销号。" if approve else "已退回"), timeout=30_000)


def test_the_whole_rectification_loop_in_chromium(demo_db: Path, tmp_path: Path, browser) -> None:
    db = copy_database(demo_db, tmp_path)
    first, second = tmp_path / "督促动工通知书.pdf", tmp_path / "施工许可证.pdf"
    first.write_bytes(PDF)
    second.write_bytes(PDF + b"% second\n")
    before = rectified_land(db)
    SHOTS.mkdir(exist_ok=True)
    with running_app(db) as url:
        page = open_item(browser, url, "demo-150200")
        submit_progress(page, "已整改", "已下达督促动工通知书，企业已开工", first)
        page.screenshot(path=str(SHOTS / "loop_1_applied.png"), full_page=True)
        page.close()

        page = signed_in_page(browser, url, "demo-admin")
        page.goto(f"{url}/review")
        page.wait_for_selector("[data-testid=stDataFrame]", timeout=30_000)
        page.wait_for_timeout(1500)
        assert "待审核的销号申请" in page.inner_text("[data-testid=stMain]")
        page.screenshot(path=str(SHOTS / "loop_2_queue.png"), full_page=True)
        page.close()
        page = open_item(browser, url, "demo-admin")
        assert "督促动工通知书.pdf" in page.inner_text("[data-testid=stMain]")
        review(page, approve=False, reason="照片不能反映开工，请补充施工许可证")
        page.screenshot(path=str(SHOTS / "loop_3_returned.png"), full_page=True)
        page.close()

        page = signed_in_page(browser, url, "demo-150200", viewport={"width": 1440, "height": 1400})
        page.goto(f"{url}/todo")
        page.wait_for_selector("text=被退回：照片不能反映开工，请补充施工许可证", timeout=30_000)
        page.screenshot(path=str(SHOTS / "loop_4_todo.png"), full_page=True)
        page.close()
        page = open_item(browser, url, "demo-150200")
        assert "已退回，请补充整改：照片不能反映开工，请补充施工许可证" in page.inner_text("[data-testid=stMain]")
        submit_progress(page, "已整改", "补充施工许可证", second)
        page.close()

        page = open_item(browser, url, "demo-admin")
        review(page, approve=True)
        page.wait_for_timeout(1500)
        main = page.inner_text("[data-testid=stMain]")
        page.screenshot(path=str(SHOTS / "loop_5_closed.png"), full_page=True)
        assert "已销号" in main and "施工许可证.pdf" in main  # the history table itself is drawn on a canvas
        page.close()
    assert rectified_land(db) == before + 1
    con = duckdb.connect(str(db))
    steps = con.execute(
        "select status, actor from item_event where item_id = $i and actor is not null order by seq", {"i": ITEM}
    ).fetchall()
    con.close()
    assert steps == [("已整改", "demo-150200"), ("整改中", "demo-admin"), ("已整改", "demo-150200"),
                     ("已销号", "demo-admin")]  # fmt: skip
    actions = [r["action"] for r in store.audit_rows(store.auth_path(db))]
    assert {"apply", "return", "approve"} <= set(actions)


DOM_CHECK = """() => {
    const main = document.querySelector('[data-testid=stMain]');
    const side = document.querySelector('[data-testid=stSidebar]');
    const all = [main, side].filter(Boolean);
    const q = (sel) => all.flatMap((root) => [...root.querySelectorAll(sel)]);
    return {
        beacons: q('img').filter((i) => /beacon|^x$/.test(i.getAttribute('src') || '')).length,
        scripted: q('[onerror]').length,
        links: q('a').filter((a) => /javascript|beacon/.test(a.getAttribute('href') || '') || a.textContent === 'link')
            .map((a) => a.outerHTML.slice(0, 200)),
        styled: q('span, strong, em').filter((e) => e.textContent.trim() === '红字').length,
        previews: q('img').map((i) => (i.getAttribute('src') || '').slice(0, 30)),
        text: all.map((root) => root.textContent).join('\\n'),
    };
}"""


def test_league_text_shows_as_text_in_the_browser_and_previews_come_inside_the_page(
    demo_db: Path, tmp_path: Path, browser
) -> None:
    from auth.store import auth_path, session_for
    from tests.test_injection import NAMED, plant_payloads

    db = copy_database(demo_db, tmp_path)
    plant_payloads(db)
    con = duckdb.connect(str(db))
    park = con.execute("select park_id from item where item_id = $i", {"i": ITEM}).fetchone()[0]
    con.close()
    fetched: list[str] = []
    SHOTS.mkdir(exist_ok=True)
    with running_app(db) as url:
        views = [
            ("demo-admin", f"/ledgers?item={ITEM}", "[data-testid=stImage] img"),  # the photo's preview, last
            ("demo-150200", "/todo", "[data-testid=stDataFrame]"),
            ("demo-admin", f"/park?league=150200&park={park}", "[data-testid=stDataFrame]"),
            (NAMED.username, "/overview", "[data-testid=stSidebar]"),
        ]
        for user, path, ready in views:
            page = browser.new_page(viewport={"width": 1440, "height": 2400})
            token = session_for(auth_path(db), NAMED, "test") if user == NAMED.username else None
            if token:
                page.context.add_cookies([{"name": "ledger_session", "value": token, "url": url}])
            else:
                page.close()
                page = signed_in_page(browser, url, user, viewport={"width": 1440, "height": 2400})
            page.on("request", lambda request: fetched.append(request.url))
            page.goto(f"{url}{path}")
            page.wait_for_selector(ready, state="attached", timeout=120_000)  # the machine may be busy
            page.wait_for_timeout(4000)
            found = page.evaluate(DOM_CHECK)
            page.screenshot(path=str(SHOTS / f"injection_{path.strip('/').split('?')[0]}.png"), full_page=True)
            page.close()
            assert (found["beacons"], found["scripted"], found["links"], found["styled"]) == (0, 0, [], 0), path
            text = found["text"].replace("\u2060", "")  # the word joiner that keeps an address from becoming a link
            assert ":red[**红字**]" in text and "![x](http://127.0.0.1:9/beacon.png)" in text, path
            if path.startswith("/ledgers"):
                assert any(src.startswith("data:image/jpeg;base64,") for src in found["previews"]), found["previews"]
    assert not [u for u in fetched if "beacon" in u or "127.0.0.1:9/" in u]
    images = [u for u in fetched if re.search(r"/media/[0-9a-f]+\.(png|jpe?g|webp|gif)$", u)]  # Streamlit's media
    assert not images  # no preview served from a URL that works without a session
