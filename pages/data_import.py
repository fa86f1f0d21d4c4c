"""数据导入: templates, upload, row-level checks in Chinese, preview, confirmed atomic import, history.

The one page that writes: it calls ledger.importer (the write path) instead of queries/."""

import hashlib
from pathlib import Path

import pandas as pd
import streamlit as st

import queries
from auth.roles import ADMIN, IMPORTS
from ledger import db_path
from ledger.fields import SPECS
from ledger.importer import (
    ImportFileError,
    apply_import,
    clean_stray_files,
    disk_status,
    group_problems,
    plan_import,
    preview_frame,
    readings_frame,
)
from ledger.limits import GB, MAX_FILE_BYTES, MAX_ROWS, MB, MIN_FREE_BYTES
from ledger.safe_read import display_name
from ledger.templates import template_xlsx
from ledger.writing import DatabaseBusy, WriteConflict
from queries.db import writing
from ui.scope import catalog, page_header
from ui.session import audit, current_user
from ui.text import plain


@st.cache_resource(show_spinner=False)
def _cleaned_once(path: str) -> list[Path]:
    """Files a killed import left behind are removed once per server process (and before every import)."""
    return clean_stray_files(Path(path))


def problem_list(problems: list) -> str:
    """Problems grouped by column and kind as a Markdown list: the group, its distinct values, the hint once."""
    lines = []
    for group in group_problems(problems):
        lines.append(f"- **{plain(group.title)}**" + (f"。{plain(group.hint)}" if group.hint else ""))
        lines.extend(f"    - {plain(item)}" for item in group.items)
    return "\n".join(lines)


scope = page_header("数据导入")
_cleaned_once(str(db_path()))
user = current_user()
if user.role not in IMPORTS:
    st.error("数据导入仅对自治区大起底办公室和盟市工信局账号开放；本账号只能查看和导出。", icon=":material/block:")
    st.stop()
names = catalog()  # a league's user: only its own league
if "data_import_done" in st.session_state:
    st.success(st.session_state.pop("data_import_done"), icon=":material/check_circle:")

st.markdown(
    "各盟市工信部门报送自查工作台账：先下载对应台账的模板，填好后上传。系统逐行检查，"
    "有错误的文件不会写入；无误时先预览将新增、更新的条目，确认后整份文件一次写入。"
    "同一文件重复上传不会重复导入。某盟市某本台账首次导入真实数据时，替换该部分的演示数据（已有整改销号记录的"
    "演示条目逐条列出，须另行确认）；已导入的真实条目只会被同一编号的新数据更新。一个文件中其他台账的工作表"
    "可在预览中按其台账另行导入。"
)
left, right = st.columns(2)
ledger = left.selectbox("台账", list(SPECS), format_func=lambda k: SPECS[k].name, key="data_import_ledger")
leagues = list(names.leagues)
league = right.selectbox(
    "报送盟市",
    leagues,
    index=leagues.index(scope.league) if scope.league else 0,
    format_func=names.leagues.get,
    key="data_import_league",
)
spec = SPECS[ledger]
st.download_button(
    f"下载{spec.name}模板（Excel）",
    template_xlsx(ledger, names.leagues[league]),
    file_name=f"{names.leagues[league]}{spec.name}模板.xlsx",
    icon=":material/download:",
    key="data_import_template",
)

archived, free = disk_status(db_path())
if user.role == ADMIN:  # the server's disk and folders are the office's business, not a league clerk's
    st.caption(f"已保存的原始文件（data/imports/）占用 {archived / MB:,.1f} MB；数据盘可用 {free / GB:,.1f} GB。")
full = free < MIN_FREE_BYTES
if full:
    st.error(
        f"数据盘可用空间只剩 {free / GB:.1f} GB，低于 {MIN_FREE_BYTES / GB:g} GB 的下限，暂停接收新文件。"
        if user.role == ADMIN
        else "服务器存储空间不足，暂停接收新文件。请联系自治区大起底办公室。",
        icon=":material/error:",
    )
files = st.file_uploader(
    f"上传台账文件（可多选；.xlsx、.xls、.csv；每个文件不超过 {MAX_FILE_BYTES // MB} MB、{MAX_ROWS:,} 行）",
    type=["xlsx", "xls", "csv"],
    accept_multiple_files=True,
    disabled=full,
    key="data_import_files",
)
if not user.may_import(league):  # the choice above offers only allowed leagues; this holds whatever the widget says
    audit("import_refused", f"{spec.name}：无权为盟市 {league} 导入", league, ok=False)
    st.error("本账号只能导入本盟市的台账。", icon=":material/block:")
    st.stop()


def show_plan(name: str, data: bytes, ledger: str, key: str, parent: str | None = None) -> None:
    """One file read as one ledger: counts, every problem, how it was read, the preview and the one
    confirmation; sheets of other ledgers are offered for their own preview below (parent: the ledger whose
    preview offered this one, not offered again)."""
    spec = SPECS[ledger]
    st.markdown(f"**{plain(display_name(name))}** · {spec.name} · {names.leagues[league]}")
    try:
        plan = plan_import(data, name, ledger, league, db_path())
    except ImportFileError as error:
        st.error(plain(str(error)), icon=":material/error:")
        return
    key = f"{key}_{ledger}"
    counts = st.columns(4)
    counts[0].metric("新增", len(plan.new))
    counts[1].metric("更新", len(plan.updated))
    counts[2].metric("未变", len(plan.unchanged))
    counts[3].metric("有错误的行", len({(e.sheet, e.row) for e in plan.errors}))
    others = [(sheet, other, rows) for sheet, other, rows in plan.other_sheets if other != parent]
    for sheet, other, rows in others:
        st.info(
            f"工作表“{plain(sheet)}”（{rows} 行）是{SPECS[other].name}，不按{spec.name}导入；"
            f"可在本文件预览的末尾按{SPECS[other].name}预览并导入。",
            icon=":material/tab:",
        )
    if plan.already_imported:
        st.info(plan.already_imported, icon=":material/info:")
    elif plan.errors:
        st.error(
            f"发现 {len(plan.errors)} 处错误，整份文件不会写入。下面是这份文件的全部问题（按类归并），"
            "请一次改完后重新上传。",
            icon=":material/error:",
        )
        st.markdown(problem_list(plan.errors))
        with st.expander(f"逐行明细（{len(plan.errors)} 处）"):
            st.dataframe(
                pd.DataFrame(
                    [(e.sheet, e.row, e.column or "表头", e.message) for e in plan.errors],
                    columns=["工作表", "行", "列", "问题"],
                ),
                hide_index=True,
                placeholder="—",
                key=f"data_import_errors_{key}",
            )
    if not plan.already_imported:
        show_readings(plan, key)
    if not plan.errors and not plan.already_imported:
        if not plan.can_write:
            st.success("文件内容与系统中的台账一致，无需导入。")
        else:
            confirm(plan, name, data, key)
    for other in dict.fromkeys(o for _, o, _ in others):
        if st.toggle(f"按{SPECS[other].name}预览这些工作表并导入", key=f"data_import_other_{key}_{other}"):
            with st.container(border=True):
                show_plan(name, data, other, key, parent=ledger)


def show_readings(plan, key: str) -> None:
    """Warnings, derived columns, free wording read as standard names, and the header's reading."""
    if plan.warnings:
        st.warning(
            f"{len(plan.warnings)} 处需要核对（不影响导入）："
            + ("核对无误后点“确认导入”即可。" if not plan.errors else "改正错误时一并核对。"),
            icon=":material/warning:",
        )
        st.markdown(problem_list(plan.warnings))
    if plan.derived:
        st.markdown("**以下必填列文件中没有，已据文件本身推得（预览中标“推得”），请核对：**")
        st.dataframe(
            pd.DataFrame(plan.derived, columns=["工作表", "列", "推得自", "行数"]),
            hide_index=True,
            key=f"data_import_derived_{key}",
        )
    if plan.mappings:
        st.markdown("**以下写法已按标准名称读取，请核对：**")
        st.dataframe(
            pd.DataFrame(plan.mappings, columns=["列", "文件中的写法", "读作", "行数"]),
            hide_index=True,
            key=f"data_import_mappings_{key}",
        )
    with st.expander("表头识别：文件中的列与台账字段的对应"):
        st.dataframe(
            pd.DataFrame(plan.columns, columns=["工作表", "文件中的列名", "台账字段", "换算"]),
            hide_index=True,
            key=f"data_import_columns_{key}",
        )
        if plan.ignored:
            st.caption("未识别、不导入的列：" + "、".join(plain(h) for h in plan.ignored))


def confirm(plan, name: str, data: bytes, key: str) -> None:
    """The preview, what replacing demo data drops, and the one 确认导入 (with a tick for dropped history)."""
    spec = SPECS[plan.ledger]
    place = f"{names.leagues[league]}{spec.name}"
    if plan.replaced_demo:
        st.warning(f"导入后将替换{place}中的 {plan.replaced_demo} 条演示数据。", icon=":material/swap_horiz:")
    agreed = True
    if plan.dropped_history:
        dropped = plan.dropped_history
        counted = [
            (sum(d.events for d in dropped), "条整改记录"),
            (sum(len(d.evidence) for d in dropped), "份佐证材料"),
            (sum(d.requests for d in dropped), "条延期申请"),
        ]
        st.error(
            f"其中 {len(dropped)} 条演示条目已有整改销号记录（共 "
            + "、".join(f"{n} {what}" for n, what in counted if n)
            + "），导入后这些记录随条目一并移除；佐证材料文件仍保存在服务器上，移除的条目和文件记入审计日志。",
            icon=":material/delete_history:",
        )
        st.dataframe(
            pd.DataFrame(
                [(d.item_id, d.title, d.status, d.events, "、".join(d.evidence) or "—", d.requests) for d in dropped],
                columns=["编号", "名称", "当前状态", "整改记录", "佐证材料", "延期申请"],
            ),
            hide_index=True,
            key=f"data_import_dropped_{key}",
        )
        agreed = st.checkbox(
            f"我已核对：移除以上 {len(dropped)} 条演示条目及其整改销号记录",
            key=f"data_import_drop_{key}",
        )
    st.dataframe(preview_frame(plan), hide_index=True, placeholder="—", key=f"data_import_preview_{key}")
    readings = readings_frame(plan)
    if not readings.empty:
        st.markdown(
            f"**逐格读取说明（{len(readings)} 格）**：全角数字、带单位的数、千分位、Excel 日期序号、只写到月的日期、"
            "同义词和园区简称是这样读的"
        )
        st.dataframe(readings, hide_index=True, key=f"data_import_readings_{key}")
    if st.button("确认导入", type="primary", disabled=not agreed, key=f"data_import_confirm_{key}"):
        try:
            batch = apply_import(plan, data, db_path(), imported_by=user.username, writing=writing, drop_history=agreed)
        except (ImportFileError, WriteConflict, DatabaseBusy) as error:
            st.error(plain(str(error)), icon=":material/error:")
        else:
            audit("import", f"批次 {batch}：{spec.name} {name}（{len(plan.rows)} 行）", league)
            st.cache_data.clear()
            st.session_state["data_import_done"] = (
                f"已导入{spec.name}：{plain(display_name(name))}，批次 {batch}，"
                f"{len(plan.new)} 条新增，{len(plan.updated)} 条更新。"
            )
            st.rerun()


for upload in [] if full else files or []:
    content = upload.getvalue()
    with st.container(border=True):
        show_plan(upload.name, content, ledger, hashlib.sha256(content).hexdigest()[:12])

st.subheader("导入记录")
history = queries.import_history(scope)
if history.empty:
    st.caption("尚无导入记录：当前全部为演示数据。")
else:
    st.dataframe(
        history.drop(columns="sha256").rename(
            columns={
                "batch_id": "批次",
                "imported_at": "导入时间",
                "league_name": "盟市",
                "ledger_name": "台账",
                "file_name": "文件",
                "rows": "行数",
                "imported_by": "导入人",
            }
        ),
        hide_index=True,
        placeholder="—",
        key="data_import_history",
    )
    if user.role == ADMIN:
        st.caption(f"原始文件保存在 {db_path().parent / 'imports'}。")
