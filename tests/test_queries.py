"""Every .sql file: runs on a tiny fixture database, returns the columns its header promises, has a wrapper."""

import inspect
import re
from datetime import date

import pandas as pd
import pytest

import queries
from queries import db
from queries.scope import Scope

SQL_NAMES = sorted(db.sql_files())
# The scope, plus the pages' own parameters, each of which means "no filter / the default" when NULL.
PARAMS = {"league": None, "park": None, "asof": date(2023, 1, 15)} | dict.fromkeys(db.OPTIONAL)


def header_columns(name: str) -> list[str]:
    """The names after '-- Columns:' in the file's comment header, up to 'Grain:'."""
    header = " ".join(
        line.removeprefix("--").strip() for line in db.sql_text(name).splitlines() if line.startswith("--")
    )
    match = re.search(r"Columns: (.+?)(?:Grain:|$)", header)
    assert match, f"{name}.sql has no '-- Columns:' header"
    names = re.sub(r"\([^)]*\)", "", match.group(1)).strip().rstrip(".")
    return [n.strip() for n in names.split(",")]


@pytest.mark.parametrize("name", SQL_NAMES)
def test_query_returns_the_columns_its_header_names(name: str, use_tiny_db) -> None:
    con = db.connect()
    result = db.execute(con, name, PARAMS)
    con.close()
    assert list(result.columns) == header_columns(name)


def test_every_query_file_has_a_wrapper_and_every_wrapper_a_file() -> None:
    wrappers = {
        n
        for n, f in inspect.getmembers(queries, inspect.isfunction)
        if f.__module__ == "queries" and n != "catalog" and not n.startswith("_")
    }
    assert wrappers == set(SQL_NAMES)


# Queries that show no league's or park's figures: the scope bar's and the sign-in page's metadata.
UNSCOPED = {"data_dates", "phases", "ranking_years", "import_count"}
# A league's own records, which its parks' users may see too: names, thresholds, milestones, imports.
LEAGUE_LEVEL = {"leagues", "control_thresholds", "league_milestones", "import_history"}


@pytest.mark.parametrize("name", sorted(set(SQL_NAMES) - UNSCOPED))
def test_every_query_of_league_or_park_data_takes_the_limits_that_db_run_binds(name: str) -> None:
    """db.run binds $league, $park and $user_park to what the user may see: a query that takes none of the park
    limits would show a park's user other parks."""
    used = set(db.PARAM.findall(db.sql_text(name)))
    assert "league" in used
    if name not in LEAGUE_LEVEL:
        assert used & {"park", "user_park"}, f"{name} takes neither $park nor $user_park"


def test_query_without_a_needed_parameter_fails_with_its_name(use_tiny_db) -> None:
    con = db.connect()
    with pytest.raises(KeyError, match="ledger_kpis needs parameters"):
        db.execute(con, "ledger_kpis", {"league": None})
    con.close()


def test_missing_database_explains_how_to_build_it(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("LEDGER_DB", str(tmp_path / "none.duckdb"))
    with pytest.raises(FileNotFoundError, match="python -m ledger demo"):
        db.connect()


def kpis(scope: Scope) -> pd.DataFrame:
    return queries.ledger_kpis(scope).set_index("ledger")


def test_status_is_replayed_from_events_at_the_chosen_date(use_tiny_db) -> None:
    before = kpis(Scope(None, None, date(2022, 10, 31)))
    after = kpis(Scope(None, None, date(2022, 11, 1)))
    assert (before.at["land", "found"], before.at["land", "rectified"]) == (2, 0)
    assert (after.at["land", "found"], after.at["land", "rectified"]) == (2, 1)


def test_overdue_counts_open_items_past_their_deadline(use_tiny_db) -> None:
    # On 2023-01-15: LD2 (deadline 2022-12-31) is open and overdue; PA1 was rectified on 2023-01-10;
    # ST1 (deadline 2023-06-30) and IF1 (2024-12-31) are open but not overdue.
    table = kpis(Scope(None, None, date(2023, 1, 15)))
    assert table.overdue.to_dict() == {
        "pending_approval": 0,
        "idle_fund": 0,
        "land": 1,
        "infrastructure": 0,
        "stalled": 0,
        "indicator": 0,
    }
    assert table.open.sum() == 4  # LD2, ST1, IF1, IN1


def test_items_found_later_are_not_counted_before_their_finding(use_tiny_db) -> None:
    table = kpis(Scope(None, None, date(2022, 9, 14)))
    assert table.at["stalled", "found"] == 0
    assert kpis(Scope(None, None, date(2022, 9, 15))).at["stalled", "found"] == 1


def test_league_and_park_scope_filter_items(use_tiny_db) -> None:
    asof = date(2023, 12, 31)
    assert kpis(Scope(None, None, asof)).found.sum() == 7
    assert kpis(Scope("150200", None, asof)).found.sum() == 5
    assert kpis(Scope("150200", "P003", asof)).found.sum() == 2
    assert kpis(Scope("150100", None, asof)).found.sum() == 2


def test_category_quantities_are_summed_for_rectified_items_only(use_tiny_db) -> None:
    table = queries.category_kpis(Scope(None, None, date(2023, 1, 15))).set_index("category")
    assert table.at["land_idle", "rectified_area_mu"] == 150
    assert table.at["land_unsupplied", "found_area_mu"] == 30
    assert table.at["idle_fund", "returned_wan"] == 80
    assert table.at["pending_approval", "rectified_approvals"] == 3
    assert table.at["stalled_zombie", "found_area_mu"] == 45


def test_league_completion_lists_every_league_even_without_items(use_tiny_db) -> None:
    table = queries.league_completion(Scope(None, None, date(2022, 7, 1)))
    assert list(table.league_code) == ["150100", "150200"]
    assert table.found.tolist() == [0, 0] and table.completion_rate.isna().all()


def test_survey_registers_count_only_enterprises_stopped_over_a_year(use_tiny_db) -> None:
    registers = queries.survey_registers(Scope(None, None, date(2022, 8, 19)))
    assert (registers.infra_projects, registers.infra_incomplete_procedures) == (2, 1)
    assert registers.infra_unfinished_or_idle == 1
    assert registers.stopped_enterprises == 1  # SE2 stopped 2022-01-01, under a year before its survey


def test_database_of_an_older_schema_is_refused_with_instructions(tmp_path, monkeypatch) -> None:
    import duckdb as ddb

    path = tmp_path / "old.duckdb"
    ddb.connect(str(path)).close()
    monkeypatch.setenv("LEDGER_DB", str(path))
    with pytest.raises(RuntimeError, match=r"结构版本为 旧版.*make demo"):
        db.connect()


def test_demo_if_missing_rebuilds_an_outdated_demo_database(tmp_path, monkeypatch) -> None:
    import duckdb as ddb

    from ledger import SCHEMA_VERSION, stored_schema_version
    from ledger.__main__ import main

    path = tmp_path / "old.duckdb"
    ddb.connect(str(path)).close()
    monkeypatch.setenv("LEDGER_DB", str(path))
    assert main(["demo", "--if-missing"]) == 0
    assert stored_schema_version(path) == SCHEMA_VERSION


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("select a from t\norder by a, b", "select a from t"),
        ("select a from t\norder by a limit 5", "select a from t\norder by a limit 5"),
        ("select sum(a) over (order by b) from t", "select sum(a) over (order by b) from t"),
        ("select list(a order by b) from t order by 1", "select list(a order by b) from t"),
        ("-- a header (with parentheses)\nselect a from t order by a;", "select a from t"),
    ],
)
def test_a_page_or_totals_wrapper_drops_only_the_querys_own_final_order(text: str, kept: str) -> None:
    """DuckDB sorts a subquery by its order by even when the wrapper orders again (every row of the ledger, for one
    page); a limit, a window's or an aggregate's order stays."""
    wrapped, _ = db.shaped(text, ("page", (("a", False),), 10, 0))
    assert wrapped == f'select * from ({kept}) q order by "a" asc nulls last limit $page_limit offset $page_offset'
