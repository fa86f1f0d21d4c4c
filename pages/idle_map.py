"""闲置资产地图: 12 盟市 coloured by a measure, parks sized by idle assets, item layers; a click drills down."""

import os

import streamlit as st
from streamlit.errors import StreamlitAPIException

import queries
from charts import maps
from pages import _state as state
from pages._shell import drill, page_header
from pages._state import follow, follow_many, many_to_url
from queries.boundaries import league_boundaries
from queries.scope import Scope

BASEMAP = os.environ.get("MAP_BASEMAP_STYLE") or None  # a MapLibre style URL inside the network; none by default
REVIEW = os.environ.get("MAP_REVIEW_NUMBER") or None  # the basemap's 审图号, when it has one (e.g. 蒙S（2024）012号)
ITEM_LIMIT = 5000  # more points than this (national-scale data) would send megabytes: choose a league first


def follow_url() -> None:
    """Measure and layers live in the URL (?measure=open_items&layers=land,stalled); widgets show them."""
    follow("measure", "idle_map_measure", list(maps.MEASURES), "idle_land", "盟市着色", label=maps.MEASURES.get)
    follow_many("layers", "idle_map_layers", list(maps.ITEM_LAYERS), list(maps.ITEM_LAYERS), "台账图层")


def to_url() -> None:
    state.to_url("measure", "idle_map_measure", list(maps.MEASURES), "idle_land")
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
leagues, parks, items = queries.map_leagues(scope), queries.map_parks(scope), queries.map_items(scope)
too_many = len(items) > ITEM_LIMIT
if too_many:
    st.info(
        f"本范围有 {len(items):,} 项台账条目，超过单张地图显示上限（{ITEM_LIMIT:,} 项），暂只显示盟市和园区。"
        "请点击盟市或在左侧选择盟市后查看条目。",
        icon=":material/info:",
    )
    layers = []
deck = maps.idle_assets_deck(
    boundaries,
    leagues,
    parks,
    items,
    league=scope.league,
    park=scope.park,
    measure=measure,
    layers=layers,
    basemap_style=BASEMAP,
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
legend_column.html(maps.legend_html(leagues, measure, layers))

unplaced = int(items.lat.isna().sum())
st.caption(
    "点击盟市进入该盟市，点击园区打开园区档案，点击条目打开台账。"
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
    elif layer == maps.PARKS:
        params = Scope(obj["league_code"], obj["park_id"], scope.asof).query_params()
        open_page("pages/park.py", params, "park?" + "&".join(f"{k}={v}" for k, v in params.items()))
    else:
        params = {**scope.query_params(), "ledger": obj["ledger"], "item": obj["item_id"]}
        open_page("pages/ledgers.py", params, "ledgers?" + "&".join(f"{k}={v}" for k, v in params.items()))
