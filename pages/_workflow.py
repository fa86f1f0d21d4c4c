"""整改销号 on the item view: a returned item's reason, its 佐证材料, and the forms of what the user may do now
(record progress, apply for 销号, ask for a later deadline; for the region office: review and decide)."""

from collections.abc import Callable
from datetime import date, timedelta

import streamlit as st

import queries
from ledger import db_path
from ledger import workflow as wf
from ledger.evidence import ACCEPTED, MAX_EVIDENCE_FILES, EvidenceError, check_evidence, evidence_file, evidence_root
from ledger.evidence import store_file as keep_file
from ledger.writing import DatabaseBusy, WriteConflict
from pages._auth import audit, export_button
from pages._shell import current_user
from queries.db import read_fresh, writing
from queries.scope import Scope

DONE = "workflow_done"  # the message of the last successful action, shown after the rerun
UPLOAD_TYPES = ["pdf", "jpg", "jpeg", "png", "docx", "xlsx"]


def item_state(item_id: str) -> wf.ItemState | None:
    return read_fresh(lambda cursor: wf.item_state(cursor, item_id))


def perform(action: str, item_id: str, work: Callable, detail: str, scope_label: str, done: str) -> None:
    """One workflow action as one transaction; a refusal is shown in Chinese and nothing is written."""
    try:
        with writing() as cursor:
            work(cursor)
    except (wf.WorkflowError, WriteConflict, DatabaseBusy) as error:
        st.error(str(error), icon=":material/error:")
        audit(action, f"{item_id}：未完成（{error}）", scope_label, ok=False)
        return
    audit(action, f"{item_id}：{detail}"[:400], scope_label)
    st.session_state[DONE] = done
    st.rerun()


def _checked_files(uploads) -> list | None:
    """The uploads as stored evidence (content checked); None after showing why one was refused."""
    if len(uploads or []) > MAX_EVIDENCE_FILES:
        st.error(f"一次最多上传 {MAX_EVIDENCE_FILES} 个文件", icon=":material/error:")
        return None
    files = []
    for upload in uploads or []:
        data = upload.getvalue()
        try:
            file = check_evidence(upload.name, data)
        except EvidenceError as error:
            st.error(str(error), icon=":material/error:")
            return None
        keep_file(evidence_root(db_path()), file, data)
        files.append(file)
    return files


def evidence_list(item_id: str, scope_label: str) -> None:
    files = queries.item_evidence(item_id)
    st.markdown(f"**佐证材料**（{len(files)} 个）" if len(files) else "**佐证材料**：尚未上传")
    root = evidence_root(db_path())
    for row in files.itertuples():
        path = evidence_file(root, row.sha256)
        line, button = st.columns([5, 1], vertical_alignment="center")
        line.caption(
            f"{row.file_name}　{max(row.size_bytes / 1024, 0.1):,.1f} KB　{row.uploaded_by} 上传于 "
            f"{row.uploaded_at:%Y-%m-%d %H:%M}（随“{row.event_status}”提交）"
        )
        if not path.exists():
            button.caption(":material/report: 文件缺失")
            continue
        with button:
            export_button(
                "下载",
                path.read_bytes,
                file_name=row.file_name,
                what="佐证材料",
                scope_label=scope_label,
                mime=row.mime,
                icon=":material/download:",
                key=f"workflow_file_{row.sha256[:16]}",
            )
        if row.mime.startswith("image/"):
            st.image(str(path), width=360, caption=row.file_name)


def progress_form(state: wf.ItemState, scope_label: str, land_kind: str | None) -> None:
    user = current_user()
    with st.form(f"workflow_progress_{state.item_id}", border=True, clear_on_submit=True):
        st.markdown("**记录整改进展**　选“已整改”即提交销号申请，须附佐证材料，由大起底办公室审核。")
        status = st.radio("状态", [wf.WORKING, wf.APPLIED], horizontal=True, key="workflow_status")
        note = st.text_area("情况说明（做了什么）", max_chars=wf.MAX_NOTE, key="workflow_note")
        measure = st.selectbox("实际采用的处置方式", ["", *wf.measures_for(state.ledger, land_kind)],
                               format_func=lambda m: m or "（不填）", key="workflow_measure")  # fmt: skip
        area = amount = None
        if state.area_mu is not None:
            area = st.number_input(f"已盘活面积（亩，不超过 {state.area_mu:g} 亩）", 0.0, state.area_mu, None,
                                   step=1.0, key="workflow_area")  # fmt: skip
        if state.balance_wan is not None and state.ledger == "idle_fund":
            amount = st.number_input(f"已收回金额（万元，不超过 {state.balance_wan:g} 万元）", 0.0, state.balance_wan,
                                     None, step=1.0, key="workflow_amount")  # fmt: skip
        uploads = st.file_uploader(f"佐证材料（{ACCEPTED}，每个不超过 20 MB）", type=UPLOAD_TYPES,
                                   accept_multiple_files=True, key="workflow_files")  # fmt: skip
        if not st.form_submit_button("提交", type="primary", icon=":material/send:"):
            return
    files = _checked_files(uploads)
    if files is None:
        return
    perform(
        "apply" if status == wf.APPLIED else "progress",
        state.item_id,
        lambda cur: wf.record_progress(
            cur, user, state.item_id, state.seq, status, note, measure or None, area, amount, files
        ),
        f"{status}：{note}（佐证 {len(files)} 个）",
        scope_label,
        "已提交销号申请，等待大起底办公室审核。" if status == wf.APPLIED else "已记录整改进展。",
    )


def extension_form(state: wf.ItemState, scope_label: str) -> None:
    user = current_user()
    with st.expander("申请延期", icon=":material/event_repeat:"):
        with st.form(f"workflow_extend_{state.item_id}", border=False):
            base = max(state.deadline or date.today(), date.today())
            new = st.date_input(
                "申请的新整改时限",
                base + timedelta(days=30),
                min_value=date.today() + timedelta(days=1),
                format="YYYY-MM-DD",
                key="workflow_new_deadline",
            )
            reason = st.text_area("延期原因", max_chars=wf.MAX_NOTE, key="workflow_extend_reason")
            if not st.form_submit_button("提交延期申请"):
                return
        perform("extend_request", state.item_id,
                lambda cur: wf.request_extension(cur, user, state.item_id, new, reason),
                f"申请延期至 {new}：{reason}", scope_label, "延期申请已提交，等待大起底办公室审批。")  # fmt: skip


def review_form(state: wf.ItemState, scope_label: str) -> None:
    user = current_user()
    with st.form(f"workflow_review_{state.item_id}", border=True):
        st.markdown("**销号审核**　请核对上方佐证材料。")
        reason = st.text_area("审核意见（退回时必填）", max_chars=wf.MAX_NOTE, key="workflow_review_reason")
        approve, back = st.columns(2)
        approved = approve.form_submit_button("审核通过，予以销号", type="primary", icon=":material/task_alt:")
        returned = back.form_submit_button("退回整改", icon=":material/undo:")
    if approved or returned:
        perform("approve" if approved else "return", state.item_id,
                lambda cur: wf.review(cur, user, state.item_id, state.seq, approved, reason),
                "予以销号" if approved else f"退回：{reason}", scope_label,
                "已销号。" if approved else "已退回，责任单位将在待办中看到退回原因。")  # fmt: skip


def extension_decision(state: wf.ItemState, scope_label: str) -> None:
    user = current_user()
    pending = queries.extension_queue(Scope(None, None, date.today()))
    request = pending[pending.request_id == state.pending_request].iloc[0]
    with st.form(f"workflow_decide_{state.item_id}", border=True):
        old = f"{request.old_deadline:%Y-%m-%d}" if request.old_deadline is not None else "未定"
        st.markdown(
            f"**延期审批**　{request.requested_by} 申请将整改时限由 {old} 延至 {request.new_deadline:%Y-%m-%d}："
            f"{request.reason}"
        )
        note = st.text_input("审批意见（不予批准时必填）", max_chars=200, key="workflow_decide_note")
        yes, no = st.columns(2)
        approved = yes.form_submit_button("批准延期", type="primary")
        refused = no.form_submit_button("不予批准")
    if approved or refused:
        perform("extend_decide", state.item_id,
                lambda cur: wf.decide_extension(cur, user, state.pending_request, approved, note),
                ("批准" if approved else "不予批准") + f"延期申请 {state.pending_request}", scope_label,
                "已批准延期，超期按新的时限计算。" if approved else "已不予批准延期。")  # fmt: skip


def item_workflow(item_id: str, scope_label: str, land_kind: str | None = None) -> None:
    """Everything of the workflow under an item's facts and history."""
    if DONE in st.session_state:
        st.success(st.session_state.pop(DONE), icon=":material/check_circle:")
    state = item_state(item_id)
    if state is None:
        return
    if state.returned_reason:
        st.error(f"**已退回，请补充整改**：{state.returned_reason}", icon=":material/undo:")
    evidence_list(item_id, scope_label)
    can = wf.actions(current_user(), state)
    if "progress" in can:
        progress_form(state, scope_label, land_kind)
    if "extend" in can:
        extension_form(state, scope_label)
    elif state.pending_request is not None:
        st.caption(":material/hourglass: 已有延期申请等待审批")
    if "review" in can:
        review_form(state, scope_label)
    if "decide_extension" in can:
        extension_decision(state, scope_label)
    if not can and state.status == wf.APPLIED:
        st.info("已提交销号申请，等待大起底办公室审核。", icon=":material/hourglass:")
