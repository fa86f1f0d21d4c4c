"""PostgreSQL mode's operations (#26): `python -m ledger migrate` creates the schema under an advisory lock (several
app servers starting at once are safe) and recreates the rules each time; `python -m ledger demo` builds the demo
into PostgreSQL; backup and restore go through pg_dump/pg_restore with the evidence files."""

import threading
from pathlib import Path

import psycopg
import pytest

from ledger import SCHEMA_VERSION
from ledger import backup as backups
from ledger.__main__ import main
from ledger.migrate import UpgradeError, upgrade_postgres
from ledger.postgres import KEPT_TABLES, KEPT_VERSION
from ledger.postgres.copy import ledger_tables
from tests import pgserver

pytestmark = pytest.mark.postgres


def _one(dsn: str, sql: str):
    with psycopg.connect(dsn) as con:
        return con.execute(sql).fetchone()[0]


def _counts(dsn: str) -> dict[str, int]:
    with psycopg.connect(dsn) as con:
        return {table: con.execute(f"select count(*) from {table}").fetchone()[0] for table in ledger_tables()}


@pytest.fixture(scope="module")
def demo_pg(pg_server: pgserver.PgServer, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database that `python -m ledger demo` filled (LEDGER_DSN set, LEDGER_DB in a temporary folder) after an
    app server's start-up had made its empty schema."""
    target = pg_server.create_database("ops_demo")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LEDGER_DSN", target)
        patch.setenv("LEDGER_DB", str(tmp_path_factory.mktemp("ops") / "ledger.duckdb"))
        assert main(["migrate"]) == 0
        assert main(["demo"]) == 0
    return target


def test_four_servers_starting_at_once_on_an_empty_database_create_the_schema_once(
    pg_server: pgserver.PgServer,
) -> None:
    target = pg_server.create_database("ops_concurrent")
    start, errors = threading.Barrier(4), []

    def server() -> None:
        start.wait()
        try:
            upgrade_postgres(target)
        except Exception as error:  # every thread's error is reported by the assertion
            errors.append(error)

    threads = [threading.Thread(target=server) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert _one(target, "select value from meta where key = 'schema_version'") == SCHEMA_VERSION
    assert _one(target, "select count(*) from data_version") == 1
    assert _one(target, "select count(*) from ledger_def") > 0  # the schema's own rows, inserted once
    assert _one(target, "select to_regclass('public.account') is not null")
    assert _one(target, "select rules.rectified('已销号')")


def test_migrate_recreates_the_rules_each_time_and_refuses_an_unknown_schema_version(
    pg_server: pgserver.PgServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    target = pg_server.create_database("ops_rules")
    monkeypatch.setenv("LEDGER_DSN", target)
    assert main(["migrate"]) == 0
    with psycopg.connect(target, autocommit=True) as con:
        con.execute("drop function rules.overdue")
    assert main(["migrate"]) == 0
    assert _one(target, "select rules.overdue('待整改', date '2022-01-01', date '2022-06-01')")
    with psycopg.connect(target, autocommit=True) as con:  # an earlier version's rule with other result columns
        con.execute("drop function rules.status_at")
        con.execute("create function rules.status_at(as_of date) returns table (item_id text) language sql"
                    " as $$ select 'x' $$")  # fmt: skip
    assert main(["migrate"]) == 0  # `create or replace` alone refuses a changed result type
    assert _one(target, "select count(*) from rules.status_at(date '2023-01-01')") == 0
    with psycopg.connect(target, autocommit=True) as con:
        con.execute("update meta set value = '99' where key = 'schema_version'")
    with pytest.raises(UpgradeError, match="结构版本为 99"):
        upgrade_postgres(target)
    capsys.readouterr()
    assert main(["migrate"]) == 1
    assert "本程序需要" in capsys.readouterr().err


def test_demo_fills_postgres_with_the_ledgers_accounts_and_rules_and_if_missing_keeps_them(
    demo_pg: str, demo_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import duckdb

    with duckdb.connect(str(demo_db), read_only=True) as duck:
        assert _one(demo_pg, "select count(*) from item") == duck.execute("select count(*) from item").fetchone()[0]
    assert _one(demo_pg, "select count(*) from account where username = 'demo-admin' and demo = 1") == 1
    assert _one(demo_pg, "select count(*) from rules.items_at(current_date)") > 0
    monkeypatch.setenv("LEDGER_DSN", demo_pg)
    capsys.readouterr()
    assert main(["demo", "--if-missing"]) == 0
    assert "跳过" in capsys.readouterr().out
    assert main(["demo"]) == 1  # never overwrites ledgers
    assert "不会用演示数据覆盖" in capsys.readouterr().err
    assert _one(demo_pg, "select count(*) from data_version") == 1


def test_backup_and_restore_bring_back_the_database_and_the_evidence_files(
    demo_pg: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEDGER_DSN", demo_pg)
    monkeypatch.setenv("LEDGER_DB", str(tmp_path / "data" / "ledger.duckdb"))
    evidence = tmp_path / "data" / "evidence" / "ab" / "ab12"
    evidence.parent.mkdir(parents=True)
    evidence.write_bytes(b"scan")
    upload = tmp_path / "data" / "imports" / "batch-0041-ab12-包头市土地台账.xlsx"  # an archived original upload
    upload.parent.mkdir()
    upload.write_bytes(b"PK original")
    before, title = _counts(demo_pg), _one(demo_pg, "select title from item order by item_id limit 1")
    assert main(["backup", "--out", str(tmp_path / "backups")]) == 0
    (archive,) = (tmp_path / "backups").glob("ledger-backup-*.zip")
    with psycopg.connect(demo_pg) as con:
        con.execute("update item set title = 'changed' where item_id = (select min(item_id) from item)")
    evidence.unlink()
    upload.unlink()
    assert main(["restore", str(archive)]) == 1  # the database holds ledgers: only with --force
    assert "--force" in capsys.readouterr().err
    assert main(["restore", str(archive), "--force"]) == 0
    assert _one(demo_pg, "select title from item order by item_id limit 1") == title
    assert _counts(demo_pg) == before
    assert "佐证材料 1 个, 导入原件 1 个" in capsys.readouterr().out
    assert evidence.read_bytes() == b"scan"
    assert upload.read_bytes() == b"PK original"
    assert _one(demo_pg, "select rules.rectified('已整改')")
    monkeypatch.delenv("LEDGER_DSN")
    capsys.readouterr()
    assert main(["restore", str(archive)]) == 1  # never into a DuckDB file
    assert "PostgreSQL 模式的备份" in capsys.readouterr().err


def test_a_missing_postgres_tool_is_said_in_chinese(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(backups, "PG_BIN", tmp_path / "nowhere")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(backups.BackupError, match="找不到 PostgreSQL 的 pg_dump"):
        backups.backup_postgres("host=/nowhere dbname=x", tmp_path / "evidence", tmp_path / "out")


def test_a_failing_pg_dump_is_said_in_chinese(tmp_path: Path) -> None:
    with pytest.raises(backups.BackupError, match="备份 PostgreSQL 数据库失败"):
        backups.backup_postgres(f"host={tmp_path} port=1 dbname=x", tmp_path / "evidence", tmp_path / "out")


def as_postgres_schema_7(target: str) -> None:
    """What a PostgreSQL database of schema 7 lacks: every statement schema 8 added (migrate.PG_ADDED_IN_8)."""
    from ledger import migrate

    with psycopg.connect(target, autocommit=True) as con:
        for table in KEPT_TABLES:  # the kept figures came with schema 8 too (kept.sql later)
            con.execute(f"drop table {table}")
        for head in reversed(migrate.PG_ADDED_IN_8):
            words = head.split()
            if words[0] == "alter":  # alter table T add column C
                con.execute(f"alter table {words[2]} drop column {words[-1]}")
            else:
                con.execute(f"drop {words[1]} if exists {words[-1]} cascade")
        con.execute("update meta set value = '7' where key = 'schema_version'")


def _kept_tables(counts: dict[str, int]) -> dict[str, int]:
    from ledger import migrate

    return {
        table: n
        for table, n in counts.items()
        if f"create table {table}" not in migrate.PG_ADDED_IN_8 and table not in KEPT_TABLES
    }


def test_a_schema_7_database_is_upgraded_in_place_and_numbers_after_its_rows(
    pg_server: pgserver.PgServer, demo_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.conftest import demo_in_postgres

    target = demo_in_postgres(pg_server, demo_db, "ops_schema_7")
    with psycopg.connect(target, autocommit=True) as con:
        con.execute("insert into import_batch values (41, 'land', '150200', 'a.xlsx', 'x', now(), 1, 'test')")
        requests = con.execute("select coalesce(max(request_id), 0) from deadline_request").fetchone()[0]
    before = _kept_tables(_counts(target))
    as_postgres_schema_7(target)
    monkeypatch.setenv("LEDGER_DSN", target)
    assert main(["migrate"]) == 0
    assert _one(target, "select value from meta where key = 'schema_version'") == SCHEMA_VERSION == "8"
    assert _kept_tables(_counts(target)) == before  # every row of schema 7's tables kept
    assert _one(target, "select count(*) from kpi_change") > 100  # the kept region figures, filled once
    assert _one(target, "select count(*) from park_kpi_change") > _one(target, "select count(*) from kpi_change")
    assert _one(target, "select version from kept_tables") == KEPT_VERSION
    assert _one(target, "select nextval('import_batch_id')") == 42
    assert _one(target, "select nextval('deadline_request_id')") == requests + 1
    assert main(["migrate"]) == 0  # the next start-up finds nothing to do
