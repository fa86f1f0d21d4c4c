"""Copy a ledger database between the embedded store (the DuckDB file and the SQLite accounts file beside it) and
PostgreSQL (`python -m ledger copy`): every table in bulk, in one transaction, then verified (row counts per table;
counts and sums per ledger and league computed on both sides), so a copy that does not add up is rolled back rather
than half trusted."""

import os
import re
import sqlite3
import tempfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import duckdb
import psycopg

from auth.store import SCHEMA as ACCOUNTS_SQLITE
from auth.store import auth_path
from ledger import SCHEMA, SCHEMA_VERSION
from ledger.migrate import PG_RULES, install_kept
from ledger.postgres import PG_ACCOUNTS, PG_ONLY, PG_SCHEMA, connect
from ledger.vocabulary import LEDGERS

BATCH = 10_000  # rows fetched from DuckDB at a time while streaming them into PostgreSQL's COPY

# Figures verified per ledger and league: table → (label, SQL expression over its rows `t`). The same SQL runs on
# both engines; every figure is cast to one decimal type so the two sides compare exactly.
FIGURES: dict[str, tuple[tuple[str, str], ...]] = {
    "item": (("条目数", "count(*)"),),
    "item_event": (
        ("状态记录数", "count(*)"),
        ("记录的盘活面积(亩)", "sum(t.area_mu)"),
        ("记录的收回金额(万元)", "sum(t.amount_wan)"),
    ),
    "status_span": (("状态区间数", "count(*)"),),
    "item_fact": (
        ("事实表条目数", "count(*)"),
        ("面积(亩)", "sum(t.area_mu)"),
        ("金额(万元)", "sum(t.amount_wan)"),
        ("收回(万元)", "sum(t.returned_wan)"),
        ("审批事项(项)", "sum(t.approval_count)"),
    ),
    "land": (("土地面积(亩)", "sum(t.area_mu)"), ("盘活面积(亩)", "sum(t.revitalised_mu)")),
    "idle_fund": (("沉淀余额(万元)", "sum(t.balance_wan)"), ("收回上缴(万元)", "sum(t.returned_wan)")),
    "stalled": (("占地(亩)", "sum(t.land_mu)"), ("用能(吨标煤)", "sum(t.energy_tce)"), ("用水(吨)", "sum(t.water_t)")),
    "infrastructure": (("投资(万元)", "sum(t.investment_wan)"),),
    "pending_approval": (("审批事项(项)", "sum(t.approval_count)"),),
    "evidence": (("佐证材料数", "count(*)"), ("佐证材料字节", "sum(t.size_bytes)")),
    "deadline_request": (("延期申请数", "count(*)"),),
}

# The columns whose ids PostgreSQL draws from a sequence (serial, or one owned by the column: schema.sql's end).
SEQUENCES = (
    ("audit_log", "id"),
    ("issued_bulletin", "id"),
    ("import_batch", "batch_id"),
    ("deadline_request", "request_id"),
)

Run = Callable[[str], list[tuple]]  # a query on one side, its rows


class CopyError(RuntimeError):
    """The copy did not happen (nothing written on the target), with a Chinese message and the exit code."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def ledger_tables() -> list[str]:
    """The tables of ledger/schema.sql in the order it creates them (a table after those it refers to)."""
    return re.findall(r"^create table (\w+)", SCHEMA.read_text(encoding="utf-8"), flags=re.MULTILINE)


def account_tables() -> list[str]:
    """The accounts file's tables (auth/store.py), in the order it creates them."""
    return re.findall(r"create table if not exists (\w+)", ACCOUNTS_SQLITE)


def to_postgres(source: Path, dsn: str) -> list[str]:
    """Copy the DuckDB file source and the accounts file beside it into an empty PostgreSQL database; the report."""
    duck, accounts = _open_duckdb(source), None
    try:
        accounts = _open_accounts(auth_path(source))
        _check_version(_runner(duck), f"数据库文件 {source}")
        pg = _connect(dsn)
        try:
            if pg.execute("select to_regclass('public.meta')").fetchone()[0] is not None:
                raise CopyError("目标 PostgreSQL 数据库已有台账表（meta），未复制。请指定一个新建的空数据库。")
            with pg.transaction():
                pg.execute(PG_SCHEMA.read_text(encoding="utf-8"))
                pg.execute(PG_ACCOUNTS.read_text(encoding="utf-8"))
                _empty(lambda sql: pg.execute(sql))
                for table in _source_tables(_runner(duck), ledger_tables()):
                    _copy_into_postgres(duck.cursor(), pg, table, _columns(_runner(duck), table))
                for table in account_tables() if accounts else ():
                    _copy_into_postgres(accounts.cursor(), pg, table, _columns(_runner(pg), table))
                for table, column in SEQUENCES:  # the next id after the copied ones
                    pg.execute(f"select setval(pg_get_serial_sequence('{table}', '{column}'), max({column}))"
                               f" from {table} having max({column}) is not null")  # fmt: skip
                pg.execute(PG_RULES.read_text(encoding="utf-8"))  # the figures kept for the region views need them
                install_kept(pg)
                return _verified((_runner(duck), _runner(accounts)), (_runner(pg), _runner(pg)))
        finally:
            pg.close()
    finally:
        duck.close()
        if accounts:
            accounts.close()


def from_postgres(dsn: str, target: Path) -> list[str]:
    """Copy a PostgreSQL ledger database into a new DuckDB file target and its accounts file beside it (a snapshot
    to take home); the report."""
    for path in (target, auth_path(target)):
        if path.exists():
            raise CopyError(f"目标文件 {path} 已存在，未覆盖。请指定一个新的文件名。")
    pg = _connect(dsn)
    try:
        pg.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ  # one snapshot for every table
        pg.read_only = True
        with pg.transaction():
            if pg.execute("select to_regclass('public.meta')").fetchone()[0] is None:
                raise CopyError("该 PostgreSQL 数据库中没有台账表（meta），无可复制。")
            _check_version(_runner(pg), "PostgreSQL 数据库")
            _source_tables(_runner(pg), ledger_tables() + account_tables())
            return _build_files(pg, target)
    finally:
        pg.close()


def _build_files(pg: psycopg.Connection, target: Path) -> list[str]:
    """The new database and accounts files are written beside their places and moved there only once verified."""
    target.parent.mkdir(parents=True, exist_ok=True)
    places = (target, auth_path(target))
    parts = [place.with_name(place.name + ".part") for place in places]
    for part in parts:
        part.unlink(missing_ok=True)
    duck, accounts = duckdb.connect(str(parts[0])), sqlite3.connect(parts[1])
    try:
        duck.execute(SCHEMA.read_text(encoding="utf-8"))
        _empty(duck.execute)  # before the transaction: DuckDB checks a foreign key against the state before it
        duck.execute("begin transaction")
        with tempfile.TemporaryDirectory(prefix="ledger-copy-") as folder:
            for table in ledger_tables():
                _copy_into_duckdb(pg, duck, table, Path(folder) / f"{table}.csv")
        _copy_accounts_into_sqlite(pg, accounts)
        report = _verified((_runner(pg), _runner(pg)), (_runner(duck), _runner(accounts)))
        duck.execute("commit")
        duck.execute("checkpoint")
        accounts.commit()
    except BaseException:
        duck.close()
        accounts.close()
        for part in parts:
            part.unlink(missing_ok=True)
        raise
    duck.close()
    accounts.close()
    for part, place in zip(parts, places, strict=True):
        os.replace(part, place)
    return report


def _open_duckdb(path: Path) -> duckdb.DuckDBPyConnection:
    if not path.exists():
        raise CopyError(f"数据库文件不存在: {path}", code=2)
    try:
        return duckdb.connect(str(path), read_only=True)
    except duckdb.Error as error:
        raise CopyError(f"无法打开数据库文件 {path}（若看板正在运行，请先停止看板）：{error}") from None


def _open_accounts(path: Path) -> sqlite3.Connection | None:
    """The accounts file read-only (None when there is none: a database without accounts copies without them)."""
    if not path.exists():
        return None
    try:
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise CopyError(f"无法打开账号文件 {path}：{error}") from None


def _copy_accounts_into_sqlite(pg: psycopg.Connection, accounts: sqlite3.Connection) -> None:
    accounts.executescript(ACCOUNTS_SQLITE)
    for table in account_tables():
        columns = _columns(_runner(pg), table)
        rows = pg.execute(f"select {', '.join(columns)} from {table}").fetchall()
        marks = ", ".join("?" for _ in columns)
        accounts.executemany(f"insert into {table} ({', '.join(columns)}) values ({marks})", rows)


def _connect(dsn: str) -> psycopg.Connection:
    """A psycopg connection, or CopyError (exit code 2) saying in Chinese why not."""
    try:
        return connect(dsn)  # autocommit: transactions are explicit blocks
    except (psycopg.Error, ValueError) as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise CopyError(
            f"无法连接 PostgreSQL（连接串“{without_password(dsn)}”）：{reason}。"
            "请核对主机、端口、数据库名、用户与密码（libpq 连接串，如 host=/run/postgresql dbname=ledger）。",
            code=2,
        ) from None


def without_password(dsn: str) -> str:
    """The DSN as the message may show it: a password in key=value or URI form masked."""
    return re.sub(r"(://[^:/@]*):[^@]*@", r"\1:***@", re.sub(r"password\s*=\s*\S+", "password=***", dsn))


def _runner(con: duckdb.DuckDBPyConnection | psycopg.Connection | sqlite3.Connection | None) -> Run | None:
    """One way to ask each side a question (the three drivers share execute().fetchall()); None for no connection."""
    return (lambda sql: con.execute(sql).fetchall()) if con is not None else None


def _check_version(run: Run, what: str) -> None:
    rows = run("select value from meta where key = 'schema_version'")
    version = rows[0][0] if rows else None
    if version != SCHEMA_VERSION:
        raise CopyError(
            f"{what}的结构版本为 {version or '旧版'}，本程序需要 {SCHEMA_VERSION}。"
            "请先运行 `python -m ledger migrate`。"
        )


def _source_tables(run: Run, tables: list[str]) -> list[str]:
    """tables, checked against what the source holds: a table the copy would leave behind is refused."""
    found = {
        row[0]
        for row in run(
            "select table_name from information_schema.tables"
            " where table_schema in ('main', 'public') and table_type = 'BASE TABLE'"
        )
    }
    if extra := sorted(found - set(tables) - set(PG_ONLY)):
        raise CopyError(f"源数据库有本程序不认识的表: {', '.join(extra)}，未复制。")
    if missing := [t for t in tables if t not in found]:
        raise CopyError(f"源数据库缺少表: {', '.join(missing)}，未复制。请先运行 `python -m ledger migrate`。")
    return tables


def _empty(execute: Callable[[str], object]) -> None:
    """The rows schema.sql itself inserts (ledger_def, category_def, meta) removed: the copy brings the source's."""
    for table in reversed(ledger_tables()):
        execute(f"delete from {table}")


def _columns(run: Run, table: str) -> list[str]:
    return [
        row[0]
        for row in run(
            "select column_name from information_schema.columns where table_schema in ('main', 'public')"
            f" and table_name = '{table}' order by ordinal_position"
        )
    ]


def _copy_into_postgres(cursor, pg: psycopg.Connection, table: str, columns: list[str]) -> None:
    """The table's rows streamed from a DuckDB or SQLite cursor into PostgreSQL's COPY (values adapted by psycopg,
    not printed)."""
    names = ", ".join(columns)
    try:
        cursor.execute(f"select {names} from {table}")
        with pg.cursor().copy(f"copy {table} ({names}) from stdin") as copy:
            while rows := cursor.fetchmany(BATCH):
                for row in rows:
                    copy.write_row(row)
    finally:
        cursor.close()


def _copy_into_duckdb(pg: psycopg.Connection, duck: duckdb.DuckDBPyConnection, table: str, csv: Path) -> None:
    """The table through a CSV file: PostgreSQL writes NULL unquoted and an empty text quoted, DuckDB reads them
    so (allow_quoted_nulls off), and each value is parsed into the column's own type."""
    columns = ", ".join(_columns(_runner(pg), table))
    with (
        open(csv, "wb") as out,
        pg.cursor().copy(f"copy (select {columns} from {table}) to stdout (format csv)") as copy,
    ):
        for block in copy:
            out.write(block)
    if csv.stat().st_size:
        duck.execute(
            f"copy {table} ({columns}) from '{csv}'"
            " (format csv, header false, delim ',', quote '\"', escape '\"', allow_quoted_nulls false)"
        )


def _verified(source: tuple[Run, Run | None], target: tuple[Run, Run | None]) -> list[str]:
    """The report of a copy whose figures agree on both sides; CopyError listing every difference otherwise. Each
    side is (the ledger tables' run, the account tables' run: None when there is no accounts file)."""
    leagues = dict(source[0]("select league_code, name from league"))
    expected, copied = _figures(*source), _figures(*target)
    differences = [
        f"  {_where(key, leagues)}：源 {_number(expected.get(key))}，目标 {_number(copied.get(key))}"
        for key in sorted(expected.keys() | copied.keys(), key=lambda k: tuple(str(part) for part in k))
        if expected.get(key) != copied.get(key)
    ]
    if differences:
        raise CopyError("复制结果与源数据不一致，已撤销（目标未写入）：\n" + "\n".join(differences))
    tables = ledger_tables() + account_tables()
    rows = {table: int(expected[("行数", table, None, None)]) for table in tables}
    return [
        f"已复制 {len(tables)} 张表，共 {sum(rows.values())} 行；逐表行数一致。",
        f"按台账与盟市核对 {len(expected) - len(tables)} 项条目数与合计（面积、金额、记录、佐证材料等），两边一致。",
        f"账号 {rows['account']} 个、会话 {rows['session']} 个、审计记录 {rows['audit_log']} 条"
        + ("（源没有账号文件）" if source[1] is None else "")
        + "。",
        *[f"  {table}: {count} 行" for table, count in rows.items()],
    ]


def _figures(run: Run, accounts: Run | None) -> dict[tuple, Decimal | None]:
    """Row counts per table and the FIGURES per ledger and league, keyed (label, table, ledger, league)."""
    out: dict[tuple, Decimal | None] = {}
    for table in ledger_tables():
        out[("行数", table, None, None)] = Decimal(run(f"select count(*) from {table}")[0][0])
    for table in account_tables():
        out[("行数", table, None, None)] = Decimal(accounts(f"select count(*) from {table}")[0][0] if accounts else 0)
    for table, measures in FIGURES.items():
        columns = ", ".join(f"cast({expr} as decimal(24, 4))" for _, expr in measures)
        rows = run(
            f"select i.ledger, p.league_code, {columns} from {table} t"
            " join item i on i.item_id = t.item_id join park p on p.park_id = i.park_id"
            " group by i.ledger, p.league_code"
        )
        for ledger, league, *values in rows:
            for (label, _), value in zip(measures, values, strict=True):
                out[(label, table, ledger, league)] = value
    return out


def _where(key: tuple, leagues: dict[str, str]) -> str:
    label, table, ledger, league = key
    if ledger is None:
        return f"表 {table} 行数"
    return f"{LEDGERS.get(ledger, ledger)}·{leagues.get(league, league)}·{label}（表 {table}）"


def _number(value: Decimal | None) -> str:
    return "无" if value is None else f"{value.normalize():f}"
