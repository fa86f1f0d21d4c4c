"""The write path: the database opened read-write once per process, one writer at a time across processes,
and each change one transaction on a cursor of its own (all of it is written, or nothing). With LEDGER_DSN set,
each change is one PostgreSQL transaction instead (row locks, the data version bumped in it)."""

import fcntl
import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import duckdb
import psycopg
from psycopg import errors

from ledger import postgres, rules
from ledger.postgres import pool


class DatabaseBusy(RuntimeError):
    """Another program holds the database (the app while the command line tries to write, or the reverse)."""


class WriteConflict(ValueError):
    """Another transaction changed the same rows first; nothing of this one was written."""


CONFLICT = "另一位用户同时修改了同一内容，本次未写入。请刷新后再提交。"
BUSY = (
    "数据库 {path} 正被另一个程序占用（通常是正在运行的看板）。请在看板的网页上操作（导入、整改进展、账号管理），"
    "或先停止看板（Ctrl+C）再运行此命令。"
)


def open_for_writing(path: Path) -> duckdb.DuckDBPyConnection:
    """The database read-write; DatabaseBusy with a Chinese message while another process holds it."""
    try:
        return duckdb.connect(str(path))
    except duckdb.IOException as error:
        if "lock" in str(error).lower():
            raise DatabaseBusy(BUSY.format(path=path)) from error
        raise


@contextmanager
def writer_lock(path: Path, wait: bool = True) -> Iterator[None]:
    """One writer at a time per database file (other processes included; backups take it too)."""
    lock_path = path.with_name(path.name + ".lock")
    with open(lock_path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# The keys that make a second writer of the same row fail instead of writing it twice (item_event's sequence).
CONFLICT_KEYS = {"item_event_pkey", "evidence_pkey", "deadline_request_pkey", "recheck_draw_pkey"}
LOCK_WAIT = "5s"  # a writer waiting longer for another's row lock gives up with the conflict message
WRITE_PLAN_MODE = "auto"  # plan_cache_mode in a write transaction (_pg_transaction; generic_plans puts it back)


class PgCursor:
    """A PostgreSQL connection that takes the workflow's SQL as DuckDB writes it (`$name` parameters), so that one
    text serves both engines; execute returns psycopg's cursor (fetchone, fetchall)."""

    def __init__(self, con: psycopg.Connection) -> None:
        self.connection = con
        self.prepare: bool | None = None  # None: psycopg's own choice (prepared from a text's fifth run)

    def execute(self, sql: str, params: dict | None = None) -> psycopg.Cursor:
        if params:
            sql = re.sub(r"\$([A-Za-z_]\w*)", r"%(\1)s", sql.replace("%", "%%"))
        return self.connection.execute(sql, params, prepare=self.prepare if params else None)


@contextmanager
def generic_plans(cur: PgCursor) -> Iterator[None]:
    """Inside: every statement with parameters prepared on its first run and planned once per connection, the plan
    kept for any values (force_generic_plan). For statements whose plan is the same whatever the values are, such as
    the kept figures' refresh on a list of item ids: planning them costs more than running them (a few ms each on
    a one-item write). Not for `$x is null or …` (a plan for any value scans everything: ledger.postgres). After:
    the write transaction's own mode (WRITE_PLAN_MODE) again."""
    cur.execute("set local plan_cache_mode = force_generic_plan")
    cur.prepare = True
    try:
        yield
    finally:
        cur.prepare = None
        cur.execute(f"set local plan_cache_mode = {WRITE_PLAN_MODE}")


@contextmanager
def written_join_order(cur: PgCursor) -> Iterator[None]:
    """Inside: tables joined in the order the statement writes them instead of the planner trying the orders (join
    and from collapse limits 1). For a many-table join on a few ids, each table reached by its key in turn:
    planning item_facts_of's ten tables costs 3–4 ms, running it on one item 0.3 ms. Not for many rows (on 2,000
    items the written order ran 2.5 times slower)."""
    cur.execute("set local join_collapse_limit = 1; set local from_collapse_limit = 1")
    try:
        yield
    finally:
        cur.execute("set local join_collapse_limit = default; set local from_collapse_limit = default")


def is_postgres(cur: object) -> bool:
    """Whether a write runs on PostgreSQL (where the few statements the engines spell differently differ)."""
    return isinstance(cur, PgCursor)


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection | None = None, path: Path | None = None) -> Iterator:
    """A transaction on a new cursor of con, under the writer lock of path when given; the cursor has the rules
    (the derived tables are written with them), installed before the transaction begins (one transaction
    writes to one database only). With LEDGER_DSN set, one PostgreSQL transaction instead (con and path are the
    embedded file's and unused)."""
    target = postgres.dsn()
    if target is not None:
        with _pg_transaction(target) as cursor:
            yield cursor
        return
    rules.install(con)
    with writer_lock(path) if path is not None else _nothing():
        cursor = con.cursor()
        try:
            cursor.execute("begin transaction")
            try:
                yield cursor
            except duckdb.TransactionException as error:  # a row another open transaction changed first
                _rollback(cursor)
                raise WriteConflict(CONFLICT) from error
            except BaseException:
                _rollback(cursor)
                raise
            try:
                cursor.execute("commit")
            except duckdb.TransactionException as error:
                _rollback(cursor)
                raise WriteConflict(CONFLICT) from error
        finally:
            cursor.close()


@contextmanager
def _pg_transaction(target: str) -> Iterator[PgCursor]:
    """One PostgreSQL transaction on a connection of the process's pool (ledger/postgres/pool.py), bumping the data
    version last (its single row is locked only from then until the commit). A second writer of the same item
    waits for the first's row lock (workflow.lock_item) and then sees its change; a duplicate event key, a
    serialization failure or a lock waited on too long roll back with the Chinese conflict message."""
    with pool.shared(target).connection() as con:
        try:
            with con.transaction():
                con.execute(f"set local lock_timeout = '{LOCK_WAIT}'")
                # A write's statements (the kept figures' refresh above all) are the same texts on item ids each time:
                # PostgreSQL may keep one plan for them (the pool's connections prepare repeated texts), instead of
                # planning each afresh as the reads must (their `$x is null or …` needs the value: ledger.postgres).
                con.execute(f"set local plan_cache_mode = {WRITE_PLAN_MODE}")
                yield PgCursor(con)
                postgres.bump_version(con)
            postgres.count_commit()
        except errors.UniqueViolation as error:
            if error.diag.constraint_name not in CONFLICT_KEYS:
                raise
            raise WriteConflict(CONFLICT) from error
        except (errors.SerializationFailure, errors.DeadlockDetected, errors.LockNotAvailable) as error:
            raise WriteConflict(CONFLICT) from error


def _rollback(cursor: duckdb.DuckDBPyConnection) -> None:
    with suppress(duckdb.Error):  # an aborted transaction is rolled back already
        cursor.execute("rollback")


@contextmanager
def _nothing() -> Iterator[None]:
    yield
