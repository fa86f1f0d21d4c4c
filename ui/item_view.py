"""One ledger item on the 台账 page: at the newest data as it is today, at an earlier 数据截至 date as it was then
(saying so), with its facts, status history, deadline, the way up to its park and league, and its workflow."""

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

import queries
from charts import ledgers as view
from charts.theme import Stamp, plotly_config
from queries.scope import Scope
from ui.item_actions import files_on, item_day, item_workflow, past_notice, returned_notice
from ui.ledger_filters import close_item
from ui.recheck_forms import item_flags, recheck_history, siblings
from ui.scope import drill
from ui.tables import table
from ui.text import plain, plain_frame

NOTICE = {"error": st.error, "warning": st.warning, "success": st.success, "info": st.info}


def item_panel(item: dict, scope: Scope, figure_stamp: Stamp, slot: DeltaGenerator) -> None:
    """The item in `slot` (at the top of the page, above its ledger's list)."""
    day, past = item_day(scope.asof)
    shown = item if day == scope.asof else queries.item_detail(item["item_id"], day)
    history = queries.item_history(item["item_id"], day)
    files = files_on(item["item_id"], day)
    with slot.container(border=True, key="ledgers_item"):
        heading, close = st.columns([9, 1], vertical_alignment="center")
        heading.subheader(f"{item['item_id']}　{plain(item['title'])}", anchor=False)
        close.button("关闭", icon=":material/close:", on_click=close_item, key="ledgers_close")
        label, color = view.status_badge(shown, day)
        st.badge(label, color=color)
        if past:
            past_notice(item["item_id"], day, history)
        elif day != scope.asof:
            st.caption(f"条目显示今天（{day:%Y-%m-%d}）的情况；上方列表的数据截至 {scope.asof:%Y-%m-%d}。")
        returned_notice(history)
        item_flags(item["item_id"])
        tone, note = view.deadline_note(shown, day)
        NOTICE[tone](note)
        if scope.league not in (None, item["league_code"]) or scope.park not in (None, item["park_id"]):
            st.caption("该条目不在当前范围内；下方列表仍按当前范围显示。")
        way_up(item, scope)
        facts_col, history_col = st.columns([2, 3])
        valid_files = int(files["withdrawn_at"].isna().sum())
        facts_col.table(plain_frame(view.item_facts(shown, valid_files).set_index("项目")))
        with history_col:
            st.plotly_chart(
                view.status_timeline_figure(history, shown, day, figure_stamp),
                config=plotly_config(f"{item['item_id']}整改状态"),
                key="ledgers_timeline",
            )
            table(view.history_table(history), "ledgers_history")
            recheck_history(item["item_id"])
            siblings(item["item_id"])
        item_workflow(item["item_id"], figure_stamp.scope_label, files, item["details"].get("land_kind"), not past)


def way_up(item: dict, scope: Scope) -> None:
    """进入园区 and 进入盟市: the item's park and league as the page's scope."""
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
