"""数据导入: templates, upload, row-level checks in Chinese, preview, confirmed atomic import, history.

The one page that writes: it calls ledger.importing (the write path) instead of queries/."""

import hashlib

import streamlit as st

import queries
from auth.roles import Action
from ledger import db_path
from ledger.fields import SPECS
from ledger.importing import disk_status, imports_root
from ledger.limits import GB, MAX_FILE_BYTES, MAX_ROWS, MB, MIN_FREE_BYTES
from ledger.templates import template_xlsx
from ui.import_preview import DONE, cleaned_once, show_plan
from ui.scope import catalog, page_header
from ui.session import audit, current_user
from ui.tables import chinese_headers, table

scope = page_header("数据导入")
cleaned_once(str(db_path()))
user = current_user()
if not user.may(Action.IMPORT):
    st.error("数据导入仅对自治区大起底办公室和盟市工信局账号开放；本账号只能查看和导出。", icon=":material/block:")
    st.stop()
names = catalog()  # a league's user: only its own league
if DONE in st.session_state:
    st.success(st.session_state.pop(DONE), icon=":material/check_circle:")

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
if user.may(Action.SEE_STORAGE):  # the server's disk and folders are the office's business, not a league clerk's
    st.caption(f"已保存的原始文件（data/imports/）占用 {archived / MB:,.1f} MB；数据盘可用 {free / GB:,.1f} GB。")
full = free < MIN_FREE_BYTES
if full:
    st.error(
        f"数据盘可用空间只剩 {free / GB:.1f} GB，低于 {MIN_FREE_BYTES / GB:g} GB 的下限，暂停接收新文件。"
        if user.may(Action.SEE_STORAGE)
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
# the choice above offers only allowed leagues; this holds whatever the widget says
if not user.may(Action.IMPORT, league):
    audit("import_refused", f"{spec.name}：无权为盟市 {league} 导入", league, ok=False)
    st.error("本账号只能导入本盟市的台账。", icon=":material/block:")
    st.stop()

for upload in [] if full else files or []:
    content = upload.getvalue()
    with st.container(border=True):
        show_plan(upload.name, content, ledger, league, hashlib.sha256(content).hexdigest()[:12])

st.subheader("导入记录")
history = queries.import_history(scope)
if history.empty:
    st.caption("尚无导入记录：当前全部为演示数据。")
else:
    table(chinese_headers(history.drop(columns="sha256")), "data_import_history")
    if user.may(Action.SEE_STORAGE):
        st.caption(f"原始文件保存在 {imports_root(db_path())}。")
