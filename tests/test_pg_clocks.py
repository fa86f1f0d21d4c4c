"""The 法定时限 and 回头看 pages' kept rows on PostgreSQL (clock_span, clock_change, item_closed, closed_count:
ledger/kept/clocks.py) after the copy, and after a run of workflow writes on parcels on a clock (an application, its
return, its approval, events dated in the past), a 回头看 draw and an import-like change of the ledgers (a parcel's
agreed start and idle date changed, one removed, one added, refreshed with prune as ledger/importing does): the
parcels the kept rows list on each of several dates are those rules.items_at gives (queries/clocks/land_clocks.sql as
transpiled, reading every item) and their counts per league and stage those counted from every item
(land_clock_totals.sql as transpiled), the draw form's counts per stratum over several periods those counted from
every item (recheck_strata.sql as transpiled), and the kept rows equal a rebuild from scratch."""

from datetime import date, timedelta

import psycopg
import pytest

from ledger import recheck as rc
from ledger import spans
from ledger import workflow as wf
from ledger.evidence import check_evidence
from ledger.kept import clocks
from ledger.writing import PgCursor, transaction
from queries import dialect
from queries.db import sql_files
from tests.conftest import DEMO_USERS
from tests.test_pg_kpis import act, at, worker

pytestmark = pytest.mark.postgres
ADMIN = DEMO_USERS["demo-admin"]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DATES = [date(2022, 8, 15), date(2022, 12, 31), date(2023, 3, 5), date(2023, 5, 1), date(2023, 6, 8),
         date(2023, 10, 1), date(2024, 7, 1), date(2026, 12, 31)]  # fmt: skip
PLACES = ((None, None), ("150200", None), (None, "P031"))  # the region, a league, a park
KEPT = {  # every kept row of this part (closed_count's rows that sum to nothing are as good as none)
    "clock_span": "select item_id, title, league_code, park_id, valid_from, valid_to, land_kind, area_mu,"
    " partly_developed, clock_start, land_price_wan from clock_span",
    "clock_change": "select league_code, stage, day, parcels, partly_developed, area_mu, fee_cap_wan from clock_change"
    " where parcels <> 0 or partly_developed <> 0 or area_mu <> 0 or fee_cap_wan <> 0",
    "item_closed": "select item_id, league_code, park_id, ledger, closed_on from item_closed",
    "closed_count": "select league_code, ledger, closed_on, items from closed_count where items <> 0",
}
PERIODS = [
    (date(2022, 1, 1), date(2023, 6, 8)),
    (date(2023, 1, 1), date(2023, 5, 15)),
    (date(2023, 5, 15), date(2030, 1, 1)),
]


def listed(con: psycopg.Connection, text: str, asof: date, league: str | None, park: str | None) -> list[tuple]:
    rows = con.execute(text, {"league": league, "park": park, "asof": asof}).fetchall()
    return sorted(rows, key=repr)


def rounded(con: psycopg.Connection, text: str, asof: date, league: str | None, park: str | None) -> list[tuple]:
    """The rows with their sums to 6 places (decimal sums on one side, doubles on the other)."""
    return [
        tuple(round(v, 6) if isinstance(v, float) else v for v in row) for row in listed(con, text, asof, league, park)
    ]


def kept_rows(con: psycopg.Connection) -> dict[str, list[tuple]]:
    return {table: sorted(con.execute(select).fetchall(), key=repr) for table, select in KEPT.items()}


def texts(name: str) -> tuple[str, str]:
    """The query's PostgreSQL text (queries/postgres/: the kept rows) and its DuckDB text transpiled (every item)."""
    return dialect.postgres_text(name), dialect.transpile(sql_files()[name].read_text(encoding="utf-8"))


def assert_kept_rows_give_what_every_item_gives(con: psycopg.Connection) -> None:
    kept, every = texts("land_clocks")
    for asof in DATES:
        for league, park in PLACES:
            assert listed(con, kept, asof, league, park) == listed(con, every, asof, league, park), (asof, league)
    kept, every = texts("land_clock_totals")
    for asof in DATES:
        for league, park in PLACES:
            assert rounded(con, kept, asof, league, park) == rounded(con, every, asof, league, park), (asof, league)
    kept, every = texts("recheck_strata")
    for closed_from, closed_to in PERIODS:
        for league, park in PLACES:
            given = {"league": league, "park": park, "closed_from": closed_from, "closed_to": closed_to}
            assert sorted(con.execute(kept, given).fetchall()) == sorted(con.execute(every, given).fetchall()), given


def clock_items(con: psycopg.Connection, n: int, statuses: tuple[str, ...]) -> list[str]:
    """n parcels that have been on a clock, now in one of these statuses (each taken once)."""
    rows = con.execute(
        """select distinct s.item_id from clock_span s join item_fact f using (item_id)
           where f.current_status = any(%(statuses)s) and not (s.item_id = any(%(taken)s))
           order by s.item_id limit %(n)s""",
        {"statuses": list(statuses), "n": n, "taken": sorted(TAKEN)},
    ).fetchall()
    assert len(rows) == n
    TAKEN.update(r[0] for r in rows)
    return [r[0] for r in rows]


TAKEN: set[str] = set()


def test_after_the_copy_the_kept_rows_give_what_every_item_gives(pg: psycopg.Connection) -> None:
    assert all(kept_rows(pg).values())
    assert_kept_rows_give_what_every_item_gives(pg)


def test_after_workflow_writes_and_an_import_the_kept_rows_equal_a_rebuild_and_every_item(pg) -> None:
    (worked,) = clock_items(pg, 1, ("待整改", "整改中"))
    changed, removed = clock_items(pg, 2, ("待整改", "整改中", "已整改", "已销号"))
    user = worker(pg, worked)
    seq = act(wf.record_progress, user, worked, wf.item_state(PgCursor(pg), worked).seq, "整改中", "推进",
              now=at("2023-02-01"))  # fmt: skip
    seq = act(wf.record_progress, user, worked, seq, "已整改", "完成", files=[check_evidence("a.pdf", PDF)],
              now=at("2023-03-01"))  # fmt: skip
    seq = act(wf.review, ADMIN, worked, seq, False, "请补充", now=at("2023-04-10"))
    seq = act(wf.record_progress, user, worked, seq, "已整改", "补充", now=at("2023-05-01"))
    act(wf.review, ADMIN, worked, seq, True, now=at("2023-05-15"))
    drawn = act(rc.draw, ADMIN, *PERIODS[0], 0.2, "demo-admin", date.today() + timedelta(days=30), seed=7)
    assert drawn.sampled  # waiting for an inspection now: out of the population
    with transaction() as cur:  # an import: a parcel's dates changed, one removed, one added with its development
        cur.execute("update item set found_date = '2022-09-20' where item_id = $i", {"i": changed})
        cur.execute("update land set land_kind = '闲置土地', idle_since = '2021-07-03' where item_id = $i",
                    {"i": changed})  # fmt: skip
        cur.execute("delete from land_development where item_id = $i", {"i": changed})
        for table in ("item_event", "evidence", "deadline_request", "land_development", "land", "item"):
            cur.execute(f"delete from {table} where item_id = $i", {"i": removed})
        cur.execute("insert into item select 'TESTNEW1', ledger, park_id, '新导入的闲置地块', '2022-10-01',"
                    " '2023-12-31', responsible_unit, measure, null, null, null from item where item_id = $i",
                    {"i": changed})  # fmt: skip
        cur.execute("insert into land select 'TESTNEW1', '闲置土地', 33.25, approved_date, '2021-11-30', cause,"
                    " disposal, 'TESTNEW1', null, lat, lon from land where item_id = $i", {"i": changed})  # fmt: skip
        cur.execute("insert into land_development (item_id, agreed_start, land_price_wan) values"
                    " ('TESTNEW1', '2021-06-30', 812.50)")  # fmt: skip
        cur.execute(
            "insert into item_event (item_id, seq, event_date, status, note) values"
            " ('TESTNEW1', 1, '2022-10-01', '待整改', '导入'), ('TESTNEW1', 2, '2023-06-01', '已整改', '导入')"
        )
        spans.refresh(cur, [changed, removed, "TESTNEW1"], prune=True)
    assert_kept_rows_give_what_every_item_gives(pg)
    assert pg.execute("select count(*) from clock_span where item_id = %s", (removed,)).fetchone()[0] == 0
    assert pg.execute("select count(*) from clock_span where item_id = 'TESTNEW1'").fetchone()[0] == 1
    kept = kept_rows(pg)
    with pg.transaction():
        clocks.rebuild(PgCursor(pg))
        assert kept_rows(pg) == kept
        raise psycopg.Rollback  # leave the kept rows as the writes made them
