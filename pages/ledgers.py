"""台账: the six ledgers of the scope, filtered, down to one item and its history; export in ledger layout."""

import math
from collections.abc import Callable, Iterator
from functools import partial

import streamlit as st

import queries
from charts import format as fmt
from charts import ledgers as view
from charts.excel import ledger_csv_frames, ledger_xlsx_frames
from charts.theme import plotly_config
from queries import paging
from queries.scope import breadcrumb
from ui.downloads import export_button
from ui.item_actions import files_on, item_day, item_workflow, past_notice, returned_notice
from ui.scope import catalog, drill, page_header, stamp
from ui.tables import item_table_options
from ui.text import plain, plain_frame
from ui.url_state import flag_to_url, follow, follow_flag, follow_page, follow_text, page_input, text_to_url, to_url


def _close_item() -> None:
    """Close the item and start the table afresh (a new key drops the old row selection)."""
    if "item" in st.query_params:
        del st.query_params["item"]
    st.session_state["ledgers_table_version"] = st.session_state.get("ledgers_table_version", 0) + 1


def _on_ledger() -> None:
    st.query_params["ledger"] = st.session_state["ledgers_ledger"]
    for param in ("unit", "sort", "page"):  # units and columns differ between ledgers
        st.query_params.pop(param, None)
    _close_item()


def _refiltered(write: Callable[..., None]) -> Callable[..., None]:
    """on_change of a filter, the order or the page size: write the URL and go back to the first page."""

    def changed(*args: object) -> None:
        write(*args)
        st.query_params.pop("page", None)

    return changed


def _on_row(key: str) -> None:
    """A selected row opens its item (in the URL, so the view can be shared); clearing it closes the item."""
    rows = st.session_state[key]["selection"]["rows"]
    if rows:
        st.query_params["item"] = st.session_state["ledgers_row_ids"][rows[0]]
    elif "item" in st.query_params:
        del st.query_params["item"]


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
ledger = item["ledger"] if item is not None else st.query_params.get("ledger", view.DEFAULT_LEDGER)
if ledger not in view.LEDGERS:
    st.warning(
        f"链接中的台账“{ledger}”不存在，已显示{view.LEDGERS[view.DEFAULT_LEDGER].name}台账。", icon=":material/warning:"
    )
    ledger = view.DEFAULT_LEDGER
if st.query_params.get("ledger") != ledger:
    st.query_params["ledger"] = ledger
st.session_state["ledgers_ledger"] = ledger
st.segmented_control(
    "台账",
    list(view.LEDGERS),
    format_func=lambda key: view.LEDGERS[key].name,
    key="ledgers_ledger",
    required=True,
    on_change=_on_ledger,
    label_visibility="collapsed",
)

# Filters, in the URL too (?status=整改中&unit=…&phase=survey&q=…&overdue=1) ----------------------
units = queries.ledger_units(scope, ledger)
phase_rows = queries.phases(scope)
phases = dict(zip(phase_rows.phase_id, phase_rows.name, strict=True))
FILTERS = {
    "status": ("ledgers_status", ["", *view.STATUSES], "状态"),
    "unit": ("ledgers_unit", ["", *units], "责任单位"),
    "phase": ("ledgers_phase", ["", *phases], "发现阶段"),
}
for param, (key, allowed, what) in FILTERS.items():
    follow(param, key, allowed, "", what, label=lambda _: "全部")
follow_text("q", "ledgers_search")
follow_flag("overdue", "ledgers_overdue", "超期筛选")
status_col, unit_col, phase_col, search_col, overdue_col = st.columns([1, 2, 1, 2, 1.2], vertical_alignment="bottom")
status, unit, phase = (
    column.selectbox(
        FILTERS[param][2],
        FILTERS[param][1],
        format_func=shown,
        key=FILTERS[param][0],
        on_change=_refiltered(to_url),
        args=(param, *FILTERS[param][:2], ""),
    )
    for column, param, shown in (
        (status_col, "status", lambda s: s or "全部"),
        (unit_col, "unit", lambda u: u or "全部"),
        (phase_col, "phase", lambda p: phases.get(p, "全部")),
    )
)
search = search_col.text_input(
    "搜索",
    placeholder="名称或编号中的文字",
    key="ledgers_search",
    on_change=_refiltered(text_to_url),
    args=("q", "ledgers_search"),
).strip()
overdue = overdue_col.toggle(
    "仅看超期未整改",
    key="ledgers_overdue",
    on_change=_refiltered(flag_to_url),
    args=("overdue", "ledgers_overdue"),
)
filters = {
    "status": status or None,
    "overdue_only": overdue,
    "unit": unit or None,
    "phase": phase or None,
    "search": search or None,
}

# Counts and sums of every filtered item, from the database; the table shows one page of them -----------
totals = paging.ledger_totals(ledger, scope, view.sum_fields(ledger), **filters)
cards = view.ledger_summary(totals, ledger)
PER_ROW = 4  # national-scale figures (335,240 项, 3,596,204.0) need a quarter of the width each
for start in range(0, len(cards), PER_ROW):
    for column, (label, value, note) in zip(st.columns(PER_ROW), cards[start : start + PER_ROW], strict=False):
        column.metric(label, value, note, delta_color="off", delta_arrow="off")
sorts = view.sort_fields(ledger)
sort = follow("sort", "ledgers_sort", ["", *sorts], "", "排序列", label=lambda _: "台账顺序")
descending = follow_flag("desc", "ledgers_desc", "排序方向")
SIZES = [str(n) for n in paging.PAGE_SIZES]
size = int(follow("size", "ledgers_size", SIZES, str(paging.DEFAULT_PAGE_SIZE), "每页条数"))
pages = max(1, math.ceil(totals["items"] / size))
number = follow_page("page", "ledgers_page", pages)

# The ledger, with its export --------------------------------------------------------------------
title = view.export_title(breadcrumb(scope, catalog())[-1], scope.park is not None, ledger)
notes = view.filter_note(status, overdue, unit, phases.get(phase), search)
meta = view.export_meta(title, figure_stamp, ledger, notes, queries.ledger_origin(scope, ledger))
head, xlsx_col, csv_col = st.columns([5, 1.3, 1.3], vertical_alignment="bottom")  # 1366: labels not cut
head.markdown(f"**{title}**　:small[{meta.subtitle}]")


def _tables() -> Iterator:
    """The whole filtered ledger as export tables, a few thousand rows at a time (never the page alone)."""
    return (view.ledger_table(frame, ledger) for frame in paging.ledger_frames(ledger, scope, **filters))


with xlsx_col:
    export_button(
        "导出 Excel",
        lambda: ledger_xlsx_frames(_tables(), meta),
        file_name=f"{title}_{scope.asof}.xlsx",
        what="台账 Excel",
        scope_label=figure_stamp.scope_label,
        icon=":material/download:",
        help=f"全部 {totals['items']:,} 项（不只本页）",
        key="ledgers_xlsx",
    )
with csv_col:
    export_button(
        "导出 CSV",
        lambda: ledger_csv_frames(_tables()),
        file_name=f"{title}_{scope.asof}.csv",
        what="台账 CSV",
        scope_label=figure_stamp.scope_label,
        icon=":material/download:",
        help=f"全部 {totals['items']:,} 项（不只本页）",
        key="ledgers_csv",
    )
if totals["items"] == 0:
    st.info("没有符合筛选条件的条目。", icon=":material/filter_alt_off:")
else:
    sort_col, desc_col, size_col, page_col, where_col = st.columns([2, 1, 1, 1.4, 3], vertical_alignment="bottom")
    sort_col.selectbox(
        "排序",
        ["", *sorts],
        format_func=lambda f: sorts.get(f, "台账顺序"),
        key="ledgers_sort",
        on_change=_refiltered(to_url),
        args=("sort", "ledgers_sort", ["", *sorts], ""),
    )
    desc_col.toggle("降序", key="ledgers_desc", on_change=_refiltered(flag_to_url), args=("desc", "ledgers_desc"))
    size_col.selectbox(
        "每页",
        SIZES,
        format_func=lambda n: f"{n} 项",
        key="ledgers_size",
        on_change=_refiltered(to_url),
        args=("size", "ledgers_size", SIZES, str(paging.DEFAULT_PAGE_SIZE)),
    )
    page_input(page_col, "page", "ledgers_page", pages)
    rows = paging.ledger_page(ledger, scope, number, size, paging.ledger_order(sort, descending), **filters)
    first = (number - 1) * size + 1
    where_col.caption(
        f"第 {first:,}–{first + len(rows) - 1:,} 项，共 {totals['items']:,} 项；条目数、合计与导出均为全部筛选结果。"
    )
    table = view.ledger_table(rows, ledger)
    version = st.session_state.get("ledgers_table_version", 0)
    table_key = f"ledgers_table_{ledger}_{version}_{number}_{size}_{sort}_{descending}"
    row_ids = rows["item_id"].tolist()
    st.session_state["ledgers_row_ids"] = row_ids
    st.dataframe(
        fmt.dashed(table),  # an empty field shows —, not None
        hide_index=True,
        height=min(36 * (len(table) + 1) + 2, 460),
        on_select=partial(_on_row, table_key),
        selection_mode="single-row",
        key=table_key,
        selection_default={"selection": {"rows": [row_ids.index(item_id)] if item_id in row_ids else []}},
        **item_table_options(  # 1366 wide: 整改时限, 超期, 状态, 责任单位 beside the name (pages/_tables.py)
            table.columns, {h: st.column_config.NumberColumn(format="%.2f") for h in view.number_headers(ledger)}
        ),
        placeholder="—",
    )
    st.caption("点击行首的选择框打开该条目：事实、整改状态变化、整改时限，以及上级园区和盟市的链接。")

# One item: at the newest data as it is today; at an earlier 数据截至 date as it was then, saying so ------
if item is not None:
    day, past = item_day(scope.asof)
    shown = item if day == scope.asof else queries.item_detail(item["item_id"], day)
    history = queries.item_history(item["item_id"], day)
    files = files_on(item["item_id"], day)
    with item_slot.container(border=True, key="ledgers_item"):
        heading, close = st.columns([9, 1], vertical_alignment="center")
        heading.subheader(f"{item['item_id']}　{plain(item['title'])}", anchor=False)
        close.button("关闭", icon=":material/close:", on_click=_close_item, key="ledgers_close")
        label, color = view.status_badge(shown, day)
        st.badge(label, color=color)
        if past:
            past_notice(item["item_id"], day, history)
        elif day != scope.asof:
            st.caption(f"条目显示今天（{day:%Y-%m-%d}）的情况；上方列表的数据截至 {scope.asof:%Y-%m-%d}。")
        returned_notice(history)
        tone, note = view.deadline_note(shown, day)
        {"error": st.error, "warning": st.warning, "success": st.success, "info": st.info}[tone](note)
        if scope.league not in (None, item["league_code"]) or scope.park not in (None, item["park_id"]):
            st.caption("该条目不在当前范围内；下方列表仍按当前范围显示。")
        up_park, up_league, _ = st.columns([3, 2, 2])
        if up_park.button(
            f"进入园区：{item['park_name']}",
            icon=":material/arrow_upward:",
            disabled=scope.park == item["park_id"],
            key="ledgers_to_park",
        ):
            drill(scope, league=item["league_code"], park=item["park_id"])
        if up_league.button(
            f"进入盟市：{item['league_name']}",
            icon=":material/arrow_upward:",
            disabled=scope.league == item["league_code"] and scope.park is None,
            key="ledgers_to_league",
        ):
            drill(scope, league=item["league_code"], park=None)
        facts_col, history_col = st.columns([2, 3])
        valid_files = int(files["withdrawn_at"].isna().sum())
        facts_col.table(plain_frame(view.item_facts(shown, valid_files).set_index("项目")))
        history_col.plotly_chart(
            view.status_timeline_figure(history, shown, day, figure_stamp),
            config=plotly_config(f"{item['item_id']}整改状态"),
            key="ledgers_timeline",
        )
        history_col.dataframe(view.history_table(history), hide_index=True, placeholder="—", key="ledgers_history")
        item_workflow(item["item_id"], figure_stamp.scope_label, files, item["details"].get("land_kind"), not past)
