"""The app reading PostgreSQL (LEDGER_DSN set): queries.db's frames have the columns and dtypes of the DuckDB frames,
the paged ledger view is the same on both engines, and every page renders with the same headline numbers. The
accounts stay in the SQLite file beside LEDGER_DB (the demo's) until auth/store.py is ported."""

import time
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tests.test_pg_queries import _recorded_calls, _rows

PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("[!_]*.py") if p.stem != "signin")
ADMIN_REGION = pytest.param("demo-admin", {}, id="admin-region")
ADMIN_LEAGUE = pytest.param("demo-admin", {"league": "150200"}, id="admin-league")
LEAGUE_USER = pytest.param("demo-150200", {}, id="league-user", marks=pytest.mark.user("demo-150200"))
_headlines_on_duckdb: dict[tuple, list[tuple]] = {}


def _use_duckdb(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LEDGER_DSN", raising=False)
    st.cache_data.clear()
    st.cache_resource.clear()


def _use_postgres(monkeypatch: pytest.MonkeyPatch, target: str) -> None:
    monkeypatch.setenv("LEDGER_DSN", target)
    st.cache_data.clear()
    st.cache_resource.clear()


def _page(script: str, params: dict) -> AppTest:
    """The page as the router serves it (app.py: sign-in, scope bar, navigation), at the scope in `params`."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    return at.switch_page(script).run()


def _headlines(at: AppTest) -> list[tuple]:
    return [(m.label, m.value, m.delta) for m in at.metric]


@pytest.mark.parametrize("script", PAGES)
@pytest.mark.parametrize(("user", "params"), [ADMIN_REGION, ADMIN_LEAGUE, LEAGUE_USER])
def test_every_page_renders_with_the_same_headline_numbers(
    engine: str, script: str, user: str, params: dict, monkeypatch: pytest.MonkeyPatch
):
    at = _page(script, params)
    assert not at.exception, at.exception
    key = (script, user, tuple(sorted(params.items())))
    if engine == "duckdb":
        _headlines_on_duckdb[key] = _headlines(at)
        return
    shown = _headlines(at)
    if key not in _headlines_on_duckdb:  # the DuckDB run of this case did not run first (a -k selection)
        _use_duckdb(monkeypatch)
        _headlines_on_duckdb[key] = _headlines(_page(script, params))
    assert shown == _headlines_on_duckdb[key]


@pytest.mark.postgres
def test_frames_have_the_duckdb_columns_and_dtypes(demo_db: Path, demo_pg_dsn: str, monkeypatch: pytest.MonkeyPatch):
    """Every wrapper call of bench/figures.py at several scopes: the PostgreSQL frame equals the DuckDB one in its
    columns, their dtypes and its rows (the same parameters bound: queries.db's scope limits are the engines' own)."""
    from queries.db import PostgresReads

    reads = PostgresReads(demo_pg_dsn)
    differences = []
    for label, name, shape, params, duck in _recorded_calls(monkeypatch):
        postgres = reads.query(name, params, shape)
        if list(postgres.columns) != list(duck.columns):
            differences.append(f"{label} {name}: columns {list(postgres.columns)} ≠ {list(duck.columns)}")
        elif dict(postgres.dtypes) != dict(duck.dtypes):
            differ = {
                c: (str(postgres[c].dtype), str(duck[c].dtype)) for c in duck if postgres[c].dtype != duck[c].dtype
            }
            differences.append(f"{label} {name}: dtypes (postgres, duckdb) {differ}")
        elif _rows(postgres) != _rows(duck):
            differences.append(f"{label} {name}: rows differ")
    reads.close()
    assert not differences, "\n".join(sorted(set(differences)))


@pytest.mark.postgres
@pytest.mark.parametrize("league", [None, "150200"])
def test_the_paged_ledger_view_is_the_same_on_both_engines(
    demo_pg_dsn: str, league: str | None, monkeypatch: pytest.MonkeyPatch
):
    """run_page, run_totals and run_stream (a page, its counts, the export) of every ledger: equal frames."""
    from queries import LEDGER_QUERIES, NO_FILTER, data_dates, paging
    from queries.db import run_totals
    from queries.scope import Scope

    def views() -> dict[str, pd.DataFrame]:
        scope = Scope(league, None, data_dates()[1])
        order = paging.ledger_order("item_id", True)
        found = {}
        for name in LEDGER_QUERIES:
            found[f"{name} page 2"] = paging.ledger_page(name, scope, 2, 5, order=order)
            found[f"{name} totals"] = run_totals(
                f"ledger_{name}", "status", ("overdue",), (), **scope.params(), **NO_FILTER
            )
            found[f"{name} export"] = pd.concat(paging.ledger_frames(name, scope), ignore_index=True)
        return found

    _use_duckdb(monkeypatch)
    on_duckdb = views()
    _use_postgres(monkeypatch, demo_pg_dsn)
    on_postgres = views()
    for view, frame in on_duckdb.items():
        assert not frame.empty, view
        pd.testing.assert_frame_equal(on_postgres[view], frame, check_exact=False, rtol=1e-9, obj=view)


@pytest.mark.postgres
def test_warm_render_time_on_both_engines(demo_pg_dsn: str, monkeypatch: pytest.MonkeyPatch):
    """Measured, not asserted: the overview's second render (warm result cache, so mostly the cache's key: the
    file's version on DuckDB, one data-version query on PostgreSQL) and a render after the cache is emptied."""
    timings = {}
    for engine, use in (("duckdb", _use_duckdb), ("postgres", lambda m: _use_postgres(m, demo_pg_dsn))):
        use(monkeypatch)
        at = _page("pages/overview.py", {})
        at.run()
        started = time.perf_counter()
        at.run()
        warm = time.perf_counter() - started
        st.cache_data.clear()
        started = time.perf_counter()
        at.run()
        timings[engine] = (warm, time.perf_counter() - started)
        assert not at.exception
    print(
        "\n"
        + "\n".join(
            f"overview {e}: warm {w * 1000:.0f} ms, cold cache {c * 1000:.0f} ms" for e, (w, c) in timings.items()
        )
    )


def test_start_up_upgrades_postgresql_when_ledger_dsn_is_set(monkeypatch: pytest.MonkeyPatch):
    """app.py's upgraded_at_start(): ledger.migrate.upgrade_postgres(dsn) in PostgreSQL mode, never the file's."""
    from ledger import migrate
    from queries.db import upgraded_at_start

    upgraded = []
    monkeypatch.setattr(
        migrate, "upgrade_postgres", lambda target: upgraded.append(("postgres", target)), raising=False
    )
    monkeypatch.setattr(migrate, "upgrade", lambda path: upgraded.append(("file", path)))
    _use_postgres(monkeypatch, "host=/nowhere dbname=ledger")
    upgraded_at_start()
    assert upgraded == [("postgres", "host=/nowhere dbname=ledger")]
