"""The app's frame around every page: Streamlit's own English replaced, the print layout, the sidebar's page list."""

from pathlib import Path

import streamlit as st

ASSETS = Path(__file__).resolve().parent.parent / "assets"
PRINT_CSS = (ASSETS / "print.css").read_text(encoding="utf-8")
PRINT_JS = (ASSETS / "print.js").read_text(encoding="utf-8")  # charts drawn again at the sheet's width to print
CHINESE_CSS = (ASSETS / "streamlit_zh.css").read_text(encoding="utf-8")  # Streamlit's own English replaced


def chinese_chrome() -> None:
    """Streamlit's and plotly's own English (upload button, "Press Enter…", toolbar tooltips) replaced or hidden
    where they have no setting (assets/streamlit_zh.css); app.py loads it on every page, the sign-in page too."""
    st.html(f"<style>{CHINESE_CSS}</style>")


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
