"""园区档案: one park on one page — facts, its six ledgers, indicators against thresholds, progress, a map."""

import math

import streamlit as st
from streamlit.errors import StreamlitAPIException

import queries
from charts import format as fmt
from charts import maps
from charts import park as view
from charts.progress import curve_figure
from charts.theme import plotly_config
from queries import paging
from queries.boundaries import league_boundaries
from reports.stamp import stamp
from reports.workbooks import items_xlsx
from ui.downloads import export_button, export_menu
from ui.park_actions import park_actions_section
from ui.park_directory import park_directory
from ui.park_years import park_years_section
from ui.scope import page_header
from ui.supervision import light_line
from ui.tables import item_link, item_table, percent_column, table
from ui.text import plain_frame
from ui.url_state import follow_page, page_input

PRINTED_ITEMS = 2_000  # the print lists every item up to this many (beyond, the Excel export holds them)

scope = page_header("园区档案")

if scope.park is None:
    park_directory(scope)  # the bottom of the drill-down without a park: the directory of the scope's parks
    st.stop()

profile = queries.park_profile(scope)
figure_stamp = stamp(scope)
st.header(profile["name"], anchor=False)

# Facts from the catalogue ------------------------------------------------------------------------
fact_list = view.facts(profile)
for column, (label, value) in zip(st.columns(4) * 2, fact_list, strict=True):
    column.markdown(f"**{label}**　{value}")

# Its items in the six ledgers ------------------------------------------------------------------
st.subheader("台账条目与整改")
kpis = queries.ledger_kpis(scope)
found, rectified, overdue = int(kpis.found.sum()), int(kpis.rectified.sum()), int(kpis.overdue.sum())
totals = st.columns(4)
totals[0].metric("发现条目", f"{found} 项")
totals[1].metric("已整改", f"{rectified} 项")
totals[2].metric("整改完成率", f"{rectified / found * 100:.1f}%" if found else "—")
totals[3].metric("超期未整改", f"{overdue} 项", "需督办" if overdue else None, "inverse", delta_arrow="off")
light_line(queries.light_counts(scope))  # 督办三色 of the park's open items
ledger_rows = view.ledger_table(kpis)
with st.container(key="screen_only_ledgers"):
    table(fmt.in_percent(ledger_rows, "完成率"), "park_ledgers", column_config={"完成率": percent_column()})
with st.container(key="print_only_ledgers"):  # paper cannot scroll a canvas sideways: a plain table instead
    st.table(ledger_rows.assign(完成率=ledger_rows["完成率"].map(fmt.rate)).set_index("台账"))

# Indicators against the league's thresholds, and the rank --------------------------------------
st.subheader("亩均效益")
indicators = queries.park_indicators(scope).iloc[0]
for column, card in zip(st.columns(4), view.indicator_cards(indicators), strict=True):
    column.metric(card.label, card.value, card.delta, "normal" if card.below is not None else "off")
st.markdown(f"**亩均税收全区排名**：{view.rank_text(indicators)}")
st.caption(view.indicator_basis_text(indicators, profile, scope.asof.year))

# Progress over time ------------------------------------------------------------------------------
st.subheader("整改进度")
curve = queries.rectification_curve(scope)
progress_figure = curve_figure(curve, None, figure_stamp)
st.plotly_chart(progress_figure, config=plotly_config("园区整改进度"), key="park_curve")
export_menu(progress_figure, f"园区整改进度_{scope.park}_{scope.asof:%Y%m%d}", "park_curve")

# Where its idle assets are: a small map from the bundled boundaries (no map service) ---------------
st.subheader("闲置资产分布")
park_row, items = queries.map_parks(scope).iloc[0], queries.map_items(scope)
outline = next(
    (f for f in league_boundaries()["features"] if f["properties"]["league_code"] == park_row.league_code), None
)
unplaced = int(items[["lat", "lon"]].isna().any(axis=1).sum())
note = maps.SKETCH + (f"；另有 {unplaced} 项台账未填坐标，未标出" if unplaced else "")
park_map = view.park_map_figure(outline, park_row, items, figure_stamp, note)
event = st.plotly_chart(
    park_map, on_select="rerun", selection_mode="points", config=plotly_config("园区闲置资产分布"), key="park_map"
)
export_menu(park_map, f"园区闲置资产分布_{scope.park}_{scope.asof:%Y%m%d}", "park_map")
st.caption(maps.BOUNDARY_NOTE)
with st.container(key="screen_only_map_hint"):  # a click means nothing on paper (assets/print.css)
    st.caption("点击地图上的条目打开台账。")
points = event["selection"]["points"] if event else []
picked = next((p["customdata"] for p in points if p.get("customdata")), None)
if picked:
    params = {**scope.query_params(), "ledger": picked[1], "item": picked[0]}
    try:
        st.switch_page("pages/ledgers.py", query_params=params)
    except StreamlitAPIException:
        st.warning(f"请在台账页查看条目 {params['item']}。", icon=":material/link:")

# The item list, a page at a time (a park may hold tens of thousands), printable and exportable -------------
item_count = paging.park_items_count(scope)
item_pages = max(1, math.ceil(item_count / paging.PARK_PAGE_SIZE))
with st.container(key="items_section"):  # printed on A4 landscape sheets of its own (assets/print.css)
    st.subheader("条目清单")
    with st.container(key="screen_only_items"):
        number = follow_page("ipage", "park_items_page", item_pages)
        table = view.items_table(paging.park_items_page(scope, number))
        shown = table.assign(条目=[item_link(i, scope) for i in table["编号"]]).drop(columns="编号")[
            ["条目", *table.columns[1:]]
        ]
        item_table(fmt.dashed(shown, decimals=1), "park_items")  # an item without an area or amount shows "—"
        if item_pages > 1:
            page_col, where_col = st.columns([1.4, 6], vertical_alignment="bottom")
            page_input(page_col, "ipage", "park_items_page", item_pages)
            first = (number - 1) * paging.PARK_PAGE_SIZE + 1
            span = f"第 {first:,}–{first + len(table) - 1:,} 项，共 {item_count:,} 项"
            where_col.caption(f"{span}；导出的 Excel 含全部条目。")
    with st.container(key="print_only_items"):  # every item on paper, wrapped, continued over the sheets
        if item_count <= PRINTED_ITEMS:
            printed = view.items_table(queries.park_items(scope))
            printed = plain_frame(printed.assign(超期未整改=printed["超期未整改"].map({True: "是", False: "否"})))
            st.table(fmt.dashed_text(printed.set_index("编号"), decimals=1))  # plain text: no Styler cell limit
        else:
            st.markdown(
                f"本园区共 {item_count:,} 项条目，超过 {PRINTED_ITEMS:,} 项不逐条打印；"
                "全部条目请用页面上的“导出条目清单（Excel）”取得后打印。"
            )


def items_workbook() -> bytes:
    """Every item of the park (not the page on screen), made when the button is clicked."""
    return items_xlsx(view.items_table(queries.park_items(scope)), profile["name"], scope.asof, figure_stamp.demo)


export_button(
    "导出条目清单（Excel）",
    items_workbook,
    file_name=f"{profile['name']}_台账条目_{scope.asof:%Y%m%d}.xlsx",
    what="园区条目清单",
    scope_label=figure_stamp.scope_label,
    icon=":material/download:",
    help=f"全部 {item_count:,} 项，点击后生成",
    key="park_export",
)
# 动态管理: the park judged over the years, and the office's decisions on it
park_years_section(scope)
park_actions_section(scope, profile["league_code"], figure_stamp.scope_label)
with st.container(key="screen_only_print_hint"):
    st.caption(
        "打印本页：使用浏览器的打印功能（Ctrl+P，A4），侧栏、按钮与导出说明不打印；条目清单全部打印在横向 A4 纸上。"
    )
