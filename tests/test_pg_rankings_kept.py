"""The rankings' figures kept on PostgreSQL (ledger/kept/rankings.py): after the copy, the candidates kept per park and
year and each candidate project's shortfall count (candidate_project) equal rules.shortfalls, and the parks' kept
sums equal those of their valid projects; after workflow writes on 园区指标 items (one rectified and approved) and an
import-like change (an item removed, one added for another candidate, refreshed with prune as ledger/importing
does), the candidates' kept item changes equal a rebuild, and
their sums at several dates equal the listed and rectified items counted from rules.items_at."""

from datetime import date

import psycopg
import pytest

from auth.roles import User
from ledger import spans
from ledger import workflow as wf
from ledger.evidence import check_evidence
from ledger.kept import rankings
from ledger.writing import PgCursor, transaction
from tests.conftest import DEMO_USERS
from tests.test_pg_kpis import act, at

pytestmark = pytest.mark.postgres
ADMIN = DEMO_USERS["demo-admin"]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DATES = [date(2022, 8, 15), date(2023, 3, 5), date(2023, 6, 8), date(2023, 10, 1), date(2026, 12, 31)]
YEARS = [2019, 2022, 2023, 2024, 2030]
# Listed and rectified 园区指标 items of the candidates per league and project year on a date, from every item.
FROM_ITEMS = """
select c.league_code, c.year, count(*), count(*) filter (where x.is_rectified)
from (select distinct project_id, league_code, year from project_shortfall) c
join indicator i using (project_id)
join rules.items_at(%(asof)s) x on x.item_id = i.item_id and x.ledger = 'indicator'
group by 1, 2
"""
KEPT = """
select league_code, year, sum(listed), sum(rectified) from candidate_change where day <= %(asof)s
group by 1, 2 having sum(listed) <> 0
"""
# Candidate projects completed before a year per league: rules.shortfalls against the kept counts
SHORTFALLS = """
select p.league_code, count(distinct s.project_id)
from rules.shortfalls(%(year)s) s join built_project b using (project_id) join park p on p.park_id = b.park_id
group by 1
"""
KEPT_CANDIDATES = """
select league_code, sum(candidates) from park_year_total
where year = least(%(year)s - 1, (select max(year) from park_year_total)) group by 1 having sum(candidates) > 0
"""
# Each candidate project once: its shortfalls counted from rules.shortfalls (every year), its names and place
CANDIDATE_PROJECTS = """
select s.project_id, count(*), p.name, b.name, b.park_id, p.league_code, b.year
from rules.shortfalls((select max(year) + 1 from built_project)) s
join built_project b using (project_id)
join park p on p.park_id = b.park_id
group by s.project_id, p.name, b.name, b.park_id, p.league_code, b.year
"""
# Each park's valid projects, land and output completed by a year, from the projects and kept (exact sums rounded once)
FROM_PROJECTS = """
select park_id, count(*), sum(land_mu)::double precision, sum(output_wan)::double precision
from built_project
where year <= %(year)s and rules.valid_project(land_mu, investment_wan, output_wan, tax_wan, floor_area_m2)
group by 1
"""
KEPT_SUMS = """
select park_id, projects, land_mu, output_wan
from park_year_total where year = least(%(year)s, (select max(year) from park_year_total)) and projects > 0
"""


def rows(con: psycopg.Connection, sql: str, keys: int, **params: object) -> dict[tuple, tuple]:
    """The rows by their first `keys` columns."""
    return {tuple(r[:keys]): tuple(r[keys:]) for r in con.execute(sql, params).fetchall()}


def kept_changes(con: psycopg.Connection) -> dict[str, list[tuple]]:
    """The kept changes that change something (a take-back leaves a day's sums at zero where a rebuild has no row)."""
    return {
        table: sorted(con.execute(f"select * from {table} where listed <> 0 or rectified <> 0").fetchall(), key=repr)
        for table in ("candidate_item_change", "candidate_change")
    }


def test_the_copy_keeps_each_years_candidates_and_park_sums_equal_to_the_projects(pg: psycopg.Connection) -> None:
    assert pg.execute("select count(*) from candidate_change").fetchone()[0] > 0
    assert rows(pg, "select * from candidate_project", 1) == rows(pg, CANDIDATE_PROJECTS, 1)
    for year in YEARS:
        assert rows(pg, KEPT_CANDIDATES, 1, year=year) == rows(pg, SHORTFALLS, 1, year=year), year
        assert rows(pg, KEPT_SUMS, 1, year=year) == rows(pg, FROM_PROJECTS, 1, year=year), year


def test_after_workflow_writes_and_an_import_the_candidates_items_equal_a_rebuild_and_the_count(pg) -> None:
    worked, removed = (
        r[0]
        for r in pg.execute(
            """select i.item_id from indicator i join item_fact f using (item_id)
               where f.current_status in ('待整改', '整改中') and f.found_date < '2023-01-01'
               order by i.item_id limit 2"""
        ).fetchall()
    )
    project, park = pg.execute(  # a candidate without a 园区指标 item yet: the import lists it
        """select s.project_id, s.park_id from project_shortfall s
           where s.project_id not in (select project_id from indicator) order by s.project_id limit 1"""
    ).fetchone()
    league = pg.execute("select league_code from item_fact where item_id = %s", (worked,)).fetchone()[0]
    user = User(f"t-{league}", "league", league)
    seq = act(wf.record_progress, user, worked, wf.item_state(PgCursor(pg), worked).seq, "整改中", "推进",
              now=at("2023-03-01"))  # fmt: skip
    seq = act(wf.record_progress, user, worked, seq, "已整改", "完成", files=[check_evidence("a.pdf", PDF)],
              now=at("2023-04-01"))  # fmt: skip
    act(wf.review, ADMIN, worked, seq, True, now=at("2023-05-15"))
    with transaction() as cur:  # an import of 园区指标: one item removed, one added for another candidate
        for table in ("item_event", "evidence", "deadline_request", "indicator", "item"):
            cur.execute(f"delete from {table} where item_id = $i", {"i": removed})
        cur.execute("insert into item select 'TESTIND1', ledger, $p, '新导入的低效项目', '2023-02-01', '2023-09-30',"
                    " responsible_unit, measure, null, null, null from item where item_id = $i",
                    {"p": park, "i": worked})  # fmt: skip
        cur.execute("insert into indicator select 'TESTIND1', $b, indicator, value, threshold from indicator"
                    " where item_id = $i", {"b": project, "i": worked})  # fmt: skip
        cur.execute(
            "insert into item_event (item_id, seq, event_date, status, note) values"
            " ('TESTIND1', 1, '2023-02-01', '待整改', '导入'), ('TESTIND1', 2, '2023-06-01', '已整改', '导入')"
        )
        spans.refresh(cur, [removed, "TESTIND1"], prune=True)
    kept = kept_changes(pg)
    for asof in DATES:
        assert rows(pg, KEPT, 2, asof=asof) == rows(pg, FROM_ITEMS, 2, asof=asof), asof
    assert pg.execute("select count(*) from candidate_item_change where item_id = %s", (removed,)).fetchone()[0] == 0
    with pg.transaction():
        rankings.rebuild(PgCursor(pg))
        assert kept_changes(pg) == kept
        raise psycopg.Rollback  # leave the kept rows as the writes made them
