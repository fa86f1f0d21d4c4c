"""评价公示 on 园区排名: the frozen versions of the 亩均评价 with their documents, objections (their evidence files
downloadable), the steps of 公示 and the office's corrections after the 终稿."""

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path, PurePath

import pandas as pd
import streamlit as st

import queries
from auth.roles import Action, User
from ledger import db_path
from ledger import publication as pub
from ledger.evidence import KINDS, EvidenceError, check_evidence, evidence_file, evidence_root, store_file
from ledger.writing import DatabaseBusy, WriteConflict
from queries.db import read_fresh, writing
from queries.scope import Scope
from reports.grade_notice import notice_docx, version_xlsx
from reports.stamp import stamp
from ui.downloads import export_button
from ui.project_grades import grades_table
from ui.session import audit, current_user
from ui.tables import table

DONE = "grade_publication_done"


def publication_view(scope: Scope, year: int) -> None:
    """The versions, the chosen one's rows and documents, its objections, and what the user may do next."""
    if DONE in st.session_state:
        tone, message = st.session_state.pop(DONE)
        (st.success if tone == "success" else st.error)(message)
    user, here = current_user(), stamp(scope)
    versions = queries.grade_versions(scope)
    if user.may(Action.PUBLISH_GRADES):
        _publish_form(scope, year, here.scope_label)
    if versions.empty:
        st.info("尚未发布亩均评价公示。", icon=":material/inbox:")
        return
    chosen = st.selectbox("版本", versions.version_id.tolist(), format_func=lambda v: version_label(versions, v),
                          key="rankings_publication_version")  # fmt: skip
    version = versions.set_index("version_id").loc[chosen]
    version["version_id"] = chosen
    rows = queries.grade_version_rows(scope, chosen)
    st.caption(in_force_note(versions, int(version.year)))
    st.caption(f"本表为{version_label(versions, chosen)}，{version.made_at:%Y-%m-%d %H:%M} 由 {version.made_by} "
               f"冻结，此后数据变化不改变本版本。评价依据：{version.basis}。")  # fmt: skip
    table(grades_table(rows.assign(score=rows.final_score, deduction=0.0, score_grade=rows.grade, completed=0))
          .drop(columns=["投产年份", "扣分", "按分等级"]), "rankings_publication_rows")  # fmt: skip
    _downloads(version, rows, here)
    objections = queries.grade_objections(scope)
    objections = objections[objections.version_id == chosen]
    if not objections.empty:
        st.markdown("**异议与复核**")
        table(objection_table(objections), "rankings_publication_objections")
        _evidence_downloads(objections, here.scope_label)
    is_open = version.kind == "公示稿" and pd.isna(version.final_id)
    if is_open and user.may(Action.OBJECT_TO_GRADE):
        _objection_form(chosen, rows, here.scope_label)
    if is_open and user.may(Action.PUBLISH_GRADES):
        _decision_form(objections, here.scope_label)
    if version.kind != "公示稿" and pd.isna(version.final_id) and user.may(Action.PUBLISH_GRADES):
        _correction_form(chosen, rows, here.scope_label)
    approving = is_open and user.may(Action.APPROVE_GRADES)
    if approving and st.button("确认终稿", type="primary", key="rankings_publication_approve"):
        _perform(lambda cur: pub.approve(cur, user, chosen), "grade_approve", f"确认第 {chosen} 版为终稿",
                 here.scope_label, "已确认终稿。")  # fmt: skip


def version_label(versions: pd.DataFrame, version_id: int) -> str:
    row = versions.set_index("version_id").loc[version_id]
    if row.kind == "公示稿":
        state = "（已确认终稿）" if pd.notna(row.final_id) else "（公示中或待确认）"
    else:
        state = f"（已由第 {int(row.final_id)} 版更正）" if pd.notna(row.final_id) else "（现行）"
    return f"第 {version_id} 版 · {int(row.year)} 年{row.kind}{state}"


def in_force_note(versions: pd.DataFrame, year: int) -> str:
    """Which version of the year is in force: the newest 终稿 or 更正稿, the one that 差别化电价 follows."""
    final = versions[(versions.year == year) & versions.kind.isin(["终稿", "更正稿"])]
    if final.empty:
        return f"{year} 年评价尚无确认的终稿，公示稿不作为执行依据。"
    newest = int(final.version_id.max())
    return f"{year} 年评价现行版本为{version_label(versions, newest).removesuffix('（现行）')}（最新的终稿或更正稿）。"


def objection_table(objections: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "编号": objections.objection_id.astype(int),
            "项目": objections.name,
            "园区": objections.park_name,
            "公示等级": objections.published_grade,
            "提出人": objections.filed_by,
            "理由": objections.reason,
            "佐证材料": objections.evidence_name.fillna(""),
            "复核结果": objections.decision.fillna("待复核"),
            "更正为": objections.corrected_grade.fillna(""),
            "复核意见": objections.decision_note.fillna(""),
        }
    )


def _downloads(version: pd.Series, rows: pd.DataFrame, here) -> None:
    left, right = st.columns(2)
    name = f"{int(version.year)}年亩均评价{version.kind}_第{int(version.version_id)}版_{here.scope_label}"
    with left:
        export_button("下载公示文件（Word）", lambda: notice_docx(version, rows, here.scope_label, here.demo),
                      file_name=f"{name}.docx", what="亩均评价公示文件", scope_label=here.scope_label,
                      icon=":material/description:", key="rankings_publication_docx")  # fmt: skip
    with right:
        export_button("下载名单（Excel）", lambda: version_xlsx(version, rows, here.scope_label, here.demo),
                      file_name=f"{name}.xlsx", what="亩均评价名单", scope_label=here.scope_label,
                      icon=":material/download:", key="rankings_publication_xlsx")  # fmt: skip


def _evidence_downloads(objections: pd.DataFrame, scope_label: str) -> None:
    """Each objection's evidence file through the audited download, read with the clicking user's limits; a
    note instead of the button when the file is missing on the server."""
    root, user = evidence_root(db_path()), current_user()
    for row in objections[objections.evidence_sha256.notna()].itertuples():
        number = int(row.objection_id)
        line, button = st.columns([6, 1], vertical_alignment="center")
        line.caption(f"异议 {number} 的佐证材料：{row.evidence_name}")
        if not evidence_file(root, row.evidence_sha256).exists():
            button.caption(":material/report: 文件缺失")
            continue
        with button:
            export_button("下载", lambda n=number: _evidence_bytes(user, n, root), file_name=row.evidence_name,
                          what=f"异议 {number} 佐证材料", scope_label=scope_label,
                          mime=KINDS[PurePath(row.evidence_name).suffix.lower()][1], icon=":material/download:",
                          key=f"rankings_publication_evidence_{number}")  # fmt: skip


def _evidence_bytes(user: User, number: int, root: Path) -> bytes:
    """The file as ledger.publication.objection_evidence reads it: the scope checked again when it is made."""
    return read_fresh(lambda cur: pub.objection_evidence(cur, user, number, root))[1]


def _correction_form(version: int, rows: pd.DataFrame, scope_label: str) -> None:
    with st.expander("更正评价等级（终稿确认后，大起底办公室）"), st.form("rankings_publication_correct"):
        labels = dict(zip(rows.project_id, rows.name + "（" + rows.grade + "）", strict=True))
        project = st.selectbox("项目", list(labels), format_func=labels.get, key="rankings_publication_fix_project")
        grade = st.selectbox("更正为", pub.GRADES, key="rankings_publication_fix_grade")
        reason = st.text_area("更正理由", max_chars=pub.MAX_REASON, key="rankings_publication_fix_reason")
        st.caption("更正生成新的更正稿并冻结，原终稿保留不变；此后以更正稿为现行版本。")
        if st.form_submit_button("生成更正稿", type="primary"):
            _perform(lambda cur: pub.correct(cur, current_user(), version, project, grade, reason),
                     "grade_correct", f"更正第 {version} 版中 {project} 的评价等级为 {grade}", scope_label,
                     "已生成更正稿。")  # fmt: skip


def _publish_form(scope: Scope, year: int, scope_label: str) -> None:
    with st.expander(f"发布 {year} 年评价公示（大起底办公室）"), st.form("rankings_publication_publish"):
        starts = st.date_input("公示开始日期", value=date.today() + timedelta(days=1), min_value=date.today(),
                               key="rankings_publication_starts")  # fmt: skip
        st.caption(f"公示 {pub.PUBLIC_DAYS} 个工作日，按工作日历（节假日顺延）计算结束日期。")
        if st.form_submit_button("发布公示", type="primary"):
            grades = queries.project_grades(Scope(None, None, scope.asof), year)
            basis = f"{year} 年评价，按用地规模分赛道；事故否决、名额控制、保护期均按默认规则"
            detail = f"{year} 年评价公示，{starts:%Y-%m-%d} 起"
            _perform(lambda cur: pub.publish(cur, current_user(), year, basis, grades, starts), "grade_publish",
                     detail, scope_label, f"已发布 {year} 年评价公示。")  # fmt: skip


def _objection_form(version: int, rows: pd.DataFrame, scope_label: str) -> None:
    with st.expander("对评价等级提出异议"), st.form("rankings_publication_object", clear_on_submit=True):
        labels = dict(zip(rows.project_id, rows.name + "（" + rows.grade + "）", strict=True))
        project = st.selectbox("项目", list(labels), format_func=labels.get, key="rankings_publication_project")
        reason = st.text_area("异议理由", max_chars=pub.MAX_REASON, key="rankings_publication_reason")
        upload = st.file_uploader("佐证材料", key="rankings_publication_file")
        if st.form_submit_button("提交异议", type="primary"):
            try:
                evidence = None
                if upload is not None:
                    evidence = check_evidence(upload.name, upload.getvalue())
                    store_file(evidence_root(db_path()), evidence, upload.getvalue())
            except EvidenceError as error:
                st.session_state[DONE] = ("error", str(error))
                st.rerun()
            detail = f"对 {project} 的评价等级提出异议"
            _perform(lambda cur: pub.object_to(cur, current_user(), version, project, reason, evidence),
                     "grade_objection", detail, scope_label, "异议已提交，等待复核。")  # fmt: skip


def _decision_form(objections: pd.DataFrame, scope_label: str) -> None:
    waiting = objections[objections.decision.isna()]
    if waiting.empty:
        return
    with st.expander(f"复核异议（{len(waiting)} 件待复核）"), st.form("rankings_publication_decide"):
        number = st.selectbox("异议", waiting.objection_id.astype(int).tolist(), key="rankings_publication_objection")
        accept = st.radio("复核结果", ["采纳", "不予采纳"], horizontal=True, key="rankings_publication_accept")
        corrected = st.selectbox("更正为（采纳时）", pub.GRADES, key="rankings_publication_corrected")
        note = st.text_area("复核意见", max_chars=pub.MAX_REASON, key="rankings_publication_note")
        if st.form_submit_button("提交复核", type="primary"):
            _perform(lambda cur: pub.decide(cur, current_user(), number, accept == "采纳", note, corrected),
                     "grade_decide", f"异议 {number}：{accept}", scope_label, f"已复核：{accept}。")  # fmt: skip


def _perform(work: Callable, action: str, detail: str, scope_label: str, done: str) -> None:
    """One step as one transaction, audited whether done or refused; the result shown after the rerun."""
    try:
        with writing() as cur:
            work(cur)
    except (pub.PublicationError, WriteConflict, DatabaseBusy) as error:
        st.session_state[DONE] = ("error", str(error))
        audit(action, f"{detail}：未完成（{error}）", scope_label, ok=False)
    else:
        st.session_state[DONE] = ("success", done)
        audit(action, detail, scope_label)
    st.rerun()
