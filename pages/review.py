"""销号审核 (the region office): applications for 销号 with their evidence, and 延期申请, each opened on its item."""

import streamlit as st

import queries
from auth.roles import Action
from ui.scope import page_header
from ui.session import current_user
from ui.tables import date_column, item_table

APPLICATION_COLUMNS = {
    "item_id": "条目", "ledger_name": "台账", "title": "名称", "league_name": "盟市", "park_name": "园区",
    "responsible_unit": "责任单位", "applied_by": "申请人", "applied_at": "申请时间", "note": "情况说明",
    "measure": "处置方式", "evidence_files": "佐证材料", "returns": "曾退回次数",
}  # fmt: skip
EXTENSION_COLUMNS = {
    "item_id": "条目", "title": "名称", "league_name": "盟市", "park_name": "园区", "requested_by": "申请人",
    "requested_at": "申请时间", "old_deadline": "原时限", "new_deadline": "申请时限", "reason": "原因",
}  # fmt: skip

scope = page_header("销号审核")
if not current_user().may(Action.REVIEW_CLOSURE):
    st.error("销号审核仅对自治区大起底办公室（管理员）开放。", icon=":material/block:")
    st.stop()

applications, extensions = queries.review_queue(scope), queries.extension_queue(scope)
left, right = st.columns(2)
left.metric("待审核的销号申请", f"{len(applications)} 项")
right.metric("待审批的延期申请", f"{len(extensions)} 项")
link = "ledgers?item={}"

st.subheader("销号申请")
if applications.empty:
    st.caption("本范围暂无待审核的销号申请。")
else:
    st.caption("点击条目编号打开条目，核对佐证材料后在条目页“审核通过”或“退回整改”（退回须写明原因）。")
    shown = applications.assign(
        item_id=[link.format(i) for i in applications.item_id],
        applied_at=applications.applied_at.dt.strftime("%Y-%m-%d %H:%M"),
        measure=applications.measure.fillna(""),
    ).rename(columns=APPLICATION_COLUMNS)
    item_table(shown, "review_applications")

st.subheader("延期申请")
if extensions.empty:
    st.caption("本范围暂无待审批的延期申请。")
else:
    shown = (
        extensions.assign(
            item_id=[link.format(i) for i in extensions.item_id],
            requested_at=extensions.requested_at.dt.strftime("%Y-%m-%d %H:%M"),
        )
        .drop(columns="request_id")
        .rename(columns=EXTENSION_COLUMNS)
    )
    item_table(shown, "review_extensions", {"原时限": date_column(), "申请时限": date_column()})
