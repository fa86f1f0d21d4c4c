"""订阅推送: the 督导通报 draft, the overview chart or a threshold alert on a schedule, and what was sent."""

import streamlit as st

from auth.roles import Action
from ui.scope import page_header
from ui.session import current_user
from ui.subscriptions import channel_note, delivery_list, subscription_form, subscription_list

page_header("订阅推送")
user = current_user()
st.caption(
    "订阅的报告按本账号可查看的范围生成（盟市账号只含本盟市），到期后由看板自动发送，每期只发一次。" + channel_note()
)
st.subheader("添加订阅")
subscription_form(user)
st.subheader("全部订阅" if user.may(Action.MANAGE_ACCOUNTS) else "我的订阅")
subscription_list(user)
st.subheader("推送记录")
delivery_list(user, st.query_params.get("delivery"))
