"""闲置资产地图: 12 盟市 coloured by a measure, parks sized by idle assets, item layers; a click drills down."""

import os

import streamlit as st
from streamlit.errors import StreamlitAPIException

import queries
from charts import maps
from queries.boundaries import league_boundaries
from queries.scope import Scope
from ui import url_state
from ui.scope import catalog, drill, page_header
from ui.url_state import follow, follow_many, many_to_url

BASEMAP = os.environ.get("MAP_BASEMAP_STYLE") or None  # a MapLibre style URL inside the network; none by default
REVIEW = os.environ.get("MAP_REVIEW_NUMBER") or None  # the basemap's 审图号, when it has one (e.g. 蒙S（2024）012号)
# More points than these would send over a megabyte to the browser (each carries its tooltip): above them the map
# asks the database for aggregates instead of rows it would not draw.
ITEM_LIMIT = 2000  # item dots; more: the parks' circles (sized by their open assets) stand for them
PARK_LIMIT = 1000  # park circles; more (the region at national scale): parks gathered into cells


def follow_url() -> None:
    """Measure and layers live in the URL (?measure=open_items&layers=land,stalled); widgets show them."""
    follow("measure", "idle_map_measure", list(maps.MEASURES), "idle_land", "盟市着色", label=maps.MEASURES.get)
    follow_many("layers", "idle_map_layers", list(maps.ITEM_LAYERS), list(maps.ITEM_LAYERS), "台账图层")


def to_url() -> None:
    url_state.to_url("measure", "idle_map_measure", list(maps.MEASURES), "idle_land")
    many_to_url("layers", st.session_state["idle_map_layers"], list(maps.ITEM_LAYERS), list(maps.ITEM_LAYERS))


def open_page(page: str, params: dict[str, str], url: str) -> None:
    """Switch to another page of the app; a page run on its own (no navigation) gets a link instead."""
    try:
        st.switch_page(page, query_params=params)
    except StreamlitAPIException:
        st.warning(f"无法直接打开该页面，请使用链接：[{url}]({url})", icon=":material/link:")


scope = page_header("闲置资产地图")
follow_url()
left, right = st.columns([2, 3])
left.segmented_control(
    "盟市着色", list(maps.MEASURES), format_func=maps.MEASURES.get, key="idle_map_measure", on_change=to_url
)
right.pills(
    "显示台账条目",
    list(maps.ITEM_LAYERS),
    selection_mode="multi",
    format_func=maps.ITEM_LAYERS.get,
    key="idle_map_layers",
    on_change=to_url,
)
measure, layers = st.session_state["idle_map_measure"] or "idle_land", st.session_state["idle_map_layers"]

boundaries = league_boundaries()
leagues = queries.map_leagues(scope)
counts = queries.map_item_counts(scope)
park_count = 1 if scope.park else sum(scope.league in (None, league) for _, league in catalog().parks.values())
cells = queries.map_park_cells(scope) if park_count > PARK_LIMIT else None
parks = queries.map_parks(scope) if cells is None else None
placed = int(counts.placed.sum())
if placed > ITEM_LIMIT:
    st.info(
        f"本范围有 {placed:,} 项有坐标的台账条目，超过单张地图显示上限（{ITEM_LIMIT:,} 项），"
        + ("园区按所在位置汇总显示；" if cells is not None else "园区圆圈的大小表示其待盘活闲置资产的多少；")
        + "点击盟市或在左侧选择盟市、园区后查看条目。",
        icon=":material/info:",
    )
    items, layers = maps.NO_ITEMS, []
else:
    items = queries.map_items(scope)
deck = maps.idle_assets_deck(
    boundaries,
    leagues,
    parks if parks is not None else maps.NO_PARKS,
    items,
    league=scope.league,
    park=scope.park,
    measure=measure,
    layers=layers,
    basemap_style=BASEMAP,
    park_cells=cells,
)
map_column, legend_column = st.columns([5, 1])
with map_column:
    event = st.pydeck_chart(
        deck,
        on_select="rerun",
        selection_mode="single-object",
        height=560,
        key=f"idle_map_deck_{scope.league or 'region'}_{scope.park or 'all'}",
    )
legend_column.html(maps.legend_html(leagues, measure, layers, cells=cells is not None))

unplaced = int((counts["items"] - counts["placed"]).sum())
st.caption(
    (
        "点击盟市或园区圆圈进入该盟市。"
        if cells is not None
        else "点击盟市进入该盟市，点击园区打开园区档案，点击条目打开台账。"
    )
    + (f"另有 {unplaced} 项台账条目未填坐标，未在图上显示。" if unplaced else "")
)
st.caption(
    f"底图审图号：{REVIEW}。" + maps.BOUNDARY_NOTE.removeprefix(f"{maps.SKETCH}。")
    if BASEMAP and REVIEW
    else maps.BOUNDARY_NOTE
)

picked = maps.selected_object(event)
if picked:
    layer, obj = picked
    if layer in (maps.LEAGUES, maps.LEAGUE_LABELS):
        if obj["league_code"] != scope.league or scope.park:
            drill(scope, league=obj["league_code"], park=None)
    elif layer == maps.PARK_CELLS:
        drill(scope, league=obj["league_code"], park=None)
    elif layer == maps.PARKS:
        params = Scope(obj["league_code"], obj["park_id"], scope.asof).query_params()
        open_page("pages/park.py", params, "park?" + "&".join(f"{k}={v}" for k, v in params.items()))
    else:
        params = {**scope.query_params(), "ledger": obj["ledger"], "item": obj["item_id"]}
        open_page("pages/ledgers.py", params, "ledgers?" + "&".join(f"{k}={v}" for k, v in params.items()))
