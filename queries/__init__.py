"""Typed wrappers the pages call: one per .sql file, named like it."""

import json
from datetime import date

import pandas as pd
import streamlit as st

from ledger import rules
from queries.db import allowed, content_version, run
from queries.scope import Catalog, Scope

__all__ = [
    "approval_waits",
    "catalog",
    "category_kpis",
    "control_thresholds",
    "counted_once",
    "data_dates",
    "data_origin",
    "extension_queue",
    "grade_objections",
    "grade_version_rows",
    "grade_versions",
    "import_count",
    "import_history",
    "item_detail",
    "item_evidence",
    "item_history",
    "item_lights",
    "item_rechecks",
    "land_clock_totals",
    "land_clocks",
    "league_completion",
    "league_milestones",
    "leagues",
    "ledger_idle_fund",
    "ledger_indicator",
    "ledger_infrastructure",
    "ledger_kpis",
    "ledger_land",
    "ledger_origin",
    "ledger_pending_approval",
    "ledger_stalled",
    "ledger_units",
    "light_counts",
    "map_item_counts",
    "map_items",
    "map_leagues",
    "map_park_cells",
    "map_parks",
    "order_items",
    "overdue_items",
    "overdue_parks",
    "paper_checks",
    "park_actions",
    "park_completion",
    "park_directory",
    "park_flags",
    "park_indicators",
    "park_items",
    "park_ladder",
    "park_profile",
    "park_rankings",
    "park_years",
    "parks",
    "phase_progress",
    "phases",
    "project_grades",
    "project_rankings",
    "ranking_years",
    "recheck_tasks",
    "rectification_curve",
    "relapse_rates",
    "retreat_candidate_counts",
    "retreat_candidate_page",
    "retreat_candidates",
    "review_queue",
    "status_breakdown",
    "supervision_orders",
    "supervision_summary",
    "survey_coverage",
    "survey_gaps",
    "survey_registers",
    "todo_items",
    "unit_ledger_matrix",
    "utility_flags",
]


# scope bar -------------------------------------------------------------------------------------
def import_count() -> int:
    return int(run("import_count").iloc[0]["batches"])


def leagues() -> pd.DataFrame:
    return run("leagues")


def parks(league: str | None = None) -> pd.DataFrame:
    return run("parks", league=league)


def data_dates() -> tuple[date, date]:
    row = run("data_dates").iloc[0]
    return row["first_date"].date(), row["last_date"].date()


def data_origin(scope: Scope) -> pd.Series:
    return run("data_origin", **scope.params()).iloc[0]


def ledger_origin(scope: Scope, ledger: str) -> pd.DataFrame:
    return run("ledger_origin", **scope.params(), ledger=ledger)


def phases(scope: Scope) -> pd.DataFrame:
    return run("phases", **scope.params())


def catalog() -> Catalog:
    """Everything a URL may name, for checking it (for what the caller may see, as of the database's content)."""
    permitted = allowed()
    return _catalog(*content_version(), permitted.league, permitted.park)


@st.cache_resource(ttl=600, max_entries=64, show_spinner=False)
def _catalog(path: str, version: int, league: str | None, park: str | None) -> Catalog:
    """Built once per database version and user limits, and shared as it is (not copied: nobody changes it): a
    page asks for it several times a run, and building it from the 2,754 parks of the national scale, or even
    copying it, took tens of milliseconds each time."""
    first, last = data_dates()
    park_rows, league_rows = parks(), leagues()
    ids, names, codes = (park_rows[c].tolist() for c in ("park_id", "name", "league_code"))
    return Catalog(
        leagues=dict(zip(league_rows["league_code"].tolist(), league_rows["name"].tolist(), strict=True)),
        parks={i: (n, c) for i, n, c in zip(ids, names, codes, strict=True)},
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


# data import -----------------------------------------------------------------------------------
def import_history(scope: Scope) -> pd.DataFrame:
    return run("import_history", **scope.params())


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


def overdue_items(scope: Scope, ledger: str | None = None) -> pd.DataFrame:
    """Every overdue item in scope (of one ledger), most overdue first (the 超期清单 pages it: queries/overdue.py)."""
    return run("overdue_items", **scope.params(), ledger=ledger)


def overdue_parks(scope: Scope) -> pd.DataFrame:
    return run("overdue_parks", **scope.params())


def supervision_summary(scope: Scope) -> pd.DataFrame:
    """Always region-wide: the 督导通报 compares all 12 leagues."""
    return run("supervision_summary", **scope.params())


def paper_checks(scope: Scope) -> pd.DataFrame:
    return run("paper_checks", **scope.params())


# ledgers ---------------------------------------------------------------------------------------
# The 台账 page's filters, all off: status (one of the four), overdue_only, unit (责任单位), phase (phase_id
# the item was found in), search (words in the title or id). A ledger_* wrapper takes any of them by name.
NO_FILTER: dict[str, str | bool | None] = {
    "status": None,
    "overdue_only": None,
    "unit": None,
    "phase": None,
    "search": None,
}


def ledger_pending_approval(scope: Scope, **filters: str | bool | None) -> pd.DataFrame:
    return run("ledger_pending_approval", **scope.params(), **(NO_FILTER | filters))


def ledger_idle_fund(scope: Scope, **filters: str | bool | None) -> pd.DataFrame:
    return run("ledger_idle_fund", **scope.params(), **(NO_FILTER | filters))


def ledger_land(scope: Scope, **filters: str | bool | None) -> pd.DataFrame:
    return run("ledger_land", **scope.params(), **(NO_FILTER | filters))


def ledger_infrastructure(scope: Scope, **filters: str | bool | None) -> pd.DataFrame:
    return run("ledger_infrastructure", **scope.params(), **(NO_FILTER | filters))


def ledger_stalled(scope: Scope, **filters: str | bool | None) -> pd.DataFrame:
    return run("ledger_stalled", **scope.params(), **(NO_FILTER | filters))


def ledger_indicator(scope: Scope, **filters: str | bool | None) -> pd.DataFrame:
    return run("ledger_indicator", **scope.params(), **(NO_FILTER | filters))


LEDGER_QUERIES = {
    "pending_approval": ledger_pending_approval,
    "idle_fund": ledger_idle_fund,
    "land": ledger_land,
    "infrastructure": ledger_infrastructure,
    "stalled": ledger_stalled,
    "indicator": ledger_indicator,
}


def ledger_units(scope: Scope, ledger: str | None = None) -> list[str]:
    return run("ledger_units", **scope.params(), ledger=ledger)["responsible_unit"].tolist()


def item_detail(item_id: str, asof: date) -> pd.Series | None:
    """One item on asof (None for an unknown id); `details` is a dict keyed like its ledger's columns."""
    rows = run("item_detail", item=item_id, asof=asof)
    if rows.empty:
        return None
    row = rows.iloc[0].copy()
    row["details"] = json.loads(row["details"])
    return row


def item_history(item_id: str, asof: date) -> pd.DataFrame:
    return run("item_history", item=item_id, asof=asof)


# rankings --------------------------------------------------------------------------------------
RANKING_METRICS = ("score", "tax_per_mu", "output_per_mu", "investment_intensity", "plot_ratio")
DEFAULT_WEIGHTS = rules.value_of("rules.default_weights()")  # the composite score's weights (queries/rules.sql)
FLAG_RULES = rules.value_of("rules.flag_rules()")  # when a park is listed for 再整合再优化 (queries/rules.sql)


def _ranking_args(metric: str, weights: dict[str, float] | None) -> dict:
    """The allow-listed metric and a complete weights struct (the SQL reads each field by name)."""
    if metric not in RANKING_METRICS:
        raise ValueError(f"unknown ranking metric {metric!r}; expected one of {RANKING_METRICS}")
    chosen = {**DEFAULT_WEIGHTS, **(weights or {})}
    if chosen.keys() != DEFAULT_WEIGHTS.keys():
        raise ValueError(f"weights must name exactly {sorted(DEFAULT_WEIGHTS)}")
    return {"metric": metric, "weights": {k: float(v) for k, v in chosen.items()}}


def ranking_years(scope: Scope) -> tuple[int | None, int | None]:
    """First completion year and the latest one not after the 数据截至 date (the default ranking year)."""
    row = run("ranking_years", **scope.params()).iloc[0]
    return (None, None) if pd.isna(row["last_year"]) else (int(row["first_year"]), int(row["last_year"]))


def control_thresholds(scope: Scope) -> pd.DataFrame:
    return run("control_thresholds", **scope.params())


def park_rankings(
    scope: Scope, year: int | None = None, metric: str = "score", weights: dict[str, float] | None = None
) -> pd.DataFrame:
    return run("park_rankings", **scope.params(), year=year, **_ranking_args(metric, weights))


def project_rankings(
    scope: Scope, year: int | None = None, metric: str = "score", weights: dict[str, float] | None = None
) -> pd.DataFrame:
    return run("project_rankings", **scope.params(), year=year, **_ranking_args(metric, weights))


def retreat_candidates(scope: Scope, year: int | None = None) -> pd.DataFrame:
    return run("retreat_candidates", **scope.params(), year=year)


def retreat_candidate_page(
    scope: Scope, year: int | None = None, leagues: tuple[str, ...] = (), offset: int = 0, page_size: int = 50
) -> pd.DataFrame:
    """Every row of retreat_candidates' projects offset + 1 … offset + page_size (in its order), of `leagues`
    (none: every league): a page of a list the nation has some hundred thousand of."""
    return run(
        "retreat_candidate_page",
        **scope.params(),
        year=year,
        leagues=",".join(leagues) or None,
        offset=offset,
        page_size=page_size,
    )


def retreat_candidate_counts(scope: Scope, year: int | None = None) -> pd.DataFrame:
    """Per league, how many candidates retreat_candidates would list, without listing them (a quarter of a
    million rows at national scale)."""
    return run("retreat_candidate_counts", **scope.params(), year=year)


def park_flags(scope: Scope, year: int | None = None, rules: dict[str, float] | None = None) -> pd.DataFrame:
    return run("park_flags", **scope.params(), year=year, rules={**FLAG_RULES, **(rules or {})})


def park_years(scope: Scope, year: int | None = None) -> pd.DataFrame:
    """动态管理: each park's score, ranks (region, level, tier), grade and 再整合再优化 rules for every year (or for
    `year` alone: the rankings page shows one)."""
    return run("park_years", **scope.params(), year=year)


GRADE_TRACKS = {"land": "按用地规模（50 亩）", "scale": "按规模（规上/规下）"}


def project_grades(
    scope: Scope,
    year: int | None = None,
    track: str = "land",
    veto: bool = True,
    protect_years: int | None = None,
    quotas: bool = True,
) -> pd.DataFrame:
    """亩均评价 of projects: A/B/C/D within tracks with the veto, protection and quota rules (each switchable)."""
    if track not in GRADE_TRACKS:
        raise ValueError(f"unknown grading track {track!r}; expected one of {sorted(GRADE_TRACKS)}")
    if protect_years is not None and not 0 <= protect_years <= 10:
        raise ValueError("protect_years must be 0 (off) to 10")
    return run("project_grades", **scope.params(), year=year, track=track, veto=veto, protect_years=protect_years,
               quotas=quotas)  # fmt: skip


def grade_versions(scope: Scope) -> pd.DataFrame:
    """Every frozen 公示稿 and 终稿 of the 亩均评价, newest first, counted in scope."""
    return run("grade_versions", **scope.params())


def grade_version_rows(scope: Scope, version: int) -> pd.DataFrame:
    """One frozen version's rows in scope, as copied when it was made."""
    return run("grade_version_rows", **scope.params(), version=int(version))


def grade_objections(scope: Scope) -> pd.DataFrame:
    return run("grade_objections", **scope.params())


def park_actions(scope: Scope) -> pd.DataFrame:
    """The action register: every decision on the parks in scope, by park and date."""
    return run("park_actions", **scope.params())


def park_ladder(scope: Scope) -> pd.DataFrame:
    """The parks on the ladder by the 数据截至 date, each with its latest step."""
    return run("park_ladder", **scope.params())


# idle map and park profile ---------------------------------------------------------------------
def map_leagues(scope: Scope) -> pd.DataFrame:
    """All 12 leagues whatever the scope: the map always shows the whole region."""
    return run("map_leagues", asof=scope.asof, league=None)  # all 12 as context, or only the user's own


def map_parks(scope: Scope) -> pd.DataFrame:
    return run("map_parks", **scope.params())


def map_items(scope: Scope) -> pd.DataFrame:
    return run("map_items", **scope.params())


def map_item_counts(scope: Scope) -> pd.DataFrame:
    return run("map_item_counts", **scope.params())


def map_park_cells(scope: Scope, cell: float | None = None) -> pd.DataFrame:
    return run("map_park_cells", **scope.params(), cell=cell)


def park_profile(scope: Scope) -> pd.Series | None:
    """The facts of the scope's park; None when no park is chosen."""
    rows = run("park_profile", **scope.params())
    return None if rows.empty else rows.iloc[0]


def park_directory(scope: Scope, search: str | None, page: int, page_size: int = 20) -> pd.DataFrame:
    """One page (from 0) of the parks in scope matching search; column matches counts them in all pages."""
    words = (search or "").strip() or None
    return run("park_directory", **scope.params(), search=words, page_size=page_size, offset=page * page_size)


def park_items(scope: Scope) -> pd.DataFrame:
    return run("park_items", **scope.params())


def park_indicators(scope: Scope) -> pd.DataFrame:
    """Indicators of the scope's park (every park when none), ranked among all parks."""
    return run("park_indicators", **scope.params())


# 整改销号 ---------------------------------------------------------------------------------------
def item_evidence(item_id: str) -> pd.DataFrame:
    return run("item_evidence", item=item_id)


def review_queue(scope: Scope) -> pd.DataFrame:
    return run("review_queue", **scope.params())


def extension_queue(scope: Scope) -> pd.DataFrame:
    return run("extension_queue", **scope.params())


def todo_items(scope: Scope, unit: str | None = None) -> pd.DataFrame:
    """Every open item in scope, or one responsible unit's (the page itself asks for pages: queries/todo.py)."""
    return run("todo_items", **scope.params(), unit=unit)


# 督办闭环 (#28) ---------------------------------------------------------------------------------
def light_counts(scope: Scope, ledger: str | None = None) -> pd.DataFrame:
    """红/黄/蓝 per league in scope (rules.lights_at); one ledger's items when ledger is given."""
    return run("light_counts", **scope.params(), ledger=ledger)


def item_lights(scope: Scope, ledger: str | None = None, light: str | None = None) -> pd.DataFrame:
    return run("item_lights", **scope.params(), ledger=ledger, light=light)


def supervision_orders(scope: Scope) -> pd.DataFrame:
    """The 督办单 to units in scope with where each stands, and its number as written (督办〔年〕N号)."""
    from ledger.supervision import order_number

    orders = run("supervision_orders", **scope.params())
    return orders.assign(
        number_text=[order_number(y, n) for y, n in zip(orders["year"], orders["number"], strict=True)]
    )


def order_items(scope: Scope, order_id: int) -> pd.DataFrame:
    return run("order_items", **scope.params(), order=int(order_id))


# the law's clocks (#28) --------------------------------------------------------------------------
def land_clocks(scope: Scope) -> pd.DataFrame:
    """Open land items on a 闲置土地处置办法 clock on the scope's date, those reaching a milestone this month or next
    first."""
    return run("land_clocks", **scope.params())


def land_clock_totals(scope: Scope) -> pd.DataFrame:
    """Those parcels counted per league and stage (queries/law_clocks.py adds them up per stage and per league)."""
    return run("land_clock_totals", **scope.params())


def approval_waits(scope: Scope) -> pd.DataFrame:
    """Approval steps still waiting on the scope's date, per department, the longest wait first."""
    return run("approval_waits", **scope.params())


# 回头看 (ledger/recheck.py) ---------------------------------------------------------------------
def recheck_population(scope: Scope, closed_from: date, closed_to: date) -> pd.DataFrame:
    """The closed items a draw over the period would sample from (ledger/recheck.py runs the same text)."""
    return run("recheck_population", **scope.params(), closed_from=closed_from, closed_to=closed_to)


def recheck_strata(scope: Scope, closed_from: date, closed_to: date) -> pd.DataFrame:
    """That population counted per league × ledger stratum (the draw form's count, without fetching the items)."""
    return run("recheck_strata", **scope.params(), closed_from=closed_from, closed_to=closed_to)


def recheck_tasks(scope: Scope) -> pd.DataFrame:
    return run("recheck_tasks", **scope.params())


def relapse_rates(scope: Scope) -> pd.DataFrame:
    return run("relapse_rates", **scope.params())


def item_rechecks(item_id: str) -> pd.DataFrame:
    return run("item_rechecks", item=item_id)


# one parcel, one enterprise, counted once ---------------------------------------------------------------------
def counted_once(scope: Scope) -> pd.DataFrame:
    return run("counted_once", **scope.params())


def entity_siblings(item_id: str) -> pd.DataFrame:
    return run("entity_siblings", item=item_id)


# 用电核验 -------------------------------------------------------------------------------------------------------
def utility_flags(scope: Scope) -> pd.DataFrame:
    return run("utility_flags", **scope.params())
