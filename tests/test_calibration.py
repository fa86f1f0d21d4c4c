"""The demo data reproduces every published count and amount, through the queries the pages use.

Sources: data/reference/campaign_figures.csv (press conference 2022-08-19, survey results 2022,
中新网 2023-02-14, 要情通报第十六期 2023-06-08).
"""

from datetime import date

import pytest

import queries
from queries.scope import Scope

PRESS = date(2022, 8, 19)
SURVEY_END = date(2022, 8, 31)
FEB = date(2023, 2, 14)
JUN = date(2023, 6, 8)


def kpi(asof: date, category: str, column: str) -> float:
    table = queries.category_kpis(Scope(None, None, asof)).set_index("category")
    return float(table.at[category, column])


def hectares(asof: date, category: str, column: str) -> float:
    return round(kpi(asof, category, column) / 15, 1)


COUNTS = [
    (SURVEY_END, "pending_approval", "found", 117),
    (FEB, "pending_approval", "rectified", 127),
    (JUN, "pending_approval", "found", 127),
    (JUN, "pending_approval", "rectified", 127),
    (JUN, "pending_approval", "rectified_approvals", 350),
    (SURVEY_END, "land_idle", "found", 145),
    (FEB, "land_idle", "rectified", 157),
    (JUN, "land_idle", "rectified", 160),
    (SURVEY_END, "stalled_long", "found", 109),
    (FEB, "stalled_long", "rectified", 98),
    (JUN, "stalled_long", "rectified", 112),
    (SURVEY_END, "stalled_zombie", "found", 57),
    (FEB, "stalled_zombie", "rectified", 56),
    (JUN, "stalled_zombie", "rectified", 66),
    (SURVEY_END, "stalled_project", "found", 83),
    (FEB, "stalled_project", "rectified", 74),
    (JUN, "stalled_project", "rectified", 95),
    (PRESS, "infra_procedures", "found", 118),
    (JUN, "infra_half_finished", "found", 14),
    (JUN, "infra_half_finished", "rectified", 11),
]


@pytest.mark.parametrize(("asof", "category", "column", "published"), COUNTS)
def test_demo_counts_equal_published_counts(asof: date, category: str, column: str, published: int) -> None:
    assert kpi(asof, category, column) == published


AREAS_HA = [
    (SURVEY_END, "land_idle", "found_area_mu", 794.2),
    (FEB, "land_idle", "rectified_area_mu", 869.0),
    (JUN, "land_idle", "rectified_area_mu", 880.5),
    (SURVEY_END, "stalled_long", "found_area_mu", 957.0),
    (JUN, "stalled_long", "rectified_area_mu", 1186.0),
    (SURVEY_END, "stalled_zombie", "found_area_mu", 260.6),
    (JUN, "stalled_zombie", "rectified_area_mu", 367.9),
    (SURVEY_END, "stalled_project", "found_area_mu", 1330.2),
    (FEB, "stalled_project", "rectified_area_mu", 1193.0),
    (JUN, "stalled_project", "rectified_area_mu", 1380.1),
]


@pytest.mark.parametrize(("asof", "category", "column", "published"), AREAS_HA)
def test_demo_areas_equal_published_hectares(asof: date, category: str, column: str, published: float) -> None:
    assert hectares(asof, category, column) == published


def test_long_stopped_and_zombie_enterprises_revitalised_1313_2_hectares_by_february_2023() -> None:
    total = kpi(FEB, "stalled_long", "rectified_area_mu") + kpi(FEB, "stalled_zombie", "rectified_area_mu")
    assert round(total / 15, 1) == 1313.2


RATES = [
    # published rate, numerator, denominator as (category, column) at a date
    (FEB, "land_idle", "rectified_area_mu", "found_area_mu", 94.6),
    (JUN, "land_idle", "rectified_area_mu", "found_area_mu", 95.9),
    (JUN, "stalled_long", "rectified", "found", 94.9),
    (JUN, "stalled_zombie", "rectified", "found", 91.7),
    (FEB, "stalled_project", "rectified", "found", 74.0),
    (JUN, "stalled_project", "rectified", "found", 95.0),
    (JUN, "infra_half_finished", "rectified", "found", 78.6),
]


@pytest.mark.parametrize(("asof", "category", "numerator", "denominator", "published"), RATES)
def test_demo_rates_round_to_published_percentages(
    asof: date, category: str, numerator: str, denominator: str, published: float
) -> None:
    assert round(kpi(asof, category, numerator) / kpi(asof, category, denominator) * 100, 1) == published


def test_idle_funds_found_and_returned_match_the_survey_and_bulletins() -> None:
    assert kpi(SURVEY_END, "idle_fund", "found_amount_wan") == pytest.approx(10700.0, abs=0.001)
    assert kpi(SURVEY_END, "idle_fund", "returned_wan") == pytest.approx(230.4, abs=0.001)
    assert 16300 <= kpi(FEB, "idle_fund", "returned_wan") < 16400  # "1.63亿余元"
    assert kpi(JUN, "idle_fund", "returned_wan") == pytest.approx(16368.8, abs=0.001)


def test_press_conference_registers_count_616_infrastructure_projects_and_696_stopped_enterprises() -> None:
    registers = queries.survey_registers(Scope(None, None, PRESS))
    assert registers.infra_projects == 616
    assert registers.infra_incomplete_procedures == 118
    assert registers.infra_unfinished_or_idle == 31
    assert registers.stopped_enterprises == 696


def test_infrastructure_ledger_holds_the_31_unfinished_or_idle_projects_at_the_press_conference() -> None:
    assert kpi(PRESS, "infra_half_finished", "found") + kpi(PRESS, "infra_not_operating", "found") == 31


def test_nothing_is_rectified_before_the_campaign_starts() -> None:
    table = queries.category_kpis(Scope(None, None, date(2022, 7, 14)))
    assert table.found.sum() == 0 and table.rectified.sum() == 0
