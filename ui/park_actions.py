"""动态管理 action register on the park profile: the ladder, the decisions, and the office's form to add one."""

from datetime import date

import streamlit as st

import queries
from auth.roles import Action
from charts import dynamic
from ledger.park_actions import MAX_DECIDER, MAX_DOC_NO, MAX_NOTE, STEPS, ParkActionError, record_park_action
from ledger.writing import DatabaseBusy, WriteConflict
from queries.db import writing
from queries.scope import Scope
from ui.session import audit, current_user
from ui.tables import table

DONE = "park_actions_done"


def park_actions_section(scope: Scope, league: str, scope_label: str) -> None:
    """The park's place on the ladder 约谈 → 通报 → 限期整改 → 降级 / 调整出序列 / 整合, every decision, the form."""
    st.subheader("动态管理措施")
    if DONE in st.session_state:
        tone, message = st.session_state.pop(DONE)
        (st.success if tone == "success" else st.error)(message)
    actions = queries.park_actions(scope)
    shown = actions[actions.decided_date.astype("datetime64[ns]").dt.date <= scope.asof]
    if shown.empty:
        st.caption("截至本日未对本园区采取约谈、通报等动态管理措施。")
    else:
        st.markdown(dynamic.ladder_markdown(shown, STEPS))
        table(dynamic.actions_table(shown), "park_actions_table")
    if current_user().may(Action.RECORD_PARK_ACTION, league, scope.park):
        _record_form(scope.park, scope_label)


def _record_form(park_id: str, scope_label: str) -> None:
    with st.expander("记录一项措施（大起底办公室）"), st.form("park_actions_form", clear_on_submit=True):
        left, right = st.columns(2)
        step = left.selectbox("措施", STEPS, key="park_actions_step")
        decided = right.date_input("决定日期", value=date.today(), max_value=date.today(), key="park_actions_date")
        decider = left.text_input("决定机关", max_chars=MAX_DECIDER, key="park_actions_decider")
        doc_no = right.text_input("文号", max_chars=MAX_DOC_NO, key="park_actions_doc")
        follow_up = left.date_input("跟踪复查日期（可不填）", value=None, key="park_actions_follow")
        note = st.text_area("说明", max_chars=MAX_NOTE, key="park_actions_note")
        if st.form_submit_button("记录", type="primary"):
            _record(park_id, step, decided, decider, doc_no, follow_up, note, scope_label)


def _record(park_id: str, step: str, decided: date, decider: str, doc_no: str, follow_up: date | None, note: str,
            scope_label: str) -> None:  # fmt: skip
    """One decision as one transaction, audited whether it was recorded or refused."""
    try:
        with writing() as cur:
            number = record_park_action(cur, current_user(), park_id, step, decided, decider, doc_no, follow_up, note)
    except (ParkActionError, WriteConflict, DatabaseBusy) as error:
        st.session_state[DONE] = ("error", str(error))
        audit("park_action", f"{park_id}：{step}未记录（{error}）", scope_label, ok=False)
    else:
        st.session_state[DONE] = ("success", f"已记录：{step}（{doc_no.strip()}）。")
        audit("park_action", f"{park_id}：{step} {doc_no.strip()}（第 {number} 号）", scope_label)
    st.rerun()
