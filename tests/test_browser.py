"""Browser smoke test: Debian's chromium (through Playwright) opens every page of the running app."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from auth import store
from tests.conftest import CHROMIUM, ROOT, copy_database, session_token
from tests.test_pages import PAGES

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="Debian chromium is not installed (apt-get install chromium)"
    ),
]
SHOTS = ROOT / "screenshots"
DATABASES: dict[str, Path] = {}  # the database each running app reads, by its url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_app(copy_database(demo_db, tmp_path_factory.mktemp("server"))) as url:
        yield url


@contextmanager
def running_app(db: Path) -> Iterator[str]:
    """A fresh Streamlit server on a free port reading db, stopped afterwards."""
    port = free_port()
    env = {**os.environ, "LEDGER_DB": str(db)}
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    DATABASES[url] = db
    try:
        for _ in range(120):
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.25)
        else:
            pytest.fail("the app did not become healthy within 30 s")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


CHART = ".js-plotly-plot .main-svg"
# What each page draws first; pages not listed draw a plotly chart.
CONTENT = {
    "ledgers": "[data-testid=stDataFrame]",
    "briefing": "[data-testid=stDataFrame]",
    "data_import": "[data-testid=stFileUploader]",
    "accounts": "[data-testid=stDataFrame]",
    "review": "[data-testid=stMetric]",
    "todo": "[data-testid=stDataFrame]",
    "idle_map": "[data-testid=stDeckGlJsonChart] canvas",
    "park": "[data-testid=stMain] [data-testid=stDataFrame]",  # with no park in scope: the park directory
    "meeting": ".mt-title",
    "inbox": "[data-testid=stMetric]",
    "supervision": "[data-testid=stMetric]",
    "recheck": "[data-testid=stMetric]",
    "clocks": "[data-testid=stMetric]",
    "subscriptions": "[data-testid=stForm]",
}


def signed_in_page(browser, url: str, user: str | None = "demo-admin", **options):
    """A new page whose browser holds the session cookie of a demo account of the app at url (as after signing
    in and reloading; the sign-in form itself is walked in test_a_league_user_signs_in_…)."""
    page = browser.new_page(**{"viewport": {"width": 1440, "height": 1600}, **options})
    if user:
        base = "/".join(url.split("/")[:3])
        token = session_token(user, DATABASES[base])
        page.context.add_cookies([{"name": "ledger_session", "value": token, "url": base}])
    return page


def open_page(browser, url: str, content: str = CHART, user: str | None = "demo-admin"):
    page = signed_in_page(browser, url, user)
    page.goto(url)
    page.wait_for_selector("[data-testid=stAppViewContainer]", timeout=30_000)
    page.wait_for_selector(content, timeout=30_000)
    page.wait_for_timeout(1500)
    return page


@pytest.mark.parametrize("script", PAGES)
def test_every_page_opens_in_chromium_without_error_and_draws_its_content(server: str, browser, script: str) -> None:
    name = Path(script).stem
    content = CONTENT.get(name, CHART)
    page = open_page(browser, f"{server}/{name}?asof=2023-06-08", content)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    assert page.locator("[data-testid=stException]").count() == 0
    assert page.locator(content).count() >= 1
    assert "演示数据" in page.inner_text("body")
    page.close()


def test_a_deep_link_as_the_first_visit_after_a_restart_gets_the_scope_bar(demo_db: Path, tmp_path, browser) -> None:
    with running_app(copy_database(demo_db, tmp_path)) as url:
        page = open_page(browser, f"{url}/progress?asof=2022-12-31")
        sidebar = page.locator("[data-testid=stSidebar]")
        assert sidebar.locator("[data-testid=stSelectbox]").count() == 2
        assert "整治进度" in sidebar.inner_text() and "shell" not in sidebar.inner_text()
        assert "asof=2022-12-31" in page.url
        page.close()


def first_bar(page) -> dict:
    """The first bar of the page's first chart, scrolled into the window (the overview's league chart fell below
    1,600 pixels once the 督办三色 and counted-once lines were added): a click at its box lands on it."""
    bar = page.locator(".js-plotly-plot .point path").first
    bar.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    return bar.bounding_box()


def test_clicking_a_league_bar_in_chromium_puts_the_league_in_the_url(server: str, browser) -> None:
    page = open_page(browser, f"{server}/?asof=2023-06-08")
    bar = first_bar(page)
    page.mouse.click(bar["x"] + bar["width"] / 2, bar["y"] + bar["height"] / 2)
    page.wait_for_url("**league=*", timeout=15_000)
    page.wait_for_timeout(1500)
    assert "全区 › " in page.inner_text("[data-testid=stMain]")
    assert page.locator("[data-testid=stException]").count() == 0
    page.close()


def test_a_league_user_signs_in_drills_exports_and_cannot_reach_another_league(server: str, browser) -> None:
    """demo-150200 (包头市工信局) signs in through the form, reloads and stays signed in, drills into a park,
    exports the ledger, tries a link to 赤峰市 and is shown 包头市, then signs out and sees only the form."""
    SHOTS.mkdir(exist_ok=True)
    url, db = server, DATABASES[server]  # the module's app: no other test signs in as demo-150200
    page = signed_in_page(browser, url, None)
    page.goto(f"{url}/progress?league=150400")
    page.wait_for_selector("input[type=password]", timeout=30_000)
    page.screenshot(path=str(SHOTS / "signin_1_form.png"))
    assert "演示账号" in page.inner_text("body") and "整治进度" not in page.inner_text("body")
    page.get_by_label("用户名").fill("demo-150200")
    page.get_by_label("密码").fill("yanshi-2022")
    page.get_by_role("button", name="登录").click()
    page.wait_for_selector(CHART, timeout=30_000)
    page.reload()  # the session survives a reload (cookie with the token, never the password)
    page.wait_for_selector(CHART, timeout=30_000)
    page.wait_for_timeout(1500)
    main = page.inner_text("[data-testid=stMain]")
    assert "全区 › 包头市" in main and "赤峰" not in main
    assert "yanshi-2022" not in str(page.context.cookies())
    page.screenshot(path=str(SHOTS / "signin_2_baotou.png"))
    assert "/progress" in page.url  # sign-in continued to the page the link named

    page.goto(f"{url}/")
    page.wait_for_selector(CHART, timeout=30_000)
    page.wait_for_timeout(1500)
    bar = first_bar(page)
    page.mouse.click(bar["x"] + bar["width"] / 2, bar["y"] + bar["height"] / 2)
    page.wait_for_url("**park=*", timeout=15_000)
    page.wait_for_timeout(1500)
    assert "包头市 › " in page.inner_text("[data-testid=stMain]")

    page.goto(f"{url}/ledgers?league=150200&asof=2023-06-08")
    page.wait_for_selector("[data-testid=stDataFrame]", timeout=30_000)
    with page.expect_download(timeout=30_000) as download:
        page.get_by_role("button", name="导出 Excel").click()
    assert download.value.suggested_filename.endswith(".xlsx")

    page.goto(f"{url}/?league=150400&asof=2023-06-08")
    page.wait_for_selector(CHART, timeout=30_000)
    page.wait_for_timeout(1500)
    main = page.inner_text("[data-testid=stMain]")
    page.screenshot(path=str(SHOTS / "signin_3_other_league.png"))
    assert "您的账号只能查看包头市的数据" in main and "赤峰市" not in main.replace("“150400”", "")
    assert "league=150200" in page.url

    page.get_by_role("button", name="退出登录").click()
    page.wait_for_selector("input[type=password]", timeout=30_000)
    page.goto(f"{url}/?league=150200")
    page.wait_for_selector("input[type=password]", timeout=30_000)
    page.screenshot(path=str(SHOTS / "signin_4_signed_out.png"))
    assert "整改完成率" not in page.inner_text("body")
    page.close()
    rows = [r["action"] for r in store.audit_rows(store.auth_path(db), username="demo-150200")]
    assert {"sign_in", "export", "sign_out"} <= set(rows)
