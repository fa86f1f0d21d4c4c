"""台账's choices, all in the link (?ledger=land&status=整改中&unit=…&phase=survey&q=…&overdue=1&item=LD0001): which
ledger, which filters, which item is open; each change goes back to the list's first page."""

from collections.abc import Callable

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

import queries
from charts import ledgers as view
from ledger.vocabulary import STATUSES
from queries import paging
from queries.scope import Scope
from ui.url_state import flag_to_url, follow, follow_flag, follow_text, text_to_url, to_url

SIZES = [str(n) for n in paging.PAGE_SIZES]  # rows per page the reader may choose


def close_item() -> None:
    """Close the item and start the table afresh (a new key drops the old row selection)."""
    if "item" in st.query_params:
        del st.query_params["item"]
    st.session_state["ledgers_table_version"] = st.session_state.get("ledgers_table_version", 0) + 1


def _on_ledger() -> None:
    st.query_params["ledger"] = st.session_state["ledgers_ledger"]
    for param in ("unit", "sort", "page"):  # units and columns differ between ledgers
        st.query_params.pop(param, None)
    close_item()


def refiltered(write: Callable[..., None]) -> Callable[..., None]:
    """on_change of a filter, the order or the page size: write the URL and go back to the first page."""

    def changed(*args: object) -> None:
        write(*args)
        st.query_params.pop("page", None)

    return changed


def open_row(key: str) -> None:
    """A selected row opens its item (in the URL, so the view can be shared); clearing it closes the item."""
    rows = st.session_state[key]["selection"]["rows"]
    if rows:
        st.query_params["item"] = st.session_state["ledgers_row_ids"][rows[0]]
    elif "item" in st.query_params:
        del st.query_params["item"]


def ledger_choice(item: dict | None) -> str:
    """The ledger shown: the open item's, else the link's (an unknown one falls back with a notice), as a switch."""
    ledger = item["ledger"] if item is not None else st.query_params.get("ledger", view.DEFAULT_LEDGER)
    if ledger not in view.LEDGERS:
        fallback = view.LEDGERS[view.DEFAULT_LEDGER].name
        st.warning(f"链接中的台账“{ledger}”不存在，已显示{fallback}台账。", icon=":material/warning:")
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
    return ledger


def filter_row(scope: Scope, ledger: str) -> tuple[dict, str]:
    """状态 · 责任单位 · 发现阶段 · 搜索 · 仅看超期未整改, set from the link; returns the filters for the paging queries
    and the words that describe them on an export."""
    units = queries.ledger_units(scope, ledger)
    phase_rows = queries.phases(scope)
    phases = dict(zip(phase_rows.phase_id, phase_rows.name, strict=True))
    choices = {  # param: (widget key, allowed values, what it is, how a value is shown)
        "status": ("ledgers_status", ["", *STATUSES], "状态", lambda s: s or "全部"),
        "unit": ("ledgers_unit", ["", *units], "责任单位", lambda u: u or "全部"),
        "phase": ("ledgers_phase", ["", *phases], "发现阶段", lambda p: phases.get(p, "全部")),
    }
    for param, (key, allowed, what, _) in choices.items():
        follow(param, key, allowed, "", what, label=lambda _: "全部")
    follow_text("q", "ledgers_search")
    follow_flag("overdue", "ledgers_overdue", "超期筛选")
    *columns, search_col, overdue_col = st.columns([1, 2, 1, 2, 1.2], vertical_alignment="bottom")
    status, unit, phase = (
        column.selectbox(what, allowed, format_func=shown, key=key, on_change=refiltered(to_url),
                         args=(param, key, allowed, ""))
        for column, (param, (key, allowed, what, shown)) in zip(columns, choices.items(), strict=True)
    )  # fmt: skip
    search = search_col.text_input(
        "搜索",
        placeholder="名称或编号中的文字",
        key="ledgers_search",
        on_change=refiltered(text_to_url),
        args=("q", "ledgers_search"),
    ).strip()
    overdue = overdue_col.toggle(
        "仅看超期未整改", key="ledgers_overdue", on_change=refiltered(flag_to_url), args=("overdue", "ledgers_overdue")
    )
    filters = {
        "status": status or None,
        "overdue_only": overdue,
        "unit": unit or None,
        "phase": phase or None,
        "search": search or None,
    }
    return filters, view.filter_note(status, overdue, unit, phases.get(phase), search)


def follow_order(sorts: dict[str, str]) -> tuple[str, bool, int]:
    """The list's order and page size from the link (?sort=area_mu&desc=1&size=100): sort column, descending, size."""
    sort = follow("sort", "ledgers_sort", ["", *sorts], "", "排序列", label=lambda _: "台账顺序")
    descending = follow_flag("desc", "ledgers_desc", "排序方向")
    size = int(follow("size", "ledgers_size", SIZES, str(paging.DEFAULT_PAGE_SIZE), "每页条数"))
    return sort, descending, size


def order_row(columns: list[DeltaGenerator], sorts: dict[str, str]) -> None:
    """排序 · 降序 · 每页, in three columns; a change writes the link and goes back to the first page."""
    sort_col, desc_col, size_col = columns
    sort_col.selectbox(
        "排序",
        ["", *sorts],
        format_func=lambda f: sorts.get(f, "台账顺序"),
        key="ledgers_sort",
        on_change=refiltered(to_url),
        args=("sort", "ledgers_sort", ["", *sorts], ""),
    )
    desc_col.toggle("降序", key="ledgers_desc", on_change=refiltered(flag_to_url), args=("desc", "ledgers_desc"))
    size_col.selectbox(
        "每页",
        SIZES,
        format_func=lambda n: f"{n} 项",
        key="ledgers_size",
        on_change=refiltered(to_url),
        args=("size", "ledgers_size", SIZES, str(paging.DEFAULT_PAGE_SIZE)),
    )
