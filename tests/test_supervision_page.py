"""The 督办单 page: the office sends an order from the red items of a unit, the unit's account acknowledges it and
the office sees it acknowledged, each write audited, on both stores; its Word and Excel carry the number; the light
counts on the pages that show them equal the rule's."""

import io
from datetime import date
from pathlib import Path

import duckdb
import pytest
from docx import Document
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

import queries
from auth import store
from ledger import postgres
from queries.scope import Scope
from tests.conftest import ROOT, capture_downloads, copy_database, read_database, session_token
from tests.test_supervision import CLEARED


@pytest.fixture
def db(tmp_path: Path, demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the demo without its 督办单 and messages (the tests send order 1)."""
    path = read_database(copy_database(demo_db, tmp_path), monkeypatch)
    with duckdb.connect(str(path)) as con:
        for table in CLEARED:
            con.execute(f"delete from {table}")
    return path


@pytest.fixture
def demo_pg_dsn(pg_server, demo_db: Path, request: pytest.FixtureRequest) -> str:
    from tests.conftest import demo_in_postgres

    target = demo_in_postgres(pg_server, demo_db, "demo_sup_page_" + request.node.name.replace("[", "_").rstrip("]"))
    with postgres.connect(target) as con:
        for table in CLEARED:
            con.execute(f"delete from {table}")
    return target


def page(user: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages/supervision.py"), default_timeout=60)
    at.session_state["auth_token"] = session_token(user)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_the_office_sends_an_order_the_unit_acknowledges_it_and_the_office_sees_it(engine: str, db: Path):
    at = page("demo-admin", league="150200")
    assert not at.exception, at.exception
    today = Scope("150200", None, date.today())
    lit = queries.item_lights(today)
    red = sorted(lit.loc[lit["light"] == "红", "item_id"])
    assert sorted(at.multiselect[0].value) == red  # the red items preselected
    button(at, "发送督办单").click().run()
    assert not at.exception, at.exception
    number = f"督办〔{date.today().year}〕1号"
    assert any(f"{number} 已发送" in s.value for s in at.success)
    assert metric(at, "待签收") == "1 份"

    unit = page("demo-150200", order="1")
    assert not unit.exception, unit.exception
    assert any(i.value.startswith("待签收。") for i in unit.info)
    button(unit, "签收").click().run()
    assert not unit.exception, unit.exception
    assert any(f"{number} 已签收" in s.value for s in unit.success)
    assert metric(unit, "已签收") == "1 份"
    with pytest.raises(StopIteration):
        button(unit, "签收")

    office = page("demo-admin")
    assert metric(office, "已签收") == "1 份"
    assert any("已签收：demo-150200" in s.value for s in office.success)
    audit = store.audit_rows(store.auth_path(db), action="acknowledge_order")
    assert audit[0]["username"] == "demo-150200" and audit[0]["detail"] == number
    assert store.audit_rows(store.auth_path(db), action="send_order")[0]["detail"].startswith(f"{number}：150200")


@pytest.mark.user("demo-150600")
def test_another_league_sees_neither_the_order_nor_its_items(db: Path):
    page("demo-admin", league="150200").run()
    first = page("demo-admin", league="150200")
    button(first, "发送督办单").click().run()
    ordos = page("demo-150600", order="1")
    assert not ordos.exception, ordos.exception
    assert any("还没有发给本单位的督办单" in c.value for c in ordos.caption)
    assert metric(ordos, "待签收") == "0 份"


def test_the_orders_word_and_excel_carry_its_number_and_items(db: Path, monkeypatch: pytest.MonkeyPatch):
    at = page("demo-admin", league="150200")
    button(at, "发送督办单").click().run()
    made = capture_downloads(monkeypatch)
    at = page("demo-admin", order="1")
    assert not at.exception, at.exception
    number = f"督办〔{date.today().year}〕1号"
    items = queries.order_items(Scope(None, None, date.today()), 1)
    document = Document(io.BytesIO(made["supervision_docx"]()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert number in text and "包头市：" in text
    rows = document.tables[0].rows
    assert [c.text for c in rows[0].cells][:2] == ["编号", "台账"]
    assert sorted(r.cells[0].text for r in rows[1:]) == sorted(items["item_id"])
    book = load_workbook(io.BytesIO(made["supervision_xlsx"]()))
    sheet = book["督办单"]
    assert number in sheet["A1"].value
    values = [c.value for c in sheet["B"] if c.value in set(items["item_id"])]  # A: 序号
    assert sorted(values) == sorted(items["item_id"])


def test_the_order_form_offers_the_most_urgent_items_and_counts_them_all(db: Path, monkeypatch: pytest.MonkeyPatch):
    """A league may have tens of thousands of lit items at national scale: the form offers the first ORDER_CHOICES
    (reds before yellows, each by deadline), says so, and its label counts every red and yellow item of the unit."""
    from ui import supervision as form

    today = Scope("150200", None, date.today())
    lit = queries.item_lights(today)
    lit = lit[lit["light"].isin(["红", "黄"])]
    assert len(lit) > 3
    monkeypatch.setattr(form, "ORDER_CHOICES", 3)
    at = page("demo-admin", league="150200")
    assert not at.exception, at.exception
    choices = at.multiselect[0]
    assert [o.split("　")[1].split(" ")[0] for o in choices.options] == list(lit["item_id"][:3])
    red, yellow = (int((lit["light"] == light).sum()) for light in ("红", "黄"))
    assert choices.label.startswith(f"督办条目（红灯 {red} 项、黄灯 {yellow} 项")
    assert any("最紧急的 3 项" in c.value for c in at.caption)
