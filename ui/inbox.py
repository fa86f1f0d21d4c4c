"""The 消息 page's pieces and the sidebar's unread badge: the signed-in user's own messages (ledger/inbox.py), each
opened on its page, marked read one by one or all at once (a write, audited)."""

import streamlit as st

from auth.roles import User
from ledger import inbox
from ledger.writing import DatabaseBusy, WriteConflict
from queries.db import read_fresh, writing
from ui.session import audit, signed_in_user
from ui.text import plain

DONE = "inbox_done"  # the last mark's outcome, shown after the rerun


def unread(user: User) -> int:
    """The user's unread messages now (uncached: reading one changes it)."""
    return read_fresh(lambda cursor: inbox.unread_count(cursor, user))


def user_messages(user: User, unread_only: bool) -> list[dict]:
    return read_fresh(lambda cursor: inbox.messages(cursor, user, unread_only))


def _mark(keys: list[str], what: str) -> None:
    """Mark the session's own messages read; the session is checked again first (a callback runs before the page)."""
    user = signed_in_user()
    if user is None:
        st.session_state[DONE] = ("error", "登录已失效，未标记任何消息；请重新登录。")
        return
    try:
        with writing() as cursor:
            changed = inbox.mark_read(cursor, user, keys)
    except (inbox.InboxError, WriteConflict, DatabaseBusy) as error:
        audit("mark_read", f"{what}：未完成（{error}）", ok=False)
        st.session_state[DONE] = ("error", str(error))
        return
    audit("mark_read", f"{what}：{changed} 条")
    st.session_state[DONE] = ("success", f"已将 {changed} 条消息标为已读。")


def message_list(user: User, unread_only: bool) -> None:
    """The messages newest first: kind, title, time, body, a link to what it is about, and a 标为已读 button."""
    outcome = st.session_state.pop(DONE, None)
    if outcome:
        (st.success if outcome[0] == "success" else st.error)(outcome[1])
    rows = user_messages(user, unread_only)
    if not rows:
        st.caption("没有未读消息。" if unread_only else "暂无消息。")
        return
    unread_keys = [row["key"] for row in rows if row["read_at"] is None]
    if unread_keys:
        st.button("全部标为已读", icon=":material/done_all:", on_click=_mark, args=(unread_keys, "全部标为已读"),
                  key="inbox_all_read")  # fmt: skip
    for n, row in enumerate(rows):
        with st.container(border=True, key=f"inbox_message_{n}"):
            head, action = st.columns([8, 2], vertical_alignment="center")
            state = "未读" if row["read_at"] is None else "已读"
            head.markdown(f"**{plain(row['title'])}**")
            head.caption(f"{row['kind_name']}　·　{row['created_at']:%Y-%m-%d %H:%M}　·　{state}")
            if row["body"]:
                st.text(row["body"])
            if row["link"]:
                st.markdown(f":material/open_in_new: [打开]({row['link']})")
            if row["read_at"] is None:
                action.button("标为已读", on_click=_mark, args=([row["key"]], row["title"][:60]),
                              key=f"inbox_read_{n}")  # fmt: skip
