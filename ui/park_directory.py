"""园区档案 without a park: the directory of the scope's parks, searchable, a page at a time; a row opens its park."""

import streamlit as st

import queries
from charts import format as fmt
from charts import park as view
from queries.scope import Scope
from ui.scope import drill
from ui.tables import park_link_column, percent_column, table

DIRECTORY_PAGE = 20  # parks per page of the directory


def turn_directory(to: int) -> None:
    st.session_state.park_directory_page = to


def park_directory(scope: Scope) -> None:
    """The bottom of the drill-down without a park: the scope's parks matching the search, one page of them."""
    st.info("园区档案显示一个园区的全部情况。请在下表中选择园区（可搜索）。", icon=":material/apartment:")
    search = st.text_input("搜索园区", key="park_directory_q", placeholder="例如：稀土、高新、P005、包头")
    state = st.session_state
    if state.get("park_directory_searched") != search:  # a new search starts on its first page
        state.park_directory_searched, state.park_directory_page = search, 0
    page_number = state.get("park_directory_page", 0)
    directory = queries.park_directory(scope, search, page_number, DIRECTORY_PAGE)
    matches = int(directory.matches.iloc[0]) if len(directory) else 0
    pages = max(1, -(-matches // DIRECTORY_PAGE))
    if matches and page_number >= pages:  # fewer parks than when the page was turned: the last page
        state.park_directory_page = page_number = pages - 1
        directory = queries.park_directory(scope, search, page_number, DIRECTORY_PAGE)
    if not len(directory):
        st.warning(f"没有名称、旗县、编号或盟市含“{search.strip()}”的园区。", icon=":material/search_off:")
        return
    event = table(
        fmt.in_percent(view.directory_table(directory, scope.asof), "完成率"),
        f"park_directory_{page_number}_{search}",
        fit=True,  # the whole page of parks, no scroll box inside the page
        on_select="rerun",
        selection_mode="single-row",
        column_config={"园区档案": park_link_column(), "完成率": percent_column()},
    )
    pager(page_number, pages, matches)
    rows = event["selection"]["rows"] if event else []
    if rows:
        picked = directory.iloc[rows[0]]
        drill(scope, league=picked.league_code, park=picked.park_id)


def pager(page_number: int, pages: int, matches: int) -> None:
    """上一页 · 第 n / N 页 · 下一页 under the directory."""
    with st.container(horizontal=True, vertical_alignment="center", key="park_directory_pager"):
        st.button(
            "上一页",
            icon=":material/chevron_left:",
            disabled=page_number == 0,
            on_click=turn_directory,
            args=(page_number - 1,),
            key="park_directory_prev",
        )
        st.markdown(f"第 {page_number + 1} / {pages} 页，共 {matches} 个园区", width="content")
        st.button(
            "下一页",
            icon=":material/chevron_right:",
            disabled=page_number + 1 >= pages,
            on_click=turn_directory,
            args=(page_number + 1,),
            key="park_directory_next",
        )
