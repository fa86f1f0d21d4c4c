"""园区档案: facts, ledger counts, indicators and rank against independent SQL, the no-park case, map, export."""

import io
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import queries
from charts import maps
from charts import park as view
from queries.scope import Scope
from reports.workbooks import items_xlsx
from tests.conftest import ROOT

PARKS = [
    Scope("150200", "P021", date(2023, 6, 8)),
    Scope("150200", "P005", date(2022, 12, 31)),
    Scope("150100", "P007", date(2025, 12, 25)),
    Scope("152500", "P052", date(2022, 8, 31)),
]
IDS = [f"{s.park}-{s.asof}" for s in PARKS]


def sql(db: Path, text: str, **params) -> pd.DataFrame:
    con = duckdb.connect(str(db))
    try:
        return con.execute(text, params).df()
    finally:
        con.close()


def independent_ledgers(db: Path, scope: Scope) -> pd.DataFrame:
    """found, rectified, overdue per ledger of the park, by the last event's row number (no view, no macro)."""
    return sql(
        db,
        """
        with last as (
            select item_id, status from item_event where event_date <= $asof
            qualify row_number() over (partition by item_id order by seq desc) = 1
        )
        select i.ledger,
               count(*) as found,
               count(*) filter (where last.status in ('已整改', '已销号')) as rectified,
               count(*) filter (where coalesce(last.status, '') not in ('已整改', '已销号') and i.deadline < $asof)
                   as overdue
        from item i left join last using (item_id)
        where i.park_id = $park and i.found_date <= $asof
        group by i.ledger
        """,
        asof=scope.asof,
        park=scope.park,
    ).set_index("ledger")


def independent_indicators(db: Path, asof: date) -> pd.DataFrame:
    """Every park's indicators from complete projects with land > 0 built by asof's year, computed in pandas."""
    projects = sql(db, "select * from built_project where year <= $y", y=asof.year)
    for column in ("land_mu", "output_wan", "tax_wan", "investment_wan", "floor_area_m2"):
        projects[column] = projects[column].astype(float)
    valid = projects[(projects.land_mu > 0) & projects[["output_wan", "tax_wan", "investment_wan"]].notna().all(1)]
    valid = valid[valid.floor_area_m2.notna()]
    sums = valid.groupby("park_id")[["land_mu", "output_wan", "tax_wan", "investment_wan", "floor_area_m2"]].sum()
    parks = sql(db, "select park_id, name from park").set_index("park_id")
    out = parks.join(sums)
    out["output_per_mu"] = out.output_wan / out.land_mu
    out["tax_per_mu"] = out.tax_wan / out.land_mu
    out["investment_intensity"] = out.investment_wan / out.land_mu
    out["plot_ratio"] = out.floor_area_m2 / (out.land_mu * 666.67)
    out["missing"] = projects[~projects.index.isin(valid.index)].groupby("park_id").size()
    out["missing"] = out.missing.fillna(0).astype(int)
    ranked = out[out.tax_per_mu.notna()].sort_values(["tax_per_mu", "name"], ascending=[False, True])
    out["rank"] = pd.Series(range(1, len(ranked) + 1), index=ranked.index)
    out["ranked_parks"] = len(ranked)
    return out


def park_page(scope: Scope | None = None, **params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in {**(scope.query_params() if scope else {}), **params}.items():
        at.query_params[key] = value
    return at.switch_page("pages/park.py").run()


def metrics(at: AppTest) -> dict[str, tuple[str, str | None]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


# Numbers on the page against independent SQL --------------------------------------------------------
@pytest.mark.parametrize("scope", PARKS, ids=IDS)
def test_profile_shows_the_parks_facts_and_ledger_counts(demo_db: Path, scope: Scope) -> None:
    at = park_page(scope)
    assert not at.exception
    facts = sql(demo_db, "select * from park where park_id = $p", p=scope.park).iloc[0]
    assert at.header[0].value == facts["name"]
    texts = " ".join(m.value for m in at.markdown)
    assert f"**级别**　{facts.level}" in texts and f"{facts.approved_area_ha:,.1f} 公顷" in texts
    expected = independent_ledgers(demo_db, scope)
    shown = metrics(at)
    assert shown["发现条目"][0] == f"{int(expected.found.sum())} 项"
    assert shown["已整改"][0] == f"{int(expected.rectified.sum())} 项"
    assert shown["超期未整改"][0] == f"{int(expected.overdue.sum())} 项"
    table = at.dataframe[0].value.set_index("台账")
    names = sql(demo_db, "select ledger, name from ledger_def").set_index("ledger").name
    for ledger, row in expected.iterrows():
        assert (table.at[names[ledger], "发现(项)"], table.at[names[ledger], "已整改(项)"]) == (
            row.found,
            row.rectified,
        )
        assert table.at[names[ledger], "超期未整改(项)"] == row.overdue
    assert table["发现(项)"].sum() == expected.found.sum()


@pytest.mark.parametrize("scope", PARKS, ids=IDS)
def test_indicators_and_rank_equal_independent_computation(demo_db: Path, scope: Scope) -> None:
    expected = independent_indicators(demo_db, scope.asof).loc[scope.park]
    row = queries.park_indicators(scope).iloc[0]
    for column in ("output_per_mu", "tax_per_mu", "investment_intensity", "plot_ratio"):
        assert row[column] == pytest.approx(expected[column]), column
    assert row.missing_projects == expected.missing
    assert (row.tax_rank, row.ranked_parks) == (expected["rank"], expected.ranked_parks)
    thresholds = (
        sql(
            demo_db,
            "select t.indicator, t.min_value from control_threshold t join park p on p.league_code = t.league_code "
            "and p.industry_category = t.industry_category where p.park_id = $p",
            p=scope.park,
        )
        .set_index("indicator")
        .min_value
    )
    assert row.tax_min == thresholds["tax_per_mu"] and row.plot_min == thresholds["plot_ratio"]

    at = park_page(scope)
    shown = metrics(at)
    assert shown["亩均税收（万元/亩）"][0] == f"{expected.tax_per_mu:,.2f}"
    assert shown["容积率"][0] == f"{expected.plot_ratio:,.2f}"
    gap = expected.tax_per_mu / thresholds["tax_per_mu"] - 1
    assert shown["亩均税收（万元/亩）"][1].startswith(f"{gap * 100:+.1f}%")
    rank_line = f"第 {int(expected['rank'])} 位 / {int(expected.ranked_parks)} 个园区"
    assert any(rank_line in m.value for m in at.markdown)
    assert any("演示估计" in c.value for c in at.caption)


def test_projects_without_land_are_counted_as_missing_and_never_divided_by(demo_db: Path) -> None:
    missing = sql(
        demo_db,
        "select p.league_code, b.park_id, b.year from built_project b join park p using (park_id) "
        "where coalesce(b.land_mu, 0) = 0",
    )
    assert len(missing) == 3
    for project in missing.itertuples():
        row = queries.park_indicators(Scope(project.league_code, project.park_id, date(2025, 12, 25))).iloc[0]
        assert row.missing_projects >= 1
        assert pd.notna(row.tax_per_mu)  # the park's other projects still give an indicator
    empty = pd.Series(
        {"output_per_mu": None, "tax_per_mu": float("nan"), "investment_intensity": None, "plot_ratio": None}
        | {"output_min": 1.0, "tax_min": 1.0, "investment_min": 1.0, "plot_min": 1.0}
    )
    assert {c.value for c in view.indicator_cards(empty)} == {"数据缺失"}


def test_the_item_list_equals_the_parks_items_found_by_the_date(demo_db: Path) -> None:
    scope = PARKS[0]
    at = park_page(scope)
    items = at.dataframe[1].value
    expected = sql(
        demo_db,
        "select item_id from item where park_id = $p and found_date <= $d order by item_id",
        p=scope.park,
        d=scope.asof,
    )
    assert sorted(items["条目"].str.extract(r"item=(\w+)")[0]) == expected.item_id.tolist()
    assert items["条目"].str.endswith(f"&asof={scope.asof}").all()


# No park in scope ------------------------------------------------------------------------------------
def directory_pages(scope: Scope, search: str | None = None, size: int = 20) -> list[pd.DataFrame]:
    pages, n = [], 0
    while True:
        page = queries.park_directory(scope, search, n, size)
        if page.empty:
            return pages
        pages.append(page)
        n += 1


@pytest.mark.parametrize(
    "scope", [Scope(None, None, date(2023, 6, 8)), Scope("150200", None, date(2022, 12, 31))], ids=["region", "league"]
)
def test_the_park_directory_lists_every_park_in_scope_once_a_page_at_a_time(demo_db: Path, scope: Scope) -> None:
    expected = sql(
        demo_db,
        "select park_id from park where $league is null or league_code = $league order by league_code, park_id",
        league=scope.league,
    ).park_id.tolist()
    pages = directory_pages(scope, size=20)
    assert all(len(p) <= 20 for p in pages) and len(pages) == -(-len(expected) // 20)
    assert [pid for p in pages for pid in p.park_id] == expected
    assert {int(p.matches.iloc[0]) for p in pages} == {len(expected)}
    counts = independent_ledgers_all(demo_db, scope.asof)
    listed = pd.concat(pages).set_index("park_id")
    assert listed.found.to_dict() == counts.found.reindex(listed.index, fill_value=0).to_dict()
    assert listed.overdue.to_dict() == counts.overdue.reindex(listed.index, fill_value=0).to_dict()


def independent_ledgers_all(db: Path, asof: date) -> pd.DataFrame:
    return sql(
        db,
        """
        with last as (
            select item_id, status from item_event where event_date <= $asof
            qualify row_number() over (partition by item_id order by seq desc) = 1
        )
        select i.park_id, count(*) as found,
               count(*) filter (where coalesce(last.status, '') not in ('已整改', '已销号') and i.deadline < $asof)
                   as overdue
        from item i left join last using (item_id) where i.found_date <= $asof group by i.park_id
        """,
        asof=asof,
    ).set_index("park_id")


@pytest.mark.parametrize("words", ["稀土", "包头", "p00", "  九原区 "])
def test_the_directory_search_matches_name_county_id_or_league(demo_db: Path, words: str) -> None:
    found = [pid for p in directory_pages(Scope(None, None, date(2023, 6, 8)), words, size=7) for pid in p.park_id]
    expected = sql(
        demo_db,
        "select p.park_id from park p join league l using (league_code) where contains(lower(p.name || ' ' || "
        "coalesce(p.county, '') || ' ' || p.park_id || ' ' || l.name), lower($w)) order by p.league_code, p.park_id",
        w=words.strip(),
    ).park_id.tolist()
    assert found == expected


def test_a_league_users_directory_holds_only_its_league(demo_db: Path) -> None:
    from auth.roles import Allowed
    from queries import db

    token = db._acting.set(Allowed(league="150200", park=None))
    try:
        listed = [pid for p in directory_pages(Scope(None, None, date(2023, 6, 8))) for pid in p.park_id]
    finally:
        db._acting.reset(token)
    expected = sql(demo_db, "select park_id from park where league_code = '150200' order by 1").park_id.tolist()
    assert listed == expected


def test_without_a_park_the_profile_shows_the_directory_pages_it_and_a_row_drills(demo_db: Path) -> None:
    at = park_page(asof="2023-06-08")
    assert not at.exception and not at.metric
    total = int(sql(demo_db, "select count(*) as n from park").n[0])
    first = at.dataframe[0].value
    assert len(first) == 20 and any(f"第 1 / {-(-total // 20)} 页，共 {total} 个园区" in m.value for m in at.markdown)
    at.button(key="park_directory_next").click().run()
    second = at.dataframe[0].value
    assert any("第 2 /" in m.value for m in at.markdown) and not set(second["园区"]) & set(first["园区"])
    at.text_input(key="park_directory_q").input("稀土").run()
    assert any("第 1 / 1 页" in m.value for m in at.markdown)
    assert all("稀土" in name for name in at.dataframe[0].value["园区"])
    selection = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.session_state["park_directory_0_稀土"] = selection  # the table's key names its page and search
    at.run()
    assert not at.exception
    assert at.query_params["park"] == "P005" and at.header[0].value == "包头稀土高新技术产业开发区"


def test_a_search_that_matches_nothing_says_so_in_chinese() -> None:
    at = park_page(league="150200", asof="2023-06-08")
    at.text_input(key="park_directory_q").input("不存在的园区").run()
    assert not at.exception and any("没有名称、旗县、编号或盟市含“不存在的园区”的园区" in w.value for w in at.warning)


# Its small map and the export ------------------------------------------------------------------------
def test_the_parks_map_shows_only_its_items_and_a_click_opens_one() -> None:
    scope = PARKS[0]
    at = park_page(scope)
    item = queries.map_items(scope).iloc[0]
    point = {"customdata": [item.item_id, item.ledger], "curve_number": 2, "point_index": 0}
    at.session_state["park_map"] = {"selection": {"points": [point], "point_indices": [0], "box": [], "lasso": []}}
    at.run()
    assert not at.exception
    assert (at.query_params["item"], at.query_params["park"]) == (item.item_id, scope.park)
    assert at.title[0].value == "台账"


@pytest.mark.parametrize("scope", PARKS[:2], ids=IDS[:2])
def test_the_parks_small_map_has_its_league_outline_the_park_every_located_item_and_a_scale(
    demo_db: Path, scope: Scope
) -> None:
    from charts.theme import Stamp

    items = queries.map_items(scope)
    outline = next(
        f for f in queries.boundaries.league_boundaries()["features"] if f["properties"]["league_code"] == scope.league
    )
    fig = view.park_map_figure(outline, queries.map_parks(scope).iloc[0], items, Stamp("t", scope.asof, True), "示意图")
    names = [t.name for t in fig.data]
    assert {"league_outline", "park_locator", "park", "scale_bar"} <= set(names)  # a map, not dots in a box
    drawn = [c[0] for t in fig.data if t.customdata is not None for c in t.customdata]
    expected = sql(
        demo_db,
        "select i.item_id from item i left join land l using (item_id) left join stalled s using (item_id) "
        "left join infrastructure f using (item_id) where i.park_id = $p and i.found_date <= $d "
        "and coalesce(l.lat, s.lat, f.lat) is not null order by 1",
        p=scope.park,
        d=scope.asof,
    ).item_id.tolist()
    assert sorted(drawn) == expected
    outline_trace = next(t for t in fig.data if t.name == "league_outline")
    assert outline_trace.xaxis == "x" and len(outline_trace.x) > 50  # the league's own boundary, on the locator
    assert "示意图" in fig.layout.title.subtitle.text


def test_the_parks_deck_holds_its_items_and_only_its_park(demo_db: Path) -> None:
    scope = PARKS[0]
    items = queries.map_items(scope)
    deck = maps.idle_assets_deck(
        queries.boundaries.league_boundaries(),
        queries.map_leagues(scope),
        queries.map_parks(scope),
        items,
        league=scope.league,
        park=scope.park,
    )
    parks = next(x for x in deck.layers if x.id == maps.PARKS).data
    assert [p["park_id"] for p in parks] == [scope.park]
    drawn = sum(len(x.data) for x in deck.layers if x.id.startswith("items_"))
    expected = sql(
        demo_db,
        "select count(*) as n from item where park_id = $p and found_date <= $d "
        "and ledger in ('land', 'stalled', 'infrastructure')",
        p=scope.park,
        d=scope.asof,
    ).n[0]
    assert drawn == expected == len(items)


def test_excel_export_holds_every_item_and_keeps_formula_like_text_as_text() -> None:
    scope = PARKS[0]
    table = view.items_table(queries.park_items(scope))
    table.loc[0, "名称"] = '=HYPERLINK("http://example.com","点我")'
    table.loc[1, "责任单位"] = "@SUM(A1:A2)"
    book = openpyxl.load_workbook(io.BytesIO(items_xlsx(table, "测试园区", scope.asof, demo=True)))
    sheet = book.active
    header_row = next(r for r in range(1, 6) if sheet.cell(r, 2).value == "编号")
    ids = [sheet.cell(r, 2).value for r in range(header_row + 1, sheet.max_row + 1)]
    assert ids[:-1] == table["编号"].tolist()  # the last row is 合计
    title_cell = sheet.cell(header_row + 1, 1 + list(table.columns).index("名称") + 1)
    assert title_cell.value.startswith("=HYPERLINK") and title_cell.data_type == "s"
    assert "演示数据" in sheet.cell(2, 1).value
