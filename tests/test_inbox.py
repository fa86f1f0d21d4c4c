"""站内消息 on both stores: delivered once per key in the caller's transaction, read and marked only by their
recipient, refused when malformed, and the 消息 page with its sidebar badge."""

from datetime import datetime
from pathlib import Path

import duckdb
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from auth import store
from ledger import inbox, postgres, rules
from ledger.writing import PgCursor, transaction
from queries.db import writing
from tests.conftest import DEMO_USERS, ROOT, copy_database, read_database

BAOTOU, ORDOS, ADMIN = DEMO_USERS["demo-150200"], DEMO_USERS["demo-150600"], DEMO_USERS["demo-admin"]
NOW = datetime(2026, 3, 2, 9, 30)


@pytest.fixture
def db(tmp_path: Path, demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return read_database(copy_database(demo_db, tmp_path), monkeypatch)


@pytest.fixture
def demo_pg_dsn(pg_server, demo_db: Path, request: pytest.FixtureRequest) -> str:
    """A fresh PostgreSQL copy of the demo for each test: they deliver under the same keys."""
    from tests.conftest import demo_in_postgres

    return demo_in_postgres(pg_server, demo_db, "demo_inbox_" + request.node.name.replace("[", "_").rstrip("]"))


@pytest.fixture
def store_(engine: str, db: Path):
    """(a function that opens a write transaction, a read cursor) on the engine's store."""
    if engine == "duckdb":
        con = rules.install(duckdb.connect(str(db)))
        yield (lambda: transaction(con, db)), con.cursor()
        con.close()
        return
    with postgres.connect(postgres.dsn()) as connection:
        connection.autocommit = True
        yield transaction, PgCursor(connection)


def test_a_message_is_stored_once_per_key_and_counted_unread_until_read(store_):
    begin, read = store_
    before = inbox.unread_count(read, BAOTOU)
    with begin() as cur:
        assert inbox.deliver(cur, BAOTOU.username, "light", "条目转为红灯", "已超期 3 天", "ledgers?item=X1", "k1", NOW)
        assert not inbox.deliver(cur, BAOTOU.username, "light", "again", "", None, "k1", NOW)
        assert inbox.deliver(cur, ORDOS.username, "light", "别人的", "", None, "k1", NOW)
    with begin() as cur:  # a later delivery of the same key (a job run twice) is still not stored again
        assert not inbox.deliver(cur, BAOTOU.username, "light", "条目转为红灯", "", None, "k1", NOW)
    assert inbox.unread_count(read, BAOTOU) == before + 1
    mine = [m for m in inbox.messages(read, BAOTOU) if m["key"] == "k1"]
    assert [(m["title"], m["body"], m["link"], m["kind_name"], m["read_at"]) for m in mine] == [
        ("条目转为红灯", "已超期 3 天", "ledgers?item=X1", "督办提醒", None)
    ]


def test_a_user_marks_only_their_own_messages_read(store_):
    begin, read = store_
    with begin() as cur:
        inbox.deliver(cur, BAOTOU.username, "order", "督办单", "", None, "order:1", NOW)
        inbox.deliver(cur, ORDOS.username, "order", "督办单", "", None, "order:1", NOW)
    with begin() as cur:
        assert inbox.mark_read(cur, BAOTOU, ["order:1", "no-such-key"], NOW) == 1
    with begin() as cur:
        assert inbox.mark_read(cur, BAOTOU, ["order:1"], NOW) == 0  # already read
    assert [m["read_at"] for m in inbox.messages(read, BAOTOU) if m["key"] == "order:1"] == [NOW]
    assert [m["read_at"] for m in inbox.messages(read, ORDOS) if m["key"] == "order:1"] == [None]
    assert "order:1" not in [m["key"] for m in inbox.messages(read, BAOTOU, unread_only=True)]


def test_a_rolled_back_change_leaves_no_message(store_):
    begin, read = store_
    with pytest.raises(RuntimeError), begin() as cur:
        inbox.deliver(cur, BAOTOU.username, "review", "退回", "", None, "gone", NOW)
        raise RuntimeError("the change failed after the message")
    assert "gone" not in [m["key"] for m in inbox.messages(read, BAOTOU)]


@pytest.mark.parametrize(
    ("fields", "refusal"),
    [
        ({"title": " "}, "须有标题"),
        ({"key": ""}, "去重键"),
        ({"title": "长" * (inbox.MAX_TITLE + 1)}, "消息过长"),
        ({"body": "长" * (inbox.MAX_BODY + 1)}, "消息过长"),
        ({"link": "https://example.com/x"}, "看板页面的路径"),
        ({"link": "ledgers?item=a b"}, "看板页面的路径"),
    ],
)
def test_a_malformed_message_is_refused_in_chinese(db: Path, fields: dict, refusal: str):
    con = rules.install(duckdb.connect(str(db)))
    message = {"title": "标题", "body": "", "link": None, "key": "k"} | fields
    with pytest.raises(inbox.InboxError, match=refusal), transaction(con, db) as cur:
        inbox.deliver(cur, BAOTOU.username, "light", message["title"], message["body"], message["link"],
                      message["key"])  # fmt: skip
    con.close()


def test_too_many_keys_at_once_are_refused(db: Path):
    con = rules.install(duckdb.connect(str(db)))
    with pytest.raises(inbox.InboxError, match="一次最多"), transaction(con, db) as cur:
        inbox.mark_read(cur, BAOTOU, [str(n) for n in range(inbox.MAX_SHOWN + 1)])
    con.close()


def _unread_on_page(at: AppTest) -> str:
    return next(m.value for m in at.metric if m.label == "未读消息")


@pytest.mark.user("demo-150200")
def test_the_inbox_page_shows_the_users_messages_and_marks_them_read_with_an_audit_row(engine: str, db: Path):
    if engine == "duckdb":
        with duckdb.connect(str(db)) as con:
            con.execute("delete from message")
    else:
        with postgres.connect(postgres.dsn()) as con:
            con.execute("delete from message")
    with writing() as cur:  # the app's own write path, on the engine's store
        inbox.deliver(cur, BAOTOU.username, "order", "督办〔2026〕1号 待签收", "请签收", "supervision", "a", NOW)
        inbox.deliver(cur, BAOTOU.username, "light", "条目 X 转为红灯", "", "ledgers?item=X", "b", NOW)
        inbox.deliver(cur, ORDOS.username, "light", "鄂尔多斯的消息", "", None, "c", NOW)
    st.cache_resource.clear()  # the shared connection released: the page opens its own
    at = AppTest.from_file(str(ROOT / "pages/inbox.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    assert _unread_on_page(at) == "2 条"
    titles = [m.value for m in at.markdown if m.value.startswith("**")]
    assert titles == ["**督办〔2026〕1号 待签收**", "**条目 X 转为红灯**"]
    next(b for b in at.button if b.label == "全部标为已读").click().run()
    assert not at.exception, at.exception
    assert _unread_on_page(at) == "0 条"
    assert any("已将 2 条消息标为已读" in s.value for s in at.success)
    row = store.audit_rows(store.auth_path(db), action="mark_read", username=BAOTOU.username)[0]
    assert row["detail"] == "全部标为已读：2 条" and row["ok"]


@pytest.mark.user("demo-150200")
def test_the_sidebar_shows_the_unread_count_beside_the_inbox(db: Path):
    with duckdb.connect(str(db)) as con:
        con.execute("delete from message where recipient = 'demo-150200'")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert "消息" in _links(at)
    with writing() as cur:
        for n in range(3):
            inbox.deliver(cur, BAOTOU.username, "light", f"消息{n}", "", None, f"k{n}", NOW)
    at.run()
    assert "消息（3 条未读）" in _links(at)


def _links(at: AppTest) -> list[str]:
    return [link.proto.label for link in at.get("page_link")]
