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
def either(engine: str, tmp_path, demo_db, monkeypatch):
    db = read_database(copy_database(demo_db, tmp_path), monkeypatch)
    if engine == "duckdb":
        con = rules.install(duckdb.connect(str(db)))
        yield con
        con.close()
        return
    with postgres.connect(postgres.dsn()) as connection:
        connection.autocommit = True
        yield PgCursor(connection)


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
