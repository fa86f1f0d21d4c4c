"""消息: the signed-in user's 站内消息 (督办提醒, 督办单, 销号审核 and 延期审批 results, the schedule's reports)."""

import streamlit as st

from ui.inbox import message_list, unread
from ui.scope import page_header
from ui.session import current_user

page_header("消息")
user = current_user()
count = unread(user)
st.metric("未读消息", f"{count} 条")
show = st.segmented_control("显示", ["未读", "全部"], default="未读" if count else "全部", key="inbox_show")
st.caption("消息只发给本账号；点“打开”进入相关条目或督办单，看过后标为已读。")
message_list(user, unread_only=show == "未读")
