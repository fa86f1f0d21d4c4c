"""The law's clocks (#28): 闲置土地 milestones on parcels built for each boundary, partial development at exactly
1/3 and 25 %, 待批项目 waits per department, on the DuckDB file and on PostgreSQL alike."""

from datetime import date, timedelta
from decimal import Decimal as D
from pathlib import Path

import pytest
import streamlit as st
from conftest import demo_in_postgres, read_database, tiny_rows

import queries
from ledger.demo.database import write_database
from queries.scope import Scope

ASOF = date(2023, 3, 1)  # no 29 February in the two years before: 365 days are one year, 730 two


def _ago(days: int) -> date:
    return ASOF - timedelta(days=days)


# item id → (land kind, area, 闲置起始, agreed start, developed, total investment, invested, halted since, rectified)
PARCELS = {
    "C364": ("闲置土地", "30", None, _ago(364), None, None, None, None, False),
    "C365": ("闲置土地", "30", None, _ago(365), None, None, None, None, False),
    "C366": ("闲置土地", "30", None, _ago(366), None, None, None, None, False),
    "C729": ("闲置土地", "30", None, _ago(729), None, None, None, None, False),
    "C730": ("闲置土地", "30", None, _ago(730), None, None, None, None, False),
    "CIDLE": ("闲置土地", "30", _ago(365), None, None, None, None, None, False),  # 闲置起始 only
    "CAGREED": ("闲置土地", "30", _ago(900), _ago(100), None, None, None, None, False),  # agreed start wins
    "CNEXT": ("闲置土地", "30", None, date(2022, 4, 15), None, None, None, None, False),  # 闲置费 in April
    "CDONE": ("闲置土地", "30", None, _ago(730), None, None, None, None, True),  # rectified: off the clock
    "PTHIRD": ("低效用地", "30", None, None, "10", "100", "100", _ago(400), False),  # exactly 1/3: not idle
    "PUNDER": ("低效用地", "30", None, None, "9.9999", "100", "100", _ago(400), False),
    "PQUARTER": ("低效用地", "30", None, None, "20", "100", "25", _ago(400), False),  # exactly 25 %: not idle
    "PLESS": ("低效用地", "30", None, None, "20", "100", "24.99", _ago(400), False),
    "PYOUNG": ("低效用地", "30", None, None, "5", "100", "100", _ago(364), False),  # halted under a year
    "PHALF": ("低效用地", "30", None, None, "5", None, None, None, False),  # no halt: no clock
}
EXPECTED_STAGE = {
    "C364": "未满一年",
    "C365": "征缴闲置费",
    "C366": "征缴闲置费",
    "C729": "征缴闲置费",
    "C730": "无偿收回",
    "CIDLE": "征缴闲置费",
    "CAGREED": "未满一年",
    "CNEXT": "未满一年",
    "PUNDER": "征缴闲置费",
    "PLESS": "征缴闲置费",
    "PYOUNG": "未满一年",
}
# (milestone, date) falling in March or April 2023
EXPECTED_MILESTONE = {
    "C364": ("征缴闲置费", date(2023, 3, 2)),
    "C365": ("征缴闲置费", date(2023, 3, 1)),
    "CIDLE": ("征缴闲置费", date(2023, 3, 1)),
    "C729": ("无偿收回", date(2023, 3, 2)),
    "C730": ("无偿收回", date(2023, 3, 1)),
    "CNEXT": ("征缴闲置费", date(2023, 4, 15)),
    "PYOUNG": ("征缴闲置费", date(2023, 3, 2)),
}
# 待批项目 PA1 (found 2022-08-01, rectified 2023-01-10) and two more open ones: (item, step, department, accepted,
# limit, done)
STEPS = [
    ("PA1", 1, "盟市级生态环境部门", date(2022, 8, 2), 60, date(2022, 12, 1)),
    ("PA2", 1, "盟市级生态环境部门", date(2022, 9, 1), 60, date(2022, 10, 1)),
    ("PA2", 2, "盟市级水利部门", date(2022, 10, 1), 20, None),
    ("PA3", 1, "盟市级生态环境部门", date(2022, 11, 1), 60, None),
    ("PA3", 2, "盟市级生态环境部门", date(2023, 4, 1), 60, None),  # accepted after ASOF
]


def clock_rows() -> dict[str, list[dict]]:
    rows = tiny_rows()
    for item_id, (kind, area, idle, agreed, developed, total, invested, halted, done) in PARCELS.items():
        _item(rows, item_id, "land", "P002", [(date(2022, 8, 10), "待整改")] + ([(_ago(10), "已整改")] if done else []))
        rows["land"].append(
            {
                "item_id": item_id,
                "land_kind": kind,
                "area_mu": D(area),
                "approved_date": None,
                "idle_since": idle,
                "cause": None,
                "disposal": None,
                "lat": 40.6,
                "lon": 109.8,
            }
        )
        rows.setdefault("land_development", []).append(
            {
                "item_id": item_id,
                "agreed_start": agreed,
                "land_price_wan": D("1000"),
                "developed_mu": None if developed is None else D(developed),
                "total_investment_wan": None if total is None else D(total),
                "invested_wan": None if invested is None else D(invested),
                "halted_since": halted,
            }
        )
    for item_id, park in (("PA2", "P002"), ("PA3", "P001")):
        _item(rows, item_id, "pending_approval", park, [(date(2022, 8, 20), "待整改")])
        rows["pending_approval"].append(
            {
                "item_id": item_id,
                "project_stage": "在建",
                "approval_item": "环评",
                "approval_count": 2,
                "approval_authority": "盟市级审批部门",
                "acceptance": "已受理",
            }
        )
    rows["approval_step"] = [
        {
            "item_id": item,
            "step": step,
            "approval_item": "环评",
            "department": department,
            "authority_level": "盟市",
            "accepted_date": accepted,
            "time_limit_days": limit,
            "done_date": done,
        }
        for item, step, department, accepted, limit, done in STEPS
    ]
    return rows


def _item(rows: dict, item_id: str, ledger: str, park: str, events: list[tuple[date, str]]) -> None:
    rows["item"].append(
        {
            "item_id": item_id,
            "ledger": ledger,
            "park_id": park,
            "title": f"测试地块{item_id}",
            "found_date": events[0][0],
            "deadline": date(2023, 12, 31),
            "responsible_unit": "测试单位",
            "measure": None,
            "closed_date": None,
            "evidence": None,
            "batch_id": None,
        }
    )
    for seq, (day, status) in enumerate(events, start=1):
        rows["item_event"].append({"item_id": item_id, "seq": seq, "event_date": day, "status": status, "note": None})


@pytest.fixture(scope="module")
def clock_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("clocks") / "clocks.duckdb"
    write_database(clock_rows(), path)
    return path


@pytest.fixture(scope="module")
def clock_pg_dsn(pg_server, clock_db: Path) -> str:
    """The boundary parcels copied into PostgreSQL by the copy command's own code, with the rules."""
    return demo_in_postgres(pg_server, clock_db, "clocks")


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def clock_store(request: pytest.FixtureRequest, clock_db: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The boundary parcels on each store: the DuckDB file, or its PostgreSQL copy."""
    read_database(clock_db, monkeypatch)
    if request.param == "postgres":
        monkeypatch.setenv("LEDGER_DSN", request.getfixturevalue("clock_pg_dsn"))
        st.cache_data.clear()
        st.cache_resource.clear()
    return request.param


def test_each_parcel_stands_at_its_milestone_on_both_engines(clock_store: str) -> None:
    rows = queries.land_clocks(Scope(None, None, ASOF)).set_index("item_id")
    assert dict(rows.stage) == EXPECTED_STAGE
    fee, recovery = rows.fee_date.dt.date, rows.recovery_date.dt.date
    for item_id in EXPECTED_STAGE:
        start = rows.at[item_id, "clock_start"].date()
        assert fee[item_id] == start.replace(year=start.year + 1)
        assert recovery[item_id] == start.replace(year=start.year + 2)
        assert rows.at[item_id, "idle_days"] == (ASOF - start).days
    assert float(rows.at["C365", "fee_cap_wan"]) == pytest.approx(200.0)  # 20 % of 1,000 万元


def test_partial_development_counts_as_idle_only_under_a_third_or_a_quarter(clock_store: str) -> None:
    rows = queries.land_clocks(Scope(None, None, ASOF)).set_index("item_id")
    assert {"PUNDER", "PLESS", "PYOUNG"} <= set(rows.index)
    assert not {"PTHIRD", "PQUARTER", "PHALF"} & set(rows.index)
    assert rows.loc[["PUNDER", "PLESS", "PYOUNG"], "partly_developed"].all()


def test_the_parcels_reaching_a_milestone_this_month_and_next(clock_store: str) -> None:
    rows = queries.land_clocks(Scope(None, None, ASOF))
    soon = rows[rows.milestone.notna()]
    assert {r.item_id: (r.milestone, r.milestone_date.date()) for r in soon.itertuples()} == EXPECTED_MILESTONE
    assert list(rows.item_id[: len(soon)]) == list(soon.item_id)  # those in the two months come first
    assert int(rows.fee_next_month.sum()) == 1 and int(rows.recovery_this_month.sum()) == 2


def test_a_leap_day_start_reaches_its_year_on_28_february(clock_store: str) -> None:
    sql = "select rules.idle_fee_date(date '2020-02-29'), rules.idle_recovery_date(date '2020-02-29')"
    got = queries.db.read_fresh(lambda cursor: cursor.execute(sql).fetchone())
    assert tuple(got) == (date(2021, 2, 28), date(2022, 2, 28))


def test_approval_waits_per_department_longest_first(clock_store: str) -> None:
    rows = queries.approval_waits(Scope(None, None, ASOF))
    got = {
        (r.item_id, r.step): (r.department, r.days_waiting, r.over_limit, r.rank_in_department)
        for r in rows.itertuples()
    }
    assert got == {
        ("PA2", 2): ("盟市级水利部门", (ASOF - date(2022, 10, 1)).days, True, 1),
        ("PA3", 1): ("盟市级生态环境部门", (ASOF - date(2022, 11, 1)).days, True, 1),
    }
    league = queries.approval_waits(Scope("150100", None, ASOF))
    assert list(league.item_id) == ["PA3"]  # P001 is 呼和浩特's park
