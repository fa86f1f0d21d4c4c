"""The app's frame around every page: Streamlit's own English replaced, the notice after a reconnect, the print layout,
the sidebar's page list."""

from pathlib import Path

import streamlit as st

ASSETS = Path(__file__).resolve().parent.parent / "assets"
PRINT_CSS = (ASSETS / "print.css").read_text(encoding="utf-8")
PRINT_JS = (ASSETS / "print.js").read_text(encoding="utf-8")  # charts drawn again at the sheet's width to print
CHINESE_CSS = (ASSETS / "streamlit_zh.css").read_text(encoding="utf-8")  # Streamlit's own English replaced
RECONNECT_JS = (ASSETS / "reconnect.js").read_text(encoding="utf-8")  # a server lost under the user, in Chinese
RECONNECTED = "ledger_reconnected"  # the cookie assets/reconnect.js puts on a reconnecting websocket's handshake
SEEN = "chrome_session_seen"  # set on a browser session's first run: a reconnect to a live server keeps it
RECONNECT_NOTICE = (
    "与服务器的连接中断过，已自动重新连接（可能换到了另一台服务器）。刚才的操作可能没有执行，中断前填写而未提交的表单"
    "没有保存：请核对表单内容、重新选择要上传的文件后再提交；此前已提交成功的操作不受影响。"
)


def chinese_chrome() -> None:
    """Streamlit's and plotly's own English (upload button, "Press Enter…", toolbar tooltips, the connection
    dialog) replaced or hidden where they have no setting (assets/streamlit_zh.css, assets/reconnect.js); app.py
    loads it on every page, the sign-in page too. Then the notice after a move to another server."""
    st.html(f"<style>{CHINESE_CSS}</style>")  # style only: Streamlit puts it where it takes no room
    # a script needs an element of its own; streamlit_zh.css hides it (#ledger-reconnect), so no page moves
    st.html(f'<script id="ledger-reconnect">{RECONNECT_JS}</script>', unsafe_allow_javascript=True, width="content")
    reconnect_notice()


def reconnect_notice() -> None:
    """The first run of a browser session that began as a reconnect (the cookie assets/reconnect.js sets) is a
    user whose server went away: the new server has none of the old one's half-filled forms, uploaded files or
    pending clicks, so the user is told in Chinese. A reconnect to the same live server keeps its session (SEEN)
    and loses nothing, so it says nothing."""
    first_run = SEEN not in st.session_state
    st.session_state[SEEN] = True
    if first_run and st.context.cookies.get(RECONNECTED):
        st.warning(RECONNECT_NOTICE, icon=":material/sync_problem:")
        st.html(f"<script>document.cookie = '{RECONNECTED}=; path=/; max-age=0';</script>",
                unsafe_allow_javascript=True, width="content")  # fmt: skip


def page_links(pages: list, unread: dict[str, int]) -> None:
    """The sidebar's list of pages, a page's unread count beside its title (消息). Streamlit's own list is switched
    off (client.showSidebarNavigation = false): on a cold start it first lists the pages/ folder's module names
    until app.py's st.navigation replaces them."""
    with st.container(key="page_links"):
        for page in pages:
            count = unread.get(page.url_path, 0)
            st.page_link(page, label=f"{page.title}（{count} 条未读）" if count else None, width="stretch")


def print_layout() -> None:
    """The browser's print: A4, no controls (assets/print.css), charts at the sheet's width (assets/print.js)."""
    st.html(f"<style>{PRINT_CSS}</style><script>{PRINT_JS}</script>", unsafe_allow_javascript=True)
