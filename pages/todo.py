"""我的待办: a league's or park's open items (overdue first, returned ones marked) with the 督办单 per unit;
for the region office, the review and extension queues."""

from datetime import date

import streamlit as st

import queries
from auth.roles import Action
from queries.lights import lights_head
from queries.scope import Scope
from queries.todo import todo_counts, todo_head
from reports.orders import DUE_DAYS, due_items, order_docx, order_xlsx, todo_table
from reports.stamp import stamp
from ui.downloads import export_button
from ui.scope import page_header
from ui.session import current_user
from ui.supervision import LIT_SHOWN, light_metrics, lights_table
from ui.tables import date_column, item_table
from ui.text import plain

SHOWN = 500  # rows of the list sent to the browser (the most urgent first); the counts above cover every item
RETURNED_SHOWN = 20

scope = page_header("我的待办")
user = current_user()
today = Scope(scope.league, scope.park, date.today())  # the to-do list is about now, whatever the 数据截至 date
here = stamp(today)

if user.may(Action.REVIEW_CLOSURE):
    applications, extensions = queries.review_queue(today), queries.extension_queue(today)
    left, right = st.columns(2)
    left.metric("待审核的销号申请", f"{len(applications)} 项")
    right.metric("待审批的延期申请", f"{len(extensions)} 项")
    st.markdown(":material/fact_check: [去销号审核](review)")

counts, units = todo_counts(today)  # of every open item; only the rows shown are fetched
cols = st.columns(4)
cols[0].metric("未销号条目", f"{counts['items']} 项")
cols[1].metric("已超期", f"{counts['overdue']} 项")
cols[2].metric("被退回待补充", f"{counts['returned']} 项")
cols[3].metric("已整改未销号", f"{counts['waiting']} 项")
st.caption(
    f"待办按今天（{today.asof:%Y-%m-%d}）计算，不随“数据截至”日期变化；超期按批准延期后的时限。"
    "“已整改未销号”含台账报送时已整改的条目；在看板上提交的销号申请进入“销号审核”队列。"
)
if counts["returned"]:
    returned = todo_head(today, RETURNED_SHOWN, returned_first=True)
    for row in returned[returned.is_returned].itertuples():
        st.error(
            f"**{plain(row.item_id)} {plain(row.title)}** 被退回：{plain(row.returned_reason)}", icon=":material/undo:"
        )
if counts["returned"] > RETURNED_SHOWN:
    st.caption(f"另有 {counts['returned'] - RETURNED_SHOWN:,} 项被退回，见下表中标记为“退回”的条目。")

if counts["items"] > SHOWN:
    st.caption(
        f"共 {counts['items']:,} 项，下表列出最紧迫的 {SHOWN} 项（超期在前，再按时限）；"
        "全部条目可在“台账”页按状态、超期筛选并导出。"
    )
todo = todo_table(todo_head(today, SHOWN), "ledgers?item={}")
item_table(todo, "todo_items", {"整改时限": date_column()})

st.subheader("督办三色")
light_metrics(queries.light_counts(today))
lights_table(lights_head(today, LIT_SHOWN), "todo_lights")
st.markdown(":material/assignment_late: [发给本单位的督办单](supervision)")

st.subheader(f"督办单（超期及 {DUE_DAYS} 日内到期）")
if not units:
    st.caption("本范围没有需要督办的条目。")
else:
    unit = st.selectbox("责任单位", list(units), key="todo_unit")
    late, soon = units[unit]
    st.caption(f"{plain(unit)}：超期 {late} 项，{DUE_DAYS} 日内到期 {soon} 项。")
    name = f"督办单_{unit}_{today.asof:%Y%m%d}"
    for column, (label, build, ext) in zip(
        st.columns(2), [("督办单（Word）", order_docx, "docx"), ("督办单（Excel）", order_xlsx, "xlsx")], strict=True
    ):
        with column:
            export_button(
                label,
                # the unit's items are fetched on the click that asks for its order
                lambda build=build: build(
                    unit, due_items(queries.todo_items(today, unit)), today.asof, here.scope_label, here.demo
                ),
                file_name=f"{name}.{ext}",
                what=label,
                scope_label=here.scope_label,
                key=f"todo_{ext}",
            )
