"""总览's 同比 / 环比: which dates they compare with, and the changes shown equal independent SQL."""

from datetime import date
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from charts.overview import _month_back, changes, comparison_dates
from tests.conftest import ROOT

COUNTS = """
with last as (
    select item_id, status from item_event where event_date <= $d
    qualify row_number() over (partition by item_id order by seq desc) = 1
)
select count(*) as found,
       count(*) filter (where last.status in ('已整改', '已销号')) as rectified,
       count(*) filter (where coalesce(last.status, '') not in ('已整改', '已销号') and i.deadline < $d) as overdue
from item i join park p using (park_id) left join last using (item_id)
where i.found_date <= $d and ($league is null or p.league_code = $league)
"""


def counts(db: Path, day: date, league: str | None) -> dict[str, int]:
    con = duckdb.connect(str(db))
    try:
        row = con.execute(COUNTS, {"d": day, "league": league}).fetchone()
    finally:
        con.close()
    return dict(zip(("found", "rectified", "overdue"), row, strict=True))


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2023, 6, 8), 1, date(2023, 5, 8)),
        (date(2023, 3, 31), 1, date(2023, 2, 28)),
        (date(2024, 2, 29), 12, date(2023, 2, 28)),
        (date(2023, 1, 15), 1, date(2022, 12, 15)),
    ],
)
def test_month_and_year_before_are_the_same_day_or_the_shorter_months_last(day, months, expected) -> None:
    assert _month_back(day, months) == expected


def test_环比_compares_with_a_month_before_and_同比_with_a_year_before() -> None:
    assert comparison_dates(date(2023, 6, 8)) == {"环比": date(2023, 5, 8), "同比": date(2022, 6, 8)}


def test_a_comparison_date_before_the_ledgers_begin_says_there_is_nothing_to_compare() -> None:
    now = {"found": 10, "rectified": 5, "overdue": 1, "rate": 0.5}
    moved = changes(now, {"同比": (date(2022, 6, 8), now)}, first=date(2022, 7, 15))
    assert moved["rectified"][0].delta is None and "尚无台账，不作比较" in moved["rectified"][0].text


@pytest.mark.parametrize("league", [None, "150200"])
def test_overview_shows_环比_and_同比_of_the_totals_equal_to_independent_sql(demo_db: Path, league) -> None:
    asof = date(2023, 8, 31)
    at = AppTest.from_file(str(ROOT / "pages/overview.py"), default_timeout=60)
    at.query_params["asof"] = f"{asof}"
    if league:
        at.query_params["league"] = league
    at.run()
    assert not at.exception
    now, month, year = (counts(demo_db, d, league) for d in (asof, date(2023, 7, 31), date(2022, 8, 31)))
    shown = {m.label: m for m in at.metric}
    assert shown["已整改"].value == f"{now['rectified']:,} 项"
    assert shown["已整改"].delta == f"{now['rectified'] - month['rectified']:+,}项"
    assert shown["超期未整改"].delta == f"{now['overdue'] - month['overdue']:+,}项"
    rate_points = (now["rectified"] / now["found"] - year["rectified"] / year["found"]) * 100
    captions = [c.value for c in at.caption]
    assert f"同比（较 2022-08-31）{rate_points:+.1f}个百分点" in "\n".join(captions)
    assert any("环比：与上月同日相比；同比：与上年同日相比" in c for c in captions)
