"""我的待办 and 督办三色 kept on PostgreSQL (todo_span, todo_change; ledger/kept/lights.py): on the copy of the demo
and after a run of workflow writes (returned twice, an extension refused and one approved, events dated in the past)
and an import-like change refreshed with prune, each item's kept state in force on many dates equals what
rules.items_at and rules.lights_at give on that date, the kept counts equal the spans counted, and the kept rows
equal a rebuild from scratch."""

from datetime import date, timedelta

import psycopg
import pytest

from ledger import spans
from ledger import workflow as wf
from ledger.evidence import check_evidence
from ledger.kept import lights
from ledger.writing import PgCursor, transaction
from tests.test_pg_kpis import ADMIN, PDF, act, at, open_items, worker

pytestmark = pytest.mark.postgres
DATES = [date(2022, 7, 1) + timedelta(days=11 * n) for n in range(170)]  # every 11 days to the end of 2027
# Each open (not 已销号) item's state on a date as the rules give it, and as the kept spans in force hold it
FROM_RULES = """
select x.item_id, x.status, x.deadline, x.extensions, x.is_overdue, l.light, l.light_reason,
       x.status <> '已整改' and (x.is_overdue or coalesce(x.deadline - %(asof)s <= 7, false)) as is_due,
       e.reason
from rules.items_at(%(asof)s) x
left join rules.lights_at(%(asof)s) l using (item_id)
left join status_span s
  on s.item_id = x.item_id and s.valid_from <= %(asof)s and (s.valid_to > %(asof)s or s.valid_to is null)
left join item_event e on e.item_id = s.item_id and e.seq = s.seq and e.status = '整改中' and e.reason is not null
where x.status <> '已销号'
"""
KEPT = """
select item_id, status, deadline, extensions, is_overdue, light,
       case when light is not null  -- lights_at's items are the open ones only: no reason for the rectified
           then rules.light_reason(is_overdue, %(asof)s - idle_from, refused, returns, deadline, %(asof)s) end,
       is_due,
       returned_reason
from todo_span where valid_from <= %(asof)s and (valid_to > %(asof)s or valid_to is null)
"""
# The counts per league, ledger and unit on a date: summed from todo_change, and counted from the spans in force
SUMMED = f"""
select league_code, ledger, responsible_unit, {", ".join(f"sum({m})" for m in lights.TODO_MEASURES)}
from todo_change where day <= %(asof)s group by 1, 2, 3
having {" or ".join(f"sum({m}) <> 0" for m in lights.TODO_MEASURES)}
"""
COUNTED = f"""
select league_code, ledger, responsible_unit, {", ".join(f"sum({m})" for m in lights.TODO_MEASURES)}
from (select *, {lights.SPAN_COUNTS} from todo_span
      where valid_from <= %(asof)s and (valid_to > %(asof)s or valid_to is null)) s
group by 1, 2, 3
"""


def rows(con: psycopg.Connection, sql: str, asof: date) -> list[tuple]:
    return sorted(con.execute(sql, {"asof": asof}).fetchall(), key=repr)


def kept_rows(con: psycopg.Connection) -> dict[str, list[tuple]]:
    """The kept rows (todo_change's with a count: a write leaves rows whose changes cancel out)."""
    nonzero = " or ".join(f"{m} <> 0" for m in lights.TODO_MEASURES)
    return {
        "todo_span": sorted(con.execute("select * from todo_span").fetchall(), key=repr),
        "todo_change": sorted(con.execute(f"select * from todo_change where {nonzero}").fetchall(), key=repr),
    }


def in_force(con: psycopg.Connection, item: str, asof: date, columns: str) -> tuple:
    """Some columns of the item's kept span in force on asof."""
    sql = f"select {columns} from todo_span where item_id = %(i)s and valid_from <= %(d)s"
    return con.execute(f"{sql} and (valid_to > %(d)s or valid_to is null)", {"i": item, "d": asof}).fetchone()


def assert_kept_as_the_rules_say(con: psycopg.Connection) -> None:
    for asof in DATES:
        assert rows(con, KEPT, asof) == rows(con, FROM_RULES, asof), asof
        assert rows(con, SUMMED, asof) == rows(con, COUNTED, asof), asof


def test_the_copy_keeps_each_open_items_state_and_light_as_the_rules_give_them(pg: psycopg.Connection) -> None:
    lit = pg.execute("select count(distinct light) from todo_span").fetchone()[0]
    assert lit == 3, "the demo lights items 红, 黄 and 蓝 on some dates"
    assert_kept_as_the_rules_say(pg)


def test_after_returns_extensions_and_an_import_the_kept_state_equals_the_rules_and_a_rebuild(pg) -> None:
    returned, refused, extended = open_items(pg, 3, deadline_before=date(2023, 9, 1))
    changed, removed = open_items(pg, 2, deadline_before=date(2026, 1, 1), ledger="land")
    user = worker(pg, returned)
    seq = act(wf.record_progress, user, returned, wf.item_state(PgCursor(pg), returned).seq, "整改中", "推进",
              now=at("2023-02-20"))  # fmt: skip
    for day, files in (("2023-03-01", [check_evidence("a.pdf", PDF)]), ("2023-04-01", [])):  # returned twice
        seq = act(wf.record_progress, user, returned, seq, "已整改", "完成", files=files, now=at(day))
        seq = act(wf.review, ADMIN, returned, seq, False, "请补充", now=at(day) + timedelta(days=5))
    request = act(wf.request_extension, worker(pg, refused), refused, date(2024, 6, 30), "资金未到位",
                  now=at("2023-02-10"))  # fmt: skip
    act(wf.decide_extension, ADMIN, request, False, "理由不充分", now=at("2023-02-20"))
    for day, new in (("2023-04-20", date(2023, 9, 30)), ("2023-10-10", date(2024, 3, 31))):
        request = act(wf.request_extension, worker(pg, extended), extended, new, "拆迁未完成", now=at(day))
        act(wf.decide_extension, ADMIN, request, True, now=at(day) + timedelta(days=3))
    with transaction() as cur:  # an import: an item's dates corrected, one removed, one added
        cur.execute("update item set found_date = '2022-11-20', deadline = '2023-07-31' where item_id = $i",
                    {"i": changed})  # fmt: skip
        for table in ("item_event", "evidence", "deadline_request", "land", "item"):
            cur.execute(f"delete from {table} where item_id = $i", {"i": removed})
        cur.execute("insert into item select 'TESTNEW2', ledger, park_id, '新导入的闲置地块', '2023-02-01',"
                    " '2023-04-30', responsible_unit, measure, null, null, null from item where item_id = $i",
                    {"i": changed})  # fmt: skip
        cur.execute("insert into land select 'TESTNEW2', land_kind, 33.25, approved_date, idle_since, cause,"
                    " disposal, 'TESTNEW2', null, lat, lon from land where item_id = $i", {"i": changed})  # fmt: skip
        cur.execute(
            "insert into item_event (item_id, seq, event_date, status, note) values"
            " ('TESTNEW2', 1, '2023-02-01', '待整改', '导入'), ('TESTNEW2', 2, '2023-06-01', '整改中', '导入')"
        )
        spans.refresh(cur, [changed, removed, "TESTNEW2"], prune=True)
    assert in_force(pg, returned, date(2023, 4, 7), "returns, is_returned") == (2, True)
    assert in_force(pg, refused, date(2023, 2, 21), "refused") == (1,)
    assert in_force(pg, extended, date(2023, 10, 14), "extensions, deadline") == (2, date(2024, 3, 31))
    assert pg.execute("select count(*) from todo_span where item_id = %s", (removed,)).fetchone()[0] == 0
    assert_kept_as_the_rules_say(pg)
    kept = kept_rows(pg)
    with pg.transaction():
        lights.rebuild(PgCursor(pg))
        assert kept_rows(pg) == kept
        raise psycopg.Rollback  # leave the kept rows as the writes made them
