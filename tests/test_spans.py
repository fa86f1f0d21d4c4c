"""Derived tables (ledger/spans.py): the status spans and item facts kept in step with item_event and the
ledgers equal those rebuilt from them after the demo build, a workflow action (a 销号 too) and an import;
status_at over spans equals a replay of the log on every date; a schema-5 database is upgraded in place."""

import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from ledger import SCHEMA_VERSION, rules, spans, stored_schema_version
from ledger import workflow as wf
from ledger.evidence import check_evidence
from ledger.importing import apply_import
from ledger.migrate import upgrade
from ledger.writing import transaction
from tests.conftest import DEMO_USERS
from tests.test_import import GOOD, plan, xlsx

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# The log replayed the way status_at did before spans: each item's latest event by seq on or before a date.
REPLAY = """
select item_id, arg_max(status, seq) as status, max(event_date) as status_date
from item_event where event_date <= $d group by item_id
"""


def kept_and_rebuilt(con: duckdb.DuckDBPyConnection) -> tuple[list, list]:
    """The status spans and item facts as kept, and as rebuilt from item_event and the ledgers."""
    kept = con.execute("select item_id, seq, status, valid_from, valid_to from status_span order by all").fetchall()
    rebuilt = con.execute(f"select * from ({spans.spans_sql()}) order by all").fetchall()
    facts = con.execute("select * from item_fact order by item_id").fetchall()
    live = con.execute("select * from rules.item_facts_of(null) order by item_id").fetchall()
    assert len(facts) == con.execute("select count(*) from item").fetchone()[0]
    return [*kept, *facts], [*rebuilt, *live]


def replay_differences(con: duckdb.DuckDBPyConnection, days: list[date]) -> int:
    """Rows in which status_at (spans) and the replay of the log disagree, over all the given dates (one query:
    the spans' range lookup and the replay, each for every date)."""
    (n,) = con.execute(
        """
        with days as (select unnest($days) as d),
        spans as (
            select d, s.item_id, s.status, s.valid_from as status_date from days, status_span s
            where s.valid_from <= d and (s.valid_to > d or s.valid_to is null)
        ),
        replay as (
            select d, e.item_id, arg_max(e.status, e.seq) as status, max(e.event_date) as status_date
            from days, item_event e where e.event_date <= d group by d, e.item_id
        )
        select count(*) from ((from spans except all from replay) union all (from replay except all from spans))
        """,
        {"days": days},
    ).fetchone()
    spot = days[len(days) // 2]  # and the macro itself is that range lookup
    (m,) = con.execute(
        f"select count(*) from ((from rules.status_at($d) except all ({REPLAY})) union all (({REPLAY}) except all"
        " from rules.status_at($d)))",
        {"d": spot},
    ).fetchone()
    return n + m


def event_dates(con: duckdb.DuckDBPyConnection) -> list[date]:
    """Every date an event falls on, the day before each, and a date after all of them."""
    days = [r[0] for r in con.execute("select distinct event_date from item_event order by 1").fetchall()]
    return sorted({*days, *(d - timedelta(days=1) for d in days), days[-1] + timedelta(days=400)})


@pytest.fixture
def db(demo_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "ledger.duckdb"
    shutil.copyfile(demo_db, path)
    return path


def test_demo_build_keeps_the_spans_the_log_gives(demo_db: Path) -> None:
    con = rules.install(duckdb.connect(str(demo_db), read_only=True))
    kept, rebuilt = kept_and_rebuilt(con)
    spans_n, events, items = con.execute(
        "select (select count(*) from status_span), (select count(*) from item_event), (select count(*) from item)"
    ).fetchone()
    assert items < spans_n <= events
    assert kept == rebuilt
    assert replay_differences(con, event_dates(con)) == 0
    con.close()


def test_status_at_over_spans_equals_the_replay_even_for_events_entered_out_of_date_order(db: Path) -> None:
    con = rules.install(duckdb.connect(str(db)))
    item = con.execute("select item_id from item_event group by 1 having count(*) >= 3 order by 1 limit 1").fetchone()
    # a late entry dated before the item's latest event, and two events on one day (the later seq wins)
    con.execute(
        "insert into item_event (item_id, seq, event_date, status, note) select item_id, max(seq) + 1,"
        " min(event_date) + 1, '已销号', '补录' from item_event where item_id = $i group by 1", {"i": item[0]}
    )  # fmt: skip
    con.execute(
        "insert into item_event (item_id, seq, event_date, status, note) select item_id, max(seq) + 1,"
        " max(event_date), '整改中', '同日' from item_event where item_id = $i group by 1", {"i": item[0]}
    )  # fmt: skip
    spans.refresh(con, [item[0]])
    kept, rebuilt = kept_and_rebuilt(con)
    assert kept == rebuilt
    assert replay_differences(con, event_dates(con)) == 0
    con.close()


def test_a_workflow_action_keeps_the_spans_in_step_in_its_transaction(db: Path) -> None:
    con = rules.install(duckdb.connect(str(db)))
    item = con.execute(
        "select item_id from rules.status_at(date '2030-01-01') join item using (item_id) join park using (park_id)"
        " where league_code = '150200' and status in ('待整改', '整改中') order by item_id limit 1"
    ).fetchone()[0]
    league, admin = DEMO_USERS["demo-150200"], DEMO_USERS["demo-admin"]
    now = datetime(2026, 3, 2, 10, 0)
    with transaction(con, db) as cur:
        seq = wf.record_progress(cur, league, item, wf.item_state(cur, item).seq, "已整改", "已完成整改",
                                 files=[check_evidence("验收.pdf", PDF)], now=now)  # fmt: skip
    with transaction(con, db) as cur:
        seq = wf.review(cur, admin, item, seq, approve=False, reason="佐证不足", now=now + timedelta(days=1))
    kept, rebuilt = kept_and_rebuilt(con)
    assert kept == rebuilt
    other = con.execute(
        "select item_id from rules.status_at(date '2030-01-01') join item using (item_id) join park using (park_id)"
        " where league_code = '150200' and status = '已整改' and evidence is not null order by item_id limit 1"
    ).fetchone()[0]
    with transaction(con, db) as cur:
        wf.review(cur, admin, other, wf.item_state(cur, other).seq, approve=True, now=now)
    closed = con.execute("select closed_date from item_facts where item_id = $i", {"i": other}).fetchone()
    assert closed == (date(2026, 3, 2),)
    assert kept_and_rebuilt(con)[0] == kept_and_rebuilt(con)[1]
    status = con.execute("select status from rules.status_at(date '2026-03-02') where item_id = $i", {"i": item})
    assert status.fetchone() == ("已整改",)
    assert con.execute(
        "select status from rules.status_at(current_date) where item_id = $i", {"i": item}
    ).fetchone() == ("整改中",)
    assert replay_differences(con, [date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3)]) == 0
    con.close()


def test_a_rolled_back_action_leaves_no_span(db: Path) -> None:
    con = rules.install(duckdb.connect(str(db)))
    before = kept_and_rebuilt(con)[0]
    item = before[0][0]
    with pytest.raises(RuntimeError), transaction(con, db) as cur:
        wf._event(cur, wf.item_state(cur, item), "整改中", DEMO_USERS["demo-admin"], datetime(2026, 3, 2), "x")
        raise RuntimeError("stop before the commit")
    assert kept_and_rebuilt(con) == (before, before)
    con.close()


def test_an_import_keeps_the_spans_in_step_and_drops_those_of_replaced_items(db: Path) -> None:
    data = xlsx(GOOD)
    checked = plan(data, path=db)
    assert checked.replaced_demo > 0
    apply_import(checked, data, db, "测试")
    con = rules.install(duckdb.connect(str(db)))
    kept, rebuilt = kept_and_rebuilt(con)
    assert kept == rebuilt
    assert {r[0] for r in kept} == {r[0] for r in con.execute("select item_id from item_event").fetchall()}
    assert con.execute(
        "select status from rules.status_at(date '2022-12-31') where item_id = 'BT-LD-001'"
    ).fetchone() == ("已整改",)
    assert replay_differences(con, event_dates(con)) == 0
    con.close()


def as_schema_5(path: Path) -> None:
    """What a database built before schema 6 looks like (tests/fixtures/schema_v5.sql is schema.sql at version
    5): no status_span, item_fact or item_facts_of; item_facts the eight joins; status_at replaying the log."""
    v5 = (Path(__file__).parent / "fixtures" / "schema_v5.sql").read_text(encoding="utf-8")

    def statement(head: str) -> str:
        start = v5.index(head)
        return v5[start : v5.index(";\n", start) + 1]

    con = duckdb.connect(str(path))
    con.execute("drop view item_facts")
    con.execute("drop table item_fact")
    con.execute("drop table status_span")
    con.execute(statement("create view item_facts as"))
    for head in (  # and the rules it stored (ledger/migrate.py drops them)
        "create macro status_at",
        "create macro deadline_at",
        "create macro items_at",
        "create macro ledger_rows",
        "create view threshold_row",
        "create macro score_weights",
    ):
        con.execute(statement(head))
    con.execute("update meta set value = '5' where key = 'schema_version'")
    con.close()


def test_a_schema_5_database_with_imports_is_upgraded_in_place_when_the_app_opens_it(db: Path, monkeypatch) -> None:
    data = xlsx(GOOD)
    apply_import(plan(data, path=db), data, db, "测试")
    as_schema_5(db)
    con = duckdb.connect(str(db))
    before = con.execute("select count(*), (select count(*) from item_event) from item").fetchone()
    con.close()
    assert stored_schema_version(db) == "5"
    upgrade(db)  # as the app does when it starts (ledger/migrate.py), before it opens the database
    assert stored_schema_version(db) == SCHEMA_VERSION == "8"
    con = rules.install(duckdb.connect(str(db)))
    assert con.execute("select count(*), (select count(*) from item_event) from item").fetchone() == before
    assert con.execute("select count(*) from import_batch").fetchone() == (1,)
    kept, rebuilt = kept_and_rebuilt(con)
    assert kept == rebuilt and kept
    assert replay_differences(con, event_dates(con)) == 0
    con.close()


def test_demo_if_missing_upgrades_a_schema_5_database_instead_of_rebuilding_it(db: Path, monkeypatch) -> None:
    from ledger.__main__ import main

    con = duckdb.connect(str(db))
    con.execute("update item set title = '升级后仍在' where item_id = (select min(item_id) from item)")
    con.close()
    as_schema_5(db)
    monkeypatch.setenv("LEDGER_DB", str(db))
    assert main(["demo", "--if-missing"]) == 0
    assert stored_schema_version(db) == SCHEMA_VERSION
    con = rules.install(duckdb.connect(str(db), read_only=True))
    assert con.execute("select count(*) from item where title = '升级后仍在'").fetchone() == (1,)
    assert kept_and_rebuilt(con)[0] == kept_and_rebuilt(con)[1]
    con.close()


def as_schema_7(path: Path) -> None:
    """What a file of schema 7 lacks: every statement schema 8 added (ledger/migrate.py ADDED_IN_8), dropped."""
    from ledger.migrate import ADDED_IN_8

    con = duckdb.connect(str(path))
    for head in reversed(ADDED_IN_8):
        words = head.split()
        if words[0] != "alter":  # DuckDB cannot drop a column of a referenced table: test_a_schema_7_schema_…
            con.execute(f"drop {words[1]} if exists {words[-1]}")
    con.execute("update meta set value = '7' where key = 'schema_version'")
    con.close()


def test_a_schema_7_file_gains_schema_8s_tables_in_place_with_every_row_kept(db: Path) -> None:
    tables = "select table_name from duckdb_tables() order by 1"
    con = duckdb.connect(str(db))
    con.execute("update item set title = '升级后仍在' where item_id = (select min(item_id) from item)")
    wanted = con.execute(tables).fetchall()
    con.close()
    as_schema_7(db)
    con = duckdb.connect(str(db))
    older = [t for t in con.execute(tables).fetchall()]
    counts = {t: con.execute(f"select count(*) from {t}").fetchone() for (t,) in older}
    con.close()
    assert len(older) < len(wanted) and stored_schema_version(db) == "7"
    assert upgrade(db)
    con = duckdb.connect(str(db))
    assert stored_schema_version(db) == SCHEMA_VERSION == "8"
    assert con.execute(tables).fetchall() == wanted
    assert {t: con.execute(f"select count(*) from {t}").fetchone() for (t,) in older} == counts
    assert con.execute("select count(*) from item where title = '升级后仍在'").fetchone() == (1,)
    con.close()


def test_a_schema_7_schema_gains_the_columns_schema_8_adds(tmp_path: Path) -> None:
    """The schema as it was at 7 (schema.sql without ADDED_IN_8's statements) upgraded: the added columns are there."""
    from ledger import SCHEMA
    from ledger.migrate import ADDED_IN_8, _schema_statement

    text = SCHEMA.read_text(encoding="utf-8")
    for head in ADDED_IN_8:
        text = text.replace(_schema_statement(head), "")
    path = tmp_path / "v7.duckdb"
    con = duckdb.connect(str(path))
    con.execute(text.replace("('schema_version', '8')", "('schema_version', '7')"))
    columns = (  # on the enterprise ledgers (utility_use has the column from its creation)
        "select count(*) from duckdb_columns() where column_name = 'credit_code'"
        " and table_name in ('stalled', 'built_project')"
    )
    assert con.execute(columns).fetchone() == (0,)
    con.close()
    assert upgrade(path) and stored_schema_version(path) == "8"
    con = duckdb.connect(str(path))
    assert con.execute(columns).fetchone() == (2,)  # stalled and built_project
    con.close()
