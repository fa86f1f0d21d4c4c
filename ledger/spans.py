"""Derived tables kept for speed: status spans (each item's status over date ranges, from item_event) and item
facts (each item with its league, category and quantities, from the ledgers).

item_event and the ledgers stay the truth; status_span and item_fact are kept in step in the same transaction
as every write (demo build, import, 整改销号 workflow, the v5 → v6 upgrade in ledger/migrate.py) through `refresh`, so
that "status at D" (rules.status_at) is a range lookup instead of a replay of every event, and item_facts one scan
instead of eight joins. A test rebuilds both from the truth and compares them with the ones kept. The same
statements run on PostgreSQL (ledger.writing.PgCursor).

A span starts on each date an item has events and lasts until its next such date (valid_to, exclusive; null:
still in force). Its status is that of the latest event (by seq) dated on or before valid_from, exactly what
replaying the log gives for any date in the span, and valid_from is the status date (the latest event date).
"""

from collections.abc import Iterable
from contextlib import nullcontext

import duckdb

from ledger import kept
from ledger.writing import PgCursor, generic_plans, is_postgres, written_join_order

SPANS = """
with days as (
    select item_id, event_date, max(seq) as day_seq
    from item_event
    {where}
    group by item_id, event_date
),
runs as (
    select
        item_id,
        max(day_seq) over w as seq,
        event_date as valid_from,
        lead(event_date) over (partition by item_id order by event_date) as valid_to
    from days
    window w as (partition by item_id order by event_date rows unbounded preceding)
)
select r.item_id, r.seq, e.status, r.valid_from, r.valid_to
from runs r join item_event e on e.item_id = r.item_id and e.seq = r.seq
"""
# A write of at most this many items (a workflow action, an extension: one item) is planned for few rows on PostgreSQL
# (writing.generic_plans, written_join_order): planning would cost more than running; an import's thousands are not.
FEW_ITEMS = 100
# Items in the list $ids, as each engine says it fastest (DuckDB: a list function; PostgreSQL: an array).
IN_IDS = {"duckdb": "list_contains($ids, item_id)", "postgres": "item_id = any($ids)"}


def _engine(con) -> str:
    return "postgres" if is_postgres(con) else "duckdb"


def spans_sql(item_ids: bool = False, engine: str = "duckdb") -> str:
    """The spans rebuilt from item_event (one text for both engines: a span's status is its seq's event's, joined
    by item_event's key): all of them, or (item_ids) those of the items in $ids."""
    return SPANS.format(where=f"where {IN_IDS[engine]}" if item_ids else "")


def refresh(
    con: duckdb.DuckDBPyConnection | PgCursor, item_ids: Iterable[str] | None = None, prune: bool = False
) -> None:
    """Rebuild the spans and facts of these items (all items when None) from item_event and the ledgers, inside
    the caller's transaction (on a connection with the rules: ledger/rules.py). prune also drops the rows of items
    that no longer exist (an import that replaced a league's items)."""
    if item_ids is None:
        for table in ("status_span", "item_fact"):
            con.execute(f"delete from {table}")
        con.execute(f"insert into status_span {spans_sql()}")
        con.execute("insert into item_fact select * from rules.item_facts_of(null)")
        if is_postgres(con):
            kept.rebuild(con)
        return
    ids, engine = sorted(set(item_ids)), _engine(con)
    few = is_postgres(con) and len(ids) <= FEW_ITEMS and not prune
    if ids:
        for table in ("status_span", "item_fact"):
            con.execute(f"delete from {table} where {IN_IDS[engine]}", {"ids": ids})
        con.execute(f"insert into status_span {spans_sql(item_ids=True, engine=engine)}", {"ids": ids})
        with written_join_order(con) if few else nullcontext():
            con.execute("insert into item_fact select * from rules.item_facts_of($ids)", {"ids": ids})
    if prune:
        con.execute("delete from status_span where item_id not in (select item_id from item_event)")
        con.execute("delete from item_fact where item_id not in (select item_id from item)")
    if is_postgres(con) and (ids or prune):
        with generic_plans(con) if few else nullcontext():
            kept.refresh(con, ids, prune)
