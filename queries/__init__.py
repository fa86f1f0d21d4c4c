"""Typed wrappers the pages call: one per .sql file, named like it."""

from datetime import date

import pandas as pd

from queries.db import run
from queries.scope import Catalog, Scope

__all__ = [
    "catalog",
    "category_kpis",
    "data_dates",
    "data_origin",
    "league_completion",
    "league_milestones",
    "leagues",
    "ledger_kpis",
    "overdue_items",
    "paper_checks",
    "park_completion",
    "parks",
    "phase_progress",
    "phases",
    "rectification_curve",
    "status_breakdown",
    "supervision_summary",
    "survey_coverage",
    "survey_gaps",
    "survey_registers",
    "unit_ledger_matrix",
]


# scope bar -------------------------------------------------------------------------------------
def leagues() -> pd.DataFrame:
    return run("leagues")


def parks(league: str | None = None) -> pd.DataFrame:
    return run("parks", league=league)


def data_dates() -> tuple[date, date]:
    row = run("data_dates").iloc[0]
    return row["first_date"].date(), row["last_date"].date()


def data_origin(scope: Scope) -> pd.Series:
    return run("data_origin", **scope.params()).iloc[0]


def phases(scope: Scope) -> pd.DataFrame:
    return run("phases", **scope.params())


def catalog() -> Catalog:
    """Everything a URL may name, for checking it."""
    first, last = data_dates()
    park_rows = parks()
    return Catalog(
        leagues=dict(zip(leagues()["league_code"], leagues()["name"], strict=True)),
        parks={r.park_id: (r.name, r.league_code) for r in park_rows.itertuples()},
        first_date=first,
        last_date=last,
    )


# overview --------------------------------------------------------------------------------------
def ledger_kpis(scope: Scope) -> pd.DataFrame:
    return run("ledger_kpis", **scope.params())


def category_kpis(scope: Scope) -> pd.DataFrame:
    return run("category_kpis", **scope.params())


def league_completion(scope: Scope) -> pd.DataFrame:
    return run("league_completion", **scope.params())


def park_completion(scope: Scope) -> pd.DataFrame:
    return run("park_completion", **scope.params())


def status_breakdown(scope: Scope) -> pd.DataFrame:
    return run("status_breakdown", **scope.params())


def survey_registers(scope: Scope) -> pd.Series:
    return run("survey_registers", **scope.params()).iloc[0]


# progress --------------------------------------------------------------------------------------
def phase_progress(scope: Scope) -> pd.DataFrame:
    return run("phase_progress", **scope.params())


def league_milestones(scope: Scope) -> pd.DataFrame:
    return run("league_milestones", **scope.params())


def survey_coverage(scope: Scope) -> pd.DataFrame:
    return run("survey_coverage", **scope.params())


def survey_gaps(scope: Scope) -> pd.DataFrame:
    return run("survey_gaps", **scope.params())


def rectification_curve(scope: Scope) -> pd.DataFrame:
    return run("rectification_curve", **scope.params())


def unit_ledger_matrix(scope: Scope) -> pd.DataFrame:
    return run("unit_ledger_matrix", **scope.params())


def overdue_items(scope: Scope) -> pd.DataFrame:
    return run("overdue_items", **scope.params())


def supervision_summary(scope: Scope) -> pd.DataFrame:
    """Always region-wide: the 督导通报 compares all 12 leagues."""
    return run("supervision_summary", **scope.params())


def paper_checks(scope: Scope) -> pd.DataFrame:
    return run("paper_checks", **scope.params())
