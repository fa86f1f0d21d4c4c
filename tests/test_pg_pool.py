"""PostgreSQL mode's shared connections (ledger/postgres/pool.py): reads, writes and the accounts store borrow from one
pool per process and database, so many writes open no more connections than the pool holds; a server restart costs
no error; a connection given back inside a transaction is closed. And the data version is asked once per script run
(queries/db.py content_version), yet a write is seen at once."""

import threading
from pathlib import Path

import psycopg
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from auth import store
from ledger import postgres, spans
from ledger import workflow as wf
from ledger.postgres import pool
from ledger.writing import PgCursor, transaction
from queries import db
from tests import pgserver
from tests.conftest import DEMO_USERS, ROOT, demo_in_postgres

pytestmark = pytest.mark.postgres
WORKER = DEMO_USERS["demo-admin"]
BACKEND = "select pg_backend_pid()"


@pytest.fixture(scope="module")
def own_server(demo_db: Path):
    """A server of this module's own, with the demo copied in: the restart test must not cut other modules off."""
    server = pgserver.start()
    try:
        yield server, demo_in_postgres(server, demo_db, "pool")
    finally:
        server.stop()


@pytest.fixture
def dsn(own_server, monkeypatch: pytest.MonkeyPatch) -> str:
    target = own_server[1]
    monkeypatch.setenv("LEDGER_DSN", target)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield target
    pool.shared(target).close()


def open_items(target: str, n: int) -> list[str]:
    """n items whose latest status is 待整改 or 整改中 (each test takes items no other test takes)."""
    with psycopg.connect(target) as con:
        rows = con.execute(
            """select i.item_id from item i
               left join (select distinct on (item_id) item_id, status from item_event order by item_id, seq desc) s
                 using (item_id)
               where coalesce(s.status, '待整改') in ('待整改', '整改中')
               order by i.item_id"""
        ).fetchall()
    taken = open_items.taken  # type: ignore[attr-defined]
    free = [r[0] for r in rows if r[0] not in taken][:n]
    taken.update(free)
    assert len(free) == n
    return free


open_items.taken = set()  # type: ignore[attr-defined]


def progress(item: str, note: str) -> int:
    """One status update through the app's write path; the backend (connection) it ran on."""
    with transaction() as cur:
        wf.record_progress(cur, WORKER, item, wf.item_state(cur, item).seq, "整改中", note)
        return cur.execute(BACKEND).fetchone()[0]


def test_twenty_writers_reads_and_sign_ins_at_once_use_no_more_connections_than_the_pool(dsn: str) -> None:
    items = open_items(dsn, 20)
    with psycopg.connect(dsn) as con:
        version = postgres.data_version(con)
    backends: set[int] = set()
    errors: list[str] = []

    def work(item: str) -> None:
        try:
            backends.add(progress(item, f"{item} 并发进展"))
            backends.add(db.read_fresh(lambda cur: cur.execute(BACKEND).fetchone()[0]))
            backends.add(store.write(Path("unused"), lambda con: con.execute(BACKEND).fetchone()[0]))
            store.record(Path("unused"), WORKER.username, "progress", item)
        except Exception as error:  # any failure is a lost update
            errors.append(repr(error))

    threads = [threading.Thread(target=work, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert 1 <= len(backends) <= pool.POOL_SIZE
    with psycopg.connect(dsn) as con:
        assert postgres.data_version(con) == version + 20
        notes = con.execute("select count(*) from item_event where note like '%并发进展'").fetchone()[0]
        assert notes == 20
        open_now = con.execute(
            "select count(*) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()"
        ).fetchone()[0]
        assert open_now <= pool.POOL_SIZE


def test_a_write_a_read_and_a_sign_in_after_the_server_restarts_succeed(own_server, dsn: str) -> None:
    first, second = open_items(dsn, 2)
    before = progress(first, "重启前")
    assert store.write(Path("unused"), lambda con: con.execute(BACKEND).fetchone()[0]) == before  # the same one
    own_server[0].restart()
    after = progress(second, "重启后")
    assert after != before  # the dead connection was dropped, a new one made
    assert db.read_fresh(lambda cur: wf.item_state(cur, second).status) == "整改中"
    assert db.run("parks", league=None, park=None).shape[0] == 81
    signed_in = store.authenticate(Path("unused"), "demo-admin", store.DEMO_PASSWORD, demo_allowed=True)
    assert signed_in.user is not None and signed_in.user.username == "demo-admin"


def test_a_connection_given_back_inside_a_transaction_or_broken_is_closed_not_lent_again(dsn: str) -> None:
    shared = pool.shared(dsn)
    with shared.connection() as left_open:
        left_open.execute("begin")
        left_open.execute("select 1")
    assert left_open.closed
    with shared.connection() as broken:
        killed = broken.execute(BACKEND).fetchone()[0]
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute("select pg_terminate_backend(%s, 5000)", (killed,))  # returns once it is gone
    with shared.connection() as fresh:
        assert fresh is not broken and fresh.execute(BACKEND).fetchone()[0] != killed
    assert broken.closed


def test_the_process_has_one_pool_per_database() -> None:
    assert pool.shared("host=/nowhere dbname=a") is pool.shared("host=/nowhere dbname=a")
    assert pool.shared("host=/nowhere dbname=a") is not pool.shared("host=/nowhere dbname=b")


def counting_versions(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Each data version content_version() asks PostgreSQL for, in order."""
    asked: list[int] = []
    ask = postgres.data_version

    def data_version(con: psycopg.Connection) -> int:
        asked.append(ask(con))
        return asked[-1]

    monkeypatch.setattr(postgres, "data_version", data_version)
    return asked


def test_a_page_run_asks_for_the_data_version_once_for_all_its_queries(
    dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked, queries = counting_versions(monkeypatch), []
    cached = db._cached
    monkeypatch.setattr(db, "_cached", lambda *args, **kwargs: queries.append(args[0]) or cached(*args, **kwargs))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.switch_page("pages/overview.py").run()
    assert not at.exception, at.exception
    assert len(queries) >= 10 and len(asked) == 1
    at.run()
    assert len(asked) == 2  # the next run asks again: another process may have written meanwhile
    progress(open_items(dsn, 1)[0], "两次运行之间")
    at.run()
    with psycopg.connect(dsn) as con:
        assert asked[-1] == postgres.data_version(con) == asked[0] + 1


def test_within_one_run_a_write_of_this_process_is_seen_at_once(dsn: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A form's callback writes, then the page runs in the same script run: its queries are keyed on the new
    version, though the version was remembered for the run before the write."""
    asked, run = counting_versions(monkeypatch), threading.Event()  # any object a weak reference can name
    monkeypatch.setattr(db, "_this_run", lambda: run)
    first = db.content_version()
    assert db.content_version() == first and len(asked) == 1
    progress(open_items(dsn, 1)[0], "同一次运行中")
    assert db.content_version() == (dsn, first[1] + 1) and len(asked) == 2
    assert db.content_version() == (dsn, first[1] + 1) and len(asked) == 2


def test_the_cursor_a_write_gets_is_a_workflow_cursor_on_a_pooled_connection(dsn: str) -> None:
    with pool.shared(dsn).connection() as con:
        pooled = con.execute(BACKEND).fetchone()[0]
    with transaction() as cur:
        assert isinstance(cur, PgCursor) and cur.execute(BACKEND).fetchone()[0] == pooled


# The planner's settings inside a write transaction outside spans.refresh's few-items parts (ledger/writing.py)
WRITE_SETTINGS = "select current_setting('plan_cache_mode'), current_setting('join_collapse_limit')"


def test_a_one_item_write_plans_the_kept_refresh_once_per_connection_and_leaves_the_settings_as_they_were(
    dsn: str,
) -> None:
    """spans.refresh on a few items prepares the kept figures' statements with plans for any ids (force_generic_plan:
    planning them cost more than running them), so a connection's second write plans none of them again; an
    import-sized refresh (more than FEW_ITEMS) plans for its values; both give back the transaction's settings."""
    first, second = open_items(dsn, 2)
    for item in (first, second):
        with transaction() as cur:
            wf.record_progress(cur, WORKER, item, wf.item_state(cur, item).seq, "整改中", "计划缓存")
            assert cur.execute(WRITE_SETTINGS).fetchone() == ("auto", "8")
            kept = cur.execute(
                "select generic_plans, custom_plans from pg_prepared_statements"
                " where statement like '%%insert into todo_span%%' and statement like '%%= any(%%'"
            ).fetchall()
    assert kept and all(generic >= 1 and custom == 0 for generic, custom in kept)  # the second write replanned none
    with psycopg.connect(dsn) as con:
        many = [r[0] for r in con.execute(f"select item_id from item order by item_id limit {spans.FEW_ITEMS + 1}")]
    with transaction() as cur:
        cur.execute("set local plan_cache_mode = force_custom_plan")  # as the reads set it: kept, not overwritten
        spans.refresh(cur, many)
        assert cur.execute(WRITE_SETTINGS).fetchone() == ("force_custom_plan", "8")
