"""Item tables on a 1366×768 screen (issue 24): the key columns (整改时限, 超期, 状态, 经办人…) come right after the
item and its name and are drawn within the table's visible width, export buttons keep their whole label, and an
item link keeps its scope and opens with the item at the top of the page."""

import json
import re
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import CHROMIUM, DEMO_USERS, ROOT, copy_database
from ui.tables import KEY_WIDTHS

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ASOF = "2023-06-08"
# (page, query, who, the table: a column only it has and one it has not, its key columns)
OVERDUE = ("超期天数", ""), ("整改时限", "超期天数", "责任单位")
LEDGER = ("编号", ""), ("整改时限", "超期(天)", "状态", "责任单位")
TABLES = [
    ("progress", {"view": "overdue", "league": "150600"}, "demo-admin", *OVERDUE),
    ("progress", {"view": "overdue"}, "demo-admin", *OVERDUE),
    ("todo", {}, "demo-150200", ("距时限", ""), ("标记", "整改时限", "距时限", "状态", "责任单位")),
    ("review", {}, "demo-admin", ("申请时间", "申请时限"), ("申请人", "申请时间", "责任单位")),
    ("review", {}, "demo-admin", ("申请时限", ""), ("原时限", "申请时限", "申请人", "申请时间")),
    ("ledgers", {"league": "150200"}, "demo-admin", *LEDGER),
    ("ledgers", {"ledger": "stalled"}, "demo-admin", *LEDGER),
    ("ledgers", {"ledger": "indicator", "league": "150200"}, "demo-150200", *LEDGER),
    (
        "park",
        {"league": "150200", "park": "P005"},
        "demo-admin",
        ("超期未整改", ""),
        ("整改时限", "超期未整改", "状态", "责任单位"),
    ),
]
CASES = [pytest.param(*t, marks=pytest.mark.user(t[2]), id=f"{t[0]}-{n}") for n, t in enumerate(TABLES)]


def elements_in_order(node):
    """Every element of an AppTest tree in the order the page shows them."""
    children = getattr(node, "children", None)
    if children is None:
        yield node
        return
    for child in children.values():
        yield from elements_in_order(child)


def open_items(db: Path, league: str, n: int) -> list[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "select item_id from item_fact where league_code = $l and current_status in ('待整改', '整改中') "
            "order by deadline, item_id limit $n",
            {"l": league, "n": n},
        ).fetchall()
    finally:
        con.close()
    return [r[0] for r in rows]


@pytest.fixture(scope="module")
def queued_db(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo with a 销号 application and a 延期 request from 包头, so 销号审核 has both tables."""
    from ledger import workflow as wf
    from ledger.evidence import check_evidence
    from ledger.writing import transaction

    db = copy_database(demo_db, tmp_path_factory.mktemp("queued"))
    first, second = open_items(db, "150200", 2)
    user = DEMO_USERS["demo-150200"]
    con = duckdb.connect(str(db))
    try:
        with transaction(con, db) as cur:
            state = wf.item_state(cur, first)
            wf.record_progress(cur, user, first, state.seq, wf.APPLIED, "已依法收回并重新供地",
                               files=[check_evidence("现场照片.pdf", PDF)])  # fmt: skip
        with transaction(con, db) as cur:
            wf.request_extension(cur, user, second, date(2099, 12, 31), "企业正在补办规划许可手续")
    finally:
        con.close()
    return db


def page_run(page: str, params: dict) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / f"{page}.py"), default_timeout=60)
    at.query_params["asof"] = ASOF
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


@pytest.mark.parametrize(("page", "params", "who", "key", "wanted"), CASES)
def test_key_columns_follow_the_item_and_its_name_at_fixed_widths(
    queued_db: Path, monkeypatch: pytest.MonkeyPatch, page: str, params: dict, who: str, key: tuple, wanted: tuple
) -> None:
    from tests.conftest import read_database

    read_database(queued_db, monkeypatch)
    at = page_run(page, params)
    assert not at.exception
    has, lacks = key
    table = next(t for t in at.dataframe if has in t.value.columns and lacks not in t.value.columns)
    order = list(table.proto.column_order)
    config = json.loads(table.proto.columns)
    keys = [c for c in order if c in KEY_WIDTHS]
    assert set(wanted) <= set(keys) and order[2 : 2 + len(keys)] == keys, order  # item, name, every key column
    assert config[order[0]].get("pinned") is True
    assert all(isinstance(config[c].get("width"), int) for c in order[: 2 + len(keys)])


def test_an_item_link_from_a_league_overdue_list_keeps_the_league_and_the_date() -> None:
    at = page_run("progress", {"view": "overdue", "league": "150600"})
    table = next(t for t in at.dataframe if "条目" in t.value.columns)
    links = list(table.value["条目"])
    assert links
    for link in links:
        query = parse_qs(urlparse(link).query)
        assert query["league"] == ["150600"] and query["asof"] == [ASOF] and query["item"][0]


def test_an_asked_item_opens_above_its_ledgers_list(demo_db: Path) -> None:
    item = open_items(demo_db, "150600", 1)[0]
    at = page_run("ledgers", {"item": item, "league": "150600"})
    assert not at.exception
    shown = list(elements_in_order(at.main))
    heading = next(n for n, e in enumerate(shown) if e.type == "subheader" and item in e.value)
    listing = next(n for n, e in enumerate(shown) if e.type == "dataframe" and "ledgers_table" in e.proto.id)
    assert heading < listing


# In chromium at 1366×768 ------------------------------------------------------------------------------------------
RENDERED = """([has, lacks]) => {
  for (const box of document.querySelectorAll('[data-testid=stMain] [data-testid=stDataFrame]')) {
    const grid = box.querySelector('table[role=grid]');
    const heads = [...box.querySelectorAll('[role=columnheader]')].map((h) => h.innerText.trim());
    if (grid && heads.includes(has) && !(lacks && heads.includes(lacks)))
      return {count: Number(grid.getAttribute('aria-colcount')), heads};
  }
  return null;
}"""
CUT_LABELS = """() => [...document.querySelectorAll('[data-testid=stMain] button')]
  .filter((b) => b.getClientRects().length)
  .map((b) => [b.innerText.replace(/\\s+/g, ' ').trim(), b.querySelector('[data-testid=stMarkdownContainer]')])
  .filter(([, label]) => label && label.scrollWidth > label.clientWidth)
  .map(([text]) => text)"""


@pytest.fixture(scope="module")
def wide_app(queued_db: Path):
    from tests.test_browser import running_app

    with running_app(queued_db) as url:
        yield url


def settle(page) -> None:
    page.wait_for_selector("[data-testid=stMain]", timeout=60_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=stSkeleton]') && "
        "!document.querySelector('[data-testid=stStatusWidget]')",
        timeout=60_000,
    )
    page.wait_for_timeout(1200)


needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")


@pytest.mark.browser
@needs_chromium
@pytest.mark.parametrize(("page_name", "params", "who", "key", "wanted"), CASES)
def test_at_1366_the_key_columns_are_drawn_and_no_button_label_is_cut(
    wide_app: str, browser, page_name: str, params: dict, who: str, key: tuple, wanted: tuple
) -> None:
    """The grid draws only the columns within its visible width (its accessibility table lists them); a key column
    drawn last, with more columns after it, might be cut by the edge, so it must have another drawn after it."""
    from urllib.parse import urlencode

    from tests.test_browser import signed_in_page

    page = signed_in_page(browser, wide_app, who, viewport={"width": 1366, "height": 768})
    try:
        page.goto(f"{wide_app}/{page_name}?{urlencode({'asof': ASOF, **params})}")
        settle(page)
        # this table's own headers (a page with several tables draws them one after another: the park page's list
        # of items comes after its ledger table and may not be drawn yet when the first one is)
        page.wait_for_function(RENDERED, arg=list(key), timeout=30_000)
        drawn = page.evaluate(RENDERED, list(key))
        assert drawn, f"no table with {key}"
        assert set(wanted) <= set(drawn["heads"]), drawn
        for column in wanted:
            where = drawn["heads"].index(column)
            assert where < len(drawn["heads"]) - 1 or len(drawn["heads"]) == drawn["count"], drawn
        assert page.evaluate(CUT_LABELS) == []
        name = re.sub(r"\W", "", f"{page_name}{key[0]}{params}")
        page.screenshot(path=str(ROOT / "screenshots" / f"1366_{name}.png"))
    finally:
        page.close()


@pytest.mark.browser
@needs_chromium
def test_an_item_opened_from_a_league_overdue_list_shows_its_title_in_the_first_screen(wide_app: str, browser) -> None:
    from tests.test_browser import signed_in_page

    page = signed_in_page(browser, wide_app, "demo-admin", viewport={"width": 1366, "height": 768})
    try:
        page.goto(f"{wide_app}/progress?view=overdue&league=150600&asof={ASOF}")
        settle(page)
        at = page_run("progress", {"view": "overdue", "league": "150600"})
        link = next(t for t in at.dataframe if "条目" in t.value.columns).value["条目"].iloc[0]
        item = parse_qs(urlparse(link).query)["item"][0]
        page.goto(f"{wide_app}/{link}")
        settle(page)
        heading = page.locator("[data-testid=stHeading]", has_text=item).first
        heading.wait_for(timeout=30_000)
        box = heading.bounding_box()
        assert box and box["y"] >= 0 and box["y"] + box["height"] <= 768
        assert "league=150600" in page.url
        page.screenshot(path=str(ROOT / "screenshots" / "1366_item_from_league_overdue.png"))
    finally:
        page.close()
