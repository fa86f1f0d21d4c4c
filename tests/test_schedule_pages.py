"""The 订阅推送 and 法定时限 pages: a subscription added and cancelled through the form (audited, refused in Chinese), a
delivered file downloaded by its recipient, the clocks' figures equal to independent SQL and their workbooks opened
with openpyxl."""

import io
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
import streamlit as st
from docx import Document
from streamlit.testing.v1 import AppTest

from auth import store
from ledger.schedule import runner
from ledger.schedule.subscriptions import active
from queries.db import read_fresh
from tests.conftest import DEMO_USERS, ROOT, capture_downloads, copy_database, read_database

BAOTOU = DEMO_USERS["demo-150200"]


@pytest.fixture
def db(tmp_path: Path, demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return read_database(copy_database(demo_db, tmp_path), monkeypatch)


def _page(name: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / name), default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


@pytest.mark.user("demo-150200")
def test_a_league_user_subscribes_through_the_form_and_cancels(db: Path) -> None:
    at = _page("subscriptions.py")
    assert not at.exception, at.exception
    at.selectbox(key="subscriptions_kind").set_value("notice")
    at.radio(key="subscriptions_cadence").set_value("monthly")
    at.number_input(key="subscriptions_monthday").set_value(5)
    at.text_input(key="subscriptions_email").set_value("baotou@example.org")
    at.button[0].click().run()  # the form's submit button
    assert not at.exception, at.exception
    assert any("已添加订阅：督导通报（草稿，Word） · 每月5日" in s.value for s in at.success)
    st.cache_resource.clear()
    (made,) = read_fresh(active)
    assert (made.username, made.kind, made.cadence, made.day, made.email) == (
        BAOTOU.username, "notice", "monthly", 5, "baotou@example.org",
    )  # fmt: skip
    audit = store.audit_rows(store.auth_path(db), "subscription", BAOTOU.username)
    assert audit[0]["ok"] and "添加订阅" in audit[0]["detail"]

    at = _page("subscriptions.py")
    at.button(key=f"subscriptions_cancel_{made.subscription_id}").click().run()
    assert not at.exception, at.exception
    st.cache_resource.clear()
    assert read_fresh(active) == []


@pytest.mark.user("demo-150200")
def test_a_bad_address_is_refused_in_chinese_and_nothing_is_written(db: Path) -> None:
    at = _page("subscriptions.py")
    at.text_input(key="subscriptions_email").set_value("不是邮箱")
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert any("邮箱地址格式不正确" in e.value for e in at.error)
    st.cache_resource.clear()
    assert read_fresh(active) == []
    assert not store.audit_rows(store.auth_path(db), "subscription", BAOTOU.username)[0]["ok"]


@pytest.mark.user("demo-150200")
def test_the_recipient_downloads_the_delivered_notice(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ledger.schedule.subscriptions import subscribe
    from queries.db import writing

    with writing() as cur:
        made = subscribe(cur, BAOTOU, BAOTOU, "notice", "weekly", 1, None, None, datetime(2026, 12, 7, 8))
    assert runner.run_round(date(2026, 12, 7)) == 1
    st.cache_resource.clear()
    downloads = capture_downloads(monkeypatch)
    at = _page("subscriptions.py", delivery=f"{made.subscription_id}_2026-W50")
    assert not at.exception, at.exception
    content = downloads["subscriptions_download"]()
    text = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
    assert "包头市开发区闲置资源要素大起底共发现问题" in text
    assert store.audit_rows(store.auth_path(db), "export", BAOTOU.username)[0]["detail"].startswith("订阅推送")


@pytest.mark.user("demo-150200")
def test_the_page_offers_the_orders_list_and_its_recipient_downloads_the_workbook(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _page("subscriptions.py")
    assert "未办结督办单清单（Excel）" in at.selectbox(key="subscriptions_kind").options
    at.selectbox(key="subscriptions_kind").set_value("orders")
    at.button[0].click().run()  # weekly on Monday, the form's defaults
    assert not at.exception, at.exception
    assert any("已添加订阅：未办结督办单清单（Excel） · 每周一" in s.value for s in at.success)
    st.cache_resource.clear()
    (made,) = read_fresh(active)
    assert runner.run_round(date(2026, 12, 7)) == 1
    st.cache_resource.clear()
    downloads = capture_downloads(monkeypatch)
    at = _page("subscriptions.py", delivery=f"{made.subscription_id}_2026-W50")
    assert not at.exception, at.exception
    sheet = openpyxl.load_workbook(io.BytesIO(downloads["subscriptions_download"]())).active
    assert sheet["A1"].value == "未办结督办单：包头市"
    numbers = [row[1] for row in sheet.iter_rows(min_row=4, values_only=True) if str(row[1]).startswith("督办〔")]
    expected = read_fresh(
        lambda cur: cur.execute(
            "select count(*) from supervision_order where league_code = '150200' and sent_at <= $d",
            {"d": datetime(2026, 12, 7, 23, 59)},
        ).fetchone()[0]
    )
    assert 0 < len(numbers) <= expected


def _open_parcels_on_a_clock(asof: date) -> int:
    """Open land items on a clock on asof, counted from the ledgers with the rule written out here."""
    return read_fresh(
        lambda con: con.execute(
            """
            with last as (
                select item_id, status, row_number() over (partition by item_id order by event_date desc, seq desc) n
                from item_event where event_date <= $asof
            )
            select count(*) from item i join land l using (item_id) join last e on e.item_id = i.item_id and e.n = 1
            left join land_development d using (item_id)
            where i.found_date <= $asof and e.status in ('待整改', '整改中')
              and case when d.halted_since is not null
                       then (d.developed_mu * 3 < l.area_mu or d.invested_wan * 4 < d.total_investment_wan)
                            and d.halted_since <= $asof
                       else l.land_kind = '闲置土地' and coalesce(d.agreed_start, l.idle_since) <= $asof end
            """,
            {"asof": asof},
        ).fetchone()[0]
    )


@pytest.mark.parametrize("asof", ["2022-10-31", "2025-12-30"])
def test_the_clocks_page_counts_the_parcels_and_exports_them(asof: str, monkeypatch: pytest.MonkeyPatch) -> None:
    downloads = capture_downloads(monkeypatch)
    at = _page("clocks.py", asof=asof)
    assert not at.exception, at.exception
    expected = _open_parcels_on_a_clock(date.fromisoformat(asof))
    assert expected > 0
    assert at.metric[0].value == f"{expected} 宗"
    book = openpyxl.load_workbook(io.BytesIO(downloads["clocks_land_export"]()))
    sheet = book.active
    assert sheet.title == "闲置土地时限" and f"共 {expected} 宗" in sheet["A2"].value


def test_the_clocks_page_lists_each_departments_longest_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    downloads = capture_downloads(monkeypatch)
    at = _page("clocks.py", asof="2022-10-31")
    at.segmented_control(key="clocks_view").set_value("待批项目").run()
    assert not at.exception, at.exception
    waiting = read_fresh(
        lambda con: con.execute(
            """select count(*) from approval_step s join item_fact f using (item_id)
            where s.accepted_date <= date '2022-10-31' and (s.done_date is null or s.done_date > date '2022-10-31')
              and f.found_date <= date '2022-10-31'
              and coalesce(f.first_rectified, date '2999-12-31') > date '2022-10-31'"""
        ).fetchone()[0]
    )
    assert waiting > 0
    book = openpyxl.load_workbook(io.BytesIO(downloads["clocks_waits_export"]()))
    assert f"共 {waiting} 个审批环节" in book.active["A2"].value
