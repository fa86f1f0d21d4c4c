"""The 订阅推送 page's pieces: the subscription form, the active subscriptions with their 取消 buttons and the recent
deliveries with their files; every change is a write of ledger/schedule/subscriptions.py, audited, refused in
Chinese."""

from datetime import datetime

import pandas as pd
import streamlit as st

from auth import store
from auth.roles import Action, User
from ledger.schedule import channels
from ledger.schedule.periods import CADENCES, LAST_MONTH_DAY, WEEKDAYS
from ledger.schedule.subscriptions import (
    SubscriptionError,
    active,
    cancel,
    delivered_file,
    deliveries,
    subscribe,
)
from ledger.writing import DatabaseBusy, WriteConflict
from queries.db import read_fresh, writing
from reports.subscribed import KINDS
from ui.downloads import export_button
from ui.session import accounts_path, audit, signed_in_user
from ui.tables import table

DONE = "subscriptions_done"  # the last change's outcome, shown after the rerun
CHANNEL_STATES = {"sent": "已发送", "pending": "待发送", "failed": "发送失败"}
CHANNEL_NAMES = {"email": "邮件", "webhook": "推送接口"}


def channel_note() -> str:
    """Which channels this server delivers on (the inbox always)."""
    try:
        mail, hook = channels.smtp() is not None, channels.webhook() is not None
    except channels.ChannelError as error:
        return f"推送设置有误：{error}"
    return (
        "每份推送都进入站内消息；"
        + ("填写邮箱的订阅同时发邮件（附件为报告文件）；" if mail else "本服务器未配置邮件服务器，暂不发邮件；")
        + ("并推送到已配置的消息平台接口。" if hook else "未配置消息平台推送接口。")
    )


def _outcome() -> None:
    outcome = st.session_state.pop(DONE, None)
    if outcome:
        (st.success if outcome[0] == "success" else st.error)(outcome[1])


def _changed(work, words: str) -> None:
    """Run one change for the session's user (checked again: a callback runs before the page), audited."""
    user = signed_in_user()
    if user is None:
        st.session_state[DONE] = ("error", "登录已失效，未作任何修改；请重新登录。")
        return
    try:
        with writing() as cursor:
            done = work(cursor, user)
    except (SubscriptionError, WriteConflict, DatabaseBusy) as error:
        audit("subscription", f"{words}：未完成（{error}）", ok=False)
        st.session_state[DONE] = ("error", str(error))
        return
    audit("subscription", f"{words}：{done.username} {done.description}")
    st.session_state[DONE] = ("success", f"已{words}：{done.description}（{done.username}）。")


def subscription_form(user: User) -> None:
    """The form: what, how often, the threshold of an alert, an e-mail address, and for the office, for whom."""
    _outcome()
    office = user.may(Action.MANAGE_ACCOUNTS)
    accounts = [r for r in store.list_users(accounts_path()) if not r["disabled"]] if office else []
    kinds = {k: v for k, v in KINDS.items() if not (k == "notice" and user.allowed.park and not office)}
    with st.form("subscriptions_form", border=True):
        left, right = st.columns(2)
        kind = left.selectbox("订阅内容", list(kinds), format_func=kinds.get, key="subscriptions_kind")
        cadence = right.radio("报告发送周期（阈值提醒每日检查）", ["weekly", "monthly"], horizontal=True,
                              format_func=CADENCES.get, key="subscriptions_cadence")  # fmt: skip
        weekday = left.selectbox("每周：星期", range(1, 8), format_func=lambda d: f"星期{WEEKDAYS[d - 1]}",
                                 key="subscriptions_weekday")  # fmt: skip
        monthday = right.number_input("每月：日期", 1, LAST_MONTH_DAY, 1, 1, key="subscriptions_monthday")
        rate = left.number_input("完成率提醒：低于（%）", 0.1, 100.0, 80.0, 0.5, key="subscriptions_rate")
        red = right.number_input("红灯提醒：多于（项）", 0, 100_000, 10, 1, key="subscriptions_red")
        email = left.text_input("同时发到邮箱（可选）", max_chars=254, key="subscriptions_email",
                                placeholder="例如 zhangsan@gxt.nmg.gov.cn")  # fmt: skip
        names = [r["username"] for r in accounts] or [user.username]
        labels = {r["username"]: f"{r['display_name'] or r['username']}（{r['username']}）" for r in accounts}
        recipient_name = right.selectbox("订阅账号（大起底办公室可为各单位订阅）", names,
                                         index=names.index(user.username) if user.username in names else 0,
                                         format_func=lambda n: labels.get(n, n), disabled=not office,
                                         key="subscriptions_recipient")  # fmt: skip
        submitted = st.form_submit_button("添加订阅", type="primary", icon=":material/add_alert:")
    if submitted:
        recipient = _recipient(accounts, recipient_name, user)
        day = weekday if cadence == "weekly" else int(monthday)
        threshold = {"completion_below": rate / 100, "red_above": float(red)}.get(kind)
        _changed(
            lambda cur, by: subscribe(cur, by, recipient, kind, cadence, day, threshold, email, datetime.now()),
            "添加订阅",
        )
        _outcome()


def _recipient(accounts: list[dict], name: str, user: User) -> User:
    for r in accounts:
        if r["username"] == name:
            return User(r["username"], r["role"], r["league_code"], r["park_id"], r["display_name"] or "")
    return user


def subscription_list(user: User) -> None:
    """Active subscriptions (the office sees everyone's), each with a 取消 button."""
    office = user.may(Action.MANAGE_ACCOUNTS)
    rows = read_fresh(lambda cur: active(cur, None if office else user.username))
    if not rows:
        st.caption("暂无订阅。")
        return
    for s in rows:
        with st.container(border=True, key=f"subscriptions_item_{s.subscription_id}"):
            text, button = st.columns([8, 2], vertical_alignment="center")
            mail = f"　·　邮箱 {s.email}" if s.email else ""
            text.markdown(f"**{s.description}**")
            text.caption(f"订阅账号 {s.username}　·　设置人 {s.created_by}{mail}")
            button.button(
                "取消订阅",
                key=f"subscriptions_cancel_{s.subscription_id}",
                on_click=_changed,
                args=(lambda cur, by, sid=s.subscription_id: cancel(cur, by, sid, datetime.now()), "取消订阅"),
            )


def _channels_text(others: str | None) -> str:
    parts = ["站内消息：已送达"]
    for part in (others or "").split(","):
        if part:
            channel, status, attempts = part.split(":")
            tries = f"（已试 {attempts} 次）" if status == "failed" else ""
            parts.append(f"{CHANNEL_NAMES.get(channel, channel)}：{CHANNEL_STATES.get(status, status)}{tries}")
    return "；".join(parts)


def delivery_list(user: User, wanted: str | None) -> None:
    """The newest deliveries (the office sees everyone's) and a download of the file one carried (audited)."""
    office = user.may(Action.MANAGE_ACCOUNTS)
    rows = read_fresh(lambda cur: deliveries(cur, None if office else user.username))
    if not rows:
        st.caption("暂无推送记录。订阅的报告在到期后几分钟内送达。")
        return
    shown = pd.DataFrame(
        {
            "推送": [r["title"] for r in rows],
            "期次": [r["period"] for r in rows],
            "账号": [r["username"] for r in rows],
            "时间": [f"{r['created_at']:%Y-%m-%d %H:%M}" for r in rows],
            "发送情况": [_channels_text(r["others"]) for r in rows],
        }
    )
    table(shown, "subscriptions_deliveries", fit=True)
    files = {f"{r['subscription_id']}_{r['period']}": r for r in rows if r["file_name"]}
    if not files:
        return
    keys = list(files)
    chosen = st.selectbox("下载推送的文件", keys, index=keys.index(wanted) if wanted in files else 0,
                          format_func=lambda k: f"{files[k]['title']}（{files[k]['period']}）",
                          key="subscriptions_file")  # fmt: skip
    row = files[chosen]

    def content() -> bytes:
        return read_fresh(lambda cur: delivered_file(cur, user, row["subscription_id"], row["period"]))[1]

    export_button(
        "下载该文件",
        content,
        file_name=row["file_name"],
        what=f"订阅推送 {row['title']}",
        scope_label=row["username"],
        icon=":material/download:",
        key="subscriptions_download",
    )
