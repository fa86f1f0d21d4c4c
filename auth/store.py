"""Accounts, sessions and the audit log, in a small SQLite file beside the ledger database, or in PostgreSQL.

SQLite, not the DuckDB ledger: sign-ins, lockouts and audit rows are many tiny writes from several processes
(the app, `python -m ledger users`), which SQLite's WAL mode takes safely while the app keeps the ledger open.
In PostgreSQL mode (LEDGER_DSN set) the same queries run on the database's tables (ledger/postgres/accounts.sql)
and the path is not used: one adapter (_Postgres) takes this module's SQLite dialect, so there is one set of
functions, the engine chosen in reading() and write() (PostgreSQL on the process's shared connection pool).
Passwords are hashed with Argon2id (argon2-cffi); a session is a random token of which only the SHA-256 is
stored, so neither the database nor the browser ever holds a password."""

import hashlib
import logging
import random
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar

import psycopg
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from auth.roles import LEAGUE, PARK, ROLE_NAMES, User, check_role
from ledger import postgres
from ledger.postgres import pool

MAX_FAILURES = 5  # failed sign-ins in a row that lock an account
LOCK_MINUTES = 15
IDLE_MINUTES = 30  # a session ends after this long without a page view
MIN_PASSWORD = 10
MAX_PASSWORD = 128
MAX_USERNAME = 64
TOUCH_SECONDS = 60  # a session's last-seen time is written at most this often (a short write of its own)
BUSY_SECONDS = 5.0  # how long a write waits for another writer before SQLite gives up (then it is retried)
RETRIES = 4
DEMO_PASSWORD = "yanshi-2022"  # the demo accounts' password, shown on the sign-in page while all data is demo

T = TypeVar("T")
_hasher = PasswordHasher()
_DUMMY = _hasher.hash("no such account, same work")  # unknown names cost as much time as wrong passwords

SCHEMA = """
create table if not exists account (
    username       text primary key,
    password_hash  text not null,
    role           text not null,
    league_code    text,
    park_id        text,
    display_name   text not null default '',
    disabled       integer not null default 0,
    demo           integer not null default 0,
    failed_count   integer not null default 0,
    locked_until   text,
    created_at     text not null,
    updated_at     text not null
);
create table if not exists session (
    token_sha   text primary key,
    username    text not null references account (username),
    source      text not null,
    created_at  text not null,
    last_seen   text not null
);
create table if not exists audit_log (
    id        integer primary key autoincrement,
    at        text not null,
    username  text not null,
    action    text not null,
    scope     text not null default '',
    detail    text not null default '',
    ok        integer not null default 1
);
create index if not exists audit_at on audit_log (at);
create table if not exists name_failure (
    username       text primary key,
    failed_count   integer not null default 0,
    locked_until   text
);
create table if not exists oidc_seen (subject text primary key, last_seen text not null);
create table if not exists issued_bulletin (      -- 已印发的要情通报 (auth/issued.py)
    id          integer primary key autoincrement,
    number      integer not null,
    doc_number  text not null default '',         -- 文号, may be empty
    asof        text not null,                    -- 数据截至
    issued_at   text not null,
    username    text not null
);
"""

# The demo database's accounts: one per role (`python -m ledger demo` seeds them).
DEMO_ACCOUNTS = (
    ("demo-admin", "admin", None, None, "演示：自治区大起底办公室"),
    ("demo-leader", "leader", None, None, "演示：领导小组成员"),
    ("demo-150200", LEAGUE, "150200", None, "演示：包头市工信局"),
    ("demo-150600", LEAGUE, "150600", None, "演示：鄂尔多斯市工信局"),
    ("demo-P005", PARK, "150200", "P005", "演示：包头稀土高新区管委会"),
)
ACTIONS = {
    "sign_in": "登录",
    "sign_in_failed": "登录失败",
    "lockout": "账号锁定",
    "sign_out": "退出",
    "session_expired": "超时退出",
    "import": "导入",
    "import_refused": "导入被拒绝",
    "export": "导出",
    "bulletin_issue": "印发要情通报",
    "progress": "记录整改进展",
    "apply": "申请销号",
    "approve": "审核销号",
    "return": "退回整改",
    "extend_request": "申请延期",
    "extend_decide": "审批延期",
    "account_add": "新建账号",
    "account_reset": "重置密码",
    "account_disable": "停用账号",
    "account_enable": "启用账号",
    "mark_read": "消息标为已读",
    "send_order": "发送督办单",
    "acknowledge_order": "签收督办单",
}


class AccountError(ValueError):
    """A refused account change or sign-in, with a Chinese message for the user."""


def clock() -> datetime:
    """Now (tests replace it to move time forward)."""
    return datetime.now()


def auth_path(ledger_db: Path) -> Path:
    """The accounts file beside a ledger database: data/ledger.duckdb -> data/ledger.auth.sqlite."""
    return ledger_db.with_name(ledger_db.stem + ".auth.sqlite")


_ready: set[tuple[str, int]] = set()  # accounts files (path, inode) whose schema this process has checked
_ready_lock = threading.Lock()
log = logging.getLogger("ledger.auth")


class _Row(tuple):
    """A PostgreSQL row read as sqlite3.Row is: by position, by column name, and as dict(row)."""

    def __new__(cls, names: tuple[str, ...], values):
        row = super().__new__(cls, values)
        row._names = names
        return row

    def __getitem__(self, key):
        return super().__getitem__(self._names.index(key) if isinstance(key, str) else key)

    def keys(self) -> tuple[str, ...]:
        return self._names


def _rows(cursor: psycopg.Cursor):
    names = tuple(column.name for column in cursor.description or ())
    return lambda values: _Row(names, values)


class _Postgres:
    """A pooled psycopg connection (autocommit: a SELECT is its own read; ledger/postgres/pool.py) that takes this
    module's SQLite dialect: `?` placeholders become psycopg's `%s`, rows read as sqlite3.Row. The statements
    themselves are written to run on both (ON CONFLICT rather than INSERT OR IGNORE, RETURNING, typed NULL
    parameters, ISO datetime text)."""

    def __init__(self, con: psycopg.Connection) -> None:
        self.con = con

    def execute(self, sql: str, parameters: tuple = ()) -> psycopg.Cursor:
        cursor = self.con.cursor(row_factory=_rows)  # the row shape on this cursor only: the connection is shared
        if not parameters:  # psycopg reads % as a placeholder only when parameters are passed
            return cursor.execute(sql)
        return cursor.execute(sql.replace("%", "%%").replace("?", "%s"), parameters)


@contextmanager
def _postgres(target: str) -> Iterator[_Postgres]:
    with pool.shared(target).connection() as con:
        yield _Postgres(con)


Connection = sqlite3.Connection | _Postgres


def _for_update(con: Connection) -> str:
    """The row lock a read-then-write needs on PostgreSQL; SQLite's write transaction already holds the file."""
    return " for update" if isinstance(con, _Postgres) else ""


def _open(path: Path) -> sqlite3.Connection:
    """The SQLite file in autocommit mode: a SELECT is its own short read, which in WAL mode never waits for a
    writer; writes go through write(). The schema and WAL mode are set once per file and process."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=None, check_same_thread=False)
    try:
        con.row_factory = sqlite3.Row
        con.execute(f"pragma busy_timeout={int(BUSY_SECONDS * 1000)}")
        key = (str(path), path.stat().st_ino)
        if key not in _ready:
            with _ready_lock:
                if key not in _ready:
                    _create(con)
                    _ready.add(key)
    except BaseException:
        con.close()
        raise
    return con


def _create(con: Connection) -> None:
    con.execute("pragma journal_mode=wal")
    con.execute("begin immediate")
    try:
        for statement in SCHEMA.split(";"):
            if statement.strip():
                con.execute(statement)
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")


@contextmanager
def reading(path: Path) -> Iterator[Connection]:
    """A connection for SELECTs only: no transaction is opened, so no lock is taken or waited for. PostgreSQL when
    LEDGER_DSN is set (its tables come with the database: ledger/postgres/accounts.sql)."""
    if target := postgres.dsn():
        with _postgres(target) as con:
            yield con
        return
    with closing(_retrying(lambda: _open(path))) as con:
        yield con


def _busy(error: sqlite3.OperationalError) -> bool:
    return "locked" in str(error) or "busy" in str(error)


def _retrying(step: Callable[[], T]) -> T:
    """Run step, again after a short pause if SQLite still reports the file busy after its busy timeout."""
    for attempt in range(RETRIES):
        try:
            return step()
        except sqlite3.OperationalError as error:
            if not _busy(error) or attempt == RETRIES - 1:
                raise
            log.warning("accounts file busy, retry %s: %s", attempt + 1, error)
            time.sleep(0.05 * (attempt + 1) + random.random() * 0.05)
    raise AssertionError("unreachable")


def write(path: Path, work: Callable[[Connection], T]) -> T:
    """Run work in one short write transaction, retried as a whole if the SQLite file stays busy (BEGIN
    IMMEDIATE: the write lock is taken at the start, so two writers never deadlock); on PostgreSQL one
    transaction whose row locks (UPDATE, _for_update, ON CONFLICT) keep concurrent writers apart. Keep slow work
    (password hashing) out of `work`: other writers may wait for it."""

    if target := postgres.dsn():
        with _postgres(target) as con, con.con.transaction():
            return work(con)

    def attempt() -> T:
        with closing(_open(path)) as con:
            con.execute("begin immediate")
            try:
                result = work(con)
            except BaseException:
                con.execute("rollback")
                raise
            con.execute("commit")
            return result

    return _retrying(attempt)


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _user(row: sqlite3.Row | _Row) -> User:
    return User(row["username"], row["role"], row["league_code"], row["park_id"], row["display_name"])


# Passwords nobody should choose, lower case (their stems too: "password2026" and "admin@123" are refused).
COMMON_PASSWORDS = frozenset(
    line.strip()
    for line in (Path(__file__).with_name("common_passwords.txt")).read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
)
SEQUENCES = ("0123456789", "1234567890", "abcdefghijklmnopqrstuvwxyz", "qwertyuiop", "asdfghjkl", "zxcvbnm")


def check_password(password: str, username: str = "") -> None:
    """The one password rule for the 账号管理 page and `python -m ledger users` alike: length, not the user
    name, not one character or a short pattern repeated, not a run along the alphabet, the digits or a keyboard
    row, not a common password. Raises AccountError with the reason in Chinese."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"密码至少需要 {MIN_PASSWORD} 个字符")
    if len(password) > MAX_PASSWORD:
        raise AccountError(f"密码不能超过 {MAX_PASSWORD} 个字符")
    lowered = password.lower()
    if username and lowered == username.lower():
        raise AccountError("密码不能与用户名相同")
    if len(set(lowered)) == 1:
        raise AccountError("密码不能由同一个字符重复组成")
    if any(lowered == (lowered[:unit] * len(lowered))[: len(lowered)] for unit in range(2, 5)):
        raise AccountError("密码不能是几个字符的简单重复（如 abcabcabca、1212121212）")
    if any(lowered in run or lowered in run[::-1] for run in (s * 3 for s in SEQUENCES)):
        raise AccountError("密码不能是连续的数字、字母或键盘上的一排键（如 1234567890、abcdefghij、qwertyuiop）")
    stem = lowered.strip("0123456789!@#$%^&*._-+ ")
    if lowered in COMMON_PASSWORDS or stem in COMMON_PASSWORDS or (username and stem == username.lower()):
        raise AccountError("密码过于常见或容易猜到，请换一个（可用几个词加数字和符号组合）")


def _check_username(username: str) -> None:
    if not username or len(username) > MAX_USERNAME or not all(c.isalnum() or c in "-_.@" for c in username):
        raise AccountError(f"用户名只能由字母、数字和 - _ . @ 组成，长度 1–{MAX_USERNAME}")


def audit(con: Connection, username: str, action: str, detail: str = "", scope: str = "", ok: bool = True):
    con.execute(
        "insert into audit_log (at, username, action, scope, detail, ok) values (?, ?, ?, ?, ?, ?)",
        (_stamp(clock()), username[:MAX_USERNAME], action, scope, detail[:500], int(ok)),
    )


def record(path: Path, username: str, action: str, detail: str = "", scope: str = "", ok: bool = True) -> None:
    """Write one audit row on its own."""
    write(path, lambda con: audit(con, username, action, detail, scope, ok))


def add_user(
    path: Path,
    username: str,
    password: str,
    role: str,
    league: str | None = None,
    park: str | None = None,
    display_name: str = "",
    by: str = "命令行",
    demo: bool = False,
) -> User:
    """Create an account (league is the park's league for a park account)."""
    username = username.strip()
    _check_username(username)
    check_password(password, username)
    try:
        check_role(role, league if role != PARK else None, park)
    except ValueError as error:
        raise AccountError(str(error)) from error
    hashed = _hasher.hash(password)  # before the transaction: it takes a good tenth of a second

    def insert(con: Connection) -> None:
        if con.execute("select 1 from account where username = ?", (username,)).fetchone():
            raise AccountError(f"用户名“{username}”已存在")
        now = _stamp(clock())
        con.execute(
            "insert into account (username, password_hash, role, league_code, park_id, display_name, demo,"
            " created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (username, hashed, role, league, park, display_name, int(demo), now, now),
        )
        con.execute("delete from name_failure where username = ?", (username,))
        audit(con, by, "account_add", f"{username}（{ROLE_NAMES[role]} {park or league or '全区'}）")

    write(path, insert)
    return User(username, role, league, park, display_name)


def reset_password(path: Path, username: str, password: str, by: str = "命令行") -> None:
    check_password(password, username)
    hashed = _hasher.hash(password)

    def reset(con: Connection) -> None:
        if not con.execute(
            "update account set password_hash = ?, failed_count = 0, locked_until = null, updated_at = ? "
            "where username = ? returning username",
            (hashed, _stamp(clock()), username),
        ).fetchone():
            raise AccountError(f"用户名“{username}”不存在")
        con.execute("delete from session where username = ?", (username,))
        audit(con, by, "account_reset", username)

    write(path, reset)


def set_disabled(path: Path, username: str, disabled: bool, by: str = "命令行") -> None:
    def change(con: Connection) -> None:
        if not con.execute(
            "update account set disabled = ?, updated_at = ? where username = ? returning username",
            (int(disabled), _stamp(clock()), username),
        ).fetchone():
            raise AccountError(f"用户名“{username}”不存在")
        if disabled:
            con.execute("delete from session where username = ?", (username,))
        audit(con, by, "account_disable" if disabled else "account_enable", username)

    write(path, change)


def list_users(path: Path) -> list[dict]:
    with reading(path) as con:
        rows = con.execute(
            "select username, role, league_code, park_id, display_name, disabled, demo, failed_count, locked_until,"
            " created_at, (select max(at) from audit_log a where a.username = account.username"
            " and a.action = 'sign_in') as last_sign_in from account order by role, username"
        ).fetchall()
    return [dict(r) for r in rows]


def has_real_admin(path: Path) -> bool:
    """Asked on every page view and by the sign-in page: a plain read, never a lock."""
    with reading(path) as con:
        return bool(con.execute("select 1 from account where role = 'admin' and demo = 0 and disabled = 0").fetchone())


def seed_demo_accounts(path: Path) -> None:
    """(Re)create the demo accounts, one per role, all with DEMO_PASSWORD; real accounts stay as they are."""

    def clear(con: Connection) -> None:
        con.execute("delete from session where username in (select username from account where demo = 1)")
        con.execute("delete from account where demo = 1")

    write(path, clear)
    for username, role, league, park, name in DEMO_ACCOUNTS:
        add_user(path, username, DEMO_PASSWORD, role, league, park, name, by="演示数据", demo=True)


@dataclass(frozen=True)
class SignIn:
    user: User | None
    message: str = ""  # why not, in Chinese
    token: str = ""


REFUSED = "用户名或密码不正确"


def _locked(until: datetime) -> str:
    return f"连续 {MAX_FAILURES} 次密码错误，账号已锁定至 {until:%H:%M}，请稍后再试或联系管理员"


def authenticate(path: Path, username: str, password: str, demo_allowed: bool) -> SignIn:
    """Check a password; five failures in a row lock the account for LOCK_MINUTES. Returns a new session.

    An unknown name is answered exactly as an account is (wrong five times: "locked"), so the answers do not
    tell which names exist; the audit log keeps the difference. The password hash (Argon2, about 0.1 s) is
    checked between a plain read and one short write transaction, never while holding the write lock."""
    username = username.strip()[:MAX_USERNAME]
    refused = SignIn(None, REFUSED)
    if not username or not password or len(password) > MAX_PASSWORD:
        return refused
    now = clock()
    with reading(path) as con:
        row = con.execute("select * from account where username = ?", (username,)).fetchone()
        counter = row or con.execute("select * from name_failure where username = ?", (username,)).fetchone()
    known = row is not None
    until = datetime.fromisoformat(counter["locked_until"]) if counter and counter["locked_until"] else None
    if until and until > now:
        why = "账号锁定中" if known else "用户名不存在（锁定中）"
        record(path, username, "sign_in_failed", why, ok=False)
        return SignIn(None, _locked(until))
    stored = row["password_hash"] if known else _DUMMY
    if not (_verify(stored, password) and known):  # unknown names cost as much time as wrong passwords
        return write(path, lambda con: _failed(con, username, known, now))

    def admit(con: Connection) -> SignIn:
        fresh = con.execute("select * from account where username = ?" + _for_update(con), (username,)).fetchone()
        if fresh is None or fresh["password_hash"] != stored:  # removed or reset since the read: try again
            return refused
        if fresh["disabled"]:
            audit(con, username, "sign_in_failed", "账号已停用", ok=False)
            return SignIn(None, "该账号已停用，请联系大起底办公室")
        if fresh["demo"] and not demo_allowed:
            audit(con, username, "sign_in_failed", "已建立正式管理员，演示账号不再可用", ok=False)
            return SignIn(None, "演示账号已停用：系统已建立正式管理员账号。请使用本人账号登录")
        con.execute("update account set failed_count = 0, locked_until = null where username = ?", (username,))
        user = _user(fresh)
        token = _new_session(con, user, "builtin")
        audit(con, username, "sign_in", scope=_scope_text(user))
        return SignIn(user, token=token)

    return write(path, admit)


def _failed(con: Connection, username: str, known: bool, now: datetime) -> SignIn:
    """Count a failure for an account, or for a name that is no account, the same way; lock at MAX_FAILURES."""
    table = "account" if known else "name_failure"  # one of two fixed names, never user text
    if not known:
        con.execute("insert into name_failure (username) values (?) on conflict (username) do nothing", (username,))
    (failures,) = con.execute(
        f"update {table} set failed_count = failed_count + 1 where username = ? returning failed_count", (username,)
    ).fetchone()
    what = "密码错误" if known else "用户名不存在"
    audit(con, username, "sign_in_failed", f"{what}（连续第 {failures} 次）", ok=False)
    if failures < MAX_FAILURES:
        return SignIn(None, REFUSED)
    locked = _stamp(now + timedelta(minutes=LOCK_MINUTES))
    con.execute(f"update {table} set failed_count = 0, locked_until = ? where username = ?", (locked, username))
    audit(con, username, "lockout", f"锁定 {LOCK_MINUTES} 分钟" + ("" if known else "（用户名不存在）"), ok=False)
    return SignIn(None, f"连续 {MAX_FAILURES} 次密码错误，账号已锁定 {LOCK_MINUTES} 分钟")


def _verify(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def _scope_text(user: User) -> str:
    return user.park or user.league or "全区"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_session(con: Connection, user: User, source: str) -> str:
    token = secrets.token_urlsafe(32)
    now = _stamp(clock())
    con.execute(
        "insert into session (token_sha, username, source, created_at, last_seen) values (?, ?, ?, ?, ?)",
        (_digest(token), user.username, source, now, now),
    )
    return token


@dataclass(frozen=True)
class Resumed:
    user: User | None
    expired: bool = False  # the session existed but was idle too long


def resume(path: Path, token: str, demo_allowed: bool) -> Resumed:
    """The user of a session token, if it is live; every page view keeps it alive for IDLE_MINUTES more.

    A page view is a read; its last-seen time is written at most once per TOUCH_SECONDS, in a short
    transaction of its own that a busy file may skip (the session then ends at most a minute early)."""
    if not token or len(token) > 100:
        return Resumed(None)
    now, digest = clock(), _digest(token)
    with reading(path) as con:
        row = con.execute(
            "select s.last_seen, a.* from session s join account a using (username) where s.token_sha = ?", (digest,)
        ).fetchone()
    if row is None:
        return Resumed(None)
    seen = datetime.fromisoformat(row["last_seen"])
    if now - seen > timedelta(minutes=IDLE_MINUTES) or row["disabled"] or (row["demo"] and not demo_allowed):
        why = f"{IDLE_MINUTES} 分钟未操作"
        if row["disabled"] or (row["demo"] and not demo_allowed):
            why = "账号已停用" if row["disabled"] else "已建立正式管理员，演示账号不再可用"

        def end(con: Connection) -> None:
            if con.execute("delete from session where token_sha = ? returning 1", (digest,)).fetchone():
                audit(con, row["username"], "session_expired", why)

        write(path, end)
        return Resumed(None, expired=True)
    if (now - seen).total_seconds() >= TOUCH_SECONDS:
        touch = "update session set last_seen = ? where token_sha = ? and last_seen < ?"
        try:
            write(path, lambda con: con.execute(touch, (_stamp(now), digest, _stamp(now))))
        except sqlite3.OperationalError as error:  # the page view goes on; the next one writes it
            log.warning("session last-seen not written: %s", error)
    return Resumed(_user(row))


def end_session(path: Path, token: str, username: str) -> None:
    def end(con: Connection) -> None:
        con.execute("delete from session where token_sha = ?", (_digest(token),))
        audit(con, username, "sign_out")

    write(path, end)


def session_for(path: Path, user: User, source: str) -> str:
    """A session for a user who signed in elsewhere (OIDC) or in a test."""
    return write(path, lambda con: _new_session(con, user, source))


def audit_rows(path: Path, action: str | None = None, username: str | None = None, limit: int = 5000) -> list[dict]:
    with reading(path) as con:
        rows = con.execute(
            "select at, username, action, scope, detail, ok from audit_log "
            "where (cast(? as text) is null or action = ?) and (cast(? as text) is null or username = ?) "
            "order by id desc limit ?",
            (action, action, username, username, limit),
        ).fetchall()
    return [dict(r) for r in rows]


def oidc_activity(path: Path, subject: str, issued_at: datetime | None) -> str:
    """Idle expiry for 统一身份认证 sign-ins, whose own cookie lasts 30 days: 'new' for a first page view after
    signing in, 'live' within IDLE_MINUTES of the last one, 'expired' otherwise (the caller signs out)."""
    now = clock()
    idle = timedelta(minutes=IDLE_MINUTES)
    with reading(path) as con:
        row = con.execute("select last_seen from oidc_seen where subject = ?", (subject,)).fetchone()
    seen = datetime.fromisoformat(row["last_seen"]) if row else None
    if seen is None and issued_at is not None and now - issued_at <= idle:
        state = "new"
    elif seen is not None and now - seen <= idle:
        state = "live"
    else:
        oidc_forget(path, subject)
        return "expired"
    if seen is None or (now - seen).total_seconds() >= TOUCH_SECONDS:
        write(
            path,
            lambda con: con.execute(
                "insert into oidc_seen (subject, last_seen) values (?, ?)"
                " on conflict (subject) do update set last_seen = excluded.last_seen",
                (subject, _stamp(now)),
            ),
        )
    return state


def oidc_forget(path: Path, subject: str) -> None:
    write(path, lambda con: con.execute("delete from oidc_seen where subject = ?", (subject,)))


def oidc_live(path: Path, subject: str) -> bool:
    """Whether a 统一身份认证 sign-in was active within IDLE_MINUTES (a read: for downloads made on click)."""
    with reading(path) as con:
        row = con.execute("select last_seen from oidc_seen where subject = ?", (subject,)).fetchone()
    return row is not None and clock() - datetime.fromisoformat(row["last_seen"]) <= timedelta(minutes=IDLE_MINUTES)
