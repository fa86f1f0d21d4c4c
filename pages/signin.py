"""登录: the only page an anonymous visitor reaches, whatever the URL; once signed in, on to the 总览."""

import streamlit as st

from pages._auth import current_user, sign_in_form

if current_user() is None:
    sign_in_form()
else:
    st.switch_page("pages/overview.py")
