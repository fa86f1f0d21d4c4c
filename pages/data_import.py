"""数据导入: templates, upload, row-level checks in Chinese, preview, confirmed atomic import, history.

The one page that writes: it calls ledger.importer (the write path) instead of queries/."""

import re
from pathlib import Path

import pandas as pd
import streamlit as st

import queries
from auth.roles import IMPORTS
from ledger import db_path
from ledger.fields import SPECS
from ledger.importer import ImportFileError, apply_import, clean_stray_files, disk_status, plan_import
from ledger.limits import GB, MAX_FILE_BYTES, MAX_ROWS, MB, MIN_FREE_BYTES
from ledger.safe_read import display_name
from ledger.templates import template_xlsx
from ledger.writing import DatabaseBusy, WriteConflict
from pages._auth import audit
from pages._shell import catalog, current_user, page_header
from queries.db import writing


@st.cache_resource(show_spinner=False)
def _cleaned_once(path: str) -> list[Path]:
    """Files a killed import left behind are removed once per server process (and before every import)."""
    return clean_stray_files(Path(path))


def plain(text: str) -> str:
    """User-supplied text (file names inside messages) shown literally, not as Markdown or formulas."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$])", r"\\\1", text)


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
    "同一文件重复上传不会重复导入。某盟市某本台账首次导入真实数据时，替换该部分的演示数据。"
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
st.caption(f"已保存的原始文件（data/imports/）占用 {archived / MB:,.1f} MB；数据盘可用 {free / GB:,.1f} GB。")
full = free < MIN_FREE_BYTES
if full:
    st.error(
        f"数据盘可用空间只剩 {free / GB:.1f} GB，低于 {MIN_FREE_BYTES / GB:g} GB 的下限，暂停接收新文件。"
        "请联系管理员清理磁盘或扩容。",
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
for upload in [] if full else files or []:
    data = upload.getvalue()
    with st.container(border=True):
        st.markdown(f"**{plain(display_name(upload.name))}** · {spec.name} · {names.leagues[league]}")
        try:
            plan = plan_import(data, upload.name, ledger, league, db_path())
        except ImportFileError as error:
            st.error(plain(str(error)), icon=":material/error:")
            continue
        counts = st.columns(4)
        counts[0].metric("新增", len(plan.new))
        counts[1].metric("更新", len(plan.updated))
        counts[2].metric("未变", len(plan.unchanged))
        counts[3].metric("有错误的行", len({(e.sheet, e.row) for e in plan.errors}))
        if plan.already_imported:
            st.info(plan.already_imported, icon=":material/info:")
        elif plan.errors:
            st.error(
                f"发现 {len(plan.errors)} 处错误，整份文件不会写入。请按下表修改后重新上传。", icon=":material/error:"
            )
            if len(plan.errors) <= 20:
                st.markdown("\n".join(f"- {plain(e.text())}" for e in plan.errors))
            else:
                st.dataframe(
                    pd.DataFrame(
                        [(e.sheet, e.row, e.column or "", e.message) for e in plan.errors],
                        columns=["工作表", "行", "列", "问题"],
                    ),
                    hide_index=True,
                    placeholder="—",
                    key=f"data_import_errors_{plan.sha256[:12]}",
                )
        elif not plan.can_write:
            st.success("文件内容与系统中的台账一致，无需导入。")
        else:
            if plan.replaced_demo:
                st.warning(f"导入后将替换{names.leagues[league]}{spec.name}中的 {plan.replaced_demo} 条演示数据。")
            labels = {f.key: f.label for f in spec.fields}
            new, changed = set(plan.new), {*plan.new, *plan.updated}
            preview = pd.DataFrame([r for r in plan.rows if r["item_id"] in changed])
            preview.insert(0, "变化", ["新增" if i in new else "更新" for i in preview.item_id])
            st.dataframe(
                preview.drop(columns=["park_id"], errors="ignore")
                .rename(columns=labels)
                .head(500)
                .astype(object)
                .fillna(""),
                hide_index=True,
                placeholder="—",
                key=f"data_import_preview_{plan.sha256[:12]}",
            )
            if st.button("确认导入", type="primary", key=f"data_import_confirm_{plan.sha256[:12]}"):
                try:
                    batch = apply_import(plan, data, db_path(), imported_by=user.username, writing=writing)
                except (ImportFileError, WriteConflict, DatabaseBusy) as error:
                    st.error(plain(str(error)), icon=":material/error:")
                else:
                    audit("import", f"批次 {batch}：{spec.name} {upload.name}（{len(plan.rows)} 行）", league)
                    st.cache_data.clear()
                    st.session_state["data_import_done"] = (
                        f"已导入：{plain(display_name(upload.name))}，批次 {batch}，"
                        f"{len(plan.new)} 条新增，{len(plan.updated)} 条更新。"
                    )
                    st.rerun()

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
    st.caption(f"原始文件保存在 {db_path().parent / 'imports'}。")
