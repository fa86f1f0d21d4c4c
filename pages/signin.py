"""登录: the only page an anonymous visitor reaches, whatever the URL; once signed in, on to the 总览."""

import streamlit as st

from ui.session import sign_in_form, signed_in_user

if signed_in_user() is None:
    sign_in_form()
else:
    st.switch_page("pages/overview.py")
