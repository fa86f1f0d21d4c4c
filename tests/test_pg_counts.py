"""The counts kept on PostgreSQL for what every page asks (ledger/kept/counts.py): after the demo's copy, and
after a workflow write and an import-like change (an item removed from a park no other changed item is in, one
moved to another park, one imported onto a rectified item's parcel, an enterprise's code given to another), the kept
rows equal a rebuild from scratch and the counts from every item, and counted_once's kept figures for the region and
each league equal the DuckDB query's (transpiled, counting every item) at several dates."""

from datetime import date

import psycopg
import pytest

from charts.ledgers import sum_fields
from ledger import kept, spans
from ledger import workflow as wf
from ledger.kept import counts
from ledger.writing import PgCursor, transaction
from queries import NO_FILTER, dialect
from queries.db import sql_text
from tests.test_pg_kpis import DATES, act, at, open_items, worker

pytestmark = pytest.mark.postgres

# Each kept table's rows, and the same figures counted from the truth as the queries count them
KEPT = {
    "park_item_count": "select park_id, league_code, ledger, found_date, items, imported, placed from park_item_count"
    " where items <> 0",
    "item_count": "select * from item_count",
    "survey_count": "select park_id, league_code, surveyed_date, infra_projects, infra_incomplete_procedures,"
    " infra_unfinished_or_idle, stopped_enterprises from survey_count",
    "once_key": "select * from once_key",
    "item_once_change": "select * from item_once_change",
    "once_change": "select * from once_change where items <> 0 or area_sum <> 0 or energy_sum <> 0 or water_sum <> 0",
    "item_status_change": "select * from item_status_change",
    "ledger_status_change": "select * from ledger_status_change"
    " where items <> 0 or overdue <> 0 or value_1 <> 0 or value_2 <> 0 or value_3 <> 0 or overdue_1 <> 0"
    " or overdue_2 <> 0 or overdue_3 <> 0",
}
FROM_TRUTH = {
    "park_item_count": """
        select i.park_id, p.league_code, i.ledger, i.found_date, count(*),
            count(*) filter (where i.batch_id is not null),
            count(*) filter (where coalesce(l.lat, s.lat, r.lat) is not null
                               and coalesce(l.lon, s.lon, r.lon) is not null)
        from item i join park p using (park_id)
        left join land l using (item_id) left join stalled s using (item_id) left join infrastructure r using (item_id)
        group by 1, 2, 3, 4""",
    "survey_count": """
        select park_id, league_code, surveyed_date, sum(infra), sum(incomplete), sum(unfinished), sum(stopped)
        from (
            select park_id, surveyed_date, 1 as infra, (not procedures_complete)::int as incomplete,
                (build_status <> '已建成投运')::int as unfinished, 0 as stopped
            from infra_survey
            union all
            select park_id, surveyed_date, 0, 0, 0,
                case when stopped_since <= surveyed_date - interval '1 year' then 1 else 0 end
            from stopped_enterprise
        ) s join park using (park_id)
        group by 1, 2, 3""",
}


def differences(con: psycopg.Connection, kept: str, counted: str, params: dict, counting: dict) -> list[tuple]:
    """(league, date, kept rows, rows counted from every item) wherever the kept figures differ, for the region and
    each league at several dates."""
    leagues = [None, *(r[0] for r in con.execute("select league_code from league order by 1"))]
    found = []
    for league in leagues:
        for asof in DATES:
            asked = params | {"league": league, "park": None, "asof": asof}
            mine, theirs = rounded(con.execute(kept, asked)), rounded(con.execute(counted, asked | counting))
            if mine != theirs:
                found.append((league, asof, mine, theirs))
    return found


def rounded(cursor: psycopg.Cursor) -> list[tuple]:
    """The rows with floats to 6 decimals (a sum of doubles differs from the exact sum in the last bits)."""
    return [tuple(round(v, 6) if isinstance(v, float) else v for v in row) for row in cursor.fetchall()]


def counted_once_differences(con: psycopg.Connection) -> list[tuple]:
    """counted_once's kept figures against the DuckDB query's text (transpiled), which counts every item."""
    return differences(con, dialect.postgres_text("counted_once"), dialect.transpile(sql_text("counted_once")), {}, {})


def ledger_totals_differences(con: psycopg.Connection) -> list[tuple]:
    """Each ledger list's totals (per status: items, overdue, its summed columns), all items and 只看超期, summed from
    the kept status changes against the same text counting every item: a search for '' matches every item and makes
    it count."""
    found = []
    for ledger in counts.LEDGER_VALUES:
        shape = ("totals", "status", ("overdue",), sum_fields(ledger))
        text = dialect.postgres_shaped(f"ledger_{ledger}", shape)[0]
        for only in (None, True):
            params = NO_FILTER | {"user_park": None, "overdue_only": only}
            found += [(ledger, only, *d) for d in differences(con, text, text, params, {"search": ""})]
    return found


def rows(con: psycopg.Connection, sql: str) -> list[tuple]:
    return sorted(con.execute(sql).fetchall(), key=repr)


@pytest.mark.parametrize("table", FROM_TRUTH)
def test_the_copy_keeps_counts_equal_to_counting_the_truth(pg: psycopg.Connection, table: str) -> None:
    kept = rows(pg, KEPT[table])
    assert kept
    assert kept == rows(pg, FROM_TRUTH[table])


def test_the_copy_keeps_counted_once_equal_to_counting_every_item(pg: psycopg.Connection) -> None:
    assert pg.execute("select count(*) from once_change where parcel is not null").fetchone()[0] > 0
    assert counted_once_differences(pg) == []


def test_the_copy_keeps_ledger_totals_equal_to_counting_every_item(pg: psycopg.Connection) -> None:
    assert ledger_totals_differences(pg) == []


def test_after_a_workflow_write_and_an_import_the_kept_counts_equal_a_rebuild_and_the_truth(pg) -> None:
    (worked,) = open_items(pg, 1, deadline_before=date(2023, 5, 1))
    seq = wf.item_state(PgCursor(pg), worked).seq
    act(wf.record_progress, worker(pg, worked), worked, seq, "整改中", "推进", now=at("2023-03-01"))
    moved, source = open_items(pg, 2, deadline_before=date(2026, 1, 1), ledger="land")
    touched = pg.execute("select array_agg(park_id) from item where item_id in (%s, %s)", (moved, source)).fetchone()[0]
    removed, other_park = pg.execute(  # an item of a park no refreshed item is in, and a park for the moved one
        "select min(item_id), (select min(park_id) from park where not park_id = any(%(t)s)) from item"
        " where ledger = 'land' and not park_id = any(%(t)s)",
        {"t": touched},
    ).fetchone()
    rectified = "select min(item_id) from item_fact where ledger = %s and current_status = '已销号'"
    parcel = pg.execute(f"select parcel_code from land where item_id = ({rectified})", ("land",)).fetchone()[0]
    merged, merging = pg.execute(  # two rectified enterprises with energy figures and codes of their own
        "select min(item_id), max(item_id) from stalled join item_fact using (item_id)"
        " where current_status = '已销号' and energy_tce is not null and credit_code is not null"
    ).fetchone()
    with transaction() as cur:  # an import: an item moved to another park, one removed, one added (imported)
        cur.execute("update stalled set credit_code = (select credit_code from stalled where item_id = $m)"
                    " where item_id = $i", {"m": merged, "i": merging})  # fmt: skip
        cur.execute("update item set park_id = $p where item_id = $i", {"p": other_park, "i": moved})
        for table in ("item_event", "evidence", "deadline_request", "recheck_file", "recheck_task", "land", "item"):
            cur.execute(f"delete from {table} where item_id = $i", {"i": removed})
        cur.execute("insert into import_batch select 9001, 'land', league_code, 'f.xlsx', 'x', now(), 1, 't'"
                    " from park where park_id = $p", {"p": other_park})  # fmt: skip
        cur.execute("insert into item select 'TESTNEW1', ledger, park_id, '新导入的闲置地块', '2023-02-01',"
                    " '2023-04-30', responsible_unit, measure, null, null, 9001 from item where item_id = $i",
                    {"i": source})  # fmt: skip
        cur.execute("insert into land select 'TESTNEW1', land_kind, 33.25, approved_date, idle_since, cause,"
                    " disposal, $parcel, null, null, null from land where item_id = $i",
                    {"i": source, "parcel": parcel})  # fmt: skip
        cur.execute("insert into item_event (item_id, seq, event_date, status, note)"
                    " values ('TESTNEW1', 1, '2023-02-01', '待整改', '导入'),"
                    " ('TESTNEW1', 2, '2023-03-01', '已整改', '导入')")  # fmt: skip
        spans.refresh(cur, [moved, merging, "TESTNEW1"], prune=True)  # as an import: the removed item is not in its ids
    after_writes = {table: rows(pg, sql) for table, sql in KEPT.items()}
    for table in FROM_TRUTH:
        assert after_writes[table] == rows(pg, FROM_TRUTH[table]), table
    assert counted_once_differences(pg) == []
    assert ledger_totals_differences(pg) == []
    with pg.transaction():
        kept.rebuild(PgCursor(pg))
        assert {table: rows(pg, sql) for table, sql in KEPT.items()} == after_writes
        raise psycopg.Rollback  # leave the kept rows as the writes made them
