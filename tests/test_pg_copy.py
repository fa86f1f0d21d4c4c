"""PostgreSQL groundwork (#26): the PostgreSQL schema matches ledger/schema.sql, and `python -m ledger copy` moves
the demo database with workflow history, accounts and audit rows into PostgreSQL and back unchanged, refusing a copy
that does not add up."""

import hashlib
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import duckdb
import psycopg
import pytest

from auth import issued, store
from ledger import SCHEMA_VERSION
from ledger import workflow as wf
from ledger.__main__ import main
from ledger.postgres import PG_ONLY
from ledger.postgres import copy as pg_copy
from tests import pgserver
from tests.conftest import ROOT, copy_database, session_token
from tests.test_workflow import ADMIN, BAOTOU, NOW, act, evidence, open_items, state

POSTGRES_TYPES = {"VARCHAR": "character varying", "DOUBLE": "double precision", "INTEGER": "integer",
                  "BIGINT": "bigint", "DATE": "date", "TIMESTAMP": "timestamp without time zone",
                  "BOOLEAN": "boolean"}  # fmt: skip
COLUMNS = """
    select table_name, column_name, data_type, numeric_precision, numeric_scale, is_nullable
    from information_schema.columns where table_schema in ('main', 'public') order by 1, 2
"""
KEYS = """
    select tc.table_name, tc.constraint_type, kcu.column_name
    from information_schema.table_constraints tc join information_schema.key_column_usage kcu
      on kcu.constraint_name = tc.constraint_name and kcu.table_name = tc.table_name
    where tc.table_schema in ('main', 'public') order by 1, 2, 3
"""


@pytest.fixture
def empty_pg(pg_server: pgserver.PgServer, request: pytest.FixtureRequest) -> str:
    """A new empty database for one test (the copy refuses a target that already holds ledger tables)."""
    return pg_server.create_database(request.node.name)


def _columns(rows: list[tuple]) -> list[tuple]:
    """(table, column, type, nullable) with DuckDB's type names written as PostgreSQL names them."""
    out = []
    for table, column, kind, precision, scale, nullable in rows:
        if kind.startswith("DECIMAL") or kind == "numeric":
            kind = f"numeric({precision},{scale})"
        out.append((table, column, POSTGRES_TYPES.get(kind, kind), nullable))
    return out


@pytest.mark.postgres
def test_the_postgres_schema_has_the_tables_columns_keys_and_version_of_the_duckdb_schema(
    pg_dsn: str, demo_db: Path
) -> None:
    with psycopg.connect(pg_dsn) as pg:
        pg.execute(pg_copy.PG_SCHEMA.read_text(encoding="utf-8"))
        pg_columns, pg_keys = (  # the tables only PostgreSQL mode has (the data version) have no DuckDB twin
            [row for row in pg.execute(query).fetchall() if row[0] not in PG_ONLY] for query in (COLUMNS, KEYS)
        )
        version = pg.execute("select value from meta where key = 'schema_version'").fetchone()[0]
        reference = pg.execute("select count(*) from ledger_def").fetchone()[0]
        pg.rollback()
    with duckdb.connect(str(demo_db), read_only=True) as duck:
        duck_columns, duck_keys = duck.execute(COLUMNS).fetchall(), duck.execute(KEYS).fetchall()
    assert _columns(pg_columns) == _columns(duck_columns)  # the item_facts view's columns too
    assert pg_keys == duck_keys  # primary, unique and foreign keys on the same columns
    assert version == SCHEMA_VERSION and reference == 6


def _fingerprints(path: Path) -> dict[str, str]:
    """Every table's rows (sorted: order is not content) and column types, hashed, like bench/figures.py does."""
    with duckdb.connect(str(path), read_only=True) as con:
        tables = [r[0] for r in con.execute("select table_name from duckdb_tables() order by 1").fetchall()]
        out = {}
        for table in tables:
            frame = con.execute(f'select * from "{table}"').df()
            header, *rows = frame.to_csv(index=False, float_format="%.6f").splitlines()
            types = con.execute(
                "select list(data_type order by column_index) from duckdb_columns() where table_name = $t", {"t": table}
            ).fetchone()[0]
            text = "\n".join([str(types), header, *sorted(rows)])
            out[table] = f"{len(frame)} {hashlib.sha256(text.encode()).hexdigest()}"
    return out


def _account_rows(db: Path) -> dict[str, list[tuple]]:
    """Every table of the accounts file beside db, its rows sorted."""
    accounts = store.auth_path(db)
    with store.reading(accounts) as con:
        return {table: sorted(map(tuple, con.execute(f"select * from {table}").fetchall()))
                for table in pg_copy.account_tables()}  # fmt: skip


def _with_accounts_and_audit(db: Path) -> None:
    """Sessions, audit rows (one failed) and an issued bulletin beside the demo accounts."""
    accounts = store.auth_path(db)
    session_token("demo-admin", db)
    session_token("demo-150200", db)
    store.record(accounts, "demo-admin", "导出", "整治进度 Excel", "全区")
    store.record(accounts, "demo-150200", "导出", '盟市,"台账"', "包头市", ok=False)
    issued.record(accounts, "demo-admin", 3, "内大起底办〔2026〕3号", date(2026, 3, 1))


def _with_workflow_history(db: Path) -> None:
    """A demo copy after a progress note, an application with evidence, a return, a second application and its
    approval, an extension requested and decided, and a withdrawn file; texts with a line break, quotes and commas."""
    with duckdb.connect(str(db)) as con:
        item = open_items(con, "150200", ledger="land")[0]
        extended = next(other for other in open_items(con, "150200", n=2) if other != item)
        seq = act(con, db, wf.record_progress, BAOTOU, item, state(con, item).seq, "整改中",
                  '已下达督促动工通知书，\n第二行："引号", 逗号', now=NOW)  # fmt: skip
        photo = evidence('现场,"照片".pdf')
        seq = act(con, db, wf.record_progress, BAOTOU, item, seq, "已整改", "已开工建设",
                  measure="督促动工开发/延长动工期限", area_mu=1.25, files=[photo], now=NOW)  # fmt: skip
        seq = act(con, db, wf.review, ADMIN, item, seq, False, "照片不能反映开工", now=NOW + timedelta(hours=1))
        seq = act(con, db, wf.record_progress, BAOTOU, item, seq, "已整改", "补充施工许可证",
                  files=[evidence("施工许可证.pdf", b"%PDF-1.4\n2\n")], now=NOW + timedelta(hours=2))  # fmt: skip
        withdrawn = con.execute("select sha256 from evidence where item_id = $i order by uploaded_at limit 1",
                                {"i": item}).fetchone()[0]  # fmt: skip
        act(con, db, wf.withdraw_evidence, ADMIN, item, withdrawn, "与本条目无关", now=NOW + timedelta(hours=3))
        act(con, db, wf.review, ADMIN, item, seq, True, now=NOW + timedelta(hours=4))
        request = act(con, db, wf.request_extension, BAOTOU, extended, date(2027, 6, 30), "企业资金到位需时间", now=NOW)
        act(con, db, wf.decide_extension, ADMIN, request, True, "同意", now=NOW + timedelta(days=1))


@pytest.mark.postgres
def test_the_demo_with_workflow_history_and_accounts_goes_to_postgres_and_back_with_identical_tables(
    tmp_path: Path, demo_db: Path, empty_pg: str, capsys: pytest.CaptureFixture
) -> None:
    db = copy_database(demo_db, tmp_path / "source")
    _with_workflow_history(db)
    _with_accounts_and_audit(db)
    with duckdb.connect(str(db)) as con:  # the schedule's daily work done once (ledger/schedule/runner.py)
        con.execute("insert into daily_job values ('light_changes', date '2026-03-02', timestamp '2026-03-02 06:00')")
    assert main(["copy", "--to-postgres", empty_pg, "--from", str(db)]) == 0
    report = capsys.readouterr().out
    tables = len(pg_copy.ledger_tables()) + len(pg_copy.account_tables())  # 31 before #29
    assert f"已复制 {tables} 张表" in report and "两边一致" in report and "复制完成并核对一致" in report
    back = tmp_path / "back" / "ledger.duckdb"
    assert main(["copy", "--from-postgres", empty_pg, "--to", str(back)]) == 0
    before, after = _fingerprints(db), _fingerprints(back)
    assert before.keys() == after.keys() and len(before) == len(pg_copy.ledger_tables())  # 25 before #29
    assert after == before
    assert _account_rows(back) == _account_rows(db) and len(_account_rows(db)["audit_log"]) >= 2
    with psycopg.connect(empty_pg) as pg:
        assert pg.execute("select count(*) from evidence where withdrawn_at is not null").fetchone()[0] == 1
        assert pg.execute("select count(*) from deadline_request where decision = '批准'").fetchone()[0] == 1
        assert pg.execute("select count(*) from account where demo = 1").fetchone()[0] == len(store.DEMO_ACCOUNTS)
        last = pg.execute("select max(id) from audit_log").fetchone()[0]
        added = pg.execute("insert into audit_log (at, username, action) values ('2026-03-02T10:00:00', 'x', 'y')"
                           " returning id").fetchone()[0]  # fmt: skip
        assert added == last + 1  # the identity continues after the copied ids
        item, seq = pg.execute("select item_id, max(seq) from item_event group by 1 limit 1").fetchone()
        with pytest.raises(psycopg.errors.UniqueViolation):  # nothing is written twice: the key on (item, seq)
            pg.execute("insert into item_event (item_id, seq, event_date, status) values (%s, %s, %s, '整改中')",
                       (item, seq, NOW.date()))  # fmt: skip


@pytest.mark.postgres
def test_with_workflow_history_every_figure_the_pages_show_is_the_same_in_postgres(
    tmp_path: Path, demo_db: Path, empty_pg: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """#26's done-when: the demo after user work, copied into PostgreSQL, gives the pages the same figures. Every
    query call bench/figures.py makes for the pages (each page's wrappers at six scopes and two dates) is answered by
    the copy with the rows the DuckDB file gives, the items changed by the workflow included."""
    from ledger.migrate import upgrade_postgres
    from queries.db import PostgresReads
    from tests.test_pg_queries import _recorded_calls, _rows

    db = copy_database(demo_db, tmp_path / "source")
    _with_workflow_history(db)
    with duckdb.connect(str(db), read_only=True) as con:  # the users' records are there to compare
        assert con.execute("select count(*) from item_event where actor is not null").fetchone()[0] >= 5
    assert main(["copy", "--to-postgres", empty_pg, "--from", str(db)]) == 0
    upgrade_postgres(empty_pg)  # the rules, as an app server's start-up installs them
    monkeypatch.setenv("LEDGER_DB", str(db))
    reads = PostgresReads(empty_pg)
    compared, differences = 0, []
    try:
        for label, name, shape, params, duck in _recorded_calls(monkeypatch):
            compared += 1
            if _rows(reads.query(name, params, shape)) != _rows(duck):
                differences.append(f"{label} {name}")
    finally:
        reads.close()
    assert compared > 500 and not differences, differences[:20]


@pytest.mark.postgres
def test_copy_refuses_a_target_that_holds_ledger_tables_and_a_file_that_exists(
    tmp_path: Path, demo_db: Path, empty_pg: str, capsys: pytest.CaptureFixture
) -> None:
    assert main(["copy", "--to-postgres", empty_pg, "--from", str(demo_db)]) == 0
    assert main(["copy", "--to-postgres", empty_pg, "--from", str(demo_db)]) == 1
    assert "已有台账表" in capsys.readouterr().err
    assert main(["copy", "--from-postgres", empty_pg, "--to", str(demo_db)]) == 1
    assert "已存在，未覆盖" in capsys.readouterr().err


@pytest.mark.postgres
def test_the_verifier_catches_a_deliberately_altered_row_and_nothing_is_left_on_the_target(
    demo_db: Path, empty_pg: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    real = pg_copy._copy_into_postgres

    def copy_then_alter(cursor, pg, table: str, columns: list[str]) -> None:
        real(cursor, pg, table, columns)
        if table == "land":  # one parcel of 包头市 grows by one 亩 on the way
            pg.execute(
                "update land set area_mu = area_mu + 1 where item_id = (select min(l.item_id) from land l"
                " join item i using (item_id) join park p using (park_id) where p.league_code = '150200')"
            )

    monkeypatch.setattr(pg_copy, "_copy_into_postgres", copy_then_alter)
    assert main(["copy", "--to-postgres", empty_pg, "--from", str(demo_db)]) == 1
    err = capsys.readouterr().err
    assert "复制结果与源数据不一致，已撤销" in err
    assert "土地·包头市·土地面积(亩)（表 land）" in err and "item_event" not in err
    with psycopg.connect(empty_pg) as pg:
        assert pg.execute("select to_regclass('public.meta')").fetchone()[0] is None  # rolled back, schema too


@pytest.mark.postgres
def test_a_bad_dsn_gives_a_chinese_message_and_exit_code_2_without_a_traceback(demo_db: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ledger", "copy", "--to-postgres", "host=/nonexistent port=1 password=s3cret",
         "--from", str(demo_db)],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 2
    assert "无法连接 PostgreSQL" in done.stderr and "请核对主机、端口" in done.stderr
    assert "Traceback" not in done.stderr and "s3cret" not in done.stderr


def test_missing_postgres_binaries_fail_with_a_chinese_and_english_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pgserver, "PG_BIN", tmp_path / "no-postgresql")
    with pytest.raises(pgserver.PostgresUnavailable, match="make system-deps") as raised:
        pgserver.start()
    assert "未找到 PostgreSQL 15" in str(raised.value) and "binaries not found" in str(raised.value)
