"""Browser smoke test: Debian's chromium (through Playwright) opens every page of the running app."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.test_pages import PAGES

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="Debian chromium is not installed (apt-get install chromium)"
    ),
]
SHOTS = ROOT / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(demo_db: Path) -> Iterator[str]:
    with running_app(demo_db) as url:
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


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


CHART = ".js-plotly-plot .main-svg"
# What each page draws first; pages not listed draw a plotly chart.
CONTENT = {
    "ledgers": "[data-testid=stDataFrame]",
    "briefing": "[data-testid=stDataFrame]",
    "data_import": "[data-testid=stFileUploader]",
    "idle_map": "[data-testid=stDeckGlJsonChart] canvas",
    "park": "[data-testid=stMain] [data-testid=stSelectbox]",  # with no park in scope it asks for one
    "meeting": ".mt-title",
}


def open_page(browser, url: str, content: str = CHART):
    page = browser.new_page(viewport={"width": 1440, "height": 1600})
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


def test_a_deep_link_as_the_first_visit_after_a_restart_gets_the_scope_bar(demo_db: Path, browser) -> None:
    with running_app(demo_db) as url:
        page = open_page(browser, f"{url}/progress?asof=2022-12-31")
        sidebar = page.locator("[data-testid=stSidebar]")
        assert sidebar.locator("[data-testid=stSelectbox]").count() == 2
        assert "整治进度" in sidebar.inner_text() and "shell" not in sidebar.inner_text()
        assert "asof=2022-12-31" in page.url
        page.close()


def test_clicking_a_league_bar_in_chromium_puts_the_league_in_the_url(server: str, browser) -> None:
    page = open_page(browser, f"{server}/?asof=2023-06-08")
    bar = page.locator(".js-plotly-plot .point path").first.bounding_box()
    page.mouse.click(bar["x"] + bar["width"] / 2, bar["y"] + bar["height"] / 2)
    page.wait_for_url("**league=*", timeout=15_000)
    page.wait_for_timeout(1500)
    assert "全区 › " in page.inner_text("[data-testid=stMain]")
    assert page.locator("[data-testid=stException]").count() == 0
    page.close()
