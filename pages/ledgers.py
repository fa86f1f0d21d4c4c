"""台账: the six ledgers of the scope, filtered, down to one item and its history; export in ledger layout."""

import math
from collections.abc import Iterator
from functools import partial

import streamlit as st

import queries
from charts import format as fmt
from charts import ledgers as view
from queries import paging
from queries.lights import lights_head
from queries.scope import breadcrumb
from reports.stamp import stamp
from reports.workbooks import export_meta, ledger_csv_frames, ledger_xlsx_frames
from ui.downloads import export_button
from ui.item_view import item_panel
from ui.ledger_filters import filter_row, follow_order, ledger_choice, open_row, order_row
from ui.scope import catalog, page_header
from ui.supervision import LIT_SHOWN, light_summary, lights_table
from ui.tables import item_table_options, table
from ui.url_state import follow_page, page_input

scope = page_header("台账")
figure_stamp = stamp(scope)

# Which ledger and which item: both live in the URL (?ledger=land&item=LD0001) -------------------
item_id = st.query_params.get("item", "").strip()
item = queries.item_detail(item_id, scope.asof) if item_id else None
if item_id and item is None:
    st.warning(
        f"台账中没有编号为“{item_id}”的条目（或不在本账号可查看的范围内），请检查链接。下面仍显示台账列表。",
        icon=":material/warning:",
    )
    del st.query_params["item"]
item_slot = st.container()  # an asked item opens here, at the top, above its ledger's list (issue 24)
ledger = ledger_choice(item)

# Filters, in the URL too (?status=整改中&unit=…&phase=survey&q=…&overdue=1) ----------------------
filters, notes = filter_row(scope, ledger)

# Counts and sums of every filtered item, from the database; the table shows one page of them -----------
totals = paging.ledger_totals(ledger, scope, view.sum_fields(ledger), **filters)
cards = view.ledger_summary(totals, ledger)
PER_ROW = 4  # national-scale figures (335,240 项, 3,596,204.0) need a quarter of the width each
for start in range(0, len(cards), PER_ROW):
    for column, (label, value, note) in zip(st.columns(PER_ROW), cards[start : start + PER_ROW], strict=False):
        column.metric(label, value, note, delta_color="off", delta_arrow="off")
sorts = view.sort_fields(ledger)
sort, descending, size = follow_order(sorts)
pages = max(1, math.ceil(totals["items"] / size))
number = follow_page("page", "ledgers_page", pages)

# The ledger, with its export --------------------------------------------------------------------
title = view.export_title(breadcrumb(scope, catalog())[-1], scope.park is not None, ledger)
meta = export_meta(title, figure_stamp, ledger, notes, queries.ledger_origin(scope, ledger))
head, xlsx_col, csv_col = st.columns([5, 1.3, 1.3], vertical_alignment="bottom")  # 1366: labels not cut
head.markdown(f"**{title}**　:small[{meta.subtitle}]")


def _tables() -> Iterator:
    """The whole filtered ledger as export tables, a few thousand rows at a time (never the page alone)."""
    return (view.ledger_table(frame, ledger) for frame in paging.ledger_frames(ledger, scope, **filters))


exports = ((xlsx_col, "Excel", "xlsx", lambda: ledger_xlsx_frames(_tables(), meta)),
           (csv_col, "CSV", "csv", lambda: ledger_csv_frames(_tables())))  # fmt: skip
for where, kind, suffix, build in exports:
    with where:
        export_button(
            f"导出 {kind}",
            build,
            file_name=f"{title}_{scope.asof}.{suffix}",
            what=f"台账 {kind}",
            scope_label=figure_stamp.scope_label,
            icon=":material/download:",
            help=f"全部 {totals['items']:,} 项（不只本页）",
            key=f"ledgers_{suffix}",
        )
if totals["items"] == 0:
    st.info("没有符合筛选条件的条目。", icon=":material/filter_alt_off:")
else:
    *order_cols, page_col, where_col = st.columns([2, 1, 1, 1.4, 3], vertical_alignment="bottom")
    order_row(order_cols, sorts)
    page_input(page_col, "page", "ledgers_page", pages)
    rows = paging.ledger_page(ledger, scope, number, size, paging.ledger_order(sort, descending), **filters)
    first = (number - 1) * size + 1
    where_col.caption(
        f"第 {first:,}–{first + len(rows) - 1:,} 项，共 {totals['items']:,} 项；条目数、合计与导出均为全部筛选结果。"
    )
    shown = view.ledger_table(rows, ledger)
    version = st.session_state.get("ledgers_table_version", 0)
    table_key = f"ledgers_table_{ledger}_{version}_{number}_{size}_{sort}_{descending}"
    row_ids = rows["item_id"].tolist()
    st.session_state["ledgers_row_ids"] = row_ids
    table(
        fmt.dashed(shown),  # an empty field shows —, not None
        table_key,
        fit=True,
        most=460,
        on_select=partial(open_row, table_key),
        selection_mode="single-row",
        selection_default={"selection": {"rows": [row_ids.index(item_id)] if item_id in row_ids else []}},
        **item_table_options(  # 1366 wide: 整改时限, 超期, 状态, 责任单位 beside the name (ui/tables.py)
            shown.columns, {h: st.column_config.NumberColumn(format="%.2f") for h in view.number_headers(ledger)}
        ),
    )
    st.caption("点击行首的选择框打开该条目：事实、整改状态变化、整改时限，以及上级园区和盟市的链接。")

# 督办三色 of this ledger's open items in scope, the lit ones listed when asked ----------------------
if st.toggle(light_summary(queries.light_counts(scope, ledger)) + "：列出亮灯条目", key="ledgers_lights_on"):
    lights_table(lights_head(scope, LIT_SHOWN, ledger), "ledgers_lights")

# One item: at the newest data as it is today; at an earlier 数据截至 date as it was then, saying so ------
if item is not None:
    item_panel(item, scope, figure_stamp, item_slot)
