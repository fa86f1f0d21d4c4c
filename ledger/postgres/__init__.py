"""PostgreSQL mode (issue #26, in progress): chosen by one setting, LEDGER_DSN (a libpq connection string). Here:
the setting, the one way to open a connection, the schema in PostgreSQL types and the data version every write
bumps (what the result cache is keyed on). copy.py moves a DuckDB file in and out. Without LEDGER_DSN the app
reads the DuckDB file as before."""

import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

PG_SCHEMA = Path(__file__).resolve().parent / "schema.sql"
PG_ACCOUNTS = Path(__file__).resolve().parent / "accounts.sql"  # the accounts file's tables (auth/store.py)
# The figures kept for the region views (derived, PostgreSQL only): recreated and refilled from the truth whenever
# KEPT_VERSION differs from the one the database records (ledger/migrate.py install_kept). Raise it with every
# change to kept.sql or to how ledger/kept fills them.
PG_KEPT = Path(__file__).resolve().parent / "kept.sql"
KEPT_VERSION = "5"
KEPT_TABLES = tuple(re.findall(r"^create table (\w+)", PG_KEPT.read_text(encoding="utf-8"), re.MULTILINE))
# Tables PostgreSQL mode keeps that a DuckDB file has no twin of (never copied: the kept figures are rebuilt)
PG_ONLY = ("data_version", *KEPT_TABLES)


def dsn() -> str | None:
    """The PostgreSQL database the app uses (LEDGER_DSN), or None for the embedded DuckDB file and SQLite."""
    return (os.environ.get("LEDGER_DSN") or "").strip() or None


@contextmanager
def embedded() -> Iterator[None]:
    """LEDGER_DSN unset for the block, in this process: for work on a local DuckDB file and its SQLite accounts
    file (the demo is built and its accounts seeded there before it is copied into PostgreSQL)."""
    saved = os.environ.pop("LEDGER_DSN", None)
    try:
        yield
    finally:
        if saved is not None:
            os.environ["LEDGER_DSN"] = saved


def connect(target: str, autocommit: bool = True) -> psycopg.Connection:
    """A connection set up as every part of the app needs it: custom plans (a generic plan ignores the indexes
    for `$x is null or col = $x`: 4 ms became 600 ms), no JIT (it compiled for seconds on small rule functions),
    UTC timestamps. Transactions are explicit blocks (`with con.transaction():`)."""
    con = psycopg.connect(target, connect_timeout=10, autocommit=autocommit)
    con.execute("set plan_cache_mode = force_custom_plan")
    con.execute("set jit = off")
    con.execute("set timezone = 'UTC'")
    return con


def data_version(con: psycopg.Connection) -> int:
    """The database's data version: bumped by bump_version() in every write transaction."""
    return con.execute("select version from data_version").fetchone()[0]


def bump_version(con: psycopg.Connection) -> None:
    """Call inside a write transaction: readers keyed on the version see fresh results once it commits."""
    con.execute("update data_version set version = version + 1")


_COMMITTED = [0]  # write transactions this process has committed (ledger/writing.py counts them)
_COMMITTED_LOCK = threading.Lock()


def count_commit() -> None:
    """Called by the write path after each commit that bumped the data version."""
    with _COMMITTED_LOCK:
        _COMMITTED[0] += 1


def writes_committed() -> int:
    """How many write transactions this process has committed: a reader that remembered the data version (queries/
    db.py, for one script run) asks again once this changes, so it sees its own process's writes at once."""
    return _COMMITTED[0]
