"""整改销号 on the item view: which date the item is shown at, a returned item's reason, its 佐证材料, and the forms
of what the user may do now (record progress, apply for 销号, ask for a later deadline; for the region office:
review, decide, withdraw a wrongly attached file).

Each form is handled by its submit button's callback, with the item's version (the seq of its latest event) that
the page showed when it drew the form: a callback runs even when the rerun would no longer draw that form, and
someone else's change in between is reported ("该条目刚被某某更新") instead of being overwritten."""

import base64
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import streamlit as st

import queries
from auth.roles import Action, User
from ledger import db_path
from ledger import workflow as wf
from ledger.evidence import (
    ACCEPTED,
    MAX_EVIDENCE_FILES,
    EvidenceError,
    check_evidence,
    evidence_file,
    evidence_root,
    preview_jpeg,
)
from ledger.evidence import store_file as keep_file
from ledger.vocabulary import APPLIED, WORKING
from ledger.writing import DatabaseBusy, WriteConflict
from queries.db import read_fresh, writing
from queries.scope import Scope
from ui.downloads import export_button
from ui.scope import catalog, current_scope, set_scope
from ui.session import audit, current_user, signed_in_user
from ui.text import plain

DONE = "workflow_done"  # (tone, message) of the last action, shown after the rerun
ROUND = "workflow_round"  # a new round of form widgets after each success: the forms start empty again
UPLOAD_TYPES = ["pdf", "jpg", "jpeg", "png", "docx", "xlsx"]


def item_state(item_id: str) -> wf.ItemState | None:
    return read_fresh(lambda cursor: wf.item_state(cursor, item_id))


# Which date the item is shown at ------------------------------------------------------------------
def item_day(asof: date) -> tuple[date, bool]:
    """The date to show an item at, and whether that is a past view. At the newest data the item is shown as it
    is today (status, deadline in force, days overdue); a 数据截至 date before the newest data is a look back."""
    latest = catalog().last_date
    if asof < latest:
        return asof, True
    return max(asof, date.today()), False


def _to_current() -> None:
    """The page moves to the newest data (from a past 数据截至 date; at the newest it stays)."""
    scope, _ = current_scope()
    latest = catalog().last_date
    if scope.asof < latest:
        set_scope(Scope(scope.league, scope.park, latest))


def past_notice(item_id: str, day: date, history: pd.DataFrame) -> None:
    """Says that a past date is shown, what changed since, and offers the current state."""
    later = history[history["after_asof"]]
    text = f"正在查看 {day:%Y-%m-%d}（页面的“数据截至”日期）时的状态。"
    if len(later):
        last = later.iloc[-1]
        who = f"，{plain(last['actor'])}" if pd.notna(last["actor"]) else ""
        text += (
            f"此后该条目有 {len(later)} 次状态变化，当前为“{last['status']}”（{last['event_date']:%Y-%m-%d}{who}）。"
        )
    else:
        text += "此后该条目的状态没有变化。"
    st.info(text + "记录进展、上传材料和审核请在当前状态下进行。", icon=":material/history:")
    st.button("查看当前状态", icon=":material/update:", on_click=_to_current, key="workflow_to_current")


def returned_notice(history: pd.DataFrame) -> None:
    """At the top of the item: the reason of a 退回 that is the item's latest action on the date shown."""
    shown = history[~history["after_asof"]]
    if len(shown) and pd.notna(shown.iloc[-1]["reason"]) and shown.iloc[-1]["status"] == WORKING:
        st.error(f"**已退回，请补充整改**：{plain(shown.iloc[-1]['reason'])}", icon=":material/undo:")


def files_on(item_id: str, day: date) -> pd.DataFrame:
    """The item's evidence files as they stood on day: uploaded by then; withdrawn_at kept only if by then."""
    files = queries.item_evidence(item_id)
    end = pd.Timestamp(day + timedelta(days=1))  # the end of day
    files = files[files["uploaded_at"] < end].copy()
    late = files["withdrawn_at"].notna() & (files["withdrawn_at"] >= end)
    files.loc[late, ["withdrawn_by", "withdrawn_at", "withdrawn_reason"]] = None
    return files


# Writing: each action one transaction, run from its form's callback --------------------------------
def _acting_user() -> User | None:
    """The session checked again at the moment of writing (a callback runs before the page's own check)."""
    user = signed_in_user()
    if user is None:
        st.session_state[DONE] = ("error", "登录已失效，未写入任何内容；请重新登录。")
    return user


def perform(action: str, item_id: str, work: Callable, detail: str, scope_label: str, done: str) -> bool:
    """One workflow action as one transaction; a refusal is kept for the rerun in Chinese and nothing is written.
    After a success the page moves to the newest data, so the user sees what was done."""
    try:
        with writing() as cursor:
            work(cursor)
    except (wf.WorkflowError, WriteConflict, DatabaseBusy) as error:
        st.session_state[DONE] = ("error", str(error))
        audit(action, f"{item_id}：未完成（{error}）", scope_label, ok=False)
        return False
    audit(action, f"{item_id}：{detail}"[:400], scope_label)
    st.session_state[DONE] = ("success", done)
    st.session_state[ROUND] = st.session_state.get(ROUND, 0) + 1
    _to_current()
    return True


def stored_evidence(uploads, done: str, limit: int = MAX_EVIDENCE_FILES) -> list | None:
    """The uploads as stored evidence (content checked, kept in the evidence store); None after keeping why one was
    refused under the session key done (the form's message after its rerun). The 整改销号 forms and 回头看 use it."""
    if len(uploads or []) > limit:
        st.session_state[done] = ("error", f"一次最多上传 {limit} 个文件")
        return None
    files = []
    for upload in uploads or []:
        data = upload.getvalue()
        try:
            file = check_evidence(upload.name, data)
        except EvidenceError as error:
            st.session_state[done] = ("error", str(error))
            return None
        keep_file(evidence_root(db_path()), file, data)
        files.append(file)
    return files


def _key(name: str, item_id: str) -> str:
    return f"workflow_{name}_{item_id}_{st.session_state.get(ROUND, 0)}"


# The evidence list ----------------------------------------------------------------------------------
@st.cache_data(max_entries=256, show_spinner=False)
def _preview(sha256: str, path: str) -> str | None:
    """The image as a small JPEG inside the page (a data: URI, never a media URL that works without the session),
    or None when it does not decode. Keyed by content: a file stored under its SHA-256 never changes."""
    try:
        return "data:image/jpeg;base64," + base64.b64encode(preview_jpeg(Path(path).read_bytes())).decode()
    except Exception:  # a broken or hostile image: the caller offers the download instead
        return None


def evidence_list(item_id: str, scope_label: str, files: pd.DataFrame, editable: bool) -> None:
    """The files, each with its download; images previewed (or a note when one cannot be); for the region office
    a way to withdraw a wrongly attached file."""
    valid = int(files["withdrawn_at"].isna().sum())
    withdrawn = len(files) - valid
    head = f"**佐证材料**（{valid} 个" + (f"，另有 {withdrawn} 个已撤回）" if withdrawn else "）")
    st.markdown(head if len(files) else "**佐证材料**：尚未上传")
    root = evidence_root(db_path())
    may_withdraw = current_user().may(Action.WITHDRAW_EVIDENCE)
    for row in files.itertuples():
        path = evidence_file(root, row.sha256)
        gone = pd.notna(row.withdrawn_at)
        line, button, extra = st.columns([6, 1, 1], vertical_alignment="center")
        text = (
            f"{plain(row.file_name)}　{max(row.size_bytes / 1024, 0.1):,.1f} KB　{plain(row.uploaded_by)} 上传于 "
            f"{row.uploaded_at:%Y-%m-%d %H:%M}（随“{row.event_status}”提交）"
        )
        if gone:
            text = (
                f":material/block: ~~{text}~~　**已撤回**：{plain(row.withdrawn_by)} 于 "
                f"{row.withdrawn_at:%Y-%m-%d %H:%M}，原因：{plain(row.withdrawn_reason)}"
                "（文件留存备查，不再作为佐证材料）"
            )
        line.caption(text)
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
        if may_withdraw and editable and not gone:
            with extra.popover("撤回", icon=":material/remove_circle:"):
                withdraw_form(item_id, row.sha256, row.file_name, scope_label)
        if row.mime.startswith("image/") and not gone:
            preview = _preview(row.sha256, str(path))
            if preview is None:
                st.caption(":material/broken_image: 该图片无法预览（文件可能已损坏），请下载后查看。")
            else:
                st.image(preview, width=360)


def withdraw_form(item_id: str, sha256: str, file_name: str, scope_label: str) -> None:
    reason_key = _key(f"withdraw_reason_{sha256[:16]}", item_id)
    with st.form(f"workflow_withdraw_{sha256[:16]}", border=False):
        st.caption(f"撤回“{plain(file_name)}”：文件留存备查，不再算作佐证材料；撤回记入条目和审计日志。")
        st.text_input("撤回原因（必填）", max_chars=200, key=reason_key)
        st.form_submit_button(
            "撤回该文件", type="primary", on_click=_withdraw, args=(item_id, sha256, file_name, scope_label, reason_key)
        )


def _withdraw(item_id: str, sha256: str, file_name: str, scope_label: str, reason_key: str) -> None:
    user = _acting_user()
    if user is None:
        return
    reason = st.session_state.get(reason_key, "")
    perform("evidence_withdraw", item_id, lambda cur: wf.withdraw_evidence(cur, user, item_id, sha256, reason),
            f"撤回佐证材料“{file_name}”（{sha256[:12]}）：{reason}", scope_label,
            f"已撤回“{file_name}”，文件留存备查，不再作为佐证材料。")  # fmt: skip


# The forms ----------------------------------------------------------------------------------------------
def progress_form(state: wf.ItemState, scope_label: str, land_kind: str | None) -> None:
    keys = {name: _key(name, state.item_id) for name in ("status", "note", "measure", "area", "amount", "files")}
    with st.form(f"workflow_progress_{state.item_id}", border=True):
        st.markdown("**记录整改进展**　选“已整改”即提交销号申请，须附佐证材料，由大起底办公室审核。")
        st.radio("状态", [WORKING, APPLIED], horizontal=True, key=keys["status"])
        st.text_area("情况说明（做了什么）", max_chars=wf.MAX_NOTE, key=keys["note"])
        st.selectbox("实际采用的处置方式", ["", *wf.measures_for(state.ledger, land_kind)],
                     format_func=lambda m: m or "（不填）", key=keys["measure"])  # fmt: skip
        if state.area_mu is not None:
            st.number_input(f"已盘活面积（亩，不超过 {state.area_mu:g} 亩）", 0.0, state.area_mu, None,
                            step=1.0, key=keys["area"])  # fmt: skip
        if state.balance_wan is not None and state.ledger == "idle_fund":
            st.number_input(f"已收回金额（万元，不超过 {state.balance_wan:g} 万元）", 0.0, state.balance_wan,
                            None, step=1.0, key=keys["amount"])  # fmt: skip
        st.file_uploader(f"佐证材料（{ACCEPTED}，每个不超过 20 MB）", type=UPLOAD_TYPES,
                         accept_multiple_files=True, key=keys["files"])  # fmt: skip
        st.form_submit_button("提交", type="primary", icon=":material/send:", on_click=_progress,
                              args=(state.item_id, state.seq, scope_label, keys))  # fmt: skip


def _progress(item_id: str, seen: int, scope_label: str, keys: dict[str, str]) -> None:
    user = _acting_user()
    if user is None:
        return
    value = st.session_state.get
    status, note, measure = value(keys["status"]), value(keys["note"], ""), value(keys["measure"]) or None
    files = stored_evidence(value(keys["files"]), DONE)
    if files is None:
        return
    perform(
        "apply" if status == APPLIED else "progress",
        item_id,
        lambda cur: wf.record_progress(
            cur, user, item_id, seen, status, note, measure, value(keys["area"]), value(keys["amount"]), files
        ),
        f"{status}：{note}（佐证 {len(files)} 个）",
        scope_label,
        "已提交销号申请，等待大起底办公室审核。" if status == APPLIED else "已记录整改进展。",
    )


def extension_form(state: wf.ItemState, scope_label: str) -> None:
    keys = {name: _key(name, state.item_id) for name in ("new_deadline", "extend_reason")}
    with (
        st.expander("申请延期", icon=":material/event_repeat:"),
        st.form(f"workflow_extend_{state.item_id}", border=False),
    ):
        base = max(state.deadline or date.today(), date.today())
        st.date_input("申请的新整改时限", base + timedelta(days=30), min_value=date.today() + timedelta(days=1),
                      format="YYYY-MM-DD", key=keys["new_deadline"])  # fmt: skip
        st.text_area("延期原因", max_chars=wf.MAX_NOTE, key=keys["extend_reason"])
        st.form_submit_button("提交延期申请", on_click=_extend, args=(state.item_id, scope_label, keys))


def _extend(item_id: str, scope_label: str, keys: dict[str, str]) -> None:
    user = _acting_user()
    if user is None:
        return
    new, reason = st.session_state.get(keys["new_deadline"]), st.session_state.get(keys["extend_reason"], "")
    perform("extend_request", item_id, lambda cur: wf.request_extension(cur, user, item_id, new, reason),
            f"申请延期至 {new}：{reason}", scope_label, "延期申请已提交，等待大起底办公室审批。")  # fmt: skip


def review_form(state: wf.ItemState, scope_label: str) -> None:
    reason_key = _key("review_reason", state.item_id)
    with st.form(f"workflow_review_{state.item_id}", border=True):
        st.markdown("**销号审核**　请核对上方佐证材料。")
        if state.evidence == 0 and state.withdrawn:
            st.warning("该申请的佐证材料已全部撤回，不能审核通过；请退回整改，要求补充材料。", icon=":material/block:")
        st.text_area("审核意见（退回时必填）", max_chars=wf.MAX_NOTE, key=reason_key)
        approve, back = st.columns(2)
        approve.form_submit_button("审核通过，予以销号", type="primary", icon=":material/task_alt:", on_click=_review,
                                   args=(state.item_id, state.seq, scope_label, reason_key, True))  # fmt: skip
        back.form_submit_button("退回整改", icon=":material/undo:", on_click=_review,
                                args=(state.item_id, state.seq, scope_label, reason_key, False))  # fmt: skip


def _review(item_id: str, seen: int, scope_label: str, reason_key: str, approved: bool) -> None:
    user = _acting_user()
    if user is None:
        return
    reason = st.session_state.get(reason_key, "")
    perform("approve" if approved else "return", item_id,
            lambda cur: wf.review(cur, user, item_id, seen, approved, reason),
            "予以销号" if approved else f"退回：{reason}", scope_label,
            "已销号。" if approved else "已退回，责任单位将在待办中看到退回原因。")  # fmt: skip


def extension_decision(state: wf.ItemState, scope_label: str) -> None:
    pending = queries.extension_queue(Scope(None, None, date.today()))
    request = pending[pending.request_id == state.pending_request].iloc[0]
    note_key = _key("decide_note", state.item_id)
    with st.form(f"workflow_decide_{state.item_id}", border=True):
        old = f"{request.old_deadline:%Y-%m-%d}" if pd.notna(request.old_deadline) else "未定"
        st.markdown(
            f"**延期审批**　{plain(request.requested_by)} 申请将整改时限由 {old} 延至 {request.new_deadline:%Y-%m-%d}："
            f"{plain(request.reason)}"
        )
        st.text_input("审批意见（不予批准时必填）", max_chars=200, key=note_key)
        yes, no = st.columns(2)
        args = (state.item_id, int(state.pending_request), scope_label, note_key)
        yes.form_submit_button("批准延期", type="primary", on_click=_decide, args=(*args, True))
        no.form_submit_button("不予批准", on_click=_decide, args=(*args, False))


def _decide(item_id: str, request: int, scope_label: str, note_key: str, approved: bool) -> None:
    user = _acting_user()
    if user is None:
        return
    note = st.session_state.get(note_key, "")
    perform("extend_decide", item_id, lambda cur: wf.decide_extension(cur, user, request, approved, note),
            ("批准" if approved else "不予批准") + f"延期申请 {request}", scope_label,
            "已批准延期，超期按新的时限计算。" if approved else "已不予批准延期。")  # fmt: skip


def item_workflow(item_id: str, scope_label: str, files: pd.DataFrame, land_kind: str | None = None,
                  editable: bool = True) -> None:  # fmt: skip
    """Everything of the workflow under an item's facts and history: the result of the last action, the files,
    and (when the item is shown as it is now) the forms the user may use."""
    if DONE in st.session_state:
        tone, message = st.session_state.pop(DONE)
        show, icon = (st.success, ":material/check_circle:") if tone == "success" else (st.error, ":material/error:")
        show(plain(message), icon=icon)  # messages quote file names and users' words: text, not Markdown
    state = item_state(item_id)
    if state is None:
        return
    evidence_list(item_id, scope_label, files, editable)
    if not editable:
        return
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
    if not can and state.status == APPLIED:
        st.info("已提交销号申请，等待大起底办公室审核。", icon=":material/hourglass:")
