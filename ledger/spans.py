"""Derived tables kept for speed: status spans (each item's status over date ranges, from item_event) and item
facts (each item with its league, category and quantities, from the ledgers).

item_event and the ledgers stay the truth; status_span and item_fact are kept in step in the same transaction
as every write (demo build, import, 整改销号 workflow, the v5 → v6 upgrade) through `refresh`, so that "status
at D" (the status_at macro) is a range lookup instead of a replay of every event, and item_facts one scan
instead of eight joins. A test rebuilds both from the truth and compares them with the ones kept.

A span starts on each date an item has events and lasts until its next such date (valid_to, exclusive; null:
still in force). Its status is that of the latest event (by seq) dated on or before valid_from, exactly what
replaying the log gives for any date in the span, and valid_from is the status date (the latest event date).
"""

from collections.abc import Iterable
from pathlib import Path

import duckdb

from ledger import SCHEMA

SPANS = """
with days as (
    select item_id, event_date, max(seq) as day_seq, arg_max(status, seq) as day_status
    from item_event
    {where}
    group by item_id, event_date
)
select
    item_id,
    max(day_seq) over w as seq,
    arg_max(day_status, day_seq) over w as status,
    event_date as valid_from,
    lead(event_date) over (partition by item_id order by event_date) as valid_to
from days
window w as (partition by item_id order by event_date rows unbounded preceding)
"""


# The statements of schema.sql that schema 6 added or changed, in order.
UPGRADE_5 = (
    "create table status_span",
    "create index status_span_item",
    "create macro status_at",
    "create macro item_facts_of",
    "create view item_facts_live",
    "create table item_fact",
    "create index item_fact_item",
    "create view item_facts as",
    "create macro items_at",
)


def spans_sql(item_ids: bool = False) -> str:
    """The spans rebuilt from item_event: all of them, or (item_ids) those of the items in $ids."""
    return SPANS.format(where="where list_contains($ids, item_id)" if item_ids else "")


def refresh(con: duckdb.DuckDBPyConnection, item_ids: Iterable[str] | None = None, prune: bool = False) -> None:
    """Rebuild the spans and facts of these items (all items when None) from item_event and the ledgers, inside
    the caller's transaction. prune also drops the rows of items that no longer exist (an import that replaced
    a league's items)."""
    if item_ids is None:
        for table in ("status_span", "item_fact"):
            con.execute(f"delete from {table}")
        con.execute(f"insert into status_span {spans_sql()}")
        con.execute("insert into item_fact select * from item_facts_live")
        return
    ids = sorted(set(item_ids))
    if ids:
        for table in ("status_span", "item_fact"):
            con.execute(f"delete from {table} where list_contains($ids, item_id)", {"ids": ids})
        con.execute(f"insert into status_span {spans_sql(item_ids=True)}", {"ids": ids})
        con.execute("insert into item_fact select * from item_facts_of($ids)", {"ids": ids})
    if prune:
        con.execute("delete from status_span where item_id not in (select item_id from item_event)")
        con.execute("delete from item_fact where item_id not in (select item_id from item)")


def upgrade(path: Path) -> bool:
    """Bring a schema-5 or schema-6 database file to the current schema in place (under the writer lock); False
    if it is at neither."""
    from ledger import stored_schema_version
    from ledger.writing import open_for_writing, writer_lock

    with writer_lock(path):
        version = stored_schema_version(path)
        if version not in ("5", "6"):
            return False
        con = open_for_writing(path)
        try:
            if version == "5":
                upgrade_from_v5(con)
            upgrade_from_v6(con)
        finally:
            con.close()
    return True


def upgrade_from_v6(con: duckdb.DuckDBPyConnection) -> None:
    """Schema 6 → 7 in place, in one transaction: an evidence file can be withdrawn (who, when, why), its row and
    file kept. Every existing file stays counted."""
    con.execute("begin transaction")
    try:
        for column, kind in (
            ("withdrawn_by", "varchar"),
            ("withdrawn_at", "timestamp"),
            ("withdrawn_reason", "varchar"),
        ):
            con.execute(f"alter table evidence add column if not exists {column} {kind}")
        con.execute("update meta set value = '7' where key = 'schema_version'")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def upgrade_from_v5(con: duckdb.DuckDBPyConnection) -> None:
    """Schema 5 → 6 in place, in one transaction: add status_span and item_fact and fill them from the log and
    the ledgers (nothing else changes, so a database with imported ledgers keeps every row)."""
    con.execute("begin transaction")
    try:
        for head in UPGRADE_5:
            statement = _schema_statement(head)
            for kind in ("macro", "view"):
                statement = statement.replace(f"create {kind}", f"create or replace {kind}")
            con.execute(statement)
        refresh(con)
        con.execute("update meta set value = '6' where key = 'schema_version'")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def _schema_statement(head: str) -> str:
    """The statement of schema.sql that starts with head (the upgrade runs the schema's own definitions)."""
    text = SCHEMA.read_text(encoding="utf-8")
    start = text.index(head)
    return text[start : text.index(";\n", start) + 1]  # no statement of schema.sql has ";\n" inside
