"""The write path: the database opened read-write once per process, one writer at a time across processes,
and each change one transaction on a cursor of its own (all of it is written, or nothing)."""

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import duckdb

from ledger import rules


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


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection, path: Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A transaction on a new cursor of con, under the writer lock of path when given; the cursor has the rules
    (the derived tables are written with them), installed before the transaction begins (one transaction
    writes to one database only)."""
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


def _rollback(cursor: duckdb.DuckDBPyConnection) -> None:
    with suppress(duckdb.Error):  # an aborted transaction is rolled back already
        cursor.execute("rollback")


@contextmanager
def _nothing() -> Iterator[None]:
    yield
