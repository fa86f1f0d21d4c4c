"""No English of Streamlit's or plotly's own reaches a user (issue 24): the upload limit is the ledgers' own, and
chromium finds none of the known English strings visible on any page, in an open file uploader, a form's text
area, a table's or a chart's toolbar, or in the sidebar of a server's first visitor."""

import time
import tomllib
from pathlib import Path

import pytest

from ledger.evidence import MAX_EVIDENCE_BYTES
from ledger.limits import MAX_FILE_BYTES, MB
from tests.conftest import CHROMIUM, ROOT, copy_database

CONFIG = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
# Streamlit's and plotly's English as it appears on screen (case-sensitive parts of the strings).
ENGLISH = (
    "Upload",
    "Browse files",
    "Drag and drop",
    "per file",
    "Press Enter",
    "Ctrl+Enter",
    "⌘+Enter",
    "submit form",
    "to apply",
    "Download as CSV",
    "Download plot",
    "Show/hide columns",
    "Fullscreen",
    "Search",
    "Zoom in",
    "Zoom out",
    "Autoscale",
    "Reset axes",
    "Choose an option",
    "No results",
    "Deploy",
    "Made with Streamlit",
)
MODULES = {"app", "auth", "errors", "export", "shell", "state", "workflow", "signin", "data import", "idle map"}
PAGES = {
    "demo-admin": ["overview", "todo", "review", "recheck", "progress", "rankings", "idle_map", "ledgers", "park",
                   "briefing", "data_import", "accounts", "clocks", "subscriptions"],
    "demo-150200": ["overview", "todo", "recheck", "progress", "rankings", "idle_map", "ledgers", "park", "briefing",
                    "data_import", "clocks", "subscriptions"],
}  # fmt: skip

VISIBLE_ENGLISH = """(known) => {
  const hits = [];
  const shown = (el) => {
    if (!el || !el.getClientRects().length) return false;
    const s = getComputedStyle(el);
    return s.visibility !== 'hidden' && parseFloat(s.opacity) > 0 && parseFloat(s.fontSize) > 0;
  };
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) {
    const node = walk.currentNode, text = node.textContent, word = known.find((k) => text.includes(k));
    if (!word || !node.parentElement || node.parentElement.closest('script,style,noscript')) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const box = range.getBoundingClientRect();
    if (box.width > 0 && box.height > 0 && shown(node.parentElement)) hits.push(text.trim().slice(0, 60));
  }
  for (const input of document.querySelectorAll('input[placeholder], textarea[placeholder]')) {
    const word = known.find((k) => input.placeholder.includes(k));
    if (word && !input.value && shown(input)) hits.push('placeholder: ' + input.placeholder);
  }
  for (const el of document.querySelectorAll(':hover')) {
    for (const pseudo of ['::before', '::after']) {
      const style = getComputedStyle(el, pseudo);
      if (style.display === 'none' || !style.content || style.content === 'none') continue;
      const text = style.content.includes('attr(') ? (el.getAttribute('data-title') || '') : style.content;
      const word = known.find((k) => text.includes(k));
      if (word) hits.push(pseudo + ': ' + text);
    }
  }
  return hits;
}"""


def test_streamlit_refuses_uploads_above_the_ledgers_own_limit() -> None:
    """The uploader says "20MB per file" (hidden, see assets/streamlit_zh.css) and refuses bigger files itself."""
    assert CONFIG["server"]["maxUploadSize"] * MB == MAX_FILE_BYTES == MAX_EVIDENCE_BYTES


def test_config_turns_off_the_module_list_and_the_english_csv_download() -> None:
    assert CONFIG["client"]["showSidebarNavigation"] is False  # app.py lists the pages itself (page_links)
    assert CONFIG["client"]["disableDataExport"] is True  # every export is a page's own audited button


needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")


def english_on(page) -> list[str]:
    return page.evaluate(VISIBLE_ENGLISH, list(ENGLISH))


def settle(page, wait_ms: int = 1500) -> None:
    page.wait_for_selector("[data-testid=stMain]", timeout=60_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=stSkeleton]') && "
        "!document.querySelector('[data-testid=stStatusWidget]')",
        timeout=60_000,
    )
    page.wait_for_timeout(wait_ms)


def hover_toolbars(page) -> list[str]:
    """Hover the first table's and the first chart's toolbar buttons one by one; the English seen meanwhile."""
    seen: list[str] = []
    tables = page.locator("[data-testid=stMain] [data-testid=stElementContainer]:has([data-testid=stDataFrame])")
    if tables.count():
        table = tables.first
        table.scroll_into_view_if_needed()
        table.hover()
        page.wait_for_timeout(300)
        buttons = table.locator("[data-testid=stElementToolbarButton] button")
        for n in range(buttons.count()):
            buttons.nth(n).hover(timeout=5_000)
            page.wait_for_timeout(700)  # Streamlit's tooltip appears after a short delay
            seen += english_on(page)
    charts = page.locator("[data-testid=stMain] .js-plotly-plot")
    if charts.count():
        charts.first.scroll_into_view_if_needed()
        charts.first.hover()
        page.wait_for_timeout(300)
        buttons = charts.first.locator(".modebar-btn")
        for n in range(buttons.count()):
            buttons.nth(n).hover(timeout=5_000)
            page.wait_for_timeout(200)
            seen += english_on(page)
    return seen


@pytest.fixture(scope="module")
def app_url(demo_db: Path, tmp_path_factory: pytest.TempPathFactory):
    from tests.test_browser import running_app

    with running_app(copy_database(demo_db, tmp_path_factory.mktemp("chinese"))) as url:
        yield url


@pytest.mark.browser
@needs_chromium
def test_a_servers_first_visitor_sees_no_module_names_in_the_sidebar(app_url: str, browser) -> None:
    """Before app.py's st.navigation ran once, Streamlit listed the pages/ folder (app, auth, errors, shell…)."""
    from tests.test_browser import signed_in_page

    page = signed_in_page(browser, app_url, "demo-admin", viewport={"width": 1366, "height": 768})
    try:
        page.goto(f"{app_url}/progress?asof=2023-06-08", wait_until="commit")
        listed: set[str] = set()
        start = time.monotonic()
        while time.monotonic() - start < 15 and not page.locator("[data-testid=stPageLink]").count():
            items = page.evaluate(
                "() => [...document.querySelectorAll('[data-testid=stSidebarNav] li, [data-testid=stSidebarNavLink]')]"
                ".map(e => e.innerText.trim())"
            )
            listed |= {item.split("\n")[-1].strip() for item in items}
            page.wait_for_timeout(40)
        assert listed & MODULES == set()
        assert page.locator("[data-testid=stPageLink]").count() >= 10  # the pages, listed by app.py itself
    finally:
        page.close()


@pytest.mark.browser
@needs_chromium
@pytest.mark.parametrize("user", list(PAGES))
def test_no_known_english_is_visible_on_any_page(app_url: str, browser, user: str) -> None:
    from tests.test_browser import signed_in_page

    page = signed_in_page(browser, app_url, user, viewport={"width": 1366, "height": 768})
    found: dict[str, list[str]] = {}
    try:
        for name in PAGES[user]:
            page.goto(f"{app_url}/{name}?asof=2023-06-08")
            settle(page)
            if name == "data_import":  # the file uploader, open on the page
                page.wait_for_selector("[data-testid=stFileUploaderDropzone]", timeout=30_000)
            seen = english_on(page) + hover_toolbars(page)
            if name == "briefing" and user == "demo-admin":  # a text input outside a form: "Press Enter to apply"
                box = page.get_by_label("文号（可选，印在期数下）")
                box.click()
                box.type("内园建办")
                page.wait_for_timeout(400)
                seen += english_on(page)
            if seen:
                found[name] = sorted(set(seen))
        # a form with a text area (and an evidence uploader): record progress on an open item of the user's league
        page.goto(f"{app_url}/ledgers?item=LD0249&league=150200&asof=2025-12-30")
        settle(page)
        area = page.get_by_label("情况说明（做了什么）")  # by label: the 申请延期 form's is hidden in an expander
        area.wait_for(state="visible", timeout=30_000)
        area.click()
        area.type("已约谈企业")
        page.wait_for_timeout(400)
        seen = english_on(page)
        if seen:
            found["ledgers-form"] = sorted(set(seen))
    finally:
        page.close()
    assert found == {}
