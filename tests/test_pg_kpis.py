"""The overview's region-wide figures kept on PostgreSQL (kpi_change, item_kpi_change; ledger/kept/kpis.py): after a run
of workflow writes (progress, an application returned and approved, an extension approved, events dated in the past)
and an import-like change of the ledgers (an item's dates and area changed, an item removed, one added, refreshed with
prune as ledger/importing does), the kept changes equal a rebuild from scratch, and their sums at several dates
equal the figures counted from rules.items_at, per league, ledger and category. So do those kept for the views that
compare parks: rectified_any (rectification_curve's count of rectified status spans, found by then or not),
rectified_first_change (phase_progress's items first rectified before a phase), overdue_span (overdue_parks's
overdue items with the deadline then in force) and park_kpi_mark (each park's figures on each mark date)."""

from datetime import date, datetime
from decimal import Decimal

import psycopg
import pytest

from auth.roles import User
from ledger import kept, spans
from ledger import workflow as wf
from ledger.evidence import check_evidence
from ledger.kept import kpis
from ledger.writing import PgCursor, transaction
from tests.conftest import DEMO_USERS

pytestmark = pytest.mark.postgres
ADMIN = DEMO_USERS["demo-admin"]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DATES = [date(2022, 8, 15), date(2022, 12, 31), date(2023, 3, 5), date(2023, 5, 1), date(2023, 6, 8),
         date(2023, 10, 1), date(2026, 12, 31)]  # fmt: skip
# The figures per league (or park), ledger and category on a date, counted from every item as the queries do.
FROM_ITEMS = """
select {unit}, ledger, category,
       count(*), count(*) filter (where is_rectified), count(*) filter (where is_overdue),
       count(*) filter (where status = '待整改'), count(*) filter (where status = '整改中'),
       count(*) filter (where status = '已整改'), count(*) filter (where status = '已销号'),
       coalesce(sum(area_mu), 0), coalesce(sum(area_mu) filter (where is_rectified), 0),
       coalesce(sum(amount_wan), 0), coalesce(sum(amount_wan) filter (where is_rectified), 0),
       coalesce(sum(returned_wan) filter (where is_rectified), 0),
       coalesce(sum(approval_count), 0), coalesce(sum(approval_count) filter (where is_rectified), 0)
from rules.items_at(%(asof)s) group by 1, 2, 3
"""
KEPT = f"""
select {{unit}}, ledger, category, {", ".join(f"sum({m})" for m in kpis.COUNTED_MEASURES)}
from {{table}} where day <= %(asof)s group by 1, 2, 3 having sum(found) <> 0
"""
GRAINS = {"kpi_change": "league_code", "park_kpi_change": "park_id"}  # each kept table by its unit
PHASE_STARTS = (date(2022, 9, 1), date(2023, 1, 1))  # 集中整治 and 长效盘活 (phase_progress's "earlier")
# Each figure of part "parks" (kept, counted from the items) at %(asof)s, with %(start)s a phase's start.
PARKS_FIGURES = {
    "rectified_any": (
        "select {unit}, ledger, category, sum(rectified_any) from {table} where day <= %(asof)s group by 1, 2, 3"
        " having sum(rectified_any) <> 0",
        "select f.{unit}, f.ledger, f.category, count(*) from rules.status_at(%(asof)s) s join item_fact f"
        " using (item_id) where rules.rectified(s.status) group by 1, 2, 3",
    ),
    "first_rectified": (
        "select league_code, category, sum(rectified) from rectified_first_change where day <= %(asof)s"
        " and first_rectified < %(start)s group by 1, 2 having sum(rectified) <> 0",
        "select league_code, category, count(*) from rules.items_at(%(asof)s)"
        " where is_rectified and first_rectified < %(start)s group by 1, 2",
    ),
    "overdue_span": (
        "select item_id, park_id, league_code, ledger, category, area_mu, deadline from overdue_span"
        " where valid_from <= %(asof)s and (valid_to > %(asof)s or valid_to is null)",
        "select item_id, park_id, league_code, ledger, category, area_mu, deadline from rules.items_at(%(asof)s)"
        " where is_overdue",
    ),
}


def figures(con: psycopg.Connection, sql: str, asof: date, table: str = "kpi_change") -> dict[tuple, tuple]:
    text = sql.format(unit=GRAINS[table], table=table)
    return {tuple(r[:3]): tuple(Decimal(v) for v in r[3:]) for r in con.execute(text, {"asof": asof}).fetchall()}


def kept_changes(con: psycopg.Connection, table: str = "kpi_change") -> list[tuple]:
    columns = ", ".join((GRAINS[table], "ledger", "category", "day", *kpis.KPI_MEASURES))
    nonzero = " or ".join(f"{m} <> 0" for m in kpis.KPI_MEASURES)
    return sorted(con.execute(f"select {columns} from {table} where {nonzero}").fetchall(), key=repr)


def every_kept_row(con: psycopg.Connection) -> dict[str, list[tuple]]:
    """Every kept table's rows, sorted (the sums without their rows of zeros), to compare with a rebuild."""
    rows = {table: kept_changes(con, table) for table in GRAINS}
    rows["rectified_first_change"] = sorted(
        con.execute("select * from rectified_first_change where rectified <> 0").fetchall(), key=repr
    )
    rows["park_kpi_mark"] = marks(con, "select * from park_kpi_mark")
    for table in (*kpis.ITEM_KEPT, "kpi_mark"):
        rows[table] = sorted(con.execute(f"select * from {table}").fetchall(), key=repr)
    return rows


def marks(con: psycopg.Connection, sql: str) -> list[tuple]:
    """The rows of park_kpi_mark (or of `sql` with its columns) that are not all zeros, sorted."""
    nonzero = " or ".join(f"{m} <> 0" for m in kpis.KPI_MEASURES)
    return sorted(con.execute(f"select * from ({sql}) q where {nonzero}").fetchall(), key=repr)


def marks_differ(con: psycopg.Connection) -> bool:
    """Whether the figures kept per mark differ from park_kpi_change's sums up to each mark (at least one mark)."""
    assert con.execute("select count(*) from kpi_mark").fetchone()[0] > 0
    summed = f"""
        select m.mark, k.park_id, min(k.league_code) as league_code, k.ledger,
               {", ".join(f"sum(k.{m}) as {m}" for m in kpis.KPI_MEASURES)}
        from park_kpi_change k join kpi_mark m on k.day <= m.mark group by m.mark, k.park_id, k.ledger"""
    return marks(con, "select * from park_kpi_mark") != marks(con, summed)


def parks_figures_differ(con: psycopg.Connection) -> list[str]:
    """The figures of part "parks" on every date (and phase start) where the kept ones differ from the items'."""
    differ = []
    for asof in DATES:
        for start in PHASE_STARTS:
            for name, (kept_sql, counted) in PARKS_FIGURES.items():
                for table, unit in GRAINS.items() if name == "rectified_any" else [(None, None)]:
                    sql = [text.format(unit=unit, table=table) for text in (kept_sql, counted)]
                    got, want = (sorted(con.execute(q, {"asof": asof, "start": start}).fetchall()) for q in sql)
                    if got != want:
                        differ.append(f"{name} {table or ''} {asof} {start}")
    return differ


def open_items(con: psycopg.Connection, n: int, deadline_before: date, ledger: str | None = None) -> list[str]:
    """n items still open now, found in 2022 with a deadline before `deadline_before` (each taken once)."""
    rows = con.execute(
        """select i.item_id from item i join item_fact f using (item_id)
           where f.current_status in ('待整改', '整改中') and i.deadline < %(d)s and i.found_date < '2023-01-01'
             and (%(ledger)s::text is null or i.ledger = %(ledger)s) and not (i.item_id = any(%(taken)s))
           order by i.item_id limit %(n)s""",
        {"d": deadline_before, "n": n, "ledger": ledger, "taken": sorted(TAKEN)},
    ).fetchall()
    assert len(rows) == n
    TAKEN.update(r[0] for r in rows)
    return [r[0] for r in rows]


TAKEN: set[str] = set()


def worker(con: psycopg.Connection, item: str) -> User:
    """A user of the item's league (the one who records its progress and asks for its extension)."""
    league = con.execute("select league_code from item_fact where item_id = %s", (item,)).fetchone()[0]
    return User(f"t-{league}", "league", league)


def act(action, *args, **kwargs):
    with transaction() as cur:
        return action(cur, *args, **kwargs)


def at(day: str) -> datetime:
    return datetime.fromisoformat(day)


@pytest.mark.parametrize("table", GRAINS)
def test_the_copy_keeps_figures_equal_to_counting_every_item(pg: psycopg.Connection, table: str) -> None:
    assert pg.execute(f"select count(*) from {table}").fetchone()[0] > 0
    for asof in DATES:
        assert figures(pg, KEPT, asof, table) == figures(pg, FROM_ITEMS, asof, table), asof


def test_the_copy_keeps_the_figures_comparing_parks_equal_to_counting_every_item(pg: psycopg.Connection) -> None:
    assert pg.execute("select count(*) from overdue_span").fetchone()[0] > 0
    assert pg.execute("select count(*) from rectified_first_change").fetchone()[0] > 0
    assert not parks_figures_differ(pg)
    assert not marks_differ(pg)


def test_after_workflow_writes_and_an_import_the_kept_figures_equal_a_rebuild_and_the_count(pg) -> None:
    worked, extended = open_items(pg, 2, deadline_before=date(2023, 5, 1))
    changed, removed = open_items(pg, 2, deadline_before=date(2026, 1, 1), ledger="land")
    user = worker(pg, worked)
    seq = act(wf.record_progress, user, worked, wf.item_state(PgCursor(pg), worked).seq, "整改中", "推进",
              now=at("2023-03-01"))  # fmt: skip
    seq = act(wf.record_progress, user, worked, seq, "已整改", "完成", files=[check_evidence("a.pdf", PDF)],
              now=at("2023-04-01"))  # fmt: skip
    seq = act(wf.review, ADMIN, worked, seq, False, "请补充", now=at("2023-04-10"))
    seq = act(wf.record_progress, user, worked, seq, "已整改", "补充", now=at("2023-05-01"))
    act(wf.review, ADMIN, worked, seq, True, now=at("2023-05-15"))
    request = act(
        wf.request_extension, worker(pg, extended), extended, date(2023, 9, 30), "拆迁未完成", now=at("2023-04-20")
    )
    act(wf.decide_extension, ADMIN, request, True, now=at("2023-05-01"))
    with transaction() as cur:  # an import: items' dates and area corrected, one removed, one added
        cur.execute("update item set found_date = '2022-11-20', deadline = '2023-07-31' where item_id = $i",
                    {"i": changed})  # fmt: skip
        # found after it was rectified (a corrected found date): the curve counts its rectified span before it
        cur.execute("update item set found_date = '2023-04-20' where item_id = $i", {"i": worked})
        cur.execute("update land set area_mu = area_mu + 12.5 where item_id = $i", {"i": changed})
        for table in ("item_event", "evidence", "deadline_request", "land", "item"):
            cur.execute(f"delete from {table} where item_id = $i", {"i": removed})
        cur.execute("insert into item select 'TESTNEW1', ledger, park_id, '新导入的闲置地块', '2023-02-01',"
                    " '2023-04-30', responsible_unit, measure, null, null, null from item where item_id = $i",
                    {"i": changed})  # fmt: skip
        cur.execute("insert into land select 'TESTNEW1', land_kind, 33.25, approved_date, idle_since, cause,"
                    " disposal, 'TESTNEW1', null, lat, lon from land where item_id = $i", {"i": changed})  # fmt: skip
        cur.execute(
            "insert into item_event (item_id, seq, event_date, status, note) values"
            " ('TESTNEW1', 1, '2023-02-01', '待整改', '导入'), ('TESTNEW1', 2, '2023-06-01', '整改中', '导入')"
        )
        spans.refresh(cur, [changed, removed, worked, "TESTNEW1"], prune=True)
    after_writes = every_kept_row(pg)
    for asof in DATES:
        for table in GRAINS:
            assert figures(pg, KEPT, asof, table) == figures(pg, FROM_ITEMS, asof, table), (asof, table)
    assert not parks_figures_differ(pg)
    assert not marks_differ(pg)
    for table in kpis.ITEM_KEPT:
        assert pg.execute(f"select count(*) from {table} where item_id = %s", (removed,)).fetchone()[0] == 0
    with pg.transaction():
        kept.rebuild(PgCursor(pg))
        assert every_kept_row(pg) == after_writes
        raise psycopg.Rollback  # leave the kept rows as the writes made them


def test_an_approved_extension_takes_an_item_out_of_the_overdue_count_from_the_day_it_is_decided(pg) -> None:
    (item,) = open_items(pg, 1, deadline_before=date(2023, 3, 1))
    league = worker(pg, item).league

    def overdue(asof: date) -> int:
        sql = "select coalesce(sum(overdue), 0) from kpi_change where day <= %s and league_code = %s"
        return pg.execute(sql, (asof, league)).fetchone()[0]

    before = {d: overdue(d) for d in (date(2023, 4, 30), date(2023, 5, 2))}
    request = act(wf.request_extension, worker(pg, item), item, date(2023, 12, 31), "资金未到位", now=at("2023-04-20"))
    act(wf.decide_extension, ADMIN, request, True, now=at("2023-05-01"))
    assert overdue(date(2023, 4, 30)) == before[date(2023, 4, 30)]
    assert overdue(date(2023, 5, 2)) == before[date(2023, 5, 2)] - 1
