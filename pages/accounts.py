"""账号管理 (admins only): accounts by role with their league or park, new accounts, password resets,
disabling, and the audit log, filterable and exportable."""

import pandas as pd
import streamlit as st

from auth import store
from auth.roles import LEAGUE, PARK, ROLE_NAMES, Action
from reports.workbooks import ExportMeta, ledger_xlsx
from ui.downloads import export_button
from ui.scope import catalog, page_header
from ui.session import accounts_path, current_user
from ui.tables import table

scope = page_header("账号管理")
user = current_user()
if not user.may(Action.MANAGE_ACCOUNTS):
    st.error("账号管理仅对自治区大起底办公室（管理员）开放。", icon=":material/block:")
    st.stop()
names = catalog()
path = accounts_path()

rows = pd.DataFrame(store.list_users(path))
table(
    pd.DataFrame(
        {
            "用户名": rows.username,
            "名称": rows.display_name,
            "角色": rows.role.map(ROLE_NAMES),
            "可查看": [names.label(x) if isinstance(x, str) else "全区" for x in rows.park_id.fillna(rows.league_code)],
            "状态": [
                "停用" if d else ("锁定中" if lk else "正常")
                for d, lk in zip(rows.disabled, rows.locked_until, strict=True)
            ],
            "演示账号": rows.demo.map({1: "是", 0: ""}),
            "最近登录": rows.last_sign_in.fillna(""),
        }
    ),
    "accounts_table",
)

add, change = st.columns(2)
with add.form("accounts_add", border=True, clear_on_submit=True):
    st.markdown("**新建账号**")
    username = st.text_input("用户名", max_chars=store.MAX_USERNAME, key="accounts_new_username")
    display = st.text_input("名称（单位）", max_chars=60, key="accounts_new_name", placeholder="例如：包头市工信局")
    role = st.selectbox("角色", list(ROLE_NAMES), format_func=ROLE_NAMES.get, key="accounts_new_role")
    league = st.selectbox(
        "盟市（盟市账号）",
        ["", *names.leagues],
        format_func=lambda c: names.leagues.get(c, "—"),
        key="accounts_new_league",
    )
    park = st.selectbox(
        "园区（园区账号）",
        ["", *names.parks],
        format_func=lambda p: names.parks[p][0] if p else "—",
        key="accounts_new_park",
    )
    password = st.text_input(f"初始密码（至少 {store.MIN_PASSWORD} 个字符）", type="password", key="accounts_new_pw")
    if st.form_submit_button("新建", type="primary"):
        park_league = names.parks[park][1] if park else None
        try:
            store.add_user(
                path,
                username,
                password,
                role,
                park_league if role == PARK else (league or None) if role == LEAGUE else None,
                park or None if role == PARK else None,
                display,
                by=user.username,
            )
        except store.AccountError as error:
            st.error(str(error), icon=":material/error:")
        else:
            st.success(f"账号 {username} 已建立（{ROLE_NAMES[role]}）。")

with change.form("accounts_change", border=True):
    st.markdown("**重置密码 / 停用 / 启用**")
    target = st.selectbox("账号", rows.username.tolist(), key="accounts_target")
    new_password = st.text_input("新密码（重置时填写）", type="password", key="accounts_reset_pw")
    action = st.radio("操作", ["重置密码", "停用", "启用"], horizontal=True, key="accounts_action")
    if st.form_submit_button("执行"):
        try:
            if action == "重置密码":
                store.reset_password(path, target, new_password, by=user.username)
            elif target == user.username:
                raise store.AccountError("不能停用或启用自己的账号")
            else:
                store.set_disabled(path, target, action == "停用", by=user.username)
        except store.AccountError as error:
            st.error(str(error), icon=":material/error:")
        else:
            st.success(f"{target}：已{action}。")

st.subheader("审计日志")
left, right = st.columns(2)
action_filter = left.selectbox(
    "操作", ["", *store.ACTIONS], format_func=lambda a: store.ACTIONS.get(a, "全部"), key="accounts_log_action"
)
who = right.text_input("用户名", max_chars=store.MAX_USERNAME, key="accounts_log_user").strip()
log = pd.DataFrame(
    store.audit_rows(path, action_filter or None, who or None),
    columns=["at", "username", "action", "scope", "detail", "ok"],
)
log = pd.DataFrame(
    {
        "时间": log["at"].str.replace("T", " "),
        "用户": log["username"],
        "操作": log["action"].map(lambda a: store.ACTIONS.get(a, a)),
        "范围": [names.label(s) if s and s != "全区" else s for s in log["scope"]],
        "内容": log["detail"],
        "结果": log["ok"].map({1: "成功", 0: "失败"}),
    }
)
table(log, "accounts_log")
export_button(
    "导出审计日志（Excel）",
    lambda: ledger_xlsx(
        log, ExportMeta("看板审计日志", f"最近 {len(log)} 条　导出人：{user.username}", sheet="审计日志")
    ),
    file_name=f"审计日志_{scope.asof:%Y%m%d}.xlsx",
    what="审计日志",
    scope_label="全区",
    icon=":material/download:",
    key="accounts_log_export",
)
