"""Router: page config, sign-in, the scope bar shared by every page, navigation by role."""

import streamlit as st

from auth.roles import Action, User
from ledger.schedule.runner import start_scheduler
from queries.db import upgraded_at_start
from ui.chrome import chinese_chrome, page_links
from ui.errors import guarded
from ui.inbox import unread
from ui.scope import scope_bar
from ui.session import (
    PAGE_NOTICE,
    WANTED,
    asked_path,
    continue_after_sign_in,
    issue_cookie,
    page_notice,
    remember_request,
    sign_out_box,
    signed_in_user,
)
from ui.text import plain

st.set_page_config(page_title="开发区闲置资源要素大起底看板", page_icon=":material/factory:", layout="wide")
chinese_chrome()  # Streamlit's own English, replaced or hidden (assets/streamlit_zh.css)

# (script, title, icon, url_path, the action that opens the page: auth/roles.py), in the order of the sidebar
PAGES = (
    ("pages/overview.py", "总览", ":material/dashboard:", "overview", Action.VIEW),
    ("pages/todo.py", "我的待办", ":material/checklist:", "todo", Action.WORK_ON_ITEMS),
    ("pages/inbox.py", "消息", ":material/mail:", "inbox", Action.READ_INBOX),
    ("pages/supervision.py", "督办单", ":material/assignment_late:", "supervision", Action.VIEW),
    ("pages/review.py", "销号审核", ":material/fact_check:", "review", Action.REVIEW_CLOSURE),
    ("pages/recheck.py", "回头看", ":material/policy:", "recheck", Action.VIEW),
    ("pages/progress.py", "整治进度", ":material/timeline:", "progress", Action.VIEW),
    ("pages/rankings.py", "园区排名", ":material/leaderboard:", "rankings", Action.VIEW),
    ("pages/idle_map.py", "闲置资产地图", ":material/map:", "idle_map", Action.VIEW),
    ("pages/ledgers.py", "台账", ":material/table_view:", "ledgers", Action.VIEW),
    ("pages/park.py", "园区档案", ":material/apartment:", "park", Action.VIEW),
    ("pages/briefing.py", "导出与通报", ":material/campaign:", "briefing", Action.VIEW),
    ("pages/meeting.py", "会议模式", ":material/tv:", "meeting", Action.VIEW),
    ("pages/clocks.py", "法定时限", ":material/gavel:", "clocks", Action.VIEW),
    ("pages/subscriptions.py", "订阅推送", ":material/schedule_send:", "subscriptions", Action.VIEW),
    ("pages/data_import.py", "数据导入", ":material/upload_file:", "data_import", Action.IMPORT),
    ("pages/accounts.py", "账号管理", ":material/manage_accounts:", "accounts", Action.MANAGE_ACCOUNTS),
)
TITLES = {path: title for _, title, _, path, _ in PAGES}
HOME = "home"  # the default page's own path; it is only ever shown as the root URL


def anonymous() -> None:
    """Every URL gets the sign-in page and nothing else: each page's path (and a path that is no page) is the
    sign-in page too, so a shared link shows no "page not found"; the link is remembered for after sign-in."""
    asked = asked_path()
    paths = dict.fromkeys([*TITLES, "signin", *([asked] if asked else []), *remembered_path()])
    # A default page answers only at the root, never by its own path: it gets one nobody types (HOME).
    signin = st.Page("pages/signin.py", title="登录", url_path=HOME, default=True)
    hidden = [st.Page("pages/signin.py", title="登录", url_path=p, visibility="hidden") for p in paths if p != HOME]
    page = st.navigation([signin, *hidden], position="hidden")
    remember_request(page.url_path)
    page.run()


def remembered_path() -> list[str]:
    wanted = st.session_state.get(WANTED)
    return [wanted[0]] if wanted and wanted[0] else []


def signed_in(user: User) -> None:
    home = st.Page("pages/overview.py", title="总览", icon=":material/dashboard:", url_path=HOME, default=True)
    mine = {"overview": home} | {
        path: st.Page(script, title=title, icon=icon, url_path=path)
        for script, title, icon, path, action in PAGES[1:]
        if user.may(action)
    }
    # /overview is 总览 too; the other pages' paths (and a path that is no page) lead to 总览 with a notice,
    # not to Streamlit's "page not found".
    asked = asked_path()
    alias = st.Page("pages/overview.py", title="总览", url_path="overview", visibility="hidden")
    elsewhere = [p for p in dict.fromkeys([*TITLES, "signin", *([asked] if asked else [])]) if p not in mine]
    hidden = [st.Page(not_here(p, user, home), title="总览", url_path=p, visibility="hidden") for p in elsewhere]
    navigation = st.navigation([*mine.values(), alias, *hidden])
    continue_after_sign_in(mine, home, lambda path: not_here_text(path, user))
    issue_cookie()  # after any switch to the page asked for: a script sent just before a rerun may never run

    with st.sidebar:
        # Streamlit's own list is off (.streamlit/config.toml showSidebarNavigation); 消息 shows its unread count
        page_links(list(mine.values()), {"inbox": unread(user)})
        st.markdown("### 开发区闲置资源要素大起底")
        sign_out_box(user)
        scope_bar()
    notice = page_notice()
    if notice:
        st.warning(notice, icon=":material/info:")
    navigation.run()


def not_here_text(path: str, user: User) -> str:
    if path == "signin":  # already signed in
        return ""
    if path in TITLES:
        return f"“{TITLES[path]}”页不对{user.role_name}开放，已转到总览。"
    return f"没有“{plain(path)}”这个页面，已转到总览。"  # the path comes from the address bar


def not_here(path: str, user: User, home: st.Page):
    def go_home() -> None:
        st.session_state[PAGE_NOTICE] = not_here_text(path, user)
        st.switch_page(home)

    return go_home


def route() -> None:
    upgraded_at_start()  # an earlier schema upgraded (ledger/migrate.py) once per process, before anything is read
    start_scheduler()  # the subscriptions' background job, once per process (ledger/schedule/runner.py)
    user = signed_in_user()
    if user is None:
        anonymous()
    else:
        signed_in(user)


guarded(route)  # everything, the session check at the top included: a failure is a Chinese notice with its number
