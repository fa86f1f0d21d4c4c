"""Every query on both engines: the demo database in DuckDB and a copy of it in a throwaway PostgreSQL, each
query called with the parameters its wrapper passes (bench/figures.py's calls) at several scopes and dates, the
rows compared (sorted, floats to 6 decimals). The PostgreSQL text is queries/dialect.py's: transpiled, or the
hand-written queries/postgres/<name>.sql."""

import json
import math
import re
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import psycopg
import pytest

from ledger.postgres.copy import to_postgres
from ledger.vocabulary import LEDGERS
from queries import dialect
from queries.db import PARAM, sql_files

MID_CAMPAIGN = date(2023, 6, 8)
PARAMETER = re.compile(r"%\([a-z_]+\)s")
PLACES = ((None, None), ("150200", None), (None, "P031"))  # the region, a league, a park


# --- the list of transpiled and hand-written queries (no server needed) ---------------------------------------
def test_every_hand_written_file_names_a_query():
    """A PostgreSQL file whose query was renamed or removed would silently never run."""
    assert set(dialect.hand_written()) <= set(sql_files()), "queries/postgres/ names a query that no longer exists"


def test_which_queries_are_transpiled_and_which_hand_written():
    """Every query has a PostgreSQL text: transpiled by sqlglot unless a hand-written file exists."""
    hand = set(dialect.hand_written())
    transpiled = sorted(set(sql_files()) - hand)
    print(f"\ntranspiled ({len(transpiled)}): {', '.join(transpiled)}\nhand-written ({len(hand)}): {sorted(hand)}")
    for name, path in sql_files().items():
        text = dialect.postgres_text(name)
        assert {f"%({p})s" for p in PARAM.findall(path.read_text(encoding="utf-8"))} <= set(PARAMETER.findall(text))


def test_null_parameters_are_typed():
    """PostgreSQL cannot guess the type of a NULL parameter: each one is cast; a literal % survives psycopg."""
    text = dialect.transpile("select * from park where ($league is null or league_code = $league) and name like '%园'")
    assert "CAST(%(league)s AS TEXT) IS NULL" in text
    assert "'%%园'" in text


def test_a_ledger_lists_own_row_is_read_apart_on_postgresql():
    """Each 台账 list's own row (joined to rules.ledger_rows on its item id) becomes a lateral subquery PostgreSQL
    cannot pull up, so a page walks item_fact's index in order and stops; any other join is left as written."""
    for ledger in LEDGERS:
        text = dialect.postgres_text(f"ledger_{ledger}")
        assert " AS x CROSS JOIN LATERAL (SELECT * FROM " in text, ledger
        assert "WHERE l.item_id = x.item_id OFFSET 0) AS d ORDER BY" in text, ledger
        assert " JOIN " not in text.replace("CROSS JOIN LATERAL", "").replace("JOIN built_project", ""), ledger
    rows = "select x.*, d.area_mu from rules.ledger_rows('land', $league) x "
    assert "LATERAL" not in dialect.transpile(rows + "join land d on d.park_id = x.park_id")  # not the item's row
    assert "LATERAL" not in dialect.transpile("select * from item_fact x join land d on d.item_id = x.item_id")


# --- the calls and their rows on both engines -----------------------------------------------------------------
def _recorded_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, dict, pd.DataFrame]]:
    """(label, query, parameters, DuckDB rows) of every wrapper call bench/figures.py makes, at each scope."""
    import queries
    from bench.figures import _calls
    from queries.db import _bound
    from queries.scope import Scope

    calls: list[tuple[str, str, tuple | None, dict, pd.DataFrame]] = []
    real_run = queries.run
    label = [""]

    def recording(name, shape=None, **params):
        frame = real_run(name, shape, **params)
        calls.append((label[0], name, shape, _bound(dict(params)), frame))
        return frame

    monkeypatch.setattr(queries, "run", recording)
    monkeypatch.setattr(queries.db, "run", recording)  # run_page and run_totals: the paged views of queries/
    last = queries.data_dates()[1]
    items = queries.ledger_land(Scope(None, None, last))["item_id"].head(2).tolist()
    items += queries.ledger_stalled(Scope(None, None, last))["item_id"].head(2).tolist()
    tasks = queries.recheck_tasks(Scope(None, None, last))  # #30: the demo's draw (its 不属实 first), a shared parcel
    sampled = [*tasks.sort_values("result")["item_id"].head(2), *queries.paper_checks(Scope(None, None, last)).query(
        "rule == 'duplicate_parcel'")["item_id"].head(1)]  # fmt: skip
    for asof in (last, MID_CAMPAIGN):
        for league, park in PLACES:
            scope = Scope(league, park, asof)
            for name, call in sorted(_calls(queries, scope).items()):
                label[0] = f"{name} {league or '全区'}/{park or '-'}/{asof}"
                try:
                    call()
                except Exception:  # a wrapper's own failure (after its query ran) is no engine difference
                    continue
            for ledger in queries.LEDGER_QUERIES:
                label[0] = f"ledger_origin[{ledger}] {league or '全区'}/{park or '-'}/{asof}"
                queries.ledger_origin(scope, ledger)
            label[0] = f"paged views {league or '全区'}/{park or '-'}/{asof}"
            _paged_views(scope)
            label[0] = f"recheck_population {league or '全区'}/{park or '-'}/{asof}"
            queries.recheck_population(scope, date(2023, 1, 1), asof)
            queries.recheck_strata(scope, date(2023, 1, 1), asof)
        for item in items:
            label[0] = f"{item}/{asof}"
            queries.item_detail(item, asof)
            queries.item_history(item, asof)
            queries.item_evidence(item)
        for item in sampled:
            label[0] = f"#30 {item}/{asof}"
            queries.item_rechecks(item)
            queries.entity_siblings(item)
    return calls


def _paged_views(scope) -> None:
    """The pages' paged and counted views of the long lists (queries/overdue.py, todo.py, lights.py, paging.py) and
    the queries that take an id (a 督办单's items)."""
    import queries
    from charts.ledgers import sum_fields
    from queries import lights, overdue, paging, todo

    overdue.overdue_head(scope, 20)
    lights.lights_head(scope, 20)
    for order in (1, 3):  # the demo's orders to 包头 and to its park P005
        queries.order_items(scope, order)
    overdue.overdue_counts(scope, "land")
    todo.todo_head(scope, 20, returned_first=True)
    todo.todo_counts(scope)
    paging.ledger_page("land", scope, 2, 10, order=paging.ledger_order("area_mu", True))
    paging.ledger_totals("land", scope, ("area_mu",), overdue_only=True)
    for ledger in queries.LEDGER_QUERIES:  # no filter but a status: summed from the kept status changes
        paging.ledger_totals(ledger, scope, sum_fields(ledger))
        paging.ledger_page(ledger, scope, 1, 10)
    paging.ledger_totals("idle_fund", scope, sum_fields("idle_fund"), status="已销号")
    paging.park_items_page(scope, 1)
    paging.park_items_count(scope)


def _postgres_rows(pg, name: str, shape: tuple | None, params: dict) -> pd.DataFrame:
    text, extra = dialect.postgres_shaped(name, shape)
    cursor = pg.execute(text, dialect.postgres_params(params | extra))
    return pd.DataFrame(cursor.fetchall(), columns=[c.name for c in cursor.description])


def _plain(value: object) -> object:
    """One cell in a form both engines' drivers agree on: numbers to 6 decimals, dates as text, JSON parsed."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return tuple(_plain(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _plain(v)) for k, v in value.items()))
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, float, Decimal, np.integer, np.floating)):
        number = float(value)
        return None if math.isnan(number) else round(number, 6) + 0.0
    if isinstance(value, (datetime, date, pd.Timestamp)):
        stamp = pd.Timestamp(value)
        return stamp.date().isoformat() if stamp == stamp.normalize() else stamp.isoformat()
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return _plain(json.loads(value))
        except ValueError:
            return value
    return value


def _rows(frame: pd.DataFrame) -> tuple[list[str], list[tuple]]:
    rows = [tuple(_plain(v) for v in row) for row in frame.astype(object).itertuples(index=False)]
    return list(frame.columns), sorted(rows, key=repr)


@pytest.fixture(scope="module")
def demo_pg(demo_db: Path, pg_dsn: str) -> Iterator[psycopg.Connection]:
    """A connection to the throwaway PostgreSQL holding a copy of the demo database (`python -m ledger copy`'s
    own code, checked as it copies) and the rules."""
    to_postgres(demo_db, pg_dsn)
    with psycopg.connect(pg_dsn, autocommit=True) as pg:
        pg.execute("set plan_cache_mode = force_custom_plan")  # STACK-NOTES: generic plans ignore indexes
        pg.execute(dialect.RULES.read_text(encoding="utf-8"))
        yield pg


@pytest.fixture(scope="module")
def comparisons(demo_db: Path, demo_pg: psycopg.Connection) -> dict[str, list[str]]:
    """Per query: a line for each call whose rows differ between the engines (or that fails on PostgreSQL)."""
    results: dict[str, list[str]] = {name: [] for name in sql_files()}
    called: set[str] = set()
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("LEDGER_DB", str(demo_db))
        for label, name, shape, params, duck in _recorded_calls(monkeypatch):
            called.add(name)
            label = f"{label} {shape[0]}" if shape else label
            try:
                postgres = _postgres_rows(demo_pg, name, shape, params)
            except psycopg.Error as error:
                results[name].append(f"{label}: {type(error).__name__}: {str(error).splitlines()[0]}")
                continue
            if _rows(duck) != _rows(postgres):
                results[name].append(f"{label}: rows differ")
    for name in set(results) - called:
        results[name].append("no wrapper call ran it")
    return results


@pytest.mark.postgres
@pytest.mark.parametrize("name", sorted(sql_files()))
def test_query_rows_equal_on_both_engines(name: str, comparisons: dict[str, list[str]]):
    assert not comparisons[name], "\n".join(comparisons[name][:5])


# Each scalar rule on its edge cases (nulls, zero land, a missing ratio) gives the same value on both engines: the
# queries above reach them only with the demo's values.
SCALAR_CASES = {
    "rules.rectified(?)": [("已整改",), ("已销号",), ("整改中",), (None,)],
    "rules.overdue(?, ?::date, ?::date)": [
        ("整改中", "2023-01-01", "2023-06-08"),
        ("已整改", "2023-01-01", "2023-06-08"),
        ("待整改", None, "2023-06-08"),
        ("整改中", "2023-06-08", "2023-06-08"),
        (None, "2023-01-01", "2023-06-08"),
    ],
    "rules.valid_project(?, ?, ?, ?, ?)": [
        (10.0, 1.0, 2.0, 3.0, 4.0),
        (0.0, 1.0, 2.0, 3.0, 4.0),
        (None, 1.0, 2.0, 3.0, 4.0),
        (10.0, None, 2.0, 3.0, 4.0),
        (10.0, 1.0, 2.0, 3.0, None),
    ],
    "rules.indicator_value(?, ?, ?, ?, ?, ?)": [
        (indicator, 300.0, 900.0, 45.0, 8000.0, 12.0)
        for indicator in ("investment_intensity", "output_per_mu", "tax_per_mu", "plot_ratio", "other")
    ]
    + [("output_per_mu", 300.0, None, 45.0, 8000.0, 12.0)],
    "rules.capped_score(?)": [(0.5,), (1.5,), (2.0,), (None,), (0.0,)],
    "rules.plot_ratio(?, ?)": [(7, 3), (8000.0, 12.5)],  # integers divide as doubles
    "rules.tax_per_mu(?, ?)": [(7, 2), (1.0, None)],
    "rules.league_tier(?)": [("150400",), ("150200",), ("152500",), (None,)],
    "rules.rank_grade(?, ?, ?)": [(True, 1, 10), (True, 3, 10), (True, 7, 10), (True, 10, 10), (False, 1, 10)],
    "rules.bottom_group(?, ?)": [(65, 81), (64, 80), (65, 80), (None, 81), (1, 1)],
    "rules.few_and_low(?, ?)": [(4, 0.9), (5, 0.9), (4, 1.0), (None, 0.5), (2, None)],
    "rules.readjust_candidate(?, ?)": [(2, False), (1, False), (0, True), (None, False)],
}


@pytest.mark.postgres
@pytest.mark.parametrize("call", sorted(SCALAR_CASES))
def test_scalar_rules_agree_on_edge_cases(call: str, demo_pg: psycopg.Connection):
    from ledger import SCHEMA, rules

    with duckdb.connect() as duck:
        duck.execute(SCHEMA.read_text(encoding="utf-8"))  # the table rules are bound to the schema's tables
        rules.install(duck)
        for args in SCALAR_CASES[call]:
            expected = duck.execute(f"select {call}", list(args)).fetchone()[0]
            got = demo_pg.execute(f"select {call.replace('?', '%s')}", list(args)).fetchone()[0]
            assert _plain(got) == _plain(expected), (call, args, got, expected)
