"""Work that must happen once, not once per app server (a scheduled report, a maintenance job): run it under a
lock only one holder gets, and skip it where another server already holds that lock."""

import fcntl
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ledger.postgres import connect, dsn

# The first half of every once-only lock's two-part advisory key: keeps these keys apart from MIGRATE_LOCK (a
# one-part key, ledger/migrate.py) and from any other program's locks in the same database.
ONCE_NAMESPACE = 260_002
MAX_NAME = 80  # a job's name: a short constant of the code, never user input


def lock_key(name: str) -> int:
    """The second half of the advisory key: a stable 32-bit number for the job's name (CRC-32, signed as int4)."""
    if not name or len(name) > MAX_NAME:
        raise ValueError(f"定时任务名称须为 1–{MAX_NAME} 个字符：{name[:MAX_NAME]!r}")
    key = zlib.crc32(name.encode("utf-8"))
    return key - 2**32 if key >= 2**31 else key


@contextmanager
def only_once(name: str, db_file: Path | None = None) -> Iterator[bool]:
    """`with only_once("weekly_report") as mine: if mine: ...`: mine is True for the one holder of the job's lock
    and False at once (no waiting) for everyone else while the holder works. In PostgreSQL mode the lock is a
    session advisory lock (pg_try_advisory_lock) on a connection of its own, so it ends with the block or with
    the process that held it, even one killed outright; in the embedded mode (one machine) it is an flock on a
    file beside the DuckDB file (db_file, default LEDGER_DB), which the kernel likewise frees with its process."""
    target = dsn()
    if target:
        with _advisory(target, name) as mine:
            yield mine
    else:
        with _file_lock(_lock_file(db_file, name)) as mine:
            yield mine


@contextmanager
def _advisory(target: str, name: str) -> Iterator[bool]:
    with connect(target) as con:
        mine = con.execute("select pg_try_advisory_lock(%s, %s)", (ONCE_NAMESPACE, lock_key(name))).fetchone()[0]
        try:
            yield bool(mine)
        finally:
            if mine:
                con.execute("select pg_advisory_unlock(%s, %s)", (ONCE_NAMESPACE, lock_key(name)))


def _lock_file(db_file: Path | None, name: str) -> Path:
    from ledger import db_path

    database = Path(db_file) if db_file else db_path()
    return database.with_name(f"{database.name}.once-{lock_key(name) & 0xFFFFFFFF:08x}.lock")


@contextmanager
def _file_lock(path: Path) -> Iterator[bool]:
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
