"""法定时限 asked of the database: the land clocks' counts per stage and league and the longest approval waits per
department, through queries.db's scope limits on land_clocks.sql, land_clock_totals.sql and approval_waits.sql."""

import pandas as pd

import queries
from queries.db import run_page, run_totals
from queries.scope import Scope

MILESTONE_FLAGS = ("fee_this_month", "fee_next_month", "recovery_this_month", "recovery_next_month", "partly_developed")
# approval_waits.sql ordered by each department's rank first: the first n × departments rows are every department's
# n longest waits
TOP_ORDER: tuple[tuple[str, bool], ...] = (("rank_in_department", False), ("department", False), ("item_id", False),
                                           ("step", False))  # fmt: skip


LAND_ORDER: tuple[tuple[str, bool], ...] = (("milestone_date", False), ("item_id", False))  # land_clocks.sql's own


def land_clocks_head(scope: Scope, limit: int) -> pd.DataFrame:
    """The first `limit` parcels on a clock: those reaching a milestone this month or next first."""
    return run_page("land_clocks", LAND_ORDER, limit, 0, **scope.params())


def land_stages(scope: Scope) -> pd.DataFrame:
    """Per stage (未满一年, 征缴闲置费, 无偿收回): parcels, those reaching each milestone in the two months, the 闲置费
    cap and the area, over every parcel on a clock."""
    return _summed(scope, "stage", ("rows", *MILESTONE_FLAGS, "fee_cap_wan", "area_mu"))


def land_milestones_by_league(scope: Scope) -> pd.DataFrame:
    """Per league: parcels on a clock, those reaching each milestone this month and next, developed in part, area."""
    return _summed(scope, "league_name", ("rows", *MILESTONE_FLAGS, "area_mu"))


def _summed(scope: Scope, by: str, columns: tuple[str, ...]) -> pd.DataFrame:
    """land_clock_totals' rows (a few per league and stage, from one cached query for both views) added up per `by`."""
    totals = queries.land_clock_totals(scope)
    return totals.groupby(by, as_index=False)[list(columns)].sum()


def approval_departments(scope: Scope) -> pd.DataFrame:
    """Per department: steps waiting, over their time limit, and the days past the limit in all."""
    return run_totals("approval_waits", "department", ("over_limit",), ("days_over",), **scope.params())


def longest_waits(scope: Scope, per_department: int, departments: int) -> pd.DataFrame:
    """Each department's `per_department` longest waits (departments: how many there are)."""
    rows = run_page("approval_waits", TOP_ORDER, per_department * departments, 0, **scope.params())
    return rows.sort_values(["department", "rank_in_department"]).reset_index(drop=True)
