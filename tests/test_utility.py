"""用电核验 (#30): each flag of queries/recheck/utility_flags.sql on monthly series built for its boundary (just
below and at the near-zero line, two months versus three on record, five times the industry's output per kWh), on
both stores, and a flagged item weighted as a suspect in the 回头看 draw."""

from datetime import date

import duckdb
import pytest

import queries
from ledger import postgres, rules
from ledger import recheck as rc
from ledger.writing import PgCursor
from queries.scope import Scope
from tests.conftest import copy_database, demo_in_postgres, read_database

NEAR_ZERO = rules.value_of("rules.near_zero_kwh()")
TIMES = rules.value_of("rules.output_per_kwh_times()")
NUMBERS = iter(range(10_000))
HERE = Scope("150200", None, date(2025, 12, 31))
# ST0001: 停产企业 of 包头, first rectified 2022-12-28, 已销号 on 2023-03-27; ST0029: rectified 2022-12-06, 已整改
CLOSED = "ST0001"


@pytest.fixture
def demo_pg_dsn(pg_server, demo_db, request: pytest.FixtureRequest) -> str:
    return demo_in_postgres(pg_server, demo_db, f"demo_utility_{next(NUMBERS)}")


@pytest.fixture
def db(tmp_path, demo_db, monkeypatch):
    return read_database(copy_database(demo_db, tmp_path), monkeypatch)


@pytest.fixture
def db_path_of(engine: str, db, either):
    """ledger.writing.transaction's arguments: the DuckDB connection and file (unused on PostgreSQL)."""
    return (either, db) if engine == "duckdb" else (None, None)


@pytest.fixture
def either(engine: str, db):
    if engine == "duckdb":
        con = rules.install(duckdb.connect(str(db)))
        yield con
        con.close()
        return
    with postgres.connect(postgres.dsn()) as connection:
        connection.autocommit = True
        yield PgCursor(connection)


@pytest.fixture(autouse=True)
def blank_register(request) -> None:
    """The tests' own series only: the demo's register (and its planted cases) emptied first."""
    if "either" in request.fixturenames:
        request.getfixturevalue("either").execute("delete from utility_use")
    elif "db" in request.fixturenames:
        with duckdb.connect(str(request.getfixturevalue("db"))) as con:
            con.execute("delete from utility_use")


def series(cur, item: str, code: str, months: dict[str, float], table: str = "stalled") -> None:
    """The enterprise of the item given a credit code and these monthly uses ('2023-01': kWh)."""
    if table == "stalled":
        cur.execute("update stalled set credit_code = $c where item_id = $i", {"c": code, "i": item})
    else:
        cur.execute(
            "update built_project set credit_code = $c where project_id = (select project_id from indicator"
            " where item_id = $i)",
            {"c": code, "i": item},
        )
    for month, kwh in months.items():
        cur.execute(
            "insert into utility_use (credit_code, month, electricity_kwh) values ($c, $m, $k)",
            {"c": code, "m": date.fromisoformat(month + "-01"), "k": kwh},
        )


def flags(rule: str) -> list[str]:
    found = queries.utility_flags(HERE)
    return sorted(found[found.rule == rule].item_id)


@pytest.mark.parametrize(
    ("uses", "flagged"),
    [
        ({"2023-01": 10, "2023-02": NEAR_ZERO - 1, "2023-03": 0}, True),  # three months all near zero
        ({"2023-01": 10, "2023-02": NEAR_ZERO, "2023-03": 0}, False),  # one month at the line: producing
        ({"2023-01": 10, "2023-02": 20}, False),  # only two of the three months on record: not judged yet
        ({"2022-12": 0, "2023-01": 10, "2023-02": 20, "2023-04": 0}, False),  # the revival month itself not counted
    ],
)
def test_a_revived_enterprise_near_zero_for_three_months_is_flagged_at_the_boundary(either, uses, flagged) -> None:
    series(either, "ST0029", "91150200TESTREV01", uses)
    assert flags("revived_idle") == (["ST0029"] if flagged else [])


@pytest.mark.parametrize(
    ("uses", "flagged"),
    [
        ({"2023-04": 50_000, "2023-05": 40_000, "2023-06": 900, "2023-07": 0}, True),
        ({"2023-04": 50_000, "2023-05": 40_000, "2023-06": NEAR_ZERO, "2023-07": 0}, False),  # one at the line
        ({"2023-04": 900, "2023-05": 10, "2023-06": 0}, False),  # never used power after closing: no relapse
        ({"2023-03": 50_000, "2023-04": 900, "2023-05": 0}, False),  # the closing month is not after closing
    ],
)
def test_a_closed_enterprise_falling_back_to_near_zero_is_a_relapse(either, uses, flagged) -> None:
    series(either, CLOSED, "91150200TESTREL01", uses)
    assert flags("relapse") == ([CLOSED] if flagged else [])


def _industry(either) -> list[tuple[str, int, float]]:
    """Three 冶金 indicator items of 包头 with their project's year and reported output."""
    return [
        (r[0], int(r[1]), float(r[2]))
        for r in either.execute(
            "select n.item_id, b.year, b.output_wan from indicator n join built_project b using (project_id)"
            " join item_fact f using (item_id) where f.league_code = '150200' and b.industry_category = '冶金'"
            " order by n.item_id limit 3"
        ).fetchall()
    ]


@pytest.mark.parametrize(("times", "flagged"), [(TIMES * 1.01, True), (TIMES * 0.99, False)])
def test_a_project_reporting_output_its_electricity_cannot_back_is_flagged(either, times, flagged) -> None:
    (suspect, year, output), *others = _industry(either)
    per_kwh = 2.0  # 万元 per 万kWh for the other two
    for n, (item, other_year, other_output) in enumerate(others):
        kwh = other_output / per_kwh * 10_000
        series(either, item, f"91150200TESTIND0{n}", {f"{other_year}-06": kwh}, table="indicator")
    series(either, suspect, "91150200TESTIND9", {f"{year}-06": output / (per_kwh * times) * 10_000}, "indicator")
    assert flags("output_unbacked") == ([suspect] if flagged else [])
    if flagged:
        row = queries.utility_flags(HERE).set_index("item_id").loc[suspect]
        assert row.reference == pytest.approx(per_kwh) and row.months == 1


def test_a_flagged_item_weighs_as_a_suspect_in_the_draw(either) -> None:
    def weights() -> dict[str, float]:
        return {c.item_id: c.weight for c in rc.population(either, date(2023, 3, 1), date(2023, 3, 31), "150200")}

    before = weights()
    series(either, CLOSED, "91150200TESTREL02", {"2023-04": 50_000, "2023-05": 40_000, "2023-06": 0, "2023-07": 0})
    after = weights()
    assert after[CLOSED] == before[CLOSED] + rc.RISK["suspect"]
    assert {k: v for k, v in after.items() if k != CLOSED} == {k: v for k, v in before.items() if k != CLOSED}


# --- the register's import ---------------------------------------------------------------------------------------
CODE_A, CODE_B = "91150200MA0N5X2B3C", "91150200MA0N5X2B4D"
GOOD = (
    "统一社会信用代码,月份,用电量（千瓦时）,用水量（吨）\n"
    f"{CODE_A},2024-01,120000,300\n{CODE_A},2024年2月,98000,\n{CODE_B},202401,0,\n"
)
BAD = (
    "统一社会信用代码,月份,用电量（千瓦时）,用水量（吨）\n"
    f"{CODE_A},2024-01,120000,300\n"
    "9115020,2024-01,100,\n"  # 3: code too short
    f"{CODE_A},2024-13,100,\n"  # 4: no such month
    f"{CODE_B},2024-01,-5,\n"  # 5: negative use
    f"{CODE_B},2024-02,,\n"  # 6: no use
    f"{CODE_A},2024-01,1,\n"  # 7: same enterprise and month as row 2
    f"{CODE_B},2024-03,十万,\n"  # 8: not a number
)


def test_a_register_with_bad_rows_reports_every_one_at_once_and_writes_nothing(either) -> None:
    from ledger.utility import UtilityImportError, read_register

    with pytest.raises(UtilityImportError) as refused:
        read_register(BAD.encode("utf-8-sig"), "用电核验.csv")
    rows = [p.split("：")[0] for p in refused.value.problems]
    assert rows == ["第 3 行", "第 4 行", "第 5 行", "第 6 行", "第 7 行", "第 8 行"]
    assert "与第 2 行是同一企业同一月份" in refused.value.problems[4]
    assert either.execute("select count(*) from utility_use").fetchone()[0] == 0


def test_a_good_register_is_stored_in_one_transaction_and_replaces_the_same_months(either, db_path_of) -> None:
    from ledger.utility import read_register, store
    from ledger.writing import transaction
    from tests.conftest import DEMO_USERS

    uses = read_register(GOOD.encode("utf-8-sig"), "用电核验.csv")
    with transaction(*db_path_of) as cur:
        assert store(cur, DEMO_USERS["demo-admin"], uses) == 3
    again = read_register(f"统一社会信用代码,月份,用电量\n{CODE_A},2024-01,5\n".encode(), "补报.csv")
    with transaction(*db_path_of) as cur:
        store(cur, DEMO_USERS["demo-admin"], again)
    stored = either.execute(
        "select credit_code, month, electricity_kwh, water_t from utility_use order by 1, 2"
    ).fetchall()
    assert [tuple(r) for r in stored] == [
        (CODE_A, date(2024, 1, 1), 5.0, None),
        (CODE_A, date(2024, 2, 1), 98000.0, None),
        (CODE_B, date(2024, 1, 1), 0.0, None),
    ]


def test_only_the_region_office_imports_the_register(either, db_path_of) -> None:
    from ledger.utility import UtilityImportError, read_register, store
    from ledger.writing import transaction
    from tests.conftest import DEMO_USERS

    uses = read_register(GOOD.encode(), "用电核验.csv")
    with pytest.raises(UtilityImportError, match="只有大起底办公室"), transaction(*db_path_of) as cur:
        store(cur, DEMO_USERS["demo-150200"], uses)
    assert either.execute("select count(*) from utility_use").fetchone()[0] == 0


def test_the_flag_shows_in_the_league_list_and_on_the_item(db, monkeypatch) -> None:
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    with rules.install(duckdb.connect(str(db))) as con:
        series(con, CLOSED, "91150200TESTREL03", {"2023-04": 50_000, "2023-05": 40_000, "2023-06": 0, "2023-07": 0})
    at = AppTest.from_file(str(ROOT / "pages" / "recheck.py"), default_timeout=60).run()
    assert not at.exception
    listed = next(d.value for d in at.dataframe if "疑点" in d.value.columns)
    assert list(listed["疑点"]) == ["销号后用电回落"] and list(listed["条目"]) == [f"ledgers?item={CLOSED}"]
    item = AppTest.from_file(str(ROOT / "pages" / "ledgers.py"), default_timeout=60)
    item.query_params["item"] = CLOSED
    item.run()
    assert not item.exception
    assert any("用电核验疑点：销号后用电回落" in w.value for w in item.warning)
