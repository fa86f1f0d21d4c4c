"""Schema upgrades, all in one place: a database file of an earlier schema brought to the current one in place
(its ledgers kept), run from the command line (`python -m ledger migrate`) and once when the app starts, never
from the read path. In PostgreSQL mode (LEDGER_DSN) upgrade_postgres does the same for the database there."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from ledger import ROOT, SCHEMA, SCHEMA_VERSION, kept, rules, spans, stored_schema_version
from ledger.writing import PgCursor, open_for_writing, writer_lock

UPGRADABLE = ("5", "6", "7", SCHEMA_VERSION)  # the current version too: it may still hold stored rules

# The statements of schema.sql that schema 6 added or changed, in order.
UPGRADE_5 = (
    "create table status_span",
    "create index status_span_item",
    "create table item_fact",
    "create index item_fact_item",
    "create view item_facts as",
)

# #28 督办闭环 (duban): the statements at the end of schema.sql (and postgres/schema.sql) this part adds, for the
# lead's schema-8 upgrade step.
ADDED_DUBAN = ("create table message", "create table supervision_order", "create table supervision_order_item")

# #28 part "schedule": the statements of schema.sql it adds (the lead merges every part's into one upgrade step).
ADDED_SCHEDULE = (
    "create table subscription",
    "create table delivery",
    "create table land_development",
    "create table approval_step",
    "create table issued_document",
    "create table issued_figure",
)

# #30 防止纸面整改 (recheck): the statements its part added at the end of both schema files (merged into one upgrade).
ADDED_RECHECK = (
    "create table recheck_draw",
    "create table recheck_task",
    "create index recheck_task_item",
    "create table recheck_file",
    "alter table stalled add column credit_code",
    "alter table built_project add column credit_code",
    "create table utility_use",
)

# #29 动态管理 (part dynamic): the statements it appends to both schema files, for the lead's schema-8 step.
ADDED_DYNAMIC = (
    "create table park_action",
    "create index park_action_park",
    "create table enterprise_account",
    "create table project_penalty",
    "create index project_penalty_project",
    "create table grade_version",
    "create table grade_version_row",
    "create table grade_objection",
)

# #28 part "wire": the schedule's daily work, once per job and day (ledger/schedule/runner.py).
ADDED_WIRE = ("create table daily_job",)

# pgwrite (#26): the statements of ledger/postgres/schema.sql this part added (the embedded schema is unchanged). An
# existing PostgreSQL database gains them with each sequence set past the table's largest id (setval).
ADDED_PGWRITE = ("create sequence import_batch_id", "create sequence deadline_request_id")

# Schema 8 (#26 to #30), by the heads of the statements each part added to the schema files: an existing database
# gains them in place, its rows kept. ADDED_IN_8 is in both schema files; PostgreSQL's also has PG_ADDED_IN_8.
ADDED_IN_8 = ADDED_DUBAN + ADDED_SCHEDULE + ADDED_WIRE + ADDED_RECHECK + ADDED_DYNAMIC
# The figures kept for the region views (ledger/postgres/kept.sql) are no part of the schema: install_kept.
PG_ADDED_IN_8 = ADDED_PGWRITE + ADDED_IN_8

# Rules that files written before queries/rules.sql stored (schema 5 to 7): dropped, so that only the rules file
# defines them. Views first: item_facts_live reads item_facts_of.
STORED_RULES = (
    ("view", "item_facts_live"),
    ("view", "threshold_row"),
    ("macro table", "item_facts_of"),
    ("macro table", "status_at"),
    ("macro table", "ledger_rows"),
    ("macro table", "items_at"),
    ("macro table", "deadline_at"),
    ("macro table", "score_weights"),
)


def upgrade(path: Path) -> bool:
    """Bring a database file at schema 5, 6 or the current one to the current schema in place (under the writer
    lock) and drop the rules it stores; False if the file is missing or at another (older or unknown) schema."""
    if not path.exists():
        return False
    if stored_schema_version(path) == SCHEMA_VERSION and not _stored_rules(path):
        return True  # nothing to do: the app's start-up writes nothing then
    with writer_lock(path):
        version = stored_schema_version(path)
        if version not in UPGRADABLE:
            return False
        con = open_for_writing(path)
        try:
            if version == "5":
                upgrade_from_v5(con)
            if version in ("5", "6"):
                upgrade_from_v6(con)
            if version in ("5", "6", "7"):
                upgrade_from_v7(con)
            drop_stored_rules(con)
        finally:
            con.close()
    return True


def _stored_rules(path: Path) -> list[tuple[str, str]]:
    con = open_for_writing(path)
    try:
        return stored_rules(con)
    finally:
        con.close()


def stored_rules(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """The rules of STORED_RULES this database file still holds."""
    names = [name for _, name in STORED_RULES]
    found = {
        row[0]
        for row in con.execute(
            """
            select view_name from duckdb_views()
            where database_name = current_database() and list_contains($n, view_name)
            union all
            select function_name from duckdb_functions()
            where database_name = current_database() and list_contains($n, function_name)
            """,
            {"n": names},
        ).fetchall()
    }
    return [(kind, name) for kind, name in STORED_RULES if name in found]


def drop_stored_rules(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the rules an earlier version stored in the file, in one transaction (no schema change: the tables
    stay as they are, and queries call the rules file's rules.<name>, never these)."""
    stored = stored_rules(con)
    if stored:
        with _transaction(con):
            for kind, name in stored:
                con.execute(f"drop {kind} {name}")


def upgrade_from_v7(con: duckdb.DuckDBPyConnection) -> None:
    """Schema 7 → 8 in place, in one transaction: the tables of the 督办, 动态管理 and 回头看 parts (ADDED_IN_8),
    created from schema.sql's own statements; nothing existing changes."""
    with _transaction(con):
        for head in ADDED_IN_8:
            con.execute(_repeatable(_schema_statement(head)))
        con.execute("update meta set value = '8' where key = 'schema_version'")


def upgrade_from_v6(con: duckdb.DuckDBPyConnection) -> None:
    """Schema 6 → 7 in place, in one transaction: an evidence file can be withdrawn (who, when, why), its row and
    file kept. Every existing file stays counted."""
    with _transaction(con):
        for column in ("withdrawn_by varchar", "withdrawn_at timestamp", "withdrawn_reason varchar"):
            con.execute(f"alter table evidence add column if not exists {column}")
        con.execute("update meta set value = '7' where key = 'schema_version'")


def upgrade_from_v5(con: duckdb.DuckDBPyConnection) -> None:
    """Schema 5 → 6 in place: add status_span and item_fact and fill them from the log and the ledgers (nothing
    else changes, so a database with imported ledgers keeps every row). Two transactions around the rules'
    installation (a transaction writes to one database only, and the rules bind to the new tables): a file left
    between them is still at version 5 and upgrades again."""
    with _transaction(con):
        for head in UPGRADE_5:
            con.execute(_repeatable(_schema_statement(head)))
    rules.install(con)
    with _transaction(con):
        spans.refresh(con)
        con.execute("update meta set value = '6' where key = 'schema_version'")


@contextmanager
def _transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """One transaction on con itself (ledger.writing.transaction installs the rules, which an upgrade must
    do only once the tables they read exist)."""
    con.execute("begin transaction")
    try:
        yield
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def _repeatable(statement: str) -> str:
    """A schema statement that a repeated upgrade can run again (a view is replaced: schema 5 had its own)."""
    for kind in ("table", "index", "unique index", "sequence"):
        statement = statement.replace(f"create {kind} ", f"create {kind} if not exists ", 1)
    statement = re.sub(r"^(alter table \w+ add column) ", r"\1 if not exists ", statement)
    return statement.replace("create view", "create or replace view", 1)


def _schema_statement(head: str, schema: Path = SCHEMA) -> str:
    """The statement of a schema file that starts with head (the upgrade runs the schema's own definitions)."""
    text = schema.read_text(encoding="utf-8")
    start = text.index(head)
    return text[start : text.index(";\n", start) + 1]  # no statement of the schema files has ";\n" inside


# PostgreSQL mode (LEDGER_DSN): the key of the advisory lock every app server's start-up and `python -m ledger
# migrate` take, so that one of several starting at once creates the schema and the others wait and find it done.
MIGRATE_LOCK = 260_001
PG_RULES = ROOT / "queries" / "postgres" / "rules.sql"


class UpgradeError(RuntimeError):
    """A PostgreSQL database the program cannot bring to its schema, with a Chinese message."""


def upgrade_postgres(dsn: str) -> None:
    """Bring the PostgreSQL database at dsn to the program's schema, in one transaction under an advisory lock:
    create the schema (ledgers and accounts) when the database has none, refuse another schema version, and
    (re)create the rules every time, so that a changed rule needs no schema version of its own. The rules' schema is
    dropped first: `create or replace function` refuses a function whose result columns changed, and no table or
    view depends on a rule (readers mid-query keep the definitions they started with)."""
    from ledger.postgres import KEPT_VERSION, PG_ACCOUNTS, PG_SCHEMA, connect  # psycopg only in PostgreSQL mode

    with connect(dsn) as con, con.transaction():
        con.execute("select pg_advisory_xact_lock(%s)", (MIGRATE_LOCK,))
        if con.execute("select to_regclass('public.meta')").fetchone()[0] is None:
            con.execute(PG_SCHEMA.read_text(encoding="utf-8"))
            con.execute(PG_ACCOUNTS.read_text(encoding="utf-8"))
        row = con.execute("select value from meta where key = 'schema_version'").fetchone()
        version = row[0] if row else None
        if version == "7":
            _postgres_from_v7(con, PG_SCHEMA)
            version = SCHEMA_VERSION
        if version != SCHEMA_VERSION:
            raise UpgradeError(
                f"PostgreSQL 数据库的结构版本为 {version or '未知'}，本程序需要 {SCHEMA_VERSION}，无法自动升级。"
                "请确认连接串指向本看板的数据库，或先备份再联系维护人员迁移。"
            )
        con.execute("drop schema if exists rules cascade")
        con.execute(PG_RULES.read_text(encoding="utf-8"))
        if kept_version(con) != KEPT_VERSION:  # filled from the items by the rules, so after them
            install_kept(con)


def kept_version(con) -> str | None:
    """The KEPT_VERSION whose kept tables (ledger/postgres/kept.sql) the PostgreSQL database holds, if any."""
    if con.execute("select to_regclass('public.kept_tables')").fetchone()[0] is None:
        return None
    row = con.execute("select max(version) from kept_tables").fetchone()
    return row[0] if row else None


def install_kept(con) -> None:
    """Inside the caller's transaction, on a connection with the rules: the kept tables of ledger/postgres/kept.sql
    dropped (those of any earlier version too), created again and filled from the truth, and their version recorded.
    At national scale this takes minutes, once per new KEPT_VERSION."""
    from ledger.postgres import KEPT_TABLES, KEPT_VERSION, PG_KEPT

    for table in KEPT_TABLES:
        con.execute(f"drop table if exists {table}")
    con.execute(PG_KEPT.read_text(encoding="utf-8"))
    kept.rebuild(PgCursor(con))
    con.execute("insert into kept_tables values (%s)", (KEPT_VERSION,))
    for table in KEPT_TABLES:
        con.execute(f"analyze {table}")


def _postgres_from_v7(con, schema: Path) -> None:
    """Schema 7 → 8 of a PostgreSQL database, inside upgrade_postgres's transaction: the statements of
    PG_ADDED_IN_8 from the PostgreSQL schema file, each new sequence then set past the ids its table already has
    (the next import batch or 延期申请 must not take an existing id). The kept region figures are filled once the
    rules are installed (upgrade_postgres)."""
    from ledger.postgres.copy import SEQUENCES

    for head in PG_ADDED_IN_8:
        con.execute(_repeatable(_schema_statement(head, schema)))
    for table, column in SEQUENCES:
        con.execute(
            f"select setval(pg_get_serial_sequence('{table}', '{column}'), max({column})) from {table}"
            f" having max({column}) is not null"
        )
    con.execute("update meta set value = '8' where key = 'schema_version'")
