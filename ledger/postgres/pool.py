"""One pool of PostgreSQL connections per process and database, shared by the reads (queries/db.py), the writes
(ledger/writing.py) and the accounts store (auth/store.py): opening a connection costs 5–25 ms, more than a status
update's whole transaction, so each thread borrows one that is already open and gives it back."""

import queue
import select
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg.pq import TransactionStatus
from psycopg.types.json import set_json_loads

from ledger import postgres

POOL_SIZE = 8  # per database: Streamlit's session threads share these; one more concurrent user waits for one
WAIT_SECONDS = 30.0  # a thread waits this long for a free connection before it is told the database is busy
BUSY = "数据库连接繁忙（同时操作的用户过多），请稍后重试。"


class PoolBusy(RuntimeError):
    """Every connection stayed lent out for WAIT_SECONDS; the message is for the user."""


class ConnectionPool:
    """At most `size` connections made by ledger.postgres.connect(), each lent to one thread at a time. A connection
    that broke (a server restart: the server closed it while it lay idle, or it failed in use) or that comes back
    inside a transaction is closed rather than lent again, so a restart costs nobody an error."""

    def __init__(self, target: str, size: int = POOL_SIZE) -> None:
        self.target = target
        self._idle: queue.LifoQueue[psycopg.Connection] = queue.LifoQueue()
        self._slots = threading.BoundedSemaphore(size)

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection]:
        if not self._slots.acquire(timeout=WAIT_SECONDS):
            raise PoolBusy(BUSY)
        try:
            con = self._take()
            try:
                yield con
            finally:
                self._give_back(con)
        finally:
            self._slots.release()

    def _take(self) -> psycopg.Connection:
        while True:
            try:
                con = self._idle.get_nowait()
            except queue.Empty:
                return _opened(self.target)
            if _alive(con):
                return con
            con.close()

    def _give_back(self, con: psycopg.Connection) -> None:
        if con.closed or con.broken or con.info.transaction_status != TransactionStatus.IDLE:
            con.close()
        else:
            self._idle.put(con)

    def close(self) -> None:
        """Close the idle connections (those lent out are closed when they come back only if broken)."""
        while True:
            try:
                self._idle.get_nowait().close()
            except queue.Empty:
                return


def _opened(target: str) -> psycopg.Connection:
    con = postgres.connect(target)
    set_json_loads(_text, con)  # JSON as text, like DuckDB's JSON (the reads compare frames with DuckDB's)
    return con


def _alive(con: psycopg.Connection) -> bool:
    """Whether an idle connection is still usable, without a round trip: an idle connection receives nothing
    (no LISTEN here), so a readable socket means the server closed it (a restart sends a notice and hangs up)."""
    if con.closed or con.broken:
        return False
    try:
        readable, _, _ = select.select([con.fileno()], [], [], 0)
    except (OSError, ValueError, psycopg.Error):
        return False
    return not readable


def _text(data: str | bytes) -> str:
    return data.decode("utf-8") if isinstance(data, bytes | bytearray | memoryview) else data


_POOLS: dict[str, ConnectionPool] = {}
_POOLS_LOCK = threading.Lock()


def shared(target: str) -> ConnectionPool:
    """The process's one pool for the database `target` (a DSN), made on first use."""
    with _POOLS_LOCK:
        if target not in _POOLS:
            _POOLS[target] = ConnectionPool(target)
        return _POOLS[target]
