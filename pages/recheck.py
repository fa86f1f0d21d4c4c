"""回头看: the office draws closed items for re-inspection, inspectors record 属实/不属实, and everyone in scope sees
the tasks and the relapse rate by league and ledger (不属实 reopens the item: it is back in its league's 我的待办)."""

from datetime import date

import streamlit as st

import queries
from auth.roles import Action
from queries.scope import Scope
from reports.stamp import stamp
from ui.recheck_forms import draw_form, inspection_form, show_outcome, utility_section
from ui.scope import page_header
from ui.session import current_user
from ui.tables import date_column, item_table, table

TASK_COLUMNS = {
    "item_id": "条目", "title": "名称", "ledger_name": "台账", "league_name": "盟市", "park_name": "园区",
    "draw_id": "抽查批次", "inspector": "核查人", "due_date": "核查时限", "result": "核查结果", "notes": "核查情况",
}  # fmt: skip
RATE_COLUMNS = {
    "league_name": "盟市", "ledger_name": "台账", "sampled": "抽查(项)", "inspected": "已核查(项)",
    "relapses": "不属实(项)", "relapse_rate": "反弹率(%)",
}  # fmt: skip

scope = page_header("回头看")
user = current_user()
today = Scope(scope.league, scope.park, date.today())  # tasks and their due dates are about now
show_outcome()
st.caption("从已销号条目中按盟市、台账分层抽查，到现场核实整改是否属实；不属实的条目退回重新整改，计为反弹。")

tasks = queries.recheck_tasks(today)
inspected = int(tasks.result.notna().sum())
relapses = int((tasks.result == "不属实").sum())
cols = st.columns(4)
cols[0].metric("抽查条目", f"{len(tasks)} 项")
cols[1].metric("已核查", f"{inspected} 项")
cols[2].metric("不属实（反弹）", f"{relapses} 项")
cols[3].metric("反弹率", f"{100 * relapses / inspected:.1f}%" if inspected else "—")

if user.may(Action.DRAW_RECHECK):
    draw_form(scope, stamp(scope).scope_label)
if user.may(Action.INSPECT_RECHECK):
    st.subheader("我的核查任务")
    inspection_form(tasks[(tasks.inspector == user.username) & tasks.result.isna()], stamp(today).scope_label)

st.subheader("抽查条目")
if tasks.empty:
    st.caption("本范围暂无回头看抽查。")
else:
    shown = tasks.assign(item_id=[f"ledgers?item={i}" for i in tasks.item_id], result=tasks.result.fillna("待核查"))
    item_table(shown[list(TASK_COLUMNS)].rename(columns=TASK_COLUMNS), "recheck_tasks", {"核查时限": date_column()})

st.subheader("用电核验疑点")
st.caption(
    "以电力、税务部门按统一社会信用代码报送的月度用电量核对条目：复产后用电近零、销号后用电回落、产值与用电不符。"
)
utility_section(today, user, stamp(today).scope_label)

st.subheader("反弹率（按盟市、台账）")
rates = queries.relapse_rates(today)
if rates.empty:
    st.caption("本范围暂无已核查的回头看结果。")
else:
    table(rates[list(RATE_COLUMNS)].rename(columns=RATE_COLUMNS), "recheck_rates", fit=True)
