"""League-written text shown as text: the audit's payloads (an image that calls a beacon, :red[**…**], a raw <img>,
a javascript: link) in every field a user or a file writes show on every page that displays them as the
characters written, never as an image, a link or styled text."""

import re
from datetime import date
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from auth import store
from auth.roles import User
from ledger import db_path
from ledger import workflow as wf
from ledger.evidence import check_evidence, evidence_root, store_file
from ledger.writing import transaction
from tests.conftest import DEMO_USERS, ROOT, copy_database, read_database, session_token
from tests.test_workflow import PDF, image_bytes
from ui.text import plain

BEACON = "http://127.0.0.1:9/beacon.png"
PAYLOAD = f"![x]({BEACON}) :red[**红字**] <img src=x onerror=alert(1)> [link](javascript:alert(1))"
FIELDS = ("标题", "措施", "原因", "单位", "退回", "延期", "进展", "文件", "姓名")
ITEM = "LD0249"  # a 包头市 idle-land item still open at the end of the demo data
TODAY = date.today()


def payload(field: str) -> str:
    return f"{field}{PAYLOAD}"


NAMED = User("inject-150200", "league", "150200", None, payload("姓名"))  # an account whose name is a payload


def plant_payloads(path: Path) -> None:
    """The payloads written into every user-writable field of one item (applied with a PDF and a photo, returned,
    an extension asked) and into the display name of one account."""
    con = duckdb.connect(str(path))
    con.execute(
        "update item set title = $t, measure = $m, responsible_unit = $u where item_id = $i",
        {"t": payload("标题"), "m": payload("措施"), "u": payload("单位"), "i": ITEM},
    )
    con.execute("update land set cause = $c where item_id = $i", {"c": payload("原因"), "i": ITEM})
    league, admin = DEMO_USERS["demo-150200"], DEMO_USERS["demo-admin"]
    photo_bytes = image_bytes("JPEG", (800, 600))
    letter, photo = check_evidence("通知书.pdf", PDF), check_evidence("现场照片.jpg", photo_bytes)
    store_file(evidence_root(path), letter, PDF)
    store_file(evidence_root(path), photo, photo_bytes)
    with transaction(con, path) as cur:
        seq = wf.record_progress(cur, league, ITEM, wf.item_state(cur, ITEM).seq, wf.APPLIED, payload("进展"),
                                 files=[letter, photo])  # fmt: skip
        cur.execute("update evidence set file_name = $n where item_id = $i and sha256 = $s",
                    {"n": payload("文件") + ".pdf", "i": ITEM, "s": letter.sha256})  # fmt: skip
        seq = wf.review(cur, admin, ITEM, seq, False, payload("退回"))
        wf.request_extension(cur, league, ITEM, date(TODAY.year + 1, 12, 31), payload("延期"))
    con.close()
    store.add_user(store.auth_path(path), NAMED.username, "Zq7-yanshi-2022!", "league", "150200", None,
                   NAMED.display_name)  # fmt: skip


@pytest.fixture
def db(tmp_path: Path, demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = read_database(copy_database(demo_db, tmp_path), monkeypatch)
    plant_payloads(path)
    return path


def page(path: str, user: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / path), default_timeout=60)
    named = user == NAMED.username
    at.session_state["auth_token"] = (
        store.session_for(store.auth_path(db_path()), NAMED, "test") if named else session_token(user)
    )
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def _markdown_bodies(at: AppTest) -> list[str]:
    """Every string the browser renders as Markdown: text elements, alerts, headings, st.table cells."""
    bodies: list[str] = []
    for kind in ("markdown", "caption", "error", "warning", "info", "success", "subheader", "header", "title"):
        bodies += [e.value for e in getattr(at, kind)]
    for table in at.table:
        bodies += [str(v) for v in table.value.to_numpy().ravel()] + [str(v) for v in table.value.index]
    return bodies


FORMATTING = ("![", "](http", "](javascript", ":red[", "**红字", "<img", "://")  # ://: a bare address is a link


def rendered_formatting(body: str) -> list[str]:
    """The Markdown constructs a body would render: escaped characters (\\x) taken out first."""
    bare = re.sub(r"\\.", "§", body)
    return [token for token in FORMATTING if token in bare]


def shown_fields(bodies: list[str]) -> set[str]:
    return {f for f in FIELDS for b in bodies if plain(payload(f)) in b or payload(f) in b}


def scan(at: AppTest) -> set[str]:
    """The payload fields a page shows; fails if any of them would render as an image, a link or styled text."""
    bodies = _markdown_bodies(at)
    for body in bodies:
        if any(field + "!" in body or field + "\\!" in body for field in FIELDS):
            assert not rendered_formatting(body), body
    return shown_fields(bodies)


def test_the_item_page_shows_every_payload_as_text(db: Path) -> None:
    office = scan(page("pages/ledgers.py", "demo-admin", item=ITEM, asof=str(TODAY)))
    assert {"标题", "措施", "原因", "单位", "退回", "延期", "文件"} <= office  # 进展: the history is a data grid
    league = scan(page("pages/ledgers.py", "demo-150200", item=ITEM, asof=str(TODAY)))
    assert {"标题", "退回", "文件"} <= league


def test_my_todo_shows_titles_reasons_and_units_as_text(db: Path) -> None:
    at = page("pages/todo.py", "demo-150200")
    at.selectbox(key="todo_unit").set_value(payload("单位")).run()
    assert {"标题", "退回", "单位"} <= scan(at)


def test_the_park_profile_prints_item_titles_and_units_as_text(db: Path) -> None:
    con = duckdb.connect(str(db))
    park = con.execute("select park_id from item where item_id = $i", {"i": ITEM}).fetchone()[0]
    con.close()
    at = page("pages/park.py", "demo-admin", league="150200", park=park)
    assert {"标题", "单位"} <= scan(at)


def test_the_review_page_lists_league_text_in_data_grids_only(db: Path) -> None:
    at = page("pages/review.py", "demo-admin")
    assert scan(at) == set()
    grid = at.dataframe[-1].value  # the extension queue: the reason as a cell, which is never Markdown
    assert payload("延期") in set(grid["原因"])


def test_an_account_name_is_shown_as_text_in_the_sidebar(db: Path) -> None:
    at = page("app.py", "inject-150200")
    bodies = [c.value for c in at.sidebar.caption]
    assert any(plain(payload("姓名")) in b for b in bodies)
    assert not any(rendered_formatting(b) for b in bodies if "姓名" in b)
