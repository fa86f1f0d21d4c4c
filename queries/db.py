"""Database access: SQL loaded from .sql files, one cached connection to the DuckDB file (a cursor per query) or,
when LEDGER_DSN is set, the process's pool of PostgreSQL connections (ledger/postgres/pool.py; the text from
queries/dialect.py), and the one place where what a user may see limits every query's scope."""

import re
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from contextvars import ContextVar
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import psycopg
import streamlit as st
from streamlit import runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from auth.roles import Allowed, User
from ledger import SCHEMA_VERSION, db_path, migrate, postgres, rules, stored_schema_version
from ledger.postgres import pool
from ledger.writing import DatabaseBusy, PgCursor, open_for_writing, transaction
from queries.frames import as_dtypes, frame

SQL_DIR = Path(__file__).resolve().parent
PARAM = re.compile(r"\$([a-z_]+)")
# Parameters some queries take besides the scope ($league, $park, $asof); NULL means "no filter / default".
OPTIONAL = (
    "user_park",
    "cell",
    "item",
    "ledger",
    "status",
    "overdue_only",
    "unit",
    "phase",
    "search",
    "year",
    "metric",
    "weights",
    "rules",
    "page_size",
    "offset",
    "leagues",
    "light",
    "order",
    "closed_from",
    "closed_to",
    "track",
    "veto",
    "protect_years",
    "quotas",
    "version",
)


@cache
def sql_files() -> dict[str, Path]:
    """Every query file by its stem; stems are unique across folders. rules.sql is no query: it defines the rules
    the queries call (ledger/rules.py installs it on each connection); queries/postgres/ holds the PostgreSQL
    versions of some of them and of their totals (queries/dialect.py)."""
    files: dict[str, Path] = {}
    postgres = SQL_DIR / "postgres"
    for path in sorted(set(SQL_DIR.rglob("*.sql")) - {rules.RULES} - set(postgres.rglob("*.sql"))):
        if path.stem in files:
            raise ValueError(f"duplicate query name {path.stem}: {files[path.stem]} and {path}")
        files[path.stem] = path
    return files


def sql_text(name: str) -> str:
    return sql_files()[name].read_text(encoding="utf-8")


IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")
# A query's own final order by: the last one with no parenthesis, limit or offset after it (a window's or an
# aggregate's order by is always followed by its closing parenthesis)
OWN_ORDER = re.compile(r"\border\s+by\b(?:(?!\blimit\b|\boffset\b)[^()])*$", re.IGNORECASE)


def _column(name: str) -> str:
    """A column name quoted for SQL; only plain lower-case names (from the code's own allow-lists) pass."""
    if not IDENTIFIER.fullmatch(name):
        raise ValueError(f"not a column name: {name!r}")
    return f'"{name}"'


def shaped(text: str, shape: tuple | None) -> tuple[str, dict[str, Any]]:
    """The query text wrapped for one view of its rows, and the parameters the wrapper adds.

    ("page", ((column, descending), ...), limit, offset): one page of rows in that order (end it with a unique
    column, so that pages neither overlap nor skip a row); ("totals", by, flags, sums): per value of `by`, the
    row count, how many rows each boolean column in `flags` is true for, and the sum of each column in `sums`,
    over all of the query's rows."""
    if shape is None:
        return text, {}
    # A wrapper that orders or counts the rows needs not the query's own order, and DuckDB would sort every row
    # for it first (it keeps a subquery's order by): at national scale most of a page's time
    body = OWN_ORDER.sub("", _uncommented(text).rstrip().rstrip(";")).rstrip()
    if shape[0] == "page":
        _, order, limit, offset = shape
        keys = ", ".join(f"{_column(c)} {'desc' if descending else 'asc'} nulls last" for c, descending in order)
        return (
            f"select * from ({body}) q order by {keys} limit $page_limit offset $page_offset",
            {"page_limit": int(limit), "page_offset": int(offset)},
        )
    if shape[0] == "totals":
        _, by, flags, sums = shape
        columns = [
            f"{_column(by)}",
            "count(*) as rows",
            *(f"count_if({_column(f)}) as {_column(f)}" for f in flags),
            *(f"coalesce(sum({_column(c)}), 0)::double as {_column(c)}" for c in sums),
        ]
        return f"select {', '.join(columns)} from ({body}) q group by all order by 1", {}
    raise ValueError(f"unknown shape {shape[0]!r}")


def _uncommented(text: str) -> str:
    """The query without its -- comment lines (the header), so that no comment ends the text."""
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))


def execute(
    con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any], shape: tuple | None = None
) -> pd.DataFrame:
    """Run query `name` on its own cursor with the named parameters it uses (works without Streamlit), whole or
    in one of the shapes of shaped()."""
    text, bound = _prepared(name, params, shape)
    cursor = con.cursor()
    try:
        return cursor.execute(text, bound).df()
    finally:
        cursor.close()


def _prepared(name: str, params: dict[str, Any], shape: tuple | None) -> tuple[str, dict[str, Any]]:
    text = sql_text(name)
    used = set(PARAM.findall(text))
    missing = used - params.keys()
    if missing:
        raise KeyError(f"query {name} needs parameters {sorted(missing)}")
    text, extra = shaped(text, shape)
    return text, {**{k: params[k] for k in used}, **extra}


def stream(
    con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any], vectors: int = 8
) -> Iterator[pd.DataFrame]:
    """The rows of query `name` in its own order, in frames of `vectors` × 2,048 rows (at least one frame, empty
    when there are no rows): a caller that writes each frame out and lets it go holds one frame at a time,
    whatever the number of rows."""
    text, bound = _prepared(name, params, None)
    cursor = con.cursor()
    try:
        cursor.execute(text, bound)
        frame = cursor.fetch_df_chunk(vectors)
        yield frame  # the first frame even when empty: it carries the columns
        while not frame.empty:
            frame = cursor.fetch_df_chunk(vectors)
            if not frame.empty:
                yield frame
    finally:
        cursor.close()


def connect(path: Path | None = None) -> duckdb.DuckDBPyConnection:
    """The database read-write with the campaign's rules (the server owns its one connection; readers and writers
    use cursors of it)."""
    path = path or db_path()
    if not path.exists():
        raise FileNotFoundError(f"数据库文件不存在: {path}。请先运行 `python -m ledger demo` 生成演示数据。")
    version = stored_schema_version(path)  # an earlier one is upgraded at start-up (ledger/migrate.py), not here
    if version != SCHEMA_VERSION:
        raise RuntimeError(
            f"数据库 {path} 的结构版本为 {version or '旧版'}，本程序需要 {SCHEMA_VERSION}。"
            "演示数据库请运行 `make demo` 重新生成；含真实台账的数据库请先备份再迁移。"
        )
    return rules.install(open_for_writing(path))


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return 0


def _file_version(path: Path) -> tuple[str, int]:
    """The database file and a version of its content: a write here, a write by another connection of this
    process (its log grows), or a file swapped in by a restore all give a new version, and so fresh results."""
    inode = path.stat().st_ino if path.exists() else 0
    wal = path.with_name(path.name + ".wal")
    return str(path), hash((inode, _mtime(path), _mtime(wal), _WRITES[0]))


_WRITES = [0]  # writes committed through this process's shared connection


class SharedConnection:
    """One read-write connection for all sessions (threads) of the server: each query and each write
    transaction runs on a cursor of its own, and readers see committed data only (DuckDB's MVCC).

    A file replaced on disk (a restore) gets a new connection: the swap waits for running queries to finish,
    closes the old connection, then opens the new file."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._file: tuple[str, int] | None = None
        self._running = 0

    @contextmanager
    def _using(self, path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
        file = (str(path), path.stat().st_ino if path.exists() else 0)
        with self._cond:
            if file != self._file or self._con is None:
                self._cond.wait_for(lambda: self._running == 0)
                self.close()
                self._con, self._file = connect(path), file
            con = self._con
            self._running += 1
        try:
            yield con
        finally:
            with self._cond:
                self._running -= 1
                self._cond.notify_all()

    def query(self, name: str, params: dict[str, Any], path: Path, shape: tuple | None = None) -> pd.DataFrame:
        with self._using(path) as con:
            return execute(con, name, params, shape)

    def stream(self, name: str, params: dict[str, Any], path: Path) -> Iterator[pd.DataFrame]:
        with self._using(path) as con:
            yield from stream(con, name, params)

    @contextmanager
    def write(self, path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._using(path) as con, transaction(con, path) as cursor:
            yield cursor
        _WRITES[0] += 1

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None


PG_PARAM = re.compile(r"%\(([a-z_]+)\)s")
EXPORT_ROWS = 8 * 2048  # a streamed export's frame on PostgreSQL: as many rows as stream()'s DuckDB frames


class PostgresReads:
    """PostgreSQL mode's reads: each query's PostgreSQL text (queries/dialect.py) with the same bound parameters
    as on DuckDB, on a connection of the process's pool for the database (shared with the writes and the accounts),
    answered as the frame DuckDB would give."""

    def __init__(self, target: str) -> None:
        self._pool = pool.shared(target)

    def connection(self) -> AbstractContextManager[psycopg.Connection]:
        """A connection of the pool for one thread's work (read_fresh, the data version)."""
        return self._pool.connection()

    def query(self, name: str, params: dict[str, Any], shape: tuple | None = None) -> pd.DataFrame:
        text, bound = _postgres_prepared(name, params, shape)
        with self.connection() as con, con.cursor() as cursor:
            cursor.execute(text, bound)
            rows = frame(cursor.description, cursor.fetchall())
        return as_dtypes(rows, duckdb_dtypes(name, shape, params))

    def stream(self, name: str, params: dict[str, Any]) -> Iterator[pd.DataFrame]:
        """Frames of EXPORT_ROWS rows from a server-side cursor (the rows stay in PostgreSQL until fetched)."""
        text, bound = _postgres_prepared(name, params, None)
        with self.connection() as con, con.transaction(), con.cursor(name="export") as cursor:
            cursor.execute(text, bound)
            dtypes = duckdb_dtypes(name, None, params)
            rows = cursor.fetchmany(EXPORT_ROWS)
            yield as_dtypes(frame(cursor.description, rows), dtypes)  # the first frame even when empty: the columns
            while rows:
                rows = cursor.fetchmany(EXPORT_ROWS)
                if rows:
                    yield as_dtypes(frame(cursor.description, rows), dtypes)

    def close(self) -> None:
        self._pool.close()


def _postgres_prepared(name: str, params: dict[str, Any], shape: tuple | None) -> tuple[str, dict[str, Any]]:
    """_prepared() for PostgreSQL: the same parameters bound, psycopg's spelling of them."""
    from queries import dialect  # it builds on this module's SQL helpers, so it is imported at first use

    text, extra = dialect.postgres_shaped(name, shape)
    used = set(PG_PARAM.findall(text)) - extra.keys()
    missing = used - params.keys()
    if missing:
        raise KeyError(f"query {name} needs parameters {sorted(missing)}")
    return text, dialect.postgres_params({**{k: params[k] for k in used}, **extra})


_TYPING = threading.Lock()


_DTYPES: dict[tuple[str, tuple | None], dict[str, Any]] = {}


def duckdb_dtypes(name: str, shape: tuple | None, params: dict[str, Any]) -> dict[str, Any]:
    """The dtypes DuckDB's frame of query `name` has, asked of an empty database once per query and shape (a page
    of rows has the whole query's): PostgreSQL's types differ where the pages see them (extract() gives numeric, a
    date difference an integer, a count of flags a bigint, where DuckDB gives bigint, bigint, a float), so its
    frames are cast to these."""
    key = (name, shape if shape and shape[0] != "page" else None)
    if key not in _DTYPES:
        with _TYPING:
            _DTYPES[key] = dict(execute(rules.empty_database(), name, params, key[1]).dtypes)
    return _DTYPES[key]


@st.cache_resource(on_release=PostgresReads.close)
def _pool(target: str) -> PostgresReads:
    return PostgresReads(target)


def upgraded_at_start() -> None:
    """The schema upgrade (ledger/migrate.py) before the app serves the database: app.py calls it on each run."""
    target = postgres.dsn()
    if target is not None:
        _upgraded_postgres(target)
    else:
        _upgraded(str(db_path()))


@st.cache_resource(show_spinner=False)
def _upgraded_postgres(target: str) -> None:
    """Once per process and PostgreSQL database."""
    migrate.upgrade_postgres(target)


@st.cache_resource(show_spinner=False)
def _upgraded(path: str) -> None:
    """Once per process and database file; a busy file is left to the read path, which says so in the usual
    place."""
    with suppress(DatabaseBusy):
        migrate.upgrade(Path(path))


@st.cache_resource(on_release=SharedConnection.close)
def _shared() -> SharedConnection:
    return SharedConnection()


@contextmanager
def writing() -> Iterator[duckdb.DuckDBPyConnection]:
    """One write transaction on its own cursor of the server's connection: all of it or nothing, visible to
    readers once committed. A conflicting write by someone else raises ledger.writing.WriteConflict. With
    LEDGER_DSN set, one PostgreSQL transaction (the DuckDB file is not opened)."""
    if postgres.dsn():
        with transaction() as cursor:
            yield cursor
        return
    with _shared().write(db_path()) as cursor:
        yield cursor


def read_fresh(work: Callable[[duckdb.DuckDBPyConnection], Any]) -> Any:
    """work(cursor) on the server's connection, uncached: what a write is about to check (an item's state). On
    PostgreSQL work gets the same kind of cursor a write does (ledger.writing.PgCursor: the workflow's SQL as
    written, `$name` parameters), in autocommit, so each statement sees the latest commits."""
    target = postgres.dsn()
    if target is not None:
        with _pool(target).connection() as con:
            return work(PgCursor(con))
    with _shared()._using(db_path()) as con:
        cursor = con.cursor()
        try:
            return work(cursor)
        finally:
            cursor.close()


@st.cache_data(ttl=600, max_entries=1024, show_spinner=False)
def _cached(
    name: str, params: tuple[tuple[str, Any], ...], path: str, version: int, shape: tuple | None = None
) -> pd.DataFrame:
    """`path` is the DuckDB file or, in PostgreSQL mode, the DSN (see content_version())."""
    if postgres.dsn() is not None:
        return _pool(path).query(name, dict(params), shape)
    return _shared().query(name, dict(params), Path(path), shape)


def content_version() -> tuple[str, int]:
    """What the result cache is keyed on: the DuckDB file and its content's version (a few stat calls), or the
    PostgreSQL database and its data version (every write bumps it: ledger/postgres). The data version is a round
    trip, so it is asked once per script run and remembered for the rest of the run (a page of 20 queries asks
    once), unless this process has committed a write since (a form's callback, then the page in the same run)."""
    target = postgres.dsn()
    if target is None:
        return _file_version(db_path())
    run, written = _this_run(), (target, postgres.writes_committed())
    with _RUNS_LOCK:
        remembered = _RUN_VERSIONS.get(run) if run is not None else None
    if remembered is not None and remembered[0] == written:
        return target, remembered[1]
    with _pool(target).connection() as con:
        version = postgres.data_version(con)
    if run is not None:
        with _RUNS_LOCK:
            _RUN_VERSIONS[run] = (written, version)
    return target, version


# Per script run: ((database, this process's commits then), data version), forgotten with the run
_RUN_VERSIONS: weakref.WeakKeyDictionary[object, tuple[tuple[str, int], int]] = weakref.WeakKeyDictionary()
_RUNS_LOCK = threading.Lock()


def _this_run() -> object | None:
    """An object that stands for the current run of a session's script and lives as long as it: Streamlit makes
    a new fragment coordinator for each run (ScriptRunContext.reset). None outside a script run (tests, bench,
    command line: the version is asked each time)."""
    ctx = get_script_run_ctx(suppress_warning=True)
    return getattr(ctx, "parallel_coordinator", None) if ctx is not None else None


SESSION_USER = "auth_user"  # the signed-in User in st.session_state (set by ui/session.py only)
EVERYTHING = Allowed(None, None)
_acting: ContextVar[Allowed | None] = ContextVar("acting", default=None)


class NotSignedIn(PermissionError):
    """A query in the app with nobody signed in: never answered."""


def allowed() -> Allowed:
    """What the current caller may see: the session's user in the app, everything for the command line, tests
    and benchmarks (they run without a Streamlit server). A server thread outside any session sees nothing."""
    acting = _acting.get()
    if acting is not None:
        return acting
    if get_script_run_ctx(suppress_warning=True) is None:
        if runtime.exists():
            raise NotSignedIn("未登录")
        return EVERYTHING
    user = st.session_state.get(SESSION_USER)
    if not isinstance(user, User):
        raise NotSignedIn("未登录")
    return user.allowed


@contextmanager
def acting_as(user: User) -> Iterator[None]:
    """Run work started by a session outside its script run (a download made on click) with its user's limits."""
    token = _acting.set(user.allowed)
    try:
        yield
    finally:
        _acting.reset(token)


@contextmanager
def before_sign_in() -> Iterator[None]:
    """For the one question asked before anyone signs in (is every ledger demo data?), which shows no figures."""
    token = _acting.set(EVERYTHING)
    try:
        yield
    finally:
        _acting.reset(token)


def _park_leagues() -> dict[str, str]:
    path, version = content_version()
    rows = _cached("parks", (("league", None), ("park", None)), path, version)
    return dict(zip(rows["park_id"], rows["league_code"], strict=True))


def limit(league: str | None, park: str | None) -> tuple[str | None, str | None]:
    """The (league, park) a query may use: the requested one within what the caller may see."""
    permitted = allowed()
    if permitted.everything:
        return league, park
    return permitted.clamp(league, park, _park_leagues().get(park) if park else None)


def _bound(params: dict[str, Any]) -> dict[str, Any]:
    params["league"], params["park"] = limit(params.get("league"), params.get("park"))
    params["user_park"] = allowed().park  # league-level comparisons keep only this park's row for its own user
    return params


def run(name: str, shape: tuple | None = None, **params: Any) -> pd.DataFrame:
    """Run a named query through the shared connection and result cache, limited to what the caller may see:
    every query's $league and $park are bound here, so no page, export or URL can widen them. `shape` asks for
    one page of its rows or its totals instead of all of them (see shaped())."""
    params = _bound(params)
    path, version = content_version()
    return _cached(name, tuple(sorted(params.items())), path, version, shape).copy()


def run_page(name: str, order: tuple[tuple[str, bool], ...], limit: int, offset: int, **params: Any) -> pd.DataFrame:
    """Rows offset … offset + limit of a named query in `order` ((column, descending), …, ending with a unique
    column), asked of the database: a table shows one page without the server holding or sending the rest."""
    return run(name, ("page", tuple(order), int(limit), int(offset)), **params)


def run_totals(name: str, by: str, flags: tuple[str, ...], sums: tuple[str, ...], **params: Any) -> pd.DataFrame:
    """Per value of column `by`: rows, true counts of `flags`, sums of `sums`, over every row of a named query."""
    return run(name, ("totals", by, tuple(flags), tuple(sums)), **params)


def run_stream(name: str, **params: Any) -> Iterator[pd.DataFrame]:
    """Every row of a named query in frames, uncached, limited like run(): for exports of any size."""
    params = _bound(params)
    target = postgres.dsn()
    if target is not None:
        yield from _pool(target).stream(name, params)
    else:
        yield from _shared().stream(name, params, db_path())


def scope_params(league: str | None, park: str | None, asof: date) -> dict[str, Any]:
    """The one place where a scope becomes query parameters, limited to what the caller may see."""
    league, park = limit(league, park)
    return {"league": league, "park": park, "asof": asof}
