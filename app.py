"""Router: page config, sign-in, the scope bar shared by every page, navigation by role."""

import streamlit as st

from pages._auth import current_user, require_user, sign_out_box
from pages._errors import guarded
from pages._shell import chinese_chrome, page_links, scope_bar

st.set_page_config(page_title="开发区闲置资源要素大起底看板", page_icon=":material/factory:", layout="wide")
chinese_chrome()  # Streamlit's own English, replaced or hidden (assets/streamlit_zh.css)

if current_user() is None:  # anonymous: every URL gets the sign-in page and nothing else
    signin = st.Page("pages/signin.py", title="登录", url_path="signin", default=True)
    guarded(st.navigation([signin], position="hidden").run)
    st.stop()
user = require_user()

pages = [
    st.Page("pages/overview.py", title="总览", icon=":material/dashboard:", url_path="overview", default=True),
    st.Page("pages/progress.py", title="整治进度", icon=":material/timeline:", url_path="progress"),
    st.Page("pages/rankings.py", title="园区排名", icon=":material/leaderboard:", url_path="rankings"),
    st.Page("pages/idle_map.py", title="闲置资产地图", icon=":material/map:", url_path="idle_map"),
    st.Page("pages/ledgers.py", title="台账", icon=":material/table_view:", url_path="ledgers"),
    st.Page("pages/park.py", title="园区档案", icon=":material/apartment:", url_path="park"),
    st.Page("pages/briefing.py", title="导出与通报", icon=":material/campaign:", url_path="briefing"),
    st.Page("pages/meeting.py", title="会议模式", icon=":material/tv:", url_path="meeting"),
]
if user.role in ("admin", "league", "park"):
    pages.insert(1, st.Page("pages/todo.py", title="我的待办", icon=":material/checklist:", url_path="todo"))
if user.role == "admin":
    pages.insert(2, st.Page("pages/review.py", title="销号审核", icon=":material/fact_check:", url_path="review"))
if user.role in ("admin", "league"):
    pages.append(
        st.Page("pages/data_import.py", title="数据导入", icon=":material/upload_file:", url_path="data_import")
    )
if user.manages_accounts:
    pages.append(st.Page("pages/accounts.py", title="账号管理", icon=":material/manage_accounts:", url_path="accounts"))
navigation = st.navigation(pages)

with st.sidebar:
    page_links(pages)  # Streamlit's own list is off (.streamlit/config.toml showSidebarNavigation)
    st.markdown("### 开发区闲置资源要素大起底")
    sign_out_box(user)
    scope_bar()

guarded(navigation.run)
